//! The invariant test's withdrawal requests, finalizations and claims, each checked against the
//! model: what a request locks, what a report finalizes (oldest first, from the buffer, at
//! min(ether at request, worth after the report)), what a claim pays.

use alloy::primitives::{Address, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionReceipt;
use pool_chain::bindings::{PoolManager, WithdrawalQueue};
use pool_devnet::Devnet;
use pool_devnet::testing::Mined;

use super::Model;

/// A request as the model keeps it.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: U256,
    pub owner: Address,
    pub shares: U256,
    /// Ether at request while waiting; the payout once finalized.
    pub amount: U256,
}

/// What the waiting requests ask for.
pub fn asked(model: &Model) -> U256 {
    model.waiting.iter().map(|r| r.amount).sum()
}

/// `owner` asks for `per_mille` of its poolETH (nothing below the queue's minimum).
pub async fn request(devnet: &Devnet, model: &mut Model, owner: Address, per_mille: u64) {
    let token = devnet.token();
    let queue = devnet.queue();
    let balance = token.balanceOf(owner).call().await.unwrap();
    let amount = balance * U256::from(per_mille) / U256::from(1000);
    if amount < queue.MIN_WITHDRAWAL().call().await.unwrap() {
        return;
    }
    let before = devnet.totals().await.unwrap();
    let shares_before = token.sharesOf(owner).call().await.unwrap();
    let (id, receipt) = devnet.request_withdrawal(owner, amount).await.unwrap();
    let event = receipt
        .decoded_log::<WithdrawalQueue::WithdrawalRequested>()
        .unwrap();
    assert_eq!(
        devnet.totals().await.unwrap(),
        before,
        "a request moves neither price nor total"
    );
    assert_eq!(
        shares_before - token.sharesOf(owner).call().await.unwrap(),
        event.shares
    );
    // The shares locked are worth at least the amount asked (rounded up, as a transfer).
    assert!(event.shares * before.total_pooled_ether >= amount * before.total_shares);
    model.waiting.push(Request {
        id,
        owner,
        shares: event.shares,
        amount,
    });
}

/// The finalization at the end of a report, as the model computes it: oldest first while the
/// buffer pays each whole, at min(amount, shares * total / shares total) after the report.
pub async fn finalized(
    devnet: &Devnet,
    model: &mut Model,
    receipt: &TransactionReceipt,
    report: &PoolManager::BeaconReported,
) {
    let (total, shares) = (report.postTotalPooledEther, report.totalShares);
    let mut paid = U256::ZERO;
    let mut count = 0;
    for r in model.waiting.iter().take(200) {
        let pay = r.amount.min(r.shares * total / shares);
        if paid + pay > model.buffer {
            break;
        }
        paid += pay;
        count += 1;
    }
    let event = receipt.decoded_log::<WithdrawalQueue::WithdrawalsFinalized>();
    if count == 0 {
        assert!(event.is_none(), "nothing finalized: no event");
    } else {
        let event = event.expect("a WithdrawalsFinalized event");
        assert_eq!(event.fromId, model.waiting[0].id, "oldest first");
        assert_eq!(
            event.toId,
            model.waiting[count - 1].id,
            "no request skipped"
        );
        assert_eq!(event.amountOfEther, paid);
    }
    let queue = devnet.queue();
    for mut r in model.waiting.drain(..count).collect::<Vec<_>>() {
        let payout = r.amount.min(r.shares * total / shares);
        let stored = queue.getRequest(r.id).call().await.unwrap();
        assert!(stored.finalized && !stored.claimed);
        assert_eq!(stored.amount, payout, "min(ether at request, worth now)");
        r.amount = payout;
        model.claimable.push(r);
    }
    model.buffer -= paid;
    // The holders' price after the burn is never lower than the report's.
    let after = devnet.totals().await.unwrap();
    assert_eq!(after.total_pooled_ether, total - paid);
    assert!(
        after.total_pooled_ether * shares >= total * after.total_shares,
        "a finalization never lowers the price"
    );
}

/// The owner of a finalized request claims it: exactly its payout, once; nobody else can.
pub async fn claim(devnet: &Devnet, model: &mut Model, pick: usize) {
    if model.claimable.is_empty() {
        return;
    }
    let r = model.claimable.remove(pick % model.claimable.len());
    let queue = devnet.queue();
    let provider = devnet.provider();
    let stranger = devnet.accounts()[7];
    assert!(
        queue
            .claim(r.id, stranger)
            .from(stranger)
            .call()
            .await
            .is_err(),
        "only its owner"
    );
    let total = devnet.totals().await.unwrap();
    let before = provider.get_balance(r.owner).await.unwrap();
    let receipt = queue.claim(r.id, Address::ZERO).from(r.owner).mined().await;
    assert!(receipt.status());
    let gas = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(
        provider.get_balance(r.owner).await.unwrap() + gas,
        before + r.amount
    );
    assert!(
        queue
            .claim(r.id, Address::ZERO)
            .from(r.owner)
            .call()
            .await
            .is_err(),
        "once"
    );
    assert_eq!(
        devnet.totals().await.unwrap(),
        total,
        "a claim moves nothing in the pool"
    );
}

/// An activation that would spend what waiting requests ask for is refused.
pub async fn activation_refused(devnet: &Devnet, first: usize, count: usize, model: &Model) {
    let entries = super::registry_entries(devnet, first, count).await;
    devnet
        .mine(devnet.pool().activationDelay().call().await.unwrap())
        .await
        .unwrap();
    let refused = devnet
        .pool()
        .activateValidators(
            entries,
            devnet.deposit_count().await.unwrap(),
            devnet.funding_quote().await.unwrap(),
            model.cluster.clone(),
        )
        .call()
        .await;
    assert!(refused.is_err(), "an activation spending the queue's ether");
}

/// The queue's counters and balance against the model.
pub async fn check(devnet: &Devnet, model: &Model) {
    let queue = devnet.queue();
    let summary = queue.summary().call().await.unwrap();
    assert_eq!(summary.unfinalizedEther, asked(model));
    let shares: U256 = model.waiting.iter().map(|r| r.shares).sum();
    assert_eq!(summary.unfinalizedShares, shares);
    assert_eq!(
        devnet
            .token()
            .sharesOf(devnet.deployment.withdrawal_queue)
            .call()
            .await
            .unwrap(),
        shares,
        "the queue holds the waiting requests' shares, no more"
    );
    let owed: U256 = model.claimable.iter().map(|r| r.amount).sum();
    let held = devnet
        .provider()
        .get_balance(devnet.deployment.withdrawal_queue)
        .await
        .unwrap();
    assert!(held >= owed, "the queue holds {held} < owed {owed}");
}
