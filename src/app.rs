//! The app shell: loads the network configuration, sets up the shared state, routes pages.

use leptos::prelude::*;
use pool_core::config::NetworkConfig;

use crate::components::errors::config_problem;
use crate::components::wallet_bar::WalletBar;
use crate::routes::{admin::AdminPage, stake::StakePage};
use crate::state::chain::Chain;
use crate::state::withdraw::{Claims, Withdraw};
use crate::state::wrap::Wrap;
use crate::state::{history::History, pool::PoolData, rpc::Rpc, stake::Stake, wallet::Wallet};

#[component]
pub fn App() -> impl IntoView {
    let config = crate::config::use_config();
    move || match config.get() {
        None => view! { <p class="loading">"Loading the network configuration…"</p> }.into_any(),
        Some(Ok(config)) => view! { <Shell config/> }.into_any(),
        Some(Err(problem)) => {
            view! { <p class="error" role="alert">{config_problem(&problem)}</p> }.into_any()
        }
    }
}

/// Everything below needs the configuration: the way into the chain is provided as context
/// with the state handles built on it.
#[component]
fn Shell(config: NetworkConfig) -> impl IntoView {
    let rpc = Rpc::new(&config);
    let chain = Chain::new(config, rpc, Wallet::new());
    let pool = PoolData::new(chain);
    provide_context(chain);
    provide_context(pool);
    provide_context(History::new(chain, pool));
    provide_context(Stake::new(chain, pool));
    provide_context(Withdraw::new(chain, pool));
    provide_context(Claims::new(chain, pool));
    provide_context(Wrap::new(chain, pool));
    view! {
        <header class="top">
            <a class="brand" href="">"SSV Pool"</a>
            <WalletBar/>
        </header>
        <main>
            {match route().as_str() {
                "" => view! { <StakePage/> }.into_any(),
                r if r == ROUTES[0] => view! { <AdminPage/> }.into_any(),
                _ => view! { <p>"This page does not exist."</p> }.into_any(),
            }}
        </main>
    }
}

/// The pages below the app's folder besides its root (the staker's page). Moving between pages
/// is a page load (the brand link, a typed URL): with two pages a client-side router is not
/// worth its bytes in the staker's module. `cargo xtask dist` gives each its own copy of
/// `index.html` (its `ROUTES` must equal this list, tested there), so a reload works on any host.
const ROUTES: [&str; 1] = ["admin"];

/// The document's path below the app's folder, without slashes at either end: "" for the
/// staker's page, "admin", ... The folder is the document's base URL (`<base href="./">`, or
/// `../` in a route's copy of the page): "/" at a domain's root, "/pool/" under a sub-path,
/// "/ipfs/<cid>/" on an IPFS gateway.
fn route() -> String {
    let Some(window) = web_sys::window() else {
        return String::new();
    };
    let path = window.location().pathname().unwrap_or_default();
    let base = window
        .document()
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    // The base's path, cut from its text (`https://host/pool/?q` gives `/pool/`).
    let after_scheme = base.split_once("://").map_or("", |(_, rest)| rest);
    let base_path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    let base_path = base_path.split(['?', '#']).next().unwrap_or("/");
    path.strip_prefix(base_path)
        .unwrap_or(&path)
        .trim_matches('/')
        .to_string()
}
