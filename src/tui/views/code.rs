//! Copy as code: the language chooser (with the form-values toggle and its warning) and
//! the snippet, scrollable. Generated text is cleaned before it reaches the terminal
//! (history bodies came from a server).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::fit;
use super::overlays::frame_box;
use crate::codegen::Lang;
use crate::term_text::clean;
use crate::tui::app::App;
use crate::tui::code_view::{CodeOverlay, Shown, max_col, shown_line, snippet_columns};
use crate::tui::columns::width as width_of;
use crate::tui::keys::{Action, Context, label_of};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, code: &CodeOverlay) {
    match &code.shown {
        None => chooser(frame, area, app, code),
        Some(shown) => snippet(frame, area, app, code, shown),
    }
}

fn key(action: Action) -> String {
    label_of(action, Context::Code)
}

fn chooser(frame: &mut Frame, area: Rect, app: &App, code: &CodeOverlay) {
    let t = &app.theme;
    let muted = Style::default().fg(t.muted);
    let title = format!("Copy as code — {}", clean(&code.source.describe()));
    let mut lines: Vec<Line> = Lang::ALL
        .iter()
        .enumerate()
        .map(|(i, lang)| {
            // The marker says which row is chosen without relying on colour.
            let mark = if i == code.selected { "▶" } else { " " };
            Line::styled(
                format!("{mark} {}", lang.label()),
                t.row(i == code.selected),
            )
        })
        .collect();
    lines.push(Line::raw(""));
    if code.source.from_form() {
        let mark = if code.form_values { "x" } else { " " };
        lines.push(Line::raw(format!(
            "[{mark}] use the form's card values ({})",
            key(Action::CodeFormValues)
        )));
        lines.push(if code.form_values {
            Line::styled(
                "    WARNING: the snippet holds the card number and security code",
                Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
            )
        } else {
            Line::styled("    card masked (first 6 / last 4), code as ***", muted)
        });
    } else {
        lines.push(Line::styled(
            "card masked and code removed, as history keeps them",
            muted,
        ));
    }
    lines.push(Line::styled("key read from $PAYSECURE_API_KEY", muted));
    lines.push(Line::styled(
        format!(
            "{} copies (OSC 52) and shows · {} closes",
            key(Action::Select),
            key(Action::Close)
        ),
        muted,
    ));
    let widest = lines
        .iter()
        .map(|l| l.width())
        .chain([width_of(&title) + 2])
        .max()
        .unwrap_or(40);
    let width = widest.min((area.width as usize).saturating_sub(6));
    let inner = frame_box(
        frame,
        area,
        app,
        &title,
        u16::try_from(width + 2).unwrap_or(u16::MAX),
        u16::try_from(lines.len() + 2).unwrap_or(u16::MAX),
    );
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| {
            let style = l.style;
            Line::styled(fit(&line_text(&l), inner.width as usize), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn line_text(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

fn snippet(frame: &mut Frame, area: Rect, app: &App, code: &CodeOverlay, shown: &Shown) {
    let t = &app.theme;
    let columns = snippet_columns(area.width);
    let all: Vec<String> = shown.code.lines().map(shown_line).collect();
    let col = shown.col.min(max_col(&shown.code, columns));
    let more_right = all
        .iter()
        .any(|l| crate::tui::columns::width(l) > col + columns);
    let title = format!(
        "{} — {} — copied{}{}",
        shown.lang.label(),
        clean(&code.source.describe()),
        if col > 0 { " · ← more" } else { "" },
        if more_right { " · → more" } else { "" }
    );
    let width = area.width.saturating_sub(4);
    // Like the other overlays, the box ends above the notice line (what a key did).
    let height = area.height.saturating_sub(4);
    let inner = frame_box(frame, area, app, &title, width, height);
    let rows = inner.height.saturating_sub(1) as usize;
    let mut lines: Vec<Line> = all
        .iter()
        .skip(shown.scroll as usize)
        .take(rows)
        .map(|l| {
            let style = if l.contains("WARNING") {
                Style::default().fg(t.warn)
            } else {
                Style::default().fg(t.text)
            };
            Line::styled(
                crate::tui::columns::window(l, col, inner.width as usize),
                style,
            )
        })
        .collect();
    lines.resize(rows, Line::raw(""));
    let last = (shown.scroll as usize + rows).min(all.len());
    lines.push(Line::styled(
        fit(
            &format!(
                "lines {}–{last} of {} · {}{} {} {} scroll · {}{} sideways, {} column 0 · {} copies again · {} other language",
                (shown.scroll as usize + 1).min(all.len()),
                all.len(),
                key(Action::Up),
                key(Action::Down),
                key(Action::PageUp),
                key(Action::PageDown),
                key(Action::CodeLeft),
                key(Action::CodeRight),
                key(Action::CodeLineStart),
                key(Action::Select),
                key(Action::Close)
            ),
            inner.width as usize,
        ),
        Style::default().fg(t.muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}
