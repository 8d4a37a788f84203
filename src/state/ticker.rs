//! The refresh ticker, from the tab's visibility and an interval: `tick` runs every
//! `interval_ms` while the tab is shown (never while it is hidden) and at once when it is shown
//! again. Both end with the owner that started them.

use std::rc::Rc;

use leptos::prelude::*;

use super::interval::use_interval;
use super::visibility::use_page_visible;

/// Starts the ticker in the current owner; `tick` decides itself whether a read is due (e.g.
/// not while one is under way).
pub fn use_refresh_ticker(interval_ms: u32, tick: Rc<dyn Fn()>) {
    let visible = use_page_visible();
    let on_timer = tick.clone();
    use_interval(interval_ms, move || {
        if visible.get_untracked() {
            on_timer();
        }
    });
    // Catch up as soon as the user comes back to the tab.
    Effect::new(move |was_visible: Option<bool>| {
        let now = visible.get();
        if now && was_visible == Some(false) {
            tick();
        }
        now
    });
}
