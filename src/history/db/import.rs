//! The one-time import of `history.jsonl` (and `history.N.jsonl`) into the database:
//! every readable record is stored with its id, unreadable lines are counted (as loading
//! always did), and each file is then renamed `….imported` — kept, never deleted.
//! Running it again stores nothing twice: a record whose id is already there with the
//! same content is skipped; a different one under that id gets the next free id.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};

use super::insert_keeping;
use crate::history::record::Record;
use crate::history::store::{self, RotationLimits};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Records stored.
    pub records: usize,
    /// Records already there (an import run before).
    pub already: usize,
    /// Lines that could not be read.
    pub skipped: usize,
    /// Files refused (a FIFO, a link, a directory in a history file's place), described.
    pub refused: Vec<String>,
    /// The files imported, as they are now named.
    pub kept_as: Vec<PathBuf>,
}

/// The JSONL files of the old store, oldest first, that exist as regular files.
fn files(dir: &Path, rotation: RotationLimits) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = (1..=rotation.keep_files.max(1))
        .rev()
        .map(|n| dir.join(format!("history.{n}.jsonl")))
        .collect();
    paths.push(store::live_path(dir));
    paths
        .into_iter()
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect()
}

/// `history.jsonl` → `history.jsonl.imported` (`….imported-2` … when taken).
fn keep_aside(path: &Path) -> std::io::Result<PathBuf> {
    let base = PathBuf::from(format!("{}.imported", path.display()));
    let mut target = base.clone();
    let mut n = 1;
    while std::fs::symlink_metadata(&target).is_ok() {
        n += 1;
        target = PathBuf::from(format!("{}-{n}", base.display()));
    }
    std::fs::rename(path, &target)?;
    Ok(target)
}

/// Imports the JSONL store in `dir`, if there is one.
pub fn run(
    conn: &mut Connection,
    dir: &Path,
    rotation: RotationLimits,
) -> Result<Imported, String> {
    let mut imported = Imported::default();
    if files(dir, rotation).is_empty() {
        return Ok(imported);
    }
    // Under the write lock: two instances starting together import once.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| e.to_string())?;
    let present = files(dir, rotation);
    if present.is_empty() {
        return Ok(imported);
    }
    let loaded = store::load(dir, rotation);
    imported.skipped = loaded.skipped;
    imported.refused = loaded.refused;
    for record in loaded.records {
        // Redacted again: the file may come from anywhere.
        let mut record = Record::new(record.id, record.exchange);
        if insert_keeping(&tx, &mut record).map_err(|e| e.to_string())? {
            imported.records += 1;
        } else {
            imported.already += 1;
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    // Only regular files were read; a refused one (a FIFO, a link) is left where it is.
    for path in present {
        if crate::history::safe_file::refusal(&path).is_some() {
            continue;
        }
        let kept = keep_aside(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        imported.kept_as.push(kept);
    }
    Ok(imported)
}
