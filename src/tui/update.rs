//! `update(&mut App, Msg) -> Vec<Effect>`: every state change in one place, no I/O.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::{Answer, App, Call, Effect, Level, Msg, Overlay, Pane, PollPlan};
use super::forms;
use super::keys::{Action, Context, action_for};
use super::layout;
use super::requests::{CheckReason, InFlight, Purpose, RequestId, human};
use super::theme;
use crate::api::MerchantEvent;
use crate::api::{ApiError, Exchange, ExchangeKind, PurchaseStatus, TransportKind, redact};
use crate::flow::browser::CallbackPage;
use crate::flow::machine::{Outcome, Step};
use crate::flow::presets::{DEVICE_PRESETS, test_cards};
use crate::flow::runner::{POLL_SCHEDULE_MS, WebhookSeen};

/// How long the app follows a purchase whose callback is in the user's browser.
const EXTERNAL_FOLLOW: Duration = Duration::from_secs(300);
/// Between two status GETs of that follow-up.
const EXTERNAL_POLL_EVERY: Duration = Duration::from_secs(2);

/// Applies one message.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Key(_) => vec![],
        Msg::Mouse(mouse) => on_mouse(app, mouse),
        Msg::Paste(text) => {
            paste(app, &text);
            vec![]
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Msg::Tick => {
            app.spinner = app.spinner.wrapping_add(1);
            expire_overdue(app)
        }
        Msg::Answer {
            id,
            answer,
            exchange,
        } => on_answer(app, id, answer, exchange),
        Msg::Exchange(exchange) => {
            on_exchange(app, *exchange);
            vec![]
        }
        Msg::Merchant(event) => on_merchant(app, *event),
        // The opener answered for a URL that is no longer the one shown: nothing to say.
        Msg::Opened { url, .. } if app.flow.callback_url.as_deref() != Some(url.as_str()) => {
            vec![]
        }
        Msg::Opened { result: Ok(()), .. } => {
            app.notice = Some((
                Level::Info,
                "Opened the callback URL in your browser; following the purchase…".into(),
            ));
            vec![]
        }
        Msg::Opened {
            url,
            result: Err(why),
        } => {
            app.notice = Some((
                Level::Warn,
                format!(
                    "No browser could be opened ({why}). The URL is copied to your clipboard (OSC 52): {url}"
                ),
            ));
            app.open_failure = Some(why);
            vec![Effect::Copy(url)]
        }
        Msg::ScenarioLoaded(Ok((name, scenario))) => load_scenario(app, &name, &scenario),
        Msg::ScenarioLoaded(Err(e)) | Msg::Saved(Err(e)) => {
            app.notice = Some((Level::Error, e));
            vec![]
        }
        Msg::HistoryLoaded { entries, skipped } => {
            let count = entries.len();
            app.history.prepend(entries);
            if skipped > 0 {
                app.notice = Some((
                    Level::Warn,
                    format!(
                        "History: {skipped} unreadable record(s) skipped; the file is left as it was."
                    ),
                ));
            } else if count > 0 && app.notice.is_none() {
                app.notice = Some((
                    Level::Info,
                    format!(
                        "{count} exchanges from earlier sessions are in the history (/ filters)."
                    ),
                ));
            }
            vec![]
        }
        Msg::PublicKey(pem) => {
            app.public_key_pem = Some(pem);
            vec![]
        }
        Msg::Saved(Ok(what)) => {
            app.notice = Some((Level::Info, what));
            vec![]
        }
    }
}

/// Starts a request: puts it in the table and returns the effect that runs it.
pub(super) fn start(app: &mut App, purpose: Purpose, call: Call) -> Effect {
    let limit = match purpose {
        Purpose::Follow(PollPlan::ExternalBrowser) => EXTERNAL_FOLLOW,
        Purpose::Follow(PollPlan::InTerminal) => {
            Duration::from_millis(POLL_SCHEDULE_MS.iter().sum()) + app.timeout
        }
        _ => app.timeout,
    };
    let id = app.requests.start(purpose, limit);
    Effect::Call { id, call }
}

/// Requests past their time limit end (their task is aborted), so a spinner never runs
/// past what it shows: a follow-up after its window, a call whose task never answered.
fn expire_overdue(app: &mut App) -> Vec<Effect> {
    // A grace second: the client's own timeout fires first, with a better message.
    let grace = Duration::from_secs(1);
    let overdue = app
        .requests
        .end_where_timed(|r| r.started.elapsed() > r.limit + grace);
    let mut effects = Vec::new();
    for r in overdue {
        effects.push(Effect::Cancel(r.id));
        if matches!(r.purpose, Purpose::Follow(_)) {
            app.history.close_fold("window over");
        }
        app.notice = Some((
            Level::Warn,
            format!(
                "Gave up {} after {} (its limit).",
                r.purpose.label(),
                human(r.limit, false)
            ),
        ));
    }
    effects
}

