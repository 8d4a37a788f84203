//! The front-run guard end to end: the activation planner reads the deposit count at the block
//! it checked the deposit logs to, so a deposit landing after that block reverts the activation
//! on chain and its key is never sent again; a reorganisation inside the margin is read again;
//! keys the finalized beacon state shows (deposited before the pool, or pending) are refused;
//! deposits whose signature does not verify are ignored; entries that would burn or never run
//! are refused before the keeper sends them.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, B256, Bytes, FixedBytes, U64};
use alloy::providers::Provider;
use alloy::rpc::client::RpcClient;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use pool_chain::bindings::PoolManager::{self, PoolManagerErrors};
use pool_chain::client::planner::{ActivationPlanner, PlanRefusal, PlannerConfig};
use pool_chain::client::{deposit_count, scan_deposits, tx};
use pool_chain::revert::ContractError;
use pool_chain::rpc::TxRequest;
use pool_core::activation::EntryProblem;
use pool_core::activation::deposits::{DepositSource, Verdict};
use pool_core::deposit::{DepositMessage, ForkVersion, eth1_withdrawal_credentials};
use pool_devnet::Devnet;
use pool_devnet::fixtures::{sample_entry, sample_key};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::Mined;
use pool_keeper::Decision;
use pool_keeper::beacon_http::BeaconHttp;
use serde_json::{Value, json};

mod support;
use support::beacon::serve_api;
use support::pool::{KEEPER, activated, devnet_with_entries, keeper, stake};

const THIEF: Address = Address::repeat_byte(0xee);

fn planner(devnet: &Devnet) -> ActivationPlanner {
    let config = devnet.config();
    ActivationPlanner::new(PlannerConfig {
        chain_id: config.chain_id,
        pool: config.pool_manager,
        deployment_block: config.deployment_block,
        ssv_genesis_block: config.ssv_genesis_block(),
        fork_version: config.fork_version().unwrap(),
        max_log_window: 50_000,
        verify_entries: true,
    })
}

fn client(devnet: &Devnet) -> RpcClient {
    RpcClient::new_http(devnet.rpc_url().parse().unwrap())
}

const NO_BEACON: Option<&BeaconHttp> = None;

