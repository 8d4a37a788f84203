//! The withdrawal queue on a real anvil: requests lock shares without moving the price, reports
//! finalize oldest first from the buffer at min(ether at request, worth now), claims pay once and
//! only the owner, activations leave the queue's ether in the buffer.

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionReceipt;
use pool_chain::bindings::WithdrawalQueue;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::{AddValidators as _, Mined};
use pool_devnet::{Devnet, DevnetOptions, assert_queue_error};

const DAY: u64 = 24 * 3600;

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

/// A devnet where accounts #1 and #2 staked 30 and 20 ETH (nothing activated).
async fn pool_with_stakers() -> Devnet {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet.stake(devnet.accounts()[1], eth("30")).await.unwrap();
    devnet.stake(devnet.accounts()[2], eth("20")).await.unwrap();
    devnet
}

async fn balance(devnet: &Devnet, who: Address) -> U256 {
    devnet.provider().get_balance(who).await.unwrap()
}

fn gas_paid(receipt: &TransactionReceipt) -> U256 {
    U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price)
}

async fn price(devnet: &Devnet) -> (U256, U256) {
    let t = devnet.totals().await.unwrap();
    (t.total_pooled_ether, t.total_shares)
}

/// a/b >= c/d, exactly.
fn rate_at_least(after: (U256, U256), before: (U256, U256)) -> bool {
    after.0 * before.1 >= before.0 * after.1
}

#[tokio::test]
async fn a_request_locks_the_shares_and_moves_neither_the_price_nor_the_total() {
    let devnet = pool_with_stakers().await;
    let staker = devnet.accounts()[1];
    let token = devnet.token();
    let before = devnet.totals().await.unwrap();
    let shares_before = token.sharesOf(staker).call().await.unwrap();

    let (id, receipt) = devnet.request_withdrawal(staker, eth("4")).await.unwrap();
    assert_eq!(id, U256::from(1));
    let event = receipt
        .decoded_log::<WithdrawalQueue::WithdrawalRequested>()
        .unwrap()
        .data;

    assert_eq!(
        devnet.totals().await.unwrap(),
        before,
        "the price does not move"
    );
    let locked = shares_before - token.sharesOf(staker).call().await.unwrap();
    assert_eq!(locked, event.shares);
    assert_eq!(
        token
            .sharesOf(devnet.deployment.withdrawal_queue)
            .call()
            .await
            .unwrap(),
        locked
    );
    assert_eq!(token.balanceOf(staker).call().await.unwrap(), eth("26"));
    let summary = devnet.queue().summary().call().await.unwrap();
    assert_eq!(summary.unfinalizedEther, eth("4"));
    assert_eq!(summary.unfinalizedShares, locked);
    assert_eq!(summary.lastRequestId, U256::from(1));
    assert_eq!(summary.lastFinalizedId, U256::ZERO);
    assert!(summary.oldestWaitingAt > 0);

    // Below the minimum, more than held, and a plain transfer to the queue: refused.
    assert_queue_error!(
        devnet.queue().requestWithdrawal(eth("0.0001")).from(staker),
        RequestTooSmall
    );
    assert!(
        devnet
            .queue()
            .requestWithdrawal(eth("27"))
            .from(staker)
            .call()
            .await
            .is_err()
    );
    assert!(
        token
            .transfer(devnet.deployment.withdrawal_queue, eth("1"))
            .from(staker)
            .call()
            .await
            .is_err(),
        "a transfer to the queue would strand the shares"
    );
}

