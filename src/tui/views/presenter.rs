//! The presenter screen of a guided tour: the stop, a large status line (the server's,
//! never guessed), the narration in wrapped text, the OTP the tour types, what the step
//! did, and beside it the flow map of the stop (`flow::tour::map`): each arrow done,
//! current, failed, skipped or pending as the server's answers left it, the step on
//! screen highlighted, and under the map the stop's steps that have no arrow (refund,
//! settle, verify signature).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use super::{fit, flow_map, panel};
use crate::flow::tour::engine::{Phase, StepLine};
use crate::flow::tour::{StepState, TourView, map};
use crate::tui::app::App;
use crate::tui::keys::{Action, Context, labels_of};
use crate::tui::presenter::{Presenter, pace_text};
use crate::tui::theme::Theme;

/// Width of the flow-map region: a little over half the screen, so the map's lifelines
/// have room and the narration keeps 34 columns at 80.
fn right_width(total: u16) -> u16 {
    (total * 11 / 20)
        .clamp(46, 72)
        .min(total.saturating_sub(34))
}

/// Draws the presenter over the whole `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, p: &Presenter) {
    let theme = &app.theme;
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let Some(view) = p.view() else {
        draw_header(frame, header, theme, None, p);
        frame.render_widget(
            Paragraph::new("Starting the tour…").style(Style::default().fg(theme.muted)),
            body,
        );
        draw_footer(frame, footer, theme, p);
        return;
    };
    draw_header(frame, header, theme, Some(view), p);
    let [left, right] = Layout::horizontal([
        Constraint::Min(20),
        Constraint::Length(right_width(area.width)),
    ])
    .areas(body);
    if view.phase == Phase::Finished {
        // The summary covers every stop: it takes the whole width, no one stop's map.
        draw_summary(frame, body, theme, view);
    } else {
        draw_stop(frame, left, theme, view, p);
        draw_map(frame, right, theme, view);
    }
    draw_footer(frame, footer, theme, p);
}

