//! The three steps run headless, end to end: create, S2S, then (with an OTP) the
//! browser step and the wait for the final status and the webhook.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast;

use super::browser::{self, Landed};
use super::checkout;
use super::machine::{Flow, Outcome};
use super::presets::MerchantUrls;
use crate::api::{ApiError, MerchantEvent, MerchantEventSource, PaysecureClient, PurchaseStatus};

/// Delays between status GETs while waiting for a final status (bounded: ~7.5 s in all).
pub const POLL_SCHEDULE_MS: &[u64] = &[0, 100, 200, 400, 800, 1000, 2000, 3000];

/// How long to wait for the merchant stub's webhook after the outcome.
pub const WEBHOOK_WAIT: Duration = Duration::from_secs(3);

/// What to run.
#[derive(Debug, Clone)]
pub struct FlowPlan {
    /// The create-purchase body.
    pub purchase: Value,
    /// The S2S body.
    pub payment: Value,
    /// Complete the callback as the customer with this OTP; `None` stops at pending.
    pub otp: Option<String>,
    pub urls: MerchantUrls,
    /// Load the merchant landing page after the redirect (embedded sandbox only).
    pub fetch_landing: bool,
    /// Pay on the hosted page (`checkout_url`) as the customer's browser instead of the
    /// S2S call (§10.4).
    pub checkout: bool,
    /// Capture the hold once the payment ends PREAUTHORIZED (a `skip_capture` purchase).
    pub capture: Option<CapturePlan>,
}

/// How much of a hold to capture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CapturePlan {
    /// All of it (no `amount` sent).
    Full,
    /// This amount, in major units.
    Amount(f64),
}

/// The webhook the merchant stub received for the purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookSeen {
    pub status: String,
    pub signature_valid: bool,
}

/// How the run ended.
#[derive(Debug, Clone)]
pub struct FlowReport {
    pub flow: Flow,
    pub error: Option<ApiError>,
    pub webhook: Option<WebhookSeen>,
    /// The error is the capture's (the payment went through; the hold stands).
    pub capture_refused: bool,
    /// Why the server's callback_url was not opened as the customer's browser (it is not
    /// a web page: `javascript:`, `file:`, …); the purchase is left pending.
    pub callback_not_opened: Option<String>,
}

impl FlowReport {
    /// A top-level field of the purchase as last read (`token_reference`, …).
    pub fn purchase_field(&self, key: &str) -> Option<Value> {
        self.flow
            .purchase
            .as_ref()
            .and_then(|p| p.extra.get(key))
            .cloned()
    }

    /// The final status in lower case.
    pub fn status(&self) -> Option<String> {
        self.flow.status.as_ref().map(PurchaseStatus::as_lower)
    }

    /// `0` paid (a hold, or a partial capture of one, when that was the plan), `3`
    /// transport failure, `1` anything else.
    pub fn exit_code(&self) -> i32 {
        let succeeded = matches!(
            self.flow.status,
            Some(
                PurchaseStatus::Paid
                    | PurchaseStatus::Preauthorized
                    | PurchaseStatus::PartiallyCaptured
            )
        );
        if succeeded && self.error.is_none() {
            0
        } else if self.error.as_ref().is_some_and(ApiError::is_transport) {
            3
        } else {
            1
        }
    }
}

