//! The pool's accounting invariants under random sequences of deposits, transfers, oracle
//! reports (rewards, losses, sweeps, execution-layer rewards; true moves far beyond the bounds,
//! which the pool clamps and carries), forced ether and donations to the vault, registry
//! additions, activations and drops, with the pool's real bounds (nothing is widened for the
//! test):
//!
//! - each report moves the total by at most the annual rate up and the daily rate down, and
//!   books exactly what the clamp-and-carry rule gives (`settle`, written here apart from the
//!   contract): what the vault and the pool's spare ether bring, the accounted balance;
//! - the holders' shares add up to `totalShares`;
//! - the contract holds at least the buffer plus the fee reserve (SSV v2: both in ETH);
//! - total pooled ether is above zero once shares exist;
//! - stakers' ether leaves the buffer only as 32 ETH deposits to the beacon deposit contract:
//!   the buffer is exactly deposits + credited withdrawals + pulled rewards - 32 ETH per
//!   activation, and every SSV fee comes out of the fee reserve;
//! - burned deposits (validators activated the beacon chain never shows) stay in transit until
//!   the oracle writes them off (60 days after the last activation), which moves no value by
//!   itself; a written-off validator seen after all (a late deposit) is counted back once: the
//!   total is always buffer + accounted balance + 32 ETH per validator neither seen nor written
//!   off, and each report books what the model of those counters gives;
//! - withdrawal requests lock shares at an unchanged price and total; each report finalizes
//!   them oldest first, from the buffer, at min(ether at request, worth after the report), never
//!   a later one before an earlier, never at a lower price for the holders; a claim pays its
//!   owner exactly the payout, once; the queue holds at least what is finalized and unclaimed;
//!   activations never spend what waiting requests ask for;
//! - exits: the operator asks SSV for an exit, the oracle reports it exiting and withdrawn, its
//!   balance arrives as a withdrawal: nothing moves the total until a report credits it, once;
//!   the queue's count of validators exiting and `exitsNeeded` follow.

mod exits;
mod report;
mod settle;
mod withdrawals;

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_chain::bindings::PoolManager::{self, Cluster};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions};
use proptest::prelude::*;
use report::{Change, report, write_off_refusal};

#[derive(Debug, Clone)]
enum Action {
    Deposit {
        who: usize,
        milli_eth: u64,
    },
    Transfer {
        from: usize,
        to: usize,
        per_mille: u64,
    },
    /// A report `elapsed` seconds after the last: the true beacon balance moves by `change_bps`
    /// of the total (up to 30 %, far beyond the bounds: the pool clamps), `sweep_per_mille` of
    /// the balance above 32 ETH per validator is swept to the pool first, and
    /// `rewards_milli_eth` reach the vault.
    Report {
        elapsed: u64,
        change_bps: i64,
        sweep_per_mille: u64,
        rewards_milli_eth: u64,
    },
    Forced {
        milli_eth: u64,
    },
    /// Ether sent to the rewards vault by anyone, between reports.
    Donate {
        milli_eth: u64,
    },
    Add {
        count: u16,
    },
    /// `burned` of the `count` validators activated are never shown by the beacon chain.
    Activate {
        count: usize,
        burned: usize,
    },
    Drop {
        offset: usize,
    },
    /// The oracle writes off `count` validators in transit, after a report of a beacon state
    /// past the bound (60 days after the last activation).
    WriteOff {
        count: u64,
    },
    /// One of the validators not shown so far appears on the beacon chain (a late deposit).
    Appear,
    /// Holder `who` asks for `per_mille` of its poolETH back.
    Request {
        who: usize,
        per_mille: u64,
    },
    /// The owner of the `pick`-th finalized, unclaimed request claims it (and tries again).
    Claim {
        pick: usize,
    },
    /// The operator asks SSV to exit the oldest activated validator not asked yet.
    ExitAsk,
    /// The oldest validator asked to exit is seen exiting, then withdrawn (its balance paid to
    /// the pool as a beacon withdrawal).
    ExitDone,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (0..4usize, 1u64..=80_000).prop_map(|(who, milli_eth)| Action::Deposit { who, milli_eth }),
        1 => (0..4usize, 0..4usize, 1u64..=1000).prop_map(|(from, to, per_mille)| Action::Transfer { from, to, per_mille }),
        3 => (60u64..=60 * 86_400, -3_000i64..=3_000, 0u64..=1000, 0u64..=3_000).prop_map(
            |(elapsed, change_bps, sweep_per_mille, rewards_milli_eth)| Action::Report {
                elapsed, change_bps, sweep_per_mille, rewards_milli_eth
            }),
        1 => (1u64..=5_000).prop_map(|milli_eth| Action::Forced { milli_eth }),
        1 => (1u64..=5_000).prop_map(|milli_eth| Action::Donate { milli_eth }),
        2 => (1u16..=3).prop_map(|count| Action::Add { count }),
        2 => (1usize..=3, 0usize..=1).prop_map(|(count, burned)| Action::Activate { count, burned }),
        1 => (0usize..4).prop_map(|offset| Action::Drop { offset }),
        1 => (1u64..=3).prop_map(|count| Action::WriteOff { count }),
        1 => Just(Action::Appear),
        2 => (0..4usize, 1u64..=1000).prop_map(|(who, per_mille)| Action::Request { who, per_mille }),
        1 => (0..8usize).prop_map(|pick| Action::Claim { pick }),
        1 => Just(Action::ExitAsk),
        1 => Just(Action::ExitDone),
    ]
}

