//! Pre-authorisation (§10.5, reference §6.4): a purchase created with `skip_capture`
//! ends a successful payment in PREAUTHORIZED (a hold); `POST /purchases/{id}/capture/`
//! takes all or part of it, and cancel voids an un-captured hold.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::errors::{Coded, json_response, view_response};
use super::lifecycle::with_purchase;
use super::purchase::{Purchase, Status, round2, text};
use super::request::BodyUse;
use super::routes::PathParam;
use super::state::SandboxState;
use super::webhook::notify;

/// Capture of more than the hold.
pub const MSG_CAPTURE_EXCEEDS: &str = "Capture amount exceeds the authorised total";
/// Capture of anything but an un-captured hold. The reference gives no text for this
/// case; the wording follows the refund's "Only Purchases with `status == (paid)`".
pub const MSG_NOT_CAPTURABLE: &str =
    "Only purchases with `status == (preauthorized)` can be captured.";
/// Cancel after a capture (reference §6.3).
pub const MSG_CAPTURED: &str = "Cannot cancel a captured transaction";

/// `POST /purchases/{id}/capture/` with optional `{amount, merchant_reference}`.
pub async fn capture(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let notify_state = Arc::clone(&state);
    with_purchase(&state, &id, req, BodyUse::Optional, move |p, call, now| {
        let body = call.body.clone().unwrap_or_default();
        if p.status != Status::Preauthorized {
            return Err(Coded::transaction(MSG_NOT_CAPTURABLE));
        }
        let amount = capture_amount(&body, p.total)?;
        let reference = text(&body, "merchant_reference");
        take(p, amount, reference.clone(), now);
        notify(&notify_state, p, &call.origin);
        let purchase = p.to_json(&call.origin);
        let mut reply = json!({
            "purchaseId": p.id,
            "status": p.status.upper(),
            "captured_amount": amount,
            "released_amount": p.after.released_amount,
            "payment": purchase.get("payment").cloned().unwrap_or(Value::Null),
        });
        if let (Some(r), Some(map)) = (reference, reply.as_object_mut()) {
            map.insert("merchant_reference".into(), json!(r));
        }
        Ok(json_response(StatusCode::ACCEPTED, &reply))
    })
    .await
}

/// The amount to capture: absent means the whole hold.
fn capture_amount(body: &Map<String, Value>, total: f64) -> Result<f64, Coded> {
    let amount = match super::lifecycle::amount_of(body) {
        Ok(Some(amount)) => amount,
        Ok(None) => return Ok(total),
        Err(super::lifecycle::NotANumber) => {
            return Err(Coded::new(
                StatusCode::BAD_REQUEST,
                "invalid_amount",
                "Capture amount must be a number.",
            ));
        }
    };
    // Judged as it will be booked, in cents (0.004 would capture nothing).
    let amount = round2(amount);
    if amount <= 0.0 {
        return Err(Coded::transaction(
            "Capture amount must be greater than zero.",
        ));
    }
    if amount > total {
        return Err(Coded::transaction(MSG_CAPTURE_EXCEEDS));
    }
    Ok(amount)
}

/// The status a successful payment lands in: PREAUTHORIZED when the purchase asked for
/// `skip_capture`.
pub fn held(p: &Purchase, status: Status) -> Status {
    if p.skip_capture && status == Status::Paid {
        Status::Preauthorized
    } else {
        status
    }
}

/// Books the capture: `capture_in_process`, then PAID (all) or PARTIALLY_CAPTURED.
fn take(p: &mut Purchase, amount: f64, reference: Option<String>, now: i64) {
    p.set_status(Status::CaptureInProcess, now);
    p.after.captured_amount = Some(amount);
    p.after.released_amount = round2(p.total - amount);
    p.after.capture_reference = reference;
    p.paid_on = Some(now);
    let done = if p.total - amount < 0.005 {
        Status::Paid
    } else {
        Status::PartiallyCaptured
    };
    p.set_status(done, now);
    p.attempts.push(json!({
        "type": "capture", "successful": true, "processing_time": now,
        "extra": {"amount": amount},
    }));
}

/// Cancel's answer for a pre-authorisation: `None` when the purchase is not one (the
/// plain cancel rules apply); a refusal once captured; else the void (`void_in_process`,
/// then CANCELLED, with its webhook).
pub fn cancel_hold(
    state: &Arc<SandboxState>,
    p: &mut Purchase,
    origin: &str,
    now: i64,
) -> Option<Result<Response, Coded>> {
    if p.after.captured_amount.is_some() {
        return Some(Err(Coded::transaction(MSG_CAPTURED)));
    }
    if p.status != Status::Preauthorized {
        return None;
    }
    p.set_status(Status::VoidInProcess, now);
    p.after.released_amount = p.total;
    p.set_status(Status::Cancelled, now);
    p.attempts.push(json!({
        "type": "void", "successful": true, "processing_time": now,
        "extra": {"amount": p.total},
    }));
    notify(state, p, origin);
    Some(Ok(view_response(StatusCode::ACCEPTED, &p.view(origin))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn amount_defaults_to_the_hold_and_is_bounded_by_it() {
        assert_eq!(capture_amount(&body(json!({})), 20.0), Ok(20.0));
        assert_eq!(
            capture_amount(&body(json!({"amount": "7.5"})), 20.0),
            Ok(7.5)
        );
        assert_eq!(
            capture_amount(&body(json!({"amount": 20.01})), 20.0),
            Err(Coded::transaction(MSG_CAPTURE_EXCEEDS))
        );
        assert_eq!(
            capture_amount(&body(json!({"amount": 0.004})), 20.0).map_err(|e| e.message),
            Err("Capture amount must be greater than zero.".to_string())
        );
        assert_eq!(
            capture_amount(&body(json!({"amount": [1]})), 20.0).map_err(|e| e.code),
            Err("invalid_amount")
        );
    }
}
