//! Sending the current step, repeating what failed, resending a history row, and the
//! URL rules for the browser and rebased endpoints.

use super::*;

pub(super) fn pending(app: &App) -> bool {
    app.flow.callback_url.is_some() && app.flow.status == Some(PurchaseStatus::PendingExecute)
        || matches!(app.flow.outcome, Some(Outcome::Pending { .. }))
}

pub(super) fn send(app: &mut App) -> Vec<Effect> {
    if app.requests.step_in_flight() {
        app.notice = Some((Level::Warn, already_in_flight(app.context())));
        return vec![];
    }
    if app.flow.step == Step::Card
        && let Some(shown) = app.card_step_shown
        && shown.elapsed() < super::super::app::TYPE_AHEAD
    {
        app.notice = Some((
            Level::Warn,
            format!(
                "Not paid: {} came {} ms after step ② appeared, before it could be read (pressed again while the purchase was created?). Check the card: {} pays from {} ms on, or at once after any other key.",
                label_of(Action::Send, Context::CardForm),
                shown.elapsed().as_millis(),
                label_of(Action::Send, Context::CardForm),
                super::super::app::TYPE_AHEAD.as_millis()
            ),
        ));
        return vec![];
    }
    let warnings = app.current_form().warnings();
    if !warnings.is_empty() && !app.send_anyway {
        let list: Vec<String> = warnings.iter().map(|(f, w)| format!("{f}: {w}")).collect();
        app.notice = Some((
            Level::Warn,
            format!(
                "{} — {} again sends anyway (watch the server's answer).",
                list.join("; "),
                label_of(Action::Send, app.context())
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
    if purpose == Purpose::Pay {
        // A new payment: a failed browser step before it is no longer what an error is
        // about (its headline would name that step).
        app.failed_step = None;
    }
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
pub(super) fn retry(app: &mut App) -> Vec<Effect> {
    match (&app.flow.outcome, app.failed_step) {
        // A failed browser step is repeated as such, while the purchase still waits.
        (Some(Outcome::Transport(_) | Outcome::Coded(_)), Some(_)) => {
            match app.flow.callback_url.clone() {
                Some(url) if app.retry_repeats_a_call() => {
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
        (Some(Outcome::Transport(_)), None) if app.retry_repeats_a_call() => {
            // Put the outcome back when send() refuses (warnings, a request in flight):
            // the screen must not be left on "Waiting…".
            let saved = app.flow.outcome.take();
            let effects = send(app);
            if effects.is_empty() {
                app.flow.outcome = saved;
            }
            effects
        }
        // A coded error, or a payment cut off that may have paid: read the status once (a
        // follow-up would wait for a final status a payable purchase never reaches).
        (Some(Outcome::Coded(_) | Outcome::Transport(_)), None) => {
            check_status(app, CheckReason::Refresh)
        }
        _ => start_follow(app, PollPlan::InTerminal),
    }
}

pub(super) fn resend(app: &mut App) -> Vec<Effect> {
    // In the history list, r opens the selected row's detail and goes on there: what is
    // resent (or asked about) is in view, and a second r finds the question.
    if app.overlay.is_none() && app.pane == Pane::History && !app.history.is_empty() {
        app.flow_map_return = None;
        app.overlay = Some(Overlay::Detail {
            index: app.history.selected,
            view: Default::default(),
        });
    }
    let Some(Overlay::Detail { index, .. }) = app.overlay else {
        return vec![];
    };
    match app.history.newest(index) {
        Some(ex) if is_form_call(ex) => {
            // e only where a payment can still work (a PAID purchase's e says it cannot).
            let edit = if app.may_pay_again() {
                format!(
                    " or {} to edit the card",
                    label_of(Action::EditRetry, Context::Result)
                )
            } else {
                String::new()
            };
            app.notice = Some((
                Level::Warn,
                // Shown over the detail, where n and e mean other things: close it first.
                format!(
                    "A create or S2S record cannot be replayed as recorded: its card is masked, the CVC was never stored and merchantRef must be unique. Use the forms instead: {} closes this, then on the result {} for a new purchase{edit}, then {}.",
                    label_of(Action::Close, Context::Detail),
                    label_of(Action::NewPurchase, Context::Result),
                    label_of(Action::Send, Context::CardForm)
                ),
            ));
            vec![]
        }
        // A call that acts (anything but a GET) asks first: a refund resent refunds again,
        // and a webhook replayed is delivered again (a merchant may act on it twice).
        Some(ex)
            if asks_first(ex)
                && app.resend_armed.take() != Some((ex.started_at_ms, ex.url.clone())) =>
        {
            let what = if ex.kind == ExchangeKind::Webhook {
                "replays this webhook: the merchant receives it again".to_string()
            } else {
                format!(
                    "resends {} {}: it acts again (a refund refunds again, a capture captures again)",
                    ex.method,
                    crate::term_text::clean(ex.path())
                )
            };
            app.notice = Some((
                Level::Warn,
                format!(
                    "{} again {what}. {RESEND_ASKS}",
                    label_of(Action::Resend, Context::Detail)
                ),
            ));
            app.resend_armed = Some((ex.started_at_ms, ex.url.clone()));
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
            let facts = crate::tui::views::webhook_facts(ex);
            crate::tui::levers::replay_webhook(app, facts)
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

/// How the question a resend of a call that acts asks ends: the next key answers it.
pub(super) const RESEND_ASKS: &str = "Any other key keeps it unsent.";

/// Whether `ex` is a create or an S2S payment: sent again from the forms, not as recorded.
fn is_form_call(ex: &Exchange) -> bool {
    ex.kind == ExchangeKind::Api
        && ex.method == "POST"
        && (ex.url.contains("s2s=true") || ex.path().ends_with("/purchases/"))
}

/// What `r` does to `ex` in the exchange overlay, as its title says it: `None` where it
/// only explains why it cannot.
pub(in crate::tui) fn resend_offer(ex: &Exchange) -> Option<&'static str> {
    match ex.kind {
        ExchangeKind::Api if is_form_call(ex) => None,
        ExchangeKind::Api if asks_first(ex) => Some("resend (asks first: it acts)"),
        ExchangeKind::Api => Some("resend"),
        ExchangeKind::Webhook => Some("replay (asks first)"),
        ExchangeKind::Browser | ExchangeKind::Landing => None,
    }
}

/// Whether r asks before sending `ex` again: a webhook replayed is delivered again, and
/// an API call that acts acts again.
fn asks_first(ex: &Exchange) -> bool {
    ex.kind == ExchangeKind::Webhook
        || (ex.kind == ExchangeKind::Api && acts(&ex.method, ex.path()))
}

/// Whether a recorded API call changes something when sent again: anything but a GET,
/// and the GETs that act (Paysecure's full refund and cancel are GETs); not the POST that
/// only reads (`/refundStatus/{id}/`, a refund's status).
fn acts(method: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path).trim_end_matches('/');
    let reads = path.contains("/refundStatus/");
    (method != "GET" && !reads) || path.ends_with("/refund") || path.ends_with("/cancel")
}

/// The callback URL `b` may load as the customer's browser: an http(s) URL on the
/// endpoint's own host (a loopback one standing for any loopback host). `b` acts for a
/// local sandbox only, so a callback elsewhere (another host, `127.0.0.1@10.1.2.3`, a
/// `javascript:` URL) is not fetched from here; `o` gives it to a real browser.
pub(in crate::tui) fn local_callback(callback: &str, base: &str) -> Result<String, String> {
    let url =
        web_url(callback).map_err(|why| format!("the callback_url is not a web page: {why}"))?;
    let host = |u: &str| {
        reqwest::Url::parse(u).ok().and_then(|u| {
            u.host_str()
                .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
        })
    };
    let both_loopback =
        || crate::flow::target::is_loopback_url(&url) && crate::flow::target::is_loopback_url(base);
    match (host(&url), host(base)) {
        (Some(c), Some(b)) if c == b || both_loopback() => Ok(url),
        (Some(c), _) => Err(format!(
            "the callback_url is on {c}, not on the endpoint's host: the in-terminal browser only loads a local sandbox's pages"
        )),
        (None, _) => Err("the callback_url has no host".into()),
    }
}

/// A recorded URL under the current endpoint: an API path (after `/api/v1`) joined to
/// `base`; any other path (the sandbox's `/_sandbox/…`, the merchant stub's `/merchant/…`)
/// joined to `base`'s origin. `true` when that changed the endpoint.
fn rebase(url: &str, base: &str) -> (String, bool) {
    if url.starts_with(base) {
        return (url.to_string(), false);
    }
    let after_host = |u: &str| match u.find("://") {
        Some(i) => u[i + 3..].find('/').map_or(u.len(), |j| i + 3 + j),
        None => 0,
    };
    // Same origin (a control-plane or stub URL of the current endpoint): unchanged.
    if url[..after_host(url)] == base[..after_host(base)] {
        return (url.to_string(), false);
    }
    let path = &url[after_host(url)..];
    let path = if path.is_empty() { "/" } else { path };
    match path.find("/api/v1") {
        Some(i) => (
            format!(
                "{}{}",
                base.trim_end_matches('/'),
                &path[i + "/api/v1".len()..]
            ),
            true,
        ),
        None => (format!("{}{path}", &base[..after_host(base)]), true),
    }
}

#[cfg(test)]
mod tests {
    use super::rebase;

    #[test]
    fn only_a_web_page_on_the_endpoints_host_is_loaded_by_the_terminal_browser() {
        use super::local_callback;
        let base = "http://127.0.0.1:5000/api/v1";
        for ok in [
            "http://127.0.0.1:5000/api/v1/payment/abc/",
            "http://localhost:5000/payment/abc/",
            "http://[::1]:5000/payment/abc/",
        ] {
            assert!(local_callback(ok, base).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("javascript:alert(1)", "not a web page"),
            ("file:///etc/passwd", "not a web page"),
            ("/api/v1/payment/abc/", "not a web page"),
            ("", "not a web page"),
            ("http://127.0.0.1@10.1.2.3/payment/abc/", "on 10.1.2.3"),
            (
                "https://api.paysecure.net/api/v1/payment/abc/",
                "on api.paysecure.net",
            ),
        ] {
            let err = local_callback(bad, base).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn api_paths_go_under_the_base_and_others_under_its_origin() {
        let base = "http://127.0.0.1:5000/api/v1";
        for (recorded, expected) in [
            (
                "http://127.0.0.1:4000/api/v1/purchases/abc/",
                "http://127.0.0.1:5000/api/v1/purchases/abc/",
            ),
            (
                "http://127.0.0.1:4000/_sandbox/purchases/abc/settle",
                "http://127.0.0.1:5000/_sandbox/purchases/abc/settle",
            ),
            (
                "http://127.0.0.1:4000/merchant/return/success?purchaseId=abc",
                "http://127.0.0.1:5000/merchant/return/success?purchaseId=abc",
            ),
            ("http://127.0.0.1:4000", "http://127.0.0.1:5000/"),
        ] {
            assert_eq!(
                rebase(recorded, base),
                (expected.to_string(), true),
                "{recorded}"
            );
        }
        for same in [
            "http://127.0.0.1:5000/api/v1/purchases/abc/",
            "http://127.0.0.1:5000/_sandbox/purchases?limit=100",
        ] {
            assert_eq!(rebase(same, base), (same.to_string(), false));
        }
    }
}
