//! The whole life of a purchase and the sandbox's levers: refunds and cancel on the result
//! screen, and the panel over the control plane (purchases, settle, clock, settings,
//! reset, webhook replay and redelivery). Every lever is a real call recorded in history;
//! every panel action shows its curl.

use std::time::Duration;

use serde_json::{Value, json};

use super::app::{Act, App, Call, Effect, InputFor, Level, Overlay};
use super::keys::{Action, Context, label_of};
use super::panel::{self, Delivery, NoRows, Row, Tab};
use super::requests::{CheckReason, ControlOp, Purpose};
use super::update::{already_in_flight, check_status, leave_purchase, start, web_url};
use crate::api::{ApiError, PurchaseStatus};
use crate::flow::machine::{Flow, Outcome, Step};

/// Whether `action` can act on the purchase shown, by its real status.
pub fn applies(app: &App, action: Action) -> bool {
    let status = app.flow.status.as_ref();
    match action {
        Action::RefundFull | Action::RefundPartial => matches!(
            status,
            Some(
                PurchaseStatus::Paid
                    | PurchaseStatus::PartialRefunded
                    | PurchaseStatus::PartiallyCaptured
            )
        ),
        // Cancel voids an unpaid purchase or an un-captured hold.
        Action::CancelPurchase => matches!(
            status,
            Some(PurchaseStatus::Created | PurchaseStatus::Preauthorized)
        ),
        Action::Capture => matches!(status, Some(PurchaseStatus::Preauthorized)),
        _ => true,
    }
}

/// `f`, `p`, `c` on the result screen.
pub fn on_purchase_action(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(id) = app.flow.purchase_id().map(str::to_string) else {
        return vec![];
    };
    if !applies(app, action) {
        let status = app
            .flow
            .status
            .as_ref()
            .map_or("unknown".into(), PurchaseStatus::as_upper);
        let (what, needs) = match action {
            Action::CancelPurchase => ("cancelled", "CREATED or PREAUTHORIZED"),
            Action::Capture => ("captured", "PREAUTHORIZED"),
            _ => ("refunded", "PAID, PARTIAL_REFUNDED or PARTIALLY_CAPTURED"),
        };
        app.notice = Some((
            Level::Warn,
            format!(
                "The purchase is {status}: only a {needs} purchase can be {what}. The call is not sent."
            ),
        ));
        return vec![];
    }
    match action {
        Action::RefundFull => act(app, id, Act::RefundFull),
        Action::CancelPurchase => act(app, id, Act::Cancel),
        Action::RefundPartial => input(app, InputFor::PartialRefund),
        Action::Capture => input(app, InputFor::CaptureAmount),
        _ => vec![],
    }
}

fn act(app: &mut App, purchase_id: String, act: Act) -> Vec<Effect> {
    app.refund_polls = 0;
    if app.requests.step_in_flight() || app.requests.find(|p| p == Purpose::Act).is_some() {
        app.notice = Some((Level::Warn, already_in_flight(Context::Result)));
        return vec![];
    }
    app.capture_sent = matches!(act, Act::Capture { .. });
    vec![start(app, Purpose::Act, Call::Act { purchase_id, act })]
}

/// What a hold holds: the purchase's total.
pub fn held(app: &App) -> Option<f64> {
    app.flow.purchase.as_ref()?.purchase_total()?.as_f64()
}

/// What is left to refund, from the purchase object (`refundable_amount`, else the total
/// less what was refunded).
pub fn refundable(app: &App) -> Option<f64> {
    let p = app.flow.purchase.as_ref()?;
    p.extra
        .get("refundable_amount")
        .and_then(Value::as_f64)
        .or_else(|| {
            let total = p.purchase_total()?.as_f64()?;
            let refunded = p
                .extra
                .get("totalRefunded")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            Some(total - refunded)
        })
}

/// How a lever's notice ends while the status GET after it is in flight; the answer puts
/// what it read in its place.
pub const READING_STATUS: &str = "reading the purchase's status…";

