//! Gas of the withdrawal path on a fresh devnet of its own: a request, a claim, what each
//! request finalized adds to an oracle report, an SSV exit and the pool's own EIP-7002 request.

use alloy::primitives::{U256, utils::parse_ether};
use alloy::rpc::types::TransactionReceipt;
use anyhow::{Result, ensure};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::Mined;
use pool_devnet::{Devnet, DevnetOptions};

/// (what, gas, detail) rows.
pub async fn rows() -> Result<Vec<(String, u64, String)>> {
    let devnet = Devnet::start(DevnetOptions::default()).await?;
    let accounts = devnet.accounts().to_vec();
    let queue = devnet.queue();
    let mut rows = Vec::new();
    for staker in &accounts[1..=9] {
        devnet.stake(*staker, parse_ether("20")?).await?;
    }
    devnet.add_and_activate(1..3, new_cluster()).await?;

    // The queue's very first request (its counters start from zero), then an account's first
    // and an account's next once the queue is in use.
    let (_, very_first) = devnet
        .request_withdrawal(accounts[1], parse_ether("1")?)
        .await?;
    let (_, first) = devnet
        .request_withdrawal(accounts[2], parse_ether("1")?)
        .await?;
    let (_, again) = devnet
        .request_withdrawal(accounts[2], parse_ether("1")?)
        .await?;
    rows.push((
        "withdrawal request: an account's first".into(),
        first.gas_used,
        format!("the queue's very first request {}", very_first.gas_used),
    ));
    rows.push((
        "withdrawal request: an account's next".into(),
        again.gas_used,
        String::new(),
    ));

    // Reports of the same shape (no sweep, no rewards): the first finalization (its counters
    // start from zero), then reports finalizing none, 1 and 11 requests.
    let report = || devnet.report(86_400, 2, parse_ether("64").unwrap(), U256::ZERO);
    ensure!(finalized(&report().await?) == 3);
    let none = report().await?;
    devnet
        .request_withdrawal(accounts[3], parse_ether("0.5")?)
        .await?;
    let one = report().await?;
    for staker in accounts[1..=9].iter().chain(&accounts[1..=2]) {
        devnet
            .request_withdrawal(*staker, parse_ether("0.5")?)
            .await?;
    }
    let eleven = report().await?;
    ensure!(finalized(&none) == 0 && finalized(&one) == 1 && finalized(&eleven) == 11);
    let per_request = (eleven.gas_used - one.gas_used) / 10;
    rows.push((
        "oracle report: each request it finalizes".into(),
        per_request,
        format!(
            "report finalizing none {}, 1 {}, 11 {}: the finalization's fixed part (the queue's \
             call, the burn, the ether to the queue) {}",
            none.gas_used,
            one.gas_used,
            eleven.gas_used,
            one.gas_used.saturating_sub(none.gas_used + per_request)
        ),
    ));
    let claim = queue
        .claim(U256::from(1), accounts[1])
        .from(accounts[1])
        .mined()
        .await;
    ensure!(claim.status(), "the claim reverted");
    rows.push(("withdrawal claim".into(), claim.gas_used, String::new()));

    // Exits: the operator asks SSV for one, and after the grace period anyone has the pool send
    // its EIP-7002 request.
    let ops = devnet.deployment.operator_ids.clone();
    let pubkey = sample_validator(devnet.deployment.pool_manager, 1, &ops).pubkey;
    let exit = queue.requestExits(vec![pubkey.clone()], ops).mined().await;
    ensure!(exit.status(), "requestExits reverted");
    rows.push((
        "exit request through SSV (1 validator)".into(),
        exit.gas_used,
        String::new(),
    ));
    devnet.warp(devnet.now().await? + 2 * 86_400).await?;
    let forced = queue.forceExit(pubkey).from(accounts[7]).mined().await;
    ensure!(forced.status(), "forceExit reverted");
    rows.push((
        "exit request through EIP-7002 (the pool's own)".into(),
        forced.gas_used,
        "fee read from the system contract and paid from the fee reserve".into(),
    ));
    Ok(rows)
}

fn finalized(receipt: &TransactionReceipt) -> u64 {
    use pool_chain::bindings::WithdrawalQueue::WithdrawalsFinalized;
    receipt
        .decoded_log::<WithdrawalsFinalized>()
        .map(|e| (e.data.toId - e.data.fromId).to::<u64>() + 1)
        .unwrap_or(0)
}
