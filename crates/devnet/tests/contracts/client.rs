//! The client layer (`pool_chain::client`, the code the app and the keeper run) against anvil,
//! over a plain HTTP `RpcClient`: the SSV fee schedule, the pool's cluster snapshots from a
//! windowed scan, and the deposit contract's deposits, front-run included.

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::rpc::client::RpcClient;
use pool_chain::client::{fee_schedule, scan_clusters, scan_deposits};
use pool_core::deposit::eth1_withdrawal_credentials;
use pool_core::funding::Precision;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions, SsvParameters};

fn client(devnet: &Devnet) -> RpcClient {
    RpcClient::new_http(devnet.rpc_url().parse().unwrap())
}

async fn latest(devnet: &Devnet) -> u64 {
    use alloy::providers::Provider;
    devnet.provider().get_block_number().await.unwrap()
}

#[tokio::test]
async fn the_fee_schedule_is_what_the_pool_funds_with() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let ops = devnet.deployment.operator_ids.clone();
    let fees = fee_schedule(&client(&devnet), devnet.deployment.ssv_views, &ops)
        .await
        .unwrap();
    let params = SsvParameters::MAINNET;
    assert_eq!(fees.operator_fees, vec![U256::from(params.operator_fee); 4]);
    assert_eq!(fees.network_fee, U256::from(params.network_fee));
    assert_eq!(
        fees.liquidation_threshold_period,
        params.liquidation_threshold
    );
    assert_eq!(
        fees.minimum_collateral,
        U256::from(params.minimum_collateral)
    );
    let runway = devnet.pool().runway().call().await.unwrap();
    assert_eq!(
        fees.funding_per_validator(runway, Precision::Eth),
        devnet.pool().fundingPerValidator(ops).call().await.unwrap(),
        "the console's figure is the contract's"
    );
}

#[tokio::test]
async fn a_windowed_scan_rebuilds_the_pools_cluster_exactly() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let ops = devnet.deployment.operator_ids.clone();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    let first = devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let after_first = cluster_after(&first).unwrap();
    let second = devnet.add_and_activate(2..3, after_first).await.unwrap();
    let cluster = cluster_after(&second).unwrap();
    let topped = pool
        .fundCluster(
            ops.clone(),
            U256::from(100_000u64) * U256::from(1_000u64),
            cluster,
        )
        .mined()
        .await;
    let expected = cluster_after(&topped).unwrap();

    // Windows of 3 blocks: the scan crosses many of them, as on a capped public RPC.
    let head = latest(&devnet).await;
    let snapshots = scan_clusters(
        &client(&devnet),
        devnet.deployment.ssv_network,
        devnet.deployment.pool_manager,
        (0, head),
        3,
    )
    .await
    .unwrap();
    let rebuilt = snapshots.get(devnet.deployment.pool_manager, &ops);
    assert_eq!(rebuilt.validator_count, expected.validatorCount);
    assert_eq!(rebuilt.network_fee_index, expected.networkFeeIndex);
    assert_eq!(rebuilt.index, expected.index);
    assert_eq!(rebuilt.active, expected.active);
    assert_eq!(rebuilt.balance, expected.balance);
    // Another owner has no cluster: the snapshot of a new one.
    let none = snapshots.get(Address::repeat_byte(1), &ops);
    assert_eq!((none.validator_count, none.active), (0, true));
}

#[tokio::test]
async fn deposits_show_who_fixed_each_keys_credentials() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    // A ceremony key holder front-runs key 2 with 1 ETH and their own credentials.
    let thief = Address::repeat_byte(0xee);
    let stolen = devnet.front_run(2, thief).await.unwrap();

    let head = latest(&devnet).await;
    let deposits = scan_deposits(
        &client(&devnet),
        devnet.deployment.deposit_contract,
        (0, head),
        2,
    )
    .await
    .unwrap();
    assert_eq!(deposits.len(), 2);
    let ours = sample_validator(
        devnet.deployment.pool_manager,
        1,
        &devnet.deployment.operator_ids,
    );
    assert_eq!(deposits[0].pubkey, ours.pubkey);
    assert_eq!(
        deposits[0].withdrawal_credentials,
        devnet.pool().withdrawalCredentials().call().await.unwrap()
    );
    assert_eq!(
        (deposits[0].amount_gwei, deposits[0].index),
        (32_000_000_000, 0)
    );
    assert_eq!(deposits[1].pubkey, stolen);
    assert_eq!(
        deposits[1].withdrawal_credentials,
        eth1_withdrawal_credentials(thief)
    );
    assert_eq!(
        (deposits[1].amount_gwei, deposits[1].index),
        (1_000_000_000, 1)
    );
    assert_eq!(devnet.deposit_count().await.unwrap(), 2);
}

