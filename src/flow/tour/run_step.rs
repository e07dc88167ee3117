//! Each tour step, run against the target with the flow's own functions: the create and
//! S2S calls, the browser step (`flow::browser`), the status follow-up
//! (`flow::runner::poll_status`), the refund, the sandbox's settle, and the webhook as the
//! merchant stub received and checked it (checked again here with the published key, `signature_check`).

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::engine::{StopRun, TourTarget};
use super::format::Stop;
use super::step::StepKind;
use super::{public_key, signature_check};
use crate::api::{ApiError, Purchase, S2sOutcome};
use crate::flow::browser::{self, CallbackPage, Landed};
use crate::flow::machine::Outcome;
use crate::flow::presets::{default_purchase, seed_payment};
use crate::flow::runner::{WEBHOOK_WAIT, poll_status};
use crate::flow::scenario;
use crate::term_text::clean;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    Done,
    Failed,
    Skipped,
}

/// A webhook the merchant stub received for the purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenWebhook {
    pub status: String,
    pub signature: Option<String>,
    /// The stub's verdict on the signature; `None` when its event did not say.
    pub signature_valid: Option<bool>,
}

/// Between two looks at the merchant stub's events.
const WEBHOOK_POLL: Duration = Duration::from_millis(150);

/// The steps that need the customer's browser (none after a refused S2S call).
const BROWSER_STEPS: [StepKind; 3] = [StepKind::Callback, StepKind::Challenge, StepKind::Redirect];

/// Runs `kind` for `stop`, updating `run`.
pub(super) async fn run(
    kind: StepKind,
    stop: &Stop,
    target: &TourTarget,
    run: &mut StopRun,
) -> StepOutcome {
    run.facts.clear();
    run.note = None;
    match kind {
        StepKind::Create => create(stop, target, run).await,
        StepKind::S2s => s2s(stop, target, run).await,
        StepKind::Callback => callback(target, run).await,
        StepKind::Challenge => challenge(stop, target, run).await,
        StepKind::Redirect => redirect(run),
        StepKind::Webhook => webhook(target, run).await,
        StepKind::Status => status(target, run).await,
        StepKind::Refund => refund(target, run).await,
        StepKind::Settle => settle(target, run).await,
        StepKind::Verify => verify(target, run).await,
    }
}

/// The error as one line: HTTP status and message.
fn error_line(e: &ApiError) -> String {
    clean(&match e {
        ApiError::Coded {
            http_status,
            message,
            ..
        } => format!("{http_status} {message}"),
        ApiError::Transport {
            kind,
            http_status,
            detail,
        } => match http_status {
            Some(s) => format!("{s} {}: {detail}", kind.label()),
            None => format!("{}: {detail}", kind.label()),
        },
    })
}

/// Takes a purchase the server returned: its status and reason are what the screen shows.
fn took(run: &mut StopRun, purchase: &Purchase) {
    run.status = Some(clean(&purchase.status));
    run.note = Some(clean(&purchase.status).to_ascii_uppercase());
    run.reason = purchase.error_msg.as_deref().map(clean);
}

/// What a status GET of `id` returned: the step's status and its fact line.
fn took_status_get(run: &mut StopRun, id: &str, purchase: &Purchase) {
    took(run, purchase);
    run.facts.push(format!(
        "{} → {}",
        purchase_call("GET", id, ""),
        clean(&purchase.status).to_ascii_uppercase()
    ));
}

fn failed(run: &mut StopRun, what: &str, e: &ApiError) -> StepOutcome {
    let line = error_line(e);
    run.facts.push(format!("{what}: {line}"));
    run.note = Some(line.clone());
    run.reason = Some(line);
    StepOutcome::Failed
}

/// `POST /p/{id}/?s2s=true (card 444433…1111)` for a fact, the server's id cleaned.
fn s2s_call(id: &str, card: &str) -> String {
    format!("POST /p/{}/?s2s=true (card {})", clean(id), clean(card))
}

/// `GET /purchases/{id}/refund/` for a fact, the server's id cleaned.
fn purchase_call(method: &str, id: &str, rest: &str) -> String {
    format!("{method} /purchases/{}/{rest}", clean(id))
}

fn purchase_id(run: &StopRun) -> Option<String> {
    run.flow.purchase_id().map(str::to_string)
}

