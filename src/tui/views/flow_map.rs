//! The flow map: the card S2S flow as a sequence diagram between five lifelines (your
//! server, Paysecure, the customer's browser, the issuer, your webhook endpoint), one
//! arrow per step, each step's state by symbol and colour. `draw` is a pure function of
//! a [`FlowProgress`], so the explorer's overlay and a presenter can both show it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fit;
use crate::flow::progress::{FlowProgress, FlowStep, Party, StepState};
use crate::tui::theme::Theme;

/// Lifeline spacing from which names take two lines in full.
const FULL_NAMES_FROM: usize = 13;

/// The colour of a state.
fn colour(state: StepState, t: &Theme) -> Color {
    match state {
        StepState::Done => t.ok,
        StepState::Current => t.accent,
        StepState::Failed => t.error,
        StepState::Skipped | StepState::Pending => t.muted,
    }
}

/// Draws `progress` in `area` (no border: the caller frames it). `selected` highlights
/// one step and shows its history row under the diagram.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    progress: &FlowProgress,
    t: &Theme,
    selected: Option<usize>,
) {
    let lines = lines(
        area.width as usize,
        area.height as usize,
        progress,
        t,
        selected,
    );
    frame.render_widget(Paragraph::new(lines), area);
}

/// Where things go across the width.
struct Columns {
    /// Width of the step list at the left.
    left: usize,
    /// Column of each lifeline, from the left edge of the area.
    x: [usize; 5],
    spacing: usize,
}

impl Columns {
    fn of(width: usize) -> Columns {
        let left = if width >= 110 {
            36
        } else if width < 60 {
            // Narrow (a presenter's side region): the diagram keeps a spacing of five,
            // the titles get the rest.
            (width * 2 / 5).max(width.saturating_sub(25)).min(30)
        } else {
            (width * 2 / 5).min(30)
        };
        let diagram = width.saturating_sub(left);
        let margin = if diagram < 60 { 2 } else { 4 };
        let spacing = diagram.saturating_sub(2 * margin + 1) / 4;
        let mut x = [0; 5];
        for (i, col) in x.iter_mut().enumerate() {
            *col = left + margin + i * spacing;
        }
        Columns { left, x, spacing }
    }
}

/// The diagram as lines, `width` × at most `height`.
pub fn lines(
    width: usize,
    height: usize,
    progress: &FlowProgress,
    t: &Theme,
    selected: Option<usize>,
) -> Vec<Line<'static>> {
    lines_with(width, height, progress, t, selected, Caption::HistoryRow)
}

/// What the line under the diagram says about the selected step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caption {
    /// Its history row, which Enter opens (the explorer's overlay).
    HistoryRow,
    /// The step and its wire message only (a tour: there is no row to open).
    Step,
}

/// The lines of `progress` for a presenter's tour, `width` × at most `height`: `shown`
/// is the step on screen, highlighted and described under the diagram.
pub fn tour_lines(
    width: usize,
    height: usize,
    progress: &FlowProgress,
    t: &Theme,
    shown: Option<usize>,
) -> Vec<Line<'static>> {
    lines_with(width, height, progress, t, shown, Caption::Step)
}

