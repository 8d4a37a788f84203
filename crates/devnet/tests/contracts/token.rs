//! poolETH as an ERC-20 over shares: transfers, allowances, share transfers, the inflation
//! attack, and random sequences of deposits, transfers and rebases.

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::{DynProvider, Provider};
use pool_chain::bindings::PoolETH::{self, PoolETHErrors};
use pool_core::PoolTotals;
use pool_devnet::testing::Mined;
use pool_devnet::{Devnet, DevnetOptions};
use proptest::prelude::*;

async fn devnet() -> Devnet {
    Devnet::start(DevnetOptions::default())
        .await
        .expect("devnet starts")
}

fn token(devnet: &Devnet) -> PoolETH::PoolETHInstance<DynProvider> {
    devnet.token()
}

async fn stake(devnet: &Devnet, from: Address, wei: U256) {
    devnet.stake(from, wei).await.unwrap();
}

/// A rebase by `change` wei, reported by the oracle within the pool's real bounds (a loss needs
/// a validator on the beacon chain: see [`with_a_validator`]).
async fn rebase(devnet: &Devnet, change: i128) {
    devnet.rebase(change).await.unwrap();
}

/// Puts one validator on the beacon chain (32 ETH from anvil's account #6, not a holder), so
/// that reports can take losses as well as rewards.
pub(crate) async fn with_a_validator(devnet: &Devnet) {
    stake(devnet, devnet.accounts()[6], parse_ether("32").unwrap()).await;
    devnet
        .add_and_activate(1..2, pool_devnet::fixtures::new_cluster())
        .await
        .unwrap();
    devnet
        .report(0, 1, parse_ether("32").unwrap(), U256::ZERO)
        .await
        .unwrap();
}

async fn totals(devnet: &Devnet) -> PoolTotals {
    devnet.totals().await.unwrap()
}

#[tokio::test]
async fn transfers_move_shares_and_allowances_are_in_token_units() {
    let devnet = devnet().await;
    let pool_eth = token(&devnet);
    let [alice, bob, carol] = [
        devnet.accounts()[1],
        devnet.accounts()[2],
        devnet.accounts()[3],
    ];
    stake(&devnet, alice, parse_ether("3").unwrap()).await;
    rebase(&devnet, parse_ether("0.3").unwrap().to::<i128>()).await; // 1 share = 1.1 wei

    let receipt = pool_eth
        .transfer(bob, parse_ether("1.1").unwrap())
        .from(alice)
        .mined()
        .await;
    println!("gas: pool_eth transfer: {}", receipt.gas_used);
    let moved = receipt.decoded_log::<PoolETH::TransferShares>().unwrap();
    assert_eq!(moved.sharesValue, parse_ether("1").unwrap());
    assert_eq!(
        receipt.decoded_log::<PoolETH::Transfer>().unwrap().value,
        parse_ether("1.1").unwrap()
    );
    assert_eq!(
        pool_eth.balanceOf(bob).call().await.unwrap(),
        parse_ether("1.1").unwrap()
    );
    assert_eq!(
        pool_eth.sharesOf(alice).call().await.unwrap(),
        parse_ether("2").unwrap()
    );

    let too_much = pool_eth
        .transfer(carol, parse_ether("5").unwrap())
        .from(bob)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        too_much.as_decoded_interface_error::<PoolETHErrors>(),
        Some(PoolETHErrors::InsufficientShares(_))
    ));

    pool_eth
        .approve(carol, parse_ether("1").unwrap())
        .from(alice)
        .mined()
        .await;
    assert_eq!(
        pool_eth.allowance(alice, carol).call().await.unwrap(),
        parse_ether("1").unwrap()
    );
    pool_eth
        .transferFrom(alice, carol, parse_ether("0.6").unwrap())
        .from(carol)
        .mined()
        .await;
    assert_eq!(
        pool_eth.allowance(alice, carol).call().await.unwrap(),
        parse_ether("0.4").unwrap()
    );
    let over = pool_eth
        .transferFrom(alice, carol, parse_ether("0.5").unwrap())
        .from(carol)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        over.as_decoded_interface_error::<PoolETHErrors>(),
        Some(PoolETHErrors::InsufficientAllowance(_))
    ));

    let shares = pool_eth
        .transferShares(carol, U256::from(10))
        .from(alice)
        .mined()
        .await;
    assert_eq!(
        shares
            .decoded_log::<PoolETH::TransferShares>()
            .unwrap()
            .sharesValue,
        U256::from(10)
    );
    let zero = pool_eth
        .transfer(Address::ZERO, U256::from(1))
        .from(alice)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        zero.as_decoded_interface_error::<PoolETHErrors>(),
        Some(PoolETHErrors::ZeroAddress(_))
    ));
    // The pool's own contracts cannot hold shares: nothing could ever move them out.
    for stuck in [devnet.deployment.pool_manager, devnet.deployment.pool_eth] {
        let refused = pool_eth
            .transferShares(stuck, U256::from(1))
            .from(alice)
            .call()
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused.as_decoded_interface_error::<PoolETHErrors>(),
                Some(PoolETHErrors::TransferToPoolContract(_))
            ),
            "shares to {stuck}"
        );
        let refused = pool_eth
            .transfer(stuck, U256::from(1))
            .from(alice)
            .call()
            .await
            .unwrap_err();
        assert!(matches!(
            refused.as_decoded_interface_error::<PoolETHErrors>(),
            Some(PoolETHErrors::TransferToPoolContract(_))
        ));
    }
    let mint = pool_eth
        .mintForDeposit(alice, U256::from(1), U256::ZERO)
        .from(alice)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        mint.as_decoded_interface_error::<PoolETHErrors>(),
        Some(PoolETHErrors::NotManager(_))
    ));
}

