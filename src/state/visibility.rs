//! Whether the tab is shown, as a signal (after leptos-use's `use_document_visibility`): the
//! `visibilitychange` listener lives as long as the owner that asked, and is removed with it.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Whether the tab is shown now (for a loop that waits while nobody looks).
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// The tab's visibility, followed live in the current owner.
pub fn use_page_visible() -> Signal<bool> {
    let visible = RwSignal::new(page_visible());
    let listener = web_sys::window()
        .and_then(|w| w.document())
        .map(|document| {
            let on_change = Closure::<dyn FnMut()>::new(move || visible.set(page_visible()));
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_change.as_ref().unchecked_ref(),
            );
            (document, on_change)
        });
    let listener = SendWrapper::new(listener);
    on_cleanup(move || {
        if let Some((document, on_change)) = listener.take() {
            let _ = document.remove_event_listener_with_callback(
                "visibilitychange",
                on_change.as_ref().unchecked_ref(),
            );
        }
    });
    visible.into()
}
