//! The history database behind a lock, shared by the recording hook and the
//! merchant-event forwarder. Each append is one short SQLite transaction (WAL, no fsync
//! per commit), made on the recording task, never on the UI thread.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::db::{self, DbLimits, HistoryDb, Imported};
use super::record::Record;
use super::store::RotationLimits;
use crate::api::Exchange;
use crate::config::HistoryConfig;

#[derive(Debug)]
struct State {
    dir: PathBuf,
    limits: DbLimits,
    db: Option<HistoryDb>,
    /// Numbers records while nothing can be saved (they live in memory only).
    unsaved_id: u64,
    last_error: Option<String>,
    /// Opening (and importing) in the background: appends wait for it.
    opening: bool,
    /// What the background opening found, until someone takes it.
    open_warnings: Vec<String>,
    /// What a reopening after a failed write found (a damaged file set aside), until
    /// someone takes it.
    reopen_note: Option<String>,
}

impl State {
    /// Nothing opened yet; `opening` while a background thread opens it.
    fn unopened(dir: &Path, config: &HistoryConfig, opening: bool) -> State {
        State {
            dir: dir.to_path_buf(),
            limits: DbLimits::from_config(config),
            db: None,
            unsaved_id: 1,
            last_error: None,
            opening,
            open_warnings: Vec::new(),
            reopen_note: None,
        }
    }

    fn reopen(&mut self) {
        match HistoryDb::open(&self.dir, self.limits) {
            Ok((db, note)) => {
                self.db = Some(db);
                self.last_error = None;
                // A damaged file set aside on the way must be said, not swallowed: the
                // user's earlier history just moved to `….damaged-<time>`.
                if note.is_some() {
                    self.reopen_note = note;
                }
            }
            Err(e) => self.last_error = Some(e),
        }
    }
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Signalled when a background opening ends.
    ready: Condvar,
}

/// A shared, append-only history.
#[derive(Debug, Clone)]
pub struct Sink {
    shared: Arc<Shared>,
}

/// What opening found besides the database itself.
#[derive(Debug, Default)]
pub struct Opened {
    /// A damaged database was set aside (said how).
    pub note: Option<String>,
    /// What the one-time import of `history.jsonl` did (nothing when there was none).
    pub imported: Imported,
    /// The import failed (the JSONL files are left as they were, tried again next time).
    pub import_error: Option<String>,
}

impl Opened {
    /// What to tell the user, if anything.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self.note.iter().cloned().collect();
        out.extend(self.import_error.iter().cloned());
        let i = &self.imported;
        if !i.kept_as.is_empty() {
            out.push(format!(
                "history: imported {} record(s) into history.sqlite3; the old file(s) kept as {}",
                i.records,
                i.kept_as
                    .iter()
                    .filter_map(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if i.skipped > 0 {
            out.push(format!(
                "history: {} unreadable record(s) skipped; the file is left as it was",
                i.skipped
            ));
        }
        out.extend(i.refused.iter().cloned());
        out
    }
}

/// Opens the database in `dir` and imports an old `history.jsonl` into it.
fn open_and_import(dir: &Path, config: &HistoryConfig) -> (State, Opened) {
    let mut opened = Opened::default();
    let mut state = State::unopened(dir, config, false);
    match HistoryDb::open(dir, state.limits) {
        Ok((mut db, note)) => {
            opened.note = note;
            match db.import_jsonl(dir, RotationLimits::from_config(config)) {
                Ok(imported) => opened.imported = imported,
                Err(e) => opened.import_error = Some(e),
            }
            state.db = Some(db);
        }
        Err(e) => state.last_error = Some(e),
    }
    (state, opened)
}

/// Ends a background opening when dropped: notifies the appends waiting for it, and says
/// why when the opening thread died before it could store what it opened.
struct OpeningGuard(Sink);

impl Drop for OpeningGuard {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        if state.opening {
            state.opening = false;
            let why =
                "opening the history failed unexpectedly; this session's exchanges are not saved"
                    .to_string();
            state.last_error = Some(why.clone());
            state.open_warnings.push(why);
        }
        drop(state);
        self.0.shared.ready.notify_all();
    }
}

impl Sink {
    fn with(state: State) -> Sink {
        Sink {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                ready: Condvar::new(),
            }),
        }
    }

