//! The exchange detail overlay: a cursor on a row, JSON folding, search, the raw/readable
//! switch of HTML bodies, and scrolling that never passes the last row. The state lives in
//! `Overlay::Detail`; the keys land here from `update`.

pub mod doc;
pub mod html;
pub mod json_rows;
mod search;

use std::collections::BTreeSet;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub use search::{Match, Search, matches};

use super::app::{App, Effect, Level, Overlay};
use super::keys::{Action, Context, detail_key as key, label_of};
use super::layout;
use super::wrap::{self, Para};
use doc::Doc;

/// Columns left of the text for the cursor mark.
pub const GUTTER: usize = 1;

/// What the overlay remembers about the exchange it shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DetailView {
    /// The row the cursor is on (an index into the whole document, folded or not).
    pub cursor: usize,
    /// The first screen line shown.
    pub scroll: usize,
    /// Folded containers, by the row that opens them.
    pub folds: BTreeSet<usize>,
    /// HTML bodies as their source.
    pub raw: bool,
    /// `z` was pressed: `a` now toggles the fold (vim's `za`).
    pub pending_z: bool,
    pub search: Search,
}

/// The document laid out at a width: which rows show and on which screen line each
/// starts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Laid {
    /// Full-document indices of the shown rows.
    pub visible: Vec<usize>,
    /// Screen line where each shown row starts (one more entry: the total).
    pub starts: Vec<usize>,
}

impl Laid {
    /// Screen lines in all.
    pub fn total(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// Position in `visible` of the shown row that holds full-document row `row`, or
    /// of the nearest shown row before it.
    pub fn position(&self, row: usize) -> usize {
        match self.visible.binary_search(&row) {
            Ok(p) => p,
            Err(p) => p.saturating_sub(1),
        }
    }

    /// Position of the shown row on screen line `line`.
    pub fn at_line(&self, line: usize) -> usize {
        match self.starts.binary_search(&line) {
            Ok(p) => p.min(self.visible.len().saturating_sub(1)),
            Err(p) => p.saturating_sub(1),
        }
    }

    /// Screen lines of the shown row at position `p`.
    pub fn height_of(&self, p: usize) -> usize {
        self.starts.get(p + 1).copied().unwrap_or(0) - self.starts.get(p).copied().unwrap_or(0)
    }
}

impl DetailView {
    /// Lays `doc` out at `width` columns with this view's folds.
    pub fn lay(&self, doc: &Doc, width: usize) -> Laid {
        let visible = doc.visible(&self.folds);
        let mut starts = Vec::with_capacity(visible.len() + 1);
        let mut line = 0;
        for &i in &visible {
            starts.push(line);
            line += doc
                .shown(i, &self.folds)
                .map_or(1, |p| wrap::rows_needed(p, width));
        }
        starts.push(line);
        Laid { visible, starts }
    }

    /// The cursor's row, moved out of any folded container onto the one that hides it.
    pub fn shown_cursor(&self, doc: &Doc) -> usize {
        let mut cursor = self.cursor.min(doc.rows.len().saturating_sub(1));
        for a in doc.ancestors(cursor).into_iter().rev() {
            if self.folds.contains(&a) {
                cursor = a;
                break;
            }
        }
        cursor
    }

    /// Scroll so the cursor's row is on screen, never past the last line.
    pub fn settle(&mut self, doc: &Doc, laid: &Laid, height: usize) {
        self.cursor = self.shown_cursor(doc);
        let p = laid.position(self.cursor);
        let top = laid.starts.get(p).copied().unwrap_or(0);
        let rows = laid.height_of(p).min(height.max(1));
        if top < self.scroll {
            self.scroll = top;
        } else if top + rows > self.scroll + height {
            self.scroll = top + rows - height.min(top + rows);
        }
        self.clamp(laid, height);
    }