/// Sends `calldata` to the pool from `from` with a fixed gas limit (no estimate: a call that
/// reverts is still mined), and its receipt.
async fn send_as(
    devnet: &Devnet,
    from: Address,
    calldata: &Bytes,
) -> alloy::rpc::types::TransactionReceipt {
    devnet
        .provider()
        .send_transaction(
            TransactionRequest::default()
                .with_from(from)
                .with_to(*devnet.pool().address())
                .with_input(calldata.clone())
                .with_gas_limit(3_000_000),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_deposit_after_the_plans_block_reverts_the_activation_and_the_key_is_never_sent() {
    let devnet = devnet_with_entries(1).await;
    stake(&devnet, "32").await;
    let client = client(&devnet);
    let keeper_account = devnet.accounts()[KEEPER];
    let deposit_contract = devnet.deployment.deposit_contract;
    let plan = planner(&devnet)
        .plan(&client, NO_BEACON, keeper_account, None)
        .await
        .unwrap();
    assert_eq!((plan.first, plan.count()), (0, 1));

    // A ceremony key holder front-runs entry 0 right after the plan's block.
    let stolen = devnet.front_run(1, THIEF).await.unwrap();
    assert_eq!(stolen, plan.entries[0].pubkey);

    // The old way, the count read at the latest block after the logs were checked: it includes
    // the deposit nobody checked, and the guard lets the front-run key through (32 ETH to the
    // thief's credentials).
    let latest = deposit_count(&client, deposit_contract).await.unwrap();
    assert_eq!(latest, plan.expected_deposit_count + 1);
    let old_way = PoolManager::activateValidatorsCall {
        validators: plan.entries.clone(),
        expectedDepositCount: latest,
        perValidatorFunding: plan.funding,
        cluster: plan.cluster.into(),
    }
    .abi_encode();
    let as_keeper = |data: Vec<u8>| TxRequest {
        from: Some(keeper_account),
        to: *devnet.pool().address(),
        value: None,
        data: data.into(),
    };
    assert!(
        tx::simulate(&client, &as_keeper(old_way)).await.is_ok(),
        "a count read after the logs passes the guard with a front-run key"
    );

    // The plan's call carries the count at its block: refused, on chain.
    let refusal = tx::simulate(&client, &as_keeper(plan.calldata.to_vec()))
        .await
        .unwrap_err();
    assert!(matches!(
        refusal.contract_error(),
        Some(ContractError::Pool(PoolManagerErrors::DepositCountChanged(
            _
        )))
    ));
    let sent = send_as(&devnet, keeper_account, &plan.calldata).await;
    assert!(!sent.status(), "mined and reverted");

    // The keeper's next round finds the key and stops: never sent, however often it runs.
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    match keeper.round().await.unwrap() {
        Decision::FrontRun {
            index, credentials, ..
        } => {
            assert_eq!(index, 0);
            assert_eq!(credentials, eth1_withdrawal_credentials(THIEF));
        }
        other => panic!("expected the front-run to stop the duty, got {other:?}"),
    }
    assert!(matches!(keeper.round().await.unwrap(), Decision::Stopped));
    assert_eq!(activated(&devnet).await, 0);
    assert_eq!(devnet.deposit_count().await.unwrap(), 1, "only the thief's");
}

async fn rpc(devnet: &Devnet, method: &'static str, params: Value) -> Value {
    client(devnet).request(method, params).await.unwrap()
}

#[tokio::test]
async fn a_reorganisation_inside_the_margin_is_read_again() {
    let devnet = devnet_with_entries(1).await;
    stake(&devnet, "32").await;
    let client = client(&devnet);
    let keeper_account = devnet.accounts()[KEEPER];
    let fork_point = rpc(&devnet, "evm_snapshot", json!([])).await;
    devnet.mine(3).await.unwrap();
    let mut planner = planner(&devnet);
    let first = planner
        .plan(&client, NO_BEACON, keeper_account, None)
        .await
        .unwrap();

    // The blocks after the fork point are replaced by a chain in which the key was front-run
    // (a reorganisation of 4 blocks, well inside the 64-block margin), then the chain grows.
    assert_eq!(
        rpc(&devnet, "evm_revert", json!([fork_point])).await,
        json!(true)
    );
    devnet.front_run(1, THIEF).await.unwrap();
    devnet.mine(5).await.unwrap();
    let head: U64 = client.request("eth_blockNumber", ()).await.unwrap();
    assert!(head.to::<u64>() > first.block);

    // Reading only the blocks after the last plan's would miss it...
    let after = scan_deposits(
        &client,
        devnet.deployment.deposit_contract,
        (first.block + 1, head.to()),
        50_000,
    )
    .await
    .unwrap();
    assert!(
        after.is_empty(),
        "the front-run is at or below the last plan's block"
    );
    // ...the planner reads the margin again and refuses the key.
    match planner.plan(&client, NO_BEACON, keeper_account, None).await {
        Err(PlanRefusal::KeyDeposited { index: 0, check }) => assert_eq!(
            check.verdict,
            Verdict::Deposited {
                credentials: eth1_withdrawal_credentials(THIEF),
                to_pool: false,
                source: check_source(&check.verdict),
            }
        ),
        other => panic!("expected the reorganised front-run to be found, got {other:?}"),
    }
}

fn check_source(verdict: &Verdict) -> DepositSource {
    match verdict {
        Verdict::Deposited { source, .. } => *source,
        Verdict::Clear => panic!("clear"),
    }
}

#[tokio::test]
async fn a_deposit_whose_signature_does_not_verify_is_ignored_and_said() {
    let devnet = devnet_with_entries(1).await;
    stake(&devnet, "32").await;
    // 1 ETH to the thief's credentials with a garbage signature: the beacon chain burns it and
    // fixes nothing. It must not stop the keeper (and ban an innocent suffix).
    let pubkey = devnet.deposit_for(1, THIEF, false).await.unwrap();
    let client = client(&devnet);
    let plan = planner(&devnet)
        .plan(&client, NO_BEACON, devnet.accounts()[KEEPER], None)
        .await
        .unwrap();
    assert_eq!(plan.ignored.len(), 1);
    assert_eq!(plan.ignored[0].0, pubkey);
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Activated {
            first: 0,
            count: 1,
            ..
        }
    ));
}

