//! What a real node refuses and anvil takes, through the real-node proxy
//! (`pool_devnet::testing::node::RealNode`): a transaction over 128 KiB (an `addValidators` of 50 entries on
//! 13 operators, an activation of 80 validators on 4) and one asking for more than 2^24 gas;
//! and the batches the sizing rule (`pool_chain::bulk`) picks, which pass.

use std::sync::Arc;

use alloy::network::EthereumWallet;
use alloy::primitives::U256;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use pool_chain::bindings::PoolManager;
use pool_chain::bulk::{activation_cost, add_validators_batches, add_validators_bytes};
use pool_core::limits::{MAX_TX_BYTES, MAX_TX_GAS, TxLimits};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::node::{REFUSED_CODE, RealNode, TestNode};
use pool_devnet::{Devnet, DevnetOptions};

/// A provider through `node` signing as anvil's account 0 (the pool's operator and keeper).
/// A new one after a refusal: alloy's nonce cache counts the refused transaction's nonce as
/// used, and every later transaction would wait behind the gap.
fn through(devnet: &Devnet, node: &TestNode) -> DynProvider {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(devnet.signer(0)))
        .connect_http(node.url().parse().unwrap())
        .erased()
}

/// Another real-node proxy on the devnet's anvil, and its refusals.
fn real_node(devnet: &Devnet) -> (TestNode, Arc<RealNode>) {
    let refusals = Arc::new(RealNode::default());
    let node = TestNode::to(&devnet.anvil_url())
        .with(refusals.clone())
        .start()
        .unwrap();
    (node, refusals)
}

/// The node's refusal: its JSON-RPC code and message.
fn refusal(error: alloy::contract::Error) -> (i64, String) {
    let alloy::contract::Error::TransportError(error) = error else {
        panic!("not a node refusal: {error:?}");
    };
    let payload = error.as_error_resp().expect("an error response");
    (payload.code, payload.message.to_string())
}

#[tokio::test]
async fn an_oversized_registry_batch_is_refused_and_the_sized_batches_pass() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let (node, refusals) = real_node(&devnet);
    let provider = through(&devnet, &node);
    let pool = PoolManager::new(devnet.deployment.pool_manager, provider.clone());
    let ops: Vec<u64> = (1..=13).collect();
    let entries: Vec<_> = (1..=50)
        .map(|seed| sample_validator(*pool.address(), seed, &ops))
        .collect();
    let bytes = add_validators_bytes(&entries);
    assert!(bytes > MAX_TX_BYTES, "{bytes} bytes");

    // anvil runs it (a call is not refused for its size)...
    let direct = devnet.pool().add_validators(entries.clone()).call().await;
    assert!(direct.is_ok(), "anvil runs it: {direct:?}");
    // ...the proxy refuses it as geth does.
    let (code, message) = refusal(
        pool.add_validators(entries.clone())
            .gas(10_000_000)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, REFUSED_CODE);
    assert!(
        message.starts_with("oversized data: transaction size ")
            && message.ends_with(", limit 131072"),
        "{message}"
    );
    assert_eq!(refusals.refused(), 1);
    assert_eq!(pool.validatorCount().call().await.unwrap(), U256::ZERO);
    let provider = through(&devnet, &node);
    let pool = PoolManager::new(devnet.deployment.pool_manager, provider.clone());

    // The console's rule: batches by encoded bytes and gas (a third of the block gas limit).
    let gas_per_entry = provider
        .estimate_gas(
            pool.add_validators(entries[..1].to_vec())
                .into_transaction_request(),
        )
        .await
        .unwrap();
    let block_gas = provider
        .get_block_by_number(Default::default())
        .await
        .unwrap()
        .unwrap()
        .header
        .gas_limit;
    let limits = TxLimits::MAINNET.with_gas_cap(block_gas / 3);
    let batches = add_validators_batches(&entries, gas_per_entry, limits, 50).unwrap();
    // Each entry's on-chain BLS check makes gas the bound here (about 440,000 an entry).
    assert!(batches.len() > 1, "{batches:?}");
    assert_eq!(batches.iter().sum::<usize>(), 50);
    for &n in &batches {
        let slice = &entries[..n];
        assert!(
            limits.fits(add_validators_bytes(slice), gas_per_entry * n as u64),
            "{batches:?}"
        );
    }
    let mut at = 0;
    for n in batches {
        let receipt = pool
            .add_validators(entries[at..at + n].to_vec())
            .send()
            .await
            .expect("a sized batch passes the node")
            .get_receipt()
            .await
            .unwrap();
        assert!(receipt.status());
        at += n;
    }
    assert_eq!(pool.validatorCount().call().await.unwrap(), U256::from(50));
    assert_eq!(refusals.refused(), 1, "nothing else refused");
}