#[tokio::test]
async fn the_first_depositor_cannot_inflate_the_share_price() {
    let devnet = devnet().await;
    let pool = devnet.deployment.pool_manager;
    let [attacker, victim] = [devnet.accounts()[1], devnet.accounts()[2]];
    // The classic attack: own the only share, then raise the pool's value without minting so
    // that the next deposit rounds down to nothing.
    stake(&devnet, attacker, U256::from(1)).await;
    let _: () = devnet
        .provider()
        .raw_request(
            "anvil_setBalance".into(),
            (pool, parse_ether("1000").unwrap()),
        )
        .await
        .unwrap();
    // A direct transfer is refused; forced ether is not counted.
    let transfer = alloy::rpc::types::TransactionRequest::default()
        .from(attacker)
        .to(pool)
        .value(parse_ether("10").unwrap());
    assert!(devnet.provider().call(transfer).await.is_err());
    assert_eq!(totals(&devnet).await.total_pooled_ether, U256::from(1));

    stake(&devnet, victim, parse_ether("1").unwrap()).await;
    assert_eq!(
        token(&devnet).balanceOf(victim).call().await.unwrap(),
        parse_ether("1").unwrap()
    );
    assert_eq!(
        token(&devnet).balanceOf(attacker).call().await.unwrap(),
        U256::from(1)
    );
}

#[tokio::test]
async fn a_deposit_too_small_for_one_share_is_refused() {
    let devnet = devnet().await;
    stake(&devnet, devnet.accounts()[1], parse_ether("1").unwrap()).await;
    rebase(&devnet, parse_ether("0.5").unwrap().to::<i128>()).await; // 1 share = 1.5 wei
    let error = devnet
        .pool()
        .deposit()
        .from(devnet.accounts()[2])
        .value(U256::from(1))
        .call()
        .await
        .unwrap_err();
    let data = error.as_revert_data().expect("revert data");
    assert_eq!(
        pool_chain::revert::explain_revert(&data).unwrap(),
        "1 wei is too small to buy a single share at the current rate."
    );
    // Two wei buy one share.
    stake(&devnet, devnet.accounts()[2], U256::from(2)).await;
    assert_eq!(
        token(&devnet)
            .sharesOf(devnet.accounts()[2])
            .call()
            .await
            .unwrap(),
        U256::from(1)
    );
}

#[derive(Debug, Clone)]
enum Action {
    Deposit {
        who: usize,
        wei: u128,
    },
    Transfer {
        from: usize,
        to: usize,
        per_mille: u16,
    },
    Rebase {
        per_mille: i16,
    },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0..4usize, 1u128..=5_000_000_000_000_000_000)
            .prop_map(|(who, wei)| Action::Deposit { who, wei }),
        (0..4usize, 0..4usize, 0u16..=1000).prop_map(|(from, to, per_mille)| Action::Transfer {
            from,
            to,
            per_mille
        }),
        (-50i16..=100).prop_map(|per_mille| Action::Rebase { per_mille }),
    ]
}