fn draw_header(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    view: Option<&TourView>,
    p: &Presenter,
) {
    let progress = match view {
        Some(v) if v.phase == Phase::Finished => format!(
            "{} stop{} · done",
            v.stop_count,
            if v.stop_count == 1 { "" } else { "s" }
        ),
        Some(v) if v.phase == Phase::Intro => {
            format!("stop {}/{} · intro", v.stop_index + 1, v.stop_count)
        }
        Some(v) => format!(
            "stop {}/{} · step {}/{}",
            v.stop_index + 1,
            v.stop_count,
            v.step_number,
            v.steps.len()
        ),
        None => String::new(),
    };
    let auto = if p.auto {
        format!(" · auto {}", pace_text(p.pace))
    } else {
        String::new()
    };
    let right = format!("{progress}{auto} ");
    let title = view.map_or("", |v| v.tour_title.as_str());
    let room = (area.width as usize).saturating_sub(crate::tui::columns::width(&right) + 16);
    let left = format!(" ▶ PRESENTER  {}", fit(title, room));
    let gap = (area.width as usize)
        .saturating_sub(crate::tui::columns::width(&left) + crate::tui::columns::width(&right));
    let line = Line::from(vec![
        Span::styled(
            left,
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" ".repeat(gap)),
        Span::styled(
            right,
            Style::default().fg(theme.text).add_modifier(Modifier::BOLD),
        ),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// The colour a status reads in.
fn status_colour(theme: &Theme, status: &str) -> ratatui::style::Color {
    match status.to_ascii_lowercase().as_str() {
        "paid" | "refunded" | "partial_refunded" | "partially_captured" | "preauthorized" => {
            theme.ok
        }
        "error" | "cancelled" | "expired" | "blocked" => theme.error,
        _ => theme.warn,
    }
}

/// `PAID` written large: letters spaced out.
fn spaced(status: &str) -> String {
    let upper = status.to_ascii_uppercase();
    let letters: Vec<String> = upper.chars().map(|c| c.to_string()).collect();
    letters.join(" ")
}

/// Rows `text` takes wrapped at `width` columns (word wrap, as the paragraph does it).
fn wrapped_rows(text: &str, width: usize) -> u16 {
    let width = width.max(1);
    let mut rows = 1u16;
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let len = unicode_width::UnicodeWidthStr::width(word);
        if used > 0 && used + 1 + len > width {
            rows = rows.saturating_add(1);
            used = len;
        } else {
            used += if used > 0 { len + 1 } else { len };
        }
    }
    rows
}

fn draw_stop(frame: &mut Frame, area: Rect, theme: &Theme, view: &TourView, p: &Presenter) {
    let otp = p.otp_field();
    // What the step did takes the rest of the column (a signature check says a lot).
    let facts_rows = if view.facts.is_empty() { 0 } else { 2 };
    // On a tall screen the status gets room to breathe; at 80×24 it stays compact.
    let status_rows = if area.height >= 30 { 6 } else { 4 };
    let narration_rows = wrapped_rows(&view.narration, area.width.saturating_sub(2) as usize) + 1;
    let [title, status, narration, otp_area, facts] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(status_rows),
        Constraint::Length(narration_rows),
        Constraint::Length(if otp.is_some() { 2 } else { 0 }),
        Constraint::Min(facts_rows),
    ])
    .areas(area);
    let name = fit(&format!(" {}", view.stop_title), title.width as usize);
    let rest = fit(
        &format!(
            "  ·  {} · expect {}",
            view.scenario,
            view.expect.to_ascii_uppercase()
        ),
        (title.width as usize).saturating_sub(crate::tui::columns::width(&name)),
    );
    let heading = Line::from(vec![
        Span::styled(
            name,
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ),
        Span::styled(rest, Style::default().fg(theme.muted)),
    ]);
    frame.render_widget(Paragraph::new(heading), title);
    let mut status_lines = Vec::new();
    if status_rows > 4 {
        status_lines.push(Line::from(""));
    }
    match &view.status {
        Some(s) => {
            let colour = status_colour(theme, s);
            let strong = Style::default().fg(colour).add_modifier(Modifier::BOLD);
            status_lines.push(Line::from(Span::styled(spaced(s), strong)));
            if let Some(reason) = &view.reason {
                status_lines.push(Line::from(Span::styled(reason.clone(), strong)));
            }
        }
        None => status_lines.push(Line::from(Span::styled(
            "no status yet: the server has not been asked",
            Style::default().fg(theme.muted),
        ))),
    }
    let status_block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(Style::default().fg(theme.focus_border))
        .title(" status from the server ")
        .title_style(Style::default().fg(theme.muted));
    frame.render_widget(
        Paragraph::new(status_lines)
            .block(status_block)
            .alignment(ratatui::layout::Alignment::Center),
        status,
    );
    frame.render_widget(
        Paragraph::new(format!("\n{}", view.narration))
            .wrap(Wrap { trim: true })
            .style(Style::default().fg(theme.text).add_modifier(Modifier::BOLD)),
        narration.inner(ratatui::layout::Margin::new(1, 0)),
    );
    if let Some(typed) = otp {
        let len = view.otp.as_deref().map_or(0, |o| o.chars().count());
        let mut cells: Vec<String> = typed.chars().map(|c| c.to_string()).collect();
        while cells.len() < len {
            cells.push("_".into());
        }
        let line = Line::from(vec![
            Span::styled(" OTP  ", Style::default().fg(theme.muted)),
            Span::styled(
                format!("[ {} ]", cells.join(" ")),
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled("  typed by the tour", Style::default().fg(theme.muted)),
        ]);
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                y: otp_area.y + 1,
                height: 1,
                ..otp_area
            },
        );
    }
    if !view.facts.is_empty() {
        let lines: Vec<Line> = view
            .facts
            .iter()
            .map(|f| Line::from(Span::styled(f.clone(), Style::default().fg(theme.muted))))
            .collect();
        let rule = Block::default()
            .borders(Borders::TOP)
            .border_style(Style::default().fg(theme.border));
        let inside = rule.inner(facts).inner(ratatui::layout::Margin::new(1, 0));
        frame.render_widget(rule, facts);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inside);
    }
}

