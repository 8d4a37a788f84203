//! The one refresh pattern of the page's reads (the pool's reading, the history, the console's
//! reading): a read runs when what it depends on changes or when asked again (after a
//! transaction, at a tick of the ticker), only the newest read's answer is kept (an answer that
//! a newer read overtook, about another account say, is dropped), and the ticker does not pile
//! a read on one still under way on a slow node.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ticker::use_refresh_ticker;

/// Handle to one kind of read (cheap to copy).
#[derive(Clone, Copy)]
pub struct Refresh {
    /// Bumped to ask for a read now.
    asked: RwSignal<u64>,
    /// The number of the newest read started: an older read's answer is dropped.
    newest: StoredValue<u64>,
    /// Reads under way.
    running: StoredValue<u32>,
}

impl Refresh {
    /// In the current owner: whenever what `request` tracks changes (or [`Refresh::again`] is
    /// called), `request` says what to read (`None`: nothing now, what is shown stands), `read`
    /// reads it, and `settle` receives the answer of the newest request only (an answer to an
    /// older one is dropped, even when the newer asked for nothing).
    pub fn new<R, T, F>(
        request: impl Fn() -> Option<R> + 'static,
        read: impl Fn(R) -> F + 'static,
        settle: impl Fn(T) + 'static,
    ) -> Self
    where
        R: 'static,
        T: 'static,
        F: Future<Output = T> + 'static,
    {
        let refresh = Refresh {
            asked: RwSignal::new(0),
            newest: StoredValue::new(0),
            running: StoredValue::new(0),
        };
        let settle = std::rc::Rc::new(settle);
        Effect::new(move |_| {
            refresh.asked.track();
            // Whatever was asked before is stale now, even when nothing can be read instead.
            refresh.newest.update_value(|n| *n += 1);
            let this = refresh.newest.get_value();
            let Some(what) = request() else {
                return;
            };
            refresh.running.update_value(|n| *n += 1);
            let answer = read(what);
            let settle = settle.clone();
            spawn_local(async move {
                let answer = answer.await;
                refresh.running.update_value(|n| *n -= 1);
                if refresh.newest.get_value() == this {
                    settle(answer);
                }
            });
        });
        refresh
    }

    /// Reads again now.
    pub fn again(self) {
        self.asked.update(|n| *n += 1);
    }

    /// Whether a read is under way.
    pub fn is_running(&self) -> bool {
        self.running.get_value() > 0
    }

    /// Reads again every `interval_ms` while the tab is shown and when it is shown again, unless
    /// a read is under way; `before` runs at each tick first (a check of the RPC, say).
    pub fn every(self, interval_ms: u32, before: impl Fn() + Clone + 'static) {
        use_refresh_ticker(interval_ms, move || {
            before();
            if !self.is_running() {
                self.again();
            }
        });
    }
}