/// Runs the plan. With a merchant stub's events (the embedded sandbox's handle) the run
/// also reports the webhook the stub received.
pub async fn run(
    client: &PaysecureClient,
    plan: &FlowPlan,
    merchant: Option<&dyn MerchantEventSource>,
) -> FlowReport {
    // Subscribe before anything is sent, so no delivery can slip past.
    let mut events = merchant.map(|m| m.subscribe());
    let mut flow = Flow::new();
    flow.on_created(client.create_purchase_json(&plan.purchase).await);
    let Some(id) = flow.purchase_id().map(str::to_string) else {
        return finish(flow, None);
    };
    if plan.checkout {
        checkout::pay_on_hosted_page(client, plan, &mut flow).await;
    } else {
        flow.on_s2s(client.s2s(&id, &plan.payment).await);
    }
    match flow.outcome.clone() {
        // The hosted page answered any challenge itself; a pending left here is a
        // challenge with no OTP to answer it, where the run stops as the S2S one does.
        // What is reported is the status the server gives, not one inferred from the 202.
        Some(Outcome::Pending { .. }) if plan.checkout => {
            flow.on_status(client.status(&id).await);
        }
        Some(Outcome::Pending { callback_url }) => {
            // No OTP, or a callback_url that is not a web page: stop at pending, and say
            // which (the note for a page nobody opened is not the one for a bad URL).
            let not_a_page = browser::web_url(&callback_url).err();
            let Some(otp) = plan.otp.as_ref().filter(|_| not_a_page.is_none()) else {
                flow.on_status(client.status(&id).await);
                return FlowReport {
                    callback_not_opened: not_a_page,
                    ..finish(flow, None)
                };
            };
            let done =
                browser::complete(client, &callback_url, otp, &plan.urls, plan.fetch_landing).await;
            flow.on_browser(done);
            match flow.outcome {
                Some(Outcome::Pending { .. }) => poll_status(client, &id, &mut flow).await,
                // The browser step failed: what the purchase is now is the status GET's
                // to say (the error stays the report's headline).
                Some(Outcome::Coded(_) | Outcome::Transport(_)) => {
                    flow.on_status(client.status(&id).await);
                }
                _ => {}
            }
        }
        Some(Outcome::Coded(_) | Outcome::Transport(_)) => {
            // What did the error do to the purchase? (CREATED, or ERROR for some.) Until
            // the status GET answers, the status is unknown, not the one from create.
            flow.status = None;
            flow.on_status(client.status(&id).await);
        }
        _ => {}
    }
    let mut capture_refused = false;
    if let (Some(plan), Some(PurchaseStatus::Preauthorized)) = (plan.capture, &flow.status) {
        let amount = match plan {
            CapturePlan::Full => None,
            CapturePlan::Amount(a) => Some(a),
        };
        let captured = client.capture(&id, amount).await;
        capture_refused = captured.is_err();
        flow.on_captured(captured);
        if capture_refused {
            // What the failed capture left: the hold, or (an answer lost on the way) a
            // capture after all. Unknown until the status GET answers.
            flow.status = None;
            flow.on_status(client.status(&id).await);
        } else if flow.status.as_ref().is_some_and(PurchaseStatus::is_final) {
            // The purchase as it now stands (captured amount, payment), for the report.
            flow.on_status(client.status(&id).await);
        }
    }
    let webhook = match (merchant, &mut events, flow.status.as_ref()) {
        (Some(merchant), Some(rx), Some(status))
            if status.is_final() || status.awaits_merchant() =>
        {
            let want = webhook_status(status);
            wait_for_webhook(rx, &merchant.events_so_far(), &id, &want, WEBHOOK_WAIT).await
        }
        _ => None,
    };
    FlowReport {
        capture_refused,
        ..finish(flow, webhook)
    }
}

/// The webhook event a status is announced with (Paysecure calls a hold `hold`).
fn webhook_status(status: &PurchaseStatus) -> String {
    match status {
        PurchaseStatus::Preauthorized => "hold".into(),
        other => other.as_lower(),
    }
}

fn finish(flow: Flow, webhook: Option<WebhookSeen>) -> FlowReport {
    let error = match &flow.outcome {
        Some(Outcome::Coded(e) | Outcome::Transport(e)) => Some(e.clone()),
        _ => None,
    };
    FlowReport {
        flow,
        error,
        webhook,
        capture_refused: false,
        callback_not_opened: None,
    }
}

/// Polls the status GET on [`POLL_SCHEDULE_MS`] until it is final (or parked pending).
pub async fn poll_status(client: &PaysecureClient, id: &str, flow: &mut Flow) {
    for delay in POLL_SCHEDULE_MS {
        tokio::time::sleep(Duration::from_millis(*delay)).await;
        flow.on_status(client.status(id).await);
        if !flow.awaits_final_status() || matches!(flow.outcome, Some(Outcome::Transport(_))) {
            return;
        }
    }
}

/// The first webhook for `id` announcing `want` (a lower-case status): from what was
/// already seen, else as it arrives. A purchase can have several (a hold, then its
/// capture), so the status picks the one the run ended with.
pub async fn wait_for_webhook(
    rx: &mut broadcast::Receiver<MerchantEvent>,
    seen: &[MerchantEvent],
    id: &str,
    want: &str,
    wait: Duration,
) -> Option<WebhookSeen> {
    let matches = |event: &MerchantEvent| match event {
        MerchantEvent::Webhook {
            purchase_id,
            status,
            signature_valid,
            ..
        } if purchase_id == id && status.eq_ignore_ascii_case(want) => Some(WebhookSeen {
            status: status.clone(),
            signature_valid: *signature_valid,
        }),
        _ => None,
    };
    if let Some(found) = seen.iter().find_map(matches) {
        return Some(found);
    }
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(event)) => {
                if let Some(found) = matches(&event) {
                    return Some(found);
                }
            }
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => continue,
            _ => return None,
        }
    }
}

/// `landed` as the JSON result names it.
pub fn landed_name(landed: Option<Landed>) -> Option<&'static str> {
    landed.map(|l| match l {
        Landed::Success => "success",
        Landed::Failure => "failure",
        Landed::Pending => "pending",
    })
}
