//! A refresh ticker: calls `tick` every `interval_ms` while the tab is visible (never while it
//! is hidden) and at once when it becomes visible again. The timer and the listener end with the
//! owner that created them (a route-scoped handle leaves nothing behind).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::page_visible;

/// Starts the ticker in the current owner; `tick` decides itself whether a read is due (e.g.
/// not while one is under way).
pub fn use_refresh_ticker(interval_ms: u32, tick: impl Fn() + Clone + 'static) {
    let alive = Arc::new(AtomicBool::new(true));
    let running = alive.clone();
    let on_timer = tick.clone();
    spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(interval_ms).await;
            if !running.load(Ordering::Relaxed) {
                break;
            }
            if page_visible() {
                on_timer();
            }
        }
    });
    // Catch up as soon as the user comes back to the tab.
    let listener = web_sys::window()
        .and_then(|w| w.document())
        .map(|document| {
            let on_visible = Closure::<dyn FnMut()>::new(move || {
                if page_visible() {
                    tick();
                }
            });
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
            (document, on_visible)
        });
    let listener = send_wrapper::SendWrapper::new(listener);
    on_cleanup(move || {
        alive.store(false, Ordering::Relaxed);
        if let Some((document, on_visible)) = listener.take() {
            let _ = document.remove_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
        }
    });
}
