//! Step ③: pending with the callback URL, the final status, or the error explained.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::panel;
use crate::api::catalog::{self, Explanation};
use crate::api::{ApiError, PurchaseStatus, TransportKind};
use crate::flow::browser::Landed;
use crate::flow::diagnosis;
use crate::flow::machine::Outcome;
use crate::flow::runner::WebhookSeen;
use crate::tui::app::{App, Pane};
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::requests::Purpose;
use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;
use crate::tui::wrap::{self, Para};

/// Where values start on a `label  value` line.
const VALUE_COLUMN: usize = 16;

fn push(lines: &mut Vec<Para>, line: impl Into<Para>) {
    lines.push(line.into());
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    // The text first: the title says whether more of it is above or below.
    let inner = panel("", false, t).inner(area);
    let lines = wrapped(app, inner.width as usize);
    let scroll = shown_scroll(app.result_scroll, lines.len(), inner.height);
    let below = lines.len() > usize::from(scroll) + usize::from(inner.height);
    let title = match (scroll > 0, below) {
        (false, false) => "③ Result".to_string(),
        (true, false) => "③ Result · ↑ more (PgUp)".to_string(),
        (false, true) => "③ Result · ↓ more (PgDn)".to_string(),
        (true, true) => "③ Result · ↑↓ more (PgUp/PgDn)".to_string(),
    };
    let block = panel(title, app.pane == Pane::Step && app.overlay.is_none(), t);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// The scroll the result pane is drawn with: what was asked, within the text.
pub fn shown_scroll(asked: u16, lines: usize, height: u16) -> u16 {
    let most = lines.saturating_sub(usize::from(height));
    asked.min(u16::try_from(most).unwrap_or(u16::MAX))
}

/// Scrolls the result pane by `pages` pages (a page is its height), within its text.
pub fn scroll_by(app: &mut App, pages: i32) {
    let areas = crate::tui::layout::compute(app.size, app);
    let inner = panel("", false, &app.theme).inner(areas.step);
    let lines = wrapped(app, inner.width as usize).len();
    let page = i32::from(inner.height.saturating_sub(1).max(1));
    let current = i32::from(shown_scroll(app.result_scroll, lines, inner.height));
    let wanted = (current + pages * page).max(0);
    app.result_scroll = shown_scroll(
        u16::try_from(wanted).unwrap_or(u16::MAX),
        lines,
        inner.height,
    );
}

/// The result's lines wrapped to `width`: values hang under their column, and a URL,
/// an id or a command's token is never broken (cut with `…` when wider than the pane;
/// `y` copies it whole).
pub fn wrapped(app: &App, width: usize) -> Vec<Line<'static>> {
    wrap::wrap_all(&paras(app), width).lines
}

/// The result's logical lines.
fn paras(app: &App) -> Vec<Para> {
    let t = &app.theme;
    let mut lines: Vec<Para> = Vec::new();
    match &app.flow.outcome {
        Some(Outcome::Pending { callback_url }) => pending(&mut lines, app, callback_url),
        // The status the server said last, not the copy the outcome was made with.
        Some(Outcome::Settled { status }) => {
            settled(&mut lines, app, app.flow.status.as_ref().unwrap_or(status))
        }
        Some(Outcome::Coded(err)) => coded(&mut lines, app, err),
        Some(Outcome::Transport(err)) => transport(&mut lines, app, err),
        None => push(&mut lines, Line::raw("Waiting…")),
    }
    if app.show_raw {
        push(&mut lines, Line::raw(""));
        // The body of the exchange that failed, never whatever history row is newest.
        let (title, raw) = match &app.failed_exchange {
            Some(ex) => (
                format!(
                    "response body of {} {} ({} hides):",
                    ex.method,
                    clean(ex.path()),
                    key(Action::RawBody)
                ),
                ex.response_body
                    .clone()
                    .unwrap_or_else(|| "(no body: the request got no answer)".into()),
            ),
            None => (
                format!("response body ({} hides):", key(Action::RawBody)),
                "(no failed exchange to show)".into(),
            ),
        };
        push(
            &mut lines,
            Line::styled(title, Style::default().fg(t.muted)),
        );
        lines.extend(super::json::body_lines(&raw, t));
    }
    lines
}

