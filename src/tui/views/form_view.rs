//! Steps ① and ②: one field per line, label, value, and an inline check.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, panel};
use crate::flow::machine::Step;
use crate::tui::app::{App, Pane};
use crate::tui::form_model::Kind;
use crate::tui::layout::form_offset;
use crate::tui::step_forms;

const LABEL_WIDTH: usize = 19;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, rows: usize) {
    let t = &app.theme;
    let form = app.current_form();
    let title = match app.flow.step {
        Step::Purchase => "① Purchase — POST /purchases/",
        _ => "② Card & device — POST /p/{id}/?s2s=true",
    };
    let focused_pane = app.pane == Pane::Step && app.overlay.is_none();
    let block = panel(title, focused_pane, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let offset = form_offset(form.focus, rows);
    let mut lines: Vec<Line> = Vec::new();
    for (i, field) in form.fields.iter().enumerate().skip(offset).take(rows) {
        let focused = i == form.focus && focused_pane;
        let label_style = if focused {
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(t.muted)
        };
        // The field being edited shows its raw text with the cursor; others their display
        // form (the card grouped in fours, the CVC as bullets).
        let value = match field.kind {
            Kind::Bool | Kind::OnOff => toggle_text(&field.kind, &field.value),
            _ if focused => {
                super::with_cursor(&field.value, app.cursor_back, field.kind == Kind::Cvc)
            }
            _ => field.display(),
        };
        let (note, note_style) = match (field.warning(), field.hint()) {
            (Some(w), _) => (format!("⚠ {w}"), Style::default().fg(t.warn)),
            (None, Some(h)) => (h, Style::default().fg(t.ok)),
            (None, None) => (String::new(), Style::default()),
        };
        let note_width = note.chars().count();
        let value_width = width
            .saturating_sub(LABEL_WIDTH + 1 + note_width + 1)
            .max(8);
        let value_style = t.row(focused);
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<LABEL_WIDTH$} ", fit(&field.label, LABEL_WIDTH)),
                label_style,
            ),
            Span::styled(
                format!("{:<value_width$}", fit(&value, value_width)),
                value_style,
            ),
            Span::raw(" "),
            Span::styled(note, note_style),
        ]));
    }
    while lines.len() < rows {
        lines.push(Line::raw(""));
    }
    let footer = match app.flow.step {
        Step::Purchase => {
            let total = step_forms::total(&app.purchase_form).map_or(
                "total: a price is not a number".to_string(),
                |t| {
                    let currency = app
                        .purchase_form
                        .get("purchase.currency")
                        .map_or("", |f| f.value.as_str());
                    format!("total {currency} {t:.2} (sum of prices)")
                },
            );
            format!("{total} · F4 add product · F8 remove · Ctrl+S create")
        }
        _ => "F2 test cards · F3 device presets · Space toggles · Ctrl+S pay".to_string(),
    };
    lines.push(Line::from(Span::styled(
        fit(&footer, width),
        Style::default().fg(t.muted),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn toggle_text(kind: &Kind, value: &str) -> String {
    let (a, b) = match kind {
        Kind::OnOff => ("off", "on"),
        _ => ("false", "true"),
    };
    if value == b {
        format!(" {a} [{b}]")
    } else {
        format!("[{a}] {b} ")
    }
}
