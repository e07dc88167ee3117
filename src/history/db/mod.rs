//! The history in SQLite: `history.sqlite3` in the data dir. One row per redacted
//! record; the list columns apart from the bodies, so a list pages without reading
//! bodies; a trigram index for the `/` filter; bounded by `[history]` limits (the oldest
//! rows go first). Nothing secret reaches it: every record passes [`Record::new`]
//! (redaction) and [`cap::fit`] (size) before it is written.

pub mod damage;
#[cfg(test)]
mod damage_tests;
mod import;
mod open;
pub mod query;
mod schema;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub use import::Imported;
pub use open::open_reader;

use super::cap;
use super::record::{Record, searched_fields, searched_status};
use crate::api::Exchange;
use crate::config::HistoryConfig;
use schema::BOUNDS;

/// The database file in a data dir.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join("history.sqlite3")
}

/// How far the history may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbLimits {
    /// Most rows kept; past it the oldest tenth goes.
    pub max_rows: u64,
    /// Most bytes of records (their JSON lines) kept; past it the oldest tenth goes.
    pub max_bytes: u64,
    /// The longest one record may be (its JSON line), longer fields cut with a marker.
    pub record_bytes: usize,
}

impl Default for DbLimits {
    fn default() -> Self {
        DbLimits::from_config(&HistoryConfig::default())
    }
}

impl DbLimits {
    /// What `[history]` asks for, within sane bounds: at least 100 rows and 64 KiB; the
    /// record cap is a quarter of `max_bytes` within 1 KiB … 1 MiB, as it always was.
    pub fn from_config(config: &HistoryConfig) -> DbLimits {
        let rotation = super::store::RotationLimits::from_config(config);
        DbLimits {
            max_rows: config.max_rows.unwrap_or(1_000_000).max(100),
            max_bytes: config
                .max_db_bytes
                .unwrap_or(1024 * 1024 * 1024)
                .max(64 * 1024),
            record_bytes: rotation.record_bytes(),
        }
    }
}

/// The writer's connection.
pub struct HistoryDb {
    conn: Connection,
    path: PathBuf,
    limits: DbLimits,
    /// The `seq` the last append stored its row under (the pane's session rows carry it,
    /// so rows it trims from memory can be read back from here).
    last_seq: Option<i64>,
}

