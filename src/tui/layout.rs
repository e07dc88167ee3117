//! Where everything goes, computed from the terminal size and the step's content, so
//! drawing, keys and mouse hit-testing agree. Wide terminals put history and detail
//! beside the step; narrow ones fold history under the step. The split follows content:
//! a short step pane (a result of a few lines) gives its spare rows to the exchange
//! detail (wide) or the history (narrow), so JSON is not squeezed beside empty space.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::App;

/// Below this the screen shows a notice instead of the layout.
pub const MIN_WIDTH: u16 = 60;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 16;
/// From this width on, history sits beside the step.
pub const WIDE: u16 = 100;
/// The fewest rows (borders included) worth giving the detail pane under a short step.
const MIN_DETAIL_UNDER_STEP: u16 = 8;
/// The fewest rows the step pane keeps, however short its content.
const MIN_STEP: u16 = 6;
/// Lines of the focused field's guide under a form.
pub const GUIDE_ROWS: usize = 2;
/// A form pane needs this many inner rows before the guide gets its lines.
const MIN_ROWS_WITH_GUIDE: u16 = 8;

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

    /// Rows of form fields that fit in the step pane (one line is kept for the hint,
    /// and the field guide's lines under the fields).
    pub fn form_rows(&self) -> usize {
        (inner(self.step).height.saturating_sub(1) as usize).saturating_sub(self.guide_rows())
    }

    /// Rows the focused field's guide takes under the form: none when the pane is so
    /// short that the fields need every row.
    pub fn guide_rows(&self) -> usize {
        if inner(self.step).height >= MIN_ROWS_WITH_GUIDE {
            GUIDE_ROWS
        } else {
            0
        }
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

/// The full exchange overlay: its box, the text inside, and its status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailBox {
    pub outer: Rect,
    pub text: Rect,
    pub status: Rect,
}

/// Where the full exchange overlay goes on a `(width, height)` terminal: over everything
/// but the notice rows and the footer, so what a key did (copied, no match) is read.
pub fn detail_box(size: (u16, u16), app: &App) -> DetailBox {
    let notice = compute(size, app).notice;
    let w = size.0.saturating_sub(4);
    let outer = Rect::new((size.0 - w) / 2, 1, w, notice.y.saturating_sub(1));
    let i = inner(outer);
    let text = Rect {
        height: i.height.saturating_sub(1),
        ..i
    };
    let status = Rect {
        y: i.y + text.height,
        height: i.height.min(1),
        ..i
    };
    DetailBox {
        outer,
        text,
        status,
    }
}

/// Rows the step pane's content needs at `width` columns inside its border: a result
/// screen's wrapped lines; a form needs all it can get.
fn step_content_rows(app: &App, width: u16) -> Option<u16> {
    if !app.shows_result() {
        return None;
    }
    let rows = super::views::result_rows(app, width.saturating_sub(2) as usize);
    Some(u16::try_from(rows).unwrap_or(u16::MAX))
}

/// Whether a `(width, height)` terminal is below what the screen needs (it then says only
/// that, and takes only the quit keys).
pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT
}

