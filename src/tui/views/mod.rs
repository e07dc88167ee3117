//! Drawing: pure functions of `&App`, so every screen can be snapshot-tested.

mod card_picker;
mod code;
mod detail;
mod field_guide;
pub mod flow_map;
mod footer;
mod form_view;
mod header;
pub(crate) mod history;
pub mod json;
mod overlays;
mod panel;
pub(crate) mod presenter;
mod result;
pub mod webhook;

#[cfg(test)]
pub use overlays::help_text_for_tests;
pub use overlays::{help_fields_scroll, help_max_scroll, help_rows};
pub use result::scroll_by as scroll_result;

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

/// Lines the result screen takes at `width` columns (the layout sizes panes by it).
pub fn result_rows(app: &App, width: usize) -> usize {
    result::wrapped(app, width).len()
}

/// Rows the notice line takes at `width` columns (one at least).
pub fn notice_rows(app: &App, width: usize) -> u16 {
    footer::notice_lines(app, width)
        .len()
        .clamp(1, footer::NOTICE_MAX_ROWS) as u16
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let areas = layout::compute((area.width, area.height), app);
    let base = Style::default().bg(app.theme.background).fg(app.theme.text);
    frame.render_widget(Block::default().style(base), area);
    if areas.too_small {
        let text = format!(
            "Terminal too small ({}×{}). paysecure-explorer needs at least {MIN_WIDTH}×{MIN_HEIGHT}: enlarge it, or {} to quit.",
            area.width,
            area.height,
            crate::tui::keys::label_of(crate::tui::keys::Action::ForceQuit, app.context())
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
    if let Some(p) = &app.presenter {
        presenter::draw(frame, area, app, p);
        return;
    }
    header::draw(frame, areas.header, app);
    if app.shows_result() {
        result::draw(frame, areas.step, app);
    } else {
        form_view::draw(
            frame,
            areas.step,
            app,
            areas.form_rows(),
            areas.guide_rows(),
        );
    }
    history::draw(frame, areas.history, app);
    if let Some(detail_area) = areas.detail {
        detail::draw_summary(frame, detail_area, app);
    }
    footer::draw_notice(frame, areas.notice, app);
    footer::draw(frame, areas.footer, app);
    // Overlays leave the notice rows and the footer visible (what a key did is read).
    let above_notice = Rect {
        height: (areas.notice.y + 2).min(area.height),
        ..area
    };
    overlays::draw(frame, above_notice, app);
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

/// Truncates to `width` columns with an ellipsis, never inside a grapheme.
pub use crate::tui::columns::fit;

/// A purchase id shortened for narrow places (`64bf…e82f`).
pub fn short_id(id: &str) -> String {
    if id.len() > 12 && id.is_ascii() {
        format!("{}…{}", &id[..4], &id[id.len() - 4..])
    } else {
        id.to_string()
    }
}