impl std::fmt::Debug for HistoryDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryDb")
            .field("path", &self.path)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The text the `/` filter reads, one field a line (the index narrows; the pane's own
/// matching decides).
pub fn search_text(ex: &Exchange) -> String {
    let status = searched_status(ex);
    searched_fields(ex, &status).collect::<Vec<_>>().join("\n")
}

fn kind_text(ex: &Exchange) -> String {
    serde_json::to_value(ex.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Stores `record` with its own id; false (nothing written) when that id is taken.
fn insert(conn: &Connection, record: &Record) -> rusqlite::Result<bool> {
    let json = serde_json::to_string(record).unwrap_or_default();
    let ex = &record.exchange;
    let id = i64::try_from(record.id).unwrap_or(i64::MAX);
    let added = conn
        .prepare_cached(
            "INSERT INTO rows(id, started_at_ms, kind, method, url, status, latency_ms, error, note, purchase_id, bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(id) DO NOTHING",
        )?
        .execute(params![
            id,
            ex.started_at_ms,
            kind_text(ex),
            ex.method,
            ex.url,
            ex.status,
            ex.latency_ms,
            ex.error,
            ex.note,
            record.purchase_id,
            json.len() as i64,
        ])?;
    if added == 0 {
        return Ok(false);
    }
    let seq = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO bodies(seq, record) VALUES (?1, ?2)")?
        .execute(params![seq, json])?;
    conn.prepare_cached("INSERT INTO search(rowid, text) VALUES (?1, ?2)")?
        .execute(params![seq, search_text(ex)])?;
    conn.prepare_cached("UPDATE meta SET value = value + ?1 WHERE key = 'bytes'")?
        .execute(params![json.len() as i64])?;
    Ok(true)
}

/// The next free record id.
fn next_id(conn: &Connection) -> rusqlite::Result<u64> {
    let max: Option<i64> = conn.query_row("SELECT max(id) FROM rows", [], |r| r.get(0))?;
    Ok(max.map_or(1, |m| u64::try_from(m).unwrap_or(0) + 1))
}

/// Stores `record`; when its id is taken by a different record, under the next free id
/// (the returned record says which). An identical record already there is not stored
/// twice (an import run again). Returns whether it was stored.
fn insert_keeping(conn: &Connection, record: &mut Record) -> rusqlite::Result<bool> {
    if insert(conn, record)? {
        return Ok(true);
    }
    let stored: Option<String> = conn
        .query_row(
            "SELECT b.record FROM rows r JOIN bodies b ON b.seq = r.seq WHERE r.id = ?1",
            params![i64::try_from(record.id).unwrap_or(i64::MAX)],
            |r| r.get(0),
        )
        .optional()?;
    let same = stored
        .and_then(|s| serde_json::from_str::<Record>(&s).ok())
        .is_some_and(|s| &s == record);
    if same {
        return Ok(false);
    }
    record.id = next_id(conn)?;
    insert(conn, record)
}

impl HistoryDb {
    /// Opens (creating) the history in `dir`; the note tells of a damaged file set aside.
    pub fn open(dir: &Path, limits: DbLimits) -> Result<(HistoryDb, Option<String>), String> {
        let path = db_path(dir);
        let (conn, note) = open::open_writer(&path)?;
        let mut db = HistoryDb {
            conn,
            path,
            limits,
            last_seq: None,
        };
        db.enforce_limits()
            .map_err(|e| format!("history ({}): {e}", db.path.display()))?;
        Ok((db, note))
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stores an exchange, redacted and cut to the record cap, under the next id; the
    /// oldest rows go when a limit is passed.
    pub fn append(&mut self, exchange: Exchange) -> (Record, Result<(), String>) {
        let mut record = Record::new(0, exchange);
        cap::fit(&mut record, self.limits.record_bytes);
        self.last_seq = None;
        let stored = self
            .store_new(&mut record)
            .and_then(|()| self.enforce_limits());
        let result = stored.map_err(|e| {
            // Damage the start-up check did not reach: the next start sets the file aside.
            let note = if damage::mark(&self.path, &e) {
                "; the file is damaged: the next start keeps it aside and starts a fresh one"
            } else {
                ""
            };
            format!("history not saved ({}): {e}{note}", self.path.display())
        });
        (record, result)
    }

    fn store_new(&mut self, record: &mut Record) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        record.id = next_id(&tx)?;
        insert(&tx, record)?;
        let seq: Option<i64> = tx.query_row("SELECT max(seq) FROM rows", [], |r| r.get(0))?;
        tx.commit()?;
        self.last_seq = seq;
        Ok(())
    }

    /// The `seq` of the row the last successful append stored.
    pub fn last_seq(&self) -> Option<i64> {
        self.last_seq
    }

    /// Removes the oldest tenth (of the rows, or of the bytes) while a limit is passed.
    fn enforce_limits(&mut self) -> rusqlite::Result<()> {
        for _ in 0..64 {
            let (min, max): (Option<i64>, Option<i64>) = self
                .conn
                .query_row(BOUNDS, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let (Some(min), Some(max)) = (min, max) else {
                return Ok(());
            };
            let rows = u64::try_from(max - min + 1).unwrap_or(0);
            let bytes: i64 =
                self.conn
                    .query_row("SELECT value FROM meta WHERE key = 'bytes'", [], |r| {
                        r.get(0)
                    })?;
            let bytes = u64::try_from(bytes).unwrap_or(0);
            let cut = if rows > self.limits.max_rows {
                rows - self.limits.max_rows + self.limits.max_rows / 10
            } else if bytes > self.limits.max_bytes {
                (rows / 10).max(1)
            } else {
                return Ok(());
            };
            self.remove_oldest(min + i64::try_from(cut).unwrap_or(i64::MAX / 2))?;
        }
        Ok(())
    }

    /// Removes the rows before `seq` (only ever the oldest: `seq` stays gap-free).
    fn remove_oldest(&mut self, seq: i64) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let freed: i64 = tx.query_row(
            "SELECT coalesce(sum(bytes), 0) FROM rows WHERE seq < ?1",
            params![seq],
            |r| r.get(0),
        )?;
        tx.execute("DELETE FROM search WHERE rowid < ?1", params![seq])?;
        tx.execute("DELETE FROM bodies WHERE seq < ?1", params![seq])?;
        tx.execute("DELETE FROM rows WHERE seq < ?1", params![seq])?;
        tx.execute(
            "UPDATE meta SET value = max(0, value - ?1) WHERE key = 'bytes'",
            params![freed],
        )?;
        tx.commit()
    }

    /// Imports `history.jsonl` and its rotated files from `dir` (see [`import`]).
    pub fn import_jsonl(
        &mut self,
        dir: &Path,
        rotation: super::store::RotationLimits,
    ) -> Result<Imported, String> {
        let imported = import::run(&mut self.conn, dir, rotation)
            .map_err(|e| format!("history import into {}: {e}", self.path.display()))?;
        self.enforce_limits().map_err(|e| e.to_string())?;
        Ok(imported)
    }

    /// Stores records (redacted again, ids kept) in one transaction: the benches' seeding.
    pub fn insert_many(
        &mut self,
        records: impl IntoIterator<Item = Record>,
    ) -> rusqlite::Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut n = 0;
        for record in records {
            // Redacted again whatever built it: nothing secret reaches the file.
            let mut record = Record::new(record.id, record.exchange);
            if insert_keeping(&tx, &mut record)? {
                n += 1;
            }
        }
        tx.commit()?;
        Ok(n)
    }
}