/// An answer is applied only while its request is in the table: a cancelled request,
/// or one about a purchase the user has left, ends there.
fn on_answer(
    app: &mut App,
    id: RequestId,
    answer: Answer,
    exchange: Option<Box<Exchange>>,
) -> Vec<Effect> {
    let Some(request) = app.requests.end(id) else {
        return vec![];
    };
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
            super::levers::on_acted(app, result)
        }
        (Purpose::Control(op), Answer::Control(result)) => {
            super::levers::on_control(app, op, result)
        }
        // An answer of another kind than its request cannot happen; nothing to apply.
        _ => vec![],
    }
}

fn on_created(
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
        app.card_form.focus = 0;
        forms::refresh_merchant_ref(&mut app.purchase_form);
        app.notice = Some((
            Level::Info,
            "Purchase created. Step ②: check the card and device, then Ctrl+S.".into(),
        ));
    }
    vec![]
}

fn on_s2s(
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
            check_status(app, CheckReason::AfterFailure)
        }
        (Some(Outcome::Pending { .. }), _) => {
            app.notice = Some((Level::Info, "202 pending: press b to complete 3-D Secure here, or o to open the callback in your browser.".into()));
            vec![]
        }
        _ => vec![],
    }
}

fn on_callback(
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
                input: String::new(),
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
fn browser_failed(app: &mut App, step: Purpose, exchange: Option<Box<Exchange>>) -> Vec<Effect> {
    app.failed_exchange = exchange;
    app.failed_step = Some(step);
    app.flow.status = None;
    check_status(app, CheckReason::AfterFailure)
}

/// Follows the purchase with status GETs until it is final; one follow-up at a time
/// (a new one replaces the old, whose late answers are dropped).
fn start_follow(app: &mut App, plan: PollPlan) -> Vec<Effect> {
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
fn stop_follow(app: &mut App) -> Vec<Effect> {
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
fn about_another_purchase(app: &App, result: &Result<crate::api::Purchase, ApiError>) -> bool {
    result
        .as_ref()
        .is_ok_and(|p| app.flow.purchase_id() != Some(p.id.as_str()))
}

/// One status GET of the current purchase, for `reason`.
pub(super) fn check_status(app: &mut App, reason: CheckReason) -> Vec<Effect> {
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

fn on_follow(
    app: &mut App,
    mut request: InFlight,
    plan: PollPlan,
    result: Result<crate::api::Purchase, ApiError>,
) -> Vec<Effect> {
    if about_another_purchase(app, &result) {
        return vec![];
    }
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
                    "The purchase has not reached a final status yet; press r to check again."
                        .into(),
                ));
                app.history.close_fold("stopped: not final yet");
            } else {
                // What was said while waiting ("following the redirect…") is over.
                if matches!(app.notice, Some((Level::Info, _))) {
                    app.notice = None;
                }
                app.history.close_fold("final");
            }
            vec![]
        }
    }
}

/// One status GET answered: what a failed or cancelled call did, or a refresh after a
/// webhook or landing.
fn on_check(
    app: &mut App,
    reason: CheckReason,
    result: Result<crate::api::Purchase, ApiError>,
) -> Vec<Effect> {
    if about_another_purchase(app, &result) {
        return vec![];
    }
    let status = result.as_ref().ok().map(|p| p.status());
    app.flow.on_status(result);
    if reason == CheckReason::AfterCancel {
        app.notice = Some(match status {
            Some(PurchaseStatus::Created) => (
                Level::Info,
                "The status GET says the purchase is still CREATED: a retry can work (Ctrl+S); the cancelled call may have used one of its attempts.".into(),
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

/// Leaves the purchase shown (n, a scenario, a purchase opened from the panel): every
/// request about it ends here and its late answers are dropped, and nothing learnt about
/// it stays on screen. A resend (about a history row) and the panel's control-plane calls
/// (about the sandbox) go on.
pub(super) fn leave_purchase(app: &mut App) -> Vec<Effect> {
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
    effects
}

/// Esc while something is in flight: the newest request ends now; its task is aborted
/// and any late answer dropped. A create or S2S call that was cut off is recorded as
/// such, and the purchase's status is asked for so the screen can say what is known.
fn cancel_newest(app: &mut App) -> Vec<Effect> {
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
                    "Cancelled {what} after {waited}. If the server got it, a purchase may exist (no id was read); Ctrl+S sends again with a fresh merchantRef."
                ),
            ));
            forms::refresh_merchant_ref(&mut app.purchase_form);
        }
        Purpose::Callback | Purpose::Challenge => {
            app.notice = Some((
                Level::Warn,
                format!(
                    "Stopped {what} after {waited}; the purchase may still be pending: b or o to try again, r to check its status."
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
                    "Stopped {what} after {waited}; if it reached the server it may have taken effect (r checks the status)."
                ),
            ));
        }
    }
    effects
}

