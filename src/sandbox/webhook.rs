//! Signed webhook delivery: one attempt, no retry (as Paysecure), every delivery logged
//! so the control plane can list and replay it.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::purchase::Purchase;
use super::signing::signed_string;
use super::state::SandboxState;
use super::store::Delivery;
use crate::clock::now_epoch;

/// How long one delivery may take before it is logged as a transport error.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// A webhook to send, prepared under the store's lock.
#[derive(Debug, Clone)]
pub struct WebhookJob {
    pub purchase_id: String,
    pub status: String,
    pub brand_id: String,
    pub url: String,
    pub body: Value,
}

/// The webhook a final status calls for, if the purchase has a URL for it:
/// `paid` → `success_callback`; `error`/`expired` → `failure_callback`.
pub fn job_for(purchase: &Purchase, origin: &str) -> Option<WebhookJob> {
    let status = purchase.status.lower();
    let url = match status.as_str() {
        "paid" => purchase.success_callback.clone(),
        "error" | "expired" => purchase.failure_callback.clone(),
        _ => None,
    }?;
    Some(WebhookJob {
        purchase_id: purchase.id.clone(),
        status,
        brand_id: purchase.brand_id.clone(),
        url,
        body: purchase.webhook_body(origin),
    })
}

/// Sends the webhook the purchase's status calls for, if any, in the background.
pub fn notify(state: &Arc<SandboxState>, purchase: &Purchase, origin: &str) {
    if let Some(job) = job_for(purchase, origin) {
        spawn_delivery(state, job);
    }
}

/// Sends the job in the background.
pub fn spawn_delivery(state: &Arc<SandboxState>, job: WebhookJob) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        deliver(&state, job).await;
    });
}

/// Signs and posts one webhook, then logs the delivery; returns the log entry.
pub async fn deliver(state: &SandboxState, job: WebhookJob) -> Delivery {
    let message = signed_string(&job.purchase_id, &job.status, &job.brand_id);
    let signature = state.signer.sign(&message).unwrap_or_default();
    let body = serde_json::to_vec(&job.body).unwrap_or_default();
    let result = state
        .http
        .post(&job.url)
        .header("content-type", "application/json")
        .header("paysecure-sign", &signature)
        .timeout(DELIVERY_TIMEOUT)
        .body(body)
        .send()
        .await;
    let (response_status, error) = match result {
        Ok(resp) => (Some(resp.status().as_u16()), None),
        Err(e) => (None, Some(describe(&e))),
    };
    let mut inner = state.store.lock();
    let delivery = Delivery {
        n: inner.deliveries.len(),
        purchase_id: job.purchase_id,
        url: job.url,
        status: job.status,
        signature,
        response_status,
        error,
        delivered_at: now_epoch(),
        body: job.body,
    };
    inner.deliveries.push(delivery.clone());
    delivery
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connection refused".into()
    } else {
        format!("transport error: {e}")
    }
}
