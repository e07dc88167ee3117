//! The history pane's model: every exchange, newest first on screen, with a selection that
//! stays on the same entry as new ones arrive. Only the visible window is ever drawn.

use crate::api::Exchange;

/// Exchanges in arrival order, plus the selection (counted from the newest).
#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<Exchange>,
    /// Selected row, 0 = newest.
    pub selected: usize,
    /// First visible row, 0 = newest.
    pub offset: usize,
}

impl History {
    /// Appends an exchange; a selection below the top keeps pointing at the same entry.
    pub fn push(&mut self, exchange: Exchange) {
        self.entries.push(exchange);
        if self.selected > 0 {
            self.selected += 1;
            self.offset += 1;
        }
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entry `i` counted from the newest.
    pub fn newest(&self, i: usize) -> Option<&Exchange> {
        self.entries
            .len()
            .checked_sub(i + 1)
            .and_then(|j| self.entries.get(j))
    }

    /// The selected entry.
    pub fn selected_entry(&self) -> Option<&Exchange> {
        self.newest(self.selected)
    }

    /// Moves the selection by `delta` rows, keeping it inside a window of `height` rows.
    pub fn move_by(&mut self, delta: isize, height: usize) {
        if self.entries.is_empty() {
            return;
        }
        let max = self.entries.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(max);
        self.scroll_into_view(height);
    }

    /// Selects row `row` of the visible window.
    pub fn click(&mut self, row: usize) {
        let target = self.offset + row;
        if target < self.entries.len() {
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
        (self.offset..self.entries.len().min(self.offset + height))
            .filter_map(|i| self.newest(i).map(|e| (i, e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ExchangeKind;

    fn ex(n: usize) -> Exchange {
        Exchange {
            kind: ExchangeKind::Api,
            started_at_ms: n as i64,
            method: "GET".into(),
            url: format!("http://h/{n}"),
            request_headers: vec![],
            request_body: None,
            status: Some(200),
            response_headers: vec![],
            response_body: None,
            latency_ms: 1.0,
            error: None,
            note: None,
        }
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
    fn window_draws_only_visible_rows_of_a_huge_history() {
        let mut h = History::default();
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
