//! The app's entry point for Trunk: everything else is the library (`lib.rs`).

fn main() {
    ssv_pool_app::start();
}