    /// The last screen line stays at the bottom: no scrolling past the end.
    pub fn clamp(&mut self, laid: &Laid, height: usize) {
        self.scroll = self.scroll.min(laid.total().saturating_sub(height));
    }
}

/// Builds the document of the overlay's exchange as `app` shows it.
pub fn document(app: &App, index: usize, view: &DetailView) -> Option<Doc> {
    let ex = app.history.newest(index)?;
    Some(doc::build(
        ex,
        &app.theme,
        &doc::Options {
            full: true,
            raw_html: view.raw,
            public_key_pem: app.public_key_pem.as_deref(),
            zone: Some(&app.local_time),
        },
    ))
}

/// Where the overlay's text goes: (width, height) in cells.
fn text_size(app: &App) -> (usize, usize) {
    let r = layout::detail_box(app.size, app).text;
    ((r.width as usize).saturating_sub(GUTTER), r.height as usize)
}

/// Runs `f` on the overlay's view with its document and layout, then keeps the cursor on
/// screen. Nothing happens when the detail overlay is not open.
fn with_view(app: &mut App, f: impl FnOnce(&mut DetailView, &Doc, &Laid, usize)) {
    let Some(Overlay::Detail { index, view }) = &app.overlay else {
        return;
    };
    let (index, mut view) = (*index, view.clone());
    let (width, height) = text_size(app);
    let Some(doc) = document(app, index, &view) else {
        return;
    };
    let laid = view.lay(&doc, width);
    f(&mut view, &doc, &laid, height);
    // Folding changes the layout: settle against the new one.
    let laid = view.lay(&doc, width);
    view.settle(&doc, &laid, height);
    app.overlay = Some(Overlay::Detail { index, view });
}

/// The terminal was resized: the cursor's row is brought back on screen for the new size
/// (it stayed where the old size put it, off screen, until the next key).
pub fn on_resize(app: &mut App) {
    with_view(app, |_, _, _, _| {});
}

/// Up, Down, PgUp, PgDn in the overlay: the cursor moves, the view follows.
pub fn on_move(app: &mut App, action: Action) {
    with_view(app, |view, doc, laid, height| {
        view.pending_z = false;
        let p = laid.position(view.shown_cursor(doc));
        let last = laid.visible.len().saturating_sub(1);
        let page = height.saturating_sub(1).max(1);
        let target = match action {
            Action::Up => p.saturating_sub(1),
            Action::Down => (p + 1).min(last),
            Action::PageUp => {
                view.scroll = view.scroll.saturating_sub(page);
                laid.at_line(laid.starts[p].saturating_sub(page))
            }
            _ => {
                view.scroll += page;
                view.clamp(laid, height);
                laid.at_line(laid.starts[p] + page).min(last)
            }
        };
        view.cursor = laid.visible.get(target).copied().unwrap_or(0);
    });
}

/// The mouse wheel: the view scrolls (clamped), the cursor is kept on screen.
pub fn on_wheel(app: &mut App, delta: isize) {
    with_view(app, |view, _doc, laid, height| {
        view.scroll = view.scroll.saturating_add_signed(delta);
        view.clamp(laid, height);
        let top = laid.at_line(view.scroll);
        let bottom = laid.at_line((view.scroll + height).saturating_sub(1));
        let p = laid.position(view.cursor);
        let p = p.clamp(top, bottom.max(top));
        // A cursor row that starts above the view would pull it back: take the next.
        let p = if laid.starts[p] < view.scroll {
            (p + 1).min(bottom.max(top))
        } else {
            p
        };
        view.cursor = laid.visible.get(p).copied().unwrap_or(0);
    });
}

/// The detail's own keys: folding, jumps, search, raw HTML, copying a value.
pub fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut notice: Option<(Level, String)> = None;
    let pending_z = matches!(
        &app.overlay,
        Some(Overlay::Detail { view, .. }) if view.pending_z
    );
    with_view(app, |view, doc, laid, height| {
        view.pending_z = false;
        let cursor = view.shown_cursor(doc);
        match action {
            Action::FoldPrefix => view.pending_z = true,
            Action::FoldAfterZ if !pending_z => {}
            Action::ToggleFold | Action::FoldAfterZ => {
                notice = toggle(view, doc, cursor);
            }
            Action::FoldClose => close(view, doc, cursor),
            Action::FoldOpen => open(view, doc, cursor),
            Action::DetailTop => {
                view.cursor = laid.visible.first().copied().unwrap_or(0);
                view.scroll = 0;
            }
            Action::DetailBottom => {
                view.cursor = laid.visible.last().copied().unwrap_or(0);
                view.scroll = laid.total();
                view.clamp(laid, height);
            }
            Action::SearchStart => {
                view.search = Search {
                    typing: true,
                    ..Search::default()
                };
            }
            Action::SearchNext | Action::SearchPrev => {
                notice = search::step(view, doc, action == Action::SearchNext);
            }
            Action::RawHtml if doc.has_html => {
                view.raw = !view.raw;
                // Row numbers after the body change: folds and matches would point
                // elsewhere.
                view.folds.clear();
                view.search.current = None;
            }
            Action::RawHtml => {
                notice = Some((
                    Level::Info,
                    "v switches an HTML body between readable text and its source; this exchange has none.".into(),
                ));
            }
            Action::CopyValue => match doc.rows.get(cursor).and_then(|r| r.para.copy.clone()) {
                Some(text) => {
                    notice = Some((
                        Level::Info,
                        format!("Copied {} (OSC 52).", super::views::fit(&text, 60)),
                    ));
                    effects.push(Effect::Copy(text));
                }
                None => {
                    notice = Some((
                        Level::Info,
                        format!(
                            "Nothing to copy on this line: {} copies the value under the cursor.",
                            key(Action::CopyValue)
                        ),
                    ));
                }
            },
            _ => {}
        }
    });
    if let Some(n) = notice {
        app.notice = Some(n);
    }
    effects
}

