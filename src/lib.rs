//! The SSV pool's single-page app: stake ETH, see poolETH.
//!
//! Layout (see `ARCHITECTURE.md`): `config` loads the network's `config.json`; `state/` holds
//! the data access (wallet connection, pool reads, history, the stake transaction) apart from
//! the views, as handles of signals that the browser tests (`tests/web.rs`) drive against
//! scripted wallets; `components/` are the views; `routes/` the pages. `main.rs` only calls
//! [`start`]. The operator console ([`console`]) is built from the same library as a second
//! module (`bin/ssv-pool-console.rs`), loaded by the `/admin` route only.

pub mod app;
pub mod components;
pub mod config;
pub mod console;
pub mod routes;
pub mod state;

/// Mounts the app on the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