/// A new exchange for the pane. The status GETs of a follow-up fold into one row that
/// counts them, so a five-minute follow-up does not push everything else away.
fn on_exchange(app: &mut App, exchange: Exchange) {
    // A resend's answer is its own row, even when it is a GET of the same URL.
    let following = app
        .requests
        .find(|p| matches!(p, Purpose::Follow(_)))
        .filter(|_| app.requests.find(|p| p == Purpose::Resend).is_none())
        .cloned();
    let status_url = app
        .flow
        .purchase_id()
        .map(|id| format!("{}/purchases/{id}/", app.endpoint.base_url));
    match (following, status_url) {
        (Some(follow), Some(url))
            if exchange.kind == ExchangeKind::Api
                && exchange.method == "GET"
                && exchange.url == url =>
        {
            let left = follow.limit.saturating_sub(follow.started.elapsed());
            app.history.fold_poll(exchange, &human(left, false));
        }
        _ => app.history.push(exchange),
    }
}

fn on_merchant(app: &mut App, event: MerchantEvent) -> Vec<Effect> {
    let mine = event.purchase_id().is_some() && event.purchase_id() == app.flow.purchase_id();
    if let (
        true,
        MerchantEvent::Webhook {
            status,
            signature_valid,
            ..
        },
    ) = (mine, &event)
    {
        app.webhook = Some(WebhookSeen {
            status: status.clone(),
            signature_valid: *signature_valid,
        });
    }
    app.history
        .push(crate::history::merchant::to_exchange(&event));
    // A webhook or landing says the purchase moved: read its status, so the headline
    // never contradicts the webhook line.
    let checking = app
        .requests
        .find(|p| matches!(p, Purpose::Check(_) | Purpose::Follow(_)))
        .is_some();
    if mine && !checking {
        check_status(app, CheckReason::Refresh)
    } else {
        vec![]
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let context = app.context();
    let in_text = app.in_text();
    if let Some(action) = action_for(context, &key, in_text) {
        app.cursor_back = 0;
        return on_action(app, action, context);
    }
    if in_text {
        type_into(app, context, key);
    }
    vec![]
}

/// A paste goes into the focused text at the cursor, as one piece: line breaks and other
/// controls are dropped (every field is a single line), and the focus never moves.
fn paste(app: &mut App, text: &str) {
    if !app.in_text() {
        app.notice = Some((
            Level::Info,
            "Pasted text goes into a text field or prompt; none has the focus.".into(),
        ));
        return;
    }
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(4096)
        .collect();
    let context = app.context();
    for c in clean.chars() {
        type_into(
            app,
            context,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        );
    }
}

/// Printable keys and Backspace edit the focused text.
fn type_into(app: &mut App, context: Context, key: KeyEvent) {
    let mut cursor_back = app.cursor_back;
    let text: &mut String = match (context, &mut app.overlay) {
        (Context::Prompt, Some(overlay)) => match overlay.input_mut() {
            Some(input) => input,
            None => return,
        },
        (Context::PurchaseForm | Context::CardForm, _) => {
            match app.current_form_mut().focused_mut() {
                Some(field) => &mut field.value,
                None => return,
            }
        }
        _ => return,
    };
    let len = text.chars().count();
    let back = cursor_back.min(len);
    let pos = len - back;
    let byte_at = |text: &String, chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i)
    };
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            let at = byte_at(text, pos);
            text.insert(at, c);
        }
        KeyCode::Backspace if pos > 0 => {
            let at = byte_at(text, pos - 1);
            text.remove(at);
        }
        KeyCode::Delete if back > 0 => {
            let at = byte_at(text, pos);
            text.remove(at);
            cursor_back = back - 1;
        }
        KeyCode::Left => cursor_back = (back + 1).min(len),
        KeyCode::Right => cursor_back = back.saturating_sub(1),
        KeyCode::Home => cursor_back = len,
        KeyCode::End => cursor_back = 0,
        _ => return,
    }
    app.cursor_back = cursor_back;
    app.send_anyway = false;
}

