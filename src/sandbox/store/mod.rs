//! The sandbox's state: purchases (with their attempts, refunds and saved cards), webhook
//! deliveries, settings and the clock, in SQLite behind one narrow interface
//! ([`backend::Backend`]). `serve --state FILE` keeps it across restarts; otherwise it
//! lives in a temporary file deleted at exit. Memory stays bounded either way: nothing
//! here holds all purchases, and SQLite's page cache is capped.
//!
//! [`Store`] is what handlers use: the backend plus ids and the sandbox clock.

pub mod after_commit;
pub mod backend;
pub mod codec;
pub mod sqlite;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use backend::{
    AgingCutoffs, Backend, Inserted, NewDelivery, Page, PageError, PageQuery, Pending, Stats,
};

use super::errors::Coded;
use super::purchase::{PendingPayment, Purchase};
use crate::clock::now_epoch;

/// The emulator's knobs (`/_sandbox/settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// S2S attempts allowed per purchase.
    pub attempt_limit: u32,
    /// `"3d"` (202 pending + callback) or `"2d"` (outcome applied inside the S2S call).
    pub mode: String,
    /// Delay added to every API call, in milliseconds.
    pub latency_ms: u64,
    /// How long the hang fault card hangs, in seconds.
    pub timeout_s: u64,
    /// How long one webhook delivery (connect, send, answer head) may take, in seconds.
    pub webhook_timeout_s: u64,
    /// How long a partial refund stays REFUND_IN_PROCESS after its reply, in milliseconds
    /// (0: it settles right after the reply; more lets `refundStatus` be seen in process).
    pub refund_delay_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            attempt_limit: 3,
            mode: "3d".into(),
            latency_ms: 0,
            timeout_s: 30,
            webhook_timeout_s: 10,
            refund_delay_ms: 0,
        }
    }
}

/// One webhook delivery, as the control plane lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub n: u64,
    pub purchase_id: String,
    pub url: String,
    pub status: String,
    pub signature: String,
    pub response_status: Option<u16>,
    pub error: Option<String>,
    pub delivered_at: i64,
    /// A copy sent to `serve --forward-to` (absent from the JSON when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forwarded: bool,
    /// The body that was sent, kept so the delivery can be replayed (stored in a column
    /// of its own; lists leave it out).
    #[serde(skip)]
    pub body: Arc<str>,
}

/// A failure of the state store (disk full, I/O error, a record that no longer reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    /// The writer thread is gone: a write can no longer be answered.
    pub fn writer_stopped() -> StoreError {
        StoreError("state store: the writer has stopped".into())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("state store: {e}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(format!("state store: a record does not read: {e}"))
    }
}

impl From<StoreError> for Coded {
    /// A 500 in the API's own error shape, saying what failed.
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "sandbox state store failed");
        Coded::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "exception",
            format!("The sandbox could not read or write its state: {e}"),
        )
    }
}

/// Where the state lives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Location {
    /// A temporary file, private to this run and deleted when it ends.
    #[default]
    Temporary,
    /// This file, kept across runs.
    File(PathBuf),
}

/// How a store is opened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    pub location: Location,
    /// Purchases whose status has not changed for this many days of sandbox clock are
    /// deleted (with their webhook deliveries); `None` keeps them.
    pub retain_days: Option<u32>,
}

/// The state of one running sandbox.
#[derive(Debug)]
pub struct Store {
    backend: Box<dyn Backend>,
    id_counter: AtomicU32,
    /// Keys the unpredictable tail of each id (seeded from the OS once per store).
    id_tail_key: std::hash::RandomState,
}

/// A random start for the id counter (any value will do if the OS has no randomness).
fn first_counter() -> u32 {
    let mut bytes = [0u8; 4];
    let _ = crate::os_random::fill(&mut bytes);
    u32::from_le_bytes(bytes) & 0x00ff_ffff
}

impl Store {
    /// A store over `backend`.
    pub fn new(backend: Box<dyn Backend>) -> Store {
        Store {
            backend,
            // Starts anywhere, so two runs' ids in the same second do not share a prefix.
            id_counter: AtomicU32::new(first_counter()),
            id_tail_key: std::hash::RandomState::new(),
        }
    }

