//! The calls around a payment (§8): status GET, cancel, full and partial refund.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::aging::{EXPIRED_AFTER, HOLD_LAPSES_AFTER, OVERDUE_AFTER};
use super::errors::{Coded, json_response, view_response};
use super::purchase::{Purchase, Status, round2};
use super::refunds::{refund_record, spawn_settle};
use super::request::{ApiCall, BodyUse, extract};
use super::routes::PathParam;
use super::state::SandboxState;
use super::store::{AgingCutoffs, Pending};
use super::webhook::notify;

/// Partial refunds one purchase may take.
pub const MAX_PARTIAL_REFUNDS: usize = 100;

/// Reads the call, then runs `f` on the purchase (aged first) with every other update of
/// it excluded; what `f` leaves is stored.
pub async fn with_purchase<F>(
    state: &Arc<SandboxState>,
    id: &str,
    req: Request,
    body: BodyUse,
    f: F,
) -> Response
where
    F: FnOnce(&mut Purchase, &ApiCall, i64) -> Result<Response, Coded>,
{
    let (parts, raw) = req.into_parts();
    let call = match extract(&state.keys, &state.origin, &parts, raw, body).await {
        Ok(call) => call,
        Err(e) => return e.into_response(),
    };
    match update_aged_async(state, id, &call.origin, |p, now| f(p, &call, now)).await {
        Ok(Some(answer)) => answer.unwrap_or_else(IntoResponse::into_response),
        Ok(None) => Coded::purchase_not_found().into_response(),
        Err(e) => e.into_response(),
    }
}

/// Reads the call, then answers from the purchase as it is now (aged); nothing is
/// written unless time moved it.
pub async fn read_purchase<F>(
    state: &Arc<SandboxState>,
    id: &str,
    req: Request,
    body: BodyUse,
    f: F,
) -> Response
where
    F: FnOnce(&Purchase, &ApiCall) -> Result<Response, Coded>,
{
    let (parts, raw) = req.into_parts();
    let call = match extract(&state.keys, &state.origin, &parts, raw, body).await {
        Ok(call) => call,
        Err(e) => return e.into_response(),
    };
    match read_aged(state, id, &call.origin) {
        Ok(Some(p)) => f(&p, &call).unwrap_or_else(IntoResponse::into_response),
        Ok(None) => Coded::purchase_not_found().into_response(),
        Err(e) => e.into_response(),
    }
}

/// Runs `f` on purchase `id` after aging it (and sending the `expired` webhook if it just
/// expired), with every other update of it excluded; `Ok(None)` when there is none.
pub fn update_aged<R>(
    state: &Arc<SandboxState>,
    id: &str,
    origin: &str,
    f: impl FnOnce(&mut Purchase, i64) -> R,
) -> Result<Option<R>, Coded> {
    state
        .store
        .update(id, aging(state, origin, f))
        .map_err(Coded::from)
}

/// `f` run on a purchase after aging it to the store's clock (and sending the `expired`
/// webhook if it just expired): the change both [`update_aged`]s make.
fn aging<'a, R>(
    state: &'a Arc<SandboxState>,
    origin: &'a str,
    f: impl FnOnce(&mut Purchase, i64) -> R + 'a,
) -> impl FnOnce(&mut Purchase) -> R + 'a {
    let now = state.store.now();
    move |p| {
        if p.age(now) {
            notify(state, p, origin);
        }
        f(p, now)
    }
}

/// [`update_aged`] for async callers: the runtime worker is free while the write waits
/// for its group commit.
pub async fn update_aged_async<R>(
    state: &Arc<SandboxState>,
    id: &str,
    origin: &str,
    f: impl FnOnce(&mut Purchase, i64) -> R,
) -> Result<Option<R>, Coded> {
    state
        .store
        .update_async(id, aging(state, origin, f))
        .await
        .map_err(Coded::from)
}