/// Enter in the search prompt: jump to the first match from the cursor on.
pub fn submit_search(app: &mut App) {
    let mut notice = None;
    with_view(app, |view, doc, _laid, _height| {
        view.search.typing = false;
        notice = search::submit(view, doc);
    });
    app.notice = notice;
}

/// Esc in the search prompt closes the prompt only (and forgets the query). Returns
/// whether there was a prompt to close.
pub fn close_search(app: &mut App) -> bool {
    match &mut app.overlay {
        Some(Overlay::Detail { view, .. }) if view.search.typing => {
            view.search = Search::default();
            true
        }
        _ => false,
    }
}

/// `za`, Space: fold or unfold the container under the cursor (or around it).
fn toggle(view: &mut DetailView, doc: &Doc, cursor: usize) -> Option<(Level, String)> {
    let row = doc.rows.get(cursor)?;
    let target = if row.fold.is_some() {
        cursor
    } else if let Some(parent) = row.parent {
        parent
    } else {
        return Some((
            Level::Info,
            "Nothing to fold here: move to a JSON object or array.".into(),
        ));
    };
    if !view.folds.remove(&target) {
        view.folds.insert(target);
        view.cursor = target;
    }
    None
}

/// ← / h: fold an open container; elsewhere, go to the container around.
fn close(view: &mut DetailView, doc: &Doc, cursor: usize) {
    let Some(row) = doc.rows.get(cursor) else {
        return;
    };
    if row.fold.is_some() && !view.folds.contains(&cursor) {
        view.folds.insert(cursor);
    } else if let Some(parent) = row.parent {
        if row.closes {
            view.folds.insert(parent);
        }
        view.cursor = parent;
    }
}

/// → / l: unfold a folded container; on an open one, step inside.
fn open(view: &mut DetailView, doc: &Doc, cursor: usize) {
    let Some(row) = doc.rows.get(cursor) else {
        return;
    };
    // A folded one opens; on an open one the cursor steps to its first child.
    if row.fold.is_some() && !view.folds.remove(&cursor) {
        view.cursor = cursor + 1;
    }
}