async fn create(stop: &Stop, target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let mut body =
        serde_json::to_value(default_purchase(&target.brand_id, &target.urls)).unwrap_or_default();
    scenario::apply(&mut body, &stop.scenario.purchase);
    let result = target.client.create_purchase_json(&body).await;
    run.flow.on_created(result.clone());
    match result {
        Ok(p) => {
            took(run, &p);
            run.facts
                .push(format!("POST /purchases/ → purchase {}", clean(&p.id)));
            StepOutcome::Done
        }
        Err(e) => {
            run.skip_rest();
            failed(run, "POST /purchases/", &e)
        }
    }
}

async fn s2s(stop: &Stop, target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let Some(id) = purchase_id(run) else {
        return StepOutcome::Skipped;
    };
    let mut body = serde_json::to_value(seed_payment()).unwrap_or_default();
    scenario::apply(&mut body, &stop.scenario.payment);
    let card = body
        .get("card_number")
        .and_then(Value::as_str)
        .map(crate::card::mask_pan)
        .unwrap_or_default();
    let result = target.client.s2s(&id, &body).await;
    run.flow.on_s2s(result.clone());
    match result {
        Ok(S2sOutcome::Pending { .. }) => {
            run.status = Some("pending".into());
            run.note = Some("202 pending".into());
            run.reason = None;
            run.facts.push(format!(
                "{} → 202 pending with a callback_url",
                s2s_call(&id, &card)
            ));
            StepOutcome::Done
        }
        Ok(S2sOutcome::Inline(p)) => {
            took(run, &p);
            run.skip(&BROWSER_STEPS);
            run.facts.push(format!(
                "{} → decided inline (2D): no browser step",
                s2s_call(&id, &card)
            ));
            StepOutcome::Done
        }
        Err(e) => {
            run.skip(&BROWSER_STEPS);
            run.skip(&[
                StepKind::Webhook,
                StepKind::Verify,
                StepKind::Refund,
                StepKind::Settle,
            ]);
            failed(run, &s2s_call(&id, &card), &e)
        }
    }
}

async fn callback(target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let Some(url) = run.flow.callback_url.clone() else {
        return StepOutcome::Skipped;
    };
    match browser::open_callback(&target.client, &url, &target.urls, target.fetch_landing).await {
        Ok(CallbackPage::Redirected(done)) => {
            run.frictionless = Some(true);
            run.note = Some("302".into());
            run.skip(&[StepKind::Challenge]);
            run.facts
                .push("GET callback_url → 302: frictionless, the issuer did not challenge".into());
            run.flow.on_browser(Ok(done.clone()));
            run.browser = Some(done);
            StepOutcome::Done
        }
        Ok(CallbackPage::Challenge { form_url }) => {
            run.frictionless = Some(false);
            run.note = Some("200 challenge page".into());
            run.facts
                .push("GET callback_url → 200: the issuer's challenge page asks for a code".into());
            run.form_url = Some(form_url);
            StepOutcome::Done
        }
        Err(e) => {
            run.skip(&[StepKind::Challenge, StepKind::Redirect]);
            failed(run, "GET callback_url", &e)
        }
    }
}

async fn challenge(stop: &Stop, target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let (Some(form_url), Some(otp)) = (run.form_url.clone(), stop.scenario.otp.clone()) else {
        run.facts
            .push("no OTP in this scenario: the challenge is left unanswered".into());
        run.skip(&[StepKind::Redirect]);
        return StepOutcome::Skipped;
    };
    let result = browser::answer_challenge(
        &target.client,
        &form_url,
        &otp,
        &target.urls,
        target.fetch_landing,
    )
    .await;
    run.flow.on_browser(result.clone());
    match result {
        Ok(done) => {
            run.note = Some("302".into());
            run.facts.push(format!(
                "POST the challenge form with OTP {} → redirect",
                clean(&otp)
            ));
            run.browser = Some(done);
            StepOutcome::Done
        }
        Err(e) => {
            run.skip(&[StepKind::Redirect]);
            failed(run, "POST the challenge form", &e)
        }
    }
}

fn redirect(run: &mut StopRun) -> StepOutcome {
    let Some(done) = &run.browser else {
        return StepOutcome::Skipped;
    };
    let (page, short) = match done.landed {
        Some(Landed::Success) => ("your success page", "success page"),
        Some(Landed::Failure) => ("your failure page", "failure page"),
        Some(Landed::Pending) => ("your pending page", "pending page"),
        None => (
            "a page that is none of the purchase's redirects",
            "another page",
        ),
    };
    run.note = Some(short.into());
    let path = reqwest::Url::parse(&done.landing_url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| done.landing_url.clone());
    run.facts.push(format!("302 → {} ({page})", clean(&path)));
    if done.landing_loaded {
        run.facts.push("the merchant page answered 200".into());
    }
    StepOutcome::Done
}