/// [`update_aged_async`] without waiting for the commit (see `Store::update_queued`).
pub fn update_aged_queued<R>(
    state: &Arc<SandboxState>,
    id: &str,
    origin: &str,
    f: impl FnOnce(&mut Purchase, i64) -> R,
) -> Result<Option<(R, Pending<()>)>, Coded> {
    state
        .store
        .update_queued(id, aging(state, origin, f))
        .map_err(Coded::from)
}

/// The purchase `id` as it is now: read, and aged (stored, with its webhook) only when
/// time moved it.
pub fn read_aged(
    state: &Arc<SandboxState>,
    id: &str,
    origin: &str,
) -> Result<Option<Purchase>, Coded> {
    let now = state.store.now();
    match state.store.get(id).map_err(Coded::from)? {
        Some(p) if p.needs_aging(now) => update_aged(state, id, origin, |p, _| p.clone()),
        found => Ok(found),
    }
}

/// `GET /purchases/{id}/`.
pub async fn status(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    read_purchase(&state, &id, req, BodyUse::Ignored, |p, call| {
        Ok(view_response(StatusCode::OK, &p.view(&call.origin)))
    })
    .await
}

/// `GET|POST /purchases/{id}/cancel/`: from CREATED, or an un-captured hold (§10.5).
pub async fn cancel(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let hold_state = Arc::clone(&state);
    with_purchase(&state, &id, req, BodyUse::Ignored, move |p, call, now| {
        if let Some(answer) = super::capture::cancel_hold(&hold_state, p, &call.origin, now) {
            return answer;
        }
        if p.status != Status::Created || p.in_flight {
            return Err(Coded::transaction(
                "Only purchases that can be paid for can be canceled.",
            ));
        }
        p.set_status(Status::Cancelled, now);
        Ok(view_response(StatusCode::ACCEPTED, &p.view(&call.origin)))
    })
    .await
}

/// Checks common to both refunds.
fn refundable(p: &Purchase) -> Result<f64, Coded> {
    match p.status {
        Status::Refunded => Err(Coded::transaction(
            "This Purchase was already fully refunded.",
        )),
        Status::RefundInProcess => Err(Coded::transaction(
            "Previous Refund Request already in Process",
        )),
        Status::Paid | Status::PartialRefunded | Status::PartiallyCaptured => {
            if p.refund_fails {
                Err(Coded::transaction(
                    "Refund can not be initiated .Please contact Administrator.",
                ))
            } else {
                Ok(p.refundable())
            }
        }
        _ => Err(Coded::transaction(
            "Only Purchases with `status == (paid)` can be refunded.",
        )),
    }
}

/// Refunds `amount`; the sandbox settles at once (`refund_in_process` then the result).
fn refund(p: &mut Purchase, amount: f64, now: i64) -> Status {
    p.set_status(Status::RefundInProcess, now);
    book_refund(p, amount, None, now)
}

/// Books a refund of `amount` on a purchase in `refund_in_process`: `refunded` once the
/// settled total is given back, else `partial_refunded`, and its attempt (with the
/// refund's id when it has one).
pub fn book_refund(p: &mut Purchase, amount: f64, refund_id: Option<&str>, now: i64) -> Status {
    p.refunded_amount = round2(p.refunded_amount + amount);
    let done = if p.settled_total() - p.refunded_amount < 0.005 {
        Status::Refunded
    } else {
        Status::PartialRefunded
    };
    p.set_status(done, now);
    let extra = match refund_id {
        Some(id) => json!({"amount": amount, "refundId": id}),
        None => json!({"amount": amount}),
    };
    p.attempts.push(json!({
        "type": "refund", "successful": true, "processing_time": now, "extra": extra,
    }));
    done
}

/// An `amount` that is no finite number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// The body's `amount`, as a number or numeric text: `Ok(None)` when absent or empty,
/// `Err(NotANumber)` otherwise. (Refunds and captures read it alike.)
pub fn amount_of(body: &serde_json::Map<String, Value>) -> Result<Option<f64>, NotANumber> {
    let amount = match body.get("amount") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    amount.filter(|a| a.is_finite()).map(Some).ok_or(NotANumber)
}