fn history_height(app: &App) -> usize {
    layout::compute(app.size, app).history_rows()
}

fn on_action(app: &mut App, action: Action, context: Context) -> Vec<Effect> {
    match action {
        Action::ForceQuit | Action::Quit => {
            app.quit = true;
            vec![]
        }
        Action::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            vec![]
        }
        Action::Close => {
            if let Some(Overlay::Input { what, .. }) = &app.overlay
                && !matches!(
                    what,
                    super::app::InputFor::PartialRefund | super::app::InputFor::CaptureAmount
                )
            {
                // A panel prompt: Esc goes back to the panel, not out of it.
                app.overlay = Some(Overlay::Panel);
                vec![]
            } else if app.overlay.is_some() {
                app.overlay = None;
                vec![]
            } else {
                // In the history pane Esc goes back (as the footer says); Esc in the
                // step pane cancels.
                app.pane = Pane::Step;
                vec![]
            }
        }
        Action::Cancel => cancel_newest(app),
        Action::OpenPanel => super::levers::open_panel(app),
        Action::Newest => {
            app.history.to_newest();
            vec![]
        }
        Action::Oldest => {
            let height = history_height(app);
            app.history.to_oldest(height);
            vec![]
        }
        Action::CopyKey => match app.public_key_pem.clone() {
            Some(pem) => {
                app.notice = Some((
                    Level::Info,
                    "Copied the sandbox's public key (OSC 52).".into(),
                ));
                vec![Effect::Copy(pem)]
            }
            None => {
                app.notice = Some((
                    Level::Warn,
                    "No public key is known for this endpoint.".into(),
                ));
                vec![]
            }
        },
        Action::RefundFull | Action::RefundPartial | Action::CancelPurchase | Action::Capture => {
            super::levers::on_purchase_action(app, action)
        }
        Action::Filter if context == Context::Panel => super::levers::on_panel_action(app, action),
        Action::PanelTab
        | Action::PanelReload
        | Action::SettlePaid
        | Action::SettleError
        | Action::Clock2h
        | Action::Clock24h
        | Action::ClockTyped
        | Action::ToggleMode
        | Action::SetAttempts
        | Action::SetLatency
        | Action::SetTimeout
        | Action::Reset
        | Action::Replay
        | Action::Redeliver => super::levers::on_panel_action(app, action),
        Action::NextTheme => {
            next_theme(app);
            vec![]
        }
        Action::SwitchPane => {
            app.pane = if app.pane == Pane::History {
                Pane::Step
            } else {
                Pane::History
            };
            vec![]
        }
        Action::Send => send(app),
        Action::NextField | Action::NextFieldEnter | Action::Down
            if matches!(context, Context::PurchaseForm | Context::CardForm) =>
        {
            app.current_form_mut().next();
            vec![]
        }
        Action::PrevField | Action::Up
            if matches!(context, Context::PurchaseForm | Context::CardForm) =>
        {
            app.current_form_mut().prev();
            vec![]
        }
        Action::Toggle => {
            if let Some(f) = app.current_form_mut().focused_mut() {
                f.toggle();
            }
            vec![]
        }
        Action::ClearField => {
            if let Some(f) = app.current_form_mut().focused_mut() {
                f.clear();
            }
            app.send_anyway = false;
            vec![]
        }
        Action::TestCards => {
            app.overlay = Some(Overlay::Cards { selected: 0 });
            vec![]
        }
        Action::DevicePresets => {
            app.overlay = Some(Overlay::Devices { selected: 0 });
            vec![]
        }
        Action::AddProduct => {
            forms::add_product(&mut app.purchase_form);
            vec![]
        }
        Action::RemoveProduct => {
            forms::remove_product(&mut app.purchase_form);
            vec![]
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            move_in_list(app, action);
            vec![]
        }
        Action::Select => select(app, context),
        Action::OpenBrowser => match app.flow.callback_url.clone() {
            Some(url) if pending(app) => match web_url(&url) {
                Ok(url) => {
                    let mut effects = vec![Effect::OpenBrowser(url)];
                    effects.extend(start_follow(app, PollPlan::ExternalBrowser));
                    effects
                }
                Err(why) => {
                    app.notice = Some((
                        Level::Error,
                        format!("Not opened: {why}. The server sent this callback_url: {url}"),
                    ));
                    vec![]
                }
            },
            _ => {
                app.notice = Some((
                    Level::Warn,
                    "There is no pending callback URL to open.".into(),
                ));
                vec![]
            }
        },
        Action::CompleteHere => {
            if !app.endpoint.local {
                app.notice = Some((
                    Level::Warn,
                    "A real issuer's challenge must be answered in a browser: press o. (b works with the embedded or a local `serve`d sandbox.)".into(),
                ));
            } else if app.requests.step_in_flight() {
                app.notice = Some((
                    Level::Warn,
                    "A request is already in flight (Esc cancels it).".into(),
                ));
            } else if let (Some(url), true) = (app.flow.callback_url.clone(), pending(app)) {
                // Open the callback first: only a challenge page asks for the OTP.
                return vec![start(app, Purpose::Callback, Call::OpenCallback { url })];
            } else {
                app.notice = Some((
                    Level::Warn,
                    "Nothing to complete: the purchase is not waiting for 3-D Secure.".into(),
                ));
            }
            vec![]
        }
        Action::EditRetry => {
            app.show_raw = false;
            let on_purchase = app.flow.purchase.is_some() && app.flow.step != Step::Purchase;
            if !on_purchase {
                app.flow.outcome = None;
            } else if app.flow.can_retry_same_purchase() {
                app.flow.edit_card();
            } else {
                // Going to a form whose Ctrl+S can only fail would be a trap: say why
                // and stay where n works.
                app.notice = Some((
                    Level::Warn,
                    match &app.flow.status {
                        Some(s) => format!(
                            "This purchase is {}: it can no longer be paid. n starts a new purchase (the card form is kept).",
                            s.as_upper()
                        ),
                        None => "The purchase's status is not known yet (r asks for it); n starts a new purchase.".into(),
                    },
                ));
            }
            vec![]
        }
        Action::NewPurchase => {
            let effects = leave_purchase(app);
            app.purchase_form.focus = 0;
            let card = app
                .card_form
                .get("card_number")
                .map(|f| crate::api::redact::redact_text(f.value.trim()))
                .unwrap_or_default();
            app.notice = Some((
                Level::Info,
                format!(
                    "New purchase, fresh merchantRef. Card form kept ({card}): F2 other card · F7 happy-3ds resets"
                ),
            ));
            effects
        }
        Action::Retry => retry(app),
        Action::RawBody => {
            app.show_raw = !app.show_raw;
            vec![]
        }
        Action::Resend => resend(app),
        Action::Filter => {
            let input = app.history.filter_text().unwrap_or("").to_string();
            app.overlay = Some(Overlay::Filter { input });
            vec![]
        }
        Action::Export => export(app),
        Action::Scenarios => {
            app.overlay = Some(Overlay::Scenarios { selected: 0 });
            vec![]
        }
        Action::SaveScenario => {
            app.overlay = Some(Overlay::SaveScenario {
                input: String::new(),
            });
            vec![]
        }
        Action::CopyCurl if context == Context::Panel => match app.panel.curl.clone() {
            Some(curl) => {
                app.notice = Some((Level::Info, "Copied the curl (OSC 52).".into()));
                vec![Effect::Copy(curl)]
            }
            None => vec![],
        },
        Action::CopyCurl => {
            let Some(Overlay::Detail { index, .. }) = app.overlay else {
                return vec![];
            };
            match app.history.newest(index) {
                Some(ex) => {
                    let curl = crate::history::curl::to_curl(ex);
                    app.notice = Some((
                        Level::Info,
                        "Copied as curl (key as $PAYSECURE_API_KEY; card masked as in history)."
                            .into(),
                    ));
                    vec![Effect::Copy(curl)]
                }
                None => vec![],
            }
        }
        _ => vec![],
    }
}

