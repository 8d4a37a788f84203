//! The pool contracts on a real anvil: deposits, shares and balances, reverts.

use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, Bytes, U256, utils::parse_ether};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use pool_chain::bindings::{PoolETH, PoolManager};
use pool_chain::reads::PoolReads;
use pool_chain::revert::explain_revert;
use pool_core::PoolTotals;
use pool_devnet::{Devnet, DevnetOptions};

async fn devnet() -> Devnet {
    Devnet::start(DevnetOptions::default())
        .await
        .expect("devnet starts")
}

async fn deposit(provider: &DynProvider, pool: Address, from: Address, wei: U256) -> U256 {
    let manager = PoolManager::new(pool, provider.clone());
    let receipt = manager
        .deposit()
        .from(from)
        .value(wei)
        .send()
        .await
        .expect("deposit sent")
        .get_receipt()
        .await
        .expect("deposit mined");
    assert!(receipt.status(), "deposit succeeded");
    // A deposit is recorded by poolETH's mint events.
    let minted = receipt
        .decoded_log::<PoolETH::Transfer>()
        .expect("a mint Transfer event");
    assert_eq!(
        (minted.from, minted.to, minted.value),
        (Address::ZERO, from, wei)
    );
    let shares = receipt
        .decoded_log::<PoolETH::TransferShares>()
        .expect("a mint TransferShares event");
    assert_eq!((shares.from, shares.to), (Address::ZERO, from));
    shares.sharesValue
}

async fn totals(_provider: &DynProvider, devnet: &Devnet) -> PoolTotals {
    devnet.totals().await.unwrap()
}

/// A rebase: `wei` of rewards reported by the oracle (within the pool's real bounds).
async fn reward(devnet: &Devnet, wei: U256) {
    devnet.rebase(wei.to::<i128>()).await.unwrap();
}

#[tokio::test]
async fn first_deposit_mints_one_share_per_wei() {
    let devnet = devnet().await;
    let provider = devnet.provider();
    let alice = devnet.accounts()[1];
    let amount = parse_ether("1.5").unwrap();

    let shares = deposit(&provider, devnet.deployment.pool_manager, alice, amount).await;

    assert_eq!(shares, amount);
    let token = PoolETH::new(devnet.deployment.pool_eth, provider.clone());
    assert_eq!(token.sharesOf(alice).call().await.unwrap(), amount);
    assert_eq!(token.balanceOf(alice).call().await.unwrap(), amount);
    assert_eq!(token.totalSupply().call().await.unwrap(), amount);
    let pooled = totals(&provider, &devnet).await;
    assert_eq!(
        pooled,
        PoolTotals {
            total_pooled_ether: amount,
            total_shares: amount
        }
    );
}

#[tokio::test]
async fn later_deposits_mint_at_the_current_rate_and_balances_follow_the_formula() {
    let devnet = devnet().await;
    let provider = devnet.provider();
    let pool = devnet.deployment.pool_manager;
    let [alice, bob, carol] = [
        devnet.accounts()[1],
        devnet.accounts()[2],
        devnet.accounts()[3],
    ];

    deposit(&provider, pool, alice, parse_ether("3").unwrap()).await;
    // Rewards: 3 ETH of deposits now account for 3.3 ETH (+ an odd wei to exercise rounding).
    reward(&devnet, parse_ether("0.3").unwrap() + U256::from(7)).await;

    let before = totals(&provider, &devnet).await;
    let amount = parse_ether("1").unwrap() + U256::from(1);
    let expected = before.shares_by_pooled_eth(amount).unwrap();
    let minted = deposit(&provider, pool, bob, amount).await;
    assert_eq!(
        minted, expected,
        "the contract mints what pool-core computes"
    );
    assert!(
        minted < amount,
        "after rewards a wei buys less than a share"
    );

    deposit(&provider, pool, carol, U256::from(12_345_678_901u64)).await;

    let after = totals(&provider, &devnet).await;
    let token = PoolETH::new(devnet.deployment.pool_eth, provider.clone());
    let mut sum = U256::ZERO;
    for holder in [alice, bob, carol] {
        let shares = token.sharesOf(holder).call().await.unwrap();
        let on_chain = token.balanceOf(holder).call().await.unwrap();
        assert_eq!(
            on_chain,
            after.pooled_eth_by_shares(shares).unwrap(),
            "to the wei"
        );
        sum += on_chain;
    }
    assert!(sum <= after.total_pooled_ether);
}

