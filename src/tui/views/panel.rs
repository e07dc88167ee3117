//! The sandbox panel over the control plane: purchases, clock and settings, webhooks;
//! the last action's curl at the bottom so the control plane can be learned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, panel, short_id};
use crate::flow::webhook_verify::signed_string;
use crate::tui::app::App;
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::panel::{NoRows, Tab};
use crate::tui::requests::ControlOp;
use crate::tui::sanitize::clean;

/// Draws the panel over everything but the header and the two bottom lines.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let r = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(4),
    );
    frame.render_widget(Clear, r);
    let tabs = [Tab::Purchases, Tab::ClockAndSettings, Tab::Webhooks]
        .iter()
        .map(|tab| {
            if *tab == app.panel.tab {
                format!("[{}]", tab.title())
            } else {
                tab.title().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let block = panel(
        format!(
            "Sandbox panel · {tabs} · {} switches · {} closes",
            key(Action::PanelTab),
            key(Action::Close)
        ),
        true,
        t,
    )
    .style(Style::default().bg(t.background).fg(t.text));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let width = inner.width as usize;
    let rows = inner.height as usize;
    let mut lines: Vec<Line> = match app.panel.tab {
        Tab::Purchases => purchases(app, width, rows.saturating_sub(3)),
        Tab::ClockAndSettings => clock_and_settings(app, width),
        Tab::Webhooks => webhooks(app, width, rows.saturating_sub(3)),
    };
    // The last action's curl, so every lever teaches its control-plane call: whole, on
    // up to three lines (y copies it).
    let curl = app
        .panel
        .curl
        .as_deref()
        .map_or_else(|| "curl of the last action shows here".to_string(), clean);
    // Wrapped like every command on screen: never broken inside an id or a URL (a token
    // wider than the pane is cut with `…`; y copies it whole), continuation lines indented.
    let para = crate::tui::wrap::Para {
        line: Line::styled(curl, Style::default().fg(t.accent)),
        hang: 2,
        copy: None,
    };
    let curl_lines: Vec<Line> = crate::tui::wrap::wrap(&para, width.max(1))
        .lines
        .into_iter()
        .take(4)
        .collect();
    let body_rows = rows.saturating_sub(1 + curl_lines.len());
    lines.truncate(body_rows);
    while lines.len() < body_rows {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        format!("equivalent curl ({} copies it):", key(Action::CopyCurl)),
        Style::default().fg(t.muted),
    ));
    lines.extend(curl_lines);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn purchases(app: &App, width: usize, room: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let shown = app.panel.shown_rows();
    let filter = if app.panel.filter.is_empty() {
        String::new()
    } else {
        format!(
            " · filter \"{}\" ({} changes)",
            clean(&app.panel.filter),
            key(Action::Filter)
        )
    };
    let no_rows = app.panel_no_rows();
    // No count before the list has answered: "0 of 0" would say the sandbox is empty.
    let count = match no_rows {
        Some(NoRows::Reading | NoRows::Unread) => "Purchases".to_string(),
        _ => format!("{} of {} purchases", shown.len(), app.panel.rows.len()),
    };
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "{count}, newest first{filter} · {} opens · {}/{} settle paid/error",
                key(Action::Select),
                key(Action::SettlePaid),
                key(Action::SettleError)
            ),
            width,
        ),
        Style::default().fg(t.muted),
    )];
    if let Some(no_rows) = no_rows {
        lines.push(Line::raw(match no_rows {
            NoRows::Reading => "Reading the sandbox's purchases…".to_string(),
            NoRows::Unread => format!(
                "The sandbox's purchases could not be read ({} reads them again).",
                key(Action::PanelReload)
            ),
            NoRows::Empty => format!(
                "No purchases in the sandbox yet ({} on step ① creates one).",
                label_of(Action::Send, Context::PurchaseForm)
            ),
            NoRows::Filtered => "No purchase matches the filter.".to_string(),
        }));
        return lines;
    }
    // Ages on the sandbox clock, which `created_on` is written in (a purchase made after
    // a +2 h move is not "0 s" old, one made before it is not "26 s" old).
    // Saturating: the offset is what a server said, and may be anything.
    let offset_s = app
        .panel
        .clock_offset_minutes()
        .unwrap_or(0)
        .saturating_mul(60);
    let now = crate::clock::now_epoch().saturating_add(offset_s);
    let first = app.panel.selected.saturating_sub(room.saturating_sub(2));
    for (i, row) in shown.iter().enumerate().skip(first).take(room) {
        let age = crate::tui::requests::human(
            std::time::Duration::from_secs(now.saturating_sub(row.created_on).max(0) as u64),
            false,
        );
        let text = format!(
            "{} {:<24} {:<20} {:>12} {:<16} {age}",
            if i == app.panel.selected { "▶" } else { " " },
            clean(&row.id),
            clean(&row.status),
            clean(&row.amount),
            clean(&row.card),
        );
        lines.push(Line::styled(
            fit(&text, width),
            t.row(i == app.panel.selected),
        ));
    }
    lines
}