fn pending(app: &App) -> bool {
    app.flow.callback_url.is_some() && app.flow.status == Some(PurchaseStatus::PendingExecute)
        || matches!(app.flow.outcome, Some(Outcome::Pending { .. }))
}

fn send(app: &mut App) -> Vec<Effect> {
    if app.requests.step_in_flight() {
        app.notice = Some((
            Level::Warn,
            "A request is already in flight (Esc cancels it).".into(),
        ));
        return vec![];
    }
    let warnings = app.current_form().warnings();
    if !warnings.is_empty() && !app.send_anyway {
        let list: Vec<String> = warnings.iter().map(|(f, w)| format!("{f}: {w}")).collect();
        app.notice = Some((
            Level::Warn,
            format!(
                "{} — Ctrl+S again sends anyway (watch the server's answer).",
                list.join("; ")
            ),
        ));
        app.send_anyway = true;
        return vec![];
    }
    app.send_anyway = false;
    app.notice = None;
    let body = app.current_form().to_json();
    app.failed_exchange = None;
    let base = app.endpoint.base_url.clone();
    let (purpose, url, call) = match (app.flow.step, app.flow.purchase_id()) {
        (Step::Purchase, _) => (
            Purpose::Create,
            format!("{base}/purchases/"),
            Call::CreatePurchase(body.clone()),
        ),
        (_, Some(id)) => {
            app.webhook = None;
            app.attempts += 1;
            (
                Purpose::Pay,
                format!("{base}/p/{id}/?s2s=true"),
                Call::S2s {
                    purchase_id: id.to_string(),
                    body: body.clone(),
                },
            )
        }
        (_, None) => return vec![],
    };
    app.sent = Some(crate::flow::diagnosis::SentFacts::of(&body));
    let effect = start(app, purpose, call);
    if let Effect::Call { id, .. } = &effect
        && let Some(request) = app.requests.get_mut(*id)
    {
        // What to record should the user cancel it before an answer.
        let mut record = Exchange::new(
            ExchangeKind::Api,
            "POST",
            &url,
            crate::clock::now_epoch_millis(),
        );
        record.request_body = Some(redact::body(&body.to_string()));
        request.request = Some(Box::new(record));
    }
    vec![effect]
}

