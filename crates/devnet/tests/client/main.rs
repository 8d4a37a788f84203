//! The client layer (`pool_chain::client`, the code the app and the keeper run) against anvil
//! with the pool deployed, as one test binary apart from the contracts' (a change to the client
//! relinks and reruns only these); each module starts its own devnets.
//!
//! - `scans`: the SSV fee schedule, windowed scans of clusters and deposits, a node capping the
//!   range;
//! - `tx`: transactions simulated, sent, followed, dropped, sped up and cancelled;
//! - `console`: the operator console's chain reads against the stand-ins, operator states set
//!   through the stand-in network's own functions;
//! - `real_node`: what a real node refuses (size, gas), through the real-node proxy, and the
//!   batches the sizing rule picks, which pass.

mod console;
mod real_node;
mod scans;
mod tx;

use alloy::rpc::client::RpcClient;
use pool_devnet::Devnet;

/// A plain HTTP client of the devnet's RPC.
fn client(devnet: &Devnet) -> RpcClient {
    RpcClient::new_http(devnet.rpc_url().parse().unwrap())
}