/// The answer of a refund or cancel: the purchase (or refund) it returned, then the status.
pub fn on_acted(app: &mut App, result: Result<Value, ApiError>) -> Vec<Effect> {
    match result {
        Ok(body) => {
            let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
            let refund = text("refundId").zip(text("status"));
            let mut effects = Vec::new();
            app.notice = Some((
                Level::Info,
                match &refund {
                    Some((refund_id, s)) => {
                        // A refund in process is followed with refundStatus until it settles.
                        if s == "REFUND_IN_PROCESS"
                            && let Some(id) = app.flow.purchase_id().map(str::to_string)
                        {
                            effects.extend(act_follow(app, id, refund_id.clone()));
                        }
                        format!(
                            "Refund {}: {} (refundStatus); {READING_STATUS}",
                            crate::tui::sanitize::clean(refund_id),
                            crate::tui::sanitize::clean(s)
                        )
                    }
                    None => match body.get("captured_amount").filter(|_| app.capture_sent) {
                        Some(captured) => format!(
                            "Captured {}; {READING_STATUS}",
                            crate::term_text::amount(captured)
                        ),
                        None => format!("Done; {READING_STATUS}"),
                    },
                },
            ));
            // A refund object is no purchase (its `status` is the refund's); a purchase
            // answered for another one than shown changes nothing here.
            let is_refund = body.get("refundId").is_some();
            if let (false, Ok(p)) = (
                is_refund,
                serde_json::from_value::<crate::api::Purchase>(body),
            ) && app.flow.purchase_id() == Some(p.id.as_str())
            {
                app.flow.on_acted(p);
            }
            effects.extend(check_status(app, CheckReason::AfterLever));
            effects
        }
        Err(e) => {
            app.notice = Some((Level::Error, refused(&e)));
            vec![]
        }
    }
}

/// Asks how a refund stands (it settles shortly after its reply); at most 20 times.
fn act_follow(app: &mut App, purchase_id: String, refund_id: String) -> Vec<Effect> {
    const MAX_REFUND_POLLS: u32 = 20;
    if app.refund_polls >= MAX_REFUND_POLLS {
        app.refund_polls = 0;
        return vec![];
    }
    app.refund_polls += 1;
    vec![start(
        app,
        Purpose::RefundFollow,
        Call::Act {
            purchase_id,
            act: Act::RefundStatus { refund_id },
        },
    )]
}

/// A refused call, explained by the catalog.
fn refused(e: &ApiError) -> String {
    match e {
        ApiError::Coded {
            http_status,
            code,
            message,
        } => {
            let x = crate::api::catalog::explain(code, message);
            format!(
                "Refused: HTTP {http_status} {code}: {message} — {}: {} Next: {}",
                x.title, x.meaning, x.next
            )
        }
        other => format!("No answer: {other}"),
    }
}