    /// A store in a private temporary file (tests, and `Store` users that keep nothing).
    pub fn temporary() -> Result<Store, sqlite::OpenError> {
        let opened = sqlite::Sqlite::open(&Options::default())?;
        Ok(Store::new(Box::new(opened.backend)))
    }

    /// The backend, for what the facade does not wrap.
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// The sandbox's "now" in epoch seconds (wall clock plus the control-plane offset).
    pub fn now(&self) -> i64 {
        now_epoch() + self.backend.clock_offset_minutes() * 60
    }

    /// A fresh 24-hex-digit id (ObjectId-like): 8 digits of time, 6 of a counter, then
    /// 10 unpredictable ones. Time and counter first, so that ids made one after another
    /// sort one after another: the store's id and merchantRef indexes then grow at their
    /// end instead of at a random page (the profile of the create load showed the WAL
    /// writes of those random pages as its largest single cost). The tail comes from a
    /// keyed hash of the counter, not a system call per id.
    pub fn new_id(&self) -> String {
        use std::hash::BuildHasher as _;
        let counter = self.id_counter.fetch_add(1, Ordering::Relaxed) & 0x00ff_ffff;
        let tail = self.id_tail_key.hash_one(counter) & 0xff_ffff_ffff;
        id_text(now_epoch() as u32, u64::from(counter), tail)
    }

    /// The purchase `id`, as stored (not aged: see `lifecycle::read_aged`).
    pub fn get(&self, id: &str) -> Result<Option<Purchase>, StoreError> {
        self.backend.get(id)
    }

    /// Stores a new purchase and gives it its reference (`PS{n}`).
    pub fn insert(&self, p: &mut Purchase) -> Result<Inserted, StoreError> {
        let inserted = waiting_for_the_writer(|| self.backend.insert(p))?;
        if let Inserted::Added { seq } = inserted {
            p.reference = codec::reference_of(seq);
        }
        Ok(inserted)
    }

    /// [`Store::insert`] without blocking the caller's thread while the write waits for
    /// its group commit. Takes the purchase and gives it back as stored, with its
    /// reference: the store keeps the same copy for the flow's next update (no copy made,
    /// none read back from its text).
    pub async fn insert_async(
        &self,
        p: Purchase,
    ) -> Result<(Inserted, std::sync::Arc<Purchase>), StoreError> {
        self.backend
            .insert_queued(p)
            .await
            .unwrap_or_else(|_| Err(StoreError::writer_stopped()))
    }

