//! `update(&mut App, Msg) -> Vec<Effect>`: every state change in one place, no I/O.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::{Answer, App, Call, Effect, Level, Msg, Overlay, Pane, PollPlan};
use super::keys::{Action, Context, action_for, label_of};
use super::layout;
use super::requests::{CheckReason, InFlight, Purpose, RequestId, human};
use super::step_forms;
use super::theme;
use crate::api::MerchantEvent;
use crate::api::{ApiError, Exchange, ExchangeKind, PurchaseStatus, TransportKind, redact};
use crate::flow::browser::CallbackPage;
use crate::flow::machine::{Outcome, Step};
use crate::flow::presets::DEVICE_PRESETS;
use crate::flow::runner::{POLL_SCHEDULE_MS, WebhookSeen};

mod actions;
mod answers;
mod events;
mod input;
mod overlays;
mod purchase;
mod session;

pub(in crate::tui) use crate::flow::browser::web_url;
use actions::*;
use answers::*;
pub(in crate::tui) use answers::{check_status, leave_purchase};
use events::*;
use input::*;
use overlays::*;
pub(in crate::tui) use purchase::resend_offer;
use purchase::*;
pub(in crate::tui) use session::next_theme;
use session::*;

/// The notice for a second request while one is in flight, naming the key that cancels
/// it where the user is (`context`: a step form or the result).
pub(in crate::tui) fn already_in_flight(context: Context) -> String {
    format!(
        "A request is already in flight ({} cancels it).",
        label_of(Action::Cancel, context)
    )
}

/// How long the app follows a purchase whose callback is in the user's browser.
const EXTERNAL_FOLLOW: Duration = Duration::from_secs(300);
/// Between two status GETs of that follow-up.
const EXTERNAL_POLL_EVERY: Duration = Duration::from_secs(2);

/// Applies one message; then reads what the history pane will draw from the database
/// (earlier sessions' rows are read a window at a time).
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let shown = app.flow.outcome.as_ref().map(std::mem::discriminant);
    let status = app.flow.status.clone();
    let purchase = app.flow.purchase_id().map(str::to_string);
    let screen = app.overlay.as_ref().and_then(Overlay::screen);
    let notice = app.notice.clone();
    // A panel read's answer (a list, the settings, or their error) is about the panel; a
    // lever's answer ("Settled; the webhook follows.") is about the flow, and stays.
    let by_user = match &msg {
        Msg::Key(_) | Msg::Mouse(_) | Msg::Paste(_) => true,
        Msg::Answer {
            id,
            answer: Answer::Control(_),
            ..
        } => app
            .requests
            .get(*id)
            .is_some_and(|r| matches!(r.purpose, Purpose::Control(op) if !op.is_action())),
        _ => false,
    };
    let effects = apply(app, msg);
    if app.notice != notice {
        app.notice_by_user = by_user;
    } else if app.notice_by_user && app.overlay.as_ref().and_then(Overlay::screen) != screen {
        // What a key did is about the screen it was pressed on: it goes when the user
        // moves to another ("Nothing in flight to cancel." over a flow map opened later
        // read as if it were about the map). Where the flow stands ("Purchase created.
        // Step ②: …") stays read over help or a detail.
        app.notice = None;
    }
    // Another outcome, status or purchase is read from its top.
    if app.flow.outcome.as_ref().map(std::mem::discriminant) != shown
        || app.flow.status != status
        || app.flow.purchase_id() != purchase.as_deref()
    {
        app.result_scroll = 0;
    }
    if app.history.has_archive() {
        let detail = match app.overlay {
            Some(Overlay::Detail { index, .. }) => Some(index),
            _ => None,
        };
        app.history.prepare(history_height(app), detail);
        if let Some(e) = app.history.take_archive_error() {
            app.notice = Some((Level::Error, e));
            app.notice_by_user = false;
        }
    }
    effects
}

fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        // The presenter screen takes the keyboard while a tour runs.
        Msg::Key(key) if key.kind != KeyEventKind::Release && app.presenter.is_some() => {
            super::presenter::on_key(app, key)
        }
        // While the screen only says "Terminal too small", keys that would act unseen are
        // not taken; the quit keys still are.
        Msg::Key(key) if key.kind != KeyEventKind::Release && layout::too_small(app.size) => {
            match action_for(app.context(), &key, app.in_text()) {
                Some(action @ (Action::ForceQuit | Action::Quit)) => {
                    on_action(app, action, app.context())
                }
                _ => vec![],
            }
        }
        Msg::Key(key) if key.kind != KeyEventKind::Release => {
            // A resend waiting for its confirmation takes only the very next key.
            let armed = app.resend_armed.take();
            // A held key's repeats are no second press.
            let is_resend = key.kind == KeyEventKind::Press
                && action_for(app.context(), &key, app.in_text()) == Some(Action::Resend);
            if is_resend {
                app.resend_armed = armed;
            } else if armed.is_some() {
                // The question is over: it must not stay asking on the screen.
                app.clear_notice_where(|text| text.ends_with(RESEND_ASKS));
            }
            on_key(app, key)
        }
        Msg::Key(_) => vec![],
        Msg::Mouse(mouse) => {
            // Pointer use on step ② shows it was seen, as a key does (see `on_key`).
            if mouse.kind != MouseEventKind::Moved {
                app.card_step_shown = None;
            }
            on_mouse(app, mouse)
        }
        Msg::Paste(text) => {
            app.card_step_shown = None;
            paste(app, &text);
            vec![]
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            super::detail::on_resize(app);
            vec![]
        }
        Msg::Tick => {
            app.spinner = app.spinner.wrapping_add(1);
            let mut effects = expire_overdue(app);
            effects.extend(super::presenter::on_tick(app));
            effects
        }
        Msg::Tour(view) => {
            super::presenter::on_view(app, *view);
            vec![]
        }
        Msg::Answer {
            id,
            answer,
            exchange,
        } => on_answer(app, id, answer, exchange),
        Msg::Exchange(exchange) => {
            on_exchange(app, *exchange, None);
            vec![]
        }
        Msg::StoredExchange(exchange, seq) => {
            on_exchange(app, *exchange, Some(seq));
            vec![]
        }
        Msg::Merchant(event) => on_merchant(app, *event, None),
        Msg::StoredMerchant(event, seq) => on_merchant(app, *event, Some(seq)),
        // The opener answered for a URL that is no longer the one shown: nothing to say.
        // It was given the callback as `web_url` writes it back (`HTTP://…/?a b` as
        // `http://…/?a%20b`): compared so, or its answer about this one is dropped.
        Msg::Opened { url, .. }
            if app
                .flow
                .callback_url
                .as_deref()
                .and_then(|callback| web_url(callback).ok())
                .as_deref()
                != Some(url.as_str()) =>
        {
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
                    "{NO_BROWSER} ({why}). The URL is copied to your clipboard (OSC 52): {url}"
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
        Msg::HistoryLoaded { archive, warnings } => {
            let count = archive.as_ref().map_or(0, |a| a.total());
            if let Some(archive) = archive {
                app.history.attach(*archive);
            }
            if !warnings.is_empty() {
                app.notice = Some((Level::Warn, warnings.join(" · ")));
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
        Msg::EditedJson(result) => {
            edited_json(app, result);
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
/// How the notice that no browser opened the callback begins (it goes when the purchase
/// is final: what it asked for is then over).
const NO_BROWSER: &str = "No browser could be opened";

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
