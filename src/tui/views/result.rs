//! Step ③: pending with the callback URL, the final status, or the error explained.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::panel;
use crate::api::catalog::{self, Explanation};
use crate::api::{ApiError, PurchaseStatus};
use crate::flow::browser::Landed;
use crate::flow::machine::Outcome;
use crate::tui::app::{App, Pane};
use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = panel(
        "③ Result",
        app.pane == Pane::Step && app.overlay.is_none(),
        t,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    match &app.flow.outcome {
        Some(Outcome::Pending { callback_url }) => pending(&mut lines, app, callback_url),
        Some(Outcome::Settled { status }) => settled(&mut lines, app, status),
        Some(Outcome::Coded(err)) => coded(&mut lines, app, err),
        Some(Outcome::Transport(err)) => transport(&mut lines, t, err),
        None => lines.push(Line::raw("Waiting…")),
    }
    if app.show_raw {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "raw response body (v hides):",
            Style::default().fg(t.muted),
        ));
        let raw = app
            .history
            .newest(0)
            .and_then(|e| e.response_body.clone())
            .unwrap_or_else(|| "(no body)".into());
        lines.extend(super::json::body_lines(&raw, t));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn kv(t: &Theme, key: &str, value: String, style: Style) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{key:<16}"), Style::default().fg(t.muted)),
        Span::styled(value, style),
    ])
}

fn pending(lines: &mut Vec<Line>, app: &App, url: &str) {
    let t = &app.theme;
    lines.push(Line::styled(
        "202 pending — the customer's browser must open the callback URL",
        Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
    ));
    lines.push(Line::raw(""));
    lines.push(kv(
        t,
        "callback_url",
        clean(url),
        Style::default().fg(t.text),
    ));
    lines.push(kv(
        t,
        "status",
        "PENDING_EXECUTE".into(),
        Style::default().fg(t.warn),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::raw(
        "  o  open it in your browser (3-D Secure, then the redirect)",
    ));
    lines.push(Line::raw(
        "  b  complete it here: the app acts as the browser and asks for the OTP",
    ));
    if app.endpoint.embedded {
        lines.push(Line::styled(
            "     sandbox OTP: 123456 (anything else fails the challenge)",
            Style::default().fg(t.muted),
        ));
    }
    if let Some(why) = &app.open_failure {
        let warn = Style::default().fg(t.warn);
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("No browser could be opened here: {}.", clean(why)),
            warn.add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::styled(
            "The URL above is copied to your clipboard (OSC 52): paste it into a",
            warn,
        ));
        lines.push(Line::styled(
            "browser on any machine that reaches it, or press b to complete it here.",
            warn,
        ));
    }
    follow_lines(lines, app);
}

fn follow_lines(lines: &mut Vec<Line>, app: &App) {
    let t = &app.theme;
    if let Some(landed) = app.flow.landed {
        let page = match landed {
            Landed::Success => "success",
            Landed::Failure => "failure",
            Landed::Pending => "pending",
        };
        lines.push(kv(
            t,
            "redirect",
            format!("landed on the {page} page"),
            Style::default().fg(t.text),
        ));
    }
    match &app.webhook {
        Some(w) => {
            let (verdict, style) = if w.signature_valid {
                ("signature ✓ valid", Style::default().fg(t.ok))
            } else {
                ("signature ✗ INVALID", Style::default().fg(t.error))
            };
            lines.push(kv(t, "webhook", format!("{} · {verdict}", w.status), style));
        }
        None if app.endpoint.embedded && app.flow.landed.is_some() => {
            lines.push(kv(
                t,
                "webhook",
                "waiting…".into(),
                Style::default().fg(t.muted),
            ));
        }
        None if !app.endpoint.embedded => {
            lines.push(kv(
                t,
                "webhook",
                "not observed: Paysecure cannot reach this app's merchant stub; the status comes from polling".into(),
                Style::default().fg(t.muted),
            ));
        }
        None => {}
    }
}

