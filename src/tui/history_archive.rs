//! The part of the history pane below this session's rows: earlier sessions' rows, read
//! from `history.sqlite3` a window at a time. Only the rows on screen (list columns, no
//! bodies) and the whole record of the selected row (or the one the detail shows) are
//! kept in memory, so a million rows cost what a screenful does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::app::EarlierRows;
use crate::api::Exchange;
use crate::history::db::query::Reader;

/// Rows kept from the last windows read (list columns only).
const ROW_CACHE: usize = 2_048;
/// Matches found before the filter's first screen is drawn; more as the user scrolls.
pub const FIRST_MATCHES: usize = 200;
/// How long End may search for the last match of a filter before it shows what it has.
const FIND_ALL_BUDGET: std::time::Duration = std::time::Duration::from_secs(1);
/// Most matches an archive filter ever holds (`seq`s, 8 bytes each).
const MAX_MATCHES: usize = 1_000_000;

/// The filter over the archive: matching `seq`s newest first, found so far.
#[derive(Debug, Clone)]
struct Matches {
    needle: String,
    seqs: Vec<i64>,
    more_below: Option<i64>,
}

/// Earlier sessions' rows, `seq` ≤ `newest` (rows stored after the pane opened are this
/// session's, shown above).
#[derive(Debug, Clone)]
pub struct Archive {
    reader: Arc<Mutex<Reader>>,
    newest: i64,
    oldest: i64,
    rows: HashMap<i64, Exchange>,
    full: Vec<(i64, Exchange)>,
    matches: Option<Matches>,
    /// Why the last read failed (shown once by whoever asks).
    pub error: Option<String>,
    /// The user scrolled down since the last draw: only then may a filter look for more
    /// matches (a short needle's step reads thousands of rows; ticks must not pay it).
    demand: bool,
    /// Search steps made for the filter, ever (what tests count).
    scan_steps: usize,
}

impl Archive {
    /// The rows of `reader` as they are now (perhaps none: this session's rows fall
    /// through to it as the pane trims them from memory).
    pub fn open(reader: Reader) -> Result<Archive, String> {
        // An empty table hands out `seq` 1 first.
        let (oldest, newest) = reader
            .bounds()
            .map_err(|e| e.to_string())?
            .unwrap_or((1, 0));
        Ok(Archive {
            reader: Arc::new(Mutex::new(reader)),
            newest,
            oldest,
            rows: HashMap::new(),
            full: Vec::new(),
            matches: None,
            error: None,
            demand: false,
            scan_steps: 0,
        })
    }

    /// The newest `seq` shown.
    pub fn newest_seq(&self) -> i64 {
        self.newest
    }

    /// Search steps made for the filter so far.
    pub fn scan_steps(&self) -> usize {
        self.scan_steps
    }

    /// The user scrolled toward the end: the next [`Archive::prepare`] may look for more
    /// matches of the filter.
    pub fn want_more(&mut self) {
        self.demand = true;
    }