/// A control-plane call: recorded as the panel's last curl.
fn control(
    app: &mut App,
    op: ControlOp,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Vec<Effect> {
    let Some(base) = app.control_url.clone() else {
        return vec![];
    };
    let url = format!("{base}{path}");
    let mut effects = Vec::new();
    if op.is_action() {
        app.panel.curl = Some(panel::curl(method, &url, body.as_ref()));
    }
    if op.reads_the_panel() {
        // A read replaces the same read still in flight: one answer per list (the panel
        // reopened or reloaded mid-read started a second set before), and the newest
        // (a read begun before a lever moved the sandbox would show the old state).
        let superseded = app.requests.end_where(|p| p == Purpose::Control(op));
        effects.extend(superseded.into_iter().map(Effect::Cancel));
    }
    effects.push(start(
        app,
        Purpose::Control(op),
        Call::Control {
            method: method.into(),
            url,
            body,
        },
    ));
    effects
}

/// Ctrl+P: opens the panel and reads the control plane.
pub fn open_panel(app: &mut App) -> Vec<Effect> {
    if app.control_url.is_none() {
        app.notice = Some((
            Level::Warn,
            "The sandbox panel drives this project's sandbox (embedded, or `serve` on this machine); a real Paysecure endpoint has no control plane.".into(),
        ));
        return vec![];
    }
    app.overlay = Some(Overlay::Panel);
    reload(app)
}

fn reload(app: &mut App) -> Vec<Effect> {
    let mut effects = control(app, ControlOp::ListPurchases, "GET", "/purchases", None);
    effects.extend(control(
        app,
        ControlOp::ListWebhooks,
        "GET",
        "/webhooks",
        None,
    ));
    effects.extend(control(
        app,
        ControlOp::GetSettings,
        "GET",
        "/settings",
        None,
    ));
    effects.extend(control(app, ControlOp::GetClock, "GET", "/clock", None));
    effects
}

/// Reads the sandbox's settings, unless read already or being read: a refused payment
/// asks, so that "attempts used up" is said against the sandbox's own limit (set on the
/// panel or kept in its state file from an earlier run), not Paysecure's default. Only
/// of this project's sandbox: another server on loopback has no `/_sandbox/settings`
/// (it answered 404, a history row nobody asked for).
pub fn read_settings_once(app: &mut App) -> Vec<Effect> {
    if app.panel.settings.is_some()
        || !app.is_this_projects_sandbox()
        || app.requests.control_in_flight(ControlOp::GetSettings)
    {
        return vec![];
    }
    control(app, ControlOp::GetSettings, "GET", "/settings", None)
}

/// What a settle key pressed while the purchase list is still being read says (cleared
/// when the list arrives, so that it never sits above the rows it says are coming).
const SETTLE_WHILE_READING: &str =
    "Nothing to settle yet: the sandbox's purchases are still being read.";
/// The same for the replay keys and the delivery log.
const REPLAY_WHILE_READING: &str =
    "Nothing to replay yet: the sandbox's delivery log is still being read.";

/// Clears `text` if it is the notice shown (a list it said was coming has come).
fn clear_notice(app: &mut App, text: &str) {
    app.clear_notice_where(|shown| shown == text);
}

/// Why a replay or redeliver key found no delivery to act on.
fn nothing_to_replay(app: &App) -> String {
    match app.panel_no_deliveries() {
        Some(NoRows::Reading) => REPLAY_WHILE_READING.into(),
        Some(NoRows::Unread) => format!(
            "Nothing to replay: the sandbox's delivery log could not be read ({} reads it again).",
            label_of(Action::PanelReload, Context::Panel)
        ),
        _ => "Nothing to replay: no webhook has been sent yet.".into(),
    }
}

/// Why a settle key found no purchase to settle (said, not silently ignored: a key
/// pressed before the list arrived would otherwise seem dead).
fn nothing_to_settle(app: &App) -> String {
    match app.panel_no_rows() {
        Some(NoRows::Reading) => SETTLE_WHILE_READING.into(),
        Some(NoRows::Unread) => format!(
            "Nothing to settle: the sandbox's purchases could not be read ({} reads them again).",
            label_of(Action::PanelReload, Context::Panel)
        ),
        Some(NoRows::Filtered) => "Nothing to settle: no purchase matches the filter.".into(),
        Some(NoRows::Empty) | None => "Nothing to settle: the sandbox has no purchases.".into(),
    }
}

/// A key in the panel.
pub fn on_panel_action(app: &mut App, action: Action) -> Vec<Effect> {
    if action != Action::Reset {
        app.panel.confirm_reset = false;
    }
    let tab = app.panel.tab;
    match (action, tab) {
        (Action::PanelTab, _) => {
            app.panel.tab = tab.next();
            app.panel.selected = 0;
            vec![]
        }
        (Action::PanelReload, _) => reload(app),
        (Action::Filter, Tab::Purchases) => input(app, InputFor::PanelFilter),
        (Action::SettlePaid | Action::SettleError, Tab::Purchases) => {
            let Some(row) = app.panel.selected_row().cloned() else {
                app.notice = Some((Level::Warn, nothing_to_settle(app)));
                return vec![];
            };
            if row.status != "PAYMENT_IN_PROCESS" {
                app.notice = Some((
                    Level::Warn,
                    format!(
                        "Only a PAYMENT_IN_PROCESS purchase can be settled; {} is {}.",
                        row.id, row.status
                    ),
                ));
                return vec![];
            }
            let status = if action == Action::SettlePaid {
                "paid"
            } else {
                "error"
            };
            control(
                app,
                ControlOp::Settle,
                "POST",
                &format!("/purchases/{}/settle", row.id),
                Some(json!({ "status": status })),
            )
        }
        (Action::Clock2h, Tab::ClockAndSettings) => advance(app, 120),
        (Action::Clock24h, Tab::ClockAndSettings) => advance(app, 1440),
        (Action::ClockTyped, Tab::ClockAndSettings) => input(app, InputFor::ClockMinutes),
        (Action::ToggleMode, Tab::ClockAndSettings) => {
            let next = if app.panel.setting("mode") == "2d" {
                "3d"
            } else {
                "2d"
            };
            put_setting(app, json!({ "mode": next }))
        }
        (Action::SetAttempts, Tab::ClockAndSettings) => input(app, InputFor::AttemptLimit),
        (Action::SetLatency, Tab::ClockAndSettings) => input(app, InputFor::LatencyMs),
        (Action::SetTimeout, Tab::ClockAndSettings) => input(app, InputFor::TimeoutS),
        (Action::Reset, Tab::ClockAndSettings) => {
            if app.panel.confirm_reset {
                app.panel.confirm_reset = false;
                control(app, ControlOp::Reset, "POST", "/reset", None)
            } else {
                app.panel.confirm_reset = true;
                app.notice = Some((
                    Level::Warn,
                    format!(
                        "Reset clears every purchase, delivery, setting and the clock: press {} again to confirm.",
                        label_of(Action::Reset, Context::Panel)
                    ),
                ));
                vec![]
            }
        }
        (Action::Replay, Tab::Webhooks) => match app.panel.selected_delivery().map(|d| d.n) {
            Some(n) => control(
                app,
                ControlOp::Replay,
                "POST",
                &format!("/webhooks/{n}/replay"),
                None,
            ),
            None => {
                app.notice = Some((Level::Warn, nothing_to_replay(app)));
                vec![]
            }
        },
        (Action::Redeliver, Tab::Webhooks) => {
            if app.panel.selected_delivery().is_none() {
                app.notice = Some((Level::Warn, nothing_to_replay(app)));
                return vec![];
            }
            input(app, InputFor::RedeliverUrl)
        }
        _ => {
            app.notice = Some((
                Level::Info,
                format!(
                    "That key works on another tab ({} switches; this is {}).",
                    label_of(Action::PanelTab, Context::Panel),
                    tab.title()
                ),
            ));
            vec![]
        }
    }
}

/// Opens a prompt. What was said before it (a resend, a lever) is about another moment:
/// the notice line is left to the prompt's own answer.
fn input(app: &mut App, what: InputFor) -> Vec<Effect> {
    let input = if what == InputFor::PanelFilter {
        app.panel.filter.clone()
    } else {
        String::new()
    };
    app.notice = None;
    app.overlay = Some(Overlay::Input {
        what,
        input: crate::tui::text_input::TextInput::new(input),
    });
    vec![]
}

fn advance(app: &mut App, minutes: i64) -> Vec<Effect> {
    control(
        app,
        ControlOp::Clock,
        "POST",
        "/clock",
        Some(json!({ "advance_minutes": minutes })),
    )
}

fn put_setting(app: &mut App, body: Value) -> Vec<Effect> {
    control(app, ControlOp::PutSettings, "PUT", "/settings", Some(body))
}

/// Enter on an input line.
pub fn on_input(app: &mut App, what: InputFor, text: &str) -> Vec<Effect> {
    let text = text.trim();
    let back_to_panel = !matches!(what, InputFor::PartialRefund | InputFor::CaptureAmount);
    app.overlay = back_to_panel.then_some(Overlay::Panel);
    let number = |t: &str| t.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0);
    match what {
        InputFor::PartialRefund => {
            let (amount, reason) = text.split_once(' ').unwrap_or((text, ""));
            let amount = match refund_amount(amount) {
                Ok(amount) => amount,
                Err(problem) => {
                    app.notice = Some((Level::Warn, problem));
                    keep_prompt(app, what, text);
                    return vec![];
                }
            };
            match app.flow.purchase_id().map(str::to_string) {
                Some(id) => act(
                    app,
                    id,
                    Act::RefundPartial {
                        amount,
                        reason: reason.trim().to_string(),
                    },
                ),
                None => vec![],
            }
        }
        InputFor::CaptureAmount => match (text, app.flow.purchase_id().map(str::to_string)) {
            (_, None) => vec![],
            ("", Some(id)) => act(app, id, Act::Capture { amount: None }),
            (t, Some(id)) => match number(t) {
                Some(amount) => act(
                    app,
                    id,
                    Act::Capture {
                        amount: Some(amount),
                    },
                ),
                None => invalid(app, what, "an amount, or nothing for all of the hold", t),
            },
        },
        InputFor::PanelFilter => {
            app.panel.filter = text.to_ascii_lowercase();
            app.panel.selected = 0;
            vec![]
        }
        InputFor::ClockMinutes => match text.parse::<i64>() {
            Ok(m) if m > 0 => advance(app, m),
            _ => invalid(app, what, "a whole number of minutes above 0", text),
        },
        // The sandbox's ranges, said here rather than after a round trip (a number too
        // big to parse was "not a whole number above 0").
        InputFor::AttemptLimit => match text.parse::<u64>() {
            Ok(n) if (1..=1000).contains(&n) => put_setting(app, json!({ "attempt_limit": n })),
            _ => invalid(app, what, "a whole number from 1 to 1000", text),
        },
        InputFor::LatencyMs => match text.parse::<u64>() {
            Ok(ms) if ms <= 60_000 => put_setting(app, json!({ "latency_ms": ms })),
            _ => invalid(app, what, "milliseconds from 0 to 60000", text),
        },
        InputFor::TimeoutS => match number(text) {
            Some(s) => put_setting(app, json!({ "timeout_s": s })),
            None => invalid(app, what, "seconds (0 or more)", text),
        },
        InputFor::RedeliverUrl => {
            let ok = web_url(text).is_ok();
            match (ok, app.panel.selected_delivery().map(|d| d.n)) {
                (true, Some(n)) => control(
                    app,
                    ControlOp::Redeliver,
                    "POST",
                    &format!("/webhooks/{n}/replay"),
                    Some(json!({ "url": text })),
                ),
                (false, _) => invalid(app, what, "an http:// or https:// URL", text),
                (true, None) => {
                    app.notice = Some((Level::Warn, nothing_to_replay(app)));
                    vec![]
                }
            }
        }
    }
}