/// `r` on the result screen: repeat what failed, or check the status again.
fn retry(app: &mut App) -> Vec<Effect> {
    match (&app.flow.outcome, app.failed_step) {
        // A failed browser step is repeated as such, while the purchase still waits.
        (Some(Outcome::Transport(_) | Outcome::Coded(_)), Some(_)) => {
            match (app.flow.callback_url.clone(), &app.flow.status) {
                (Some(url), Some(PurchaseStatus::PendingExecute) | None) => {
                    app.failed_step = None;
                    app.failed_exchange = None;
                    app.flow.outcome = Some(Outcome::Pending {
                        callback_url: url.clone(),
                    });
                    vec![start(app, Purpose::Callback, Call::OpenCallback { url })]
                }
                _ => check_status(app, CheckReason::Refresh),
            }
        }
        (Some(Outcome::Transport(_)), None) => {
            // Put the outcome back when send() refuses (warnings, a request in flight):
            // the screen must not be left on "Waiting…".
            let saved = app.flow.outcome.take();
            let effects = send(app);
            if effects.is_empty() {
                app.flow.outcome = saved;
            }
            effects
        }
        // A coded error: read the status once (a follow-up would wait for a final status
        // a payable purchase never reaches).
        (Some(Outcome::Coded(_)), None) => check_status(app, CheckReason::Refresh),
        _ => start_follow(app, PollPlan::InTerminal),
    }
}

fn resend(app: &mut App) -> Vec<Effect> {
    let Some(Overlay::Detail { index, .. }) = app.overlay else {
        return vec![];
    };
    match app.history.newest(index) {
        Some(ex)
            if ex.kind == ExchangeKind::Api
                && ex.method == "POST"
                && (ex.url.contains("s2s=true") || ex.path().ends_with("/purchases/")) =>
        {
            app.notice = Some((
                Level::Warn,
                "A create or S2S record cannot be replayed as recorded: its card is masked, the CVC was never stored and merchantRef must be unique. Use the forms instead: n for a new purchase, e to edit the card, then Ctrl+S.".into(),
            ));
            vec![]
        }
        Some(ex) if ex.kind == ExchangeKind::Api => {
            let (url, moved) = rebase(&ex.url, &app.endpoint.base_url);
            let call = Call::Resend {
                method: ex.method.clone(),
                url: url.clone(),
                body: ex.request_body.clone(),
            };
            if moved {
                app.notice = Some((
                    Level::Info,
                    format!(
                        "Recorded against another endpoint; resending to the current one: {url}"
                    ),
                ));
            }
            vec![start(app, Purpose::Resend, call)]
        }
        Some(ex) if ex.kind == ExchangeKind::Webhook => {
            let facts = super::views::webhook_facts(ex);
            super::levers::replay_webhook(app, facts)
        }
        Some(_) => {
            app.notice = Some((
                Level::Warn,
                "Only API calls and webhooks can be sent again (browser steps and landings cannot).".into(),
            ));
            vec![]
        }
        None => vec![],
    }
}

/// The URL a browser may be given: only absolute `http://` or `https://` URLs with a
/// host, written back in their parsed form (so nothing option-like reaches the opener).
pub(super) fn web_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err("it looks like a command-line option, not a URL".into());
    }
    match reqwest::Url::parse(trimmed) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(u.to_string()),
        Ok(u) => Err(format!(
            "only http:// and https:// URLs are opened, not {}:",
            u.scheme()
        )),
        Err(e) => Err(format!("it is not a URL ({e})")),
    }
}

