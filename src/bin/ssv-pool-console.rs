//! `ssv-pool-console`: the operator console's wasm module. Trunk builds it beside the app (a
//! `data-type="worker"` link with `data-bindgen-target="web"`, so that nothing loads it up
//! front); the app's `/admin` route imports `ssv-pool-console.js`, initialises it and calls
//! [`mount`]. See `ssv_pool_app::console`.

use wasm_bindgen::prelude::*;

/// A mounted console; `unmount` (or dropping it) removes it and ends everything it runs.
#[wasm_bindgen]
pub struct ConsoleMount {
    handle: Option<Box<dyn std::any::Any>>,
}

#[wasm_bindgen]
impl ConsoleMount {
    pub fn unmount(&mut self) {
        self.handle.take();
    }
}

/// Mounts the console into `root`.
#[wasm_bindgen]
pub fn mount(root: web_sys::HtmlElement) -> ConsoleMount {
    ConsoleMount {
        handle: Some(Box::new(ssv_pool_app::console::mount(root))),
    }
}

fn main() {}
