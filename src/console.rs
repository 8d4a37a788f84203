//! The operator console as its own wasm module (`src/bin/ssv-pool-console.rs`, built by Trunk beside the
//! app and fetched only when someone opens `/admin`): the staker's first visit does not carry
//! it. The app's `/admin` route (`routes::admin`) loads the module and mounts the console into
//! its page; leaving the route unmounts it, which ends its reads, timers and listeners.

use leptos::mount::mount_to;
use leptos::prelude::*;
use pool_core::config::NetworkConfig;

use crate::components::console::{
    activation::ActivationPanel, cluster::ClusterPanel, import::ImportPanel, overview::Overview,
    registry::RegistryPanel, runway::RunwayPanel,
};
use crate::components::errors::config_problem;
use crate::components::network_banner::NetworkBanner;
use crate::components::wallet_bar::WalletBar;
use crate::state::{chain::Chain, console::Console, rpc::Rpc, wallet::Wallet};

/// Mounts the console into `root`; it reads `config.json` as the app does. The handle unmounts
/// it when dropped.
pub fn mount(root: web_sys::HtmlElement) -> leptos::mount::UnmountHandle<impl Mountable> {
    console_error_panic_hook::set_once();
    mount_to(root, ConsoleApp)
}

#[component]
fn ConsoleApp() -> impl IntoView {
    let config = crate::config::use_config();
    move || match config.get() {
        None => view! { <p class="loading">"Loading the network configuration…"</p> }.into_any(),
        Some(Ok(config)) => view! { <ConsolePage config/> }.into_any(),
        Some(Err(problem)) => {
            view! { <p class="error" role="alert">{config_problem(&problem)}</p> }.into_any()
        }
    }
}

/// The RPC check first: the staker's own RPC (set on the staker page, kept in localStorage)
/// serves the console too, once it answered for the configured chain; when it fails its check
/// the console reads through the configured one. Nothing is read before the check settles.
#[component]
fn ConsolePage(config: NetworkConfig) -> impl IntoView {
    let rpc = Rpc::new(&config);
    let settled = move || rpc.verified().get() || rpc.problem().with(Option::is_some);
    view! {
        <Show when=settled fallback=|| view! { <p class="loading">"Checking the RPC…"</p> }>
            <ConsoleBody config=config.clone() rpc/>
        </Show>
    }
}

/// The console: its own wallet connection (the app's wallet bar is not shown on `/admin`), the
/// pool's operational state for anyone, and the actions of the connected account's roles.
#[component]
fn ConsoleBody(config: NetworkConfig, rpc: Rpc) -> impl IntoView {
    let chain = Chain::new(config, rpc, Wallet::new());
    provide_context(chain);
    // Scoped to the mount: its reads stop when the operator leaves the console.
    provide_context(Console::new(chain));
    view! {
        <div class="console-bar"><span class="muted">"Operator console"</span><WalletBar/></div>
        <NetworkBanner/>
        <h1>"Operator console"</h1>
        <Overview/>
        <section class="grid">
            <ClusterPanel/>
            <RunwayPanel/>
        </section>
        <ActivationPanel/>
        <RegistryPanel/>
        <ImportPanel/>
    }
}
