//! The history pane's model: every exchange, newest first on screen, with a selection that
//! stays on the same entry as new ones arrive. Only the visible window is ever drawn.

use super::app::{FoldedRows, HarExport};
use super::history_archive::Archive;
use super::local_time::LocalTime;
use crate::api::Exchange;
use crate::history::record::matches_exchange;

/// This session's rows kept whole in memory; older ones are read back from the history
/// database as the pane shows them (see [`History::push_stored`]). As many as the flow map
/// reads (`flow::progress`), so it never misses a row of this session's purchase.
pub const DEFAULT_MEMORY_ROWS: usize = 5_000;
/// Rows kept in memory while no database is attached (none could be opened, or it is
/// not read yet): then there is nowhere to read trimmed rows back from.
pub const DETACHED_MEMORY_ROWS: usize = 100_000;
/// Most earlier rows an export reads from the database.
const EXPORT_ROWS: usize = 100_000;

/// In [`History`]'s folded GETs: one that was never stored.
const UNSTORED: i64 = -1;

/// Exchanges in arrival order, plus the selection (counted from the newest) and an
/// optional filter (`/`), applied once when set and to each new entry as it arrives.
/// At most `cap` rows (plus a tenth, trimmed in one batch) stay in memory; trimmed rows
/// that were stored fall through to the archive below, so the pane loses none.
#[derive(Debug, Clone)]
pub struct History {
    entries: Vec<Exchange>,
    /// The database row each entry was stored as, when it was (beside `entries`).
    seqs: Vec<Option<i64>>,
    /// The database rows of the status GETs each entry folded (see [`History::fold_poll`];
    /// beside `entries`): the pane shows one row, an export writes them all.
    /// A GET that was never stored (no history file, or a failed write) is [`UNSTORED`]
    /// there: gone, but counted in an export's note.
    folded: Vec<Vec<i64>>,
    cap: usize,
    /// The cap while no database is attached.
    detached_cap: usize,
    /// The filter text (lower case) and the indices of matching entries (ascending).
    filter: Option<(String, Vec<usize>)>,
    /// Selected row, 0 = newest.
    pub selected: usize,
    /// First visible row, 0 = newest.
    pub offset: usize,
    /// Rows that arrived above the window while the user was scrolled away from the
    /// newest (the `↑ N new` marker); 0 while the pane sticks to the newest.
    pub new_above: usize,
    /// The newest entry folds this many status GETs of a follow-up (see [`History::fold_poll`]).
    folded_polls: usize,
    /// Shown rows added on top minus shown rows taken off the top, ever (wrapping): what
    /// counts "from the newest" moved by, for whoever holds such a count (the detail).
    top_moves: usize,
    /// Earlier sessions' rows, below this session's, read from the database as shown.
    archive: Option<Archive>,
}

impl Default for History {
    fn default() -> Self {
        History {
            detached_cap: DETACHED_MEMORY_ROWS,
            ..History::with_cap(DEFAULT_MEMORY_ROWS)
        }
    }
}

impl History {
    /// An empty history keeping about `cap` rows in memory.
    pub fn with_cap(cap: usize) -> History {
        History {
            entries: Vec::new(),
            seqs: Vec::new(),
            folded: Vec::new(),
            cap: cap.max(10),
            detached_cap: cap.max(10),
            filter: None,
            selected: 0,
            offset: 0,
            folded_polls: 0,
            new_above: 0,
            top_moves: 0,
            archive: None,
        }
    }

    /// Trims the oldest tenth once the history is a tenth over its cap (batching keeps
    /// the cost per push constant on average).
    fn trim(&mut self) {
        let cap = if self.archive.is_some() {
            self.cap
        } else {
            self.detached_cap
        };
        let batch = (cap / 10).max(1);
        if self.entries.len() < cap + batch {
            return;
        }
        // Once a database is attached, rows kept while there was none go at once.
        self.drop_oldest(self.entries.len() - cap);
    }

