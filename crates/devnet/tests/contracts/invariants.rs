//! The pool's accounting invariants under random sequences of deposits, transfers, oracle
//! reports (rewards, losses, sweeps, execution-layer rewards), forced ether, registry additions,
//! activations and drops, with the pool's real bounds (nothing is widened for the test):
//!
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
    /// A report `elapsed` seconds after the last: the beacon balance moves by `change_bps` of
    /// the total (clamped to the bounds), `sweep_per_mille` of the balance above 32 ETH per
    /// validator is swept to the pool first, and `rewards_milli_eth` reach the vault.
    Report {
        elapsed: u64,
        change_bps: i64,
        sweep_per_mille: u64,
        rewards_milli_eth: u64,
    },
    Forced {
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
        3 => (60u64..=60 * 86_400, -600i64..=600, 0u64..=1000, 0u64..=3_000).prop_map(
            |(elapsed, change_bps, sweep_per_mille, rewards_milli_eth)| Action::Report {
                elapsed, change_bps, sweep_per_mille, rewards_milli_eth
            }),
        1 => (1u64..=5_000).prop_map(|milli_eth| Action::Forced { milli_eth }),
        2 => (1u16..=3).prop_map(|count| Action::Add { count }),
        2 => (1usize..=3).prop_map(|count| Action::Activate { count }),
        1 => (0usize..4).prop_map(|offset| Action::Drop { offset }),
    ]
}

/// What the test expects the contract to hold, kept from the outside.
struct Model {
    buffer: U256,
    fee_reserve: U256,
    beacon_balance: U256,
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
                let mut balance = model.beacon_balance + thirty_two * U256::from(activated - seen);
                let last = pool.lastReportAt().call().await.unwrap();
                let interval = pool.minReportInterval().call().await.unwrap();
                let at = (last + elapsed.max(interval)).max(devnet.now().await.unwrap() + 1);
                let base = total_before.max(thirty_two);
                let upward = base * U256::from(MAX_APR_BPS) * U256::from(at - last)
                    / U256::from(10_000 * YEAR);
                let downward = total_before * U256::from(MAX_LOSS_BPS) / U256::from(10_000);
                let wanted =
                    total_before * U256::from(change_bps.unsigned_abs()) / U256::from(10_000);
                if activated == 0 {
                    balance = U256::ZERO; // nothing on the beacon chain to gain or lose
                } else if change_bps >= 0 {
                    balance += wanted.min(upward);
                } else {
                    balance -= wanted.min(downward).min(balance);
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
                assert!(receipt.status(), "a report within the bounds goes through");
                let event = receipt
                    .decoded_log::<PoolManager::BeaconReported>()
                    .unwrap();
                // The beacon side moved by what was asked; the vault filled the room left.
                let beacon_side = (balance + swept).to::<u128>() as i128
                    - (model.beacon_balance + thirty_two * U256::from(activated - seen))
                        .to::<u128>() as i128;
                let room = if beacon_side >= 0 {
                    upward - U256::from(beacon_side as u128)
                } else {
                    upward + U256::from(beacon_side.unsigned_abs())
                };
                assert_eq!(event.executionRewards, vault.min(room));
                assert_eq!(event.withdrawals, swept);
                model.buffer += swept + event.executionRewards;
                model.beacon_balance = balance;
            }
            Action::Forced { milli_eth } => {
                devnet.sweep(milli(milli_eth)).await.unwrap();
                assert_eq!(
                    pool.totalPooledEther().call().await.unwrap(),
                    total_before,
                    "forced ether moves nothing"
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