#[tokio::test]
async fn a_report_finalizes_the_queue_and_each_claim_pays_once_to_its_owner_only() {
    let devnet = pool_with_stakers().await;
    let (alice, bob, stranger) = (
        devnet.accounts()[1],
        devnet.accounts()[2],
        devnet.accounts()[3],
    );
    let queue = devnet.queue();
    let (first, _) = devnet.request_withdrawal(alice, eth("3")).await.unwrap();
    let (second, _) = devnet.request_withdrawal(bob, eth("2")).await.unwrap();
    assert_queue_error!(queue.claim(first, Address::ZERO).from(alice), NotFinalized);

    let buffered = U256::from(devnet.pool().bufferedEther().call().await.unwrap());
    let price_before = price(&devnet).await;
    let receipt = devnet.report(DAY, 0, U256::ZERO, U256::ZERO).await.unwrap();
    let finalized = receipt
        .decoded_log::<WithdrawalQueue::WithdrawalsFinalized>()
        .unwrap()
        .data;
    assert_eq!((finalized.fromId, finalized.toId), (first, second));
    assert_eq!(finalized.amountOfEther, eth("5"));
    assert_eq!(
        U256::from(devnet.pool().bufferedEther().call().await.unwrap()),
        buffered - eth("5")
    );
    assert!(
        rate_at_least(price(&devnet).await, price_before),
        "never a lower price"
    );
    assert_eq!(
        balance(&devnet, devnet.deployment.withdrawal_queue).await,
        eth("5")
    );

    // Someone else cannot claim it, nor send it elsewhere.
    assert_queue_error!(queue.claim(first, stranger).from(stranger), NotRequestOwner);
    assert_queue_error!(queue.claim(first, stranger).from(bob), NotRequestOwner);

    // The owner claims to another recipient it names: exactly the amount, once.
    let carol = devnet.accounts()[4];
    let carol_before = balance(&devnet, carol).await;
    queue.claim(first, carol).from(alice).mined().await;
    assert_eq!(balance(&devnet, carol).await - carol_before, eth("3"));
    assert_queue_error!(queue.claim(first, alice).from(alice), AlreadyClaimed);

    let bob_before = balance(&devnet, bob).await;
    let claimed = queue.claim(second, Address::ZERO).from(bob).mined().await;
    assert!(claimed.status());
    assert_eq!(
        balance(&devnet, bob).await,
        bob_before + eth("2") - gas_paid(&claimed)
    );
    assert_eq!(
        balance(&devnet, devnet.deployment.withdrawal_queue).await,
        U256::ZERO
    );
    let list = queue.requestsOf(bob).call().await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].finalized && list[0].claimed);
}

#[tokio::test]
async fn finalization_stops_at_the_first_request_the_buffer_cannot_pay() {
    // 50 ETH staked, one validator activated: 18 ETH left in the buffer.
    let devnet = pool_with_stakers().await;
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let (alice, bob) = (devnet.accounts()[1], devnet.accounts()[2]);
    let (_big, _) = devnet.request_withdrawal(alice, eth("25")).await.unwrap();
    let (small, _) = devnet.request_withdrawal(bob, eth("1")).await.unwrap();

    let receipt = devnet.report(DAY, 1, eth("32"), U256::ZERO).await.unwrap();
    assert!(
        receipt
            .decoded_log::<WithdrawalQueue::WithdrawalsFinalized>()
            .is_none()
    );
    assert_eq!(
        devnet.queue().lastFinalizedId().call().await.unwrap(),
        U256::ZERO
    );
    assert!(
        !devnet
            .queue()
            .getRequest(small)
            .call()
            .await
            .unwrap()
            .finalized,
        "no jump"
    );

    // The validator's exit arrives (32 ETH withdrawn): both are paid, in order.
    devnet.sweep(eth("32")).await.unwrap();
    let receipt = devnet.report(DAY, 1, U256::ZERO, eth("32")).await.unwrap();
    let finalized = receipt
        .decoded_log::<WithdrawalQueue::WithdrawalsFinalized>()
        .unwrap()
        .data;
    assert_eq!(finalized.toId, small);
    assert_eq!(finalized.amountOfEther, eth("26"));
}