/// An entry the prompt cannot send: said, and the prompt stays open with what was typed,
/// to be corrected rather than typed again.
fn invalid(app: &mut App, what: InputFor, wanted: &str, got: &str) -> Vec<Effect> {
    app.notice = Some((Level::Warn, format!("Expected {wanted}, not {got:?}.")));
    keep_prompt(app, what, got);
    vec![]
}

fn keep_prompt(app: &mut App, what: InputFor, text: &str) {
    app.overlay = Some(Overlay::Input {
        what,
        input: super::text_input::TextInput::new(text),
    });
}

/// A partial refund's amount (the first word of `amount reason`), or why it cannot be
/// sent. A missing reason is sent: the server's refusal ("reason for refund is
/// required") is the lesson.
fn refund_amount(amount: &str) -> Result<f64, String> {
    let example = "e.g. `5.00 damaged item`";
    if amount.is_empty() {
        return Err(format!("Type an amount, then a reason ({example})."));
    }
    match amount.parse::<f64>() {
        Err(_) => Err(format!(
            "{amount:?} is not an amount: digits with a dot for the cents, then a reason ({example})."
        )),
        Ok(n) if !n.is_finite() => Err(format!("{amount:?} is not an amount ({example}).")),
        Ok(n) if n < 0.0 => Err(format!(
            "{amount} is below zero: a refund gives money back, so its amount is above zero ({example})."
        )),
        Ok(n) => Ok(n),
    }
}