/// The layout for a `(width, height)` terminal.
pub fn compute(size: (u16, u16), app: &App) -> Areas {
    let full = Rect::new(0, 0, size.0, size.1);
    let too_small = too_small(size);
    // A long notice wraps onto a second or third row rather than being cut.
    let notice_rows = super::views::notice_rows(app, size.0 as usize);
    let [header, body, notice, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(6),
        Constraint::Length(notice_rows),
        Constraint::Length(1),
    ])
    .areas(full);
    if size.0 >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(52), Constraint::Percentage(48)])
                .areas(body);
        let step_rows = step_content_rows(app, left.width).map(|r| (r + 2).max(MIN_STEP));
        if let Some(step_rows) = step_rows
            && step_rows + MIN_DETAIL_UNDER_STEP <= left.height
        {
            // A short step: the detail takes the rows under it; history the whole right.
            let [step, detail] =
                Layout::vertical([Constraint::Length(step_rows), Constraint::Min(0)]).areas(left);
            return Areas {
                full,
                header,
                step,
                history: right,
                detail: Some(detail),
                notice,
                footer,
                too_small,
            };
        }
        // History needs no more rows than it has entries; the detail gets the rest.
        let wanted = u16::try_from(app.history.len())
            .unwrap_or(u16::MAX)
            .saturating_add(2)
            .max(5);
        let most = u16::try_from(u32::from(right.height) * 55 / 100).unwrap_or(u16::MAX);
        let history_rows = wanted.min(most);
        let [history, detail] =
            Layout::vertical([Constraint::Length(history_rows), Constraint::Min(0)]).areas(right);
        Areas {
            full,
            header,
            step: left,
            history,
            detail: Some(detail),
            notice,
            footer,
            too_small,
        }
    } else {
        // A result takes the rows its text needs (history keeps five at least) and
        // leaves the rest to the history; a form shares two to one.
        let history_height = match step_content_rows(app, body.width) {
            Some(rows) => body.height.saturating_sub((rows + 2).max(MIN_STEP)).max(5),
            None => (body.height / 3).max(5),
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::Level;
    use crate::tui::fixture;

    #[test]
    fn a_short_result_gives_its_spare_rows_to_the_detail() {
        let app = fixture::pending(120, 40);
        let a = compute(app.size, &app);
        let detail = a.detail.expect("wide layout has a detail pane");
        let rows = crate::tui::views::result_rows(&app, a.step.width as usize - 2) as u16;
        assert_eq!(a.step.height, rows + 2, "the step is as tall as its text");
        assert_eq!((detail.x, detail.y), (a.step.x, a.step.y + a.step.height));
        assert_eq!(detail.height, 40 - 4 - a.step.height);
        assert_eq!(
            a.history.height,
            40 - 4,
            "history takes the whole right column"
        );
    }

    #[test]
    fn a_form_keeps_history_and_detail_beside_it() {
        let app = fixture::at_card_step(120, 40);
        let a = compute(app.size, &app);
        let detail = a.detail.expect("detail");
        assert_eq!(a.step.height, 40 - 4);
        assert_eq!(detail.x, a.history.x);
        // One history entry: the pane keeps five rows, the detail gets the rest.
        assert_eq!(a.history.height, 5);
        assert_eq!(detail.height, 40 - 4 - 5);
        let many = fixture::with_history(120, 40, 500);
        let a = compute(many.size, &many);
        assert_eq!(a.history.height, 36 * 55 / 100, "at most 55% of the column");
    }

    #[test]
    fn narrow_results_share_rows_with_history_by_content() {
        let pending = fixture::pending(80, 24);
        let a = compute(pending.size, &pending);
        let rows = crate::tui::views::result_rows(&pending, 78) as u16;
        // Two rows of notice (its hint wraps at 80 columns) leave 19 for both panes.
        assert_eq!(a.notice.height, 2);
        assert_eq!(a.step.height, rows + 2);
        assert_eq!(a.history.height, 19 - rows - 2);
        // A long explanation keeps five history rows and takes the rest.
        let blocked = fixture::blocked(80, 24);
        let a = compute(blocked.size, &blocked);
        assert_eq!((a.history.height, a.step.height), (5, 15));
    }

    #[test]
    fn a_long_notice_takes_a_second_row() {
        let mut app = fixture::app(80, 24);
        app.notice = Some((Level::Info, "short".into()));
        assert_eq!(compute(app.size, &app).notice.height, 1);
        app.notice = Some((Level::Warn, "word ".repeat(30)));
        let a = compute(app.size, &app);
        assert_eq!(a.notice.height, 2);
        assert_eq!(a.notice.y + a.notice.height, a.footer.y);
        let b = detail_box(app.size, &app);
        assert!(
            b.outer.y + b.outer.height <= a.notice.y,
            "the detail stops above it"
        );
    }
}
