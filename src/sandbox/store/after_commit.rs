//! Work that must wait for an update to be committed: a webhook announcing a change is
//! sent once the change is in the store, so a merchant who reads the status on receipt
//! (as Paysecure advises) reads the status the webhook announces, not the one before it.
//!
//! An update's closure runs on the caller's thread; [`defer`] called inside it (through
//! `webhook::notify`) holds the work in a thread-local list that the update takes with it
//! and runs after its commit, or drops when the write failed (the change was not stored,
//! so it must not be announced). Outside an update, [`defer`] runs the work at once.

use std::cell::RefCell;

/// Work held until a commit.
pub type Deferred = Box<dyn FnOnce() + Send>;

thread_local! {
    static HELD: RefCell<Option<Vec<Deferred>>> = const { RefCell::new(None) };
}

/// Runs `work` once the update whose closure is running commits, or now outside one.
pub fn defer(work: impl FnOnce() + Send + 'static) {
    let work: Deferred = Box::new(work);
    let left = HELD.with(|held| match held.borrow_mut().as_mut() {
        Some(list) => {
            list.push(work);
            None
        }
        None => Some(work),
    });
    if let Some(work) = left {
        work();
    }
}

/// Runs `update` with deferred work held; returns its result and what it deferred. A
/// nested call (an update inside an update's closure) leaves the work to the outer one.
pub fn holding<R>(update: impl FnOnce() -> R) -> (R, Vec<Deferred>) {
    let outer = HELD.with(|held| {
        let mut held = held.borrow_mut();
        if held.is_some() {
            true
        } else {
            *held = Some(Vec::new());
            false
        }
    });
    if outer {
        return (update(), Vec::new());
    }
    /// Ends the hold however `update` ends (a panic must not leave later work held).
    struct Hold;
    impl Drop for Hold {
        fn drop(&mut self) {
            HELD.with(|held| held.borrow_mut().take());
        }
    }
    let hold = Hold;
    let out = update();
    let work = HELD
        .with(|held| held.borrow_mut().take())
        .unwrap_or_default();
    drop(hold);
    (out, work)
}

/// Runs deferred work (after a commit).
pub fn run(work: Vec<Deferred>) {
    for w in work {
        w();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn work_deferred_inside_an_update_waits_for_its_run_and_outside_runs_at_once() {
        let done = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&done);
        let ((), work) = holding(|| {
            defer(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            });
            // Nested: the outer update takes it.
            let counter = Arc::clone(&done);
            let ((), inner) = holding(|| {
                defer(move || {
                    counter.fetch_add(10, Ordering::SeqCst);
                })
            });
            assert!(inner.is_empty());
        });
        assert_eq!(done.load(Ordering::SeqCst), 0, "held until run");
        assert_eq!(work.len(), 2);
        run(work);
        assert_eq!(done.load(Ordering::SeqCst), 11);
        let counter = Arc::clone(&done);
        defer(move || {
            counter.fetch_add(100, Ordering::SeqCst);
        });
        assert_eq!(
            done.load(Ordering::SeqCst),
            111,
            "outside an update: at once"
        );
    }
}
