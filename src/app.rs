//! The app shell: loads the network configuration, sets up the shared state, routes pages.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pool_chain::config::NetworkConfig;

use crate::components::wallet_bar::WalletBar;
use crate::routes::{admin::AdminPage, stake::StakePage};
use crate::state::{history::History, pool::PoolData, rpc::Rpc, stake::Stake, wallet::Wallet};

#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(crate::config::load);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the network configuration…"</p> }>
            {move || config.get().map(|loaded| match loaded {
                Ok(config) => view! { <Shell config/> }.into_any(),
                Err(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// Everything below needs the configuration; it is provided as context with the state handles.
#[component]
fn Shell(config: NetworkConfig) -> impl IntoView {
    let wallet = Wallet::new();
    let rpc = Rpc::new(&config);
    let pool = PoolData::new(config.clone(), wallet, rpc);
    provide_context(config.clone());
    provide_context(wallet);
    provide_context(rpc);
    provide_context(pool);
    provide_context(History::new(config.clone(), wallet, pool, rpc));
    provide_context(Stake::new());
    view! {
        <Router>
            <header class="top">
                <a class="brand" href="">"SSV Pool"</a>
                <WalletBar/>
            </header>
            <main>
                <Routes fallback=|| view! { <p>"This page does not exist."</p> }>
                    <Route path=path!("/") view=StakePage/>
                    <Route path=path!("/admin") view=AdminPage/>
                </Routes>
            </main>
        </Router>
    }
}
