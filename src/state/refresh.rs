//! The one refresh pattern of the page's reads (the pool's reading, the history, the console's
//! reading): a read runs when what it depends on changes or when asked again (after a
//! transaction, at a tick of the ticker), only the newest read's answer is kept (an answer that
//! a newer read overtook, about another account say, is dropped), and the ticker does not pile
//! a read on one still under way on a slow node.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

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

/// A read started and, once answered, what to do with its answer: the machinery below is
/// compiled once, not once per kind of read (each copy would weigh in the staker's download).
type Job = Pin<Box<dyn Future<Output = Box<dyn FnOnce()>>>>;

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
        let settle = Rc::new(settle);
        Self::with_jobs(Box::new(move || {
            let answer = read(request()?);
            let settle = settle.clone();
            Some(Box::pin(async move {
                let answer = answer.await;
                Box::new(move || settle(answer)) as Box<dyn FnOnce()>
            }) as Job)
        }))
    }

    fn with_jobs(start: Box<dyn Fn() -> Option<Job>>) -> Self {
        let refresh = Refresh {
            asked: RwSignal::new(0),
            newest: StoredValue::new(0),
            running: StoredValue::new(0),
        };
        Effect::new(move |_| {
            refresh.asked.track();
            // Whatever was asked before is stale now, even when nothing can be read instead.
            refresh.newest.update_value(|n| *n += 1);
            let this = refresh.newest.get_value();
            let Some(job) = start() else {
                return;
            };
            refresh.running.update_value(|n| *n += 1);
            spawn_local(async move {
                let settle = job.await;
                refresh.running.update_value(|n| *n -= 1);
                if refresh.newest.get_value() == this {
                    settle();
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
    pub fn every(self, interval_ms: u32, before: Option<Box<dyn Fn()>>) {
        use_refresh_ticker(
            interval_ms,
            Rc::new(move || {
                if let Some(before) = &before {
                    before();
                }
                if !self.is_running() {
                    self.again();
                }
            }),
        );
    }
}
