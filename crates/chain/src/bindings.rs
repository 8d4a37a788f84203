//! ABI bindings of the pool contracts, from the compiled artifacts.
//!
//! With the `rpc` feature (native tools and tests) the same types also get provider-bound
//! contract instances (`PoolManager::deploy`, `PoolManager::new(address, provider)`); the app
//! does without them to keep its bundle small.

// Generated code: an event of eight fields gets an eight-argument constructor.
#![allow(clippy::too_many_arguments)]

#[cfg(not(feature = "rpc"))]
alloy_sol_types::sol!(
    #[derive(Debug, PartialEq, Eq)]
    PoolManager,
    "../../contracts/out/PoolManager.json"
);
#[cfg(not(feature = "rpc"))]
alloy_sol_types::sol!(
    #[derive(Debug, PartialEq, Eq)]
    PoolETH,
    "../../contracts/out/PoolETH.json"
);
// wpoolETH, the non-rebasing ERC-4626 wrapper of poolETH (1 wpoolETH = 1 pool share).
#[cfg(not(feature = "rpc"))]
alloy_sol_types::sol!(
    #[derive(Debug, PartialEq, Eq)]
    WpoolETH,
    "../../contracts/out/WpoolETH.json"
);

#[cfg(feature = "rpc")]
alloy_sol_types::sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    PoolManager,
    "../../contracts/out/PoolManager.json"
);
#[cfg(feature = "rpc")]
alloy_sol_types::sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    PoolETH,
    "../../contracts/out/PoolETH.json"
);
#[cfg(feature = "rpc")]
alloy_sol_types::sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    WpoolETH,
    "../../contracts/out/WpoolETH.json"
);

// The registry's BLS verifier (`PoolManager.depositVerifier()`): tests and measurements.
#[cfg(feature = "rpc")]
alloy_sol_types::sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    DepositSignatureVerifier,
    "../../contracts/out/DepositSignatureVerifier.json"
);

/// Contracts only a deployment creates (PoolMath is deployed apart from the PoolManager, which
/// takes its address).
#[cfg(feature = "rpc")]
pub mod deployment {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        PoolMath,
        "../../contracts/out/PoolMath.json"
    );
}

// The pool's withdrawal queue (`PoolManager.withdrawalQueue()`): requests, claims, exits.
#[cfg(not(feature = "rpc"))]
alloy_sol_types::sol!(
    #[derive(Debug, PartialEq, Eq)]
    WithdrawalQueue,
    "../../contracts/out/WithdrawalQueue.json"
);
#[cfg(feature = "rpc")]
alloy_sol_types::sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    WithdrawalQueue,
    "../../contracts/out/WithdrawalQueue.json"
);

/// The devnet stand-ins (anvil only): deployment and tests.
#[cfg(feature = "rpc")]
pub mod devnet {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        DevnetDepositContract,
        "../../contracts/out/DevnetDepositContract.json"
    );
    alloy_sol_types::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        DevnetSSVNetworkV2,
        "../../contracts/out/DevnetSSVNetworkV2.json"
    );
    alloy_sol_types::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        DevnetSSVNetworkViews,
        "../../contracts/out/DevnetSSVNetworkViews.json"
    );
}

// The staker page's one read: `StakerView`'s creation code, sent as a deployless `eth_call`
// (see `contracts/src/StakerView.sol` and `reads::layout`).
alloy_sol_types::sol!(StakerView, "../../contracts/out/StakerView.json");