#[tokio::test]
async fn an_entry_signed_for_another_nonce_is_never_sent() {
    let devnet = devnet_with_entries(0).await;
    let pool = devnet.pool();
    // Key shares made for SSV nonce 5, at registry index 0: SSV would never run it.
    pool.add_validators(vec![sample_entry(
        *pool.address(),
        1,
        5,
        &devnet.deployment.operator_ids,
    )])
    .mined()
    .await;
    devnet.mine(2).await.unwrap();
    stake(&devnet, "32").await;
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    let decision = keeper.round().await.unwrap();
    assert!(
        matches!(
            decision,
            Decision::InvalidEntry {
                index: 0,
                problem: EntryProblem::OwnershipSignature { nonce: 0 }
            }
        ),
        "{decision:?}"
    );
    assert!(matches!(keeper.round().await.unwrap(), Decision::Stopped));
    assert_eq!(devnet.deposit_count().await.unwrap(), 0);
}

/// What the test's beacon node holds: the finalized state's execution block, validators
/// (pubkey, credentials) and pending deposits.
#[derive(Default)]
struct Finalized {
    execution_block: u64,
    validators: Vec<(Bytes, B256)>,
    pending: Vec<Value>,
}

const STATE_ROOT: B256 = B256::repeat_byte(0x5a);

