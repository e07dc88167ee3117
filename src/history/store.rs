//! The old history store: one JSON record per line in `history.jsonl`. The history now
//! lives in `history.sqlite3` (see [`super::db`]); this format is read once, by the
//! import, and kept for the import's tests (which write it as earlier versions did).
//!
//! JSONL rather than SQLite: appending a line is one write, a torn or damaged line costs
//! that line only, the file is readable with `grep`/`jq`, and no C library is needed.
//! Loading never changes the file: unreadable lines are skipped and counted. Growth is
//! bounded by rotation (`history.jsonl` → `history.1.jsonl` …, the oldest dropped) and
//! by a cap on each record (see [`super::cap`]).
//!
//! Several instances may append to one store. Each append holds an advisory lock on
//! `history.lock` and, when the live file is not as this instance left it, continues
//! the id sequence after the newest record on disk: ids stay unique across processes,
//! so `history --curl N` names one record.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::cap;
use super::record::Record;
use super::safe_file;
use crate::api::Exchange;
use crate::config::HistoryConfig;

/// How long an append waits for another instance's lock (it is held for one write):
/// then it writes anyway rather than lose the record or hang.
const LOCK_TRIES: u32 = 200;
const LOCK_WAIT: Duration = Duration::from_millis(5);

/// How far the history files may grow before they rotate, and how many are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationLimits {
    /// Rotate when the live file would grow past this.
    pub max_bytes: u64,
    /// Rotated files kept besides the live one.
    pub keep_files: u32,
}

impl RotationLimits {
    /// The limits `[history]` in the config file asks for, within sane bounds (a file of
    /// at least 4 KiB, at most 100 rotated files); the defaults where it says nothing.
    pub fn from_config(config: &HistoryConfig) -> RotationLimits {
        let d = RotationLimits::default();
        RotationLimits {
            max_bytes: config.max_bytes.unwrap_or(d.max_bytes).max(4096),
            keep_files: config.keep_files.unwrap_or(d.keep_files).min(100),
        }
    }

    /// The longest line one record may take: a quarter of the rotation size, within
    /// 1 KiB … 1 MiB, so one record never outgrows a file.
    pub fn record_bytes(&self) -> usize {
        usize::try_from((self.max_bytes / 4).clamp(1024, 1024 * 1024)).unwrap_or(1024 * 1024)
    }
}

impl Default for RotationLimits {
    fn default() -> Self {
        RotationLimits {
            max_bytes: 20 * 1024 * 1024,
            keep_files: 2,
        }
    }
}

/// What loading found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Good records, oldest first (rotated files first).
    pub records: Vec<Record>,
    /// Lines that could not be read.
    pub skipped: usize,
    /// Files refused (a FIFO, a link, a directory in a history file's place), described.
    pub refused: Vec<String>,
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    limits: RotationLimits,
    next_id: u64,
    file: Option<File>,
    size: u64,
    /// `history.lock`, opened once.
    lock: Option<File>,
    /// The live file as this instance left it (device, inode, length): anything else
    /// means another instance wrote or rotated since.
    seen: Option<(u64, u64, u64)>,
    /// Why the last write failed, if it did (the app keeps running in memory).
    pub last_error: Option<String>,
}

/// The live file in `dir`.
pub fn live_path(dir: &Path) -> PathBuf {
    dir.join("history.jsonl")
}

fn rotated_path(dir: &Path, n: u32) -> PathBuf {
    dir.join(format!("history.{n}.jsonl"))
}