/// The newest webhook the merchant stub received for `id`, from the control plane's
/// event list.
async fn seen_webhook(target: &TourTarget, control: &str, id: &str) -> Option<SeenWebhook> {
    let url = format!("{control}/merchant/events");
    let events = target.client.control(Method::GET, &url, None).await.ok()?;
    events
        .as_array()?
        .iter()
        .rev()
        .filter(|e| e.get("kind").and_then(Value::as_str) == Some("webhook"))
        .find(|e| e.get("purchase_id").and_then(Value::as_str) == Some(id))
        .map(seen_of)
}

/// What one merchant-stub event says of a webhook (server text cleaned).
fn seen_of(e: &Value) -> SeenWebhook {
    SeenWebhook {
        status: clean(e.get("status").and_then(Value::as_str).unwrap_or("")),
        signature: e.get("signature").and_then(Value::as_str).map(clean),
        signature_valid: e.get("signature_valid").and_then(Value::as_bool),
    }
}

/// The webhook step's fact, its note and outcome for what the stub saw: a verdict the
/// stub did not report is said so, not taken for a failed check.
fn webhook_verdict(seen: &SeenWebhook) -> (String, &'static str, StepOutcome) {
    let (verdict, note, outcome) = match seen.signature_valid {
        Some(true) => ("signature ✓ valid", "signature ✓", StepOutcome::Done),
        Some(false) => ("signature ✗ INVALID", "signature ✗", StepOutcome::Failed),
        // The webhook came; whether its signature holds is the verify step's to say.
        None => (
            "signature not reported",
            "signature not reported",
            StepOutcome::Done,
        ),
    };
    let fact = format!(
        "POST /merchant/webhook ← webhook \"{}\" · {verdict}",
        seen.status
    );
    (fact, note, outcome)
}

async fn webhook(target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let Some(id) = purchase_id(run) else {
        return StepOutcome::Skipped;
    };
    let Some(control) = target.control_url.clone() else {
        run.facts.push(
            "the webhook goes to your server's callback URL: it cannot be watched from here".into(),
        );
        return StepOutcome::Skipped;
    };
    let deadline = tokio::time::Instant::now() + WEBHOOK_WAIT;
    loop {
        if let Some(seen) = seen_webhook(target, &control, &id).await {
            let (fact, note, outcome) = webhook_verdict(&seen);
            run.facts.push(fact);
            // The explorer's map says the same of a webhook row.
            run.note = Some(note.into());
            run.webhook = Some(seen);
            return outcome;
        }
        if tokio::time::Instant::now() >= deadline {
            run.facts.push(format!(
                "no webhook reached the merchant stub within {} s",
                WEBHOOK_WAIT.as_secs()
            ));
            return StepOutcome::Failed;
        }
        tokio::time::sleep(WEBHOOK_POLL).await;
    }
}

async fn status(target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let Some(id) = purchase_id(run) else {
        return StepOutcome::Skipped;
    };
    // A refused S2S (a coded error such as a blocked card) leaves the purchase where it
    // was: nothing will move it, so one GET says where it stands. Polling for a final
    // status there only froze the step for the whole schedule (~8 s).
    let cannot_move = matches!(run.flow.outcome, Some(Outcome::Coded(_)));
    // Until the GET answers, the status is unknown.
    run.flow.status = None;
    if cannot_move {
        run.flow.on_status(target.client.status(&id).await);
    } else {
        poll_status(&target.client, &id, &mut run.flow).await;
    }
    match run
        .flow
        .purchase
        .clone()
        .filter(|_| run.flow.status.is_some())
    {
        Some(p) => {
            took_status_get(run, &id, &p);
            StepOutcome::Done
        }
        None => {
            run.facts
                .push(format!("{} gave no status", purchase_call("GET", &id, "")));
            StepOutcome::Failed
        }
    }
}

async fn refund(target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let Some(id) = purchase_id(run) else {
        return StepOutcome::Skipped;
    };
    match target.client.refund_full(&id).await {
        Ok(p) => {
            took(run, &p);
            run.facts.push(format!(
                "{} → {}",
                purchase_call("GET", &id, "refund/"),
                clean(&p.status).to_ascii_uppercase()
            ));
            if !p.status().is_final() {
                // A refund in process settles shortly: read it again, as a merchant would.
                run.flow.status = None;
                poll_status(&target.client, &id, &mut run.flow).await;
                if let Some(p) = run
                    .flow
                    .purchase
                    .clone()
                    .filter(|_| run.flow.status.is_some())
                {
                    took_status_get(run, &id, &p);
                }
            }
            StepOutcome::Done
        }
        Err(e) => failed(run, &purchase_call("GET", &id, "refund/"), &e),
    }
}

