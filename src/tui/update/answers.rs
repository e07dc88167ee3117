//! Answers to requests: creates, S2S calls, browser steps, status follow-ups and checks,
//! and what ends them (leaving a purchase, Esc).

use super::*;

/// An answer is applied only while its request is in the table: a cancelled request,
/// or one about a purchase the user has left, ends there.
pub(super) fn on_answer(
    app: &mut App,
    id: RequestId,
    answer: Answer,
    exchange: Option<Box<Exchange>>,
) -> Vec<Effect> {
    let Some(request) = app.requests.end(id) else {
        return vec![];
    };
    // The steps that move the purchase on. A re-read of its status (`r`'s follow-up, or
    // after a webhook or landing) moves nothing, so a row chosen in the history pane
    // stays chosen and the new rows are counted above it.
    if matches!(
        request.purpose,
        Purpose::Create
            | Purpose::Pay
            | Purpose::Callback
            | Purpose::Challenge
            | Purpose::Check(CheckReason::AfterFailure | CheckReason::AfterCancel)
    ) {
        back_to_newest(app);
    }
    match (request.purpose, answer) {
        (Purpose::Create, Answer::Created(result)) => on_created(app, result, exchange),
        (Purpose::Pay, Answer::S2s(result)) => on_s2s(app, result, exchange),
        (Purpose::Callback, Answer::Callback(result)) => on_callback(app, result, exchange),
        (Purpose::Challenge, Answer::Browser(result)) => {
            let ok = result.is_ok();
            app.flow.on_browser(result);
            if ok {
                start_follow(app, PollPlan::InTerminal)
            } else {
                browser_failed(app, Purpose::Challenge, exchange)
            }
        }
        (Purpose::Follow(plan), Answer::Status(result)) => on_follow(app, request, plan, result),
        (Purpose::Check(reason), Answer::Status(result)) => on_check(app, reason, result),
        (Purpose::Resend, Answer::Resent(result)) => {
            app.notice = Some(match result {
                Ok(_) => (
                    Level::Info,
                    "Resent; the new exchange is at the top of the history.".into(),
                ),
                Err(e) => (Level::Warn, format!("Resent: {e}")),
            });
            vec![]
        }
        (Purpose::Act | Purpose::RefundFollow, Answer::Acted(result)) => {
            crate::tui::levers::on_acted(app, result)
        }
        (Purpose::Control(op), Answer::Control(result)) => {
            crate::tui::levers::on_control(app, op, result)
        }
        // An answer of another kind than its request cannot happen; nothing to apply.
        _ => vec![],
    }
}

pub(super) fn on_created(
    app: &mut App,
    result: Result<crate::api::Purchase, ApiError>,
    exchange: Option<Box<Exchange>>,
) -> Vec<Effect> {
    let ok = result.is_ok();
    if !ok {
        app.failed_exchange = exchange;
    }
    app.flow.on_created(result);
    if ok {
        app.webhook = None;
        app.attempts = 0;
        app.status_read_failed = None;
        app.card_step_shown = Some(std::time::Instant::now());
        app.card_form.focus = 0;
        step_forms::refresh_merchant_ref(&mut app.purchase_form);
        let send = label_of(Action::Send, Context::CardForm);
        app.notice = Some(match app.flow.purchase.as_ref() {
            // A new purchase is CREATED; an answer saying otherwise is shown as it came.
            Some(p) if p.status() != PurchaseStatus::Created => (
                Level::Warn,
                format!(
                    "Purchase created, but the answer's status is {}{}: a payment may be refused. Step ②: check the card and device, then {send}.",
                    if p.status.is_empty() {
                        "missing".to_string()
                    } else {
                        crate::term_text::clean(&p.status().as_upper())
                    },
                    p.error_msg
                        .as_deref()
                        .filter(|m| !m.is_empty())
                        .map(|m| format!(" (errorMsg: {})", crate::term_text::clean(m)))
                        .unwrap_or_default()
                ),
            ),
            _ => (
                Level::Info,
                format!("Purchase created. Step ②: check the card and device, then {send}."),
            ),
        });
    }
    vec![]
}

