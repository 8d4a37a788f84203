//! Who may do what: every state-changing function of the pool against every role and a
//! stranger (one table), the admin role's two-step transfer with a delay, and role grants that
//! take effect only after a delay (so a stolen admin key cannot make itself operator and keeper
//! and activate its own keys before anyone can react).

use alloy::primitives::{Address, U256, aliases::U48, utils::parse_ether};
use alloy::providers::DynProvider;
use pool_chain::bindings::PoolManager::{PoolManagerErrors, PoolManagerInstance};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::Mined;
use pool_devnet::{ADMIN_TRANSFER_DELAY, Devnet, DevnetOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Admin,
    Operator,
    Keeper,
    Oracle,
    Stranger,
}

const EVERYONE: &[Role] = &[
    Role::Admin,
    Role::Operator,
    Role::Keeper,
    Role::Oracle,
    Role::Stranger,
];

#[derive(Debug, Clone, Copy)]
enum Function {
    Deposit,
    FundFeeReserve,
    AddValidators,
    DropValidators,
    ActivateValidators,
    ReportBeacon,
    WriteOffValidators,
    FundCluster,
    WithdrawFromCluster,
    SetRunway,
    SetReportBounds,
    WithdrawFeeReserve,
    GrantRole,
    RevokeRole,
    BeginDefaultAdminTransfer,
    ChangeDefaultAdminDelay,
    ReceiveExecutionRewards,
    ProposeRoleGrant,
    ExecuteRoleGrant,
    CancelRoleGrant,
    SetDepositsPaused,
}

/// The matrix: each function and the roles that may call it.
const MATRIX: &[(Function, &[Role])] = &[
    (Function::Deposit, EVERYONE),
    (Function::FundFeeReserve, EVERYONE),
    (Function::AddValidators, &[Role::Operator]),
    (Function::DropValidators, &[Role::Operator, Role::Admin]),
    (Function::ActivateValidators, &[Role::Keeper]),
    (Function::ReportBeacon, &[Role::Oracle]),
    (Function::WriteOffValidators, &[Role::Oracle]),
    (Function::FundCluster, &[Role::Operator, Role::Keeper]),
    (Function::WithdrawFromCluster, &[Role::Operator]),
    (Function::SetRunway, &[Role::Operator]),
    (Function::SetReportBounds, &[Role::Admin]),
    (Function::WithdrawFeeReserve, &[Role::Admin]),
    // Closed to everyone: grants go through the proposal and its delay.
    (Function::GrantRole, &[]),
    (Function::ProposeRoleGrant, &[Role::Admin]),
    (Function::ExecuteRoleGrant, &[Role::Admin]),
    (Function::CancelRoleGrant, &[Role::Admin]),
    (Function::SetDepositsPaused, &[Role::Admin]),
    (Function::RevokeRole, &[Role::Admin]),
    (Function::BeginDefaultAdminTransfer, &[Role::Admin]),
    (Function::ChangeDefaultAdminDelay, &[Role::Admin]),
    // Only the rewards vault itself, which no role is.
    (Function::ReceiveExecutionRewards, &[]),
];