/// A control-plane call that failed: said, and a list it was to read counts as unread
/// (its rows, if any, are the last ones read).
fn control_failed(app: &mut App, op: ControlOp, message: String) -> Vec<Effect> {
    match op {
        ControlOp::ListPurchases => app.panel.rows_read = false,
        ControlOp::ListWebhooks => app.panel.deliveries_read = false,
        ControlOp::GetSettings => app.panel.settings_read = false,
        _ => {}
    }
    // A settings read the result screen made for itself (a refused payment's) fails
    // quietly: the default limit is used, as before it; the panel says its own reads'.
    let quiet = op == ControlOp::GetSettings && app.overlay != Some(Overlay::Panel);
    if !quiet {
        app.notice = Some((Level::Error, message));
    }
    vec![]
}

/// A control-plane answer.
pub fn on_control(app: &mut App, op: ControlOp, result: Result<Value, ApiError>) -> Vec<Effect> {
    let body = match result {
        Ok(body) => body,
        Err(e) => return control_failed(app, op, refused(&e)),
    };
    let is_list_read = matches!(op, ControlOp::ListPurchases | ControlOp::ListWebhooks);
    if is_list_read && !body.is_array() {
        // Not an empty list: a server that answers an object (or anything else) has not
        // said that the sandbox holds nothing.
        return control_failed(
            app,
            op,
            "The control plane answered a list's read with JSON that is not a list.".into(),
        );
    }
    match op {
        ControlOp::ListPurchases => {
            app.panel.set_rows(
                body.as_array()
                    .map(|a| a.iter().filter_map(Row::of).collect())
                    .unwrap_or_default(),
            );
            app.panel.rows_read = true;
            clear_notice(app, SETTLE_WHILE_READING);
            vec![]
        }
        ControlOp::FindForReplay => {
            let wanted = app.replay_wanted.take();
            let found = body.as_array().and_then(|log| {
                log.iter().rev().filter_map(Delivery::of).find(|d| {
                    wanted
                        .as_ref()
                        .is_some_and(|(id, status)| d.purchase_id == *id && d.status == *status)
                })
            });
            match found {
                Some(d) => control(
                    app,
                    ControlOp::Replay,
                    "POST",
                    &format!("/webhooks/{}/replay", d.n),
                    None,
                ),
                None => {
                    app.notice = Some((
                        Level::Warn,
                        "The sandbox's delivery log has no such webhook (was it reset?).".into(),
                    ));
                    vec![]
                }
            }
        }
        ControlOp::ListWebhooks => {
            app.panel.set_deliveries(
                body.as_array()
                    .map(|a| a.iter().filter_map(Delivery::of).collect())
                    .unwrap_or_default(),
            );
            app.panel.deliveries_read = true;
            clear_notice(app, REPLAY_WHILE_READING);
            vec![]
        }
        ControlOp::GetSettings | ControlOp::PutSettings => {
            app.panel.settings = Some(body);
            app.panel.settings_read = true;
            if op == ControlOp::PutSettings {
                app.notice = Some((Level::Info, "Settings changed.".into()));
            }
            vec![]
        }
        ControlOp::Clock => {
            let minutes = body
                .get("clock_offset_minutes")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            app.notice = Some((
                Level::Info,
                format!(
                    "The sandbox clock is {} ahead; purchases older than 2 h are OVERDUE, older than 24 h EXPIRED (an expiry sends its webhook; OVERDUE sends none).",
                    super::requests::human(
                        Duration::from_secs((minutes.max(0) as u64).saturating_mul(60)),
                        false
                    )
                ),
            ));
            app.panel.clock = Some(body);
            after_change(app)
        }
        ControlOp::GetClock => {
            app.panel.clock = Some(body);
            vec![]
        }
        ControlOp::Settle | ControlOp::Reset | ControlOp::Replay | ControlOp::Redeliver => {
            app.notice = Some((
                Level::Info,
                match op {
                    ControlOp::Settle => "Settled; the webhook follows.".to_string(),
                    ControlOp::Reset => {
                        "The sandbox is reset: no purchases, deliveries or settings.".into()
                    }
                    _ => Delivery::of(&body).map_or_else(
                        || "Sent again.".to_string(),
                        |d| {
                            let verb = if op == ControlOp::Replay {
                                "Replayed"
                            } else {
                                "Redelivered"
                            };
                            let outcome =
                                if d.response_status.is_some_and(|s| (200..300).contains(&s)) {
                                    "answered"
                                } else {
                                    "failed"
                                };
                            format!("{verb} as #{} to {}: {outcome}, {}", d.n, d.url, d.answer())
                        },
                    ),
                },
            ));
            after_change(app)
        }
    }
}

