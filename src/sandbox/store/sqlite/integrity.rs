//! The state file's integrity check, run in the background after the store opened, so
//! that a large file (a million purchases: hundreds of MB for `PRAGMA quick_check` to
//! read) does not delay the first answer.
//!
//! If it finds damage, it says so (an error in the log) and leaves a marker beside the
//! file, `FILE-damaged`, with what it found: the next start treats the file as it treats
//! one that fails to open — renamed `FILE.damaged-<UTC time>`, nothing deleted, and a fresh
//! one started with a message. Meanwhile this run goes on; damage shows as a coded 500 on
//! the purchases it touches.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};

use super::locked;
use super::open::{damage_marker, open_more};

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sound,
    /// Damaged (what `quick_check` said); the marker is written.
    Damaged(String),
    /// Stopped before the end (the store closed first).
    Stopped,
    /// Could not run (the file could not be opened or read).
    Failed(String),
}

/// The running (or finished) check.
#[derive(Debug)]
pub struct Check {
    stop: Arc<AtomicBool>,
    outcome: Arc<Mutex<Option<Outcome>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Check {
    /// Starts the check of `path` on a thread of its own and connection of its own.
    pub fn start(path: &Path) -> Check {
        let stop = Arc::new(AtomicBool::new(false));
        let outcome = Arc::new(Mutex::new(None));
        let (stop_t, outcome_t, path_t) =
            (Arc::clone(&stop), Arc::clone(&outcome), path.to_path_buf());
        let thread = std::thread::Builder::new()
            .name("sandbox-check".into())
            .spawn(move || {
                let found = run(&path_t, &stop_t);
                report(&path_t, &found);
                *locked(&outcome_t) = Some(found);
            });
        let thread = match thread {
            Ok(t) => Some(t),
            Err(e) => {
                *locked(&outcome) = Some(Outcome::Failed(format!("no thread: {e}")));
                None
            }
        };
        Check {
            stop,
            outcome,
            thread: Mutex::new(thread),
        }
    }

    /// What it found, waiting at most `limit` for it to finish.
    pub fn outcome(&self, limit: Duration) -> Option<Outcome> {
        let started = Instant::now();
        loop {
            if let Some(found) = locked(&self.outcome).clone() {
                return Some(found);
            }
            if started.elapsed() >= limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Interrupts the check and waits for its thread (closing the store).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = locked(&self.thread).take() {
            let _ = thread.join();
        }
    }
}

fn run(path: &Path, stop: &Arc<AtomicBool>) -> Outcome {
    let conn = match open_more(path) {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let stop = Arc::clone(stop);
    // Asked often, so closing the store never waits long for the check.
    // Without it closing could wait for the whole check: skipped rather than risk that.
    if let Err(e) = conn.progress_handler(1_000, Some(move || stop.load(Ordering::Relaxed))) {
        return Outcome::Failed(e.to_string());
    }
    check(&conn)
}

/// `PRAGMA quick_check` to the end (the first problem is enough).
fn check(conn: &Connection) -> Outcome {
    match conn.query_row("PRAGMA quick_check(1)", [], |r| r.get::<_, String>(0)) {
        Ok(verdict) if verdict == "ok" => Outcome::Sound,
        Ok(problem) => Outcome::Damaged(format!("integrity check: {problem}")),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) => {
            Outcome::Stopped
        }
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
            ) =>
        {
            Outcome::Damaged(format!("integrity check: {e}"))
        }
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// Says what was found; on damage, leaves the marker for the next start.
fn report(path: &Path, found: &Outcome) {
    match found {
        Outcome::Damaged(why) => {
            let marker = damage_marker(path);
            let kept = std::fs::write(&marker, why.as_bytes());
            tracing::error!(
                file = %path.display(),
                problem = %why,
                marker = %marker.display(),
                marker_written = kept.is_ok(),
                "sandbox state file is damaged; this run goes on, the next start keeps it aside and starts a fresh one"
            );
        }
        Outcome::Failed(why) => {
            tracing::warn!(file = %path.display(), error = %why, "sandbox state file: the integrity check could not run");
        }
        Outcome::Sound | Outcome::Stopped => {}
    }
}

/// The marker's text: what the check found (bounded, for the next start's message).
pub fn marker_reason(path: &Path) -> Option<String> {
    let marker: PathBuf = damage_marker(path);
    // Only the first kilobyte is read: the marker is ours, but the folder may not be.
    use std::io::Read;
    let mut text = Vec::new();
    std::fs::File::open(&marker)
        .ok()?
        .take(1_000)
        .read_to_end(&mut text)
        .ok()?;
    Some(String::from_utf8_lossy(&text).into_owned())
}
