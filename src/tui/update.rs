//! `update(&mut App, Msg) -> Vec<Effect>`: every state change in one place, no I/O.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::{App, Busy, Effect, Level, Msg, Overlay, Pane, PollPlan};
use super::forms;
use super::keys::{Action, Context, action_for};
use super::layout;
use super::theme;
use crate::api::{ApiError, ExchangeKind, PurchaseStatus};
use crate::flow::machine::{Outcome, Step};
use crate::flow::presets::{DEVICE_PRESETS, test_cards};
use crate::flow::runner::{POLL_SCHEDULE_MS, WebhookSeen};
use crate::sandbox::MerchantEvent;

/// Polls of the external-browser plan (every 2 s: five minutes).
const EXTERNAL_POLLS: usize = 150;

/// Applies one message.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Key(_) => vec![],
        Msg::Mouse(mouse) => on_mouse(app, mouse),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Msg::Tick => {
            app.spinner = app.spinner.wrapping_add(1);
            vec![]
        }
        Msg::Created(result) => on_created(app, result),
        // Answers about a purchase the user has already left (n, a scenario) are stale:
        // dropped, but the request they answer has ended.
        Msg::S2s(_) if app.flow.purchase.is_none() => end_stale(app, Busy::Paying),
        Msg::Browser(_) if app.flow.purchase.is_none() => end_stale(app, Busy::Browsing),
        Msg::Status(Ok(p)) if app.flow.purchase_id() != Some(p.id.as_str()) => {
            end_stale(app, Busy::Polling)
        }
        Msg::Status(Err(_)) if app.flow.purchase.is_none() => end_stale(app, Busy::Polling),
        Msg::S2s(result) => on_s2s(app, result),
        Msg::Browser(result) => {
            app.busy = None;
            app.notice = None;
            let ok = result.is_ok();
            app.flow.on_browser(result);
            if ok {
                start_polling(app, PollPlan::InTerminal)
            } else {
                vec![]
            }
        }
        Msg::Status(result) => on_status(app, result),
        Msg::Exchange(exchange) => {
            app.history.push(*exchange);
            vec![]
        }
        Msg::Merchant(event) => on_merchant(app, *event),
        Msg::Opened(Ok(())) => {
            app.notice = Some((
                Level::Info,
                "Opened the callback URL in your browser; following the purchase…".into(),
            ));
            vec![]
        }
        Msg::Opened(Err(why)) => {
            let url = app.flow.callback_url.clone().unwrap_or_default();
            app.notice = Some((
                Level::Warn,
                format!(
                    "No browser could be opened ({why}). The URL is copied to your clipboard (OSC 52): {url}"
                ),
            ));
            app.open_failure = Some(why);
            vec![Effect::Copy(url)]
        }
        Msg::ScenarioLoaded(Ok((name, scenario))) => {
            load_scenario(app, &name, &scenario);
            vec![]
        }
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
        Msg::Saved(Ok(what)) => {
            app.notice = Some((Level::Info, what));
            vec![]
        }
        Msg::Resent(result) => {
            app.busy = None;
            app.notice = Some(match result {
                Ok(_) => (
                    Level::Info,
                    "Resent; the new exchange is at the top of the history.".into(),
                ),
                Err(e) => (Level::Warn, format!("Resent: {e}")),
            });
            vec![]
        }
    }
}

/// Ends the in-flight mark of a request whose answer came too late to matter.
fn end_stale(app: &mut App, kind: Busy) -> Vec<Effect> {
    if app.busy == Some(kind) {
        app.busy = None;
    }
    vec![]
}

fn on_created(app: &mut App, result: Result<crate::api::Purchase, ApiError>) -> Vec<Effect> {
    app.busy = None;
    let ok = result.is_ok();
    app.flow.on_created(result);
    if ok {
        app.webhook = None;
        app.card_form.focus = 0;
        forms::refresh_merchant_ref(&mut app.purchase_form);
        app.notice = Some((
            Level::Info,
            "Purchase created. Step ②: check the card and device, then Ctrl+S.".into(),
        ));
    }
    vec![]
}

fn on_s2s(app: &mut App, result: Result<crate::api::S2sOutcome, ApiError>) -> Vec<Effect> {
    app.busy = None;
    let coded = matches!(result, Err(ApiError::Coded { .. }));
    app.flow.on_s2s(result);
    app.notice = None;
    match (&app.flow.outcome, app.flow.purchase_id()) {
        // What did the error do to the purchase? (CREATED can be retried; ERROR cannot.)
        (_, Some(id)) if coded => vec![Effect::PollStatus {
            purchase_id: id.to_string(),
            after: Duration::ZERO,
        }],
        (Some(Outcome::Pending { .. }), _) => {
            app.notice = Some((Level::Info, "202 pending: press b to complete 3-D Secure here, or o to open the callback in your browser.".into()));
            vec![]
        }
        _ => vec![],
    }
}

fn start_polling(app: &mut App, plan: PollPlan) -> Vec<Effect> {
    app.poll_plan = plan;
    app.poll_attempt = 0;
    match app.flow.purchase_id() {
        Some(id) => {
            app.busy = Some(Busy::Polling);
            vec![Effect::PollStatus {
                purchase_id: id.to_string(),
                after: Duration::ZERO,
            }]
        }
        None => vec![],
    }
}