fn clock_and_settings(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let p = &app.panel;
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(
                crate::tui::columns::pad(k, 25),
                Style::default().fg(t.muted),
            ),
            Span::styled(clean(&v), Style::default().fg(t.text)),
        ])
    };
    let clock = match p.clock_offset_minutes() {
        None => "not read".to_string(),
        Some(0) => "not moved (the machine's time)".to_string(),
        Some(m) => format!("{m} minutes ahead"),
    };
    // Wrapped to the pane: cut at its edge, a narrow pane lost "OVERDUE".
    let about = crate::tui::wrap::Para {
        line: Line::styled(
            "The clock: CREATED and PENDING_EXECUTE purchases older than 2 h turn OVERDUE, older than 24 h EXPIRED (an expiry sends its webhook).",
            Style::default().fg(t.muted),
        ),
        hang: 0,
        copy: None,
    };
    let mut lines = crate::tui::wrap::wrap(&about, width.max(1)).lines;
    lines.extend([
        kv("sandbox clock", clock),
        Line::styled(
            format!(
                "  {} +2 h · {} +24 h · {} typed minutes",
                key(Action::Clock2h),
                key(Action::Clock24h),
                key(Action::ClockTyped)
            ),
            Style::default().fg(t.accent),
        ),
        settings_state(app),
        kv(&keyed("mode", Action::ToggleMode), p.setting("mode")),
        kv(
            &keyed("attempt limit", Action::SetAttempts),
            p.setting("attempt_limit"),
        ),
        kv(
            &keyed("added latency ms", Action::SetLatency),
            p.setting("latency_ms"),
        ),
        kv(
            &keyed("hang card timeout s", Action::SetTimeout),
            p.setting("timeout_s"),
        ),
        Line::raw(""),
        Line::styled(
            if p.confirm_reset {
                format!(
                    "{} again resets everything (purchases, deliveries, settings, clock)",
                    key(Action::Reset)
                )
            } else {
                format!(
                    "{} resets the sandbox (asks first) · {} reloads",
                    key(Action::Reset),
                    key(Action::PanelReload)
                )
            },
            Style::default()
                .fg(if p.confirm_reset { t.warn } else { t.muted })
                .add_modifier(Modifier::BOLD),
        ),
    ]);
    lines
}

/// The line above the settings: blank when they are the sandbox's as last read, or what
/// they are instead (being read; not read; the last ones read, before a read that failed).
fn settings_state(app: &App) -> Line<'static> {
    let t = &app.theme;
    let p = &app.panel;
    let reload = key(Action::PanelReload);
    let (text, colour) = if p.settings_read {
        (String::new(), t.muted)
    } else if app.requests.control_in_flight(ControlOp::GetSettings) {
        ("Reading the sandbox's settings…".to_string(), t.muted)
    } else if p.settings.is_some() {
        (
            format!(
                "⚠ Their last read failed: these are the values read before ({reload} reads them again)."
            ),
            t.warn,
        )
    } else {
        (
            format!("The settings could not be read ({reload} reads them again)."),
            t.warn,
        )
    };
    Line::styled(text, Style::default().fg(colour))
}