/// Reads every record of the store in `dir` (rotated files first), skipping bad lines.
pub fn load(dir: &Path, limits: RotationLimits) -> Loaded {
    let mut loaded = Loaded::default();
    let mut paths: Vec<PathBuf> = (1..=limits.keep_files.max(1))
        .rev()
        .map(|n| rotated_path(dir, n))
        .collect();
    paths.push(live_path(dir));
    for path in paths {
        // Only regular files: a device or FIFO in the store's place (e.g. /dev/full, which
        // reads as endless zeros; a FIFO, whose open would block) must not be read.
        let file = match safe_file::open_read(&path) {
            Ok(Some(file)) => file,
            Ok(None) => continue,
            Err(e) => {
                loaded.refused.push(e.to_string());
                continue;
            }
        };
        for line in BufReader::new(file).split(b'\n') {
            let Ok(line) = line else {
                loaded.skipped += 1;
                break;
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Record>(&line) {
                Ok(record) => loaded.records.push(record),
                Err(_) => loaded.skipped += 1,
            }
        }
    }
    loaded
}

/// The id of the newest record, read from the tail of the newest non-empty file (0 when
/// there is none): enough to continue the sequence without loading everything. The tail
/// grows once to hold a whole record of the largest size (see [`RotationLimits::record_bytes`]).
pub fn last_id(dir: &Path, limits: RotationLimits) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let mut paths = vec![live_path(dir)];
    paths.extend((1..=limits.keep_files.max(1)).map(|n| rotated_path(dir, n)));
    for path in paths {
        let Ok(Some(mut file)) = safe_file::open_read(&path) else {
            continue;
        };
        let Ok(meta) = file.metadata() else { continue };
        for tail in [256 * 1024, 2 * 1024 * 1024 + 1] {
            let tail = meta.len().min(tail);
            let mut buf = Vec::new();
            if tail == 0
                || file.seek(SeekFrom::End(-(tail as i64))).is_err()
                || (&mut file).take(tail).read_to_end(&mut buf).is_err()
            {
                break;
            }
            let found = buf
                .split(|b| *b == b'\n')
                .filter_map(|line| serde_json::from_slice::<serde_json::Value>(line).ok())
                .filter_map(|v| v.get("id").and_then(serde_json::Value::as_u64))
                .max();
            if let Some(id) = found {
                return id;
            }
            if tail == meta.len() {
                break;
            }
        }
    }
    0
}

/// Device, inode and length of the live file, when it is a regular file.
fn identity(meta: &fs::Metadata) -> (u64, u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino(), meta.len())
    }
    #[cfg(not(unix))]
    {
        (0, 0, meta.len())
    }
}

fn identity_at(path: &Path) -> Option<(u64, u64, u64)> {
    fs::symlink_metadata(path)
        .ok()
        .filter(fs::Metadata::is_file)
        .map(|m| identity(&m))
}

impl Store {
    /// Opens (creating) the store in `dir`; `next_id` continues after `loaded`.
    /// An unwritable dir or file is not fatal: `last_error` says why, writes are dropped.
    pub fn open(dir: &Path, limits: RotationLimits, loaded: &Loaded) -> Store {
        let next_id = loaded
            .records
            .iter()
            .map(|r| r.id)
            .max()
            .map_or(1, |m| m + 1);
        Store::open_at(dir, limits, next_id)
    }

    /// Opens the store without reading it all: ids continue after the last record found
    /// at the end of the newest file (see [`last_id`]).
    pub fn open_lazily(dir: &Path, limits: RotationLimits) -> Store {
        Store::open_at(dir, limits, last_id(dir, limits) + 1)
    }

    fn open_at(dir: &Path, limits: RotationLimits, next_id: u64) -> Store {
        let mut store = Store {
            dir: dir.to_path_buf(),
            limits,
            next_id,
            file: None,
            size: 0,
            lock: None,
            seen: None,
            last_error: None,
        };
        store.reopen();
        store
    }

    fn reopen(&mut self) {
        if let Some(why) = safe_file::refusal(&live_path(&self.dir)) {
            self.file = None;
            self.last_error = Some(format!("history not saved: {why}"));
            return;
        }
        let result = crate::dir_create::create_dir_all(&self.dir)
            .and_then(|_| safe_file::open_append(&live_path(&self.dir), false));
        match result {
            Ok(file) => {
                self.size = file.metadata().map(|m| m.len()).unwrap_or(0);
                self.file = Some(file);
                self.last_error = None;
            }
            Err(e) => {
                self.file = None;
                self.last_error = Some(format!(
                    "history not saved ({}): {e}",
                    live_path(&self.dir).display()
                ));
            }
        }
    }

