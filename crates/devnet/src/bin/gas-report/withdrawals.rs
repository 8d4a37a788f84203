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

    let (_, first) = devnet.request_withdrawal(accounts[1], parse_ether("1")?).await?;
    rows.push(("withdrawal request: an account's first".into(), first.gas_used, String::new()));
    let (_, again) = devnet.request_withdrawal(accounts[1], parse_ether("1")?).await?;
    rows.push(("withdrawal request: an account's next".into(), again.gas_used, String::new()));

    // Reports of the same shape (no sweep, no rewards), finalizing 2, then 12 requests.
    let two = devnet.report(86_400, 2, parse_ether("64")?, U256::ZERO).await?;
    for staker in &accounts[1..=9] {
        devnet.request_withdrawal(*staker, parse_ether("0.5")?).await?;
    }
    for staker in &accounts[1..=3] {
        devnet.request_withdrawal(*staker, parse_ether("0.5")?).await?;
    }
    let twelve = devnet.report(86_400, 2, parse_ether("64")?, U256::ZERO).await?;
    let none = devnet.report(86_400, 2, parse_ether("64")?, U256::ZERO).await?;
    ensure!(finalized(&two) == 2 && finalized(&twelve) == 12 && finalized(&none) == 0);
    let per_request = (twelve.gas_used - two.gas_used) / 10;
    rows.push((
        "oracle report: each request it finalizes".into(),
        per_request,
        format!(
            "report finalizing none {}, 2 {}, 12 {}: the finalization's fixed part (the burn, the \
             ether to the queue) {}",
            none.gas_used,
            two.gas_used,
            twelve.gas_used,
            two.gas_used.saturating_sub(none.gas_used + 2 * per_request)
        ),
    ));
    let claim = queue.claim(U256::from(1), accounts[1]).from(accounts[1]).mined().await;
    ensure!(claim.status(), "the claim reverted");
    rows.push(("withdrawal claim".into(), claim.gas_used, String::new()));

    // Exits: the operator asks SSV for one, and after the grace period anyone has the pool send
    // its EIP-7002 request.
    let ops = devnet.deployment.operator_ids.clone();
    let pubkey = sample_validator(devnet.deployment.pool_manager, 1, &ops).pubkey;
    let exit = queue.requestExits(vec![pubkey.clone()], ops).mined().await;
    ensure!(exit.status(), "requestExits reverted");
    rows.push(("exit request through SSV (1 validator)".into(), exit.gas_used, String::new()));
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