pub(super) fn on_s2s(
    app: &mut App,
    result: Result<crate::api::S2sOutcome, ApiError>,
    exchange: Option<Box<Exchange>>,
) -> Vec<Effect> {
    // A refused connection never reached the server: nothing to ask it.
    let check = match &result {
        Err(ApiError::Transport { kind, .. }) => *kind != TransportKind::ConnectionRefused,
        Err(ApiError::Coded { .. }) => true,
        Ok(_) => false,
    };
    if result.is_err() {
        app.failed_exchange = exchange;
    }
    app.flow.on_s2s(result);
    app.notice = None;
    match (&app.flow.outcome, app.flow.purchase_id()) {
        // What did the failure do to the purchase? (CREATED can be retried; ERROR cannot.)
        (_, Some(_)) if check => {
            app.flow.status = None;
            let mut effects = check_status(app, CheckReason::AfterFailure);
            // "still payable" counts attempts against the sandbox's own limit (set on the
            // panel, or kept in its state file), read once, at the first refusal.
            effects.extend(crate::tui::levers::read_settings_once(app));
            effects
        }
        (Some(Outcome::Pending { .. }), _) => {
            app.notice = Some((
                Level::Info,
                format!(
                    "{PENDING_NOTICE} press {} to complete 3-D Secure here, or {} to open the callback in your browser.",
                    label_of(Action::CompleteHere, Context::Result),
                    label_of(Action::OpenBrowser, Context::Result)
                ),
            ));
            // The status shown is the one the server gives, read now (the 202 only says
            // "pending").
            check_status(app, CheckReason::Refresh)
        }
        _ => vec![],
    }
}

pub(super) fn on_callback(
    app: &mut App,
    result: Result<CallbackPage, ApiError>,
    exchange: Option<Box<Exchange>>,
) -> Vec<Effect> {
    match result {
        Ok(CallbackPage::Redirected(done)) => {
            app.notice = Some((
                Level::Info,
                "Frictionless: the issuer did not challenge; following the redirect…".into(),
            ));
            app.flow.on_browser(Ok(done));
            start_follow(app, PollPlan::InTerminal)
        }
        Ok(CallbackPage::Challenge { form_url }) => {
            app.overlay = Some(Overlay::Otp {
                input: Default::default(),
                form_url,
            });
            vec![]
        }
        Err(e) => {
            app.flow.on_browser(Err(e));
            browser_failed(app, Purpose::Callback, exchange)
        }
    }
}

/// The browser step failed: remember which (r repeats it, not the S2S call) and ask the
/// purchase's real status (the PENDING_EXECUTE noted from the 202 is no longer known).
pub(super) fn browser_failed(
    app: &mut App,
    step: Purpose,
    exchange: Option<Box<Exchange>>,
) -> Vec<Effect> {
    app.failed_exchange = exchange;
    app.failed_step = Some(step);
    app.flow.status = None;
    check_status(app, CheckReason::AfterFailure)
}

/// Follows the purchase with status GETs until it is final; one follow-up at a time
/// (a new one replaces the old, whose late answers are dropped).
pub(super) fn start_follow(app: &mut App, plan: PollPlan) -> Vec<Effect> {
    let mut effects = stop_follow(app);
    if let Some(id) = app.flow.purchase_id() {
        let purchase_id = id.to_string();
        effects.push(start(
            app,
            Purpose::Follow(plan),
            Call::PollStatus {
                purchase_id,
                after: Duration::ZERO,
            },
        ));
    }
    effects
}

/// Ends the follow-up in flight, if any.
pub(super) fn stop_follow(app: &mut App) -> Vec<Effect> {
    match app
        .requests
        .find(|p| matches!(p, Purpose::Follow(_)))
        .map(|r| r.id)
    {
        Some(id) => {
            app.requests.end(id);
            app.history.close_fold("stopped");
            vec![Effect::Cancel(id)]
        }
        None => vec![],
    }
}

/// A status GET answered for another purchase than the one shown (it was replaced).
pub(super) fn about_another_purchase(
    app: &App,
    result: &Result<crate::api::Purchase, ApiError>,
) -> bool {
    result
        .as_ref()
        .is_ok_and(|p| app.flow.purchase_id() != Some(p.id.as_str()))
}

/// One status GET of the current purchase, for `reason`.
pub(in crate::tui) fn check_status(app: &mut App, reason: CheckReason) -> Vec<Effect> {
    match app.flow.purchase_id() {
        Some(id) => {
            let purchase_id = id.to_string();
            vec![start(
                app,
                Purpose::Check(reason),
                Call::PollStatus {
                    purchase_id,
                    after: Duration::ZERO,
                },
            )]
        }
        None => vec![],
    }
}

