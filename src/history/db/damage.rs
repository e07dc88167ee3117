//! Damage found after the history database was opened. The start-up integrity check has
//! a 5 ms budget, so on a large file damage may first show as a read (or write) error in
//! the middle of a session. Then a marker, `history.sqlite3-damaged`, is left beside the
//! file with what was found, and this session goes on (the damaged rows read as errors,
//! reported). The next start treats the file as one that fails its check: renamed to
//! `history.sqlite3.damaged-<UTC time>`, nothing deleted, a fresh history started, and
//! says so. (The sandbox's store does the same for its state file: the marker's name and
//! the setting aside are `crate::sqlite_file`'s, which both use.)

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use crate::history::safe_file;

/// Longest reason kept in (and read back from) the marker.
const MAX_REASON: usize = 500;

/// The marker beside the database at `path`.
pub fn marker_path(path: &Path) -> PathBuf {
    crate::sqlite_file::damage_marker(path)
}

/// Whether `e` says the file itself is damaged (not busy, not full, not refused).
pub fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

/// Leaves the marker for the database at `path` when `e` is damage; true when it did (or
/// one was there already).
pub fn mark(path: &Path, e: &rusqlite::Error) -> bool {
    if !is_damage(e) {
        return false;
    }
    let marker = marker_path(path);
    if marker.exists() {
        return true;
    }
    let why: String = e.to_string().chars().take(MAX_REASON).collect();
    safe_file::open_append(&marker, false)
        .and_then(|mut f| f.write_all(why.as_bytes()))
        .is_ok()
}

/// What the marker says, when there is one (its text bounded and printable).
pub fn marked(path: &Path) -> Option<String> {
    let file = safe_file::open_read(&marker_path(path)).ok()??;
    let mut text = String::new();
    // A marker that cannot be read still says the file is damaged.
    let _ = file.take(4 * MAX_REASON as u64).read_to_string(&mut text);
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    Some(if text.trim().is_empty() {
        "found damaged during an earlier session".into()
    } else {
        text
    })
}

/// Removes the marker (after the file was set aside).
pub fn clear(path: &Path) {
    let _ = std::fs::remove_file(marker_path(path));
}

/// What to tell the user once the read error `e` is known damage.
pub fn explain(e: &rusqlite::Error) -> String {
    format!(
        "history: {e} — the history file is damaged; the next start keeps it aside and starts a fresh one"
    )
}