    /// Takes the `count` oldest session rows out of memory. Those stored in the database
    /// fall through to the archive (its range grows over them): still shown, read back a
    /// window at a time. Without a database they are gone.
    fn drop_oldest(&mut self, count: usize) {
        let count = count.min(self.entries.len());
        if count == 0 {
            return;
        }
        // The rows the archive now covers: the dropped entries and the GETs they folded.
        let covered = self.seqs[..count]
            .iter()
            .flatten()
            .chain(self.folded[..count].iter().flatten())
            .max()
            .copied();
        let session_before = self.session_len();
        self.entries.drain(..count);
        self.seqs.drain(..count);
        self.folded.drain(..count);
        if let Some((_, visible)) = &mut self.filter {
            visible.retain(|i| *i >= count);
            visible.iter_mut().for_each(|i| *i -= count);
        }
        let shown_dropped = session_before - self.session_len();
        let added = match (covered, &mut self.archive) {
            (Some(seq), Some(archive)) => archive.extend_to(seq),
            _ => 0,
        };
        // Rows below this session's remaining ones moved by what the archive gained on
        // top less what the session lost; rows above did not move.
        let moved = |i: usize| {
            if i >= self.session_len() {
                (i + added).saturating_sub(shown_dropped)
            } else {
                i
            }
        };
        let (selected, offset) = (moved(self.selected), moved(self.offset));
        let max = self.len().saturating_sub(1);
        self.selected = selected.min(max);
        self.offset = offset.min(self.selected);
    }

    /// A status GET of a follow-up: replaces the newest row when that is the previous GET
    /// of the same URL, counting them (`GET status ×37 · last 12:01:09 · 3 min left`, the
    /// time in `zone`, as the pane's).
    /// `seq` is the database row the GET was stored as (the folded row then stands for
    /// it and every GET it folded, all stored before it).
    pub fn fold_poll(
        &mut self,
        mut exchange: Exchange,
        seq: Option<i64>,
        time_left: &str,
        zone: &LocalTime,
    ) {
        let same = self.folded_polls > 0
            && self
                .entries
                .last()
                .is_some_and(|e| e.method == exchange.method && e.url == exchange.url);
        let count = if same { self.folded_polls + 1 } else { 1 };
        let time = zone.clock(exchange.started_at_ms);
        exchange.note = Some(format!(
            "GET status ×{count} · last {time} · {time_left} left"
        ));
        if same {
            let index = self.entries.len() - 1;
            self.entries[index] = exchange;
            if let Some(slot) = self.seqs.get_mut(index) {
                // The GET the row showed until now stays reachable for an export.
                if let Some(folded) = self.folded.get_mut(index) {
                    folded.push(slot.unwrap_or(UNSTORED));
                }
                // The row's seq is the shown GET's own (`drop_oldest` covers the folded).
                *slot = seq;
            }
            if let Some((needle, visible)) = &mut self.filter {
                let hit = matches_exchange(&self.entries[index], needle);
                let listed = visible.last() == Some(&index);
                match (hit, listed) {
                    (true, false) => {
                        visible.push(index);
                        self.top_moves = self.top_moves.wrapping_add(1);
                    }
                    (false, true) => {
                        visible.pop();
                        self.top_moves = self.top_moves.wrapping_sub(1);
                    }
                    _ => {}
                }
            }
        } else {
            self.push_stored(exchange, seq);
        }
        self.folded_polls = count;
    }

    /// Ends the follow-up's folded row: its "… left" becomes `why` (`final`, `stopped`), so
    /// a finished follow-up never shows a countdown.
    pub fn close_fold(&mut self, why: &str) {
        if self.folded_polls == 0 {
            return;
        }
        if let Some(note) = self.entries.last_mut().and_then(|e| e.note.as_mut())
            && let Some(at) = note.rfind(" · ")
            && note.ends_with(" left")
        {
            note.truncate(at);
            note.push_str(&format!(" · {why}"));
        }
        self.folded_polls = 0;
    }

    /// Appends an exchange that was not stored; a selection below the top keeps pointing
    /// at the same entry.
    pub fn push(&mut self, exchange: Exchange) {
        self.push_stored(exchange, None);
    }

