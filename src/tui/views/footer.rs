//! The notice line (spinner, messages) and the footer of keys that work where focus is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fit;
use crate::flow::machine::Outcome;
use crate::tui::app::{App, Level, Mode};
use crate::tui::keys::{Action, hints, label_of};
use crate::tui::panel::Tab;
use crate::tui::sanitize::clean;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// Most rows a notice takes; a longer one is cut at the end of the last.
pub const NOTICE_MAX_ROWS: usize = 3;

pub fn draw_notice(frame: &mut Frame, area: Rect, app: &App) {
    let mut lines = notice_lines(app, area.width as usize);
    lines.truncate(area.height as usize);
    frame.render_widget(Paragraph::new(lines), area);
}

/// The notice line wrapped to `width` (at most [`NOTICE_MAX_ROWS`] rows), so a long
/// notice is read whole rather than cut mid-sentence.
pub fn notice_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    // A spinner while a request is in flight; a notice beside it, so that what the app
    // has to say (e.g. "no browser: the URL is copied") is never hidden by the spinner.
    let mut spans = Vec::new();
    if let Some(request) = app.requests.newest() {
        let others = match app.requests.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        spans.push(Span::styled(
            format!(
                " {} {}… {}{others}{}",
                SPINNER[app.spinner % SPINNER.len()],
                request.purpose.label(),
                request.progress(std::time::Instant::now()),
                // Esc cancels from the step pane with no overlay open; elsewhere it closes
                // or goes back, so it is not promised there.
                if app.pane == crate::tui::app::Pane::Step && app.overlay.is_none() {
                    format!(" · {} cancels", label_of(Action::Cancel, app.context()))
                } else {
                    String::new()
                }
            ),
            Style::default().fg(t.accent),
        ));
    }
    if let Some((level, text)) = &app.notice {
        let colour = match level {
            Level::Info => t.text,
            Level::Warn => t.warn,
            Level::Error => t.error,
        };
        let sep = if spans.is_empty() { " " } else { " · " };
        spans.push(Span::styled(
            format!("{sep}{}", clean(text)),
            Style::default().fg(colour),
        ));
    }
    let para = crate::tui::wrap::Para {
        line: Line::from(spans),
        hang: 1,
        copy: None,
    };
    let mut lines = crate::tui::wrap::wrap(&para, width).lines;
    if lines.len() > NOTICE_MAX_ROWS {
        lines.truncate(NOTICE_MAX_ROWS);
        if let Some(last) = lines.last_mut() {
            let text = fit(&format!("{last}…"), width);
            *last = Line::styled(
                text,
                last.spans.last().map_or(Style::default(), |s| s.style),
            );
        }
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    // The mode, where a form field has the keyboard: what a letter key will do.
    let mode = match app.shown_mode() {
        Some(Mode::Insert) => " INSERT ",
        Some(Mode::Normal) => " NORMAL ",
        None => "",
    };
    if !mode.is_empty() {
        spans.push(Span::styled(
            mode,
            Style::default()
                .fg(t.background)
                .bg(t.accent)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
    }
    let mut shown: Vec<(String, Action, &str)> = hints(app.context(), app.in_text())
        .into_iter()
        .filter(|(_, action, _)| applies(app, *action))
        .map(|(keys, action, help)| (keys, action, state_help(app, action, help)))
        .collect();
    // Too many for the width: first each hint keeps only its first word ("o open"), then
    // the lowest-value hints (the table's last) go, whole; help, quit, the key that
    // switches the mode and a form's send key always stay, so the way to every other key
    // is on screen, and so is the step's own action.
    let width = area.width as usize;
    // Where `q quit` is a hint (never dropped below), a second "quit" would only repeat it.
    let force_quit = if shown.iter().any(|(_, a, _)| *a == Action::Quit) {
        String::new()
    } else {
        format!(" · {} quit", label_of(Action::ForceQuit, app.context()))
    };
    let cost = |h: &[(String, Action, &str)]| {
        1 + h
            .iter()
            .map(|(k, _, help)| {
                crate::tui::columns::width(k) + crate::tui::columns::width(help) + 4
            })
            .sum::<usize>()
            + crate::tui::columns::width(&force_quit)
            + crate::tui::columns::width(mode)
            + usize::from(!mode.is_empty())
    };
    if cost(&shown) > width {
        for hint in &mut shown {
            hint.2 = hint.2.split_whitespace().next().unwrap_or(hint.2);
        }
    }
    while cost(&shown) > width {
        match shown.iter().rposition(|(_, a, _)| {
            !matches!(
                a,
                Action::Help | Action::Quit | Action::LeaveField | Action::Edit | Action::Send
            )
        }) {
            Some(i) => {
                shown.remove(i);
            }
            None => break,
        }
    }
    for (i, (keys, _, help)) in shown.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", Style::default().fg(t.muted)));
        }
        spans.push(Span::styled(
            keys,
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(
            format!(" {help}"),
            Style::default().fg(t.muted),
        ));
    }
    spans.push(Span::styled(force_quit, Style::default().fg(t.muted)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What r does to the exchange the detail shows (its title's words), if anything.
fn detail_resend_offer(app: &App) -> Option<&'static str> {
    match app.overlay {
        Some(crate::tui::app::Overlay::Detail { index, .. }) => app
            .history
            .newest(index)
            .and_then(crate::tui::update::resend_offer),
        _ => None,
    }
}

/// Whether the exchange detail shows a webhook.
fn detail_row_is_webhook(app: &App) -> bool {
    match app.overlay {
        Some(crate::tui::app::Overlay::Detail { index, .. }) => app
            .history
            .newest(index)
            .is_some_and(|e| e.kind == crate::api::ExchangeKind::Webhook),
        _ => false,
    }
}

/// A hint's words for what the key does now: r repeats a call only where one failed and
/// can be repeated; everywhere else it reads the status again (the table's help names
/// both).
fn state_help(app: &App, action: Action, help: &'static str) -> &'static str {
    match action {
        Action::Retry if app.retry_repeats_a_call() => "retry",
        Action::Retry => "re-check status",
        // "replay" for a webhook, as the detail's title says.
        Action::Resend => detail_resend_offer(app)
            .and_then(|offer| offer.split_whitespace().next())
            .unwrap_or(help),
        _ => help,
    }
}

/// Whether a result-screen key means something in the current state (hints only show
/// keys that do).
fn applies(app: &App, action: Action) -> bool {
    let outcome = &app.flow.outcome;
    match action {
        Action::OpenBrowser | Action::CompleteHere => {
            matches!(outcome, Some(Outcome::Pending { .. }))
        }
        Action::RawBody => matches!(outcome, Some(Outcome::Coded(_) | Outcome::Transport(_))),
        // e only where Ctrl+S can work: at create time, or on a purchase still payable.
        Action::EditRetry => {
            matches!(outcome, Some(Outcome::Coded(_) | Outcome::Transport(_)))
                && (app.flow.purchase.is_none() || app.may_pay_again())
        }
        // r retries a transport failure, else checks the status again.
        Action::Retry => {
            matches!(outcome, Some(Outcome::Transport(_)))
                || (outcome.is_some() && app.flow.purchase.is_some())
        }
        // The spinner line says "Esc cancels" while something is in flight.
        Action::Cancel => false,
        Action::LeaveField => app.in_text() && app.requests.is_empty(),
        Action::OpenPanel => app.control_url.is_some(),
        // v acts on the chooser only; the sideways keys on the snippet only.
        Action::CodeFormValues => matches!(
            &app.overlay,
            Some(crate::tui::app::Overlay::Code(c)) if c.shown.is_none() && c.source.from_form()
        ),
        Action::CodeLeft | Action::CodeRight => matches!(
            &app.overlay,
            Some(crate::tui::app::Overlay::Code(c)) if c.shown.is_some()
        ),
        Action::CopyKey => detail_row_is_webhook(app) && app.public_key_pem.is_some(),
        // r on a create, a payment, a browser step or a landing only says why it cannot.
        Action::Resend => detail_resend_offer(app).is_some(),
        // On the result screen y copies only what is shown: a callback URL, a command.
        Action::CopyValue => app.overlay.is_some() || crate::tui::result_copy::shown(app).is_some(),
        Action::RefundFull | Action::RefundPartial | Action::CancelPurchase | Action::Capture => {
            app.flow.purchase.is_some() && crate::tui::levers::applies(app, action)
        }
        // In the panel, Enter opens a purchase: the other tabs have nothing to open.
        Action::Filter | Action::Select if app.overlay == Some(crate::tui::app::Overlay::Panel) => {
            app.panel.tab == Tab::Purchases
        }
        Action::SettlePaid | Action::SettleError => app.panel.tab == Tab::Purchases,
        Action::Clock2h
        | Action::Clock24h
        | Action::ClockTyped
        | Action::ToggleMode
        | Action::SetAttempts
        | Action::SetLatency
        | Action::SetTimeout
        | Action::Reset => app.panel.tab == Tab::ClockAndSettings,
        Action::Replay | Action::Redeliver => app.panel.tab == Tab::Webhooks,
        // An empty pane (or a filter that matches nothing) has no row to open or copy.
        Action::Select | Action::CopyAsCode
            if app.context() == crate::tui::keys::Context::History =>
        {
            !app.history.is_empty()
        }
        _ => true,
    }
}