pub(super) fn on_follow(
    app: &mut App,
    mut request: InFlight,
    plan: PollPlan,
    result: Result<crate::api::Purchase, ApiError>,
) -> Vec<Effect> {
    if about_another_purchase(app, &result) {
        return vec![];
    }
    note_status_read(app, &result);
    app.flow.on_status(result);
    request.polls += 1;
    let (budget, after) = match plan {
        PollPlan::InTerminal => (
            POLL_SCHEDULE_MS.len(),
            Duration::from_millis(POLL_SCHEDULE_MS.get(request.polls).copied().unwrap_or(0)),
        ),
        PollPlan::ExternalBrowser => (
            (EXTERNAL_FOLLOW.as_secs() / EXTERNAL_POLL_EVERY.as_secs()) as usize,
            EXTERNAL_POLL_EVERY,
        ),
    };
    match app.flow.purchase_id() {
        Some(id) if app.flow.awaits_final_status() && request.polls < budget => {
            let purchase_id = id.to_string();
            let id = request.id;
            app.requests.resume(request);
            vec![Effect::Call {
                id,
                call: Call::PollStatus { purchase_id, after },
            }]
        }
        _ => {
            if app.flow.awaits_final_status() {
                app.notice = Some((
                    Level::Warn,
                    format!(
                        "The purchase has not reached a final status yet; press {} to check again.",
                        label_of(Action::Retry, Context::Result)
                    ),
                ));
                app.history.close_fold("stopped: not final yet");
            } else {
                // What was said while waiting ("following the redirect…", or that no
                // browser opened the callback) is over.
                if matches!(app.notice, Some((Level::Info, _))) {
                    app.notice = None;
                }
                app.clear_notice_where(|text| text.starts_with(NO_BROWSER));
                // "final" only for a status that will not change by itself: a payment
                // waiting to be settled, or a hold, is where following stops, not an end.
                let why = match &app.flow.status {
                    Some(s) if s.is_final() => "final".to_string(),
                    Some(s) => format!("stopped at {}", crate::term_text::clean(&s.as_upper())),
                    None => "stopped".to_string(),
                };
                app.history.close_fold(&why);
            }
            vec![]
        }
    }
}

/// Keeps why a status GET failed, until one succeeds (the result says it beside the
/// status it could not read).
fn note_status_read(app: &mut App, result: &Result<crate::api::Purchase, ApiError>) {
    app.status_read_failed = result.as_ref().err().map(|e| match e {
        ApiError::Transport { kind, .. } => kind.label().to_string(),
        ApiError::Coded {
            http_status, code, ..
        } => format!("HTTP {http_status} {code}"),
    });
}

/// How the notice after a 202 pending begins: it goes once the purchase no longer waits.
const PENDING_NOTICE: &str = "202 pending:";

/// One status GET answered: what a failed or cancelled call did, or a refresh after a
/// webhook or landing.
pub(super) fn on_check(
    app: &mut App,
    reason: CheckReason,
    result: Result<crate::api::Purchase, ApiError>,
) -> Vec<Effect> {
    if about_another_purchase(app, &result) {
        return vec![];
    }
    if let Err(ApiError::Coded {
        http_status: 404, ..
    }) = &result
    {
        return purchase_gone(app);
    }
    // What this read says, unless it is older than what is shown (then the newer stands,
    // and what follows is said of it).
    let status = match &result {
        Ok(p) if app.flow.is_older_than_shown(p) => app.flow.status.clone(),
        Ok(p) => Some(p.status()),
        Err(_) => None,
    };
    note_status_read(app, &result);
    app.flow.on_status(result);
    // "press b or o" is over once the status says the purchase no longer waits for them.
    if !matches!(app.flow.outcome, Some(Outcome::Pending { .. })) {
        app.clear_notice_where(|text| text.starts_with(PENDING_NOTICE));
    }
    // Only the lever's own read: a webhook's may have been sent (by another server)
    // before the change it announces was readable.
    if reason == CheckReason::AfterLever {
        said_what_was_read(app, status.as_ref());
    }
    if reason == CheckReason::AfterCancel {
        app.notice = Some(match status {
            Some(PurchaseStatus::Created) => (
                Level::Info,
                crate::flow::diagnosis::still_created_after_a_cut_call(
                    app.is_this_projects_sandbox(),
                )
                .into(),
            ),
            Some(s) => {
                // The call did reach the server: show the purchase as it is now, where n
                // and r work.
                app.flow.step = Step::Result;
                app.flow.outcome = Some(Outcome::Settled { status: s.clone() });
                (
                    Level::Warn,
                    format!(
                        "The status GET says the purchase is now {}: the cancelled call did reach the server.",
                        crate::tui::sanitize::clean(&s.as_upper())
                    ),
                )
            }
            None => (
                Level::Warn,
                "The status GET failed too: what the cancelled call did is unknown.".into(),
            ),
        });
    }
    vec![]
}

/// The Detail pane and `C` show the history's selected row: when the current purchase
/// moves on, the selection goes back to the newest row so they show this purchase's
/// exchange. A selection made in the history pane stays while the user is in the pane or
/// reads a detail (they chose it and are looking at it).
pub(in crate::tui) fn back_to_newest(app: &mut App) {
    let reading = app.pane == Pane::History || matches!(app.overlay, Some(Overlay::Detail { .. }));
    if !reading {
        app.history.to_newest();
    }
}