#[tokio::test]
async fn the_one_read_decodes_into_the_same_numbers() {
    let devnet = devnet().await;
    let provider = devnet.provider();
    let alice = devnet.accounts()[1];
    deposit(
        &provider,
        devnet.deployment.pool_manager,
        alice,
        parse_ether("2").unwrap(),
    )
    .await;

    devnet
        .request_withdrawal(alice, parse_ether("0.5").unwrap())
        .await
        .unwrap();
    let reads = PoolReads {
        pool_manager: devnet.deployment.pool_manager,
        pool_eth: devnet.deployment.pool_eth,
        account: Some(alice),
        wrapper: Some(devnet.deployment.wpool_eth),
    };
    // A deployless read: StakerView's creation code, no recipient.
    let call = reads.call();
    let tx = TransactionRequest::default().with_input(call.data);
    let result = provider
        .call(tx)
        .block(alloy::eips::BlockId::latest())
        .await
        .unwrap();
    let reading = reads.decode(&result).unwrap();
    assert_eq!(reading.block, provider.get_block_number().await.unwrap());
    let snapshot = reading.pool;
    let account = snapshot.account.unwrap();
    assert_eq!(
        snapshot.totals.total_pooled_ether,
        parse_ether("2").unwrap()
    );
    assert_eq!(snapshot.buffered_ether, parse_ether("2").unwrap());
    assert_eq!(snapshot.totals.total_shares, parse_ether("2").unwrap());
    assert_eq!(snapshot.runway_blocks, 30 * pool_devnet::BLOCKS_PER_DAY);
    // Half an ETH of her shares is locked in the queue by her request.
    assert_eq!(account.shares, parse_ether("1.5").unwrap());
    assert_eq!(
        account.eth_balance,
        provider.get_balance(alice).await.unwrap()
    );
    assert_eq!(account.balance, account.contract_balance);
    // The queue and the wrapper, read at the same block.
    let queue = devnet.queue();
    assert_eq!(reading.queue.address, devnet.deployment.withdrawal_queue);
    assert_eq!(reading.queue.last_request_id, U256::from(1));
    assert_eq!(reading.queue.requests.len(), 1);
    let stored = queue.getRequest(U256::from(1)).call().await.unwrap();
    assert_eq!(reading.queue.requests[0].shares, stored.shares);
    assert_eq!(reading.queue.requests[0].amount, stored.amount);
    let wrapper = reading.wrapper.expect("the devnet has a wrapper");
    let rate = pool_chain::bindings::WpoolETH::new(devnet.deployment.wpool_eth, provider.clone())
        .convertToAssets(parse_ether("1").unwrap())
        .call()
        .await
        .unwrap();
    assert_eq!(wrapper.rate, rate, "the rate as the contract computes it");
}

#[tokio::test]
async fn reverts_carry_custom_errors_the_client_explains() {
    let devnet = devnet().await;
    let provider = devnet.provider();
    let alice = devnet.accounts()[1];
    let pool = devnet.deployment.pool_manager;

    let zero = TransactionRequest::default()
        .with_from(alice)
        .with_to(pool)
        .with_input(Bytes::from(PoolManager::depositCall {}.abi_encode()));
    let error = provider
        .call(zero)
        .await
        .expect_err("a zero deposit reverts");
    let data = error
        .as_error_resp()
        .and_then(|e| e.as_revert_data())
        .expect("revert data");
    assert_eq!(
        explain_revert(&data).unwrap(),
        "The pool refused an amount of zero."
    );

    let plain = TransactionRequest::default()
        .with_from(alice)
        .with_to(pool)
        .with_value(U256::from(1));
    let error = provider
        .call(plain)
        .await
        .expect_err("a plain transfer reverts");
    let data = error
        .as_error_resp()
        .and_then(|e| e.as_revert_data())
        .expect("revert data");
    assert!(explain_revert(&data).unwrap().contains("deposit button"));
}

#[tokio::test]
async fn forced_ether_does_not_move_the_share_price() {
    let devnet = devnet().await;
    let provider = devnet.provider();
    let pool = devnet.deployment.pool_manager;
    deposit(
        &provider,
        pool,
        devnet.accounts()[1],
        parse_ether("1").unwrap(),
    )
    .await;
    let before = totals(&provider, &devnet).await;

    // Ether that arrives without deposit() (selfdestruct, block rewards) changes the balance only.
    let _: () = provider
        .raw_request(
            "anvil_setBalance".into(),
            (pool, parse_ether("100").unwrap()),
        )
        .await
        .unwrap();

    assert_eq!(totals(&provider, &devnet).await, before);
    let minted = deposit(
        &provider,
        pool,
        devnet.accounts()[2],
        parse_ether("1").unwrap(),
    )
    .await;
    assert_eq!(minted, parse_ether("1").unwrap());
}

#[tokio::test]
async fn the_admin_pauses_deposits_during_an_incident_and_resumes_them() {
    let devnet = devnet().await;
    let pool = devnet.pool();
    let alice = devnet.accounts()[1];
    devnet
        .stake(alice, parse_ether("1").unwrap())
        .await
        .unwrap();
    let receipt = pool
        .setDepositsPaused(true)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let event = receipt
        .decoded_log::<PoolManager::DepositsPausedSet>()
        .expect("a DepositsPausedSet event");
    assert!(event.paused);
    assert!(pool.depositsPaused().call().await.unwrap());
    let error = pool
        .deposit()
        .from(alice)
        .value(parse_ether("1").unwrap())
        .call()
        .await
        .unwrap_err();
    assert_eq!(
        explain_revert(&error.as_revert_data().unwrap()).unwrap(),
        "Deposits are paused by the pool's admin while an incident is looked into."
    );
    // Everything else goes on: reports, transfers.
    devnet
        .report(3600, 0, U256::ZERO, U256::ZERO)
        .await
        .unwrap();
    let token = PoolETH::new(devnet.deployment.pool_eth, devnet.provider());
    let receipt = token
        .transfer(devnet.accounts()[2], parse_ether("0.5").unwrap())
        .from(alice)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    pool.setDepositsPaused(false)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    devnet
        .stake(alice, parse_ether("1").unwrap())
        .await
        .unwrap();
    assert_eq!(
        devnet.totals().await.unwrap().total_pooled_ether,
        parse_ether("2").unwrap()
    );
}
