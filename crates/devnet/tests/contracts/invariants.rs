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
//!   activation, and every SSV fee comes out of the fee reserve.

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_chain::bindings::PoolManager::{self, Cluster};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions, MAX_APR_BPS, MAX_LOSS_BPS};
use proptest::prelude::*;

const YEAR: u64 = 365 * 24 * 3600;
const DAY: u64 = 24 * 3600;

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
    Activate {
        count: usize,
    },
    Drop {
        offset: usize,
    },
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
        2 => (1usize..=3).prop_map(|count| Action::Activate { count }),
        1 => (0usize..4).prop_map(|offset| Action::Drop { offset }),
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
                let rewards = milli(rewards_milli_eth);
                if !rewards.is_zero() {
                    devnet.pay_execution_rewards(rewards).await.unwrap();
                }
                let activated = pool.activatedValidators().call().await.unwrap();
                let seen = pool.beaconValidators().call().await.unwrap();
                // Newly activated validators appear with their 32 ETH.
                let newly = thirty_two * U256::from(activated - seen);
                let mut balance = model.true_balance + newly;
                let last = pool.lastReportAt().call().await.unwrap();
                let interval = pool.minReportInterval().call().await.unwrap();
                let at = (last + elapsed.max(interval)).max(devnet.now().await.unwrap() + 1);
                let wanted =
                    total_before * U256::from(change_bps.unsigned_abs()) / U256::from(10_000);
                if activated == 0 {
                    balance = U256::ZERO; // nothing on the beacon chain to gain or lose
                } else if change_bps >= 0 {
                    balance += wanted;
                } else {
                    balance -= wanted.min(balance);
                }
                // The sweep takes part of what is above 32 ETH per validator (a loss below it
                // is not swept).
                let principal = thirty_two * U256::from(activated);
                let excess = balance.saturating_sub(principal);
                let swept = excess * U256::from(sweep_per_mille) / U256::from(1000);
                if !swept.is_zero() {
                    devnet.sweep(swept).await.unwrap();
                    balance -= swept;
                    model.withdrawals += swept;
                }
                let vault = provider
                    .get_balance(devnet.deployment.rewards_vault)
                    .await
                    .unwrap();
                let held = provider
                    .get_balance(devnet.deployment.pool_manager)
                    .await
                    .unwrap();
                let expected = settle(Settle {
                    before: total_before,
                    expected: model.beacon_balance + newly,
                    balance,
                    new_withdrawals: swept,
                    unaccounted: held - model.buffer - model.fee_reserve,
                    vault,
                    elapsed: at - last,
                });
                devnet.set_next_block_time(at).await.unwrap();
                let receipt = pool
                    .reportBeacon(
                        at,
                        activated.to::<u64>(),
                        balance.to(),
                        model.withdrawals.to(),
                    )
                    .mined()
                    .await;
                assert!(receipt.status(), "a report goes through, whatever it says");
                let event = receipt
                    .decoded_log::<PoolManager::BeaconReported>()
                    .unwrap();
                assert_eq!(
                    (
                        event.accountedBalance,
                        event.executionRewards,
                        event.spareEther
                    ),
                    (expected.beacon_balance, expected.from_vault, expected.spare),
                    "the clamp-and-carry rule"
                );
                assert_eq!(event.newWithdrawals, swept);
                assert_eq!(event.reportedBalance, balance);
                let after = pool.totalPooledEther().call().await.unwrap();
                let (up, down) = bounds(total_before, at - last);
                assert!(
                    after <= total_before + up && after + down >= total_before,
                    "{total_before} -> {after} beyond +{up} / -{down}"
                );
                model.buffer += expected.from_pool + expected.from_vault;
                model.beacon_balance = expected.beacon_balance;
                model.true_balance = balance;
            }
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
            Action::Activate { count } => {
                let (first, length) = registry_span(&devnet).await;
                let count = count.min(length - first);
                if count == 0 || model.buffer < thirty_two * U256::from(count) {
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

/// What a report knows (see `PoolMath.settle`).
struct Settle {
    before: U256,
    expected: U256,
    balance: U256,
    new_withdrawals: U256,
    unaccounted: U256,
    vault: U256,
    elapsed: u64,
}

struct Settled {
    beacon_balance: U256,
    from_pool: U256,
    spare: U256,
    from_vault: U256,
}

/// The most a report may move `before` up and down after `elapsed` seconds.
fn bounds(before: U256, elapsed: u64) -> (U256, U256) {
    let up = before * U256::from(MAX_APR_BPS) * U256::from(elapsed) / U256::from(10_000 * YEAR);
    let down =
        before * U256::from(MAX_LOSS_BPS) * U256::from(elapsed.min(DAY)) / U256::from(10_000 * DAY);
    (up, down)
}

/// The clamp-and-carry rule, from its specification: the beacon side (balance + withdrawals
/// that arrived - what the pool accounts for) first, clamped to the bounds; then the vault, then
/// spare ether, into the room left up; a loss beyond the bound after those is carried in the
/// accounted balance, a gain beyond it below the reported balance (or, when the accounts hold
/// less than the withdrawals, as withdrawn ether left spare).
fn settle(r: Settle) -> Settled {
    let (up, down) = bounds(r.before, r.elapsed);
    let int = |v: U256| v.to::<u128>() as i128;
    let backed = r.new_withdrawals.min(r.unaccounted);
    let spare_held = r.unaccounted - backed;
    let delta = int(r.balance) + int(backed) - int(r.expected);
    let (mut from_vault, mut spare) = (U256::ZERO, U256::ZERO);
    let applied = if delta >= int(up) {
        int(up)
    } else {
        let room = U256::from((int(up) - delta) as u128);
        from_vault = r.vault.min(room);
        spare = spare_held.min(room - from_vault);
        let gains = int(from_vault + spare);
        delta.max(-int(down) - gains)
    };
    let level = U256::from((int(r.expected) + applied) as u128);
    let credit = backed.min(level);
    Settled {
        beacon_balance: level - credit,
        from_pool: credit + spare,
        spare,
        from_vault,
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
    let mut sum = U256::ZERO;
    for holder in holders {
        sum += token.sharesOf(*holder).call().await.unwrap();
    }
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