/// A notice that ended "reading the purchase's status…" now says what the read found.
fn said_what_was_read(app: &mut App, status: Option<&PurchaseStatus>) {
    let reading = crate::tui::levers::READING_STATUS;
    if let Some((_, text)) = &mut app.notice
        && let Some(said) = text.strip_suffix(reading)
    {
        *text = match status {
            Some(s) => format!("{said}the status GET says {}.", s.as_upper()),
            None => format!("{said}the status GET failed."),
        };
    }
}

/// A status GET says the purchase shown is not found (a sandbox reset, retention): it is
/// left, and said so, instead of reading the 404 as a refused payment.
fn purchase_gone(app: &mut App) -> Vec<Effect> {
    let id = app.flow.purchase_id().map(crate::tui::sanitize::clean);
    // Only this project's sandbox is known to forget purchases (a reset, retention).
    let why = if app.is_this_projects_sandbox() {
        "the status GET answered 404: a sandbox reset, or retention"
    } else {
        "the status GET answered 404"
    };
    let effects = leave_purchase(app);
    app.notice = Some((
        Level::Warn,
        format!(
            "Purchase {} no longer exists ({why}): back to step ①, {} creates a new one.",
            id.unwrap_or_default(),
            label_of(Action::Send, Context::PurchaseForm)
        ),
    ));
    effects
}

/// Leaves the purchase shown (n, a scenario, a purchase opened from the panel): every
/// request about it ends here and its late answers are dropped, and nothing learnt about
/// it stays on screen. A resend (about a history row) and the panel's control-plane calls
/// (about the sandbox) go on.
pub(in crate::tui) fn leave_purchase(app: &mut App) -> Vec<Effect> {
    let effects = app
        .requests
        .end_where(|p| !matches!(p, Purpose::Resend | Purpose::Control(_)))
        .into_iter()
        .map(Effect::Cancel)
        .collect();
    app.history.close_fold("stopped");
    app.flow.restart();
    app.open_failure = None;
    app.failed_exchange = None;
    app.failed_step = None;
    app.show_raw = false;
    app.sent = None;
    app.send_anyway = false;
    app.webhook = None;
    app.attempts = 0;
    app.status_read_failed = None;
    effects
}

/// Esc while something is in flight: the newest request ends now; its task is aborted
/// and any late answer dropped. A create or S2S call that was cut off is recorded as
/// such, and the purchase's status is asked for so the screen can say what is known.
pub(super) fn cancel_newest(app: &mut App) -> Vec<Effect> {
    let Some(request) = app.requests.newest().cloned() else {
        return vec![];
    };
    app.requests.end(request.id);
    let mut effects = vec![Effect::Cancel(request.id)];
    let waited = human(request.started.elapsed(), true);
    if let Some(mut record) = request.request.clone() {
        record.latency_ms = request.started.elapsed().as_secs_f64() * 1000.0;
        record.error = Some(format!(
            "cancelled by the user after {waited}: no answer was read"
        ));
        effects.push(Effect::Record(record));
    }
    let what = request.purpose.label();
    match request.purpose {
        Purpose::Pay => {
            app.flow.step = Step::Card;
            app.flow.outcome = None;
            app.notice = Some((
                Level::Warn,
                format!("Cancelled {what} after {waited}; asking the purchase's status…"),
            ));
            effects.extend(check_status(app, CheckReason::AfterCancel));
        }
        Purpose::Create => {
            app.notice = Some((
                Level::Warn,
                format!(
                    "Cancelled {what} after {waited}. If the server got it, a purchase may exist (no id was read); {} sends again with a fresh merchantRef.",
                    label_of(Action::Send, Context::PurchaseForm)
                ),
            ));
            step_forms::refresh_merchant_ref(&mut app.purchase_form);
        }
        Purpose::Callback | Purpose::Challenge => {
            app.notice = Some((
                Level::Warn,
                format!(
                    "Stopped {what} after {waited}; the purchase may still be pending: {} or {} to try again, {} to check its status.",
                    label_of(Action::CompleteHere, Context::Result),
                    label_of(Action::OpenBrowser, Context::Result),
                    label_of(Action::Retry, Context::Result)
                ),
            ));
        }
        Purpose::Follow(_) | Purpose::Check(_) => {
            app.history.close_fold("stopped");
            app.notice = Some((Level::Info, format!("Stopped {what} after {waited}.")));
        }
        Purpose::Resend | Purpose::Act | Purpose::RefundFollow | Purpose::Control(_) => {
            app.notice = Some((
                Level::Info,
                format!(
                    "Stopped {what} after {waited}; if it reached the server it may have taken effect ({} on the result checks the status).",
                    label_of(Action::Retry, Context::Result)
                ),
            ));
        }
    }
    effects
}
