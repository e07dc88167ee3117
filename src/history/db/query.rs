//! Reading the history database: rows for a list (no bodies), whole records on demand,
//! the `/` filter, and what `history` selects.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::schema::BOUNDS;
use crate::api::{Exchange, ExchangeKind};
use crate::history::record::{Record, contains_ignoring_ascii_case, matches_exchange};

/// Candidates read per round of a filter search.
const SEARCH_BATCH: usize = 256;
/// Rows (or index candidates) one search checks at most; the caller asks again (as the
/// pane scrolls) for more.
pub const SCAN_BUDGET: usize = 5_000;
/// Trigrams of a needle the index is asked for: the rarest (the others only add work;
/// the pane's own matching checks every candidate anyway).
const QUERY_TRIGRAMS: usize = 3;
/// Rows a trigram is counted up to when telling rare ones from common ones.
const RARITY_PROBE: i64 = 1_000;

/// A read-only view of the history.
pub struct Reader {
    conn: Connection,
    path: std::path::PathBuf,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reader")
    }
}

/// What a filter search found: matching rows newest first, and where to go on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hits {
    pub seqs: Vec<i64>,
    /// Search again below this `seq` for more (`None`: there are no more).
    pub more_below: Option<i64>,
}

/// A row of the list, without bodies or headers.
fn light(row: &Row) -> rusqlite::Result<Exchange> {
    let kind: String = row.get("kind")?;
    let kind: ExchangeKind =
        serde_json::from_value(serde_json::Value::String(kind)).unwrap_or(ExchangeKind::Api);
    let method: String = row.get("method")?;
    let url: String = row.get("url")?;
    Ok(Exchange {
        status: row.get("status")?,
        latency_ms: row.get("latency_ms")?,
        error: row.get("error")?,
        note: row.get("note")?,
        ..Exchange::new(kind, &method, &url, row.get("started_at_ms")?)
    })
}

/// The trigrams of a substring, as the index folds them (lower case).
fn trigrams(needle: &str) -> Vec<String> {
    let chars: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let mut terms: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    terms.sort();
    terms.dedup();
    terms
}

