//! Group commit: one thread owns the writer connection, takes every write queued since
//! its last commit, runs them in one transaction and commits once; each caller is
//! answered only after that commit, so an acknowledged write is in the WAL (kill -9 loses
//! nothing it acknowledged, as with one commit per write).
//!
//! Why: the profile of the create load showed a third of the time in SQLite's commit
//! (appending whole pages to the WAL, checksumming them, taking and dropping file locks)
//! for every single purchase. One commit per batch writes each touched page once per batch.
//!
//! Each write runs in its own statement (or its own savepoint when it has several), so a
//! write that fails leaves the others of its batch alone; if the batch's transaction
//! itself fails, every write of it is answered with the error and the counters are read
//! back from the file.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::{Shared, locked};
use crate::sandbox::store::StoreError;

/// Writes committed together at most (bounds a batch's transaction and its latency).
const MAX_BATCH: usize = 512;
/// Writes waiting at most; a caller beyond it waits for room (back-pressure, bounded memory).
const QUEUE_BOUND: usize = 4096;

/// What the writer thread and the checkpointer (see `maintenance`) tell each other.
#[derive(Debug, Default)]
pub struct WalSignals {
    /// Group commits so far, so the checkpointer knows when there is something to do.
    pub commits: AtomicU64,
    /// Set by the checkpointer when the WAL has grown long: the writer then checkpoints
    /// the few frames its background checkpoint could not reach, between two batches.
    /// Under steady writes a checkpoint on another connection never catches up with the
    /// writer, so the WAL never starts over and grew until the store's backstop
    /// (`wal_autocheckpoint`, 16,384 pages) made the writer copy a whole 64 MiB WAL and
    /// fsync the file inline (a 14 ms stall seen with `strace`, the state file's p99).
    /// Done here, the tail is a few frames.
    pub finish_checkpoint: AtomicBool,
}

/// The writer connection and the counters only it advances.
#[derive(Debug)]
pub struct Writer {
    pub conn: Connection,
    /// The next purchase's sequence number.
    pub next_seq: i64,
    /// The next delivery's number.
    pub next_delivery: i64,
}

impl Writer {
    /// The counters as the file has them (at open, and after a failed batch whose writes
    /// advanced them without being committed).
    pub fn reload(&mut self) -> rusqlite::Result<()> {
        self.next_seq =
            self.conn
                .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM purchases", [], |r| {
                    r.get(0)
                })?;
        self.next_delivery =
            self.conn
                .query_row("SELECT COALESCE(MAX(n), -1) + 1 FROM deliveries", [], |r| {
                    r.get(0)
                })?;
        Ok(())
    }
}

/// Answers a write's caller, given whether its batch committed.
type Ack = Box<dyn FnOnce(Result<(), StoreError>) + Send>;
/// A queued write: runs on the writer (`None`: there is none any more), says whether it
/// succeeded, and how to answer.
type Job = Box<dyn FnOnce(Option<&mut Writer>) -> (bool, Ack) + Send>;

/// The queue in front of the writer thread.
#[derive(Debug)]
pub struct Queue {
    tx: Mutex<Option<SyncSender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Queue {
    /// Starts the writer thread over `writer`; it counts its commits in `wal` and
    /// finishes the checkpoints asked for there.
    pub fn start(writer: Writer, wal: Arc<WalSignals>) -> Queue {
        let (tx, rx) = mpsc::sync_channel::<Job>(QUEUE_BOUND);
        let thread = std::thread::Builder::new()
            .name("sandbox-writer".into())
            .spawn(move || run(writer, &rx, &wal));
        match thread {
            Ok(thread) => Queue {
                tx: Mutex::new(Some(tx)),
                thread: Mutex::new(Some(thread)),
            },
            Err(e) => {
                tracing::error!(error = %e, "sandbox state store: no writer thread");
                Queue {
                    tx: Mutex::new(None),
                    thread: Mutex::new(None),
                }
            }
        }
    }

    /// Queues `f`; `reply` gets its result once its batch is committed (or failed).
    pub fn submit<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Writer) -> rusqlite::Result<T> + Send + 'static,
        reply: impl FnOnce(Result<T, StoreError>) + Send + 'static,
    ) {
        let job: Job = Box::new(move |w| {
            let out = match w {
                Some(w) => f(w).map_err(StoreError::from),
                None => Err(StoreError::writer_stopped()),
            };
            let ok = out.is_ok();
            let ack: Ack = Box::new(move |committed| {
                reply(match (out, committed) {
                    (Ok(v), Ok(())) => Ok(v),
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(e),
                });
            });
            (ok, ack)
        });
        // Cloned out of the lock: a full queue blocks this caller, not every caller.
        let Some(tx) = locked(&self.tx).clone() else {
            return stopped(job);
        };
        match tx.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(job)) => {
                if let Err(mpsc::SendError(job)) = tx.send(job) {
                    stopped(job);
                }
            }
            Err(TrySendError::Disconnected(job)) => stopped(job),
        }
    }

    /// Lets the thread finish what is queued, then waits for it.
    pub fn stop(&self) {
        locked(&self.tx).take();
        if let Some(thread) = locked(&self.thread).take() {
            let _ = thread.join();
        }
    }
}