    /// Where the live file is.
    pub fn path(&self) -> PathBuf {
        live_path(&self.dir)
    }

    /// Appends an exchange (redacted again, then cut to the record cap) and returns its
    /// record.
    pub fn append(&mut self, exchange: Exchange) -> Record {
        let locked = self.lock();
        self.catch_up();
        let mut record = Record::new(self.next_id, exchange);
        cap::fit(&mut record, self.limits.record_bytes());
        self.next_id += 1;
        let mut line = serde_json::to_vec(&record).unwrap_or_default();
        line.push(b'\n');
        if self.size + line.len() as u64 > self.limits.max_bytes && self.size > 0 {
            self.rotate();
        }
        if self.file.is_none() {
            self.reopen();
        }
        if let Some(file) = &mut self.file {
            // One write call per line: with O_APPEND, concurrent writers never interleave
            // inside a line.
            match file.write_all(&line) {
                Ok(()) => {
                    self.size += line.len() as u64;
                    self.last_error = None;
                }
                Err(e) => {
                    self.last_error = Some(format!(
                        "history not saved ({}): {e}",
                        self.path().display()
                    ));
                    self.file = None;
                }
            }
        }
        self.seen = identity_at(&self.path());
        if locked && let Some(lock) = &self.lock {
            safe_file::unlock(lock);
        }
        record
    }

    /// Takes `history.lock` (bounded wait); false when it cannot be had.
    fn lock(&mut self) -> bool {
        if self.lock.is_none() {
            self.lock = safe_file::open_append(&self.dir.join("history.lock"), false).ok();
        }
        let Some(lock) = &self.lock else {
            return false;
        };
        for _ in 0..LOCK_TRIES {
            match safe_file::try_lock(lock) {
                Ok(true) => return true,
                Ok(false) => std::thread::sleep(LOCK_WAIT),
                Err(_) => return false,
            }
        }
        false
    }