#[tokio::test]
async fn an_80_validator_activation_is_refused_and_the_rule_caps_it() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let (node, refusals) = real_node(&devnet);
    let pool = PoolManager::new(devnet.deployment.pool_manager, through(&devnet, &node));
    let ops = devnet.deployment.operator_ids.clone();
    let entries: Vec<_> = (1..=80)
        .map(|seed| sample_validator(*pool.address(), seed, &ops))
        .collect();
    let activate = |n: usize| {
        pool.activateValidators(entries[..n].to_vec(), 0, U256::ZERO, new_cluster())
            .gas(5_000_000)
    };
    let (code, message) = refusal(activate(80).send().await.unwrap_err());
    assert_eq!(code, REFUSED_CODE);
    assert!(message.starts_with("oversized data"), "{message}");
    let pool = PoolManager::new(devnet.deployment.pool_manager, through(&devnet, &node));
    let activate = |n: usize| {
        pool.activateValidators(entries[..n].to_vec(), 0, U256::ZERO, new_cluster())
            .gas(5_000_000)
    };

    // The rule caps one activation at 66 of these (~127 KB); that size goes through (and
    // reverts on chain here: nothing is in the registry).
    let cost = activation_cost(&entries[0], 300_000, 150_000);
    let most = TxLimits::MAINNET.max_items(&cost);
    assert_eq!(most, 66);
    let receipt = activate(most)
        .send()
        .await
        .expect("the node takes it")
        .get_receipt()
        .await
        .unwrap();
    assert!(!receipt.status(), "reverted on chain, not refused");
    assert_eq!(refusals.refused(), 1);
}

#[tokio::test]
async fn more_gas_than_eip_7825_allows_is_refused_by_the_proxy_and_by_anvil() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let (node, refusals) = real_node(&devnet);
    let to = devnet.accounts()[1];
    let tx = |gas: u64| {
        TransactionRequest::default()
            .to(to)
            .value(U256::from(1))
            .gas_limit(gas)
    };
    let error = through(&devnet, &node)
        .send_transaction(tx(MAX_TX_GAS + 1))
        .await
        .unwrap_err();
    let payload = error.as_error_resp().expect("an error response");
    assert_eq!(payload.code, REFUSED_CODE);
    assert_eq!(
        payload.message,
        "transaction gas limit too high (cap: 16777216, tx: 16777217)"
    );
    // anvil runs with its own check of the cap (Osaka).
    let anvil = ProviderBuilder::new()
        .wallet(EthereumWallet::from(devnet.signer(0)))
        .connect_http(devnet.anvil_url().parse().unwrap());
    let direct = anvil.send_transaction(tx(MAX_TX_GAS + 1)).await;
    assert!(direct.is_err(), "anvil refuses it too");
    // The devnet's own RPC is such a node.
    let own = devnet.real_node().expect("a real-node proxy by default");
    let error = devnet
        .provider()
        .send_transaction(tx(MAX_TX_GAS + 1))
        .await
        .unwrap_err();
    assert_eq!(error.as_error_resp().map(|e| e.code), Some(REFUSED_CODE));
    assert_eq!(own.refused(), 1);
    // At the cap, it goes through.
    let receipt = through(&devnet, &node)
        .send_transaction(tx(MAX_TX_GAS))
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    assert_eq!(
        refusals.refused(),
        1,
        "the one over the cap, not the one at it"
    );
}
