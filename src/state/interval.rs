//! A repeating timer owned by the current owner (after leptos-use's `use_interval_fn`): it
//! stops when the owner is cleaned up (a route-scoped handle leaves no timer behind).

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// Calls `tick` every `interval_ms` until the current owner is cleaned up.
pub fn use_interval(interval_ms: u32, tick: impl Fn() + 'static) {
    let timer = SendWrapper::new(Interval::new(interval_ms, tick));
    on_cleanup(move || drop(timer.take()));
}