    /// Appends an exchange stored in the history database as row `seq` (when it was):
    /// once trimmed from memory, it is read back from there.
    pub fn push_stored(&mut self, exchange: Exchange, seq: Option<i64>) {
        // A row pushed between two polls ends the fold: its countdown would freeze.
        self.close_fold("continued above");
        let index = self.entries.len();
        let shown = match &mut self.filter {
            Some((needle, visible)) => {
                let hit = matches_exchange(&exchange, needle);
                if hit {
                    visible.push(index);
                }
                hit
            }
            None => true,
        };
        self.entries.push(exchange);
        self.seqs.push(seq);
        self.folded.push(Vec::new());
        if shown {
            self.top_moves = self.top_moves.wrapping_add(1);
        }
        self.trim();
        // At the newest row the pane sticks to it (the new row is selected); scrolled
        // away, the selection stays on its entry and the new rows are counted above.
        if shown && self.selected > 0 {
            self.selected += 1;
            self.offset += 1;
            self.new_above += 1;
        }
    }

    /// Puts earlier sessions' rows below the current ones (the current filter applies
    /// to them too); the selection, counted from the newest, is unchanged.
    pub fn attach(&mut self, mut archive: Archive) {
        archive.set_filter(self.filter_text());
        let newest = archive.newest_seq();
        self.archive = Some(archive);
        // The GETs folded into a kept row that the archive holds are its own rows now.
        for folded in &mut self.folded {
            folded.retain(|s| *s == UNSTORED || *s > newest);
        }
        // This session's rows stored before the archive was read are in it already.
        let covered = self
            .seqs
            .iter()
            .rposition(|s| s.is_some_and(|s| s <= newest))
            .map_or(0, |p| p + 1);
        self.drop_oldest(covered);
        self.trim();
    }

    /// This session's rows kept in memory.
    pub fn in_memory(&self) -> usize {
        self.entries.len()
    }

    /// Search steps the filter made over earlier rows (what tests count).
    pub fn archive_scan_steps(&self) -> usize {
        self.archive.as_ref().map_or(0, Archive::scan_steps)
    }

    /// Whether a filter may match more earlier rows than found so far (scrolling down
    /// or End looks further).
    pub fn archive_more_to_find(&self) -> bool {
        self.archive.as_ref().is_some_and(Archive::more_to_find)
    }

    /// Whether earlier sessions' rows are attached.
    pub fn has_archive(&self) -> bool {
        self.archive.is_some()
    }

    /// Why reading earlier sessions' rows failed last, once.
    pub fn take_archive_error(&mut self) -> Option<String> {
        self.archive.as_mut().and_then(|a| a.error.take())
    }

    /// Reads what the next draw needs from the database: the window of `height` rows,
    /// the selected row's whole record and that of `detail` (the row the detail shows).
    pub fn prepare(&mut self, height: usize, detail: Option<usize>) {
        let session = self.session_len();
        let Some(archive) = &mut self.archive else {
            return;
        };
        let from = self.offset.max(session) - session;
        let count = (self.offset + height).saturating_sub(session.max(self.offset));
        let full: Vec<usize> = [Some(self.selected), detail]
            .into_iter()
            .flatten()
            .filter_map(|i| i.checked_sub(session))
            .collect();
        archive.prepare(from, count, &full);
    }

    /// This session's rows shown.
    fn session_len(&self) -> usize {
        self.filter
            .as_ref()
            .map_or(self.entries.len(), |(_, v)| v.len())
    }

    /// How many entries are shown (all, or those matching the filter).
    pub fn len(&self) -> usize {
        self.session_len() + self.archive.as_ref().map_or(0, Archive::len)
    }

    /// How many entries exist, filtered or not.
    pub fn total(&self) -> usize {
        self.entries.len() + self.archive.as_ref().map_or(0, Archive::total)
    }

    /// The filter text, if one is set.
    pub fn filter_text(&self) -> Option<&str> {
        self.filter.as_ref().map(|(t, _)| t.as_str())
    }

