//! The store's background thread: checkpoints the WAL (so no request pays for it, and the
//! WAL file stays small) and applies retention — at start, every few minutes, and when
//! asked (after a clock move). Work is done in small batches, each its own short
//! transaction, so requests interleave with it.

use std::fs::File;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{Shared, locked};

/// How often the thread looks at the commit count.
const TICK: Duration = Duration::from_millis(20);
/// Commits (group commits of the writer thread, each of one or more writes) after which
/// the WAL is checkpointed at the next tick: every commit appends whole pages, so under
/// load the WAL grows fast, and past SQLite's own threshold the writer would checkpoint
/// inline while requests wait for it.
const CHECKPOINT_AFTER_WRITES: u64 = 256;
/// A WAL with fewer commits is checkpointed after this long.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// WAL frames (pages) past which the writer is asked to finish a checkpoint, so that the
/// WAL starts over (16 MiB with 4 KiB pages; the writer's own inline checkpoint, the
/// backstop, comes at 16,384: `wal_autocheckpoint` in `mod.rs`).
pub const FINISH_AFTER_FRAMES: i64 = 4096;
/// How often retention runs on its own.
const SWEEP_EVERY: Duration = Duration::from_secs(600);
/// Purchases deleted per transaction.
pub const SWEEP_BATCH: usize = 500;

enum Signal {
    Sweep,
    Stop,
}

/// The running thread.
#[derive(Debug)]
pub struct Handle {
    tx: Mutex<mpsc::Sender<Signal>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Handle {
    /// Runs retention now (in the background).
    pub fn sweep_now(&self) {
        let _ = locked(&self.tx).send(Signal::Sweep);
    }

    /// Stops the thread and waits for it.
    pub fn stop(&self) {
        let _ = locked(&self.tx).send(Signal::Stop);
        if let Some(thread) = locked(&self.thread).take() {
            let _ = thread.join();
        }
    }
}

/// Starts the thread; `conn` is its own connection, for checkpoints.
pub fn start(shared: Arc<Shared>, conn: Connection) -> Handle {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("sandbox-store".into())
        .spawn(move || run(&shared, &conn, &rx))
        .ok();
    if thread.is_none() {
        tracing::warn!("sandbox state store: no maintenance thread; SQLite checkpoints inline");
    }
    Handle {
        tx: Mutex::new(tx),
        thread: Mutex::new(thread),
    }
}

fn run(shared: &Arc<Shared>, conn: &Connection, rx: &mpsc::Receiver<Signal>) {
    sweep(shared);
    let mut last_sweep = Instant::now();
    let mut checkpointed = shared.wal.commits.load(Ordering::Relaxed);
    let mut last_checkpoint = Instant::now();
    loop {
        match rx.recv_timeout(TICK) {
            Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Ok(Signal::Sweep) => {
                sweep(shared);
                last_sweep = Instant::now();
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        if last_sweep.elapsed() >= SWEEP_EVERY {
            sweep(shared);
            last_sweep = Instant::now();
        }
        let writes = shared.wal.commits.load(Ordering::Relaxed);
        let pending = writes.wrapping_sub(checkpointed);
        if pending >= CHECKPOINT_AFTER_WRITES
            || (pending > 0 && last_checkpoint.elapsed() >= CHECKPOINT_EVERY)
        {
            checkpointed = writes;
            last_checkpoint = Instant::now();
            checkpoint(shared, conn);
        }
    }
}

/// Copies what it can of the WAL into the database without waiting for (or blocking)
/// anyone. When the WAL is long, also flushes the copied pages to disk here and asks the
/// writer for the rest (see `WalSignals::finish_checkpoint`), whose own checkpoint is
/// then a few frames and a nearly clean fsync instead of the whole WAL.
fn checkpoint(shared: &Shared, conn: &Connection) {
    match copy_passively(conn) {
        Ok(frames) if frames >= FINISH_AFTER_FRAMES => {}
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "sandbox state store: checkpoint failed");
            return;
        }
    }
    if let Some(file) = &shared.durable {
        // The flush takes milliseconds and the writer goes on meanwhile: a second pass
        // copies what it wrote then, and its flush is short.
        flush(file);
        if copy_passively(conn).is_ok() {
            flush(file);
        }
    }
    shared.wal.finish_checkpoint.store(true, Ordering::Relaxed);
}

/// A PASSIVE checkpoint (copies what it can without waiting for anyone); the number of
/// frames in the WAL.
pub(super) fn copy_passively(conn: &Connection) -> rusqlite::Result<i64> {
    // Columns: busy, frames in the WAL, frames copied into the database.
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
}

fn flush(file: &File) {
    if let Err(e) = file.sync_data() {
        tracing::warn!(error = %e, "sandbox state store: could not flush the database");
    }
}

/// Deletes everything retention allows, batch by batch.
fn sweep(shared: &Arc<Shared>) {
    let Some(cutoff) = shared.retention_cutoff() else {
        return;
    };
    loop {
        match shared.sweep(cutoff, SWEEP_BATCH) {
            Ok(n) if n == SWEEP_BATCH => continue,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "sandbox state store: retention sweep failed");
                return;
            }
        }
    }
}