/// What the test expects the contract to hold, kept from the outside.
struct Model {
    buffer: U256,
    fee_reserve: U256,
    /// What the pool accounts for on the beacon side.
    beacon_balance: U256,
    /// What the beacon chain really holds for the pool's seen validators.
    true_balance: U256,
    withdrawals: U256,
    cluster: Cluster,
    next_seed: u16,
    /// Activated validators the beacon chain does not show (burned, or late).
    unseen: u64,
    /// Validators seen, as the last report stated.
    seen: u64,
    /// The pool's counters as the model keeps them: validators seen or written off, and
    /// written off.
    settled: u64,
    written_off: u64,
    /// Withdrawal requests waiting, oldest first, and those finalized but not claimed.
    waiting: Vec<withdrawals::Request>,
    claimable: Vec<withdrawals::Request>,
    exits: exits::Exits,
}

fn milli(value: u64) -> U256 {
    parse_ether("0.001").unwrap() * U256::from(value)
}

async fn run(actions: Vec<Action>) {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let token = devnet.token();
    let provider = devnet.provider();
    let holders: Vec<Address> = devnet.accounts()[1..5].to_vec();
    let thirty_two = parse_ether("32").unwrap();
    let mut model = Model {
        buffer: U256::ZERO,
        fee_reserve: pool.feeReserve().call().await.unwrap(),
        beacon_balance: U256::ZERO,
        true_balance: U256::ZERO,
        withdrawals: U256::ZERO,
        cluster: new_cluster(),
        next_seed: 1,
        unseen: 0,
        seen: 0,
        settled: 0,
        written_off: 0,
        waiting: Vec::new(),
        claimable: Vec::new(),
        exits: exits::Exits::default(),
    };
    for action in actions {
        let total_before = pool.totalPooledEther().call().await.unwrap();
        match action {
            Action::Deposit { who, milli_eth } => {
                let wei = milli(milli_eth);
                devnet.stake(holders[who], wei).await.unwrap();
                model.buffer += wei;
            }
            Action::Transfer {
                from,
                to,
                per_mille,
            } => {
                let balance = token.balanceOf(holders[from]).call().await.unwrap();
                let amount = balance * U256::from(per_mille) / U256::from(1000);
                if from != to && !amount.is_zero() {
                    token
                        .transfer(holders[to], amount)
                        .from(holders[from])
                        .mined()
                        .await;
                }
            }
            Action::Report {
                elapsed,
                change_bps,
                sweep_per_mille,
                rewards_milli_eth,
            } => {
                let change = Change {
                    elapsed,
                    change_bps,
                    sweep_per_mille,
                    rewards_milli_eth,
                };
                report(&devnet, &mut model, total_before, change, 0).await;
            }
            Action::WriteOff { count } => {
                let (_, not_before) = write_off_refusal(&devnet).await;
                let change = Change {
                    elapsed: 0,
                    change_bps: 0,
                    sweep_per_mille: 0,
                    rewards_milli_eth: 0,
                };
                report(&devnet, &mut model, total_before, change, not_before).await;
                let activated = pool.activatedValidators().call().await.unwrap().to::<u64>();
                let count = count.min(activated - model.settled);
                if count == 0 {
                    let (in_transit, _) = write_off_refusal(&devnet).await;
                    assert_eq!(in_transit, 0, "nothing in transit");
                } else {
                    let total = pool.totalPooledEther().call().await.unwrap();
                    let receipt = pool.writeOffValidators(U256::from(count)).mined().await;
                    assert!(receipt.status(), "a write-off past the bound goes through");
                    model.settled += count;
                    model.written_off += count;
                    model.beacon_balance += thirty_two * U256::from(count);
                    let event = receipt
                        .decoded_log::<PoolManager::ValidatorsWrittenOff>()
                        .unwrap();
                    assert_eq!(
                        (event.count, event.writtenOff),
                        (U256::from(count), U256::from(model.written_off))
                    );
                    assert_eq!(
                        pool.totalPooledEther().call().await.unwrap(),
                        total,
                        "a write-off moves no value by itself"
                    );
                }
            }
            Action::Appear => model.unseen = model.unseen.saturating_sub(1),
            Action::Request { who, per_mille } => {
                withdrawals::request(&devnet, &mut model, holders[who], per_mille).await;
            }
            Action::Claim { pick } => withdrawals::claim(&devnet, &mut model, pick).await,
            Action::ExitAsk => exits::ask(&devnet, &mut model).await,
            Action::ExitDone => exits::done(&devnet, &mut model).await,
            Action::Forced { milli_eth } => {
                devnet.sweep(milli(milli_eth)).await.unwrap();
                assert_eq!(
                    pool.totalPooledEther().call().await.unwrap(),
                    total_before,
                    "forced ether moves nothing"
                );
            }
            Action::Donate { milli_eth } => {
                devnet
                    .pay_execution_rewards(milli(milli_eth))
                    .await
                    .unwrap();
                assert_eq!(
                    pool.totalPooledEther().call().await.unwrap(),
                    total_before,
                    "a donation moves nothing by itself"
                );
            }
            Action::Add { count } => {
                let entries: Vec<_> = (model.next_seed..model.next_seed + count)
                    .map(|seed| {
                        sample_validator(*pool.address(), seed, &devnet.deployment.operator_ids)
                    })
                    .collect();
                model.next_seed += count;
                pool.add_validators(entries).mined().await;
            }
            Action::Activate { count, burned } => {
                let (first, length) = registry_span(&devnet).await;
                let count = count.min(length - first);
                if count == 0 || model.buffer < thirty_two * U256::from(count) {
                    continue;
                }
                if model.buffer < thirty_two * U256::from(count) + withdrawals::asked(&model) {
                    withdrawals::activation_refused(&devnet, first, count, &model).await;
                    continue;
                }
                let entries = registry_entries(&devnet, first, count).await;
                devnet
                    .mine(pool.activationDelay().call().await.unwrap())
                    .await
                    .unwrap();
                let network_before = provider
                    .get_balance(devnet.deployment.ssv_network)
                    .await
                    .unwrap();
                let receipt = pool
                    .activateValidators(
                        entries,
                        devnet.deposit_count().await.unwrap(),
                        devnet.funding_quote().await.unwrap(),
                        model.cluster.clone(),
                    )
                    .mined()
                    .await;
                assert!(receipt.status(), "activation of {count} from {first}");
                let funding = receipt
                    .decoded_log::<PoolManager::ValidatorsActivated>()
                    .unwrap()
                    .funding;
                model.cluster = cluster_after(&receipt).unwrap();
                model.buffer -= thirty_two * U256::from(count);
                model.fee_reserve -= funding;
                model.unseen += burned.min(count) as u64;
                let network_after = provider
                    .get_balance(devnet.deployment.ssv_network)
                    .await
                    .unwrap();
                assert_eq!(
                    network_after - network_before,
                    funding,
                    "SSV is paid the funding, no more"
                );
                assert_eq!(
                    pool.totalPooledEther().call().await.unwrap(),
                    total_before,
                    "activation moves no value"
                );
            }
            Action::Drop { offset } => {
                let (first, length) = registry_span(&devnet).await;
                if length > first {
                    let from = first + offset % (length - first);
                    pool.dropValidators(U256::from(from)).mined().await;
                    assert_eq!(
                        pool.validatorCount().call().await.unwrap(),
                        U256::from(from)
                    );
                }
            }
        }
        check(&devnet, &holders, &model).await;
    }
}