    /// Shows the rows up to `seq` too (this session's, trimmed from the pane's memory);
    /// returns how many shown rows that adds on top (those matching the filter, if any).
    pub fn extend_to(&mut self, seq: i64) -> usize {
        if seq <= self.newest {
            return 0;
        }
        let floor = self.newest;
        self.newest = seq;
        // The writer drops the oldest rows past its limits.
        let bounds = self.reader().bounds();
        if let Ok(Some((oldest, _))) = bounds {
            self.oldest = oldest;
        }
        let Some(needle) = self.matches.as_ref().map(|m| m.needle.clone()) else {
            return usize::try_from(seq - floor).unwrap_or(0);
        };
        // Only the new rows are searched (a trim's batch: bounded), newest first.
        let mut found = Vec::new();
        let mut below = seq + 1;
        loop {
            self.scan_steps += 1;
            let hits = self
                .reader()
                .search_above(&needle, floor, below, usize::MAX);
            match hits {
                Ok(hits) => {
                    found.extend(hits.seqs);
                    match hits.more_below {
                        Some(next) if next > floor + 1 => below = next,
                        _ => break,
                    }
                }
                Err(e) => {
                    self.failed(&e);
                    break;
                }
            }
        }
        let added = found.len();
        if let Some(m) = &mut self.matches {
            m.seqs.splice(0..0, found);
            if m.seqs.len() > MAX_MATCHES {
                m.seqs.truncate(MAX_MATCHES);
                m.more_below = m.seqs.last().copied();
            }
        }
        added
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Reader> {
        self.reader.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remembers why a read failed (damage also marks the file for the next start).
    fn failed(&mut self, e: &rusqlite::Error) {
        let why = self.reader().describe(e);
        self.error = Some(why);
    }

    /// Rows shown (all, or those matching the filter found so far).
    pub fn len(&self) -> usize {
        match &self.matches {
            Some(m) => m.seqs.len(),
            None => usize::try_from(self.newest - self.oldest + 1).unwrap_or(0),
        }
    }

    /// The database file the rows are read from (for an export's own reader).
    pub fn db_file(&self) -> std::path::PathBuf {
        self.reader().file().to_path_buf()
    }

    /// Whether no row is shown.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows there are, filtered or not.
    pub fn total(&self) -> usize {
        usize::try_from(self.newest - self.oldest + 1).unwrap_or(0)
    }

    /// Whether a filter may match more rows than found so far.
    pub fn more_to_find(&self) -> bool {
        self.matches
            .as_ref()
            .is_some_and(|m| m.more_below.is_some())
    }

    fn seq_at(&self, i: usize) -> Option<i64> {
        match &self.matches {
            Some(m) => m.seqs.get(i).copied(),
            None => {
                let seq = self.newest - i64::try_from(i).ok()?;
                (seq >= self.oldest).then_some(seq)
            }
        }
    }

    /// Row `i` (0 = newest) when read: the whole record if it was asked for, else the
    /// list columns.
    pub fn get(&self, i: usize) -> Option<&Exchange> {
        let seq = self.seq_at(i)?;
        self.full
            .iter()
            .find(|(s, _)| *s == seq)
            .map(|(_, e)| e)
            .or_else(|| self.rows.get(&seq))
    }

    /// Sets (or with `None` clears) the filter: its first screen of matches is found now.
    pub fn set_filter(&mut self, needle: Option<&str>) {
        self.matches = needle.map(|needle| Matches {
            needle: needle.to_string(),
            seqs: Vec::new(),
            more_below: Some(self.newest + 1),
        });
        self.find_more(FIRST_MATCHES);
    }

    /// Finds up to `want` more matches of the filter.
    fn find_more(&mut self, want: usize) {
        let Some(m) = &self.matches else { return };
        let Some(below) = m.more_below else { return };
        let want = want.min(MAX_MATCHES.saturating_sub(m.seqs.len()));
        self.scan_steps += 1;
        let found = self.reader().search(&m.needle, below, want);
        let Some(m) = &mut self.matches else { return };
        match found {
            Ok(hits) => {
                m.seqs.extend(hits.seqs);
                m.more_below = hits.more_below.filter(|_| m.seqs.len() < MAX_MATCHES);
            }
            Err(e) => {
                m.more_below = None;
                self.failed(&e);
            }
        }
    }

    /// Finds every match (End on a filtered history), for at most [`FIND_ALL_BUDGET`]:
    /// End again goes on.
    pub fn find_all(&mut self) {
        let started = std::time::Instant::now();
        while self.more_to_find() && started.elapsed() < FIND_ALL_BUDGET {
            self.find_more(10_000);
        }
    }

    /// Reads rows `from..from + count` (0 = newest) and the whole records of `full`.
    pub fn prepare(&mut self, from: usize, count: usize, full: &[usize]) {
        // A filter's matches run ahead of the window by a screen, found as the user
        // scrolls down (never on a tick, a webhook or a key that does not scroll).
        if std::mem::take(&mut self.demand) && self.more_to_find() && from + 2 * count >= self.len()
        {
            self.find_more(2 * count + FIRST_MATCHES);
        }
        let missing = (from..from + count)
            .filter_map(|i| self.seq_at(i))
            .any(|seq| !self.rows.contains_key(&seq));
        if missing {
            if self.rows.len() + count > ROW_CACHE {
                self.rows.clear();
            }
            let read = self.read_rows(from, count);
            self.rows.extend(read);
        }
        let wanted: Vec<i64> = full.iter().filter_map(|i| self.seq_at(*i)).collect();
        self.full.retain(|(s, _)| wanted.contains(s));
        for seq in wanted {
            if self.full.iter().any(|(s, _)| *s == seq) {
                continue;
            }
            let read = self.reader().record(seq);
            match read {
                Ok(Some(record)) => self.full.push((seq, record.exchange)),
                Ok(None) => {}
                Err(e) => self.failed(&e),
            }
        }
    }

    fn read_rows(&mut self, from: usize, count: usize) -> Vec<(i64, Exchange)> {
        let reader = self.reader();
        let read = match &self.matches {
            // Unfiltered rows are consecutive: one range read.
            None => match self.seq_at(from) {
                Some(top) => reader.rows_below(top, count),
                None => Ok(Vec::new()),
            },
            Some(_) => (from..from + count)
                .filter_map(|i| self.seq_at(i))
                .map(|seq| reader.row(seq).map(|row| row.map(|r| (seq, r))))
                .filter_map(Result::transpose)
                .collect(),
        };
        drop(reader);
        read.unwrap_or_else(|e| {
            self.failed(&e);
            Vec::new()
        })
    }

    /// The rows an export of what is shown reads (at most `max`, the newest, given
    /// oldest first) from which file, and what it leaves out: `seq`s are arithmetic or
    /// already found, so this costs no read.
    pub fn export_rows(&self, max: usize) -> (EarlierRows, Option<String>) {
        let count = self.len().min(max);
        let mut seqs: Vec<i64> = (0..count).filter_map(|i| self.seq_at(i)).collect();
        seqs.reverse();
        let mut left_out = Vec::new();
        if self.len() > max {
            left_out.push(format!(
                "the {} oldest earlier rows are left out (`paysecure-explorer history --export-har FILE` exports them all)",
                self.len() - max
            ));
        }
        if self
            .matches
            .as_ref()
            .is_some_and(|m| m.more_below.is_some())
        {
            left_out.push(
                "the filter's search has not reached the oldest rows yet: only the matches found so far are in"
                    .to_string(),
            );
        }
        (
            EarlierRows {
                db: self.db_file(),
                seqs,
            },
            (!left_out.is_empty()).then(|| left_out.join("; ")),
        )
    }
}
