//! Refunds as the real API answers them (§10.6): a partial refund is accepted as
//! REFUND_IN_PROCESS and settles in a step of its own after the reply, with its webhook;
//! `POST /refundStatus/{purchaseId}/` reads one refund back.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::create::text;
use super::errors::{Coded, json_response};
use super::lifecycle::with_purchase;
use super::purchase::{Purchase, Status, round2};
use super::request::BodyUse;
use super::routes::PathParam;
use super::state::SandboxState;
use super::webhook::notify;

/// `refundStatus` for a refund id the purchase does not have.
pub const MSG_REFUND_NOT_FOUND: &str = "Transaction not found";

/// The refund object as the reply and `refundStatus` give it.
pub fn refund_record(refund_id: &str, p: &Purchase, amount: f64, reason: &str, now: i64) -> Value {
    json!({
        "refundId": refund_id, "purchaseId": p.id, "amount": amount,
        "currency": p.currency, "status": "REFUND_IN_PROCESS", "reason": reason,
        "createdOn": now, "refundOn": 0,
    })
}

/// Settles the refund `refund_id` of purchase `id` in the background, after the
/// configured `refund_delay_ms`: the handler has answered REFUND_IN_PROCESS by then.
pub fn spawn_settle(state: &Arc<SandboxState>, id: String, refund_id: String) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let delay = state.store.lock().settings.refund_delay_ms;
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        } else {
            // Let the reply go out first.
            tokio::task::yield_now().await;
        }
        settle(&state, &id, &refund_id);
    });
}

/// Books an in-process refund: `partial_refunded` or `refunded`, the refund REFUNDED with
/// its `refundOn`, and the webhook. A purchase reset or gone meanwhile is left alone.
fn settle(state: &Arc<SandboxState>, id: &str, refund_id: &str) {
    let mut inner = state.store.lock();
    let now = inner.now();
    let Some(p) = inner.purchases.get_mut(id) else {
        return;
    };
    if p.status != Status::RefundInProcess {
        return;
    }
    let Some(Value::Object(record)) = p
        .refunds
        .iter_mut()
        .find(|r| r.get("refundId").and_then(Value::as_str) == Some(refund_id))
    else {
        return;
    };
    let amount = record.get("amount").and_then(Value::as_f64).unwrap_or(0.0);
    record.insert("status".into(), json!("REFUNDED"));
    record.insert("refundOn".into(), json!(now));
    p.refunded_amount = round2(p.refunded_amount + amount);
    let done = if p.settled_total() - p.refunded_amount < 0.005 {
        Status::Refunded
    } else {
        Status::PartialRefunded
    };
    p.set_status(done, now);
    p.attempts.push(json!({
        "type": "refund", "successful": true, "processing_time": now,
        "extra": {"amount": amount, "refundId": refund_id},
    }));
    notify(state, p, &state.origin);
}

/// `POST /refundStatus/{purchaseId}/` with `{"refundId"}`.
pub async fn refund_status(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    with_purchase(&state, &id, req, BodyUse::Required, |p, call, _| {
        let body = call.body.clone().unwrap_or_default();
        let Some(refund_id) = text(&body, "refundId") else {
            return Err(Coded::missing("refundId is missing"));
        };
        p.refunds
            .iter()
            .find(|r| r.get("refundId").and_then(Value::as_str) == Some(refund_id.as_str()))
            .map(|r| json_response(StatusCode::OK, r))
            .ok_or_else(|| Coded::transaction(MSG_REFUND_NOT_FOUND))
    })
    .await
    .into_response()
}