fn draw_summary(frame: &mut Frame, area: Rect, theme: &Theme, view: &TourView) {
    let mut lines = vec![
        Line::from(Span::styled(
            " Tour complete",
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(
            format!(" {}", view.narration),
            Style::default().fg(theme.text),
        )),
        Line::from(""),
    ];
    for r in &view.results {
        let (mark, colour) = if r.ok() {
            ("✔", theme.ok)
        } else {
            ("✖", theme.error)
        };
        let reached = r
            .reached
            .as_deref()
            .unwrap_or("no status")
            .to_ascii_uppercase();
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {mark} "),
                Style::default().fg(colour).add_modifier(Modifier::BOLD),
            ),
            Span::styled(r.title.clone(), Style::default().fg(theme.text)),
        ]));
        lines.push(Line::from(Span::styled(
            format!(
                "     {} → {reached} (expected {})",
                r.scenario,
                r.expect.to_ascii_uppercase()
            ),
            Style::default().fg(colour),
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// A step without an arrow, in the map's symbols and colours.
fn step_row(theme: &Theme, line: &StepLine, width: usize) -> Line<'static> {
    let style = match line.state {
        StepState::Done => Style::default().fg(theme.ok),
        StepState::Current => Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD),
        StepState::Pending => Style::default().fg(theme.text),
        StepState::Skipped => Style::default().fg(theme.muted),
        StepState::Failed => Style::default()
            .fg(theme.error)
            .add_modifier(Modifier::BOLD),
    };
    let word = match line.state {
        StepState::Skipped => " (skipped)",
        StepState::Failed => " (failed)",
        _ => "",
    };
    let answer = line
        .note
        .as_deref()
        .map_or(String::new(), |n| format!(" · {n}"));
    let text = fit(
        &format!(
            "{} {}{word}{answer}",
            line.state.symbol(),
            line.kind.label()
        ),
        width,
    );
    Line::from(Span::styled(text, style))
}

/// The stop on the flow map, in its own bordered region, and under it the steps that
/// have no arrow.
fn draw_map(frame: &mut Frame, area: Rect, theme: &Theme, view: &TourView) {
    let title = fit(
        &format!("Flow map · {}", view.scenario),
        area.width.saturating_sub(4) as usize,
    );
    let block = panel(title, false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let extras = map::extras(view);
    let extra_rows = if extras.is_empty() {
        0
    } else {
        extras.len() + 2
    };
    let width = inner.width as usize;
    // The extras follow the map at once; the map keeps at least half the height.
    let map_rows =
        (inner.height as usize).saturating_sub(extra_rows.min(inner.height as usize / 2));
    let mut lines = flow_map::tour_lines(
        width,
        map_rows,
        &map::progress(view),
        theme,
        map::shown_arrow(view),
    );
    if !extras.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            fit("also in this stop:", width),
            Style::default().fg(theme.muted),
        )));
    }
    for (line, shown) in &extras {
        let marker = if *shown { "▸" } else { " " };
        let mut row = step_row(theme, line, width.saturating_sub(1));
        if *shown {
            row = row.patch_style(theme.row(true));
        }
        row.spans
            .insert(0, Span::styled(marker, Style::default().fg(theme.accent)));
        lines.push(row);
    }
    lines.truncate(inner.height as usize);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_footer(frame: &mut Frame, area: Rect, theme: &Theme, p: &Presenter) {
    let keys = |a: Action| labels_of(a, Context::Presenter).join("/");
    let auto = if p.auto { "pause" } else { "auto-play" };
    // At the summary only going back and leaving do anything.
    let mut text = if p.at_end() {
        format!(
            " {} back · {} leave",
            keys(Action::TourBack),
            keys(Action::TourLeave)
        )
    } else {
        format!(
            " {} next · {} back · {} {auto} ({}) · {} leave",
            keys(Action::TourNext),
            keys(Action::TourBack),
            keys(Action::TourAuto),
            pace_text(p.pace),
            keys(Action::TourLeave)
        )
    };
    if p.busy {
        text.push_str(" · running…");
    }
    if let Some(note) = &p.note {
        text = format!(" {note} ·{text}");
    }
    frame.render_widget(
        Paragraph::new(fit(&text, area.width as usize)).style(Style::default().fg(theme.muted)),
        area,
    );
}