    /// Runs `f` on purchase `id` with every other update of it excluded, and stores what
    /// it leaves; `Ok(None)` when there is no such purchase.
    pub fn update<R>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Purchase) -> R,
    ) -> Result<Option<R>, StoreError> {
        let mut f = Some(f);
        let mut out = None;
        let (written, work) = after_commit::holding(|| {
            waiting_for_the_writer(|| {
                self.backend.update(id, &mut |p| {
                    if let Some(f) = f.take() {
                        out = Some(f(p));
                    }
                })
            })
        });
        written?;
        after_commit::run(work);
        Ok(out)
    }

    /// [`Store::update`] without blocking the caller's thread while the write waits for
    /// its group commit (the purchase's lock is released once the write is queued).
    pub async fn update_async<R>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Purchase) -> R,
    ) -> Result<Option<R>, StoreError> {
        // `f` is gone before the await: the future holds only the answer and the ticket.
        // What `f` deferred (a webhook) runs on a task of its own after the commit, so a
        // handler dropped while it waits (a client that went away) loses nothing.
        let Some((out, committed)) = self.update_queued(id, f)? else {
            return Ok(None);
        };
        committed
            .await
            .unwrap_or_else(|_| Err(StoreError::writer_stopped()))?;
        Ok(Some(out))
    }

    /// [`Store::update_async`] without waiting for the commit: the change is queued, and
    /// `Pending` says once it is committed. Every later update of the purchase starts
    /// from it and is committed after it (or fails with it), so a caller whose next step
    /// is another update of the same purchase need not wait twice.
    pub fn update_queued<R>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Purchase) -> R,
    ) -> Result<Option<(R, Pending<()>)>, StoreError> {
        let (queued, work) = after_commit::holding(|| self.update_queued_now(id, f));
        let Some((out, committed)) = queued? else {
            return Ok(None);
        };
        if work.is_empty() {
            return Ok(Some((out, committed)));
        }
        // A task passes the commit on, then runs the work: it runs even if the caller
        // stops waiting.
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let result = committed
                .await
                .unwrap_or_else(|_| Err(StoreError::writer_stopped()));
            if result.is_ok() {
                after_commit::run(work);
            }
            let _ = tx.send(result);
        });
        Ok(Some((out, rx)))
    }

    /// [`Store::update_queued`] with whatever the closure defers left to the caller.
    fn update_queued_now<R>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Purchase) -> R,
    ) -> Result<Option<(R, Pending<()>)>, StoreError> {
        let mut f = Some(f);
        let mut out = None;
        let committed = self.backend.update_queued(id, &mut |p| {
            if let Some(f) = f.take() {
                out = Some(f(p));
            }
        })?;
        Ok(committed.zip(out).map(|(committed, out)| (out, committed)))
    }

    /// Clears the in-flight mark of `id`.
    pub fn end_in_flight(&self, id: &str) {
        self.backend.end_in_flight(id);
    }

    /// The card saved under `token` for `brand_id`.
    pub fn saved_card(
        &self,
        token: &str,
        brand_id: &str,
    ) -> Result<Option<PendingPayment>, StoreError> {
        self.backend.saved_card(token, brand_id)
    }

    /// The emulator's knobs.
    pub fn settings(&self) -> Settings {
        self.backend.settings()
    }

    /// Clears purchases, deliveries, settings and the clock.
    pub fn reset(&self) -> Result<(), StoreError> {
        self.backend.reset()
    }
}