/// A Beacon API on 127.0.0.1 serving the finalized block, the POST form of `validators` and
/// `pending_deposits` of its state (by state root), as consensus clients do.
async fn serve_beacon(state: Arc<Mutex<Finalized>>) -> SocketAddr {
    serve_api(move |line, path, body| {
        let states = format!("/eth/v1/beacon/states/{STATE_ROOT}");
        let state = state.lock().unwrap();
        if path == "/eth/v2/beacon/blocks/finalized" {
            Some(
                json!({ "version": "electra", "finalized": true, "data": { "message": {
                "slot": "640", "state_root": STATE_ROOT.to_string(),
                "body": { "execution_payload": { "block_number": state.execution_block.to_string() } } } } }),
            )
        } else if path == format!("{states}/validators") && line.starts_with("POST") {
            let asked: Value = serde_json::from_slice(body).unwrap_or_default();
            let ids: Vec<String> = asked["ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|id| id.as_str().map(str::to_lowercase))
                .collect();
            let data: Vec<Value> = state.validators.iter()
                .filter(|(pubkey, _)| ids.contains(&pubkey.to_string()))
                .map(|(pubkey, credentials)| json!({ "index": "9", "balance": "32000000000",
                    "status": "active_ongoing", "validator": { "pubkey": pubkey.to_string(),
                    "withdrawal_credentials": credentials.to_string() } }))
                .collect();
            Some(json!({ "finalized": true, "data": data }))
        } else if path == format!("{states}/pending_deposits") {
            Some(
                json!({ "version": "electra", "finalized": true, "data": state.pending }),
            )
        } else {
            None
        }

    })
    .await
}

/// A pending deposit of 1 ETH for sample key `seed` to `thief`'s credentials, signed by the
/// key (or not).
fn pending_deposit(seed: u16, thief: Address, signed: bool) -> Value {
    let key = sample_key(seed);
    let credentials = eth1_withdrawal_credentials(thief);
    let message = DepositMessage {
        pubkey: FixedBytes(key.public_key()),
        withdrawal_credentials: credentials,
        amount: 1_000_000_000,
    };
    let signature = if signed {
        key.sign(message.signing_root(ForkVersion::DEVNET).as_slice())
    } else {
        [0x11; 96]
    };
    json!({ "pubkey": Bytes::from(key.public_key().to_vec()).to_string(),
        "withdrawal_credentials": credentials.to_string(), "amount": "1000000000",
        "signature": FixedBytes(signature).to_string(), "slot": "600" })
}

#[tokio::test]
async fn keys_the_finalized_beacon_state_shows_are_refused() {
    let devnet = devnet_with_entries(2).await;
    stake(&devnet, "64").await;
    let head = devnet.provider().get_block_number().await.unwrap();
    let entry = |seed| Bytes::from(sample_key(seed).public_key().to_vec());
    let state = Arc::new(Mutex::new(Finalized {
        execution_block: head,
        ..Default::default()
    }));
    let url = format!("http://{}", serve_beacon(state.clone()).await);

    // Entry 1's key has been waiting in pending_deposits with the thief's credentials.
    state.lock().unwrap().pending = vec![
        pending_deposit(1, THIEF, false),
        pending_deposit(2, THIEF, true),
    ];
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    keeper.set_beacon(&url);
    match keeper.round().await.unwrap() {
        Decision::FrontRun {
            index, credentials, ..
        } => assert_eq!(
            (index, credentials),
            (1, eth1_withdrawal_credentials(THIEF))
        ),
        other => panic!("expected the pending deposit to stop the duty, got {other:?}"),
    }

    // Entry 0's key was deposited years ago (0x00 credentials): a validator already.
    let state2 = Arc::new(Mutex::new(Finalized {
        execution_block: head,
        validators: vec![(entry(1), B256::ZERO)],
        ..Default::default()
    }));
    let url2 = format!("http://{}", serve_beacon(state2).await);
    let mut keeper = keeper_fresh(&devnet).await;
    keeper.set_beacon(&url2);
    match keeper.round().await.unwrap() {
        Decision::FrontRun {
            index, credentials, ..
        } => assert_eq!((index, credentials), (0, B256::ZERO)),
        other => panic!("expected the old validator to stop the duty, got {other:?}"),
    }

    // A state that shows nothing of the keys but a garbage pending deposit: activated.
    state.lock().unwrap().pending = vec![pending_deposit(1, THIEF, false)];
    let mut keeper = keeper_fresh(&devnet).await;
    keeper.set_beacon(&url);
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Activated {
            first: 0,
            count: 2,
            ..
        }
    ));
    assert_eq!(activated(&devnet).await, 2);
}

async fn keeper_fresh(devnet: &Devnet) -> pool_keeper::Keeper {
    keeper(devnet, KEEPER, false).await.unwrap()
}

#[tokio::test]
async fn a_cluster_snapshot_the_network_refuses_is_scanned_anew() {
    let devnet = devnet_with_entries(2).await;
    stake(&devnet, "32").await;
    let client = client(&devnet);
    let keeper_account = devnet.accounts()[KEEPER];
    let mut planner = planner(&devnet);
    let before = rpc(&devnet, "evm_snapshot", json!([])).await;
    // One activation: its SSV events give the cluster's next snapshot, which the planner's
    // cursor keeps.
    let plan = planner
        .plan(&client, NO_BEACON, keeper_account, None)
        .await
        .unwrap();
    let sent = send_as(&devnet, keeper_account, &plan.calldata).await;
    assert!(sent.status());
    stake(&devnet, "32").await;
    let second = planner
        .plan(&client, NO_BEACON, keeper_account, None)
        .await
        .unwrap();
    assert_eq!(second.cluster.validator_count, 1);
    // A reorganisation takes the activation away; the chain grows past the cursor with no
    // cluster event: the snapshot held is one the network never had.
    assert_eq!(
        rpc(&devnet, "evm_revert", json!([before])).await,
        json!(true)
    );
    devnet.mine(10).await.unwrap();
    let replanned = planner
        .plan(&client, NO_BEACON, keeper_account, None)
        .await
        .unwrap();
    assert_eq!((replanned.first, replanned.count()), (0, 1));
    assert_eq!(replanned.cluster.validator_count, 0, "scanned anew");
}