/// After a lever moved the sandbox: reload the panel, and the status of the purchase
/// shown, so the result screen follows.
fn after_change(app: &mut App) -> Vec<Effect> {
    let mut effects = reload(app);
    effects.extend(check_status(app, CheckReason::Refresh));
    effects
}

/// `r` on a webhook row: replays it through the control plane (its delivery number is
/// looked up in the log first).
pub fn replay_webhook(app: &mut App, facts: Option<(String, String)>) -> Vec<Effect> {
    let Some(facts) = facts else {
        app.notice = Some((
            Level::Warn,
            "This webhook's body names no purchase: nothing to replay.".into(),
        ));
        return vec![];
    };
    if app.control_url.is_none() {
        app.notice = Some((
            Level::Warn,
            "Webhooks are replayed by this project's sandbox; a real endpoint has no control plane.".into(),
        ));
        return vec![];
    }
    if app.replay_wanted.is_some() {
        app.notice = Some((
            Level::Warn,
            "A webhook replay is being looked up already; try again when it is done.".into(),
        ));
        return vec![];
    }
    // Only this purchase's deliveries: the log's default page holds the newest 1,000 of
    // all purchases, where an older one would not be found.
    let path = format!(
        "/webhooks?purchase_id={}",
        form_urlencoded::byte_serialize(facts.0.as_bytes()).collect::<String>()
    );
    app.replay_wanted = Some(facts);
    control(app, ControlOp::FindForReplay, "GET", &path, None)
}

