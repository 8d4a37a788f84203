//! The import checker's Web Worker (see the library's documentation for the messages).
//!
//! # How Trunk builds it (Trunk 0.21, read from its asset docs and its Rust pipeline)
//!
//! `index.html` declares it beside the app:
//!
//! ```html
//! <link data-trunk rel="rust" href="crates/checker/Cargo.toml" data-bin="pool-checker"
//!   data-type="worker" data-loader-shim data-wasm-opt="3"
//!   data-wasm-opt-params="--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue" />
//! ```
//!
//! (the same wasm-opt features as the app's own `<link>`; `-O3` rather than the app's `z`, and
//! the BLS crates and this one at `opt-level = 3` in the workspace's release profile: the checks
//! are its whole work, and the staker never downloads it). Checked with `trunk build --release`
//! and this repository's `Trunk.toml`: the worker's wasm is 657 KB, 184 KB gzipped (253 KB and
//! 106 KB built for size), fetched only when the console spawns it.
//!
//! - `data-type="worker"`: built with wasm-bindgen's `no-modules` target (the default for
//!   workers, `data-bindgen-target` changes it), and not loaded by the page: Trunk removes the
//!   `<link>` and injects no script or preload for it; the app spawns it at run time.
//! - File names are **not hashed**, even with `filehash = true`: Trunk names a worker's files
//!   after the binary because the app must know them at run time. In `dist/`:
//!   `pool-checker.js` (the wasm-bindgen glue), `pool-checker_bg.wasm`, and, with
//!   `data-loader-shim`, `pool-checker_loader.js`, which is
//!   `importScripts("./pool-checker.js");wasm_bindgen("./pool-checker_bg.wasm");`.
//!   So caches must revalidate these three (they change with every release under one name).
//! - The app spawns the loader, relative to the document's base (which honours `public_url`):
//!   `pool_checker::spawner().callback(..).spawn(pool_checker::LOADER_URL)`, i.e. gloo-worker's
//!   `with_loader(true)` (no Blob URL: the CSP needs only `worker-src 'self'`) and
//!   `as_module(false)` (a classic worker, for `no-modules` code).

use gloo_worker::Registrable;
use pool_checker::Checker;

fn main() {
    console_error_panic_hook::set_once();
    Checker::registrar().register();
}