proptest! {
    // 24 random sequences per run (~7 s on anvil); PROPTEST_CASES=300 searches harder.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whatever happens, holders never own more than the pool, a rebase moves every balance in
    /// proportion, and nobody's balance grows at another's expense beyond rounding.
    #[test]
    fn balances_stay_fair_under_any_sequence(actions in proptest::collection::vec(action(), 1..14)) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let devnet = devnet().await;
            let holders: Vec<Address> = devnet.accounts()[1..5].to_vec();
            let pool_eth = token(&devnet);
            stake(&devnet, holders[0], parse_ether("1").unwrap()).await;
            with_a_validator(&devnet).await;
            for action in actions {
                let before = balances(&pool_eth, &holders).await;
                let operations;
                match action {
                    Action::Deposit { who, wei } => {
                        let minted = totals(&devnet).await.shares_by_pooled_eth(U256::from(wei)).unwrap();
                        if minted.is_zero() { continue; }
                        stake(&devnet, holders[who], U256::from(wei)).await;
                        let after = balances(&pool_eth, &holders).await;
                        // The depositor gets at most what they paid; others lose at most rounding.
                        assert!(after[who] - before[who] <= U256::from(wei));
                        operations = 1;
                        check_others(&before, &after, &[who], operations);
                    }
                    Action::Transfer { from, to, per_mille } => {
                        let amount = before[from] * U256::from(per_mille) / U256::from(1000);
                        if from == to || amount.is_zero() { continue; }
                        pool_eth.transfer(holders[to], amount).from(holders[from]).mined().await;
                        let after = balances(&pool_eth, &holders).await;
                        // Shares are rounded up: the recipient gets at least `amount`, the sender
                        // pays at most one share's worth more, and the pair together neither
                        // gains nor loses beyond 1 wei of rounding.
                        let (sent, received) = (before[from] - after[from], after[to] - before[to]);
                        assert!(received >= amount, "received {received} of {amount}");
                        assert!(sent >= amount, "sent {sent} for {amount}");
                        let one_share = totals(&devnet).await.pooled_eth_by_shares(U256::from(1)).unwrap();
                        assert!(sent <= amount + one_share + U256::from(1), "sent {sent} for {amount}");
                        assert!(sent.abs_diff(received) <= U256::from(1), "sent {sent}, received {received}");
                        operations = 1;
                        check_others(&before, &after, &[from, to], operations);
                    }
                    Action::Rebase { per_mille } => {
                        let total = totals(&devnet).await.total_pooled_ether.to::<u128>() as i128;
                        rebase(&devnet, total * per_mille as i128 / 1000).await;
                        let after = balances(&pool_eth, &holders).await;
                        // Everyone moves in the same direction.
                        for (b, a) in before.iter().zip(&after) {
                            if per_mille >= 0 { assert!(a >= b || b - a <= U256::from(1)); } else { assert!(a <= b); }
                        }
                    }
                }
                let pool = totals(&devnet).await;
                let sum = balances(&pool_eth, &holders).await.into_iter().fold(U256::ZERO, |s, b| s + b);
                assert!(sum <= pool.total_pooled_ether, "holders own {sum} of {}", pool.total_pooled_ether);
            }
        });
    }
}

async fn balances(
    pool_eth: &PoolETH::PoolETHInstance<DynProvider>,
    holders: &[Address],
) -> Vec<U256> {
    let mut out = Vec::new();
    for holder in holders {
        out.push(pool_eth.balanceOf(*holder).call().await.unwrap());
    }
    out
}

/// Holders not involved in an operation lose at most 1 wei per operation to rounding and gain
/// nothing beyond it.
fn check_others(before: &[U256], after: &[U256], involved: &[usize], operations: u64) {
    for i in 0..before.len() {
        if involved.contains(&i) {
            continue;
        }
        let slack = U256::from(operations);
        assert!(
            after[i] + slack >= before[i],
            "holder {i} lost {} wei",
            before[i] - after[i]
        );
        assert!(
            after[i] <= before[i] + slack,
            "holder {i} gained {} wei",
            after[i] - before[i]
        );
    }
}