/// The FTS5 query asking for all of `terms` (quoted).
fn all_of(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

impl Reader {
    /// Opens the history in `dir` read-only; `None` when there is none yet.
    pub fn open(dir: &Path) -> Result<Option<Reader>, String> {
        let path = super::db_path(dir);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(None);
        }
        let conn = super::open_reader(&path)?;
        // A file with no tables yet (made by a writer that has not set it up) reads as empty.
        let ready: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'bodies'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| e.to_string())?;
        Ok(ready.then_some(Reader { conn, path }))
    }

    /// The database file this reads.
    pub fn file(&self) -> &Path {
        &self.path
    }

    /// A reader of its own on the database file `path` (an export reads with it off the
    /// UI thread, never holding the pane's reader).
    pub fn open_file(path: &Path) -> Result<Reader, String> {
        let conn = super::open_reader(path)?;
        Ok(Reader {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// What to say about a failed read; damage (which the start-up check may not have
    /// reached on a large file) also leaves the marker that makes the next start keep
    /// the file aside (see [`super::damage`]).
    pub fn describe(&self, e: &rusqlite::Error) -> String {
        if super::damage::mark(&self.path, e) {
            super::damage::explain(e)
        } else {
            format!("history: {e}")
        }
    }

    /// The oldest and newest `seq`, when there are rows.
    pub fn bounds(&self) -> rusqlite::Result<Option<(i64, i64)>> {
        let (min, max): (Option<i64>, Option<i64>) = self
            .conn
            .query_row(BOUNDS, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(min.zip(max))
    }

    /// Up to `count` list rows at or below `seq`, newest first, without bodies.
    pub fn rows_below(&self, seq: i64, count: usize) -> rusqlite::Result<Vec<(i64, Exchange)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, kind, method, url, status, latency_ms, error, note, started_at_ms
             FROM rows WHERE seq <= ?1 ORDER BY seq DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![seq, count as i64], |r| Ok((r.get(0)?, light(r)?)))?;
        rows.collect()
    }

    /// The list row `seq`, without bodies.
    pub fn row(&self, seq: i64) -> rusqlite::Result<Option<Exchange>> {
        self.conn
            .prepare_cached(
                "SELECT kind, method, url, status, latency_ms, error, note, started_at_ms
                 FROM rows WHERE seq = ?1",
            )?
            .query_row(params![seq], light)
            .optional()
    }

    /// The whole record stored as `seq` (an unreadable one reads as absent).
    pub fn record(&self, seq: i64) -> rusqlite::Result<Option<Record>> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT record FROM bodies WHERE seq = ?1")?
            .query_row(params![seq], |r| r.get(0))
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// The record numbered `id` (`history --curl N`).
    pub fn record_by_id(&self, id: u64) -> rusqlite::Result<Option<Record>> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM rows WHERE id = ?1",
                params![i64::try_from(id).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()?;
        match seq {
            Some(seq) => self.record(seq),
            None => Ok(None),
        }
    }

    /// Rows below `before` (newest first) whose exchange matches `needle_lower` as the
    /// pane's filter does ([`matches_exchange`]), until `want` are found or none are left.
    /// Three characters or more go through the trigram index; shorter needles (which
    /// most rows match) read rows newest first. Either way at most [`SCAN_BUDGET`] rows
    /// are checked per call; `more_below` says where the next call goes on.
    pub fn search(&self, needle_lower: &str, before: i64, want: usize) -> rusqlite::Result<Hits> {
        self.search_above(needle_lower, i64::MIN, before, want)
    }

    /// [`Reader::search`] among the rows above `floor` only (rows just added on top).
    pub fn search_above(
        &self,
        needle_lower: &str,
        floor: i64,
        before: i64,
        want: usize,
    ) -> rusqlite::Result<Hits> {
        let mut hits = Hits::default();
        let query = self.trigram_query(needle_lower)?;
        let mut below = before;
        let mut scanned = 0;
        // A needle with nothing JSON escapes appears as it is in the stored JSON line
        // wherever it appears in a field: a line without it is no match, unparsed.
        let verbatim = !needle_lower
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control());
        loop {
            let candidates: Vec<i64> = match &query {
                Some(q) => self
                    .conn
                    .prepare_cached(
                        "SELECT rowid FROM search WHERE search MATCH ?1 AND rowid < ?2
                         AND rowid > ?4 ORDER BY rowid DESC LIMIT ?3",
                    )?
                    .query_map(params![q, below, SEARCH_BATCH as i64, floor], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
                None => self
                    .conn
                    .prepare_cached(
                        "SELECT seq FROM rows WHERE seq < ?1 AND seq > ?3
                         ORDER BY seq DESC LIMIT ?2",
                    )?
                    .query_map(params![below, SEARCH_BATCH as i64, floor], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
            };
            let Some(&last) = candidates.last() else {
                hits.more_below = None;
                return Ok(hits);
            };
            scanned += candidates.len();
            for seq in candidates {
                if self.matches(seq, needle_lower, verbatim)? {
                    hits.seqs.push(seq);
                }
            }
            below = last;
            // Both paths are bounded: a needle whose trigrams are all common but which
            // matches few rows would otherwise check every candidate in one call.
            if hits.seqs.len() >= want || scanned >= SCAN_BUDGET {
                hits.more_below = Some(below);
                return Ok(hits);
            }
        }
    }

    /// The FTS5 query for a substring of three characters or more (`None` for less): its
    /// rarest trigrams, all required (a trigram no row has answers at once: no match).
    fn trigram_query(&self, needle_lower: &str) -> rusqlite::Result<Option<String>> {
        let terms = trigrams(needle_lower);
        if terms.is_empty() {
            return Ok(None);
        }
        // How common each trigram is, counted up to RARITY_PROBE rows (reading the start
        // of its row list only: an exact count of a common one would read it all).
        let mut counted: Vec<(i64, String)> = Vec::with_capacity(terms.len());
        for term in terms {
            let rows: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM (SELECT rowid FROM search WHERE search MATCH ?1 LIMIT ?2)",
                )?
                .query_row(params![all_of(std::slice::from_ref(&term)), RARITY_PROBE], |r| {
                    r.get(0)
                })?;
            counted.push((rows, term));
        }
        counted.sort();
        let rarest: Vec<String> = counted
            .into_iter()
            .take(QUERY_TRIGRAMS)
            .map(|(_, t)| t)
            .collect();
        Ok(Some(all_of(&rarest)))
    }

    /// Whether record `seq` matches (see [`Reader::search`]).
    fn matches(&self, seq: i64, needle_lower: &str, verbatim: bool) -> rusqlite::Result<bool> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT record FROM bodies WHERE seq = ?1")?
            .query_row(params![seq], |r| r.get(0))
            .optional()?;
        let Some(text) = text else { return Ok(false) };
        if verbatim && !contains_ignoring_ascii_case(&text, needle_lower) {
            return Ok(false);
        }
        Ok(serde_json::from_str::<Record>(&text)
            .is_ok_and(|r| matches_exchange(&r.exchange, needle_lower)))
    }

    /// Purchase ids starting with `prefix_lower` (ASCII case ignored), sorted, at most `max`.
    pub fn purchases_starting(
        &self,
        prefix_lower: &str,
        max: usize,
    ) -> rusqlite::Result<Vec<String>> {
        let pattern = format!(
            "{}%",
            prefix_lower
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        self.conn
            .prepare_cached(
                "SELECT DISTINCT purchase_id FROM rows
                 WHERE purchase_id LIKE ?1 ESCAPE '\\' ORDER BY purchase_id LIMIT ?2",
            )?
            .query_map(params![pattern, max as i64], |r| r.get(0))?
            .collect()
    }

    /// Calls `each` with the records (about `purchase` only, when given), the newest
    /// `limit` of them, newest first or oldest first; stops when `each` says false.
    pub fn each_record(
        &self,
        purchase: Option<&str>,
        limit: Option<usize>,
        newest_first: bool,
        mut each: impl FnMut(Record) -> bool,
    ) -> rusqlite::Result<()> {
        let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        // The newest `limit` rows chosen first, then read in the order asked for.
        let order = if newest_first { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT b.record FROM bodies b JOIN (
                 SELECT seq FROM rows WHERE (?1 IS NULL OR purchase_id = ?1)
                 ORDER BY seq DESC LIMIT ?2
             ) s ON s.seq = b.seq ORDER BY b.seq {order}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![purchase, limit])?;
        while let Some(row) = rows.next()? {
            let text: String = row.get(0)?;
            if let Ok(record) = serde_json::from_str::<Record>(&text)
                && !each(record)
            {
                break;
            }
        }
        Ok(())
    }
}