#[tokio::test]
async fn a_loss_reported_after_the_request_is_shared_and_a_gain_is_not_collected() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let (alice, bob) = (devnet.accounts()[1], devnet.accounts()[2]);
    devnet.stake(alice, eth("32")).await.unwrap();
    devnet.stake(bob, eth("8")).await.unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    devnet.report(0, 1, eth("32"), U256::ZERO).await.unwrap();
    // Bob asks for all of his 8 ETH; the buffer (8 ETH) could pay it, but a loss comes first.
    let (loser, _) = devnet.request_withdrawal(bob, eth("8")).await.unwrap();
    let shares = devnet
        .queue()
        .getRequest(loser)
        .call()
        .await
        .unwrap()
        .shares;
    let receipt = devnet
        .rebase(-(parse_ether("0.4").unwrap().to::<i128>()))
        .await
        .unwrap();
    let finalized = receipt
        .decoded_log::<WithdrawalQueue::WithdrawalsFinalized>()
        .unwrap()
        .data;
    // Paid what the shares are worth at the lower price (before the burn), never the 8 ETH.
    let paid = devnet
        .queue()
        .getRequest(loser)
        .call()
        .await
        .unwrap()
        .amount;
    assert_eq!(finalized.amountOfEther, paid);
    assert!(paid < eth("8"));
    let pre = receipt
        .decoded_log::<pool_chain::bindings::PoolManager::BeaconReported>()
        .unwrap()
        .data;
    assert_eq!(paid, shares * pre.postTotalPooledEther / pre.totalShares);

    // A request made before a gain is paid its ether at request, no more: the gain stays with
    // the holders, whose price rises at the finalization.
    let (winner, _) = devnet.request_withdrawal(alice, eth("0.05")).await.unwrap();
    let before = price(&devnet).await;
    let receipt = devnet
        .rebase(parse_ether("0.02").unwrap().to::<i128>())
        .await
        .unwrap();
    assert!(
        receipt
            .decoded_log::<WithdrawalQueue::WithdrawalsFinalized>()
            .is_some()
    );
    assert_eq!(
        devnet
            .queue()
            .getRequest(winner)
            .call()
            .await
            .unwrap()
            .amount,
        eth("0.05")
    );
    assert!(rate_at_least(price(&devnet).await, before));
}

#[tokio::test]
async fn activations_leave_the_waiting_requests_ether_in_the_buffer() {
    // 40 ETH staked: one validator's 32 ETH, but not with 10 ETH asked back.
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let staker = devnet.accounts()[1];
    devnet.stake(staker, eth("40")).await.unwrap();
    devnet.request_withdrawal(staker, eth("10")).await.unwrap();
    let pool = devnet.pool();
    let entry = sample_validator(
        devnet.deployment.pool_manager,
        1,
        &devnet.deployment.operator_ids,
    );
    pool.add_validators(vec![entry.clone()]).mined().await;
    devnet
        .mine(pool.activationDelay().call().await.unwrap())
        .await
        .unwrap();
    assert_eq!(pool.withdrawalsWaiting().call().await.unwrap(), eth("10"));
    let activation = pool.activateValidators(
        vec![entry],
        devnet.deposit_count().await.unwrap(),
        devnet.funding_quote().await.unwrap(),
        new_cluster(),
    );
    let error = activation
        .call()
        .await
        .expect_err("the queue's ether is not activated");
    match pool_devnet::testing::pool_error(error) {
        pool_devnet::testing::PoolManagerErrors::InsufficientBuffer(e) => {
            assert_eq!((e.buffered, e.needed), (eth("40"), eth("42")));
        }
        other => panic!("expected InsufficientBuffer, got {other:?}"),
    }
    // Once finalized (10 ETH out), 30 ETH is left: the queue no longer holds any back.
    devnet.report(DAY, 0, U256::ZERO, U256::ZERO).await.unwrap();
    assert_eq!(
        U256::from(pool.bufferedEther().call().await.unwrap()),
        eth("30")
    );
    assert_eq!(pool.withdrawalsWaiting().call().await.unwrap(), U256::ZERO);
}