/// A recorded URL under the current base URL: its path after `/api/v1` (or its whole
/// path) joined to `base`; `true` when that changed the endpoint.
fn rebase(url: &str, base: &str) -> (String, bool) {
    if url.starts_with(base) {
        return (url.to_string(), false);
    }
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("/", |j| &url[i + 3 + j..]),
        None => url,
    };
    let rest = path
        .find("/api/v1")
        .map_or(path, |i| &path[i + "/api/v1".len()..]);
    (format!("{}{rest}", base.trim_end_matches('/')), true)
}

fn select(app: &mut App, context: Context) -> Vec<Effect> {
    match (context, app.overlay.clone()) {
        (_, Some(Overlay::Panel)) if app.panel.tab == super::panel::Tab::Purchases => {
            super::levers::open_selected(app)
        }
        (_, Some(Overlay::Panel)) => vec![],
        (_, Some(Overlay::Input { what, input })) => super::levers::on_input(app, what, &input),
        (Context::History, _) if !app.history.is_empty() => {
            app.overlay = Some(Overlay::Detail {
                index: app.history.selected,
                scroll: 0,
            });
            vec![]
        }
        (_, Some(Overlay::Cards { selected })) => {
            if let Some(card) = test_cards().get(selected) {
                app.card_form.set("card_number", card.number);
                app.send_anyway = false;
                app.notice = Some((
                    Level::Info,
                    format!(
                        "Card {} — {}: {}",
                        card.number, card.group, card.description
                    ),
                ));
            }
            app.overlay = None;
            vec![]
        }
        (_, Some(Overlay::Devices { selected })) => {
            if let Some(preset) = DEVICE_PRESETS.get(selected) {
                forms::apply_device(&mut app.card_form, preset);
                app.send_anyway = false;
                app.notice = Some((Level::Info, format!("Device preset: {}", preset.name)));
            }
            app.overlay = None;
            vec![]
        }
        (_, Some(Overlay::Filter { input })) => {
            app.overlay = None;
            app.history.set_filter(&input);
            app.pane = Pane::History;
            app.notice = Some((
                Level::Info,
                match app.history.filter_text() {
                    Some(f) => format!(
                        "History filtered by \"{f}\": {} of {} rows (/ then Enter on an empty filter clears it)",
                        app.history.len(),
                        app.history.total()
                    ),
                    None => "History filter cleared.".into(),
                },
            ));
            vec![]
        }
        (_, Some(Overlay::Scenarios { selected })) => {
            app.overlay = None;
            match app.scenario_names.get(selected) {
                Some(name) => vec![Effect::LoadScenario(name.clone())],
                None => vec![],
            }
        }
        (_, Some(Overlay::SaveScenario { input })) => {
            app.overlay = None;
            let name = input.trim().to_string();
            if !crate::flow::scenario::valid_name(&name) {
                app.notice = Some((
                    Level::Warn,
                    "A scenario name is letters, digits, - and _.".into(),
                ));
                return vec![];
            }
            let scenario = crate::flow::scenario::from_bodies(
                &format!("Saved from the explorer as {name}"),
                &app.purchase_form.to_json(),
                &app.card_form.to_json(),
            );
            if !app.scenario_names.contains(&name) {
                app.scenario_names.push(name.clone());
            }
            vec![Effect::SaveScenario { name, scenario }]
        }
        (_, Some(Overlay::Otp { input, form_url })) => {
            if input.trim().is_empty() {
                app.notice = Some((
                    Level::Warn,
                    "Type the one-time code first (the sandbox's is 123456); Esc leaves the challenge unanswered.".into(),
                ));
                return vec![];
            }
            app.overlay = None;
            app.notice = None;
            vec![start(
                app,
                Purpose::Challenge,
                Call::AnswerChallenge {
                    form_url,
                    otp: input,
                },
            )]
        }
        _ => vec![],
    }
}

fn move_in_list(app: &mut App, action: Action) {
    let height = history_height(app);
    let page = height.max(1) as isize;
    let delta: isize = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        _ => page,
    };
    match &mut app.overlay {
        Some(Overlay::Cards { selected }) => *selected = step(*selected, delta, test_cards().len()),
        Some(Overlay::Devices { selected }) => {
            *selected = step(*selected, delta, DEVICE_PRESETS.len())
        }
        Some(Overlay::Detail { scroll, .. }) | Some(Overlay::Help { scroll }) => {
            *scroll = (*scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
        }
        Some(Overlay::Scenarios { selected }) => {
            *selected = step(*selected, delta, app.scenario_names.len())
        }
        Some(Overlay::Panel) => {
            let len = app.panel.list_len();
            app.panel.selected = step(app.panel.selected, delta, len);
        }
        Some(
            Overlay::Otp { .. }
            | Overlay::Filter { .. }
            | Overlay::SaveScenario { .. }
            | Overlay::Input { .. },
        ) => {}
        None => app.history.move_by(delta, height),
    }
}

