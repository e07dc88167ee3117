//! Where everything goes, computed from the terminal size alone, so drawing and mouse
//! hit-testing agree. Wide terminals put history and detail beside the step; narrow
//! ones fold history under the step.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::App;

/// Below this the screen shows a notice instead of the layout.
pub const MIN_WIDTH: u16 = 60;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 16;
/// From this width on, history sits beside the step.
pub const WIDE: u16 = 100;

/// The screen's regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub full: Rect,
    pub header: Rect,
    pub step: Rect,
    pub history: Rect,
    /// The selected exchange's summary (wide layout only).
    pub detail: Option<Rect>,
    pub notice: Rect,
    pub footer: Rect,
    pub too_small: bool,
}

fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

fn contains(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
}

impl Areas {
    /// Rows of history that fit.
    pub fn history_rows(&self) -> usize {
        inner(self.history).height as usize
    }

    /// The visible history row under the pointer.
    pub fn history_row_at(&self, col: u16, row: u16) -> Option<usize> {
        let i = inner(self.history);
        contains(i, col, row).then(|| (row - i.y) as usize)
    }

    /// Rows of form fields that fit in the step pane (one line is kept for the hint).
    pub fn form_rows(&self) -> usize {
        inner(self.step).height.saturating_sub(1) as usize
    }

    /// The form field under the pointer.
    pub fn field_at(&self, col: u16, row: u16, app: &App) -> Option<usize> {
        if app.shows_result() {
            return None;
        }
        let i = inner(self.step);
        if !contains(i, col, row) {
            return None;
        }
        let index = form_offset(app.current_form().focus, self.form_rows()) + (row - i.y) as usize;
        (index < app.current_form().fields.len()).then_some(index)
    }
}

/// First visible field so that the focused one is on screen.
pub fn form_offset(focus: usize, rows: usize) -> usize {
    focus.saturating_sub(rows.saturating_sub(1))
}

/// The layout for a `(width, height)` terminal.
pub fn compute(size: (u16, u16), _app: &App) -> Areas {
    let full = Rect::new(0, 0, size.0, size.1);
    let too_small = size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT;
    let [header, body, notice, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(full);
    if size.0 >= WIDE {
        let [step, right] =
            Layout::horizontal([Constraint::Percentage(52), Constraint::Percentage(48)])
                .areas(body);
        let [history, detail] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(right);
        Areas {
            full,
            header,
            step,
            history,
            detail: Some(detail),
            notice,
            footer,
            too_small,
        }
    } else {
        let history_height = (body.height / 3).max(5);
        let [step, history] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(history_height)]).areas(body);
        Areas {
            full,
            header,
            step,
            history,
            detail: None,
            notice,
            footer,
            too_small,
        }
    }
}