fn on_status(app: &mut App, result: Result<crate::api::Purchase, ApiError>) -> Vec<Effect> {
    app.flow.on_status(result);
    app.poll_attempt += 1;
    let budget = match app.poll_plan {
        PollPlan::InTerminal => POLL_SCHEDULE_MS.len(),
        PollPlan::ExternalBrowser => EXTERNAL_POLLS,
    };
    let waiting = app.flow.awaits_final_status() && app.busy == Some(Busy::Polling);
    match app.flow.purchase_id() {
        Some(id) if waiting && app.poll_attempt < budget => {
            let after = match app.poll_plan {
                PollPlan::InTerminal => POLL_SCHEDULE_MS[app.poll_attempt],
                PollPlan::ExternalBrowser => 2000,
            };
            vec![Effect::PollStatus {
                purchase_id: id.to_string(),
                after: Duration::from_millis(after),
            }]
        }
        _ => {
            if app.busy == Some(Busy::Polling) {
                app.busy = None;
                if app.flow.awaits_final_status() {
                    app.notice = Some((
                        Level::Warn,
                        "The purchase has not reached a final status yet; press r to check again."
                            .into(),
                    ));
                }
            }
            vec![]
        }
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
    vec![]
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
            if app.overlay.is_some() {
                app.overlay = None;
            } else {
                app.pane = Pane::Step;
            }
            vec![]
        }
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
                f.value.clear();
            }
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
            Some(url) if pending(app) => {
                let mut effects = vec![Effect::OpenBrowser(url)];
                effects.extend(start_polling(app, PollPlan::ExternalBrowser));
                effects
            }
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
            } else if pending(app) {
                app.overlay = Some(Overlay::Otp {
                    input: String::new(),
                });
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
            if app.flow.purchase.is_some() && app.flow.step != Step::Purchase {
                app.flow.edit_card();
                if !app.flow.can_retry_same_purchase() {
                    app.notice = Some((Level::Warn, "This purchase can no longer be paid: Ctrl+S will fail; press n for a new purchase.".into()));
                }
            } else {
                app.flow.outcome = None;
            }
            vec![]
        }
        Action::NewPurchase => {
            // Following the old purchase stops here; its late answers are dropped.
            if app.busy == Some(Busy::Polling) {
                app.busy = None;
            }
            app.open_failure = None;
            app.flow.restart();
            app.webhook = None;
            app.show_raw = false;
            app.purchase_form.focus = 0;
            app.notice = Some((
                Level::Info,
                "New purchase: step ① (a fresh merchantRef is filled in).".into(),
            ));
            vec![]
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
    if app.busy.is_some() {
        app.notice = Some((Level::Warn, "A request is already in flight.".into()));
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
    match (app.flow.step, app.flow.purchase_id()) {
        (Step::Purchase, _) => {
            app.busy = Some(Busy::Creating);
            vec![Effect::CreatePurchase(body)]
        }
        (_, Some(id)) => {
            let purchase_id = id.to_string();
            app.busy = Some(Busy::Paying);
            app.webhook = None;
            vec![Effect::S2s { purchase_id, body }]
        }
        (_, None) => vec![],
    }
}

/// `r` on the result screen: repeat what failed, or check the status again.
fn retry(app: &mut App) -> Vec<Effect> {
    match (&app.flow.outcome, app.flow.step) {
        (Some(Outcome::Transport(_)), _) => {
            app.flow.outcome = None;
            send(app)
        }
        _ => start_polling(app, app.poll_plan),
    }
}

fn resend(app: &mut App) -> Vec<Effect> {
    let Some(Overlay::Detail { index, .. }) = app.overlay else {
        return vec![];
    };
    match app.history.newest(index) {
        Some(ex) if ex.kind == ExchangeKind::Api => {
            app.busy = Some(Busy::Resending);
            vec![Effect::Resend {
                method: ex.method.clone(),
                url: ex.url.clone(),
                body: ex.request_body.clone(),
            }]
        }
        Some(_) => {
            app.notice = Some((
                Level::Warn,
                "Only API calls can be resent (browser steps and webhooks cannot).".into(),
            ));
            vec![]
        }
        None => vec![],
    }
}

fn select(app: &mut App, context: Context) -> Vec<Effect> {
    match (context, app.overlay.clone()) {
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
        (_, Some(Overlay::Otp { input })) => {
            app.overlay = None;
            match app.flow.callback_url.clone() {
                Some(url) => {
                    app.busy = Some(Busy::Browsing);
                    vec![Effect::CompleteInTerminal { url, otp: input }]
                }
                None => vec![],
            }
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
        Some(Overlay::Otp { .. } | Overlay::Filter { .. } | Overlay::SaveScenario { .. }) => {}
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
fn load_scenario(app: &mut App, name: &str, scenario: &crate::flow::scenario::Scenario) {
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
            app.purchase_form = forms::purchase_form(&p);
            app.card_form = forms::card_form(&c);
            app.flow.restart();
            app.webhook = None;
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
        }
        (Err(e), _) | (_, Err(e)) => {
            app.notice = Some((
                Level::Error,
                format!("Scenario {name} does not fit the forms: {e}"),
            ));
        }
    }
}