fn lines_with(
    width: usize,
    height: usize,
    progress: &FlowProgress,
    t: &Theme,
    selected: Option<usize>,
    caption: Caption,
) -> Vec<Line<'static>> {
    let cols = Columns::of(width);
    let muted = Style::default().fg(t.muted);
    let mut out = header(&cols, width, t);
    let steps = progress.steps.len();
    // Two rows a step (the arrow and its wire text) when they fit, else one.
    let footer_rows = 2;
    let room = height.saturating_sub(out.len() + footer_rows);
    let per_step = if room >= steps * 2 { 2 } else { 1 };
    let shown = (room / per_step).min(steps);
    let first = selected
        .unwrap_or(0)
        .saturating_sub(shown.saturating_sub(1))
        .min(steps.saturating_sub(shown));
    for (i, step) in progress.steps.iter().enumerate().skip(first).take(shown) {
        let is_selected = selected == Some(i);
        out.push(arrow_line(&cols, width, i, step, is_selected, t));
        if per_step == 2 {
            out.push(wire_line(&cols, width, step, t));
        }
    }
    if let Some(step) = selected.and_then(|i| progress.steps.get(i)) {
        let words = match caption {
            Caption::HistoryRow => selected_words(step),
            Caption::Step => format!(
                "▸ {} {}: {} — {}",
                step.state.symbol(),
                step.state.words(),
                step.kind.title(),
                step.kind.wire()
            ),
        };
        out.push(Line::styled(
            fit(&words, width),
            Style::default().fg(t.text),
        ));
    } else {
        out.push(Line::raw(""));
    }
    // The legend, cut at the width like every other line.
    let mut legend = Grid::new(width);
    let mut x = 0;
    for state in [
        StepState::Done,
        StepState::Current,
        StepState::Failed,
        StepState::Skipped,
        StepState::Pending,
    ] {
        legend.put_str(x, state.symbol(), Style::default().fg(colour(state, t)));
        let words = format!(" {}   ", state.words());
        legend.put_str(x + 1, &words, muted);
        x += 1 + words.chars().count();
    }
    out.push(legend.into_line());
    out.truncate(height);
    out
}

/// `✓ create purchase · row: 202 (Enter opens it)` for the selected step.
fn selected_words(step: &FlowStep) -> String {
    use crate::tui::keys::{Action, Context, label_of};
    let enter = label_of(Action::Select, Context::FlowMap);
    let row = match (&step.row, &step.note) {
        (Some(_), Some(note)) => format!("history row: {note}, {enter} opens it"),
        (Some(_), None) => format!("history row: {enter} opens it"),
        (None, _) if step.hidden => "history row hidden by the filter".into(),
        (None, _) => "no history row".into(),
    };
    format!(
        "{} {}: {} — {} · {row}",
        step.state.symbol(),
        step.state.words(),
        step.kind.title(),
        step.kind.wire()
    )
}

/// The lifelines' names, centred on their columns: two lines in full when there is
/// room, short names on one line otherwise.
fn header(cols: &Columns, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let style = Style::default().fg(t.accent).add_modifier(Modifier::BOLD);
    let full = cols.spacing >= FULL_NAMES_FROM;
    let parts: Vec<[&str; 2]> = Party::ALL
        .iter()
        .map(|p| {
            let (long, short) = p.names();
            if full { long } else { [short, ""] }
        })
        .collect();
    // Short names that would be cut take turns on two rows, each with two spacings.
    let longest = parts
        .iter()
        .map(|p| p[0].chars().count())
        .max()
        .unwrap_or(0);
    let staggered = !full && longest > cols.spacing.saturating_sub(1);
    let rows = if full || staggered { 2 } else { 1 };
    (0..rows)
        .map(|r| {
            let mut row = Grid::new(width);
            for (i, name) in parts.iter().enumerate() {
                let (name, room) = if staggered {
                    let here = if i % 2 == r { name[0] } else { "" };
                    (here, 2 * cols.spacing.max(1) - 1)
                } else {
                    (name[r], cols.spacing.max(2) - 1)
                };
                let text = fit(name, room);
                let len = crate::tui::columns::width(&text);
                let start = cols.x[i]
                    .saturating_sub(len / 2)
                    .min(width.saturating_sub(len));
                row.put_str(start, &text, style);
            }
            row.into_line()
        })
        .collect()
}