fn webhooks(app: &App, width: usize, room: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let p = &app.panel;
    let no_rows = app.panel_no_deliveries();
    // No count before the log has answered: "0 deliveries" would say none was sent.
    let count = match no_rows {
        Some(NoRows::Reading | NoRows::Unread) => "Deliveries".to_string(),
        _ => format!("{} deliveries", p.deliveries.len()),
    };
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "{count}, newest first · {} replays · {} redelivers to a URL you type",
                key(Action::Replay),
                key(Action::Redeliver)
            ),
            width,
        ),
        Style::default().fg(t.muted),
    )];
    if let Some(no_rows) = no_rows {
        lines.push(Line::raw(match no_rows {
            NoRows::Reading => "Reading the sandbox's delivery log…".to_string(),
            NoRows::Unread => format!(
                "The sandbox's delivery log could not be read ({} reads it again).",
                key(Action::PanelReload)
            ),
            NoRows::Empty | NoRows::Filtered => {
                "No webhook yet: a purchase that reaches PAID, ERROR or EXPIRED sends one."
                    .to_string()
            }
        }));
        return lines;
    }
    let list_room = room.saturating_sub(6).max(1);
    // The list scrolls with the selection, so r and u act on a row that is shown.
    let first = p.selected.saturating_sub(list_room.saturating_sub(1));
    let shown = || {
        p.deliveries
            .iter()
            .rev()
            .enumerate()
            .skip(first)
            .take(list_room)
    };
    // The status column as wide as its widest shown status (`partially_captured`), within
    // reason: a fixed eight let the longer ones push their row's URL out of line.
    let status_width = shown()
        .map(|(_, d)| crate::tui::columns::width(&clean(&d.status)))
        .max()
        .unwrap_or(0)
        .clamp(8, 20);
    for (i, d) in shown() {
        let text = format!(
            "{} #{:<3} {:<14} {} → {} · {}",
            if i == p.selected { "▶" } else { " " },
            d.n,
            short_id(&clean(&d.purchase_id)),
            crate::tui::columns::pad(&clean(&d.status), status_width),
            clean(&d.url),
            clean(&d.answer())
        );
        let failed = d.response_status.is_none_or(|s| !(200..300).contains(&s));
        let style = if i == p.selected {
            t.row(true)
        } else if failed {
            Style::default().fg(t.error)
        } else {
            t.row(false)
        };
        lines.push(Line::styled(fit(&text, width), style));
    }
    if let Some(d) = p.selected_delivery() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            fit(&format!("paysecure-sign  {}", clean(&d.signature)), width),
            Style::default().fg(t.text),
        ));
        lines.push(Line::styled(
            fit(
                &format!(
                    "signed string   {}   (STATUS upper case; RSA-SHA256, PKCS#1 v1.5)",
                    clean(&signed_string(
                        &d.purchase_id,
                        &d.status,
                        // The log omits the body; this sandbox has one brand, the app's.
                        if d.brand_id.is_empty() {
                            &app.brand_id
                        } else {
                            &d.brand_id
                        },
                    ))
                ),
                width,
            ),
            Style::default().fg(t.text),
        ));
    }
    lines
}

/// How the key of `action` in the panel is written: every key name here comes from the
/// key table.
fn key(action: Action) -> String {
    label_of(action, Context::Panel)
}

/// `mode (m)`: a setting's name with the key that changes it.
fn keyed(name: &str, action: Action) -> String {
    format!("{name} ({})", key(action))
}
