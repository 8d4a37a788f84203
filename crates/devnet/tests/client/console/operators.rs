//! Operators as the console reads them: their keys from `OperatorAdded` (in key shares' form)
//! and the states that would make a registration revert.

use super::*;

#[tokio::test]
async fn operator_keys_are_the_key_shares_operator_keys() {
    let devnet = Devnet::start(DevnetOptions {
        validators: 1,
        ..Default::default()
    })
    .await
    .unwrap();
    let d = &devnet.deployment;
    let mut ids = d.operator_ids.clone();
    ids.push(99); // no such operator: left out
    let keys = operator_keys(
        &client(&devnet),
        d.ssv_network,
        &ids,
        (0, head(&devnet).await),
        3,
    )
    .await
    .unwrap();
    let shares = &devnet.ceremony.as_ref().unwrap().keyshares.shares[0].data;
    assert_eq!(keys.len(), d.operator_ids.len());
    for (n, key) in keys.iter().enumerate() {
        assert_eq!(key.id, d.operator_ids[n]);
        assert_eq!(key.owner, devnet.accounts()[5 + n]);
        assert_eq!(key.public_key, d.operator_public_keys[n]);
        assert_eq!(key.public_key, shares.operators[n].operator_key);
    }
}

#[tokio::test]
async fn operator_states_say_why_a_registration_would_fail() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let d = &devnet.deployment;
    let network = DevnetSSVNetworkV2::new(d.ssv_network, devnet.provider());
    let owner = |n: usize| devnet.accounts()[5 + n];
    let stranger = devnet.accounts()[9];
    let fee = U256::from(SsvParameters::MAINNET.operator_fee);

    // The pool runs one validator with operators 1-4; a stranger registers three more operators
    // and a validator with 4-7, so operator 4 runs two.
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    for n in 0..3u8 {
        let key = Bytes::from(vec![n; 8]);
        let added = network
            .registerOperator(key, fee, false)
            .from(stranger)
            .mined()
            .await;
        assert!(added.status());
    }
    let theirs = register_directly(
        &network,
        stranger,
        &[4, 5, 6, 7],
        100,
        ssv_cluster(new_cluster()),
    )
    .await
    .unwrap();

    // Two validators an operator at most (500 on mainnet; set by the network's owner).
    let limited = network
        .updateValidatorsPerOperatorLimit(2)
        .from(devnet.accounts()[0])
        .mined()
        .await;
    assert!(limited.status());
    let not_owner = network
        .updateValidatorsPerOperatorLimit(500)
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        not_owner.as_decoded_interface_error::<SsvErrors>(),
        Some(SsvErrors::CallerNotOwner(_))
    ));
    // Operator 2 removed by its owner (nobody else may).
    let refused = network
        .removeOperator(2)
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        refused.as_decoded_interface_error::<SsvErrors>(),
        Some(SsvErrors::CallerNotOwnerWithData(e)) if e.caller == stranger && e.owner == owner(1)
    ));
    let removed = network.removeOperator(2).from(owner(1)).mined().await;
    assert!(
        removed
            .decoded_log::<DevnetSSVNetworkV2::OperatorRemoved>()
            .is_some_and(|log| log.operatorId == 2)
    );
    // Operator 3 private; operator 4 private too, with the pool (and the stranger) whitelisted.
    for (id, n) in [(3, 2), (4, 3)] {
        let private = network
            .setOperatorsPrivateUnchecked(vec![id])
            .from(owner(n))
            .mined()
            .await;
        assert!(
            private
                .decoded_log::<DevnetSSVNetworkV2::OperatorPrivacyStatusUpdated>()
                .is_some_and(|log| log.operatorIds == vec![id] && log.toPrivate)
        );
    }
    let whitelisted = network
        .setOperatorsWhitelists(vec![4], vec![d.pool_manager, stranger])
        .from(owner(3))
        .mined()
        .await;
    assert!(
        whitelisted
            .decoded_log::<DevnetSSVNetworkV2::OperatorMultipleWhitelistUpdated>()
            .is_some()
    );

    let ids = [1, 2, 3, 4, 99];
    let states = operator_states(&client(&devnet), d.ssv_views, d.pool_manager, &ids)
        .await
        .unwrap();
    assert_eq!(
        states.iter().map(|s| s.problem()).collect::<Vec<_>>(),
        vec![
            None,
            Some(OperatorProblem::Inactive),
            Some(OperatorProblem::PrivateToOthers),
            Some(OperatorProblem::AtValidatorLimit { count: 2, limit: 2 }),
            Some(OperatorProblem::NotFound),
        ]
    );
    assert_eq!(
        (
            states[0].id,
            states[0].owner,
            states[0].fee,
            states[0].room()
        ),
        (1, owner(0), fee, 1)
    );
    // Removed: its owner stays, its fee and count are zeroed.
    assert_eq!(
        (states[1].owner, states[1].fee, states[1].validator_count),
        (owner(1), U256::ZERO, 0)
    );
    assert!(states[2].is_private && !states[2].whitelists_pool);
    assert!(states[3].whitelists_pool && states[3].is_private);

    // Each problem is the revert a registration meets (the stranger's, with fresh clusters).
    let refusal = |ops: [u64; 4]| {
        let network = &network;
        async move { register_directly(network, stranger, &ops, 101, ssv_cluster(new_cluster())).await }
    };
    assert!(matches!(
        refusal([1, 2, 5, 6]).await.unwrap_err(),
        SsvErrors::OperatorDoesNotExist(_)
    ));
    assert!(matches!(
        refusal([1, 3, 5, 6]).await.unwrap_err(),
        SsvErrors::CallerNotWhitelistedWithData(e) if e.operatorId == 3
    ));
    assert!(matches!(
        refusal([1, 4, 5, 6]).await.unwrap_err(),
        SsvErrors::ExceedValidatorLimitWithData(e) if e.operatorId == 4
    ));
    assert!(matches!(
        refusal([1, 5, 6, 99]).await.unwrap_err(),
        SsvErrors::OperatorDoesNotExist(_)
    ));

    // Room left is room taken: operator 1 reaches the limit, and is back under it once the
    // stranger removes that validator.
    let registered = refusal([1, 5, 6, 7]).await.unwrap();
    let node = client(&devnet);
    let first = || operator_states(&node, d.ssv_views, d.pool_manager, &[1]);
    assert_eq!(
        first().await.unwrap()[0].problem(),
        Some(OperatorProblem::AtValidatorLimit { count: 2, limit: 2 })
    );
    let pubkey = sample_validator(stranger, 101, &[1, 5, 6, 7]).pubkey;
    let cluster = ssv_cluster(cluster_after(&registered).unwrap());
    let removed = network
        .removeValidator(pubkey, vec![1, 5, 6, 7], cluster)
        .from(stranger)
        .mined()
        .await;
    assert!(removed.status());
    assert_eq!(first().await.unwrap()[0].room(), 1);

    // Public again, operator 3 takes the stranger's validators.
    network
        .setOperatorsPublicUnchecked(vec![3])
        .from(owner(2))
        .mined()
        .await;
    let states = operator_states(&client(&devnet), d.ssv_views, stranger, &[3, 4])
        .await
        .unwrap();
    assert_eq!((states[0].problem(), states[0].is_private), (None, false));
    assert!(states[1].whitelists_pool);
    register_directly(
        &network,
        stranger,
        &[1, 3, 5, 6],
        102,
        ssv_cluster(new_cluster()),
    )
    .await
    .unwrap();

    // A liquidated cluster's validators leave their operators' counts until it is reactivated.
    let fourth = || operator_states(&node, d.ssv_views, d.pool_manager, &[4]);
    let liquidated = network
        .liquidate(
            stranger,
            vec![4, 5, 6, 7],
            ssv_cluster(cluster_after(&theirs).unwrap()),
        )
        .from(stranger)
        .mined()
        .await;
    assert!(liquidated.status());
    assert_eq!(fourth().await.unwrap()[0].validator_count, 1);
    let reactivated = network
        .reactivate(
            vec![4, 5, 6, 7],
            ssv_cluster(cluster_after(&liquidated).unwrap()),
        )
        .value(parse_ether("1").unwrap())
        .from(stranger)
        .mined()
        .await;
    assert!(reactivated.status());
    assert_eq!(fourth().await.unwrap()[0].validator_count, 2);
}