/// Runs `f`, which waits for the writer's commit, so that a runtime worker calling it
/// first hands its other tasks to another thread (`block_in_place`): with one request
/// thread (`serve`'s default on two cores) a wait on the worker itself would hold up
/// every connection. Run directly outside a multi-thread runtime (on a current-thread
/// one `block_in_place` is not allowed; a plain or blocking-pool thread has nothing to
/// hand over).
fn waiting_for_the_writer<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(rt) if rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// `{seconds:08x}{counter:06x}{tail:010x}`, written digit by digit: `format!` with padded
/// hex took 1,500 instructions an id, 2 % of a create's (callgrind, BENCHMARKS round 14).
fn id_text(seconds: u32, counter: u64, tail: u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(24);
    for (value, width) in [(u64::from(seconds), 8), (counter, 6), (tail, 10)] {
        for shift in (0..width).rev() {
            out.push(char::from(DIGITS[((value >> (shift * 4)) & 0xf) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_three_parts_in_fixed_width_hex() {
        for (seconds, counter, tail) in [
            (0, 0, 0),
            (0x6b11_c87a, 0x21_f4d4, 0xb4_8834_563e),
            (u32::MAX, 0xff_ffff, 0xff_ffff_ffff),
            (1, 0x10, 0x100),
        ] {
            assert_eq!(
                id_text(seconds, counter, tail),
                format!("{seconds:08x}{counter:06x}{tail:010x}")
            );
        }
    }

    #[test]
    fn ids_are_24_lower_hex_and_unique() {
        let store = Store::temporary().expect("store");
        let a = store.new_id();
        let b = store.new_id();
        assert_eq!(a.len(), 24);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_ne!(a, b);
    }

    #[test]
    fn ids_made_one_after_another_sort_one_after_another() {
        let store = Store::temporary().expect("store");
        let ids: Vec<String> = (0..1000).map(|_| store.new_id()).collect();
        let sorted_pairs = ids.windows(2).filter(|w| w[0] < w[1]).count();
        // One pair may straddle the counter's wrap (1 in 16 million per id).
        assert!(sorted_pairs >= 998, "{sorted_pairs} of 999 pairs in order");
        let tails: std::collections::HashSet<&str> = ids.iter().map(|id| &id[14..]).collect();
        assert_eq!(tails.len(), 1000, "the tails differ from id to id");
    }

    /// Work an update's closure defers (a webhook) runs once the change is committed, so
    /// what it reads is the change: in every kind of update, and never for a lost write.
    #[tokio::test]
    async fn work_deferred_by_an_update_reads_the_committed_change() {
        use crate::sandbox::purchase::Status;
        use std::sync::{Arc, Mutex};
        let store = Arc::new(Store::temporary().expect("store"));
        let mut p = Purchase {
            id: store.new_id(),
            ..Purchase::default()
        };
        store.insert(&mut p).expect("insert");
        let seen: Arc<Mutex<Vec<Status>>> = Arc::default();
        let read_later = |store: &Arc<Store>, id: String| {
            let (store, seen) = (Arc::clone(store), Arc::clone(&seen));
            after_commit::defer(move || {
                let status = store.get(&id).ok().flatten().map(|p| p.status);
                seen.lock().expect("lock").extend(status);
            })
        };
        let id = p.id.clone();
        store
            .update(&id, |p| {
                p.set_status(Status::PendingExecute, 1);
                read_later(&store, p.id.clone());
            })
            .expect("update");
        store
            .update_async(&id, |p| {
                p.set_status(Status::Paid, 2);
                read_later(&store, p.id.clone());
            })
            .await
            .expect("update");
        let (_, committed) = store
            .update_queued(&id, |p| {
                p.set_status(Status::Refunded, 3);
                read_later(&store, p.id.clone());
            })
            .expect("update")
            .expect("found");
        committed.await.expect("sent").expect("committed");
        // The queued update's work runs on a task right after its commit.
        for _ in 0..100 {
            if seen.lock().expect("lock").len() == 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(
            *seen.lock().expect("lock"),
            vec![Status::PendingExecute, Status::Paid, Status::Refunded]
        );
        // No purchase, no update: nothing deferred runs.
        let missing = store.update("nope", |_| read_later(&store, "nope".into()));
        assert!(matches!(missing, Ok(None)));
        assert_eq!(seen.lock().expect("lock").len(), 3);
        // A caller that stops waiting for the commit (a client gone) loses nothing: the
        // change is committed, and so its work runs.
        let dropped = tokio::time::timeout(
            std::time::Duration::ZERO,
            store.update_async(&id, |p| {
                p.set_status(Status::Cancelled, 4);
                read_later(&store, p.id.clone());
            }),
        )
        .await;
        drop(dropped);
        for _ in 0..100 {
            if seen.lock().expect("lock").len() == 4 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(seen.lock().expect("lock").last(), Some(&Status::Cancelled));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_blocking_update_does_not_hold_up_the_only_request_thread() {
        use std::sync::Arc;
        use std::time::Duration;
        let store = Arc::new(Store::temporary().expect("store"));
        let mut p = Purchase {
            id: store.new_id(),
            ..Purchase::default()
        };
        store.insert(&mut p).expect("insert");
        let ticks = Arc::new(AtomicU32::new(0));
        let ticker = tokio::spawn({
            let ticks = Arc::clone(&ticks);
            async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    ticks.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        // A slow update (standing in for a writer held up by the disk), on the one worker;
        // the ticker must go on meanwhile.
        let slow = tokio::spawn({
            let (store, id, ticks) = (Arc::clone(&store), p.id.clone(), Arc::clone(&ticks));
            async move {
                store
                    .update(&id, |_| {
                        let before = ticks.load(Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(400));
                        ticks.load(Ordering::Relaxed) - before
                    })
                    .expect("update")
            }
        });
        let ticked_meanwhile = slow.await.expect("task").expect("the purchase is there");
        ticker.abort();
        assert!(
            ticked_meanwhile >= 10,
            "the other task ran {ticked_meanwhile} times in 400 ms"
        );
    }
}
