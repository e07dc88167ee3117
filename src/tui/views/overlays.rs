//! Overlays: help, the device and scenario pickers, the full exchange detail, the OTP
//! prompt. The test-card picker has its own file (`card_picker.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{centered, fit, panel};
use crate::flow::presets::DEVICE_PRESETS;
use crate::tui::app::{App, InputFor, Overlay};
use crate::tui::keys::BINDINGS;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    match &app.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help(frame, area, app, *scroll),
        Some(Overlay::Cards(picker)) => super::card_picker::draw(frame, area, app, picker),
        Some(Overlay::Devices { selected }) => devices(frame, area, app, *selected),
        Some(Overlay::Detail { index, scroll }) => detail(frame, area, app, *index, *scroll),
        Some(Overlay::Otp { input, .. }) => otp(frame, area, app, input),
        Some(Overlay::Filter { input }) => prompt(
            frame,
            area,
            app,
            "Filter history",
            "path, status, purchase id, error code or card last four; empty clears",
            input,
        ),
        Some(Overlay::SaveScenario { input }) => prompt(
            frame,
            area,
            app,
            "Save as scenario",
            "name (letters, digits, - _); saved without key or CVC",
            input,
        ),
        Some(Overlay::Scenarios { selected }) => scenarios(frame, area, app, *selected),
        Some(Overlay::Panel) => super::panel::draw(frame, area, app),
        Some(Overlay::Input { what, input }) => {
            if !matches!(what, InputFor::PartialRefund | InputFor::CaptureAmount) {
                super::panel::draw(frame, area, app);
            }
            let (title, help) = input_text(app, *what);
            prompt(frame, area, app, &title, &help, input)
        }
    }
}

