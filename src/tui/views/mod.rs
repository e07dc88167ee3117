//! Drawing: pure functions of `&App`, so every screen can be snapshot-tested.

mod card_picker;
mod detail;
mod footer;
mod form;
mod header;
mod history;
pub mod json;
mod overlays;
mod panel;
mod result;
mod webhook;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use super::app::App;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::theme::Theme;

/// The purchase id and status of a recorded webhook, if its body says them.
pub fn webhook_facts(ex: &crate::api::Exchange) -> Option<(String, String)> {
    webhook::WebhookFacts::of(ex).map(|f| (f.purchase_id, f.status))
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let areas = layout::compute((area.width, area.height), app);
    let base = Style::default().bg(app.theme.background).fg(app.theme.text);
    frame.render_widget(Block::default().style(base), area);
    if areas.too_small {
        let text = format!(
            "Terminal too small ({}×{}). paysecure-explorer needs at least {MIN_WIDTH}×{MIN_HEIGHT}: enlarge it, or Ctrl+C to quit.",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .alignment(Alignment::Center)
                .style(base),
            area,
        );
        return;
    }
    header::draw(frame, areas.header, app);
    if app.shows_result() {
        result::draw(frame, areas.step, app);
    } else {
        form::draw(frame, areas.step, app, areas.form_rows());
    }
    history::draw(frame, areas.history, app);
    if let Some(detail_area) = areas.detail {
        detail::draw_summary(frame, detail_area, app);
    }
    footer::draw_notice(frame, areas.notice, app);
    footer::draw(frame, areas.footer, app);
    overlays::draw(frame, area, app);
}

/// A bordered block, highlighted when focused.
pub fn panel<'a>(title: impl Into<String>, focused: bool, theme: &Theme) -> Block<'a> {
    let colour = if focused {
        theme.focus_border
    } else {
        theme.border
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(Style::default().fg(colour))
        .title(format!(" {} ", title.into()))
        .title_style(
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        )
}

/// A rectangle of `w`×`h` centred in `r` (clamped to it).
pub fn centered(r: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(r.width);
    let h = h.min(r.height);
    Rect::new(r.x + (r.width - w) / 2, r.y + (r.height - h) / 2, w, h)
}

/// Truncates to `width` characters with an ellipsis.
pub fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        text.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut s: String = text.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

/// A purchase id shortened for narrow places (`64bf…e82f`).
pub fn short_id(id: &str) -> String {
    if id.len() > 12 && id.is_ascii() {
        format!("{}…{}", &id[..4], &id[id.len() - 4..])
    } else {
        id.to_string()
    }
}

/// `text` with a bar cursor `back` characters from its end; `mask` shows bullets (CVC).
pub fn with_cursor(text: &str, back: usize, mask: bool) -> String {
    let chars: Vec<char> = if mask {
        text.chars().map(|_| '•').collect()
    } else {
        text.chars().collect()
    };
    let pos = chars.len() - back.min(chars.len());
    let mut out: String = chars[..pos].iter().collect();
    out.push('▏');
    out.extend(&chars[pos..]);
    out
}