/// One step: its state, number and title at the left, its arrow between lifelines.
fn arrow_line(
    cols: &Columns,
    width: usize,
    index: usize,
    step: &FlowStep,
    selected: bool,
    t: &Theme,
) -> Line<'static> {
    let state_style = Style::default().fg(colour(step.state, t));
    let mut row = Grid::new(width);
    lifelines(&mut row, cols, t);
    let text_style = if selected {
        t.row(true)
    } else if matches!(step.state, StepState::Skipped | StepState::Pending) {
        Style::default().fg(t.muted)
    } else {
        Style::default().fg(t.text)
    };
    let marker = if selected { "▸" } else { " " };
    row.put_str(0, marker, Style::default().fg(t.accent));
    row.put_str(
        1,
        step.state.symbol(),
        state_style.add_modifier(Modifier::BOLD),
    );
    let room = cols.left.saturating_sub(3);
    let full = format!(" {} {}", index + 1, step.kind.title());
    let title = if full.chars().count() <= room {
        full
    } else {
        fit(&format!(" {} {}", index + 1, step.kind.short_title()), room)
    };
    row.put_str(2, &title, text_style);
    let (from, to) = step.kind.arrow();
    let (a, b) = (cols.x[from.index()], cols.x[to.index()]);
    let (lo, hi) = (a.min(b), a.max(b));
    let (shaft, arrow_style) = match step.state {
        StepState::Done => ('─', state_style),
        StepState::Failed => ('─', state_style),
        StepState::Current => ('━', state_style.add_modifier(Modifier::BOLD)),
        StepState::Skipped => ('╌', state_style),
        StepState::Pending => ('┈', state_style),
    };
    for x in lo + 1..hi {
        let on_lifeline = cols.x.contains(&x);
        row.put(x, if on_lifeline { '┼' } else { shaft }, arrow_style);
    }
    let head = match (step.state, b > a) {
        (StepState::Failed, _) => '✗',
        (_, true) => '▶',
        (_, false) => '◀',
    };
    let head_x = if b > a { hi.saturating_sub(1) } else { lo + 1 };
    if hi > lo + 1 {
        row.put(head_x, head, arrow_style.add_modifier(Modifier::BOLD));
    }
    row.into_line()
}

/// Under an arrow: the message on the wire and what its history row answered.
fn wire_line(cols: &Columns, width: usize, step: &FlowStep, t: &Theme) -> Line<'static> {
    let mut row = Grid::new(width);
    lifelines(&mut row, cols, t);
    let (from, to) = step.kind.arrow();
    let lo = cols.x[from.index()].min(cols.x[to.index()]);
    let text = match &step.note {
        Some(note) => format!(" {} → {note} ", step.kind.wire()),
        None => format!(" {} ", step.kind.wire()),
    };
    let len = crate::tui::columns::width(&text);
    let start = (lo + 1).min(width.saturating_sub(len)).max(cols.left);
    row.put_str(
        start,
        &fit(&text, width.saturating_sub(start)),
        Style::default().fg(t.muted),
    );
    row.into_line()
}

fn lifelines(row: &mut Grid, cols: &Columns, t: &Theme) {
    for x in cols.x {
        row.put(x, '│', Style::default().fg(t.border));
    }
}

/// One row of cells, each a grapheme one column wide and its style.
struct Grid {
    cells: Vec<(Cell, Style)>,
}

/// What one column of a [`Grid`] shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Char(char),
    /// A grapheme of several characters that is still one column wide: a letter with an
    /// accent joined on (`e` + U+0301), kept whole so it reads as typed.
    Cluster(Box<str>),
}

impl Grid {
    fn new(width: usize) -> Grid {
        Grid {
            cells: vec![(Cell::Char(' '), Style::default()); width],
        }
    }

    fn put(&mut self, x: usize, c: char, style: Style) {
        self.put_cell(x, Cell::Char(c), style);
    }

    fn put_cell(&mut self, x: usize, cell: Cell, style: Style) {
        if let Some(slot) = self.cells.get_mut(x) {
            *slot = (cell, style);
        }
    }

    /// `text` from column `x`, one cell per column. A grapheme one column wide takes its
    /// cell whole (an accent joined on included). One wider than that (CJK, emoji, a
    /// flag) cannot be one cell of this grid: each of its columns shows `?`, so the
    /// lifelines stay in line (the history row beside the map has the text whole).
    fn put_str(&mut self, x: usize, text: &str, style: Style) {
        let mut at = x;
        for g in unicode_segmentation::UnicodeSegmentation::graphemes(text, true) {
            let mut chars = g.chars();
            match (chars.next(), chars.next(), crate::tui::columns::width(g)) {
                (Some(c), None, 1) => {
                    self.put(at, c, style);
                    at += 1;
                }
                (Some(_), Some(_), 1) => {
                    self.put_cell(at, Cell::Cluster(g.into()), style);
                    at += 1;
                }
                (_, _, columns) => {
                    for _ in 0..columns.max(1) {
                        self.put(at, '?', style);
                        at += 1;
                    }
                }
            }
        }
    }

