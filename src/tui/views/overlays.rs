//! Overlays: help, test-card and device pickers, the full exchange detail, the OTP prompt.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{centered, fit, panel};
use crate::flow::presets::{DEVICE_PRESETS, test_cards};
use crate::tui::app::{App, InputFor, Overlay};
use crate::tui::keys::{BINDINGS, Context, Key};
use crate::tui::text_input::{TextInput, window};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    match &app.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help(frame, area, app, *scroll),
        Some(Overlay::Cards { selected }) => cards(frame, area, app, *selected),
        Some(Overlay::Devices { selected }) => devices(frame, area, app, *selected),
        Some(Overlay::Detail { index, scroll }) => detail(frame, area, app, *index, *scroll),
        Some(Overlay::Otp { input, .. }) => otp(frame, area, app, input),
        Some(Overlay::Filter { input, .. }) => prompt(
            frame,
            area,
            app,
            "Filter history",
            "path, status, purchase id, error code or card last four (filters as you type); empty clears",
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

fn frame_box(frame: &mut Frame, area: Rect, app: &App, title: &str, w: u16, h: u16) -> Rect {
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
    let muted = Style::default().fg(t.muted);
    let strong = Style::default().fg(t.accent).add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::styled("Modes, in the forms", strong),
        Line::raw(
            "INSERT (at start, in the first field): printable keys are text. Esc leaves the field: NORMAL.",
        ),
        Line::raw(format!(
            "NORMAL: letters are commands — {}.",
            normal_mode_letters().join(" · ")
        )),
        Line::raw("Ctrl-chords, F-keys, Tab, Shift+Tab and ↑/↓ work in both modes."),
        Line::styled("Editing a field or a prompt", strong),
        Line::raw(
            "←/→ a character · Ctrl+←/→ or Alt+b/f a word · Home/End · Backspace/Delete · Ctrl+W a word back · Ctrl+K to the end · Ctrl+U clears · a paste goes in at the cursor (line breaks dropped)",
        ),
        Line::styled("Esc, step by step", strong),
        Line::raw(
            "closes the overlay or prompt (the filter prompt puts the filter back) → leaves the history pane → cancels the request in flight → leaves the field (normal mode).",
        ),
        Line::raw(""),
        Line::styled(
            "Every key, and where it works (from the same table the footer uses):",
            muted,
        ),
    ];
    for b in BINDINGS {
        let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
        let mut ctx = if b.contexts.is_empty() {
            "everywhere".to_string()
        } else {
            b.contexts
                .iter()
                .map(|c| c.words())
                .collect::<Vec<_>>()
                .join(", ")
        };
        // In the forms a printable key is a command in normal mode only: say so.
        let in_forms = b.contexts.is_empty()
            || b.contexts
                .iter()
                .any(|c| matches!(c, Context::PurchaseForm | Context::CardForm));
        let printable: Vec<String> = b
            .keys
            .iter()
            .filter(|k| is_printable(k))
            .map(|k| k.label())
            .collect();
        if in_forms && !b.in_text {
            ctx.push_str(" · in forms: normal mode");
        } else if in_forms && !printable.is_empty() {
            ctx.push_str(&format!(
                " · in forms: {} in normal mode",
                printable.join(", ")
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{:<16}", keys.join(" / ")), strong),
            Span::styled(format!("{:<38}", b.help), Style::default().fg(t.text)),
            Span::styled(ctx, muted),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Mouse: click a field (to edit it) or a history row; the wheel scrolls.",
        muted,
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// `key what` for every printable key that is a command in the forms' normal mode.
fn normal_mode_letters() -> Vec<String> {
    BINDINGS
        .iter()
        .filter(|b| {
            b.contexts.is_empty()
                || b.contexts
                    .iter()
                    .any(|c| matches!(c, Context::PurchaseForm | Context::CardForm))
        })
        .filter_map(|b| {
            let keys: Vec<String> = b
                .keys
                .iter()
                .filter(|k| is_printable(k))
                .map(|k| k.label())
                .collect();
            (!keys.is_empty()).then(|| format!("{} {}", keys.join("/"), b.help))
        })
        .collect()
}

/// A key that types a character (a command only outside text).
fn is_printable(key: &Key) -> bool {
    matches!(key.code, ratatui::crossterm::event::KeyCode::Char(_))
        && !key
            .mods
            .contains(ratatui::crossterm::event::KeyModifiers::CONTROL)
}

fn cards(frame: &mut Frame, area: Rect, app: &App, selected: usize) {
    let t = &app.theme;
    let all = test_cards();
    let inner = frame_box(
        frame,
        area,
        app,
        "Test cards — Enter fills the card · Esc",
        area.width.saturating_sub(6).min(110),
        area.height.saturating_sub(4),
    );
    let rows = inner.height as usize;
    let offset = selected.saturating_sub(rows.saturating_sub(1));
    let width = inner.width as usize;
    let mut last_group = "";
    let lines: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, c)| {
            let group = if c.group != last_group || i == offset {
                c.group
            } else {
                ""
            };
            last_group = c.group;
            let text = fit(
                &format!("{:<22} {}  {}", group, c.number, c.description),
                width,
            );
            Line::styled(text, t.row(i == selected))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
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
            lines.extend(super::detail::lines(ex, t, true));
            lines
        }
        Some(ex) => super::detail::lines(ex, t, true),
        None => vec![Line::raw("That exchange is gone.")],
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// The prompt's line in `width` columns around its cursor, with the terminal's cursor
/// placed on it at `(x, y)`.
fn typed_line(frame: &mut Frame, input: &TextInput, x: u16, y: u16, width: u16) -> String {
    let shown = window(input.value(), input.cursor(), width as usize);
    frame.set_cursor_position((x + shown.cursor as u16, y));
    shown.text
}

fn otp(frame: &mut Frame, area: Rect, app: &App, input: &TextInput) {
    let t = &app.theme;
    let inner = frame_box(frame, area, app, "3-D Secure challenge", 64, 8);
    let help = "   Enter submits · Esc cancels";
    let room = inner
        .width
        .saturating_sub(5 + help.chars().count() as u16)
        .max(8);
    let typed = typed_line(frame, input, inner.x + 5, inner.y + 4, room);
    let lines = vec![
        Line::raw("The issuer served a challenge page. The app, acting as the"),
        Line::raw("customer's browser, answers it with this code and follows"),
        Line::raw("the redirect."),
        Line::raw(""),
        Line::from(vec![
            Span::styled("OTP: ", Style::default().fg(t.muted)),
            Span::styled(typed, t.row(true)),
            Span::styled(help, Style::default().fg(t.muted)),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

fn prompt(frame: &mut Frame, area: Rect, app: &App, title: &str, help: &str, input: &TextInput) {
    let t = &app.theme;
    let inner = frame_box(frame, area, app, title, 72, 6);
    let typed = typed_line(
        frame,
        input,
        inner.x + 2,
        inner.y + 2,
        inner.width.saturating_sub(2),
    );
    let lines = vec![
        Line::styled(help.to_string(), Style::default().fg(t.muted)),
        Line::raw(""),
        Line::from(vec![
            Span::styled("> ", Style::default().fg(t.accent)),
            Span::styled(typed, t.row(true)),
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
