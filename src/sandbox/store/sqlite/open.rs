//! Opening a state file: one process at a time (an advisory lock beside it), and a
//! damaged file kept aside — renamed, never deleted — so the sandbox starts with a fresh
//! one and says so. The integrity check runs after the first answer (`integrity`); damage
//! it finds is handled here at the next start.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use super::schema;
use crate::sqlite_file::suffixed;
pub use crate::sqlite_file::{damage_marker, set_aside};

/// Why a state file could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Another process (a `serve`, or an explorer) holds the file.
    InUse(PathBuf),
    /// The file is a database, but not a sandbox state file this build can use.
    Foreign { path: PathBuf, why: String },
    /// It could not be created, read or written.
    Io { path: PathBuf, why: String },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::InUse(path) => write!(
                f,
                "sandbox state file {} is in use by another paysecure-explorer process (it holds {})",
                path.display(),
                lock_path(path).display()
            ),
            OpenError::Foreign { path, why } => write!(
                f,
                "{} is not a sandbox state file this version can use ({why}); it was left as it is",
                path.display()
            ),
            OpenError::Io { path, why } => {
                write!(f, "sandbox state file {}: {why}", path.display())
            }
        }
    }
}

impl std::error::Error for OpenError {}

/// The name temporary state directories start with (in the system's temp dir).
pub const TEMPORARY_PREFIX: &str = "paysecure-sandbox-";

/// How old an unlocked temporary state directory must be to count as abandoned (a
/// younger one may belong to a run that has not taken its lock yet).
const ABANDONED_AFTER: Duration = Duration::from_secs(60);

/// Removes the temporary state directories of runs that ended without cleaning up (a
/// killed process): those whose lock nobody holds. Best effort; bounded.
pub fn remove_abandoned_temporaries() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok).take(100_000) {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(TEMPORARY_PREFIX) {
            continue;
        }
        let dir = entry.path();
        let old_enough = entry
            .metadata()
            .ok()
            .filter(|m| m.is_dir())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= ABANDONED_AFTER);
        if !old_enough {
            continue;
        }
        let state = dir.join("state.sqlite3");
        // Taken: its run is over (the lock goes with the process, kill -9 included).
        if let Ok(held) = lock_existing(&state) {
            let _ = std::fs::remove_dir_all(&dir);
            drop(held);
        }
    }
}

/// Takes the lock of a state file whose lock file exists, without creating anything.
fn lock_existing(path: &Path) -> Result<File, OpenError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(lock_path(path))
        .map_err(|e| OpenError::Io {
            path: path.to_path_buf(),
            why: e.to_string(),
        })?;
    match try_lock(&file) {
        Ok(true) => Ok(file),
        _ => Err(OpenError::InUse(path.to_path_buf())),
    }
}

/// The advisory lock file beside a state file (SQLite's own `-wal`/`-shm` style).
pub fn lock_path(path: &Path) -> PathBuf {
    suffixed(path, "-lock")
}

/// Takes the file's lock, or says who has it. The lock is released when the returned
/// file is closed (the process ending, kill -9 included).
pub fn lock(path: &Path) -> Result<File, OpenError> {
    let io = |e: std::io::Error| OpenError::Io {
        path: path.to_path_buf(),
        why: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::dir_create::create_dir_all(dir).map_err(io)?;
    }
    let file = owner_only()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_path(path))
        .map_err(io)?;
    if try_lock(&file).map_err(io)? {
        Ok(file)
    } else {
        Err(OpenError::InUse(path.to_path_buf()))
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Without flock, a second process on the same file is not refused (SQLite still keeps
/// the file consistent; the in-process ordering of updates is what is lost).
#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

/// New files readable by the owner only: the state holds customers' emails and masked
/// cards. SQLite gives its `-wal` and `-shm` files the same permissions.
fn owner_only() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Why a file failed its checks.
#[derive(Debug)]
pub enum Failure {
    /// Damaged: set it aside and start fresh.
    Damaged(String),
    /// Not ours, or newer: leave it alone.
    Foreign(String),
    /// Could not read or write it.
    Io(String),
}

fn classify(e: rusqlite::Error) -> Failure {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            Failure::Damaged(e.to_string())
        }
        _ => Failure::Io(e.to_string()),
    }
}

