//! The history store: one JSON record per line in `history.jsonl`.
//!
//! JSONL rather than SQLite: appending a line is one write, a torn or damaged line costs
//! that line only, the file is readable with `grep`/`jq`, and no C library is needed.
//! Loading never changes the file: unreadable lines are skipped and counted. Growth is
//! bounded by rotation (`history.jsonl` → `history.1.jsonl` …, the oldest dropped).

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::record::Record;
use crate::api::Exchange;

/// Rotation limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rotate when the live file would grow past this.
    pub max_bytes: u64,
    /// Rotated files kept besides the live one.
    pub keep_files: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
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
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    limits: Limits,
    next_id: u64,
    file: Option<File>,
    size: u64,
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
pub fn load(dir: &Path, limits: Limits) -> Loaded {
    let mut loaded = Loaded::default();
    let mut paths: Vec<PathBuf> = (1..=limits.keep_files.max(1))
        .rev()
        .map(|n| rotated_path(dir, n))
        .collect();
    paths.push(live_path(dir));
    for path in paths {
        // Only regular files: a device or FIFO in the store's place (e.g. /dev/full, which
        // reads as endless zeros) must not be read.
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            continue;
        }
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
/// there is none): enough to continue the sequence without loading everything.
pub fn last_id(dir: &Path, limits: Limits) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let mut paths = vec![live_path(dir)];
    paths.extend((1..=limits.keep_files.max(1)).map(|n| rotated_path(dir, n)));
    for path in paths {
        let Ok(mut file) = File::open(&path) else {
            continue;
        };
        let Ok(meta) = file.metadata() else { continue };
        if !meta.is_file() || meta.len() == 0 {
            continue;
        }
        let tail = meta.len().min(256 * 1024);
        let mut buf = Vec::new();
        if file.seek(SeekFrom::End(-(tail as i64))).is_err()
            || file.take(tail).read_to_end(&mut buf).is_err()
        {
            continue;
        }
        let found = buf
            .split(|b| *b == b'\n')
            .filter_map(|line| serde_json::from_slice::<serde_json::Value>(line).ok())
            .filter_map(|v| v.get("id").and_then(serde_json::Value::as_u64))
            .max();
        if let Some(id) = found {
            return id;
        }
    }
    0
}

impl Store {
    /// Opens (creating) the store in `dir`; `next_id` continues after `loaded`.
    /// An unwritable dir or file is not fatal: `last_error` says why, writes are dropped.
    pub fn open(dir: &Path, limits: Limits, loaded: &Loaded) -> Store {
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
    pub fn open_lazily(dir: &Path, limits: Limits) -> Store {
        Store::open_at(dir, limits, last_id(dir, limits) + 1)
    }

    fn open_at(dir: &Path, limits: Limits, next_id: u64) -> Store {
        let mut store = Store {
            dir: dir.to_path_buf(),
            limits,
            next_id,
            file: None,
            size: 0,
            last_error: None,
        };
        store.reopen();
        store
    }

    fn reopen(&mut self) {
        let result = fs::create_dir_all(&self.dir).and_then(|_| {
            let mut options = OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(live_path(&self.dir))
        });
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

    /// Appends an exchange (redacted again) and returns its record.
    pub fn append(&mut self, exchange: Exchange) -> Record {
        let record = Record::new(self.next_id, exchange);
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
        record
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
        let mut store = Store::open(&dir, Limits::default(), &Loaded::default());
        let r = store.append(ex(r#"{"card_number":"4444333322221111","cvc":"123"}"#));
        assert_eq!(r.purchase_id.as_deref(), Some("64bfdb7df63e36669499e82f"));
        let text = fs::read_to_string(store.path()).expect("file");
        assert!(
            !text.contains("4444333322221111")
                && !text.contains("\"cvc\"")
                && !text.contains("sk_live_x")
        );
        let loaded = load(&dir, Limits::default());
        assert_eq!(loaded.records.len(), 1);
        assert_eq!(loaded.skipped, 0);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn damaged_lines_are_skipped_and_the_file_is_left_as_it_was() {
        let dir = tmp("damaged");
        let mut store = Store::open(&dir, Limits::default(), &Loaded::default());
        store.append(ex("{}"));
        store.append(ex("{}"));
        drop(store);
        let path = live_path(&dir);
        let mut text = fs::read_to_string(&path).expect("file");
        text.insert_str(0, "garbage line\n\u{0}\u{1}binary\n");
        text.push_str("{\"v\":1,\"id\":99,\"kind\":\"api\",\"trunc");
        fs::write(&path, &text).expect("write");
        let loaded = load(&dir, Limits::default());
        assert_eq!(loaded.records.len(), 2);
        assert_eq!(loaded.skipped, 3);
        assert_eq!(
            fs::read_to_string(&path).expect("file"),
            text,
            "loading changes nothing"
        );
        let store = Store::open(&dir, Limits::default(), &loaded);
        assert_eq!(store.next_id, 3);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn lazy_open_continues_the_sequence() {
        let dir = tmp("lazy");
        let mut store = Store::open(&dir, Limits::default(), &Loaded::default());
        for _ in 0..5 {
            store.append(ex("{}"));
        }
        drop(store);
        let mut again = Store::open_lazily(&dir, Limits::default());
        assert_eq!(again.append(ex("{}")).id, 6);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn rotation_bounds_growth() {
        let dir = tmp("rotate");
        let limits = Limits {
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
        let mut store = Store::open(&dir, Limits::default(), &Loaded::default());
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
        let mut store = Store::open(&blocker, Limits::default(), &Loaded::default());
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
}
