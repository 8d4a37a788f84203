use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pool_devnet::eip7002;
use pool_devnet::fixtures::new_cluster;
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::beacon::Beacon;
use pool_keeper::exits::{ExitCall, ExitOutcome};
use pool_keeper::keeper::Duties;

use crate::support::beacon::{BeaconState, serve_beacon};
use crate::*;

/// Seventeen validators past their grace: the pool may force 16 a day. The keeper sends 16,
/// stops at the refusal of the 17th (it does not try the rest of the day), and sends it the next
/// day.
#[tokio::test]
async fn forced_exits_stop_at_the_days_limit_and_resume_the_next_day() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let staker = devnet.accounts()[STAKER];
    devnet.stake(staker, eth("544")).await.unwrap();
    devnet.add_and_activate(1..18, new_cluster()).await.unwrap();
    devnet
        .grant_role(
            pool.KEEPER_ROLE().call().await.unwrap(),
            devnet.accounts()[KEEPER],
        )
        .await
        .unwrap();
    devnet.request_withdrawal(staker, eth("544")).await.unwrap();
    let mut keeper = connect(
        &devnet,
        &devnet.rpc_url(),
        KEEPER,
        Duties::EXITS,
        Arc::default(),
    )
    .await;
    let round = keeper.exits_round(None).await.unwrap();
    assert_eq!(round.requested(), (0..17).collect::<Vec<u64>>());

    devnet
        .warp(devnet.now().await.unwrap() + 2 * DAY)
        .await
        .unwrap();
    let round = keeper.exits_round(None).await.unwrap();
    keeper.report_exits(&round);
    assert_eq!(round.steps.len(), 17);
    for (i, (call, outcome)) in round.steps.iter().enumerate() {
        assert_eq!(call, &ExitCall::Force { index: i as u64 });
        if i < 16 {
            assert!(matches!(outcome, ExitOutcome::Sent { .. }), "{outcome:?}");
        } else {
            assert!(
                matches!(outcome, ExitOutcome::RateLimited { .. }),
                "{outcome:?}"
            );
        }
    }
    assert_eq!(
        eip7002::pending_requests(&devnet.provider())
            .await
            .unwrap()
            .len(),
        16
    );
    // Later the same day: only the 17th is due, and still refused; nothing is sent.
    let round = keeper.exits_round(None).await.unwrap();
    assert!(
        matches!(
            round.steps.as_slice(),
            [(
                ExitCall::Force { index: 16 },
                ExitOutcome::RateLimited { .. }
            )]
        ),
        "{:?}",
        round.steps
    );
    devnet
        .warp(devnet.now().await.unwrap() + DAY)
        .await
        .unwrap();
    let round = keeper.exits_round(None).await.unwrap();
    assert_eq!(sent(&round), vec![&ExitCall::Force { index: 16 }]);
}

/// A validator the finalized beacon state already shows exiting (the oracle has not reported it
/// yet) gets no EIP-7002 request: the fee would buy nothing. Once the state shows it running
/// after the grace period, it does.
#[tokio::test]
async fn no_forced_exit_for_a_validator_the_beacon_node_shows_exiting() {
    let (devnet, pubkeys) = pool_with_three_validators().await;
    let staker = devnet.accounts()[STAKER];
    devnet.request_withdrawal(staker, eth("30")).await.unwrap();
    let mut keeper = connect(
        &devnet,
        &devnet.rpc_url(),
        KEEPER,
        Duties::EXITS,
        Arc::default(),
    )
    .await;
    assert_eq!(keeper.exits_round(None).await.unwrap().requested(), vec![0]);
    devnet
        .warp(devnet.now().await.unwrap() + 2 * DAY)
        .await
        .unwrap();
    let key = pubkeys[0].to_string();
    let beacon_state = Arc::new(Mutex::new(BeaconState {
        slot: devnet.now().await.unwrap() / 12,
        credentials: devnet
            .pool()
            .withdrawalCredentials()
            .call()
            .await
            .unwrap()
            .to_string(),
        balances: HashMap::from([(key.clone(), 32_000_000_000)]),
        statuses: HashMap::from([(key.clone(), "active_exiting".to_string())]),
        ..BeaconState::default()
    }));
    let beacon = Beacon::new(&format!(
        "http://{}",
        serve_beacon(beacon_state.clone()).await
    ));
    let round = keeper.exits_round(Some(&beacon)).await.unwrap();
    assert!(round.steps.is_empty(), "{:?}", round.steps);
    assert!(
        eip7002::pending_requests(&devnet.provider())
            .await
            .unwrap()
            .is_empty()
    );
    beacon_state.lock().unwrap().statuses.clear(); // active_ongoing
    let round = keeper.exits_round(Some(&beacon)).await.unwrap();
    assert_eq!(sent(&round), vec![&ExitCall::Force { index: 0 }]);
}
