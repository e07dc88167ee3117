//! The selected exchange: a summary beside the history, and the full overlay with its
//! cursor, folds, search marks and status line. Both draw the rows of
//! [`crate::tui::detail::doc`], wrapped by [`crate::tui::wrap`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::panel;
use crate::tui::app::App;
use crate::tui::detail::{self, DetailView, GUTTER, doc};
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::layout;
use crate::tui::wrap;

/// The summary pane: the selected exchange without headers, as many rows as fit.
pub fn draw_summary(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = panel("Detail", false, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(ex) = app.history.selected_entry() else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "Select an exchange in the history.",
                Style::default().fg(t.muted),
            )),
            inner,
        );
        return;
    };
    let doc = doc::build(
        ex,
        t,
        &doc::Options {
            zone: Some(&app.local_time),
            ..doc::Options::default()
        },
    );
    let (width, height) = (inner.width as usize, inner.height as usize);
    let mut lines = Vec::with_capacity(height);
    // Only the rows that fit are wrapped: the pane is drawn every frame.
    for row in &doc.rows {
        if lines.len() >= height {
            break;
        }
        lines.extend(wrap::wrap(&row.para, width).lines);
    }
    lines.truncate(height);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The full exchange overlay.
pub fn draw_overlay(frame: &mut Frame, app: &App, index: usize, view: &DetailView) {
    let t = &app.theme;
    let area = frame.area();
    let b = layout::detail_box((area.width, area.height), app);
    frame.render_widget(Clear, b.outer);
    let key = |action| label_of(action, Context::Detail);
    // The row's own offer: a create or a payment, a browser step or a landing is not sent
    // again (r says why), a webhook is replayed.
    let offer = app
        .history
        .newest(index)
        .and_then(crate::tui::update::resend_offer);
    let (r, c, esc) = (
        key(Action::Resend),
        key(Action::CopyCurl),
        key(Action::Close),
    );
    // The longest title that fits the border, shortened by whole words (cut at the
    // border, a narrow one read "Exchange — r resend (asks first: it ac").
    let long = offer.map_or_else(String::new, |o| format!("{r} {o} · "));
    let short = offer
        .and_then(|o| o.split_whitespace().next())
        .map_or_else(String::new, |o| format!("{r} {o} · "));
    let room = (b.outer.width as usize).saturating_sub(4);
    let title = [
        format!("Exchange — {long}{c} copy as curl · {esc}"),
        format!("Exchange — {short}{c} curl · {esc}"),
        format!("{short}{c} curl · {esc}"),
    ]
    .into_iter()
    .find(|title| crate::tui::columns::width(title) <= room)
    .unwrap_or_else(|| esc.to_string());
    let block = panel(title, true, t).style(Style::default().bg(t.background).fg(t.text));
    frame.render_widget(block, b.outer);
    let Some(doc) = detail::document(app, index, view) else {
        frame.render_widget(Paragraph::new("That exchange is gone."), b.text);
        return;
    };
    let width = (b.text.width as usize).saturating_sub(GUTTER);
    let height = b.text.height as usize;
    let laid = view.lay(&doc, width);
    // A resize may leave the scroll past the new end: draw as if clamped.
    let mut view = view.clone();
    view.clamp(&laid, height);
    let cursor = view.shown_cursor(&doc);
    let current = detail::current_match(&view, &doc);
    let mut lines: Vec<Line> = Vec::with_capacity(height);
    let first = laid.at_line(view.scroll);
    let mut skip = view.scroll - laid.starts.get(first).copied().unwrap_or(0);
    for &i in laid.visible.iter().skip(first) {
        if lines.len() >= height {
            break;
        }
        let para = detail::styled_row(app, &view, &doc, i, cursor, current);
        for (n, line) in wrap::wrap(&para, width).lines.into_iter().enumerate() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let mark = if i == cursor && n == 0 { "▶" } else { " " };
            let mut spans = vec![Span::styled(mark, Style::default().fg(t.accent))];
            let style = line.style;
            spans.extend(line.spans);
            lines.push(Line::from(spans).style(style));
        }
    }
    lines.truncate(height);
    frame.render_widget(Paragraph::new(lines), b.text);
    frame.render_widget(
        Paragraph::new(detail::status_line(
            app,
            &view,
            &doc,
            &laid,
            b.status.width as usize,
        )),
        b.status,
    );
}