fn step(current: usize, delta: isize, len: usize) -> usize {
    current
        .saturating_add_signed(delta)
        .min(len.saturating_sub(1))
}

fn next_theme(app: &mut App) {
    let names = &app.theme_names;
    let i = names
        .iter()
        .position(|n| *n == app.theme.name)
        .map_or(0, |i| (i + 1) % names.len().max(1));
    let Some(name) = names.get(i).cloned() else {
        return;
    };
    match theme::load(&name, theme::user_theme_dir().as_deref()) {
        Ok(t) => {
            app.theme = t;
            app.notice = Some((Level::Info, format!("Theme: {name}")));
        }
        Err(e) => app.notice = Some((Level::Warn, e)),
    }
}

fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    let areas = layout::compute(app.size, app);
    let height = areas.history_rows();
    match mouse.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let delta = if mouse.kind == MouseEventKind::ScrollDown {
                3
            } else {
                -3
            };
            match &mut app.overlay {
                Some(Overlay::Detail { scroll, .. }) | Some(Overlay::Help { scroll }) => {
                    *scroll = (*scroll as isize + delta).max(0) as u16;
                }
                _ => app.history.move_by(delta, height),
            }
        }
        MouseEventKind::Down(MouseButton::Left) if app.overlay.is_none() => {
            if let Some(row) = areas.history_row_at(mouse.column, mouse.row) {
                app.pane = Pane::History;
                app.history.click(row);
            } else if let Some(index) = areas.field_at(mouse.column, mouse.row, app) {
                app.pane = Pane::Step;
                app.current_form_mut().focus = index;
            }
        }
        _ => {}
    }
    vec![]
}

/// `x` in history: the shown rows (all, or the filter's) as a HAR file in the data dir.
fn export(app: &mut App) -> Vec<Effect> {
    let Some(dir) = app.export_dir.clone() else {
        app.notice = Some((
            Level::Warn,
            "No data directory to export into (set --data-dir).".into(),
        ));
        return vec![];
    };
    if app.history.is_empty() {
        app.notice = Some((
            Level::Warn,
            "Nothing to export: the history shown is empty.".into(),
        ));
        return vec![];
    }
    let stamp =
        crate::history::har::iso8601(crate::clock::now_epoch_millis()).replace([':', '.'], "-");
    let scope = app
        .history
        .filter_text()
        .map(|f| {
            f.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(24)
                .collect::<String>()
        })
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "session".into());
    let path = dir.join(format!("paysecure-{scope}-{stamp}.har"));
    let exchanges = app.history.shown().into_iter().cloned().collect();
    vec![Effect::ExportHar { path, exchanges }]
}

/// Fills both forms from a scenario (defaults, then its overrides) and starts over at ①.
fn load_scenario(
    app: &mut App,
    name: &str,
    scenario: &crate::flow::scenario::Scenario,
) -> Vec<Effect> {
    use crate::flow::presets::{default_purchase, seed_payment};
    use crate::flow::scenario::apply;
    let mut purchase =
        serde_json::to_value(default_purchase(&app.brand_id, &app.urls)).unwrap_or_default();
    apply(&mut purchase, &scenario.purchase);
    let mut payment = serde_json::to_value(seed_payment()).unwrap_or_default();
    apply(&mut payment, &scenario.payment);
    match (
        serde_json::from_value(purchase),
        serde_json::from_value(payment),
    ) {
        (Ok(p), Ok(c)) => {
            let effects = leave_purchase(app);
            app.purchase_form = forms::purchase_form(&p);
            app.card_form = forms::card_form(&c);
            app.pane = Pane::Step;
            let otp = scenario
                .otp
                .as_deref()
                .map(|o| format!(" — answer the challenge with {o}"))
                .unwrap_or_default();
            app.notice = Some((
                Level::Info,
                format!(
                    "Scenario {name}: {}{otp}. Ctrl+S to start.",
                    scenario.description
                ),
            ));
            effects
        }
        (Err(e), _) | (_, Err(e)) => {
            app.notice = Some((
                Level::Error,
                format!("Scenario {name} does not fit the forms: {e}"),
            ));
            vec![]
        }
    }
}
