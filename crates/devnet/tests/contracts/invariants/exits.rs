//! The invariant test's validator exits: asked through SSV by the operator, reported exiting and
//! withdrawn by the oracle, the balance paid to the pool as a beacon withdrawal; the model keeps
//! each validator's state and the withdrawals the next report must credit.

use alloy::primitives::{U256, utils::parse_ether};
use pool_devnet::Devnet;
use pool_devnet::testing::Mined;

use super::Model;

#[derive(Debug, Default)]
pub struct Exits {
    /// Registry indices asked to exit and not yet withdrawn, oldest first.
    pub asked: Vec<usize>,
    /// The next registry index never asked to exit.
    pub next: usize,
    /// Validators withdrawn (their balance paid to the pool).
    pub withdrawn: u64,
    /// Exits' balances paid since the last report (it credits them).
    pub unreported: U256,
}

/// The operator asks SSV to exit the oldest activated validator not asked yet.
pub async fn ask(devnet: &Devnet, model: &mut Model) {
    let activated = devnet
        .pool()
        .activatedValidators()
        .call()
        .await
        .unwrap()
        .to::<usize>();
    let index = model.exits.next;
    if index >= activated {
        return;
    }
    let entry = &super::registry_entries(devnet, index, 1).await[0];
    let total = devnet.totals().await.unwrap();
    let receipt = devnet
        .queue()
        .requestExits(vec![entry.pubkey.clone()], entry.operatorIds.clone())
        .mined()
        .await;
    assert!(
        receipt.status(),
        "the operator asks for the exit of {index}"
    );
    assert_eq!(
        devnet.totals().await.unwrap(),
        total,
        "asking for an exit moves nothing"
    );
    model.exits.asked.push(index);
    model.exits.next += 1;
}

/// The oldest validator asked to exit is reported exiting, its balance (the average of the seen
/// validators still on the beacon chain) reaches the pool, and it is reported withdrawn.
pub async fn done(devnet: &Devnet, model: &mut Model) {
    let on_chain = model.seen - model.exits.withdrawn;
    if model.exits.asked.is_empty() || on_chain == 0 {
        return;
    }
    let index = model.exits.asked.remove(0);
    let pubkey = super::registry_entries(devnet, index, 1).await[0]
        .pubkey
        .clone();
    let queue = devnet.queue();
    let total = devnet.totals().await.unwrap();
    queue
        .reportExits(vec![pubkey.clone()], vec![])
        .mined()
        .await;
    let paid = model.true_balance / U256::from(on_chain);
    devnet.sweep(paid).await.unwrap();
    queue
        .reportExits(vec![], vec![pubkey.clone()])
        .mined()
        .await;
    assert_eq!(
        devnet.totals().await.unwrap(),
        total,
        "an exit's arrival moves nothing until a report credits it"
    );
    assert_eq!(
        queue.exitOf(pubkey).call().await.unwrap().state,
        3,
        "Withdrawn"
    );
    model.true_balance -= paid;
    model.withdrawals += paid;
    model.exits.unreported += paid;
    model.exits.withdrawn += 1;
}

/// The queue's exit counters against the model.
pub async fn check(devnet: &Devnet, model: &Model) {
    let queue = devnet.queue();
    let exiting = queue.validatorsExiting().call().await.unwrap();
    assert_eq!(exiting, U256::from(model.exits.asked.len()));
    let demand = super::withdrawals::asked(model);
    let cover = model.buffer + parse_ether("32").unwrap() * exiting;
    let needed = if demand <= cover {
        U256::ZERO
    } else {
        (demand - cover).div_ceil(parse_ether("32").unwrap())
    };
    assert_eq!(queue.exitsNeeded().call().await.unwrap(), needed);
}