    /// Under the lock: if the live file is not as this instance left it (another
    /// instance appended or rotated, or this is the first append), the sequence goes on
    /// after the newest id on disk and the live file is reopened if it was replaced.
    fn catch_up(&mut self) {
        let now = identity_at(&self.path());
        if now.is_some() && now == self.seen {
            return;
        }
        self.next_id = self.next_id.max(last_id(&self.dir, self.limits) + 1);
        let ours = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| identity(&m));
        let same_file = matches!((ours, now), (Some(a), Some(b)) if (a.0, a.1) == (b.0, b.1));
        if same_file {
            self.size = now.map_or(0, |n| n.2);
        } else {
            self.file = None;
            self.reopen();
        }
    }

    /// `history.jsonl` → `history.1.jsonl` → … ; the oldest beyond `keep_files` is removed.
    fn rotate(&mut self) {
        self.file = None;
        let keep = self.limits.keep_files;
        if keep == 0 {
            let _ = fs::remove_file(self.path());
        } else {
            let _ = fs::remove_file(rotated_path(&self.dir, keep));
            for n in (1..keep).rev() {
                let _ = fs::rename(rotated_path(&self.dir, n), rotated_path(&self.dir, n + 1));
            }
            let _ = fs::rename(self.path(), rotated_path(&self.dir, 1));
        }
        self.size = 0;
        self.reopen();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ExchangeKind;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("pse-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    fn ex(body: &str) -> Exchange {
        Exchange {
            request_headers: vec![("Authorization".into(), "Bearer sk_live_x".into())],
            request_body: Some(body.into()),
            status: Some(202),
            ..Exchange::new(
                ExchangeKind::Api,
                "POST",
                "http://h/api/v1/p/64bfdb7df63e36669499e82f/?s2s=true",
                1,
            )
        }
    }

    #[test]
    fn append_redacts_and_load_reads_back() {
        let dir = tmp("rt");
        let mut store = Store::open(&dir, RotationLimits::default(), &Loaded::default());
        let r = store.append(ex(r#"{"card_number":"4444333322221111","cvc":"123"}"#));
        assert_eq!(r.purchase_id.as_deref(), Some("64bfdb7df63e36669499e82f"));
        let text = fs::read_to_string(store.path()).expect("file");
        assert!(
            !text.contains("4444333322221111")
                && !text.contains("\"cvc\"")
                && !text.contains("sk_live_x")
        );
        let loaded = load(&dir, RotationLimits::default());
        assert_eq!(loaded.records.len(), 1);
        assert_eq!(loaded.skipped, 0);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn damaged_lines_are_skipped_and_the_file_is_left_as_it_was() {
        let dir = tmp("damaged");
        let mut store = Store::open(&dir, RotationLimits::default(), &Loaded::default());
        store.append(ex("{}"));
        store.append(ex("{}"));
        drop(store);
        let path = live_path(&dir);
        let mut text = fs::read_to_string(&path).expect("file");
        text.insert_str(0, "garbage line\n\u{0}\u{1}binary\n");
        text.push_str("{\"v\":1,\"id\":99,\"kind\":\"api\",\"trunc");
        fs::write(&path, &text).expect("write");
        let loaded = load(&dir, RotationLimits::default());
        assert_eq!(loaded.records.len(), 2);
        assert_eq!(loaded.skipped, 3);
        assert_eq!(
            fs::read_to_string(&path).expect("file"),
            text,
            "loading changes nothing"
        );
        let store = Store::open(&dir, RotationLimits::default(), &loaded);
        assert_eq!(store.next_id, 3);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn lazy_open_continues_the_sequence() {
        let dir = tmp("lazy");
        let mut store = Store::open(&dir, RotationLimits::default(), &Loaded::default());
        for _ in 0..5 {
            store.append(ex("{}"));
        }
        drop(store);
        let mut again = Store::open_lazily(&dir, RotationLimits::default());
        assert_eq!(again.append(ex("{}")).id, 6);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn rotation_bounds_growth() {
        let dir = tmp("rotate");
        let limits = RotationLimits {
            max_bytes: 2_000,
            keep_files: 2,
        };
        let mut store = Store::open(&dir, limits, &Loaded::default());
        for _ in 0..200 {
            store.append(ex("{}"));
        }
        let total: u64 = fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        assert!(total <= 3 * 2_000, "{total} bytes");
        assert!(rotated_path(&dir, 2).exists());
        assert!(!rotated_path(&dir, 3).exists());
        let loaded = load(&dir, limits);
        assert!(!loaded.records.is_empty());
        let ids: Vec<u64> = loaded.records.iter().map(|r| r.id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "oldest first across files"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn read_only_dir_is_reported_not_fatal() {
        use std::os::unix::fs::PermissionsExt;
        if nix_is_root() {
            return; // root ignores permissions; the flow is covered by the missing-dir case
        }
        let dir = tmp("ro");
        fs::create_dir_all(&dir).expect("dir");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).expect("chmod");
        let mut store = Store::open(&dir, RotationLimits::default(), &Loaded::default());
        store.append(ex("{}"));
        assert!(store.last_error.is_some());
        let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o700));
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    fn nix_is_root() -> bool {
        std::env::var("USER").is_ok_and(|u| u == "root")
            || std::env::var("HOME").is_ok_and(|h| h == "/root")
    }

    #[test]
    fn unusable_location_is_reported_not_fatal() {
        // A file where the directory should be: creating the dir fails for everyone.
        let base = tmp("blocked");
        fs::create_dir_all(&base).expect("dir");
        let blocker = base.join("not-a-dir");
        fs::write(&blocker, "x").expect("file");
        let mut store = Store::open(&blocker, RotationLimits::default(), &Loaded::default());
        let record = store.append(ex("{}"));
        assert_eq!(record.id, 1, "the record still exists in memory");
        assert!(
            store
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("history not saved"))
        );
        let _ = fs::remove_dir_all(&base);
    }

    #[test]
    fn concurrent_writers_never_reuse_an_id() {
        let dir = tmp("concurrent");
        let limits = RotationLimits {
            max_bytes: 16 * 1024,
            keep_files: 100,
        };
        // Four stores on one directory, as four processes would have: each its own file
        // descriptions, so the advisory lock is what keeps them apart.
        let writers: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    let mut store = Store::open_lazily(&dir, limits);
                    (0..50)
                        .map(|_| store.append(ex("{}")).id)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut ids: Vec<u64> = writers
            .into_iter()
            .flat_map(|w| w.join().expect("writer"))
            .collect();
        ids.sort_unstable();
        let returned = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), returned, "an id was handed out twice");
        let on_disk: Vec<u64> = load(&dir, limits).records.iter().map(|r| r.id).collect();
        assert_eq!(on_disk.len(), 200);
        assert!(on_disk.windows(2).all(|w| w[0] < w[1]), "{on_disk:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_huge_record_is_cut_and_the_rotation_limit_holds() {
        let dir = tmp("huge");
        let limits = RotationLimits {
            max_bytes: 64 * 1024,
            keep_files: 1,
        };
        let mut store = Store::open(&dir, limits, &Loaded::default());
        let mut big = ex("{}");
        big.response_body = Some("x".repeat(5 * 1024 * 1024));
        for _ in 0..3 {
            let r = store.append(big.clone());
            let body = r.exchange.response_body.expect("body");
            assert!(body.ends_with(" bytes]") && body.contains("…[truncated "));
        }
        for path in [live_path(&dir), rotated_path(&dir, 1)] {
            let len = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            assert!(len <= limits.max_bytes, "{} is {len} bytes", path.display());
        }
        let text = fs::read_to_string(live_path(&dir)).expect("file");
        assert!(text.lines().all(|l| l.len() < limits.record_bytes()));
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_in_the_history_file_place_is_refused_at_once() {
        let dir = tmp("fifo");
        fs::create_dir_all(&dir).expect("dir");
        let made = std::process::Command::new("mkfifo")
            .arg(live_path(&dir))
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        let d = dir.clone();
        std::thread::spawn(move || {
            let loaded = load(&d, RotationLimits::default());
            let mut store = Store::open(&d, RotationLimits::default(), &loaded);
            store.append(ex("{}"));
            let _ = tx.send((loaded.refused, store.last_error.clone()));
        });
        let (refused, error) = rx
            .recv_timeout(Duration::from_secs(1))
            .expect("no hang on a FIFO");
        assert!(refused[0].contains("FIFO"), "{refused:?}");
        let error = error.expect("refused");
        assert!(
            error.contains("FIFO") && error.contains("history not saved"),
            "{error}"
        );
        // A symbolic link is not followed: its target stays untouched.
        fs::remove_file(live_path(&dir)).expect("rm");
        let target = dir.join("elsewhere");
        fs::write(&target, "").expect("target");
        std::os::unix::fs::symlink(&target, live_path(&dir)).expect("link");
        let mut store = Store::open_lazily(&dir, RotationLimits::default());
        store.append(ex("{}"));
        assert!(
            store
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("symbolic link"))
        );
        assert_eq!(fs::metadata(&target).expect("target").len(), 0);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_is_reported_not_fatal() {
        let dir = tmp("enospc");
        let mut store = Store::open(&dir, RotationLimits::default(), &Loaded::default());
        store.append(ex("{}"));
        // The live file as this store left it, but writes going to a full device.
        store.file = Some(
            fs::OpenOptions::new()
                .append(true)
                .open("/dev/full")
                .expect("/dev/full"),
        );
        let record = store.append(ex("{}"));
        assert_eq!(record.id, 2, "the record still exists in memory");
        let error = store.last_error.clone().expect("reported");
        assert!(error.contains("history not saved") && error.to_lowercase().contains("space"));
        store.append(ex("{}"));
        assert_eq!(
            load(&dir, RotationLimits::default()).records.len(),
            2,
            "reopened"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