pub(super) fn frame_box(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    w: u16,
    h: u16,
) -> Rect {
    let r = centered(area, w, h);
    frame.render_widget(Clear, r);
    let block = panel(title, true, &app.theme)
        .style(Style::default().bg(app.theme.background).fg(app.theme.text));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

fn help(frame: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let t = &app.theme;
    let inner = frame_box(
        frame,
        area,
        app,
        "Keys — Esc closes",
        area.width.saturating_sub(8).min(96),
        area.height.saturating_sub(4),
    );
    let mut lines = vec![Line::styled(
        "Every key, and where it works (from the same table the footer uses):",
        Style::default().fg(t.muted),
    )];
    for b in BINDINGS {
        let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
        let ctx = if b.contexts.is_empty() {
            "everywhere".to_string()
        } else {
            b.contexts
                .iter()
                .map(|c| c.words())
                .collect::<Vec<_>>()
                .join(", ")
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<16}", keys.join(" / ")),
                Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("{:<38}", b.help), Style::default().fg(t.text)),
            Span::styled(ctx, Style::default().fg(t.muted)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "In a text field every printable key is text; Ctrl-chords, F-keys, Tab, Enter and Esc act.",
        Style::default().fg(t.muted),
    ));
    lines.push(Line::styled(
        "Editing: ←/→ and Home/End move the cursor; Backspace/Delete erase; Ctrl+U clears.",
        Style::default().fg(t.muted),
    ));
    lines.push(Line::styled(
        "Mouse: click a field or a history row; the wheel scrolls.",
        Style::default().fg(t.muted),
    ));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

fn devices(frame: &mut Frame, area: Rect, app: &App, selected: usize) {
    let t = &app.theme;
    let inner = frame_box(
        frame,
        area,
        app,
        "Device presets — Enter applies · Esc",
        90,
        DEVICE_PRESETS.len() as u16 * 2 + 2,
    );
    let mut lines = Vec::new();
    for (i, d) in DEVICE_PRESETS.iter().enumerate() {
        let style = t.row(i == selected);
        lines.push(Line::styled(
            format!(
                "{}  ({}×{}, {}, utc_offset {})",
                d.name, d.screen_width, d.screen_height, d.language, d.utc_offset
            ),
            style,
        ));
        lines.push(Line::styled(
            format!(
                "  {}",
                fit(d.user_agent, inner.width.saturating_sub(2) as usize)
            ),
            Style::default().fg(t.muted),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn detail(frame: &mut Frame, area: Rect, app: &App, index: usize, scroll: u16) {
    let t = &app.theme;
    let inner = frame_box(
        frame,
        area,
        app,
        "Exchange — r resend (webhooks: replay) · c copy as curl · ↑↓ scroll · Esc",
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let lines = match app.history.newest(index) {
        // What a merchant must check comes first; the raw exchange follows.
        Some(ex) if ex.kind == crate::api::ExchangeKind::Webhook => {
            let mut lines = super::webhook::lines(ex, t, app.public_key_pem.as_deref());
            lines.push(Line::raw(""));
            lines.extend(super::detail::lines(ex, t, true, &app.local_time));
            lines
        }
        Some(ex) => super::detail::lines(ex, t, true, &app.local_time),
        None => vec![Line::raw("That exchange is gone.")],
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

fn otp(frame: &mut Frame, area: Rect, app: &App, input: &str) {
    let t = &app.theme;
    let inner = frame_box(frame, area, app, "3-D Secure challenge", 64, 8);
    let lines = vec![
        Line::raw("The issuer served a challenge page. The app, acting as the"),
        Line::raw("customer's browser, answers it with this code and follows"),
        Line::raw("the redirect."),
        Line::raw(""),
        Line::from(vec![
            Span::styled("OTP: ", Style::default().fg(t.muted)),
            Span::styled(
                super::with_cursor(input, app.cursor_back, false),
                t.row(true),
            ),
            Span::styled(
                "   Enter submits · Esc cancels",
                Style::default().fg(t.muted),
            ),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

fn prompt(frame: &mut Frame, area: Rect, app: &App, title: &str, help: &str, input: &str) {
    let t = &app.theme;
    let inner = frame_box(frame, area, app, title, 72, 6);
    let lines = vec![
        Line::styled(help.to_string(), Style::default().fg(t.muted)),
        Line::raw(""),
        Line::from(vec![
            Span::styled("> ", Style::default().fg(t.accent)),
            Span::styled(
                super::with_cursor(input, app.cursor_back, false),
                t.row(true),
            ),
        ]),
        Line::styled("Enter applies · Esc cancels", Style::default().fg(t.muted)),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

fn scenarios(frame: &mut Frame, area: Rect, app: &App, selected: usize) {
    let t = &app.theme;
    let height = (app.scenario_names.len() as u16 + 2).min(area.height.saturating_sub(2));
    let inner = frame_box(
        frame,
        area,
        app,
        "Scenarios — Enter loads into the forms · Esc",
        80,
        height,
    );
    let rows = inner.height as usize;
    let offset = selected.saturating_sub(rows.saturating_sub(1));
    let shipped: Vec<&str> = crate::flow::scenario::SHIPPED
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let lines: Vec<Line> = app
        .scenario_names
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, name)| {
            let origin = if shipped.contains(&name.as_str()) {
                "shipped"
            } else {
                "yours"
            };
            let text = fit(&format!("{name:<28} {origin}"), inner.width as usize);
            let style = t.row(i == selected);
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Title and help line of a typed value.
fn input_text(app: &App, what: InputFor) -> (String, String) {
    match what {
        InputFor::PartialRefund => (
            "Partial refund".into(),
            format!(
                "amount then reason, e.g. `5.00 damaged item`{}",
                crate::tui::levers::refundable(app)
                    .map(|left| format!(" · refundable now: {left:.2}"))
                    .unwrap_or_default()
            ),
        ),
        InputFor::CaptureAmount => (
            "Capture the hold".into(),
            format!(
                "amount to capture, or nothing for all of it{}; the rest is released",
                crate::tui::levers::held(app)
                    .map(|held| format!(" (held: {held:.2})"))
                    .unwrap_or_default()
            ),
        ),
        InputFor::ClockMinutes => (
            "Advance the sandbox clock".into(),
            "minutes (120 → OVERDUE, 1440 → EXPIRED for unpaid purchases)".into(),
        ),
        InputFor::AttemptLimit => (
            "Attempt limit".into(),
            "S2S attempts allowed per purchase (the sandbox starts at 3)".into(),
        ),
        InputFor::LatencyMs => (
            "Added latency".into(),
            "milliseconds added to every API answer (0 for none)".into(),
        ),
        InputFor::TimeoutS => (
            "Hang card timeout".into(),
            "seconds card 4999000000000302 hangs before its 504".into(),
        ),
        InputFor::RedeliverUrl => (
            "Redeliver the webhook".into(),
            "http(s) URL of your own endpoint; the delivery is signed as the original".into(),
        ),
        InputFor::PanelFilter => (
            "Filter purchases".into(),
            "status or id part; empty clears".into(),
        ),
    }
}