/// Enter on a purchase of the panel: it becomes the purchase shown, at step ③.
pub fn open_selected(app: &mut App) -> Vec<Effect> {
    let Some(row) = app.panel.selected_row().cloned() else {
        return vec![];
    };
    app.overlay = None;
    let mut effects = leave_purchase(app);
    let mut flow = Flow::new();
    flow.purchase =
        serde_json::from_value(json!({"purchaseId": row.id, "status": row.status})).ok();
    let status = PurchaseStatus::parse(&row.status);
    // A purchase still CREATED has not been paid: it opens where it is paid, step ②
    // (not at a result it never had, with step ② shown done).
    let payable = status == PurchaseStatus::Created;
    if payable {
        flow.step = Step::Card;
    } else {
        flow.step = Step::Result;
        flow.outcome = Some(Outcome::Settled {
            status: status.clone(),
        });
    }
    flow.status = Some(status);
    app.flow = flow;
    // The Detail pane follows the newest row again: this purchase's status GET, next.
    app.history.to_newest();
    app.notice = Some((
        Level::Info,
        if payable {
            format!(
                "Purchase {} opened from the sandbox panel: still CREATED, so here is its card form ({} pays it).",
                crate::tui::sanitize::clean(&row.id),
                label_of(Action::Send, Context::CardForm)
            )
        } else {
            format!(
                "Purchase {} opened from the sandbox panel.",
                crate::tui::sanitize::clean(&row.id)
            )
        },
    ));
    effects.extend(check_status(app, CheckReason::Refresh));
    effects
}
