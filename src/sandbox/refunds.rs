//! Refunds as the real API answers them (§10.6): a partial refund is accepted as
//! REFUND_IN_PROCESS and settles in a step of its own after the reply, with its webhook;
//! `POST /refundStatus/{purchaseId}/` reads one refund back.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{Coded, json_response};
use super::lifecycle::{book_refund, read_purchase};
use super::purchase::{Purchase, Status, text};
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
        let delay = state.store.settings().refund_delay_ms;
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
    let now = state.store.now();
    let booked = state.store.update(id, |p| {
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
        book_refund(p, amount, Some(refund_id), now);
        notify(state, p, &state.origin);
    });
    if let Err(e) = booked {
        tracing::error!(error = %e, purchase_id = %id, "sandbox: a refund could not be booked");
    }
}

/// Most purchases whose refunds [`resume`] books at start.
const RESUMED_AT_MOST: usize = 10_000;

/// Books the refunds a stopped process had accepted but not booked (it answered
/// REFUND_IN_PROCESS, then stopped before the booking step), in the background.
pub fn resume(state: &Arc<SandboxState>) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let lookup = Arc::clone(&state);
        let ids = tokio::task::spawn_blocking(move || {
            lookup.store.backend().refunds_in_process(RESUMED_AT_MOST)
        })
        .await;
        let Ok(Ok(ids)) = ids else {
            return;
        };
        for id in ids {
            let Ok(Some(p)) = state.store.get(&id) else {
                continue;
            };
            let waiting = p
                .refunds
                .iter()
                .filter(|r| r.get("status").and_then(Value::as_str) == Some("REFUND_IN_PROCESS"));
            for refund in waiting {
                if let Some(refund_id) = refund.get("refundId").and_then(Value::as_str) {
                    settle(&state, &id, refund_id);
                }
            }
        }
    });
}

/// `POST /refundStatus/{purchaseId}/` with `{"refundId"}`.
pub async fn refund_status(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    read_purchase(&state, &id, req, BodyUse::Required, |p, call| {
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