/// Answers a write that can no longer run (the writer thread is gone).
fn stopped(job: Job) {
    let (_, ack) = job(None);
    ack(Ok(()));
}

fn run(mut w: Writer, rx: &Receiver<Job>, wal: &WalSignals) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Ok(first) = rx.recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A panic in one write must not end the thread (every later write would fail):
        // its batch's callers hear an error (their answers are dropped), the open
        // transaction is rolled back and the counters re-read.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            commit_batch(&mut w, &mut batch);
        }));
        if ran.is_err() {
            batch.clear();
            if !w.conn.is_autocommit() {
                let _ = w.conn.execute_batch("ROLLBACK");
            }
            let _ = w.reload();
            tracing::error!("sandbox state store: a write panicked; its batch was rolled back");
        }
        wal.commits.fetch_add(1, Ordering::Relaxed);
        // After the batch's answers: the callers of this batch do not wait for it.
        if wal.finish_checkpoint.swap(false, Ordering::Relaxed)
            && let Err(e) = super::maintenance::copy_passively(&w.conn)
        {
            tracing::warn!(error = %e, "sandbox state store: checkpoint failed");
        }
    }
}

/// Runs `batch` in one transaction and answers every write of it.
fn commit_batch(w: &mut Writer, batch: &mut Vec<Job>) {
    // Without a transaction (it could not begin), each statement commits on its own:
    // slower, but every write still lands before it is answered.
    let in_tx = run_cached(&w.conn, "BEGIN IMMEDIATE").is_ok();
    let mut acks: Vec<Ack> = Vec::with_capacity(batch.len());
    let mut lost = false;
    for job in batch.drain(..) {
        let (ok, ack) = job(Some(w));
        acks.push(ack);
        // Some errors (disk full, I/O) roll the whole transaction back: the writes before
        // this one are gone too.
        if in_tx && !ok && w.conn.is_autocommit() {
            lost = true;
        }
    }
    let committed = if !in_tx {
        Ok(())
    } else if lost {
        Err(StoreError(
            "state store: the batch of writes was rolled back".to_string(),
        ))
    } else {
        run_cached(&w.conn, "COMMIT").map_err(StoreError::from)
    };
    if committed.is_err() {
        if !w.conn.is_autocommit() {
            let _ = w.conn.execute_batch("ROLLBACK");
        }
        if let Err(e) = w.reload() {
            tracing::error!(error = %e, "sandbox state store: could not re-read its counters");
        }
    }
    for ack in acks {
        ack(committed.clone());
    }
}

/// Runs `f` as one unit among the writes of a batch: a savepoint, rolled back if `f` fails.
pub fn atomically<T>(
    w: &mut Writer,
    f: impl FnOnce(&mut Writer) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    run_cached(&w.conn, "SAVEPOINT unit")?;
    match f(w) {
        Ok(v) => {
            run_cached(&w.conn, "RELEASE unit")?;
            Ok(v)
        }
        Err(e) => {
            let _ = w.conn.execute_batch("ROLLBACK TO unit; RELEASE unit");
            Err(e)
        }
    }
}

/// Runs one statement of the writer's every-batch or every-write kind from the statement
/// cache: `execute_batch` would parse it again each time (a few thousand instructions
/// per write, on the writer that every write waits for).
fn run_cached(conn: &rusqlite::Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// What [`Shared`] needs from its writer queue for blocking callers.
impl Shared {
    /// Runs `f` on the writer in the next batch, and waits for that batch's commit.
    pub(super) fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Writer) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.write_settled(f, |_| {})
    }

    /// [`Shared::write`], with `settle` run on the writer thread once the batch is
    /// committed (or failed), before the caller hears: in commit order, after the answers
    /// to the writes committed before it and before any later one. What a cache in front
    /// of the file learns there can never be undone by an earlier write's answer.
    pub(super) fn write_settled<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Writer) -> rusqlite::Result<T> + Send + 'static,
        settle: impl FnOnce(&Result<T, StoreError>) + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.writer.submit(f, move |r| {
            settle(&r);
            let _ = tx.send(r);
        });
        rx.recv()
            .unwrap_or_else(|_| Err(StoreError::writer_stopped()))
    }

    /// Runs `f` on the writer in the next batch; the answer comes after its commit,
    /// without blocking the caller's thread meanwhile.
    pub(super) fn write_async<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Writer) -> rusqlite::Result<T> + Send + 'static,
    ) -> tokio::sync::oneshot::Receiver<Result<T, StoreError>> {
        self.write_async_settled(f, |_| {})
    }

    /// [`Shared::write_async`] with a `settle` step, as [`Shared::write_settled`].
    pub(super) fn write_async_settled<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Writer) -> rusqlite::Result<T> + Send + 'static,
        settle: impl FnOnce(&Result<T, StoreError>) + Send + 'static,
    ) -> tokio::sync::oneshot::Receiver<Result<T, StoreError>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.writer.submit(f, move |r| {
            settle(&r);
            let _ = tx.send(r);
        });
        rx
    }
}