/// The first pending registry index and the registry's length.
async fn registry_span(devnet: &Devnet) -> (usize, usize) {
    let pool = devnet.pool();
    let first = pool
        .activatedValidators()
        .call()
        .await
        .unwrap()
        .to::<usize>();
    let length = pool.validatorCount().call().await.unwrap().to::<usize>();
    (first, length)
}

/// The entries `first..first + count` as registered, from their `ValidatorRegistered` events
/// (the newest event per index: a dropped index may have been registered again).
async fn registry_entries(
    devnet: &Devnet,
    first: usize,
    count: usize,
) -> Vec<pool_chain::bindings::PoolManager::ValidatorData> {
    let events = devnet
        .pool()
        .ValidatorRegistered_filter()
        .from_block(0)
        .query()
        .await
        .unwrap();
    (first..first + count)
        .map(|index| {
            let (event, _) = events
                .iter()
                .rev()
                .find(|(e, _)| e.index == U256::from(index))
                .expect("a registration event");
            pool_chain::bindings::PoolManager::ValidatorData {
                pubkey: event.pubkey.clone(),
                signature: event.signature.clone(),
                depositDataRoot: event.depositDataRoot,
                operatorIds: event.operatorIds.clone(),
                sharesData: event.sharesData.clone(),
            }
        })
        .collect()
}

