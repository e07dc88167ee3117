//! The history database behind a lock, shared by the recording hook and the
//! merchant-event forwarder. Each append is one short SQLite transaction (WAL, no fsync
//! per commit), made on the recording task, never on the UI thread.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
}

impl State {
    fn reopen(&mut self) {
        match HistoryDb::open(&self.dir, self.limits) {
            Ok((db, _)) => {
                self.db = Some(db);
                self.last_error = None;
            }
            Err(e) => self.last_error = Some(e),
        }
    }
}

/// A shared, append-only history.
#[derive(Debug, Clone)]
pub struct Sink {
    state: Arc<Mutex<State>>,
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

impl Sink {
    /// Opens (creating) the history in `dir`, importing an old `history.jsonl` once.
    pub fn open(dir: &Path, config: &HistoryConfig) -> (Sink, Opened) {
        let limits = DbLimits::from_config(config);
        let mut opened = Opened::default();
        let mut state = State {
            dir: dir.to_path_buf(),
            limits,
            db: None,
            unsaved_id: 1,
            last_error: None,
        };
        match HistoryDb::open(dir, limits) {
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
        (
            Sink {
                state: Arc::new(Mutex::new(state)),
            },
            opened,
        )
    }

    /// Persists one exchange (redacted, cut to the record cap) and returns its record; a
    /// failed write is remembered in [`Sink::last_error`] and the record still returned.
    pub fn append(&self, exchange: &Exchange) -> Record {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.db.is_none() {
            state.reopen();
        }
        let Some(db) = state.db.as_mut() else {
            let id = state.unsaved_id;
            state.unsaved_id += 1;
            return Record::new(id, exchange.clone());
        };
        let (record, result) = db.append(exchange.clone());
        match result {
            Ok(()) => state.last_error = None,
            Err(e) => {
                state.last_error = Some(e);
                // Reopened on the next append (the disk may have room again).
                state.db = None;
            }
        }
        record
    }

    /// Why writing failed, if it did.
    pub fn last_error(&self) -> Option<String> {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_error
            .clone()
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        db::db_path(&self.state.lock().unwrap_or_else(|p| p.into_inner()).dir)
    }
}