/// Opens the file as the store's writer: WAL and the schema (the integrity check comes
/// after, in the background).
pub fn open_checked(path: &Path) -> Result<Connection, Failure> {
    if !path.exists() {
        owner_only()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Failure::Io(e.to_string()))?;
    }
    let conn = Connection::open(path).map_err(classify)?;
    // Reads the header: a file that is not a database fails here.
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(classify)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Io(format!(
            "could not switch to WAL mode (got {mode})"
        )));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(classify)?;
    if version > schema::VERSION {
        return Err(Failure::Foreign(format!(
            "written by a newer paysecure-explorer (format {version}, this one reads {})",
            schema::VERSION
        )));
    }
    if version == 0 {
        let others = other_tables(&conn).map_err(classify)?;
        if !others.is_empty() {
            return Err(Failure::Foreign(format!(
                "an SQLite database with other tables: {}",
                others.join(", ")
            )));
        }
    }
    crate::sqlite_file::create_schema(&conn, schema::CREATE, schema::VERSION).map_err(classify)?;
    Ok(conn)
}

/// Tables that are not the state file's own.
fn other_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut others = Vec::new();
    for name in names {
        let name = name?;
        if !schema::TABLES.contains(&name.as_str()) && !name.starts_with("sqlite_") {
            others.push(name);
        }
    }
    Ok(others)
}

/// Opens the writer of a state file, setting a damaged file aside once; the note says
/// what happened to it.
pub fn open_or_replace(path: &Path) -> Result<(Connection, Vec<String>), OpenError> {
    let mut notes = Vec::new();
    // The last run's integrity check found damage: kept aside now, as below.
    let first = match super::integrity::marker_reason(path) {
        Some(why) if path.exists() => Err(Failure::Damaged(why)),
        _ => open_checked(path),
    };
    let conn = match first {
        Ok(opened) => opened,
        Err(Failure::Damaged(why)) => {
            let kept = set_aside(path).map_err(|e| OpenError::Io {
                path: path.to_path_buf(),
                why: format!("is damaged ({why}) and could not be moved aside: {e}"),
            })?;
            notes.push(format!(
                "sandbox state file {} is damaged ({why}); kept it as {} and started with a fresh one",
                path.display(),
                kept.display()
            ));
            open_checked(path).map_err(|f| failure_error(path, f))?
        }
        Err(f) => return Err(failure_error(path, f)),
    };
    // Handled (or stale: its file is gone): the fresh file has no damage to report.
    let _ = std::fs::remove_file(damage_marker(path));
    Ok((conn, notes))
}

fn failure_error(path: &Path, f: Failure) -> OpenError {
    let path = path.to_path_buf();
    match f {
        Failure::Foreign(why) => OpenError::Foreign { path, why },
        Failure::Damaged(why) | Failure::Io(why) => OpenError::Io { path, why },
    }
}

/// One more connection to an opened file (a reader, the bulk reader, the checkpointer).
pub fn open_more(path: &Path) -> Result<Connection, OpenError> {
    Connection::open(path).map_err(|e| OpenError::Io {
        path: path.to_path_buf(),
        why: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_garbage_is_damaged_and_another_database_is_foreign() {
        let dir = tempfile::tempdir().expect("dir");
        let garbage = dir.path().join("garbage.sqlite3");
        std::fs::write(&garbage, vec![0x5a; 8192]).expect("write");
        assert!(matches!(open_checked(&garbage), Err(Failure::Damaged(_))));

        let other = dir.path().join("other.sqlite3");
        let conn = Connection::open(&other).expect("open");
        conn.execute_batch("CREATE TABLE invoices (id INTEGER)")
            .expect("table");
        drop(conn);
        assert!(matches!(open_checked(&other), Err(Failure::Foreign(_))));
    }

    #[test]
    fn a_second_lock_on_the_same_file_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("state.sqlite3");
        let held = lock(&path).expect("first");
        assert_eq!(lock(&path).err(), Some(OpenError::InUse(path.clone())));
        drop(held);
        assert!(lock(&path).is_ok(), "released with the file");
    }
}

#[cfg(test)]
mod cleanup_tests {
    use super::*;

    /// A temporary state directory as a run leaves it, its mtime two minutes back.
    fn left_behind(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "{TEMPORARY_PREFIX}test-{tag}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(lock_path(&dir.join("state.sqlite3")), b"").expect("lock file");
        let past = std::time::SystemTime::now() - Duration::from_secs(120);
        File::open(&dir)
            .and_then(|d| d.set_modified(past))
            .expect("mtime");
        dir
    }

    #[test]
    fn abandoned_temporary_states_are_removed_and_held_ones_kept() {
        let abandoned = left_behind("abandoned");
        let held_dir = left_behind("held");
        let held = lock(&held_dir.join("state.sqlite3")).expect("held");
        let past = std::time::SystemTime::now() - Duration::from_secs(120);
        File::open(&held_dir)
            .and_then(|d| d.set_modified(past))
            .expect("mtime");
        remove_abandoned_temporaries();
        assert!(!abandoned.exists(), "its run is over");
        assert!(held_dir.exists(), "its run holds the lock");
        drop(held);
        let _ = std::fs::remove_dir_all(&held_dir);
    }
}