async fn check(devnet: &Devnet, holders: &[Address], model: &Model) {
    let pool = devnet.pool();
    let token = devnet.token();
    let total_shares = token.totalShares().call().await.unwrap();
    // The queue's shares are the waiting requests' (finalized ones are burned).
    let mut sum = token
        .sharesOf(devnet.deployment.withdrawal_queue)
        .call()
        .await
        .unwrap();
    for holder in holders {
        sum += token.sharesOf(*holder).call().await.unwrap();
    }
    withdrawals::check(devnet, model).await;
    exits::check(devnet, model).await;
    assert_eq!(sum, total_shares, "Σ shares = totalShares");
    let buffer = U256::from(pool.bufferedEther().call().await.unwrap());
    let reserve = pool.feeReserve().call().await.unwrap();
    assert_eq!(
        buffer, model.buffer,
        "stakers' ether leaves the buffer only as 32 ETH deposits"
    );
    assert_eq!(
        reserve, model.fee_reserve,
        "SSV fees come out of the fee reserve only"
    );
    let held = devnet
        .provider()
        .get_balance(devnet.deployment.pool_manager)
        .await
        .unwrap();
    assert!(
        held >= buffer + reserve,
        "the pool holds {held} < buffer {buffer} + reserve {reserve}"
    );
    if !total_shares.is_zero() {
        assert!(
            !pool.totalPooledEther().call().await.unwrap().is_zero(),
            "shares without ether"
        );
    }
    let activated = pool.activatedValidators().call().await.unwrap().to::<u64>();
    assert!(model.settled <= activated);
    assert_eq!(
        pool.writtenOffValidators()
            .call()
            .await
            .unwrap()
            .to::<u64>(),
        model.written_off
    );
    assert_eq!(
        pool.beaconValidators().call().await.unwrap().to::<u64>(),
        model.seen
    );
    let thirty_two = parse_ether("32").unwrap();
    assert_eq!(
        pool.totalPooledEther().call().await.unwrap(),
        buffer
            + U256::from(pool.beaconBalance().call().await.unwrap())
            + thirty_two * U256::from(activated - model.settled),
        "in transit: neither seen nor written off, each counted once"
    );
    assert_eq!(
        U256::from(pool.beaconBalance().call().await.unwrap()),
        model.beacon_balance
    );
}

proptest! {
    // 12 random sequences per run (~15 s on anvil); PROPTEST_CASES=200 searches harder.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn accounting_invariants_hold_with_the_real_bounds(actions in proptest::collection::vec(action(), 1..24)) {
        tokio::runtime::Runtime::new().unwrap().block_on(run(actions));
    }
}