/// `GET /purchases/{id}/refund/`: refunds what is left.
pub async fn refund_full(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let notify_state = Arc::clone(&state);
    with_purchase(&state, &id, req, BodyUse::Ignored, move |p, call, now| {
        let left = refundable(p)?;
        refund(p, left, now);
        notify(&notify_state, p, &call.origin);
        Ok(view_response(StatusCode::ACCEPTED, &p.view(&call.origin)))
    })
    .await
}

/// `POST /purchases/{id}/refund/` with `{amount, reason}`.
pub async fn refund_partial(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let refund_id = state.store.new_id();
    let reply_id = refund_id.clone();
    let answer = with_purchase(&state, &id, req, BodyUse::Required, move |p, call, now| {
        let body = call.body.clone().unwrap_or_default();
        let amount = match amount_of(&body) {
            Ok(Some(amount)) => amount,
            Ok(None) => return Err(Coded::transaction("amount is required")),
            Err(NotANumber) => {
                return Err(Coded::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_amount",
                    "Refund amount must be a number.",
                ));
            }
        };
        let reason = super::purchase::text(&body, "reason")
            .ok_or_else(|| Coded::transaction("reason for refund is required"))?;
        // Judged on the amount as it will be booked: 0.004 rounds to 0.00, which would
        // add history entries and refund nothing (§10.6).
        if round2(amount) <= 0.0 {
            return Err(Coded::transaction(
                "Refund amount must be greater than zero.",
            ));
        }
        let left = refundable(p)?;
        // Each refund appends to status_history; a cap keeps a loop of tiny refunds from
        // growing one purchase without bound. The full refund stays open for the rest.
        if p.refunds.len() >= MAX_PARTIAL_REFUNDS {
            return Err(Coded::new(
                StatusCode::BAD_REQUEST,
                "refund_limit_reached",
                format!(
                    "At most {MAX_PARTIAL_REFUNDS} partial refunds per purchase; refund the rest in full"
                ),
            ));
        }
        if round2(amount) > left {
            return Err(Coded::new(
                StatusCode::BAD_REQUEST,
                "invalid_amount",
                format!("Refund amount exceeds refundable amount: {left}"),
            ));
        }
        // Accepted, not booked: the purchase waits in refund_in_process and the refund
        // settles in its own step after this reply (§10.6).
        p.set_status(Status::RefundInProcess, now);
        let reply = refund_record(&reply_id, p, round2(amount), &reason, now);
        p.refunds.push(reply.clone());
        Ok(json_response(StatusCode::ACCEPTED, &reply))
    })
    .await;
    if answer.status() == StatusCode::ACCEPTED {
        spawn_settle(&state, id, refund_id);
    }
    answer
}

/// Purchases aged per batch after a clock move.
const AGING_BATCH: usize = 500;

/// Ages every purchase the sandbox clock has made due (OVERDUE; EXPIRED with its
/// webhook), batch by batch, each purchase its own short update. Blocking: run it off
/// the async workers.
pub fn age_due(state: &Arc<SandboxState>, origin: &str) {
    let now = state.store.now();
    let cutoffs = AgingCutoffs {
        overdue: now - OVERDUE_AFTER,
        expired: now - EXPIRED_AFTER,
        hold_lapsed: now - HOLD_LAPSES_AFTER,
    };
    loop {
        let ids = match state.store.backend().due_for_aging(cutoffs, AGING_BATCH) {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!(error = %e, "sandbox: could not list the purchases to age");
                return;
            }
        };
        let mut moved = 0;
        for id in &ids {
            let changed = state.store.update(id, |p| {
                let before = p.status;
                if p.age(now) {
                    notify(state, p, origin);
                }
                p.status != before
            });
            if matches!(changed, Ok(Some(true))) {
                moved += 1;
            }
        }
        // A batch that moved nothing holds only records that do not read: stop there.
        if moved == 0 {
            return;
        }
    }
}