/// The status line before a status GET has answered (the 202 says "pending", which is not
/// a status).
fn status_not_read(app: &App) -> String {
    let reading = app
        .requests
        .find(|p| matches!(p, Purpose::Check(_) | Purpose::Follow(_)))
        .is_some();
    match (reading, &app.status_read_failed) {
        (true, _) => format!("reading…{}", last_read_failed(app)),
        (false, Some(why)) => format!("not read: the status GET failed ({})", clean(why)),
        (false, None) => "not read (the 202 says pending)".into(),
    }
}

/// ` (the last read failed: …)` after a status, while a status GET since the last one
/// read has failed; nothing otherwise.
fn last_read_failed(app: &App) -> String {
    app.status_read_failed
        .as_deref()
        .map(|why| format!(" (the last read failed: {})", clean(why)))
        .unwrap_or_default()
}

fn kv(t: &Theme, key: &str, value: String, style: Style) -> Para {
    Para::kv(
        key,
        VALUE_COLUMN - 1,
        Style::default().fg(t.muted),
        vec![Span::styled(value, style)],
    )
}

fn pending(lines: &mut Vec<Para>, app: &App, url: &str) {
    let t = &app.theme;
    push(
        lines,
        Line::styled(
            "202 pending — the customer's browser must open the callback URL",
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ),
    );
    push(lines, Line::raw(""));
    push(
        lines,
        kv(t, "callback_url", clean(url), Style::default().fg(t.text)).copying(clean(url)),
    );
    push(
        lines,
        kv(
            t,
            "status",
            // The status shown is the last one read; a read since that failed is said.
            app.flow.status.as_ref().map_or(status_not_read(app), |s| {
                format!("{}{}", clean(&s.as_upper()), last_read_failed(app))
            }),
            Style::default().fg(t.warn),
        ),
    );
    push(lines, Line::raw(""));
    // The key in a column of its own (from the table), the wrapped text hanging after it.
    let key_line = |text: String, style: Style| Para {
        line: Line::styled(text, style),
        hang: 5,
        copy: None,
    };
    let keyed = |action: Action, words: &str| format!("  {:<3}{words}", key(action));
    let plain = Style::default();
    push(
        lines,
        key_line(
            keyed(
                Action::OpenBrowser,
                "open it in your browser (3-D Secure, then the redirect)",
            ),
            plain,
        ),
    );
    push(
        lines,
        key_line(
            keyed(
                Action::CompleteHere,
                "complete it here: the app acts as the browser (an OTP only if the issuer challenges)",
            ),
            plain,
        ),
    );
    push(
        lines,
        key_line(keyed(Action::CopyValue, "copy the URL (OSC 52)"), plain),
    );
    if app.endpoint.embedded {
        // The sandbox's test cards say whether the issuer challenges: a frictionless one
        // is asked no code, so none is offered.
        let frictionless = app
            .sent
            .as_ref()
            .and_then(|sent| sent.test_card)
            .is_some_and(crate::paysecure::test_cards::is_frictionless);
        let text = if frictionless {
            "     sandbox test card: frictionless, no one-time code is asked"
        } else {
            "     sandbox OTP: 123456 (anything else fails the challenge)"
        };
        push(lines, key_line(text.into(), Style::default().fg(t.muted)));
    }
    if let Some(why) = &app.open_failure {
        let warn = Style::default().fg(t.warn);
        push(lines, Line::raw(""));
        push(
            lines,
            Line::styled(
                format!("No browser could be opened here: {}.", clean(why)),
                warn.add_modifier(Modifier::BOLD),
            ),
        );
        // One paragraph, wrapped to the width (two hand-cut lines left "into a" alone on
        // a line where the first did not fit).
        push(
            lines,
            Line::styled(
                format!(
                    "The URL above is copied to your clipboard (OSC 52): paste it into a browser on any machine that reaches it, or press {} to complete it here.",
                    key(Action::CompleteHere)
                ),
                warn,
            ),
        );
    }
    follow_lines(lines, app);
}

