//! Search in the exchange detail: every occurrence of the query in the whole document
//! (folded rows included, so a match is never missed), `n`/`N` from one to the next, and
//! the containers around a match opened so it can be seen. ASCII letters match in either
//! case.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::DetailView;
use super::doc::Doc;
use crate::tui::app::Level;

/// The query and where `n`/`N` stand.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Search {
    pub query: crate::tui::text_input::TextInput,
    /// The prompt is open (keys type into `query`).
    pub typing: bool,
    /// Index of the current match in [`matches`].
    pub current: Option<usize>,
}

/// An occurrence: its row and the character where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Match {
    pub row: usize,
    pub start: usize,
}

fn same(a: char, b: char) -> bool {
    a.eq_ignore_ascii_case(&b)
}

/// Character positions where `query` starts in `text` (non-overlapping).
fn find_all(text: &[char], query: &[char]) -> Vec<usize> {
    let mut out = Vec::new();
    if query.is_empty() || query.len() > text.len() {
        return out;
    }
    let mut i = 0;
    while i + query.len() <= text.len() {
        if text[i..i + query.len()]
            .iter()
            .zip(query)
            .all(|(a, b)| same(*a, *b))
        {
            out.push(i);
            i += query.len();
        } else {
            i += 1;
        }
    }
    out
}

fn chars_of(line: &Line) -> Vec<char> {
    line.spans.iter().flat_map(|s| s.content.chars()).collect()
}

/// Every occurrence of `query` in `doc`, in reading order (folded rows as if open).
pub fn matches(doc: &Doc, query: &str) -> Vec<Match> {
    let query: Vec<char> = query.chars().collect();
    if query.is_empty() {
        return vec![];
    }
    doc.rows
        .iter()
        .enumerate()
        .flat_map(|(row, r)| {
            find_all(&chars_of(&r.para.line), &query)
                .into_iter()
                .map(move |start| Match { row, start })
        })
        .collect()
}

/// Opens the containers around `row` and puts the cursor on it.
fn reveal(view: &mut DetailView, doc: &Doc, row: usize) {
    for a in doc.ancestors(row) {
        view.folds.remove(&a);
    }
    view.cursor = row;
}

fn no_match(query: &str) -> (Level, String) {
    (
        Level::Warn,
        format!("No match for “{query}” in this exchange."),
    )
}

/// Enter: every folded container holding a match opens; the cursor goes to the first
/// match at or after it.
pub fn submit(view: &mut DetailView, doc: &Doc) -> Option<(Level, String)> {
    let all = matches(doc, view.search.query.value());
    if view.search.query.value().is_empty() {
        view.search = Search::default();
        return None;
    }
    if all.is_empty() {
        view.search.current = None;
        return Some(no_match(view.search.query.value()));
    }
    for m in &all {
        for a in doc.ancestors(m.row) {
            view.folds.remove(&a);
        }
    }
    let at = all.iter().position(|m| m.row >= view.cursor).unwrap_or(0);
    view.search.current = Some(at);
    reveal(view, doc, all[at].row);
    None
}

/// `n` (forward) or `N`: the next or previous match, wrapping around the ends.
pub fn step(view: &mut DetailView, doc: &Doc, forward: bool) -> Option<(Level, String)> {
    if view.search.query.value().is_empty() {
        return Some((
            Level::Info,
            format!(
                "Nothing searched yet: {} then a word.",
                crate::tui::keys::detail_key(crate::tui::keys::Action::SearchStart)
            ),
        ));
    }
    let all = matches(doc, view.search.query.value());
    if all.is_empty() {
        view.search.current = None;
        return Some(no_match(view.search.query.value()));
    }
    let n = all.len();
    let (next, wrapped) = match view.search.current {
        Some(c) if forward => ((c + 1) % n, c + 1 == n),
        Some(c) => ((c + n - 1) % n, c == 0),
        None => (0, false),
    };
    view.search.current = Some(next);
    reveal(view, doc, all[next].row);
    wrapped.then(|| {
        (
            Level::Info,
            if forward {
                "Search wrapped to the top.".to_string()
            } else {
                "Search wrapped to the bottom.".to_string()
            },
        )
    })
}

/// `line` with each occurrence of `query` restyled by `style_at(start)` (on top of its
/// own colours).
pub fn mark(line: &Line<'static>, query: &str, style_at: impl Fn(usize) -> Style) -> Line<'static> {
    let chars: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
        .collect();
    let text: Vec<char> = chars.iter().map(|(c, _)| *c).collect();
    let query: Vec<char> = query.chars().collect();
    let found = find_all(&text, &query);
    if found.is_empty() {
        return line.clone();
    }
    let mut styles: Vec<Style> = chars.iter().map(|(_, s)| *s).collect();
    for start in found {
        let extra = style_at(start);
        for s in &mut styles[start..start + query.len()] {
            *s = s.patch(extra);
        }
    }
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_style = styles.first().copied().unwrap_or_default();
    for (c, s) in text.into_iter().zip(styles) {
        if s != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = s;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
    Line::from(spans).style(line.style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_ignore_ascii_case_and_do_not_overlap() {
        let text: Vec<char> = "Paid paid PAIDpaid".chars().collect();
        let q: Vec<char> = "paid".chars().collect();
        assert_eq!(find_all(&text, &q), [0, 5, 10, 14]);
        let aa: Vec<char> = "aaaa".chars().collect();
        assert_eq!(find_all(&aa, &['a', 'a']), [0, 2]);
    }

    #[test]
    fn marking_keeps_the_text() {
        let line = Line::from(vec![Span::raw("ab"), Span::raw("cabc")]);
        let marked = mark(&line, "bc", |_| {
            Style::default().add_modifier(ratatui::style::Modifier::REVERSED)
        });
        assert_eq!(marked.to_string(), "abcabc");
        assert!(marked.spans.len() >= 3);
    }
}