    /// Opens (creating) the history in `dir`, importing an old `history.jsonl` once.
    pub fn open(dir: &Path, config: &HistoryConfig) -> (Sink, Opened) {
        let (state, opened) = open_and_import(dir, config);
        (Sink::with(state), opened)
    }

    /// Like [`Sink::open`], on a thread of its own: the explorer draws its first frame
    /// meanwhile. Appends wait until it is open; [`Sink::take_open_warnings`] then says
    /// what opening found.
    pub fn open_in_background(dir: &Path, config: &HistoryConfig) -> Sink {
        let sink = Sink::with(State::unopened(dir, config, true));
        let (opener, dir, config) = (sink.clone(), dir.to_path_buf(), config.clone());
        // Whatever happens on the thread (a panic in SQLite or the import included), the
        // guard ends the opening, or every append would wait for it forever.
        let guard = OpeningGuard(sink.clone());
        let spawned = std::thread::Builder::new()
            .name("history-open".into())
            .spawn(move || {
                let _guard = guard;
                let (mut state, opened) = open_and_import(&dir, &config);
                state.open_warnings = opened.warnings();
                state.open_warnings.extend(state.last_error.clone());
                *opener.lock() = state;
            });
        if let Err(e) = spawned {
            // The guard went with the closure and has already ended the opening.
            sink.lock().last_error = Some(format!("could not start opening the history: {e}"));
        }
        sink
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The state once any background opening has ended.
    fn ready(&self) -> MutexGuard<'_, State> {
        let mut state = self.lock();
        while state.opening {
            state = self
                .shared
                .ready
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
        state
    }

    /// What the background opening found (a damaged file set aside, the import, why it
    /// cannot save), once it has ended; empty after the first call.
    pub fn take_open_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.ready().open_warnings)
    }

    /// Persists one exchange (redacted, cut to the record cap) and returns its record; a
    /// failed write is remembered in [`Sink::last_error`] and the record still returned.
    pub fn append(&self, exchange: &Exchange) -> Record {
        self.append_stored(exchange).0
    }

    /// Like [`Sink::append`], also saying which `seq` the row was stored as (`None` when
    /// it was not saved): the explorer's pane reads it back from there once it trims the
    /// row from memory.
    pub fn append_stored(&self, exchange: &Exchange) -> (Record, Option<i64>) {
        let mut state = self.ready();
        if state.db.is_none() {
            state.reopen();
        }
        let Some(db) = state.db.as_mut() else {
            let id = state.unsaved_id;
            state.unsaved_id += 1;
            return (Record::new(id, exchange.clone()), None);
        };
        let (record, result) = db.append(exchange.clone());
        let seq = db.last_seq();
        match result {
            Ok(()) => state.last_error = None,
            Err(e) => {
                state.last_error = Some(e);
                // Reopened on the next append (the disk may have room again).
                state.db = None;
            }
        }
        (record, seq)
    }

    /// Why writing failed, if it did.
    pub fn last_error(&self) -> Option<String> {
        self.ready().last_error.clone()
    }

    /// What reopening the history after a failed write found (a damaged file set aside
    /// and a fresh one started), once; `None` when nothing happened.
    pub fn take_reopen_note(&self) -> Option<String> {
        self.lock().reopen_note.take()
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        db::db_path(&self.lock().dir)
    }
}

#[cfg(test)]
mod opening_tests {
    use super::*;

    /// An opening thread that dies (a panic in SQLite or the import) must not leave every
    /// append waiting forever: its guard ends the opening and says so.
    #[test]
    fn a_dead_opening_thread_releases_the_appends_and_says_why() {
        let dir = std::env::temp_dir().join(format!("pse-sink-dead-{}", std::process::id()));
        let sink = Sink::with(State::unopened(&dir, &HistoryConfig::default(), true));
        let guard = OpeningGuard(sink.clone());
        let dying = std::thread::spawn(move || {
            let _guard = guard;
            panic!("the opening dies");
        });
        assert!(dying.join().is_err(), "the thread panicked");
        // Returns at once instead of waiting for an opening that will never end.
        let warnings = sink.take_open_warnings();
        assert!(
            warnings.iter().any(|w| w.contains("not saved")),
            "{warnings:?}"
        );
        assert!(sink.last_error().is_some_and(|e| e.contains("not saved")));
        let _ = std::fs::remove_dir_all(dir);
    }
}