fn follow_lines(lines: &mut Vec<Para>, app: &App) {
    let t = &app.theme;
    if let Some(browser) = &app.flow.browser {
        let how = if browser.challenged {
            "challenge answered"
        } else {
            "frictionless: the issuer did not challenge"
        };
        push(
            lines,
            kv(t, "3-D Secure", how.into(), Style::default().fg(t.text)),
        );
    }
    if let Some(landed) = app.flow.landed {
        let page = match landed {
            Landed::Success => "success",
            Landed::Failure => "failure",
            Landed::Pending => "pending",
        };
        let loaded = app.flow.browser.as_ref().is_none_or(|b| b.landing_loaded);
        let text = if loaded {
            format!("landed on the {page} page")
        } else {
            format!("redirected to {page}_redirect (not loaded)")
        };
        push(lines, kv(t, "redirect", text, Style::default().fg(t.text)));
    }
    match &app.webhook {
        Some(w) => webhook_line(lines, t, w),
        None if app.endpoint.embedded && app.flow.landed.is_some() => {
            push(
                lines,
                kv(
                    t,
                    "webhook",
                    "waiting…".into(),
                    Style::default().fg(t.muted),
                ),
            );
        }
        None if !app.endpoint.embedded => {
            push(lines, kv(
                t,
                "webhook",
                "not observed: Paysecure cannot reach this app's merchant stub; the status shown comes from the API's answers".into(),
                Style::default().fg(t.muted),
            ));
        }
        None => {}
    }
    saved_card_line(lines, app);
}

/// The card saved by `remember_card` "on": the token that pays this customer's next
/// purchase with only the CVC (step ②'s `token_reference` field). Only for a payment that
/// went through (a token is issued on success), and said otherwise for a payment made
/// with a token (the purchase carries the token it was paid with).
fn saved_card_line(lines: &mut Vec<Para>, app: &App) {
    let Some(token) = app.flow.saved_card_token() else {
        return;
    };
    let text = if app.sent.as_ref().is_some_and(|s| s.with_token) {
        format!("paid with the saved card token_reference {}", clean(token))
    } else {
        // The token first: on a narrow pane the explanation wraps under it.
        format!(
            "{} (remember_card on): token_reference of this customer's next purchase, paid with the CVC alone",
            clean(token)
        )
    };
    push(
        lines,
        kv(
            &app.theme,
            "saved card",
            text,
            Style::default().fg(app.theme.text),
        ),
    );
}

/// The webhook the merchant stub received for this purchase: its outcome and the
/// signature's verdict, coloured each by its own.
fn webhook_line(lines: &mut Vec<Para>, t: &crate::tui::theme::Theme, w: &WebhookSeen) {
    let outcome = match w.status.as_str() {
        "paid" => t.ok,
        "error" | "expired" | "cancelled" => t.error,
        _ => t.warn,
    };
    let (verdict, verdict_colour) = if w.signature_valid {
        ("signature ✓ valid", t.ok)
    } else {
        ("signature ✗ INVALID", t.error)
    };
    push(
        lines,
        Para::kv(
            "webhook",
            VALUE_COLUMN - 1,
            Style::default().fg(t.muted),
            vec![
                Span::styled(clean(&w.status), Style::default().fg(outcome)),
                Span::styled(" · ", Style::default().fg(t.muted)),
                Span::styled(verdict, Style::default().fg(verdict_colour)),
            ],
        ),
    );
}