/// The overlay's status line, `width` columns: where the cursor is, the search, the keys
/// (fewer of them when narrow).
pub fn status_line(
    app: &App,
    view: &DetailView,
    doc: &Doc,
    laid: &Laid,
    width: usize,
) -> Line<'static> {
    let t = &app.theme;
    let muted = Style::default().fg(t.muted);
    let p = laid.position(view.shown_cursor(doc));
    let mut spans = vec![Span::styled(
        format!("line {}/{}", p + 1, laid.visible.len()),
        muted,
    )];
    let s = &view.search;
    if s.typing {
        spans.push(Span::styled(
            format!("  {}", key(Action::SearchStart)),
            Style::default().fg(t.accent),
        ));
        spans.push(Span::styled(
            typed_with_bar(&s.query, width / 2),
            t.row(true),
        ));
        let count = matches(doc, s.query.value()).len();
        spans.push(Span::styled(
            // The prompt has the keyboard: its keys are the prompt's.
            match (s.query.value().is_empty(), count) {
                (true, _) => format!(
                    "  type a word · {} finds · {} cancels",
                    label_of(Action::Select, Context::Prompt),
                    label_of(Action::Close, Context::Prompt)
                ),
                (false, 0) => "  no match".to_string(),
                (false, 1) => format!(
                    "  1 match · {} jumps",
                    label_of(Action::Select, Context::Prompt)
                ),
                (false, n) => format!(
                    "  {n} matches · {} jumps",
                    label_of(Action::Select, Context::Prompt)
                ),
            },
            muted,
        ));
    } else if !s.query.value().is_empty() {
        let all = matches(doc, s.query.value());
        let text = match (all.len(), s.current) {
            (0, _) => format!("  no match for “{}”", s.query.value()),
            (n, Some(c)) => format!(
                "  “{}” {}/{n} · {} next · {} previous",
                s.query.value(),
                c + 1,
                key(Action::SearchNext),
                key(Action::SearchPrev)
            ),
            (n, None) => format!(
                "  “{}” {n} matches · {} next",
                s.query.value(),
                key(Action::SearchNext)
            ),
        };
        let style = if all.is_empty() {
            Style::default().fg(t.warn)
        } else {
            Style::default().fg(t.accent)
        };
        spans.push(Span::styled(text, style));
    } else {
        let html = match (doc.has_html, view.raw) {
            (false, _) => String::new(),
            (true, false) => format!(" · {} raw HTML", key(Action::RawHtml)),
            (true, true) => format!(" · {} readable", key(Action::RawHtml)),
        };
        let used = crate::tui::columns::width(&spans[0].content);
        let fold = key(Action::ToggleFold);
        let za = key(Action::FoldPrefix) + &key(Action::FoldAfterZ);
        let sideways = key(Action::FoldClose) + &key(Action::FoldOpen);
        let search = key(Action::SearchStart);
        let copy = key(Action::CopyValue);
        let keys = [
            format!(
                "  {}{} move · {fold}/{za} fold · {sideways} close/open · {search} search · {copy} copy value",
                key(Action::Up),
                key(Action::Down)
            ),
            format!("  {fold} fold · {sideways} · {search} search · {copy} copy"),
            format!("  {} keys", key(Action::Help)),
        ]
        .into_iter()
        .map(|k| format!("{k}{html}"))
        .find(|k| used + crate::tui::columns::width(k) <= width)
        .unwrap_or_default();
        spans.push(Span::styled(keys, muted));
    }
    Line::from(spans)
}

/// The current match of the view's search, if any.
pub fn current_match(view: &DetailView, doc: &Doc) -> Option<Match> {
    let c = view.search.current?;
    matches(doc, view.search.query.value()).get(c).copied()
}

/// Row `i` as drawn: search matches marked (`current` the strongest), the cursor's row
/// highlighted.
pub fn styled_row(
    app: &App,
    view: &DetailView,
    doc: &Doc,
    i: usize,
    cursor: usize,
    current: Option<Match>,
) -> Para {
    let Some(para) = doc.shown(i, &view.folds) else {
        return Para::default();
    };
    let mut para = para.clone();
    let s = &view.search;
    if !s.query.value().is_empty() {
        para.line = search::mark(&para.line, s.query.value(), |start| {
            let is_current = current == Some(Match { row: i, start });
            let base = Style::default().add_modifier(Modifier::REVERSED);
            if is_current {
                base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            } else {
                base
            }
        });
    }
    if i == cursor {
        para.line = para.line.style(Style::default().bg(app.theme.selection_bg));
    }
    para
}

#[cfg(test)]
mod tests;

/// The search query around its cursor in `width` columns, the cursor drawn as a bar (the
/// status line is not where the terminal's cursor goes).
fn typed_with_bar(input: &crate::tui::text_input::TextInput, width: usize) -> String {
    let shown = crate::tui::text_input::window(input.value(), input.cursor(), width.max(8));
    // `cursor` is a column: the bar goes after the characters that fill it.
    let mut column = 0;
    let mut text = String::new();
    let mut placed = false;
    for g in unicode_segmentation::UnicodeSegmentation::graphemes(shown.text.as_str(), true) {
        if !placed && column >= shown.cursor {
            text.push('▏');
            placed = true;
        }
        column += crate::tui::columns::width(g);
        text.push_str(g);
    }
    if !placed {
        text.push('▏');
    }
    text
}
