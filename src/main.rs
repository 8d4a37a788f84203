//! The SSV pool's single-page app: stake ETH, see poolETH.
//!
//! Layout (see `ARCHITECTURE.md`): `config` loads the network's `config.json`; `state/` holds
//! the data access (wallet connection, pool reads, the deposit transaction) apart from the
//! views; `components/` are the views; `routes/` the pages.

mod app;
mod components;
mod config;
mod errors;
mod routes;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
