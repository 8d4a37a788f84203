//! `gas-report`: gas of the pool's main transactions on a fresh devnet, as a table.
//!
//! For activations it also splits the gas: the transaction's intrinsic and calldata cost, the
//! beacon deposit contract calls, the SSV network call, and what remains, the pool's own
//! execution overhead (from anvil's call tracer); then the withdrawal path (`withdrawals`). Run
//! it with `cargo xtask bench`.

use alloy::primitives::{Address, utils::parse_ether};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionReceipt;
use anyhow::{Context, Result};
use pool_chain::bindings::{PoolETH, PoolManager};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::{Devnet, DevnetOptions};
use serde_json::Value;

mod withdrawals;

struct Row {
    what: String,
    gas: u64,
    detail: String,
}

#[tokio::main]
async fn main() -> Result<()> {
    let devnet = Devnet::start(DevnetOptions::default()).await?;
    let provider = devnet.provider();
    let pool = PoolManager::new(devnet.deployment.pool_manager, provider.clone());
    let token = PoolETH::new(devnet.deployment.pool_eth, provider.clone());
    let accounts = devnet.accounts().to_vec();
    let mut rows = Vec::new();
    let mut row = |what: &str, gas: u64, detail: String| {
        rows.push(Row {
            what: what.into(),
            gas,
            detail,
        })
    };

    let deposit = |from: Address, eth: &str| {
        let pool = pool.clone();
        let value = parse_ether(eth).unwrap();
        async move {
            pool.deposit()
                .from(from)
                .value(value)
                .send()
                .await?
                .get_receipt()
                .await
                .context("deposit")
        }
    };
    row(
        "deposit: first ever (empty pool)",
        deposit(accounts[1], "1").await?.gas_used,
        String::new(),
    );
    row(
        "deposit: new depositor",
        deposit(accounts[2], "1").await?.gas_used,
        String::new(),
    );
    row(
        "deposit: returning depositor",
        deposit(accounts[2], "1").await?.gas_used,
        String::new(),
    );
    let sender = accounts[1];
    let transfer = |to: Address| {
        let token = token.clone();
        async move {
            token
                .transfer(to, parse_ether("0.5").unwrap())
                .from(sender)
                .send()
                .await?
                .get_receipt()
                .await
                .context("transfer")
        }
    };
    row(
        "poolETH transfer: to a new holder",
        transfer(accounts[3]).await?.gas_used,
        String::new(),
    );
    row(
        "poolETH transfer: to a holder",
        transfer(accounts[3]).await?.gas_used,
        String::new(),
    );
    wrapper_rows(&devnet, &mut row).await?;

    // Eleven validators in the registry, 352 ETH staked.
    let ops = devnet.deployment.operator_ids.clone();
    let entries: Vec<_> = (0..11)
        .map(|i| sample_validator(*pool.address(), i, &ops))
        .collect();
    let mut added = Vec::new();
    for chunk in entries.chunks(4) {
        let receipt = pool
            .add_validators(chunk.to_vec())
            .send()
            .await?
            .get_receipt()
            .await?;
        added.push(receipt.gas_used);
    }
    row(
        "addValidators of 4 entries (4 operators)",
        added[0],
        format!(
            "{} per entry ({} for one more: 4 entries less 3), with the deposit data root \
             recomputed (sha256) and the deposit's BLS signature checked on chain (EIP-2537)",
            added[0] / 4,
            added[0] - added[2]
        ),
    );
    deposit(accounts[4], "352").await?;
    devnet.mine(pool.activationDelay().call().await?).await?;

    let count = devnet.deposit_count().await?;
    let one = pool
        .activateValidators(
            entries[..1].to_vec(),
            count,
            devnet.funding_quote().await.unwrap(),
            new_cluster(),
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    let (detail, pool_one, own_one) = gas_split(&provider, &one, &devnet).await?;
    row("activation of 1 validator", one.gas_used, detail);
    let cluster = last_cluster(&one);

    let count = devnet.deposit_count().await?;
    let ten = pool
        .activateValidators(
            entries[1..].to_vec(),
            count,
            devnet.funding_quote().await.unwrap(),
            cluster,
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    let (detail, pool_ten, _) = gas_split(&provider, &ten, &devnet).await?;
    let marginal = pool_ten.saturating_sub(pool_one) / 9;
    row(
        "activation of 10 validators",
        ten.gas_used,
        format!(
            "{detail}; each validator beyond the first adds {marginal} of pool code, 9000 of \
             which the EVM charges for sending its 32 ETH to the deposit contract"
        ),
    );

    // A day later: the eleven validators seen with 0.004 ETH of rewards each, half of which
    // the beacon chain has already swept to the pool, and 0.03 ETH of execution-layer rewards
    // (within the devnet's bound of 10 % a year).
    let swept = parse_ether("0.022")?;
    devnet.sweep(swept).await?;
    devnet.pay_execution_rewards(parse_ether("0.03")?).await?;
    let report = devnet
        .report(86_400, 11, parse_ether("352.022")?, swept)
        .await?;
    row(
        "oracle report with a sweep and a vault pull",
        report.gas_used,
        String::new(),
    );

    // A twelfth validator whose deposit the beacon chain ignores: 60 days (and an hour) after
    // its activation a report still shows eleven, and the oracle writes it off.
    deposit(accounts[5], "32").await?;
    devnet.add_and_activate(11..12, last_cluster(&ten)).await?;
    let activated_at = devnet.now().await?;
    let last = pool.lastReportAt().call().await?;
    devnet
        .report(
            activated_at + 61 * 86_400 - last,
            11,
            parse_ether("352")?,
            swept,
        )
        .await?;
    let write_off = pool
        .writeOffValidators(alloy::primitives::U256::from(1))
        .send()
        .await?
        .get_receipt()
        .await?;
    anyhow::ensure!(write_off.status(), "the write-off reverted");
    row(
        "oracle write-off of 1 validator never seen",
        write_off.gas_used,
        String::new(),
    );

    for (what, gas, detail) in withdrawals::rows().await? {
        row(&what, gas, detail);
    }

    for r in &rows {
        let goal = match r.what.as_str() {
            "deposit: new depositor" => "≤ 62,100",
            "deposit: returning depositor" => "≤ 45,000",
            _ => "",
        };
        println!("figure: gas, {} | {} | {goal}", r.what, r.gas);
    }
    println!(
        "figure: gas, activation of 1 validator, the pool's own (guard + code) | {own_one} | ≤ 75,000"
    );
    println!(
        "figure: gas, activation, the pool's code per validator beyond the first | {marginal} | ≤ 13,500"
    );
    println!("| transaction | gas | split |");
    println!("|---|---:|---|");
    for r in rows {
        println!("| {} | {} | {} |", r.what, r.gas, r.detail);
    }
    Ok(())
}

/// Wrap (ERC-4626 `deposit`) and unwrap (`redeem`) through wpoolETH, and an EIP-2612 permit on
/// each token, by anvil's account #3 (a poolETH holder by now), relayed by account #9.
async fn wrapper_rows(devnet: &Devnet, row: &mut impl FnMut(&str, u64, String)) -> Result<()> {
    use alloy::primitives::U256;
    use alloy::signers::SignerSync;
    use alloy::sol_types::{SolStruct, eip712_domain};
    alloy::sol! {
        struct Permit { address owner; address spender; uint256 value; uint256 nonce; uint256 deadline; }
    }
    let (token, wrapper) = (devnet.token(), devnet.wrapper());
    let holder = devnet.accounts()[3];
    let mined = |receipt: TransactionReceipt, what: &str| -> Result<u64> {
        anyhow::ensure!(receipt.status(), "{what} reverted");
        Ok(receipt.gas_used)
    };
    let approve = token
        .approve(devnet.deployment.wpool_eth, U256::MAX)
        .from(holder)
        .send()
        .await?
        .get_receipt()
        .await?;
    mined(approve, "approve")?;
    let amount = parse_ether("0.3")?;
    for what in [
        "wrap (wpoolETH deposit): first",
        "wrap (wpoolETH deposit): again",
    ] {
        let receipt = wrapper
            .deposit(amount, holder)
            .from(holder)
            .send()
            .await?
            .get_receipt()
            .await?;
        row(what, mined(receipt, what)?, String::new());
    }
    let half = wrapper.balanceOf(holder).call().await? / U256::from(2);
    for what in [
        "unwrap (wpoolETH redeem): part",
        "unwrap (wpoolETH redeem): the rest",
    ] {
        let shares = match what.ends_with("part") {
            true => half,
            false => wrapper.balanceOf(holder).call().await?,
        };
        let receipt = wrapper
            .redeem(shares, holder, holder)
            .from(holder)
            .send()
            .await?
            .get_receipt()
            .await?;
        row(what, mined(receipt, what)?, String::new());
    }
    let signer = devnet.signer(3);
    let deadline = U256::from(devnet.now().await? + 3_600);
    let spender = devnet.accounts()[4];
    for (name, address) in [
        ("Pool Staked ETH", devnet.deployment.pool_eth),
        ("Wrapped Pool Staked ETH", devnet.deployment.wpool_eth),
    ] {
        let nonce = pool_chain::bindings::PoolETH::new(address, devnet.provider())
            .nonces(holder)
            .call()
            .await?;
        let permit = Permit {
            owner: holder,
            spender,
            value: amount,
            nonce,
            deadline,
        };
        let domain = eip712_domain! {
            name: name,
            version: "1",
            chain_id: pool_devnet::CHAIN_ID,
            verifying_contract: address,
        };
        let signature = signer.sign_hash_sync(&permit.eip712_signing_hash(&domain))?;
        let (v, r, s) = (
            27 + signature.v() as u8,
            signature.r().into(),
            signature.s().into(),
        );
        // Both tokens have the same `permit`; poolETH's binding sends either.
        let receipt = pool_chain::bindings::PoolETH::new(address, devnet.provider())
            .permit(holder, spender, amount, deadline, v, r, s)
            .from(devnet.accounts()[9])
            .send()
            .await?
            .get_receipt()
            .await?;
        let what = format!(
            "permit on {} (first allowance)",
            if name.starts_with("Pool") {
                "poolETH"
            } else {
                "wpoolETH"
            }
        );
        row(&what, mined(receipt, &what)?, String::new());
    }
    Ok(())
}

fn last_cluster(receipt: &TransactionReceipt) -> pool_chain::bindings::PoolManager::Cluster {
    use pool_chain::bindings::devnet::DevnetSSVNetworkV2::ValidatorAdded;
    let event = receipt
        .inner
        .logs()
        .iter()
        .rev()
        .find_map(|l| l.log_decode::<ValidatorAdded>().ok())
        .expect("ValidatorAdded");
    pool_core::cluster::Cluster::from(event.inner.data.cluster).into()
}

/// "intrinsic+calldata X, deposit contract Y, SSV Z, pool W (W/n per validator)", W, and the
/// pool's own gas (W with the guard and any fee reads).
async fn gas_split(
    provider: &DynProvider,
    receipt: &TransactionReceipt,
    devnet: &Devnet,
) -> Result<(String, u64, u64)> {
    let trace: Value = provider
        .raw_request(
            "debug_traceTransaction".into(),
            (
                receipt.transaction_hash,
                serde_json::json!({"tracer": "callTracer"}),
            ),
        )
        .await?;
    let tx: Value = provider
        .raw_request(
            "eth_getTransactionByHash".into(),
            [receipt.transaction_hash],
        )
        .await?;
    let data =
        alloy::primitives::hex::decode(tx["input"].as_str().context("the transaction's input")?)?;
    let calldata: u64 = data
        .iter()
        .map(|b| if *b == 0 { 4 } else { 16 })
        .sum::<u64>()
        + 21_000;
    let gas = |v: &Value| {
        u64::from_str_radix(
            v["gasUsed"]
                .as_str()
                .unwrap_or("0x0")
                .trim_start_matches("0x"),
            16,
        )
        .unwrap_or(0)
    };
    let d = &devnet.deployment;
    let (mut deposits, mut root_guard, mut fee_views, mut ssv, mut count) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    for call in trace["calls"].as_array().into_iter().flatten() {
        let to: Address = call["to"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .unwrap_or_default();
        match (to, call["type"].as_str().unwrap_or("")) {
            (to, "CALL") if to == d.deposit_contract => {
                deposits += gas(call);
                count += 1;
            }
            (to, _) if to == d.deposit_contract => root_guard += gas(call),
            (to, _) if to == d.ssv_views => fee_views += gas(call),
            (to, _) if to == d.ssv_network => ssv += gas(call),
            _ => {}
        }
    }
    let pool = receipt.gas_used - calldata - deposits - ssv - root_guard - fee_views;
    let own = pool + root_guard + fee_views;
    // The pool reads no fee in an activation (the caller passes the quote); any views call that
    // comes back shows up here.
    let fee_reads = if fee_views > 0 {
        format!("live fee reads {fee_views}; ")
    } else {
        String::new()
    };
    let split = format!(
        "intrinsic+calldata {calldata}; deposit contract {deposits}; SSV registration {ssv}; \
         deposit-count guard {root_guard}; {fee_reads}pool's own code {pool} ({} per validator); \
         the pool's own gas (guard + fee reads + code) {own}",
        pool / count.max(1)
    );
    Ok((split, pool, own))
}