fn settled(lines: &mut Vec<Line>, app: &App, status: &PurchaseStatus) {
    let t = &app.theme;
    let upper = status.as_lower().to_ascii_uppercase();
    let (headline, style) = match status {
        PurchaseStatus::Paid => (
            format!("✔ {upper} — the payment went through"),
            Style::default().fg(t.ok),
        ),
        PurchaseStatus::PaymentInProcess => (
            format!("… {upper} — waiting for the processor"),
            Style::default().fg(t.warn),
        ),
        _ => (
            format!("✘ {upper} — the payment did not go through"),
            Style::default().fg(t.error),
        ),
    };
    lines.push(Line::styled(headline, style.add_modifier(Modifier::BOLD)));
    lines.push(Line::raw(""));
    if let Some(id) = app.flow.purchase_id() {
        lines.push(kv(
            t,
            "purchase",
            id.to_string(),
            Style::default().fg(t.text),
        ));
    }
    let error_msg = app
        .flow
        .purchase
        .as_ref()
        .and_then(|p| p.error_msg.clone())
        .filter(|m| !m.is_empty());
    if let Some(msg) = &error_msg {
        lines.push(kv(t, "errorMsg", clean(msg), Style::default().fg(t.error)));
    }
    follow_lines(lines, app);
    if let Some(x) = error_msg.as_deref().and_then(catalog::explain_decline) {
        lines.push(Line::raw(""));
        explanation(lines, t, &x);
    }
    if *status == PurchaseStatus::PaymentInProcess && app.endpoint.embedded {
        lines.push(Line::styled(
            "settle it: POST /_sandbox/purchases/{id}/settle {\"status\":\"paid\"}, then r",
            Style::default().fg(t.muted),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "n new purchase · h history · r check status again",
        Style::default().fg(t.muted),
    ));
}

fn explanation(lines: &mut Vec<Line>, t: &Theme, x: &Explanation) {
    lines.push(Line::styled(
        x.title.to_string(),
        Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
    ));
    lines.push(kv(
        t,
        "what it means",
        x.meaning.into(),
        Style::default().fg(t.text),
    ));
    lines.push(kv(
        t,
        "likely cause",
        x.cause.into(),
        Style::default().fg(t.text),
    ));
    lines.push(kv(
        t,
        "still payable",
        x.payable.label().into(),
        Style::default().fg(t.text),
    ));
    lines.push(kv(
        t,
        "try next",
        x.next.into(),
        Style::default().fg(t.text),
    ));
}

fn coded(lines: &mut Vec<Line>, app: &App, err: &ApiError) {
    let t = &app.theme;
    let ApiError::Coded {
        http_status,
        code,
        message,
    } = err
    else {
        return;
    };
    lines.push(Line::styled(
        format!("✘ HTTP {http_status} · {}", clean(code)),
        Style::default().fg(t.error).add_modifier(Modifier::BOLD),
    ));
    lines.push(Line::styled(clean(message), Style::default().fg(t.error)));
    lines.push(Line::raw(""));
    explanation(lines, t, &catalog::explain(code, message));
    if let Some(status) = &app.flow.status {
        lines.push(kv(
            t,
            "purchase now",
            status.as_lower().to_ascii_uppercase(),
            Style::default().fg(t.text),
        ));
    }
    lines.push(Line::raw(""));
    let retry = if app.flow.can_retry_same_purchase() {
        "e edit & retry on this purchase"
    } else {
        "e edit"
    };
    lines.push(Line::styled(
        format!("{retry} · n new purchase · v raw body"),
        Style::default().fg(t.muted),
    ));
}

fn transport(lines: &mut Vec<Line>, t: &Theme, err: &ApiError) {
    let ApiError::Transport {
        kind,
        http_status,
        detail,
    } = err
    else {
        return;
    };
    lines.push(Line::styled(
        format!("✘ No API answer: {}", kind.label()),
        Style::default().fg(t.error).add_modifier(Modifier::BOLD),
    ));
    if let Some(s) = http_status {
        lines.push(kv(
            t,
            "HTTP status",
            s.to_string(),
            Style::default().fg(t.text),
        ));
    }
    lines.push(kv(t, "detail", clean(detail), Style::default().fg(t.text)));
    lines.push(Line::raw(""));
    lines.push(Line::raw(
        "The request did not get a Paysecure answer, so nothing is known about its effect.",
    ));
    lines.push(Line::raw(
        "Check the endpoint (header), then r to retry, e to edit, n for a new purchase.",
    ));
}
