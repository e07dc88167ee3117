//! Opening `history.sqlite3`: WAL, the schema, a quick integrity check within a time
//! budget, and a damaged file kept aside — renamed to `history.sqlite3.damaged-<UTC
//! time>`, never deleted — so the explorer starts with a fresh history and says so.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{damage, schema};
use crate::history::safe_file;

/// How long the start-up integrity check may take (it runs before the explorer's first
/// frame): a small file is checked whole; on a large one it stops here, and the damage it
/// did not reach shows later as a read error, reported, never a crash.
const QUICK_CHECK_BUDGET: Duration = Duration::from_millis(5);

/// How long a write waits for another process's transaction (each is one record long).
pub const BUSY_TIMEOUT: Duration = Duration::from_millis(500);

/// Page cache per connection (KiB): memory stays bounded whatever the file's size.
const CACHE_KIB: i64 = 2048;

/// Why the file could not be used.
enum Failure {
    Damaged(String),
    Refused(String),
}

fn classify(e: rusqlite::Error) -> Failure {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            Failure::Damaged(e.to_string())
        }
        _ => Failure::Refused(e.to_string()),
    }
}

/// The connection settings every history connection uses.
fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Opens (creating) the history database at `path` for writing. A damaged file is set
/// aside and a fresh one made: the note says so. Anything else that stops it (a FIFO or
/// a link in its place, a newer format, an unwritable dir) is an error, described.
pub fn open_writer(path: &Path) -> Result<(Connection, Option<String>), String> {
    if let Some(why) = safe_file::refusal(path) {
        return Err(format!("history not saved: {why}"));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::dir_create::create_dir_all(dir)
            .map_err(|e| format!("history not saved ({}): {e}", path.display()))?;
    }
    // Damage found during an earlier session (beyond the start-up check's budget).
    if let Some(why) = damage::marked(path) {
        return set_aside_and_start_fresh(path, &format!("found during an earlier session: {why}"));
    }
    match checked(path) {
        Ok(conn) => Ok((conn, None)),
        Err(Failure::Refused(why)) => Err(format!("history not saved ({}): {why}", path.display())),
        Err(Failure::Damaged(why)) => set_aside_and_start_fresh(path, &why),
    }
}

/// Keeps a damaged file aside (renamed, never deleted) and opens a fresh one; the note
/// says so.
fn set_aside_and_start_fresh(
    path: &Path,
    why: &str,
) -> Result<(Connection, Option<String>), String> {
    let kept = set_aside(path).map_err(|e| {
        format!(
            "history database {} is damaged ({why}) and could not be set aside: {e}",
            path.display()
        )
    })?;
    damage::clear(path);
    let note = match kept {
        Some(kept) => format!(
            "history database {} was damaged ({why}): kept as {}, a fresh history was started",
            path.display(),
            kept.display()
        ),
        None => format!(
            "history database {} was damaged ({why}) and is gone: a fresh history was started",
            path.display()
        ),
    };
    match checked(path) {
        Ok(conn) => Ok((conn, Some(note))),
        Err(Failure::Refused(why) | Failure::Damaged(why)) => {
            Err(format!("{note}; but the fresh one failed too: {why}"))
        }
    }
}

/// Opens an existing history database read-only (the pane's pages, the CLI's reads).
pub fn open_reader(path: &Path) -> Result<Connection, String> {
    if let Some(why) = safe_file::refusal(path) {
        return Err(why);
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    tune(&conn).map_err(|e| e.to_string())?;
    Ok(conn)
}

fn checked(path: &Path) -> Result<Connection, Failure> {
    if !path.exists() {
        owner_only(path).map_err(|e| Failure::Refused(e.to_string()))?;
    }
    let conn = Connection::open(path).map_err(classify)?;
    // Reads the header: a file that is not a database fails here.
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(classify)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Refused(format!(
            "could not switch to WAL mode (got {mode})"
        )));
    }
    tune(&conn).map_err(classify)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(classify)?;
    if version > schema::VERSION {
        return Err(Failure::Refused(format!(
            "written by a newer paysecure-explorer (format {version}, this one reads {}); left as it is",
            schema::VERSION
        )));
    }
    quick_check(&conn)?;
    crate::sqlite_file::create_schema(&conn, schema::CREATE, schema::VERSION).map_err(classify)?;
    Ok(conn)
}

fn quick_check(conn: &Connection) -> Result<(), Failure> {
    let started = Instant::now();
    conn.progress_handler(100, Some(move || started.elapsed() > QUICK_CHECK_BUDGET))
        .map_err(classify)?;
    let found = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get::<_, String>(0));
    let _ = conn.progress_handler(0, None::<fn() -> bool>);
    match found {
        Ok(verdict) if verdict == "ok" => Ok(()),
        Ok(problem) => Err(Failure::Damaged(format!("integrity check: {problem}"))),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) => Ok(()),
        Err(e) => Err(classify(e)),
    }
}

/// A new, empty file readable by its owner only (masked cards and emails live in it);
/// SQLite gives its `-wal` and `-shm` the same permissions.
fn owner_only(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Renames a damaged file (and its `-wal`, `-shm`) to `FILE.damaged-<UTC time>`; `None`
/// when there is no file (only a marker left behind).
fn set_aside(path: &Path) -> std::io::Result<Option<PathBuf>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    crate::sqlite_file::set_aside(path).map(Some)
}
