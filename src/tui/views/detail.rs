//! The selected exchange: a summary beside the history, and the full scrollable view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::json::body_lines;
use super::panel;
use crate::api::Exchange;
use crate::tui::app::App;
use crate::tui::local_time::LocalTime;
use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;

/// Every line of an exchange's detail: request line, when (in `zone`), headers, bodies.
pub fn lines(ex: &Exchange, t: &Theme, with_headers: bool, zone: &LocalTime) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let status = ex
        .status
        .map_or_else(|| "no response".to_string(), |s| s.to_string());
    out.push(Line::from(vec![
        Span::styled(
            format!("{} {}", ex.method, clean(&ex.url)),
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        Span::styled(
            format!("{status} · {:.1} ms", ex.latency_ms),
            Style::default().fg(t.text),
        ),
    ]));
    out.push(Line::styled(
        zone.date_time(ex.started_at_ms),
        Style::default().fg(t.muted),
    ));
    if let Some(note) = &ex.note {
        out.push(Line::styled(clean(note), Style::default().fg(t.muted)));
    }
    if let Some(err) = &ex.error {
        out.push(Line::styled(
            format!("transport failure: {}", clean(err)),
            Style::default().fg(t.error),
        ));
    }
    for (title, headers, body) in [
        ("request", &ex.request_headers, &ex.request_body),
        ("response", &ex.response_headers, &ex.response_body),
    ] {
        out.push(Line::styled(
            format!("▾ {title}"),
            Style::default().fg(t.muted),
        ));
        if with_headers {
            for (k, v) in headers.iter() {
                out.push(Line::from(vec![
                    Span::styled(format!("  {}: ", clean(k)), Style::default().fg(t.json_key)),
                    Span::raw(clean(v)),
                ]));
            }
        }
        match body {
            Some(b) if !b.is_empty() => out.extend(body_lines(b, t).into_iter().map(|l| {
                let mut spans = vec![Span::raw("  ")];
                spans.extend(l.spans);
                Line::from(spans)
            })),
            _ => out.push(Line::styled("  (no body)", Style::default().fg(t.muted))),
        }
    }
    out
}

/// The summary pane of the wide layout.
pub fn draw_summary(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = panel("Detail", false, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let content = match app.history.selected_entry() {
        Some(ex) => lines(ex, t, false, &app.local_time),
        None => vec![Line::styled(
            "Select an exchange in the history.",
            Style::default().fg(t.muted),
        )],
    };
    frame.render_widget(Paragraph::new(content).wrap(Wrap { trim: false }), inner);
}
