//! Overlays: help, the device and scenario pickers, the OTP prompt and other prompts.
//! Each box sizes itself to its text, clamped to the frame; text wraps rather than being
//! cut. The exchange detail is drawn by `detail.rs`, the test-card picker by
//! `card_picker.rs`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{centered, fit, panel};
use crate::flow::presets::DEVICE_PRESETS;
use crate::tui::app::{App, InputFor, Overlay};
use crate::tui::columns::width as width_of;
use crate::tui::keys::{Action, BINDINGS, Binding, Context, Key, label_of};
use crate::tui::text_input::{TextInput, window};
use crate::tui::wrap::{Para, wrap_all};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    match &app.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help(frame, area, app, *scroll),
        Some(Overlay::Cards(picker)) => super::card_picker::draw(frame, area, app, picker),
        Some(Overlay::Devices { selected }) => devices(frame, area, app, *selected),
        Some(Overlay::Detail { index, view }) => {
            super::detail::draw_overlay(frame, app, *index, view)
        }
        Some(Overlay::Otp { input, .. }) => otp(frame, area, app, input),
        Some(Overlay::Filter { input, .. }) => prompt(
            frame,
            area,
            app,
            "Filter history",
            "any text of a row: path, status, purchase id, error code, card last four, or a word of its bodies (filters as you type); empty clears",
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
        Some(Overlay::FlowMap { selected }) => super::flow_map::draw_overlay(frame, app, *selected),
        Some(Overlay::Code(code)) => super::code::draw(frame, area, app, code),
        Some(Overlay::Input { what, input }) => {
            if !matches!(what, InputFor::PartialRefund | InputFor::CaptureAmount) {
                super::panel::draw(frame, area, app);
            }
            let (title, help) = input_text(app, *what);
            guided_prompt(frame, area, app, (&title, &help, *what), input)
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

/// Inner columns of a box sized to its text: the widest line, at most `max`, and never
/// wider than the frame leaves room for (two columns of margin each side, the border).
fn text_width(paras: &[Para], title: &str, max: usize, area: Rect) -> usize {
    let widest = paras
        .iter()
        .map(|p| p.line.width())
        .chain([width_of(title) + 2])
        .max()
        .unwrap_or(0);
    widest
        .min(max)
        .min((area.width as usize).saturating_sub(6))
        .max(1)
}

/// Every line of the help overlay, unwrapped.
fn help_paras(app: &App, width: usize) -> Vec<Para> {
    let muted = Style::default().fg(app.theme.muted);
    let mut lines = help_basics(app);
    // Opened over a form: the guide to its fields, before the key table.
    lines.extend(form_fields(app));
    lines.push(Para::plain(Line::styled(
        "Every key, and where it works (from the same table the footer uses):",
        muted,
    )));
    lines.extend(key_table(app, width));
    lines
}

/// Modes, editing and Esc: the help's first lines.
fn help_basics(app: &App) -> Vec<Para> {
    let t = &app.theme;
    let strong = Style::default().fg(t.accent).add_modifier(Modifier::BOLD);
    let normal_letters = format!(
        "NORMAL: letters are commands — {}.",
        normal_mode_letters().join(" · ")
    );
    [
        Line::styled("Modes, in the forms", strong),
        Line::raw(format!(
            "INSERT (at start, in the first field): printable keys are text. {} leaves the field: NORMAL.",
            label_of(Action::LeaveField, Context::PurchaseForm)
        )),
        Line::raw(normal_letters),
        Line::raw("Ctrl-chords, F-keys, Tab, Shift+Tab and ↑/↓ work in both modes."),
        Line::styled("Editing a field or a prompt", strong),
        Line::raw(
            "←/→ a character · Ctrl+←/→ or Alt+b/f a word · Home/End · Backspace/Delete · Ctrl+W a word back · Ctrl+K to the end · Ctrl+U clears · a paste goes in at the cursor (line breaks dropped)",
        ),
        Line::styled(
            format!(
                "{}, step by step",
                label_of(Action::Close, Context::Prompt)
            ),
            strong,
        ),
        Line::raw(
            "closes the overlay or prompt (the filter prompt puts the filter back) → leaves the history pane → cancels the request in flight → leaves the field (normal mode).",
        ),
        Line::raw(""),
    ]
    .into_iter()
    .map(Para::plain)
    .collect()
}

/// Every binding, where it works, and the mouse.
fn key_table(app: &App, width: usize) -> Vec<Para> {
    let t = &app.theme;
    let mut lines = Vec::new();
    // Each column as wide as its longest entry plus a gap, so no two run together.
    let key_col = BINDINGS
        .iter()
        .map(|b| crate::tui::columns::width(&key_labels(b)))
        .max()
        .unwrap_or(0)
        .max(14)
        + 2;
    let help_col = BINDINGS
        .iter()
        .map(|b| crate::tui::columns::width(b.help))
        .max()
        .unwrap_or(0)
        + 2;
    // Where-it-works hangs under its own column when there is room, else under the help.
    let hang = if width >= key_col + help_col + 20 {
        key_col + help_col
    } else {
        key_col
    };
    for b in BINDINGS {
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
        let in_forms = works_in_forms(b);
        let printable = printable_labels(b);
        if in_forms && !b.in_text {
            ctx.push_str(" · in forms: normal mode");
        } else if in_forms && !printable.is_empty() {
            ctx.push_str(&format!(
                " · in forms: {} in normal mode",
                printable.join(", ")
            ));
        }
        lines.push(Para {
            line: Line::from(vec![
                Span::styled(
                    format!("{:<key_col$}", key_labels(b)),
                    Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
                ),
                Span::styled(
                    format!("{:<help_col$}", b.help),
                    Style::default().fg(t.text),
                ),
                Span::styled(ctx, Style::default().fg(t.muted)),
            ]),
            hang,
            copy: None,
        });
    }
    lines.push(Para::plain(Line::raw("")));
    lines.push(Para::plain(Line::styled(
        "Mouse: click a field (to edit it) or a history row; the wheel scrolls.",
        Style::default().fg(t.muted),
    )));
    lines
}

/// A binding's keys as the help's first column shows them.
fn key_labels(b: &Binding) -> String {
    b.keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Opened over a step form: the guide to every field of that form comes first.
fn form_fields(app: &App) -> Vec<Para> {
    if app.pane != crate::tui::app::Pane::Step || app.shows_result() {
        return Vec::new();
    }
    let title = match app.flow.step {
        crate::flow::machine::Step::Purchase => "① Purchase, POST /purchases/",
        _ => "② Card & device, POST /p/{id}/?s2s=true",
    };
    super::field_guide::form_section(app.current_form(), title, &app.theme)
}

fn help_title() -> String {
    format!("Keys — {} closes", label_of(Action::Close, Context::Help))
}
const HELP_MAX: usize = 110;

/// The help's wrapped lines and the rows that show them, at the app's frame size.
fn help_layout(app: &App) -> (Vec<Line<'static>>, usize, usize) {
    // The area overlays are drawn in: above the notice rows (see `views::draw`).
    let notice = crate::tui::layout::compute(app.size, app).notice;
    let area = Rect::new(0, 0, app.size.0, (notice.y + 2).min(app.size.1));
    let unwrapped = help_paras(app, HELP_MAX);
    let width = text_width(&unwrapped, &help_title(), HELP_MAX, area);
    let lines = wrap_all(&help_paras(app, width), width).lines;
    let rows = (lines.len() + 2).min(area.height.saturating_sub(4) as usize);
    (lines, width, rows.saturating_sub(2))
}

/// Where the help opens over a form: scrolled to "Fields of this form" (the modes and
/// editing keys are above it, one ↑ away); elsewhere at the top.
pub fn help_fields_scroll(app: &App) -> u16 {
    if form_fields(app).is_empty() {
        return 0;
    }
    let (_, width, _) = help_layout(app);
    let above = wrap_all(&help_basics(app), width).lines.len();
    u16::try_from(above)
        .unwrap_or(u16::MAX)
        .min(help_max_scroll(app))
}

/// How many lines of the help are on screen at once (PgDn/PgUp move by about this).
pub fn help_rows(app: &App) -> usize {
    help_layout(app).2
}

/// How far the help scrolls before its last line reaches the bottom.
pub fn help_max_scroll(app: &App) -> u16 {
    let (lines, _, rows) = help_layout(app);
    u16::try_from(lines.len().saturating_sub(rows)).unwrap_or(u16::MAX)
}

fn help(frame: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let (lines, width, rows) = help_layout(app);
    let inner = frame_box(
        frame,
        area,
        app,
        &help_title(),
        u16::try_from(width + 2).unwrap_or(u16::MAX),
        u16::try_from(rows + 2).unwrap_or(u16::MAX),
    );
    let scroll = scroll.min(help_max_scroll(app));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// `key what` for every printable key that is a command in the forms' normal mode.
fn normal_mode_letters() -> Vec<String> {
    BINDINGS
        .iter()
        .filter(|b| works_in_forms(b))
        .filter_map(|b| {
            let keys = printable_labels(b);
            (!keys.is_empty()).then(|| format!("{} {}", keys.join("/"), b.help))
        })
        .collect()
}

/// Whether a binding works in the step forms (everywhere, or there by name).
fn works_in_forms(b: &Binding) -> bool {
    b.contexts.is_empty()
        || b.contexts
            .iter()
            .any(|c| matches!(c, Context::PurchaseForm | Context::CardForm))
}

/// The labels of a binding's keys that type a character.
fn printable_labels(b: &Binding) -> Vec<String> {
    b.keys
        .iter()
        .filter(|k| is_printable(k))
        .map(|k| k.label())
        .collect()
}

/// A key that types a character (a command only outside text).
fn is_printable(key: &Key) -> bool {
    matches!(key.code, ratatui::crossterm::event::KeyCode::Char(_))
        && !key
            .mods
            .contains(ratatui::crossterm::event::KeyModifiers::CONTROL)
}

fn devices(frame: &mut Frame, area: Rect, app: &App, selected: usize) {
    let t = &app.theme;
    let title = &picker_title("Device presets", "applies");
    let widest = DEVICE_PRESETS
        .iter()
        .map(|d| width_of(d.user_agent) + 2)
        .chain([width_of(title) + 2, 60])
        .max()
        .unwrap_or(60);
    let width = widest.min(100).min((area.width as usize).saturating_sub(6));
    let inner = frame_box(
        frame,
        area,
        app,
        title,
        u16::try_from(width + 2).unwrap_or(u16::MAX),
        DEVICE_PRESETS.len() as u16 * 2 + 2,
    );
    let mut lines = Vec::new();
    for (i, d) in DEVICE_PRESETS.iter().enumerate() {
        let style = t.row(i == selected);
        lines.push(Line::styled(
            fit(
                &format!(
                    "{}  ({}×{}, {}, utc_offset {})",
                    d.name, d.screen_width, d.screen_height, d.language, d.utc_offset
                ),
                inner.width as usize,
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

fn otp(frame: &mut Frame, area: Rect, app: &App, input: &TextInput) {
    let muted = Style::default().fg(app.theme.muted);
    let before = [
        Para::plain(Line::raw(
            "The issuer served a challenge page. The app, acting as the customer's browser, answers it with this code and follows the redirect.",
        )),
        Para::plain(Line::raw("")),
    ];
    let after = [Para::plain(Line::styled(prompt_keys("submits"), muted))];
    let prefix = Span::styled("OTP: ", muted);
    typed_box(
        frame,
        area,
        app,
        "3-D Secure challenge",
        (&before, prefix, input, &after),
        60,
    );
}

fn prompt(frame: &mut Frame, area: Rect, app: &App, title: &str, help: &str, input: &TextInput) {
    prompt_with(frame, area, app, (title, help, Vec::new()), input);
}

/// A prompt whose typed text fills request fields: the field guide's entries for them
/// under its help line.
fn guided_prompt(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    (title, help, what): (&str, &str, InputFor),
    input: &TextInput,
) {
    let mut guide = Vec::new();
    for key in what.guide_fields() {
        let label = key.rsplit('.').next().unwrap_or(key);
        guide.extend(super::field_guide::entry_paras(
            label,
            crate::paysecure::field_guide::guide_for(key),
            &app.theme,
        ));
    }
    prompt_with(frame, area, app, (title, help, guide), input);
}

/// A prompt's box: its help line, then `extra` (a guide, or nothing), the typed line and
/// the keys that work.
fn prompt_with(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    (title, help, extra): (&str, &str, Vec<Para>),
    input: &TextInput,
) {
    let t = &app.theme;
    let muted = Style::default().fg(t.muted);
    let mut before = vec![Para::plain(Line::styled(help.to_string(), muted))];
    before.extend(extra);
    before.push(Para::plain(Line::raw("")));
    let after = [Para::plain(Line::styled(prompt_keys("applies"), muted))];
    let prefix = Span::styled("> ", Style::default().fg(t.accent));
    typed_box(
        frame,
        area,
        app,
        title,
        (&before, prefix, input, &after),
        90,
    );
}

/// A box sized to its text (wrapped, never cut mid-sentence) around a typed line: the
/// lines `before`, then `prefix` and the part of the input around its cursor on one row
/// (with `…` where it is cut, and the terminal's cursor placed in it), then `after`.
fn typed_box(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    (before, prefix, input, after): (&[Para], Span<'static>, &TextInput, &[Para]),
    max: usize,
) {
    let texts: Vec<Para> = before.iter().chain(after).cloned().collect();
    // At least as wide as a typical value, so the box does not grow with each key.
    let min_width = 48.min((area.width as usize).saturating_sub(6));
    let width = text_width(&texts, title, max, area).max(min_width);
    let above = wrap_all(before, width).lines;
    let below = wrap_all(after, width).lines;
    let room = width.saturating_sub(prefix.width()).max(1);
    let shown = window(input.value(), input.cursor(), room);
    let row = above.len();
    let prefix_width = prefix.width();
    let mut lines = above;
    lines.push(Line::from(vec![
        prefix,
        Span::styled(shown.text, app.theme.row(true)),
    ]));
    lines.extend(below);
    let inner = frame_box(
        frame,
        area,
        app,
        title,
        u16::try_from(width + 2).unwrap_or(u16::MAX),
        u16::try_from(lines.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height.saturating_sub(2)),
    );
    if let (Ok(dx), Ok(dy)) = (
        u16::try_from(prefix_width + shown.cursor),
        u16::try_from(row),
    ) && dy < inner.height
    {
        frame.set_cursor_position((inner.x + dx, inner.y + dy));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn scenarios(frame: &mut Frame, area: Rect, app: &App, selected: usize) {
    let t = &app.theme;
    let title = &picker_title("Scenarios", "loads into the forms");
    let height = (app.scenario_names.len() as u16 + 2).min(area.height.saturating_sub(2));
    let widest = app
        .scenario_names
        .iter()
        .map(|n| {
            // Name column, a space, the origin ("yours (replaces …)" on an override).
            let origin = if app.saved_scenarios.contains(n) {
                32
            } else {
                7
            };
            width_of(n).max(28) + 1 + origin
        })
        .chain([width_of(title) + 2])
        .max()
        .unwrap_or(40);
    let inner = frame_box(
        frame,
        area,
        app,
        title,
        u16::try_from(widest + 2).unwrap_or(u16::MAX),
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
            // As `scenarios` lists them: a saved file of a shipped name is the one loaded.
            let origin = match (
                shipped.contains(&name.as_str()),
                app.saved_scenarios.contains(name),
            ) {
                (true, false) => "shipped",
                (true, true) => "yours (replaces the shipped one)",
                (false, _) => "yours",
            };
            let text = fit(
                &format!("{} {origin}", crate::tui::columns::pad(name, 28)),
                inner.width as usize,
            );
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

/// `Device presets — Enter applies · Esc`: a picker's title with its keys from the table.
fn picker_title(name: &str, choosing: &str) -> String {
    format!(
        "{name} — {} {choosing} · {}",
        label_of(Action::Select, Context::Picker),
        label_of(Action::Close, Context::Picker)
    )
}

/// `Enter submits · Esc cancels`, under a prompt, with its keys from the table.
fn prompt_keys(submitting: &str) -> String {
    format!(
        "{} {submitting} · {} cancels",
        label_of(Action::Select, Context::Prompt),
        label_of(Action::Close, Context::Prompt)
    )
}

/// The help's wrapped text, every line, for tests that read it past the screen.
#[cfg(test)]
pub fn help_text_for_tests(app: &App) -> String {
    help_layout(app)
        .0
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