/// Simulates `function` from `from`; the pool's error if it reverted with one.
async fn try_call(
    devnet: &Devnet,
    pool: &PoolManagerInstance<DynProvider>,
    function: Function,
    from: Address,
) -> Option<Refusal> {
    let ops = devnet.deployment.operator_ids.clone();
    let entry = sample_validator(*pool.address(), 1, &ops);
    let one = U256::from(1);
    let keeper = pool.KEEPER_ROLE().call().await.unwrap();
    let result = match function {
        Function::Deposit => pool
            .deposit()
            .value(parse_ether("1").unwrap())
            .from(from)
            .call()
            .await
            .map(drop),
        Function::FundFeeReserve => pool
            .fundFeeReserve()
            .value(one)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::AddValidators => pool
            .add_validators(vec![entry])
            .from(from)
            .call()
            .await
            .map(drop),
        Function::DropValidators => pool
            .dropValidators(U256::ZERO)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::ActivateValidators => pool
            .activateValidators(
                vec![entry],
                0,
                devnet.funding_quote().await.unwrap(),
                new_cluster(),
            )
            .from(from)
            .call()
            .await
            .map(drop),
        Function::ReportBeacon => pool
            .reportBeacon(1, 0, 0, 0)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::WriteOffValidators => pool
            .writeOffValidators(one)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::FundCluster => pool
            .fundCluster(ops, one, new_cluster())
            .from(from)
            .call()
            .await
            .map(drop),
        Function::WithdrawFromCluster => pool
            .withdrawFromCluster(ops, one, new_cluster())
            .from(from)
            .call()
            .await
            .map(drop),
        Function::SetRunway => pool.setRunway(100).from(from).call().await.map(drop),
        Function::SetReportBounds => pool
            .setReportBounds(100, 100)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::WithdrawFeeReserve => pool
            .withdrawFeeReserve(from, one)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::GrantRole => pool
            .grantRole(keeper, from)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::RevokeRole => pool
            .revokeRole(keeper, devnet.accounts()[2])
            .from(from)
            .call()
            .await
            .map(drop),
        Function::BeginDefaultAdminTransfer => pool
            .beginDefaultAdminTransfer(from)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::ChangeDefaultAdminDelay => pool
            .changeDefaultAdminDelay(U48::from(60))
            .from(from)
            .call()
            .await
            .map(drop),
        Function::ProposeRoleGrant => pool
            .proposeRoleGrant(keeper, from)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::ExecuteRoleGrant => pool
            .executeRoleGrant(keeper, from)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::CancelRoleGrant => pool
            .cancelRoleGrant(keeper, from)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::SetDepositsPaused => pool
            .setDepositsPaused(true)
            .from(from)
            .call()
            .await
            .map(drop),
        Function::ReceiveExecutionRewards => pool
            .receiveExecutionRewards()
            .value(one)
            .from(from)
            .call()
            .await
            .map(drop),
    };
    // Whatever else refuses the call (an SSV network error, a bad argument) is not the pool's
    // access control, which runs first.
    result.err().map(
        |error| match error.as_decoded_interface_error::<PoolManagerErrors>() {
            Some(pool_error) => Refusal::Pool(pool_error),
            None => Refusal::Other(format!("{error}")),
        },
    )
}