async fn settle(target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let Some(id) = purchase_id(run) else {
        return StepOutcome::Skipped;
    };
    let Some(control) = &target.control_url else {
        run.facts.push(
            "only this project's sandbox can settle a payment on demand; a real one settles on the processor's schedule".into(),
        );
        return StepOutcome::Skipped;
    };
    let url = format!("{control}/purchases/{id}/settle");
    match target
        .client
        .control(Method::POST, &url, Some(&json!({"status": "paid"})))
        .await
    {
        Ok(_) => {
            run.facts.push(format!(
                "POST /_sandbox{} (paid) → 200",
                purchase_call("", &id, "settle").trim_start()
            ));
            // What the merchant sees: the status GET.
            match target.client.status(&id).await {
                Ok(p) => {
                    took_status_get(run, &id, &p);
                    run.flow.on_status(Ok(p));
                    StepOutcome::Done
                }
                Err(e) => failed(run, &purchase_call("GET", &id, ""), &e),
            }
        }
        Err(e) => failed(run, "settle", &e),
    }
}

/// The signature checked here with the published key, beside the merchant stub's verdict;
/// the step passes on the local check when there is a key, else on the stub's.
async fn verify(target: &TourTarget, run: &mut StopRun) -> StepOutcome {
    let (Some(id), Some(seen)) = (purchase_id(run), run.webhook.clone()) else {
        run.facts
            .push("no webhook was received, so there is no signature to check".into());
        return StepOutcome::Skipped;
    };
    let key = match &target.control_url {
        Some(control) => public_key::fetch(control).await,
        None => Err("no published key to fetch from a real endpoint".to_string()),
    };
    let key = key.map_err(|e| clean(&e));
    let result = signature_check::check(
        key.as_deref().map_err(String::as_str),
        &id,
        &seen.status,
        &target.brand_id,
        seen.signature.as_deref(),
        seen.signature_valid,
    );
    run.facts.extend(result.lines);
    run.note = Some(
        match result.local {
            Some(true) => "✓ valid, checked here",
            Some(false) => "✗ invalid, checked here",
            None => "not checked here",
        }
        .into(),
    );
    match result.local.or(seen.signature_valid) {
        Some(true) => StepOutcome::Done,
        Some(false) => StepOutcome::Failed,
        // Neither checked here nor reported by the stub: nothing to claim.
        None => StepOutcome::Skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_event_without_a_verdict_says_not_reported() {
        let seen = seen_of(&json!({"kind": "webhook", "status": "paid", "signature": "c2ln"}));
        assert_eq!(seen.signature_valid, None);
        let (fact, note, outcome) = webhook_verdict(&seen);
        assert!(fact.ends_with("· signature not reported"), "{fact}");
        assert!(!fact.contains("INVALID"), "{fact}");
        assert_eq!(note, "signature not reported");
        assert_eq!(outcome, StepOutcome::Done);
        let bad = seen_of(&json!({"status": "paid", "signature_valid": false}));
        let (fact, note, outcome) = webhook_verdict(&bad);
        assert!(fact.ends_with("· signature ✗ INVALID"), "{fact}");
        assert_eq!((note, outcome), ("signature ✗", StepOutcome::Failed));
        let good = seen_of(&json!({"status": "paid\u{1b}[2J", "signature_valid": true}));
        let (fact, _, outcome) = webhook_verdict(&good);
        assert!(!fact.contains('\u{1b}'), "{fact}");
        assert_eq!(outcome, StepOutcome::Done);
    }

    #[test]
    fn a_hostile_purchase_id_reaches_the_facts_cleaned() {
        let id = "p\u{1b}]52;c;aGk=\u{7}\u{202e}";
        for fact in [
            s2s_call(id, "444433…1111"),
            purchase_call("GET", id, "refund/"),
            purchase_call("GET", id, ""),
        ] {
            assert_eq!(crate::term_text::clean(&fact), fact, "{fact:?}");
            assert!(fact.contains("p\\u001b]52;c;aGk=\\u0007\\u202e/"), "{fact}");
        }
        assert_eq!(
            purchase_call("GET", "a b", "refund/"),
            "GET /purchases/a b/refund/"
        );
    }
}