    /// Runs of one style become one span each.
    fn into_line(self) -> Line<'static> {
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut text = String::new();
        let mut current: Option<Style> = None;
        for (cell, style) in self.cells {
            if current.is_some_and(|s| s != style) {
                spans.push(Span::styled(
                    std::mem::take(&mut text),
                    current.unwrap_or_default(),
                ));
            }
            current = Some(style);
            match cell {
                Cell::Char(c) => text.push(c),
                Cell::Cluster(g) => text.push_str(&g),
            }
        }
        if !text.is_empty() {
            spans.push(Span::styled(text, current.unwrap_or_default()));
        }
        Line::from(spans)
    }
}

/// The explorer's flow-map overlay: the map in a box over the panes, above the notice.
pub fn draw_overlay(frame: &mut Frame, app: &crate::tui::app::App, selected: usize) {
    use crate::tui::keys::{Action, Context, label_of};
    let progress = crate::tui::flow_map::progress(app);
    let outer = crate::tui::layout::detail_box(app.size, app).outer;
    let purchase = progress
        .purchase_id
        .as_deref()
        .map_or("no purchase yet".to_string(), |id| {
            format!("purchase {}", super::short_id(id))
        });
    let title = format!(
        "Flow map · {purchase} · {}/{} an arrow · {} opens its row · {} closes",
        label_of(Action::Up, Context::FlowMap),
        label_of(Action::Down, Context::FlowMap),
        label_of(Action::Select, Context::FlowMap),
        label_of(Action::FlowMap, Context::FlowMap),
    );
    frame.render_widget(ratatui::widgets::Clear, outer);
    let block = super::panel(
        fit(&title, outer.width.saturating_sub(4) as usize),
        true,
        &app.theme,
    )
    .style(Style::default().bg(app.theme.background).fg(app.theme.text));
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    draw(frame, inner, &progress, &app.theme, Some(selected));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixture;

    #[test]
    fn a_wide_note_keeps_the_grid_in_line() {
        let mut row = Grid::new(16);
        row.put_str(1, "a日🇩🇪e\u{301}b", Style::default());
        row.put(15, '|', Style::default());
        let line = row.into_line().to_string();
        // 日 and the flag are two columns each: `??` apiece; é (e + U+0301) is one
        // column, kept whole.
        assert_eq!(line, " a????e\u{301}b       |");
        assert_eq!(crate::tui::columns::width(&line), 16);
    }

    /// Any area, however small, draws without a panic and never writes outside it.
    #[test]
    fn every_size_draws_inside_its_area() {
        let app = fixture::challenge_failed(120, 40);
        let progress = crate::tui::flow_map::progress(&app);
        for w in [0u16, 1, 5, 20, 40, 60, 79, 116, 200] {
            for h in [0u16, 1, 3, 8, 13, 20, 40] {
                let backend = ratatui::backend::TestBackend::new(w.max(1), h.max(1));
                let mut terminal = ratatui::Terminal::new(backend).expect("terminal");
                let area = Rect::new(0, 0, w, h);
                terminal
                    .draw(|f| draw(f, area, &progress, &app.theme, Some(5)))
                    .expect("draw");
                let rows = lines(w as usize, h as usize, &progress, &app.theme, Some(5));
                assert!(rows.len() <= h as usize, "{w}x{h}");
                assert!(rows.iter().all(|l| l.width() <= w as usize), "{w}x{h}");
            }
        }
    }

    #[test]
    fn the_selected_step_stays_on_screen_when_steps_do_not_fit() {
        let app = fixture::challenge_failed(120, 40);
        let progress = crate::tui::flow_map::progress(&app);
        // Five rows: a header, two steps, the selected step's line and the legend.
        let text: Vec<String> = lines(80, 5, &progress, &app.theme, Some(8))
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert!(
            text.iter().any(|l| l.contains("▸✓ 9 status GET")),
            "{text:?}"
        );
    }
}
