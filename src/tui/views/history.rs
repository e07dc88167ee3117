//! The history pane: newest first, one row per exchange, only the visible rows drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, panel};
use crate::api::{Exchange, ExchangeKind};
use crate::tui::app::{App, Pane};
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::local_time::LocalTime;
use crate::tui::sanitize::clean;

/// The compact path of an exchange: `/api/v1` dropped, long ids shortened.
pub fn short_path(ex: &Exchange) -> String {
    let path = ex.path();
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    clean(
        &path
            .split('/')
            .map(|seg| {
                let (head, query) = seg
                    .split_once('?')
                    .map_or((seg, None), |(h, q)| (h, Some(q)));
                let head = if head.len() == 24 && head.bytes().all(|b| b.is_ascii_hexdigit()) {
                    super::short_id(head)
                } else {
                    head.to_string()
                };
                query.map_or(head.clone(), |q| format!("{head}?{q}"))
            })
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// One row's text (without selection styling), its time in `zone`.
pub fn row_text(ex: &Exchange, width: usize, zone: &LocalTime) -> (String, String) {
    let time = zone.clock(ex.started_at_ms);
    let what = match (ex.kind, &ex.note) {
        (ExchangeKind::Webhook | ExchangeKind::Landing, Some(note)) => format!("⇐ {}", clean(note)),
        // Folded status GETs of a follow-up.
        (ExchangeKind::Api, Some(note)) => clean(note),
        _ => format!("{:<4} {}", ex.method, short_path(ex)),
    };
    let status = crate::history::record::status_label(ex);
    let tail = format!("{status:>4} {:>5.0} ms", ex.latency_ms);
    // 1 for the selection marker, 9 for the time and its space, 1 before the tail.
    let what_width = width.saturating_sub(1 + 9 + crate::tui::columns::width(&tail) + 1);
    (
        format!(
            "{time} {} ",
            crate::tui::columns::pad(&fit(&what, what_width), what_width)
        ),
        tail,
    )
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let focused = app.pane == Pane::History && app.overlay.is_none();
    let filter = app
        .history
        .filter_text()
        .map(|f| format!(" · filter \"{}\" of {}", clean(f), app.history.total()))
        .unwrap_or_default();
    // A short filter reads earlier rows a step at a time, as the user scrolls down: say
    // there may be more (never searched on a tick: see `history_archive`).
    let filter = if app.history.archive_more_to_find() {
        format!(
            "{filter}, more as you scroll ({} finds all)",
            label_of(Action::Oldest, Context::History)
        )
    } else {
        filter
    };
    let new_above = match app.history.new_above {
        0 => String::new(),
        n => format!(" · ↑ {n} new (g)"),
    };
    // The shortest key that focuses history from where the user is (h is text while a
    // field is being edited: F6 then).
    let focus_key =
        crate::tui::keys::usable_labels(Action::SwitchPane, app.context(), app.in_text())
            .into_iter()
            .min_by_key(|k| k.chars().count());
    // What the rows are comes first (count, filter, new rows, whose clock); the hint
    // goes first when the title is too long for the pane (the footer has it too).
    let title = format!(
        "History · {}{filter}{new_above} · local time",
        app.history.len()
    );
    let hint = match (focused, focus_key) {
        (true, _) => format!(
            " · newest first, {} opens",
            label_of(Action::Select, Context::History)
        ),
        (false, Some(key)) => format!(" · newest first, {key} to focus"),
        (false, None) => " · newest first".to_string(),
    };
    let room = (area.width as usize).saturating_sub(4);
    let title = if crate::tui::columns::width(&title) + crate::tui::columns::width(&hint) <= room {
        title + &hint
    } else {
        title
    };
    let block = panel(title, focused, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.history.is_empty() {
        // "Nothing matches" is not "nothing yet".
        let text = if app.history.total() > 0 {
            format!(
                "No exchange matches the filter ({} then {} on an empty filter clears it).",
                label_of(Action::Filter, Context::History),
                label_of(Action::Select, Context::Prompt)
            )
        } else {
            format!(
                "No exchanges yet: {} sends the first.",
                label_of(Action::Send, Context::PurchaseForm)
            )
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, Style::default().fg(t.muted))),
            inner,
        );
        return;
    }
    let width = inner.width as usize;
    let lines: Vec<Line> = app
        .history
        .window(inner.height as usize)
        .map(|(i, ex)| {
            let (head, tail) = row_text(ex, width, &app.local_time);
            let status_style = match ex.status {
                // An answer that could not be used is no success, whatever its status.
                _ if ex.error.is_some() => Style::default().fg(t.error),
                Some(s) if s < 300 => Style::default().fg(t.ok),
                Some(s) if s < 400 => Style::default().fg(t.accent),
                _ => Style::default().fg(t.error),
            };
            let selected = i == app.history.selected;
            let head_style = t.row(selected);
            let tail_style = if selected { head_style } else { status_style };
            let marker = if selected { "▶" } else { " " };
            Line::from(vec![
                Span::styled(marker, head_style),
                Span::styled(head, head_style),
                Span::styled(tail, tail_style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
