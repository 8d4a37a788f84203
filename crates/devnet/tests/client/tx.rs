//! The client layer's transactions (`pool_chain::client::tx`) against anvil: simulated first (a
//! revert as the contract's own error), the sender's chain checked, followed to a receipt and
//! its confirmations, a dropped transaction said once its nonce stays unused, a speed-up
//! followed to its receipt and a cancel said.

use alloy::primitives::{Address, U256, utils::parse_ether};
use pool_devnet::{Devnet, DevnetOptions};

use crate::client;
use pool_chain::bindings::PoolManager::PoolManagerErrors;
use pool_chain::client::tx::{self, Outcome, TxError};
use pool_chain::reads::stake_calldata;
use pool_chain::revert::ContractError;
use pool_chain::rpc::TxRequest;

async fn sleep(ms: u32) {
    tokio::time::sleep(std::time::Duration::from_millis(ms.into())).await;
}

fn deposit(devnet: &Devnet, from: Address, wei: U256) -> TxRequest {
    TxRequest {
        from: Some(from),
        to: devnet.deployment.pool_manager,
        value: Some(wei),
        data: stake_calldata(),
    }
}

#[tokio::test]
async fn simulate_send_follow_and_confirm() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let node = client(&devnet);
    let alice = devnet.accounts()[1];
    // A revert is caught before anything is sent, as the contract's own error.
    let error = tx::simulate(&node, &deposit(&devnet, alice, U256::ZERO))
        .await
        .unwrap_err();
    assert!(matches!(
        error.contract_error(),
        Some(ContractError::Pool(PoolManagerErrors::ZeroDeposit(_)))
    ));
    assert_eq!(error.to_string(), "The pool refused an amount of zero.");
    // The sender's chain is checked before it is asked to send.
    let one = parse_ether("1").unwrap();
    let wrong = tx::send(&node, &node, &deposit(&devnet, alice, one), 1)
        .await
        .unwrap_err();
    assert!(matches!(
        wrong,
        TxError::WrongChain {
            expected: 1,
            actual: 31337
        }
    ));
    assert_eq!(
        devnet.token().sharesOf(alice).call().await.unwrap(),
        U256::ZERO
    );

    let request = deposit(&devnet, alice, one);
    tx::simulate(&node, &request).await.unwrap();
    let tx::Submission::Sent(sent) = tx::send(&node, &node, &request, 31337).await.unwrap() else {
        panic!("a node account's transaction has a hash")
    };
    match tx::follow(&node, &sent, 50, sleep).await {
        Outcome::Mined { receipt, replaced } => {
            assert!(!replaced);
            assert_eq!(receipt.transaction_hash, sent.hash);
            let block = receipt.block_number.to::<u64>();
            assert_eq!(tx::confirmations(&node, block).await.unwrap(), 1);
            devnet.mine(2).await.unwrap();
            assert_eq!(tx::confirmations(&node, block).await.unwrap(), 3);
        }
        other => panic!("expected a mined deposit, got {other:?}"),
    }
    assert_eq!(devnet.token().sharesOf(alice).call().await.unwrap(), one);
}

/// Sends `request` with automine off, then a transaction of the same nonce from the same
/// account (`replacement`, at a higher fee), mines, and follows the first.
async fn replaced_by(devnet: &Devnet, replacement: serde_json::Value) -> Outcome {
    use alloy::providers::Provider;
    let node = client(devnet);
    let alice = devnet.accounts()[1];
    let request = deposit(devnet, alice, parse_ether("1").unwrap());
    let _: () = devnet
        .provider()
        .raw_request("evm_setAutomine".into(), [false])
        .await
        .unwrap();
    let tx::Submission::Sent(sent) = tx::send(&node, &node, &request, 31337).await.unwrap() else {
        panic!("a node account's transaction has a hash")
    };
    let mut replacement = replacement;
    replacement["from"] = serde_json::json!(alice);
    replacement["nonce"] = serde_json::json!(sent.expected_nonce.unwrap());
    replacement["maxFeePerGas"] = serde_json::json!("0x174876e800"); // 100 gwei
    replacement["maxPriorityFeePerGas"] = serde_json::json!("0x3b9aca00"); // 1 gwei
    let _: alloy::primitives::B256 = devnet
        .provider()
        .raw_request("eth_sendTransaction".into(), [replacement])
        .await
        .unwrap();
    let _: serde_json::Value = devnet
        .provider()
        .raw_request("evm_mine".into(), ())
        .await
        .unwrap();
    let _: () = devnet
        .provider()
        .raw_request("evm_setAutomine".into(), [true])
        .await
        .unwrap();
    tx::follow(&node, &sent, 50, sleep).await
}

#[tokio::test]
async fn a_dropped_transaction_is_said_once_its_nonce_stays_unused() {
    use alloy::providers::Provider;
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let node = client(&devnet);
    let alice = devnet.accounts()[1];
    let request = deposit(&devnet, alice, parse_ether("1").unwrap());
    let _: () = devnet
        .provider()
        .raw_request("evm_setAutomine".into(), [false])
        .await
        .unwrap();
    let tx::Submission::Sent(sent) = tx::send(&node, &node, &request, 31337).await.unwrap() else {
        panic!("a node account's transaction has a hash")
    };
    // The node forgets it before any block holds it: a hash the chain never mines.
    let _: serde_json::Value = devnet
        .provider()
        .raw_request("anvil_dropTransaction".into(), [sent.hash])
        .await
        .unwrap();
    let _: () = devnet
        .provider()
        .raw_request("evm_setAutomine".into(), [true])
        .await
        .unwrap();
    assert_eq!(tx::follow(&node, &sent, 50, sleep).await, Outcome::Dropped);
    assert_eq!(
        devnet.token().sharesOf(alice).call().await.unwrap(),
        U256::ZERO
    );
}

#[tokio::test]
async fn a_speed_up_is_followed_to_its_receipt_and_a_cancel_is_said() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let same_call = serde_json::json!({
        "to": devnet.deployment.pool_manager,
        "value": format!("{:#x}", parse_ether("1").unwrap()),
        "data": stake_calldata(),
    });
    match replaced_by(&devnet, same_call).await {
        Outcome::Mined { replaced, .. } => assert!(replaced, "the speed-up"),
        other => panic!("expected the speed-up mined, got {other:?}"),
    }
    let alice = devnet.accounts()[1];
    let cancel = serde_json::json!({ "to": alice, "value": "0x0" });
    assert_eq!(replaced_by(&devnet, cancel).await, Outcome::Cancelled);
    // One deposit, the sped-up one; the cancelled one never happened.
    assert_eq!(
        devnet.token().sharesOf(alice).call().await.unwrap(),
        parse_ether("1").unwrap()
    );
}