/// An HTTP transport to anvil that refuses, as public RPCs do, any `eth_getLogs` over more than
/// `max` blocks (the whole batch fails, as a node's error would), and counts refusals.
#[derive(Clone)]
struct CappedLogs {
    inner: alloy::transports::http::Http<alloy::transports::http::reqwest::Client>,
    max: u64,
    refused: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CappedLogs {
    fn too_wide(&self, packet: &alloy_json_rpc::RequestPacket) -> bool {
        packet.requests().iter().any(|request| {
            request.method() == "eth_getLogs"
                && request.params().is_some_and(|params| {
                    let filters: Vec<serde_json::Value> =
                        serde_json::from_str(params.get()).unwrap();
                    let block = |key: &str| {
                        u64::from_str_radix(
                            filters[0][key].as_str().unwrap().trim_start_matches("0x"),
                            16,
                        )
                        .unwrap()
                    };
                    block("toBlock") - block("fromBlock") + 1 > self.max
                })
        })
    }
}

impl tower::Service<alloy_json_rpc::RequestPacket> for CappedLogs {
    type Response = alloy_json_rpc::ResponsePacket;
    type Error = alloy::transports::TransportError;
    type Future = alloy::transports::TransportFut<'static>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, packet: alloy_json_rpc::RequestPacket) -> Self::Future {
        if self.too_wide(&packet) {
            self.refused
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return Box::pin(async {
                Err(alloy::transports::TransportErrorKind::custom_str(
                    "query exceeds max block range",
                ))
            });
        }
        self.inner.call(packet)
    }
}

#[tokio::test]
async fn a_scan_shrinks_its_window_when_the_node_caps_the_range() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..3, new_cluster()).await.unwrap();
    devnet.mine(40).await.unwrap();
    let head = latest(&devnet).await;
    let refused = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let capped = CappedLogs {
        inner: alloy::transports::http::Http::new(devnet.rpc_url().parse().unwrap()),
        max: 5,
        refused: refused.clone(),
    };
    let client = RpcClient::new(capped, true);
    // Asked for windows of 64 blocks, answered only up to 5: the scan halves down to 4, goes on.
    let deposits = scan_deposits(&client, devnet.deployment.deposit_contract, (0, head), 64)
        .await
        .unwrap();
    assert_eq!(deposits.len(), 2);
    assert!(
        refused.load(std::sync::atomic::Ordering::SeqCst) >= 4,
        "the node refused wide ranges"
    );
    // A node that refuses even one block ends the scan with where to resume.
    let stuck = CappedLogs {
        inner: alloy::transports::http::Http::new(devnet.rpc_url().parse().unwrap()),
        max: 0,
        refused,
    };
    let error = scan_deposits(
        &RpcClient::new(stuck, true),
        devnet.deployment.deposit_contract,
        (3, head),
        64,
    )
    .await
    .unwrap_err();
    assert_eq!(error.resume_from, 3);
    assert!(error.to_string().contains("stopped at block 3"), "{error}");
}

mod transaction_flow {
    use super::*;
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
        let tx::Submission::Sent(sent) = tx::send(&node, &node, &request, 31337).await.unwrap()
        else {
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
        let tx::Submission::Sent(sent) = tx::send(&node, &node, &request, 31337).await.unwrap()
        else {
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
        let tx::Submission::Sent(sent) = tx::send(&node, &node, &request, 31337).await.unwrap()
        else {
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
}
