//! Steps ① and ②: one field per line, label, value, and an inline check.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use unicode_width::UnicodeWidthStr;

use super::{fit, panel};
use crate::flow::machine::Step;
use crate::tui::app::{App, Mode, Pane};
use crate::tui::form_model::{Field, Kind};
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::layout::form_offset;
use crate::tui::step_forms;
use crate::tui::text_input::window;

const LABEL_WIDTH: usize = 19;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, rows: usize, guide_rows: usize) {
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
    for (row, (i, field)) in form
        .fields
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .enumerate()
    {
        let focused = i == form.focus && focused_pane;
        let label_style = if focused {
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(t.muted)
        };
        let (note, note_style) = match (field.warning(), field.hint()) {
            (Some(w), _) => (format!("⚠ {w}"), Style::default().fg(t.warn)),
            (None, Some(h)) => (h, Style::default().fg(t.ok)),
            (None, None) => (String::new(), Style::default()),
        };
        let note_width = crate::tui::columns::width(&note);
        let value_width = width
            .saturating_sub(LABEL_WIDTH + 1 + note_width + 1)
            .max(8);
        // The focused field shows its raw text around the cursor (the view follows it,
        // `…` where it is cut); others their display form (the card grouped in fours, the
        // CVC as bullets), cut at the end.
        let value = match field.kind {
            Kind::Bool | Kind::OnOff => toggle_text(&field.kind, field.value()),
            _ if focused => {
                let shown = edited_text(field, value_width);
                // The terminal's own cursor marks where typing goes, in insert mode.
                if app.mode == Mode::Insert {
                    let x = inner.x as usize + LABEL_WIDTH + 1 + shown.cursor;
                    let y = inner.y as usize + row;
                    if x < (inner.x + inner.width) as usize {
                        frame.set_cursor_position((x as u16, y as u16));
                    }
                }
                shown.text
            }
            _ => fit(&field.display(), value_width),
        };
        let pad = value_width.saturating_sub(value.width());
        let value_style = t.row(focused);
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<LABEL_WIDTH$} ", fit(&field.label, LABEL_WIDTH)),
                label_style,
            ),
            Span::styled(format!("{value}{}", " ".repeat(pad)), value_style),
            Span::raw(" "),
            Span::styled(note, note_style),
        ]));
    }
    // The focused field's guide sits above the hint line; rows the fields leave empty
    // let it wrap instead of being cut (one blank row kept above it).
    let spare = rows.saturating_sub(lines.len() + 1);
    let guide = match (form.focused(), guide_rows) {
        (Some(field), 1..) => super::field_guide::guide_lines(field, width, guide_rows + spare, t),
        _ => Vec::new(),
    };
    while lines.len() + guide.len() < rows + guide_rows {
        lines.push(Line::raw(""));
    }
    lines.extend(guide);
    let footer = match app.flow.step {
        Step::Purchase => {
            let total = step_forms::total(&app.purchase_form).map_or(
                "total: a price is not a number".to_string(),
                |t| {
                    let currency = app
                        .purchase_form
                        .get("purchase.currency")
                        .map_or("", |f| f.value());
                    format!("total {currency} {t:.2} (sum of prices)")
                },
            );
            format!(
                "{total} · {} add product · {} remove · {} create",
                label_of(Action::AddProduct, Context::PurchaseForm),
                label_of(Action::RemoveProduct, Context::PurchaseForm),
                label_of(Action::Send, Context::PurchaseForm),
            )
        }
        _ => format!(
            "{} test cards · {} device presets · {} toggles · {} pay",
            label_of(Action::TestCards, Context::CardForm),
            label_of(Action::DevicePresets, Context::CardForm),
            label_of(Action::Toggle, Context::CardForm),
            label_of(Action::Send, Context::CardForm),
        ),
    };
    lines.push(Line::from(Span::styled(
        fit(&footer, width),
        Style::default().fg(t.muted),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The focused field's text in `width` columns around its cursor (the CVC as bullets,
/// one per character, so the cursor lands where it is in the digits).
fn edited_text(field: &Field, width: usize) -> crate::tui::text_input::Shown {
    let text = match field.kind {
        Kind::Cvc => "•".repeat(field.value().chars().count()),
        _ => field.value().to_string(),
    };
    window(&text, field.input.cursor(), width)
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
