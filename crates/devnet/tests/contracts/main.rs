//! The contracts on a real anvil with the devnet stand-ins, as one test binary (one link, one
//! run); each module starts its own devnets.
//!
//! - `pool`: deposits and reads; `token`: poolETH as an ERC-20 over shares, the inflation
//!   attack, a property test of balances;
//! - `wrapper`: wpoolETH, the ERC-4626 wrapper over pool shares: wraps and unwraps exact across
//!   rebases, previews and rounding, `transferSharesFrom`, EIP-2612 permit on both tokens, a
//!   property test that the wrapper holds what it issued and nobody takes out more;
//! - `activation`: registry, activation (beacon deposit + SSV registration, fees in ETH), runway;
//! - `registry`: deposit data roots checked on entry, the activation delay, drops;
//! - `signatures`: deposit signatures checked on entry (EIP-2537), the verifier against the core;
//! - `oracle`: reports bounded over time, sweeps, execution-layer rewards;
//! - `bounds`: moves beyond the bounds clamped and carried, the daily loss rate, spare ether,
//!   the first depositor and the vault;
//! - `writeoff`: validators never seen on the beacon chain written off by the oracle after
//!   60 days, the loss taken in at the daily bound, a late sighting counted back once;
//! - `roles`: every function against every role and a stranger, delayed role grants;
//! - `deployment`: the constructor's safe minimums off the devnet;
//! - `withdrawals`: the withdrawal queue: requests lock shares at an unchanged price, reports
//!   finalize oldest first at min(ether at request, worth), claims once and only by the owner;
//! - `exits`: exits for the queue: SSV exits within the demand, the pool's own EIP-7002 request
//!   after the grace period (real system contract, fee from the reserve, rate-limited),
//!   reported exits, principal counted once, removal from the cluster;
//! - `invariants`: a property test of the accounting invariants with the real bounds;
//! - `standins`: the deposit contract and SSV stand-ins and the remaining guards;
//! - `ceremony`: the devnet key ceremony's files, activated for real;
//! - `clusters`: top-up, liquidation, reactivation, withdrawal;
//! - `funding`: the activation's funding as the caller passes it: under-funding refused by the
//!   network with nothing moved, a surplus kept in the pool's cluster, the reserve as the bound;
//! - `ssv_v2`: SSV v2 as deployed: a stranger's effective-balance update followed by the scan,
//!   the views' reverts, ETH amounts, legacy operators.
//!
//! The client layer's own tests (`pool_chain::client`, what the app and the keeper run) are the
//! `client` test binary.

mod activation;
mod bounds;
mod ceremony;
mod clusters;
mod deployment;
mod exits;
mod funding;
mod invariants;
mod oracle;
mod pool;
mod registry;
mod roles;
mod signatures;
mod ssv_v2;
mod standins;
mod token;
mod withdrawals;
mod wrapper;
mod writeoff;