    /// Sets (or with an empty text, clears) the filter; the selection goes to the top.
    pub fn set_filter(&mut self, text: &str) {
        let needle = text.trim().to_ascii_lowercase();
        // Typed live, a filter mostly grows: what matches the longer text is among what
        // matched the shorter, so only those rows are read again.
        let narrowed = match self.filter.take() {
            Some((old, visible)) if !old.is_empty() && needle.contains(old.as_str()) => {
                Some(visible)
            }
            _ => None,
        };
        self.filter = (!needle.is_empty()).then(|| {
            let visible = match narrowed {
                Some(candidates) => candidates
                    .into_iter()
                    .filter(|i| {
                        self.entries
                            .get(*i)
                            .is_some_and(|e| matches_exchange(e, &needle))
                    })
                    .collect(),
                None => self
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches_exchange(e, &needle))
                    .map(|(i, _)| i)
                    .collect(),
            };
            (needle, visible)
        });
        if let Some(archive) = &mut self.archive {
            archive.set_filter(self.filter.as_ref().map(|(n, _)| n.as_str()));
        }
        self.selected = 0;
        self.offset = 0;
        self.new_above = 0;
    }

    /// What an export of the shown entries writes, oldest first: the earlier rows (at
    /// most `EXPORT_ROWS`) as `seq`s the export reads itself, off the UI thread, then this
    /// session's in memory; and what it leaves out.
    pub fn export(&self) -> HarExport {
        let (earlier, note) = match self.archive.as_ref().filter(|a| !a.is_empty()) {
            Some(a) => {
                let (rows, note) = a.export_rows(EXPORT_ROWS);
                (Some(rows), note)
            }
            None => (None, None),
        };
        let shown = self.shown_indices();
        let folded_of = |i: &usize| self.folded.get(*i).map_or(&[][..], Vec::as_slice);
        let (mut stored, mut unstored) = (0usize, 0usize);
        for i in &shown {
            for seq in folded_of(i) {
                if *seq == UNSTORED {
                    unstored += 1;
                } else {
                    stored += 1;
                }
            }
        }
        let db = self.archive.as_ref().map(Archive::db_file);
        let mut notes: Vec<String> = note.into_iter().collect();
        if unstored > 0 {
            notes.push(format!(
                "{unstored} status GETs folded into a row were never stored in the history file, so the export lacks them"
            ));
        }
        if stored > 0 && db.is_none() {
            notes.push(format!(
                "{stored} status GETs folded into a row are in the history file, which this session has not opened yet: `paysecure-explorer history --export-har FILE` has them"
            ));
        }
        let folded = db.filter(|_| stored > 0).map(|db| FoldedRows {
            db,
            before: shown
                .iter()
                .map(|i| {
                    folded_of(i)
                        .iter()
                        .copied()
                        .filter(|s| *s != UNSTORED)
                        .collect()
                })
                .collect(),
        });
        HarExport {
            earlier,
            exchanges: shown
                .iter()
                .filter_map(|i| self.entries.get(*i))
                .cloned()
                .collect(),
            folded,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        }
    }

    /// Where this session's shown entries are in `entries`, oldest first.
    fn shown_indices(&self) -> Vec<usize> {
        match &self.filter {
            Some((_, visible)) => visible.clone(),
            None => (0..self.entries.len()).collect(),
        }
    }

    /// This session's shown entries, oldest first.
    pub fn shown(&self) -> Vec<&Exchange> {
        match &self.filter {
            Some((_, visible)) => visible
                .iter()
                .filter_map(|i| self.entries.get(*i))
                .collect(),
            None => self.entries.iter().collect(),
        }
    }

    /// Whether none are shown.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Shown entry `i` counted from the newest.
    pub fn newest(&self, i: usize) -> Option<&Exchange> {
        let session = self.session_len();
        if i >= session {
            return self.archive.as_ref()?.get(i - session);
        }
        let j = session - i - 1;
        match &self.filter {
            Some((_, visible)) => visible.get(j).and_then(|k| self.entries.get(*k)),
            None => self.entries.get(j),
        }
    }

    /// How many rows this session holds, filtered or not.
    pub fn session_total(&self) -> usize {
        self.entries.len()
    }

    /// This session's entry `i` counted from the newest, whatever the filter hides (what
    /// is true of a purchase must not depend on what the pane shows).
    pub fn session_newest(&self, i: usize) -> Option<&Exchange> {
        let j = self.entries.len().checked_sub(i + 1)?;
        self.entries.get(j)
    }

    /// Where this session's entry `i` (counted from the newest, unfiltered, as
    /// [`History::session_newest`]) is shown, counted from the newest shown row; `None`
    /// when the filter hides it.
    pub fn shown_index_of(&self, i: usize) -> Option<usize> {
        let j = self.entries.len().checked_sub(i + 1)?;
        match &self.filter {
            Some((_, visible)) => {
                let at = visible.binary_search(&j).ok()?;
                Some(visible.len() - at - 1)
            }
            None => Some(i),
        }
    }

    /// A count that grows by one for each shown row put on top (see [`History::newest`]):
    /// the difference of two readings is how far "n from the newest" moved in between.
    pub fn top_moves(&self) -> usize {
        self.top_moves
    }

    /// The selected entry.
    pub fn selected_entry(&self) -> Option<&Exchange> {
        self.newest(self.selected)
    }

    /// Moves the selection by `delta` rows, keeping it inside a window of `height` rows.
    pub fn move_by(&mut self, delta: isize, height: usize) {
        // Scrolling down (even in an empty list) is what asks a filter for more matches.
        if delta > 0
            && let Some(archive) = &mut self.archive
        {
            archive.want_more();
        }
        if self.is_empty() {
            return;
        }
        let max = self.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(max);
        self.scroll_into_view(height);
        self.seen_to_offset();
    }

    /// Home/g: the newest row, sticking to it again.
    pub fn to_newest(&mut self) {
        self.selected = 0;
        self.offset = 0;
        self.new_above = 0;
    }

    /// End/G: the oldest row shown.
    pub fn to_oldest(&mut self, height: usize) {
        if let Some(archive) = &mut self.archive {
            archive.find_all();
        }
        self.selected = self.len().saturating_sub(1);
        self.scroll_into_view(height);
    }

    /// New rows the window now shows are no longer "new above".
    fn seen_to_offset(&mut self) {
        self.new_above = self.new_above.min(self.offset);
    }

    /// Selects row `row` of the visible window.
    pub fn click(&mut self, row: usize) {
        let target = self.offset + row;
        if target < self.len() {
            self.selected = target;
        }
    }

    /// Adjusts `offset` so the selection is visible in `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }

    /// The visible window: `(row index from newest, entry)` for `height` rows.
    pub fn window(&self, height: usize) -> impl Iterator<Item = (usize, &Exchange)> {
        (self.offset..self.len().min(self.offset + height))
            .filter_map(|i| self.newest(i).map(|e| (i, e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ExchangeKind;

    fn ex(n: usize) -> Exchange {
        Exchange {
            status: Some(200),
            ..Exchange::new(ExchangeKind::Api, "GET", &format!("http://h/{n}"), n as i64)
        }
    }

    #[test]
    fn a_filter_typed_key_by_key_shows_what_the_whole_text_shows() {
        let mut typed = History::default();
        let mut whole = History::default();
        for n in 0..300 {
            typed.push(ex(n));
            whole.push(ex(n));
        }
        let urls =
            |h: &History| -> Vec<String> { h.shown().iter().map(|e| e.url.clone()).collect() };
        // Growing (narrowed), shrinking (Backspace) and changed texts.
        for text in [
            "h", "h/", "h/1", "h/12", "h/1", "h/2", "H/29", "", "/", "/29",
        ] {
            typed.set_filter(text);
            let mut fresh = History::default();
            for n in 0..300 {
                fresh.push(ex(n));
            }
            fresh.set_filter(text);
            assert_eq!(urls(&typed), urls(&fresh), "filter {text:?}");
        }
        whole.set_filter("h/12");
        assert_eq!(whole.len(), 11, "h/12 and h/120…h/129");
    }

    #[test]
    fn newest_first_and_selection_sticks() {
        let mut h = History::default();
        for n in 0..5 {
            h.push(ex(n));
        }
        assert_eq!(h.newest(0).map(|e| e.url.as_str()), Some("http://h/4"));
        h.move_by(2, 10);
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/2")
        );
        h.push(ex(5));
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/2")
        );
    }

    #[test]
    fn the_pane_sticks_to_the_newest_unless_scrolled_away_then_counts_new_rows() {
        let mut h = History::default();
        for n in 0..5 {
            h.push(ex(n));
        }
        h.push(ex(5));
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/5")
        );
        assert_eq!(h.new_above, 0, "at the newest: sticks, nothing hidden");
        h.move_by(3, 3);
        for n in 6..26 {
            h.push(ex(n));
        }
        assert_eq!(h.new_above, 20, "↑ 20 new");
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/2")
        );
        h.to_newest();
        assert_eq!((h.selected, h.offset, h.new_above), (0, 0, 0));
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/25")
        );
        h.to_oldest(3);
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/0")
        );
    }

    #[test]
    fn session_rows_are_read_whatever_the_filter_and_map_to_their_shown_rows() {
        let mut h = History::default();
        for n in 0..5 {
            h.push(ex(n));
        }
        h.set_filter("/3");
        assert_eq!(h.len(), 1);
        assert_eq!(h.session_total(), 5);
        assert!(h.session_newest(4).is_some_and(|e| e.url.ends_with("/0")));
        assert!(h.session_newest(5).is_none());
        // Entry /3 is 1 from the newest unfiltered, the only one shown.
        assert_eq!(h.shown_index_of(1), Some(0));
        assert_eq!(h.shown_index_of(0), None);
        assert_eq!(h.shown_index_of(9), None);
        h.set_filter("");
        assert_eq!(h.shown_index_of(3), Some(3));
    }

    #[test]
    fn filter_selects_matches_and_follows_new_entries() {
        let mut h = History::default();
        for n in 0..10 {
            h.push(ex(n));
        }
        h.set_filter("h/7");
        assert_eq!(h.len(), 1);
        assert_eq!(h.total(), 10);
        assert_eq!(h.newest(0).map(|e| e.url.as_str()), Some("http://h/7"));
        h.push(ex(7));
        h.push(ex(8));
        assert_eq!(h.len(), 2, "new matching entries join the filtered view");
        h.set_filter("");
        assert_eq!(h.len(), 12);
    }

    #[test]
    fn memory_is_capped_in_batches() {
        let mut h = History::with_cap(100);
        for n in 0..1_000 {
            h.push(ex(n));
        }
        assert!(h.total() <= 110, "{}", h.total());
        assert_eq!(h.newest(0).map(|e| e.url.as_str()), Some("http://h/999"));
        h.set_filter("h/11");
        for n in 1_000..1_200 {
            h.push(ex(n));
        }
        assert!(h.total() <= 110);
        assert!(!h.is_empty());
        for i in 0..h.len() {
            let url = h.newest(i).map(|e| e.url.clone()).unwrap_or_default();
            assert!(url.contains("h/11"), "filter indices stay valid: {url}");
        }
    }

    /// A follow-up's status GETs show as one folded row, but an export writes each of
    /// them, in place (found in tmux: `x` wrote 46 exchanges where `history` had 48).
    #[test]
    fn an_export_writes_every_status_get_a_row_folds() {
        use crate::history::db::{DbLimits, HistoryDb, query::Reader};
        let dir = std::env::temp_dir().join(format!("pse-pane-fold-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("db");
        db.append(ex(0)).1.expect("stored");
        let reader = Reader::open(&dir).expect("reader").expect("there");
        let mut h = History::default();
        h.attach(Archive::open(reader).expect("archive"));
        let zone = crate::tui::local_time::LocalTime::fixed(0);
        let store = |db: &mut HistoryDb, e: Exchange| {
            db.append(e).1.expect("stored");
            db.last_seq()
        };
        let s2s = ex(1);
        let seq = store(&mut db, s2s.clone());
        h.push_stored(s2s, seq);
        for k in 0..3 {
            let get = Exchange {
                started_at_ms: 10_000 + k,
                ..ex(2)
            };
            let seq = store(&mut db, get.clone());
            h.fold_poll(get, seq, "1 min", &zone);
        }
        h.close_fold("final");
        let last = ex(3);
        let seq = store(&mut db, last.clone());
        h.push_stored(last, seq);
        let export = h.export();
        assert_eq!(
            export.exchanges.len(),
            3,
            "the pane shows three session rows"
        );
        let har = dir.join("export.har");
        let (written, note) = crate::tui::effects::write_har(&har, export).expect("written");
        assert_eq!(
            (written, note),
            (6, None),
            "1 earlier, the S2S, 3 GETs, the last"
        );
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&har).expect("read")).expect("json");
        let urls: Vec<&str> = doc["log"]["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["request"]["url"].as_str())
            .collect();
        assert_eq!(
            urls,
            [
                "http://h/0",
                "http://h/1",
                "http://h/2",
                "http://h/2",
                "http://h/2",
                "http://h/3"
            ]
        );
        // Filtered to the GETs, the export still has the three.
        h.set_filter("h/2");
        let (written, _) = crate::tui::effects::write_har(&har, h.export()).expect("written");
        assert_eq!(written, 3);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The archive attached in the middle of a fold holds the GETs folded so far: the
    /// export writes them once, from the archive, not again before the folded row; a GET
    /// whose write failed is counted, not repeated.
    #[test]
    fn a_fold_across_the_attach_or_a_failed_write_exports_each_get_once() {
        use crate::history::db::{DbLimits, HistoryDb, query::Reader};
        let dir = std::env::temp_dir().join(format!("pse-pane-fold2-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("db");
        let zone = crate::tui::local_time::LocalTime::fixed(0);
        let store = |db: &mut HistoryDb, e: Exchange| {
            db.append(e).1.expect("stored");
            db.last_seq()
        };
        let mut h = History::default();
        let get = |k: i64| Exchange {
            started_at_ms: 10_000 + k,
            ..ex(2)
        };
        let seq = store(&mut db, get(0));
        h.fold_poll(get(0), seq, "1 min", &zone);
        // The history is read (its newest row is the first GET) while the fold goes on.
        let reader = Reader::open(&dir).expect("reader").expect("there");
        let archive = Archive::open(reader).expect("archive");
        let seq = store(&mut db, get(1));
        h.fold_poll(get(1), seq, "1 min", &zone);
        h.attach(archive);
        // A GET the history file did not take, then one it did.
        h.fold_poll(get(2), None, "1 min", &zone);
        let seq = store(&mut db, get(3));
        h.fold_poll(get(3), seq, "1 min", &zone);
        let export = h.export();
        let note = export.note.clone().unwrap_or_default();
        assert!(
            note.starts_with("1 status GETs folded into a row were never stored"),
            "{note}"
        );
        let har = dir.join("export.har");
        let (written, _) = crate::tui::effects::write_har(&har, export).expect("written");
        // GET 0 from the archive; GET 1 and GET 3 (the row) from the session; GET 2 lost.
        assert_eq!(written, 3);
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&har).expect("read")).expect("json");
        let times: Vec<&str> = doc["log"]["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["startedDateTime"].as_str())
            .collect();
        let mut unique = times.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), times.len(), "no GET twice: {times:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Without a history file a folded GET is gone: the export says so.
    #[test]
    fn an_export_without_a_history_file_says_which_folded_gets_it_lacks() {
        let mut h = History::default();
        let zone = crate::tui::local_time::LocalTime::fixed(0);
        for _ in 0..3 {
            h.fold_poll(ex(2), None, "1 min", &zone);
        }
        let export = h.export();
        assert_eq!(export.exchanges.len(), 1);
        let note = export.note.unwrap_or_default();
        assert!(
            note.starts_with("2 status GETs folded into a row were never stored"),
            "{note}"
        );
    }

    /// A database of `n` earlier rows (`http://h/0` … oldest first), with bodies.
    fn archive(name: &str, n: usize) -> (Archive, std::path::PathBuf) {
        use crate::history::db::{DbLimits, HistoryDb, query::Reader};
        let dir = std::env::temp_dir().join(format!("pse-pane-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("db");
        for k in 0..n {
            let e = Exchange {
                response_body: Some(format!("body of {k}")),
                ..ex(k)
            };
            db.append(e).1.expect("stored");
        }
        let reader = Reader::open(&dir).expect("reader").expect("there");
        (Archive::open(reader).expect("archive"), dir)
    }

    #[test]
    fn earlier_rows_page_from_the_database_below_the_session() {
        let (archive, dir) = archive("page", 500);
        let mut h = History::default();
        h.push(ex(1000));
        h.attach(archive);
        assert_eq!((h.len(), h.total()), (501, 501));
        h.prepare(20, None);
        assert_eq!(h.newest(0).map(|e| e.url.as_str()), Some("http://h/1000"));
        assert_eq!(h.newest(1).map(|e| e.url.as_str()), Some("http://h/499"));
        assert!(
            h.newest(1).is_some_and(|e| e.response_body.is_none()),
            "a list row"
        );
        assert!(h.newest(300).is_none(), "not read: off screen");
        h.move_by(300, 20);
        h.prepare(20, Some(5));
        let selected = h.selected_entry().expect("read");
        assert_eq!(selected.url, "http://h/200");
        assert_eq!(
            selected.response_body.as_deref(),
            Some("body of 200"),
            "whole record"
        );
        assert_eq!(
            h.newest(5).and_then(|e| e.response_body.as_deref()),
            Some("body of 495")
        );
        let rows: Vec<usize> = h.window(20).map(|(i, _)| i).collect();
        assert_eq!(rows.len(), 20);
        // New rows of this session still go on top, the selection stays on its row.
        h.push(ex(1001));
        h.prepare(20, None);
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/200")
        );
        h.to_oldest(20);
        h.prepare(20, None);
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/0")
        );
        // The export names the earlier rows (read later, off the UI thread) and carries
        // this session's; written, it holds every one.
        let export = h.export();
        let earlier = export.earlier.as_ref().map_or(0, |e| e.seqs.len());
        assert_eq!(earlier + export.exchanges.len(), 502);
        assert_eq!(export.note, None, "nothing left out");
        let har = dir.join("export.har");
        let (written, note) = crate::tui::effects::write_har(&har, export).expect("written");
        assert_eq!((written, note), (502, None));
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&har).expect("read")).expect("json");
        assert_eq!(doc["log"]["entries"].as_array().map(Vec::len), Some(502));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_filter_reaches_earlier_rows_with_the_same_matching() {
        let (archive, dir) = archive("filter", 2_000);
        let mut h = History::default();
        for n in 3_000..3_010 {
            h.push(ex(n));
        }
        h.attach(archive);
        h.set_filter("H/1");
        h.prepare(30, None);
        // h/1, h/10…h/19, h/100…h/199, h/1000…h/1999: 1,111 earlier rows, found a screen
        // ahead as the window moves.
        assert!(h.len() < 1_111 && h.len() >= 30, "{}", h.len());
        assert_eq!(h.newest(0).map(|e| e.url.as_str()), Some("http://h/1999"));
        h.to_oldest(30);
        assert_eq!(h.len(), 1_111);
        h.prepare(30, None);
        assert_eq!(
            h.selected_entry().map(|e| e.url.as_str()),
            Some("http://h/1")
        );
        h.set_filter("h/300");
        h.prepare(30, None);
        let urls: Vec<String> = (0..h.len())
            .filter_map(|i| h.newest(i).map(|e| e.url.clone()))
            .collect();
        assert_eq!(
            urls,
            (3_000..3_010)
                .rev()
                .chain([300])
                .map(|n| format!("http://h/{n}"))
                .collect::<Vec<_>>(),
            "this session's matches, then the earlier one"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn window_draws_only_visible_rows_of_a_huge_history() {
        let mut h = History::with_cap(100_000);
        for n in 0..100_000 {
            h.push(ex(n));
        }
        h.move_by(50_000, 20);
        let rows: Vec<usize> = h.window(20).map(|(i, _)| i).collect();
        assert_eq!(rows.len(), 20);
        assert!(rows.contains(&50_000));
        h.move_by(isize::MIN / 2, 20);
        assert_eq!(h.selected, 0);
        assert_eq!(h.offset, 0);
    }
}

#[cfg(test)]
#[path = "history_trim_tests.rs"]
mod trim_tests;