fn settled(lines: &mut Vec<Para>, app: &App, status: &PurchaseStatus) {
    let t = &app.theme;
    let upper = clean(&status.as_upper());
    let (headline, style) = match status {
        PurchaseStatus::Paid => (
            format!("✔ {upper} — the payment went through"),
            Style::default().fg(t.ok),
        ),
        PurchaseStatus::PaymentInProcess => (
            format!("… {upper} — waiting for the processor"),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::Refunded => (
            format!("↩ {upper} — paid, then refunded in full"),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::PartialRefunded => (
            format!("↩ {upper} — paid, then refunded in part"),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::Created | PurchaseStatus::Viewed => (
            format!("○ {upper} — not paid yet"),
            Style::default().fg(t.text),
        ),
        // Left there by an answer that gave no callback_url: there is no browser step
        // to take (b and o say so), only the status to read again.
        PurchaseStatus::PendingExecute if app.flow.callback_url.is_none() => (
            format!(
                "… {upper} — the answer gave no callback_url: no browser step to go on with; {} reads the status again",
                key(Action::Retry)
            ),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::PendingExecute => (
            format!("… {upper} — waiting for the customer's browser (3-D Secure)"),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::Preauthorized => (
            format!(
                "⏸ {upper} — the amount is held: {} captures it, {} cancels the hold",
                key(Action::Capture),
                key(Action::CancelPurchase)
            ),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::PartiallyCaptured => (
            format!("✔ {upper} — part of the hold was captured, the rest released"),
            Style::default().fg(t.ok),
        ),
        PurchaseStatus::CaptureInProcess => (
            format!("… {upper} — the capture is being processed"),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::VoidInProcess => (
            format!("… {upper} — the hold is being released"),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::RefundInProcess => (
            format!("… {upper} — the refund is being processed"),
            Style::default().fg(t.warn),
        ),
        PurchaseStatus::Overdue => (
            format!("… {upper} — unpaid past its due time (it expires after 24 h)"),
            Style::default().fg(t.warn),
        ),
        unpaid if unpaid.ended_unpaid() => (
            format!("✘ {upper} — the payment did not go through"),
            Style::default().fg(t.error),
        ),
        _ => (
            format!("• {upper} — as the server reports it"),
            Style::default().fg(t.text),
        ),
    };
    push(
        lines,
        Line::styled(headline, style.add_modifier(Modifier::BOLD)),
    );
    push(lines, Line::raw(""));
    if let Some(id) = app.flow.purchase_id() {
        push(
            lines,
            kv(t, "purchase", clean(id), Style::default().fg(t.text)),
        );
    }
    let error_msg = app
        .flow
        .purchase
        .as_ref()
        .and_then(|p| p.error_msg.clone())
        .filter(|m| !m.is_empty());
    if let Some(msg) = &error_msg {
        push(
            lines,
            kv(t, "errorMsg", clean(msg), Style::default().fg(t.error)),
        );
    }
    if two_d(app) {
        push(lines, kv(
            t,
            "2D",
            "decided inside the S2S call (trxType \"2D\", callback_url \"no_need\"): no 3-D Secure, no browser step".into(),
            Style::default().fg(t.text),
        ));
    }
    follow_lines(lines, app);
    let trigger = diagnosis::outcome_trigger(
        app.sent.as_ref(),
        app.endpoint.local,
        app.flow.purchase.as_ref(),
        two_d(app),
    );
    let decline = error_msg.as_deref().and_then(catalog::explain_decline);
    if trigger.is_some() || decline.is_some() {
        push(lines, Line::raw(""));
    }
    if let Some(trigger) = &trigger {
        push(
            lines,
            Line::styled(
                trigger.clone(),
                Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
            ),
        );
    }
    if let Some(x) = decline {
        explanation(lines, t, &x, trigger.is_some());
    }
    if let Some(curl) = crate::tui::result_copy::settle_curl(app) {
        let muted = Style::default().fg(t.muted);
        push(
            lines,
            Line::styled(
                format!(
                    "settle it: {}, then {} (paid) or {} (error); or with curl ({} copies it):",
                    key(Action::OpenPanel),
                    label_of(Action::SettlePaid, Context::Panel),
                    label_of(Action::SettleError, Context::Panel),
                    key(Action::CopyValue)
                ),
                muted,
            ),
        );
        // The command on lines of its own: its URL is one token, never broken.
        let curl = clean(&curl);
        push(
            lines,
            Para {
                line: Line::styled(format!("  {curl}"), muted),
                hang: 4,
                copy: Some(curl),
            },
        );
    }
    timeline(lines, app);
    push(lines, Line::raw(""));
    let mut keys = vec![
        hint(Action::NewPurchase, "new purchase"),
        hint(Action::Retry, "check status again"),
    ];
    if crate::tui::levers::applies(app, Action::RefundFull) {
        keys.push(hint(Action::RefundFull, "refund in full"));
        keys.push(hint(Action::RefundPartial, "partial refund"));
    }
    if crate::tui::levers::applies(app, Action::Capture) {
        keys.push(hint(Action::Capture, "capture"));
    }
    if crate::tui::levers::applies(app, Action::CancelPurchase) {
        keys.push(hint(Action::CancelPurchase, "cancel"));
    }
    if app.control_url.is_some() {
        keys.push(hint(Action::OpenPanel, "sandbox panel"));
    }
    push(
        lines,
        Line::styled(keys.join(" · "), Style::default().fg(t.muted)),
    );
}

/// The purchase's life as the server tells it: `status_history` with times, then the
/// attempts with their outcome.
fn timeline(lines: &mut Vec<Para>, app: &App) {
    let t = &app.theme;
    let Some(p) = &app.flow.purchase else {
        return;
    };
    if p.status_history.is_empty() {
        return;
    }
    push(lines, Line::raw(""));
    // The times are the server's: on a sandbox whose clock was moved they run ahead.
    let label = match app.panel.clock_offset_minutes().filter(|m| *m != 0) {
        Some(m) if app.endpoint.local => format!("timeline (sandbox clock, {m} min ahead)"),
        _ => "timeline (local time)".to_string(),
    };
    push(lines, Line::styled(label, Style::default().fg(t.muted)));
    for entry in &p.status_history {
        let when = entry
            .timestamp
            .as_i64()
            .map(|secs| app.local_time.day_and_clock(secs.saturating_mul(1000)))
            .unwrap_or_default();
        // A long status wraps under the status column, not under the time.
        push(
            lines,
            Para {
                line: Line::styled(
                    format!("  {when:<24} {}", clean(&entry.status)),
                    Style::default().fg(t.text),
                ),
                hang: 27,
                copy: None,
            },
        );
    }
    let attempts = p
        .extra
        .get("transaction_data")
        .and_then(|d| d.get("attempts"))
        .and_then(|a| a.as_array())
        .cloned()
        .unwrap_or_default();
    for (i, a) in attempts.iter().enumerate() {
        let kind = a.get("type").and_then(|v| v.as_str()).unwrap_or("attempt");
        let card = a
            .pointer("/extra/masked_pan")
            .and_then(|v| v.as_str())
            .map(|c| format!(" {}", crate::api::redact::redact_text(c)))
            .unwrap_or_default();
        let verdict = match a.get("successful").and_then(|v| v.as_bool()) {
            Some(true) => "ok".to_string(),
            Some(false) => a
                .pointer("/error/message")
                .and_then(|v| v.as_str())
                .map_or("failed".to_string(), |m| format!("failed: {m}")),
            None => "pending".to_string(),
        };
        push(
            lines,
            Para {
                line: Line::styled(
                    format!(
                        "  attempt {} · {}{} · {}",
                        i + 1,
                        clean(kind),
                        clean(&card),
                        clean(&verdict)
                    ),
                    Style::default().fg(t.muted),
                ),
                hang: 4,
                copy: None,
            },
        );
    }
}

/// The catalog's production meaning. After a sandbox trigger, the cause is labelled as
/// what it would be in production, so it never reads as the cause of this error.
fn explanation(lines: &mut Vec<Para>, t: &Theme, x: &Explanation, triggered: bool) {
    // A catalog title names a production cause; after a trigger it is labelled as such.
    let title = if triggered {
        format!("In production: {}", x.title)
    } else {
        x.title.to_string()
    };
    push(
        lines,
        Line::styled(
            title,
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ),
    );
    let (meaning, cause) = if triggered {
        ("what it means", "usual cause")
    } else {
        ("what it means", "likely cause")
    };
    push(
        lines,
        kv(t, meaning, x.meaning.into(), Style::default().fg(t.text)),
    );
    push(
        lines,
        kv(t, cause, x.cause.into(), Style::default().fg(t.text)),
    );
}

/// Whether the S2S call answered with a purchase decided in 2D mode.
fn two_d(app: &App) -> bool {
    app.flow.purchase.as_ref().is_some_and(|p| {
        p.extra.get("trxType").and_then(|v| v.as_str()) == Some("2D")
            || p.extra.get("callback_url").and_then(|v| v.as_str()) == Some("no_need")
    })
}

fn coded(lines: &mut Vec<Para>, app: &App, err: &ApiError) {
    let t = &app.theme;
    let ApiError::Coded {
        http_status,
        code,
        message,
    } = err
    else {
        return;
    };
    let stage = diagnosis::Stage::of(app.flow.purchase.is_some(), app.failed_step.is_some());
    push(
        lines,
        Line::styled(
            format!(
                "✘ HTTP {http_status} · {} — {}",
                clean(code),
                diagnosis::headline(*http_status, stage)
            ),
            Style::default().fg(t.error).add_modifier(Modifier::BOLD),
        ),
    );
    push(
        lines,
        Line::styled(clean(message), Style::default().fg(t.error)),
    );
    push(lines, Line::raw(""));
    let d = diagnosis::diagnose(
        code,
        message,
        diagnosis::Context {
            sent: app.sent.as_ref(),
            purchase: app.flow.purchase.as_ref(),
            status: app.flow.status.as_ref(),
            checking: app
                .requests
                .find(|p| matches!(p, Purpose::Check(_)))
                .is_some(),
            attempts_made: app.attempts,
            attempt_limit: app.attempt_limit(),
            sandbox: app.endpoint.local,
        },
    );
    if let Some(trigger) = &d.trigger {
        push(
            lines,
            Line::styled(
                clean(trigger),
                Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
            ),
        );
    }
    if let Some(fired) = &d.fired {
        push(
            lines,
            kv(
                t,
                "in this request",
                clean(fired),
                Style::default().fg(t.text),
            ),
        );
    }
    explanation(lines, t, &d.explanation, d.trigger.is_some());
    retry_after(lines, app);
    push(
        lines,
        kv(
            t,
            "still payable",
            clean(&d.payable.label()),
            Style::default().fg(if d.payable.is_yes() { t.ok } else { t.warn }),
        ),
    );
    // A refusal that moved the purchase (an expired card: ERROR) is announced too.
    if let Some(w) = &app.webhook {
        webhook_line(lines, t, w);
    }
    push(
        lines,
        kv(
            t,
            "try next",
            diagnosis::try_next(&d).into(),
            Style::default().fg(t.text),
        ),
    );
    push(lines, Line::raw(""));
    let raw = hint(Action::RawBody, "raw body");
    let keys = if stage == diagnosis::Stage::Create {
        format!(
            "{} · {raw}",
            hint(Action::EditRetry, "edit the purchase & send again")
        )
    } else if d.payable.is_yes() {
        format!(
            "{} · {} · {raw}",
            hint(Action::EditRetry, "edit & retry on this purchase"),
            hint(Action::NewPurchase, "new purchase")
        )
    } else {
        format!("{} · {raw}", hint(Action::NewPurchase, "new purchase"))
    };
    push(lines, Line::styled(keys, Style::default().fg(t.muted)));
}

fn transport(lines: &mut Vec<Para>, app: &App, err: &ApiError) {
    let t = &app.theme;
    let ApiError::Transport {
        kind,
        http_status,
        detail,
    } = err
    else {
        return;
    };
    push(
        lines,
        Line::styled(
            // A body that is not the API's JSON (or too large to read) is still an
            // answer: the server got the call and said something, with its status.
            match (kind, http_status) {
                (TransportKind::NonJson | TransportKind::BodyTooLarge, Some(s)) => {
                    format!("✘ HTTP {s}, not the API's answer: {}", kind.label())
                }
                (TransportKind::NonJson | TransportKind::BodyTooLarge, None) => {
                    format!("✘ An answer, not the API's: {}", kind.label())
                }
                _ => format!("✘ No API answer: {}", kind.label()),
            },
            Style::default().fg(t.error).add_modifier(Modifier::BOLD),
        ),
    );
    if let Some(s) = http_status {
        push(
            lines,
            kv(t, "HTTP status", s.to_string(), Style::default().fg(t.text)),
        );
    }
    push(
        lines,
        kv(t, "detail", clean(detail), Style::default().fg(t.text)),
    );
    retry_after(lines, app);
    push(lines, Line::raw(""));
    let checking = app
        .requests
        .find(|p| matches!(p, Purpose::Check(_)))
        .is_some();
    if let Some(trigger) = diagnosis::transport_trigger(kind, app.sent.as_ref(), app.endpoint.local)
    {
        push(
            lines,
            Line::styled(
                trigger,
                Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
            ),
        );
    }
    let known = diagnosis::transport_known(
        kind,
        app.flow.purchase.is_some(),
        app.flow.status.as_ref(),
        checking,
        app.is_this_projects_sandbox(),
        app.flow.purchase.is_some() && !app.has_attempts_left(),
    );
    let style = match &app.flow.status {
        Some(PurchaseStatus::Created) if !checking => t.ok,
        _ => t.warn,
    };
    push(
        lines,
        Line::styled(clean(&known), Style::default().fg(style)),
    );
    let keys = if app.flow.purchase.is_none() || app.may_pay_again() {
        format!(
            "{} to retry, {} to edit, {} for a new purchase.",
            key(Action::Retry),
            key(Action::EditRetry),
            key(Action::NewPurchase)
        )
    } else {
        format!(
            "{} checks the status again, {} for a new purchase.",
            key(Action::Retry),
            key(Action::NewPurchase)
        )
    };
    push(lines, Line::raw(keys));
}

/// The wait a refusing server asked for (`Retry-After` on the failed answer), if any.
fn retry_after(lines: &mut Vec<Para>, app: &App) {
    let asked = app.failed_exchange.as_ref().and_then(|ex| {
        crate::api::exchange::header_value(&ex.response_headers, "retry-after").map(str::trim)
    });
    if let Some(value) = asked.filter(|v| !v.is_empty()) {
        let wait = match value.parse::<u64>() {
            Ok(secs) => format!("{secs} s (the server's Retry-After)"),
            Err(_) => format!("until {} (the server's Retry-After)", clean(value)),
        };
        push(
            lines,
            kv(
                &app.theme,
                "retry after",
                wait,
                Style::default().fg(app.theme.warn),
            ),
        );
    }
}

/// How the key of `action` on the result screen is written: every key name here comes
/// from the key table, so renaming a binding renames it in this text too.
fn key(action: Action) -> String {
    label_of(action, Context::Result)
}

/// `n new purchase`: the key and what it does on this screen.
fn hint(action: Action, words: &str) -> String {
    format!("{} {words}", key(action))
}