#[derive(Debug)]
enum Refusal {
    Pool(PoolManagerErrors),
    Other(#[allow(dead_code)] String),
}

fn is_access_error(error: &Refusal) -> bool {
    matches!(
        error,
        Refusal::Pool(
            PoolManagerErrors::AccessControlUnauthorizedAccount(_)
                | PoolManagerErrors::NotOperatorOrKeeper(_)
                | PoolManagerErrors::NotOperatorOrAdmin(_)
                | PoolManagerErrors::NotRewardsVault(_)
                | PoolManagerErrors::RoleGrantDelayed(_)
        )
    )
}

#[tokio::test]
async fn every_function_against_every_role() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let accounts = devnet.accounts();
    let (admin, operator, keeper, oracle, stranger) = (
        accounts[0],
        accounts[1],
        accounts[2],
        accounts[3],
        accounts[4],
    );
    // The devnet gives account #0 every role; separate them as a real deployment would.
    let roles = [
        (pool.OPERATOR_ROLE().call().await.unwrap(), operator),
        (pool.KEEPER_ROLE().call().await.unwrap(), keeper),
        (pool.ORACLE_ROLE().call().await.unwrap(), oracle),
    ];
    for (role, holder) in roles {
        pool.revokeRole(role, admin).mined().await;
        devnet.grant_role(role, holder).await.unwrap();
    }
    let who = [
        (Role::Admin, admin),
        (Role::Operator, operator),
        (Role::Keeper, keeper),
        (Role::Oracle, oracle),
        (Role::Stranger, stranger),
    ];
    let mut wrong = Vec::new();
    for (function, allowed) in MATRIX {
        for (role, account) in who {
            let error = try_call(&devnet, &pool, *function, account).await;
            let refused = error.as_ref().is_some_and(is_access_error);
            if refused == allowed.contains(&role) {
                wrong.push(format!(
                    "{function:?} by {role:?}: {}",
                    match &error {
                        Some(e) => format!("{e:?}"),
                        None => "went through".into(),
                    }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "role matrix broken:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn the_admin_role_moves_in_two_steps_after_a_delay() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let (admin, successor) = (devnet.accounts()[0], devnet.accounts()[7]);
    let admin_role = pool.DEFAULT_ADMIN_ROLE().call().await.unwrap();
    assert_eq!(pool.defaultAdmin().call().await.unwrap(), admin);
    assert_eq!(
        pool.defaultAdminDelay().call().await.unwrap(),
        U48::from(ADMIN_TRANSFER_DELAY)
    );
    // Not by a plain grant (closed for every role), nor by a delayed one.
    pool_devnet::assert_pool_error!(pool.grantRole(admin_role, successor), RoleGrantDelayed);
    pool_devnet::assert_pool_error!(
        pool.proposeRoleGrant(admin_role, successor),
        AccessControlEnforcedDefaultAdminRules
    );
    pool.beginDefaultAdminTransfer(successor).mined().await;
    // Not before the delay...
    pool_devnet::assert_pool_error!(
        pool.acceptDefaultAdminTransfer().from(successor),
        AccessControlEnforcedDefaultAdminDelay
    );
    // ... and only by the one named.
    pool_devnet::assert_pool_error!(
        pool.acceptDefaultAdminTransfer().from(devnet.accounts()[4]),
        AccessControlInvalidDefaultAdmin
    );
    let now = devnet.now().await.unwrap();
    devnet.warp(now + ADMIN_TRANSFER_DELAY + 1).await.unwrap();
    pool.acceptDefaultAdminTransfer()
        .from(successor)
        .mined()
        .await;
    assert_eq!(pool.defaultAdmin().call().await.unwrap(), successor);
    assert!(!pool.hasRole(admin_role, admin).call().await.unwrap());
    pool_devnet::assert_pool_error!(
        pool.setReportBounds(100, 100).from(admin),
        AccessControlUnauthorizedAccount
    );
}

#[tokio::test]
async fn role_grants_take_effect_only_after_their_delay() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let thief = devnet.accounts()[6];
    let (operator, keeper) = (
        pool.OPERATOR_ROLE().call().await.unwrap(),
        pool.KEEPER_ROLE().call().await.unwrap(),
    );
    // A stolen admin key cannot grant at once...
    pool_devnet::assert_pool_error!(pool.grantRole(keeper, thief), RoleGrantDelayed);
    // ... only propose, in the open.
    let receipt = pool.proposeRoleGrant(operator, thief).mined().await;
    let proposed = receipt
        .decoded_log::<pool_chain::bindings::PoolManager::RoleGrantProposed>()
        .expect("a RoleGrantProposed event");
    pool.proposeRoleGrant(keeper, thief).mined().await;
    let delay = pool.activationDelay().call().await.unwrap();
    let block = receipt.block_number.unwrap();
    let at = devnet.now().await.unwrap();
    assert_eq!(proposed.readyBlock, block + delay);
    assert!(proposed.readyAt >= at - 1 + ADMIN_TRANSFER_DELAY);
    // Not before both delays: the activation delay in blocks (all a registry entry waits) and
    // the admin transfer delay in seconds.
    pool_devnet::assert_pool_error!(pool.executeRoleGrant(operator, thief), RoleGrantNotReady);
    devnet.mine(delay + 1).await.unwrap();
    pool_devnet::assert_pool_error!(pool.executeRoleGrant(operator, thief), RoleGrantNotReady);
    devnet.warp(proposed.readyAt).await.unwrap();
    // Meanwhile the real admin (or anyone who watched the events) cancelled one of them.
    let cancelled = pool.cancelRoleGrant(keeper, thief).mined().await;
    assert!(
        cancelled
            .decoded_log::<pool_chain::bindings::PoolManager::RoleGrantCancelled>()
            .is_some()
    );
    pool_devnet::assert_pool_error!(pool.executeRoleGrant(keeper, thief), NoPendingGrant);
    pool.executeRoleGrant(operator, thief).mined().await;
    assert!(pool.hasRole(operator, thief).call().await.unwrap());
    assert!(!pool.hasRole(keeper, thief).call().await.unwrap());
    // Executed once: the proposal is gone.
    pool_devnet::assert_pool_error!(pool.executeRoleGrant(operator, thief), NoPendingGrant);
    // The admin role itself moves only by the two-step transfer; a stranger proposes nothing.
    let admin_role = pool.DEFAULT_ADMIN_ROLE().call().await.unwrap();
    pool_devnet::assert_pool_error!(
        pool.proposeRoleGrant(admin_role, thief),
        AccessControlEnforcedDefaultAdminRules
    );
    pool_devnet::assert_pool_error!(
        pool.proposeRoleGrant(keeper, thief).from(thief),
        AccessControlUnauthorizedAccount
    );
    // Revoking stays immediate.
    pool.revokeRole(operator, thief).mined().await;
    assert!(!pool.hasRole(operator, thief).call().await.unwrap());
}
