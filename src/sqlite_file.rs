//! Files of an SQLite database beside each other (`FILE`, `FILE-wal`, `FILE-shm`, markers),
//! setting a damaged one aside, and writing a new file's schema. Shared by the sandbox's state store and the explorer's
//! history, which may not name each other.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Creates a schema (`CREATE … IF NOT EXISTS` statements) and sets `user_version`, in one
/// transaction. Run one by one, each statement was a commit of its own: a new state file
/// waited for the disk 17 times (≈ 30 ms of a `serve` start, strace -f -T). On an error
/// nothing of it is kept.
pub fn create_schema(
    conn: &rusqlite::Connection,
    create: &str,
    version: i64,
) -> rusqlite::Result<()> {
    let batch = format!("BEGIN IMMEDIATE;\n{create}\nPRAGMA user_version = {version};\nCOMMIT;");
    conn.execute_batch(&batch).inspect_err(|_| {
        // Still inside the transaction if a statement failed: leave the file as it was.
        let _ = conn.execute_batch("ROLLBACK");
    })
}

/// `path` with `suffix` appended to its file name (`state.sqlite3` → `state.sqlite3-wal`).
pub fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// The marker left beside a database found damaged while in use (`FILE-damaged`): the
/// next start sets the file aside.
pub fn damage_marker(path: &Path) -> PathBuf {
    suffixed(path, "-damaged")
}

/// Renames a damaged file (and its `-wal` and `-shm`) to `FILE.damaged-<UTC time>`, with
/// `-2`, `-3`… when that is taken; returns the new name of the main file. Nothing is
/// deleted.
pub fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = utc_stamp(crate::clock::now_epoch());
    let base = suffixed(path, &format!(".damaged-{stamp}"));
    let mut target = base.clone();
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = suffixed(&base, &format!("-{n}"));
    }
    std::fs::rename(path, &target)?;
    for side in ["-wal", "-shm"] {
        let from = suffixed(path, side);
        if from.exists() {
            std::fs::rename(&from, suffixed(&target, side))?;
        }
    }
    Ok(target)
}

/// `20260102T030405Z`.
fn utc_stamp(epoch: i64) -> String {
    let (y, m, d) = crate::clock::civil_from_days(epoch.div_euclid(86_400));
    let s = epoch.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole schema and its version land together, and a failing statement leaves
    /// nothing of it (no table, version 0) and no transaction open.
    #[test]
    fn a_schema_is_created_whole_or_not_at_all() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        let version = |c: &rusqlite::Connection| -> i64 {
            c.query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("version")
        };
        let bad = "CREATE TABLE a (x); CREATE TABLE IF NOT EXISTS b (y); NOT SQL;";
        assert!(create_schema(&conn, bad, 3).is_err());
        assert_eq!(version(&conn), 0);
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get(0))
            .expect("count");
        assert_eq!(tables, 0, "nothing of a failed schema is kept");
        assert!(conn.is_autocommit(), "no transaction left open");
        let good = "CREATE TABLE IF NOT EXISTS a (x); CREATE INDEX IF NOT EXISTS a_x ON a(x);";
        create_schema(&conn, good, 3).expect("created");
        assert_eq!(version(&conn), 3);
        create_schema(&conn, good, 3).expect("again: nothing to do");
    }

    #[test]
    fn utc_stamps_are_sortable_and_readable() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_767_323_045), "20260102T030405Z");
    }

    #[test]
    fn a_damaged_file_and_its_sides_move_aside_under_a_free_name() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("x.sqlite3");
        for (name, body) in [("", "main"), ("-wal", "wal"), ("-shm", "shm")] {
            std::fs::write(suffixed(&file, name), body).expect("write");
        }
        let first = set_aside(&file).expect("aside");
        assert_eq!(std::fs::read_to_string(&first).expect("kept"), "main");
        assert_eq!(
            std::fs::read_to_string(suffixed(&first, "-wal")).expect("wal"),
            "wal"
        );
        assert!(!file.exists() && !suffixed(&file, "-shm").exists());
        std::fs::write(&file, "again").expect("write");
        let second = set_aside(&file).expect("aside");
        assert_ne!(first, second, "a second one in the same second gets -2");
        assert_eq!(std::fs::read_to_string(&second).expect("kept"), "again");
    }
}
