//! The emulator-only control plane under `/_sandbox/` (§9): no auth, loopback only.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::errors::{Coded, json_response};
use super::lifecycle::{age_due, read_aged};
use super::listing::blocking;
use super::purchase::Status;
use super::request::{carries_body, is_json_content_type, parse_object, peer_ip, read_limited};
use super::routes::PathParam;
use super::state::SandboxState;
use super::store::{Delivery, Settings};
use super::transitions::apply_outcome;
use super::webhook::{WebhookJob, deliver, notify, take_slot};
use crate::paysecure::test_cards::CardOutcome;

/// Guards the control plane: loopback callers only, no cross-site requests. A web page
/// the user visits can make their browser send requests to 127.0.0.1; such a request
/// carries the page's `Origin`, and a form post can only carry a form or text type, so
/// refusing foreign origins and non-JSON bodies keeps pages from resetting the sandbox or
/// settling purchases.
pub async fn guard(State(state): State<Arc<SandboxState>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if !peer_ip(&parts).is_loopback() {
        return Coded::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "The sandbox control plane answers loopback callers only",
        )
        .into_response();
    }
    if let Some(origin) = parts.headers.get(header::ORIGIN)
        && !is_own_origin(origin.as_bytes(), &state.origin)
    {
        return Coded::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "The sandbox control plane refuses requests from other origins",
        )
        .into_response();
    }
    if carries_body(&parts.method, &parts.headers) && !is_json_content_type(&parts.headers) {
        return Coded::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "The sandbox control plane takes application/json bodies only",
        )
        .into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// Whether an `Origin` value is the sandbox's own (scheme, host and port, any case).
pub fn is_own_origin(origin: &[u8], own: &str) -> bool {
    let origin = String::from_utf8_lossy(origin);
    origin
        .trim()
        .trim_end_matches('/')
        .eq_ignore_ascii_case(own.trim_end_matches('/'))
}

/// Reads an optional JSON object body (empty means `{}`).
async fn object_body(
    state: &SandboxState,
    req: Request,
) -> Result<(Map<String, Value>, String), Coded> {
    let (parts, body) = req.into_parts();
    let bytes = read_limited(&parts, body).await?;
    let origin = state.origin.clone();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((Map::new(), origin));
    }
    Ok((parse_object(&bytes)?, origin))
}

/// `GET /_sandbox/purchases/{id}`: the purchase plus the emulator's bookkeeping.
pub async fn get_one(State(state): State<Arc<SandboxState>>, PathParam(id): PathParam) -> Response {
    let origin = state.origin.clone();
    let limit = state.store.settings().attempt_limit;
    let p = match read_aged(&state, &id, &origin) {
        Ok(Some(p)) => p,
        Ok(None) => return Coded::purchase_not_found().into_response(),
        Err(e) => return e.into_response(),
    };
    let mut body = p.to_json(&origin);
    if let Some(map) = body.as_object_mut() {
        map.insert("attempts".into(), json!(p.attempts));
        map.insert(
            "sandbox".into(),
            json!({
                "attempts_used": p.attempts_used,
                "attempt_limit": limit,
                "in_flight": p.in_flight,
                "awaiting_callback": p.awaits_callback(),
                "key_type": format!("{:?}", p.key_type).to_ascii_lowercase(),
                "outcome": p.pending.as_ref().map(|x| format!("{:?}", x.outcome)),
                "auth": p.pending.as_ref().map(|x| format!("{:?}", x.auth)),
            }),
        );
    }
    json_response(StatusCode::OK, &body)
}

/// `POST /_sandbox/purchases/{id}/settle {"status":"paid"|"error"}`.
pub async fn settle(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let (body, origin) = match object_body(&state, req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let outcome = match body.get("status").and_then(Value::as_str) {
        Some(s) if s.eq_ignore_ascii_case("paid") => CardOutcome::Success,
        Some(s) if s.eq_ignore_ascii_case("error") => CardOutcome::Declined("Transaction Failed"),
        _ => {
            return Coded::new(
                StatusCode::BAD_REQUEST,
                "Invalid_Parameter",
                "status must be \"paid\" or \"error\"",
            )
            .into_response();
        }
    };
    match settle_purchase(&state, &id, outcome, &origin) {
        Ok(purchase) => json_response(StatusCode::OK, &purchase),
        Err(e) => e.into_response(),
    }
}

/// Resolves a PAYMENT_IN_PROCESS purchase with `outcome` and sends its webhook; the
/// purchase as JSON. Shared by the JSON endpoint and the dashboard's form.
pub fn settle_purchase(
    state: &Arc<SandboxState>,
    id: &str,
    outcome: CardOutcome,
    origin: &str,
) -> Result<Value, Coded> {
    let now = state.store.now();
    let settled = state.store.update(id, |p| {
        if p.status != Status::PaymentInProcess {
            return Err(Coded::transaction(
                "Only purchases in PAYMENT_IN_PROCESS can be settled",
            ));
        }
        apply_outcome(p, outcome, now);
        notify(state, p, origin);
        Ok(p.to_json(origin))
    });
    settled
        .map_err(Coded::from)?
        .unwrap_or_else(|| Err(Coded::purchase_not_found()))
}

/// `GET /_sandbox/clock`: how far the sandbox clock runs ahead and its "now" (what the
/// panel counts purchase ages from: `created_on` is on the sandbox clock), the same shape
/// as a move answers.
pub async fn get_clock(State(state): State<Arc<SandboxState>>) -> Response {
    clock_answer(&state, state.store.backend().clock_offset_minutes())
}

/// The clock's offset and the sandbox's "now": what a read or a move answers.
fn clock_answer(state: &SandboxState, offset: i64) -> Response {
    let body = json!({"clock_offset_minutes": offset, "now": state.store.now()});
    json_response(StatusCode::OK, &body)
}

/// `POST /_sandbox/clock {"advance_minutes":N}`.
pub async fn clock(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    let (body, origin) = match object_body(&state, req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let Some(minutes) = body
        .get("advance_minutes")
        .and_then(Value::as_i64)
        .filter(|m| (0..=10 * 365 * 24 * 60).contains(m))
    else {
        return Coded::new(
            StatusCode::BAD_REQUEST,
            "Invalid_Parameter",
            "advance_minutes must be a whole number from 0 to 5256000",
        )
        .into_response();
    };
    let moved = {
        let state = Arc::clone(&state);
        blocking(move || {
            let offset = state
                .store
                .backend()
                .advance_clock(minutes)
                .map_err(Coded::from)?;
            age_due(&state, &origin);
            // Retention counts sandbox days too: what the move made old goes now.
            state.store.backend().request_sweep();
            Ok(offset)
        })
        .await
    };
    match moved {
        Ok(offset) => clock_answer(&state, offset),
        Err(e) => e.into_response(),
    }
}

/// `POST /_sandbox/webhooks/{n}/replay`: sends the same body and signature again; with
/// `{"url": "http://…"}` to that URL instead (redeliver to the user's own endpoint).
pub async fn replay(
    State(state): State<Arc<SandboxState>>,
    PathParam(n): PathParam,
    req: Request,
) -> Response {
    let target = match object_body(&state, req).await {
        Ok((body, _)) => match body.get("url") {
            None | Some(Value::Null) => None,
            Some(Value::String(url))
                if reqwest::Url::parse(url)
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()) =>
            {
                Some(url.clone())
            }
            Some(_) => {
                return Coded::new(
                    StatusCode::BAD_REQUEST,
                    "Invalid_Parameter",
                    "url must be an absolute http(s) URL",
                )
                .into_response();
            }
        },
        Err(e) => return e.into_response(),
    };
    match replay_delivery(&state, &n, target).await {
        Ok(delivery) => json_response(StatusCode::OK, &json!(delivery)),
        Err(e) => e.into_response(),
    }
}

/// Sends delivery `n` again (to `target` when given) and logs it as a new delivery.
/// Shared by the JSON endpoint and the dashboard's form.
pub async fn replay_delivery(
    state: &SandboxState,
    n: &str,
    target: Option<String>,
) -> Result<Delivery, Coded> {
    let found = match n.parse::<u64>() {
        Ok(n) => state.store.backend().delivery(n).map_err(Coded::from)?,
        Err(_) => None,
    };
    let job = {
        found.map(|d| WebhookJob {
            purchase_id: d.purchase_id.clone(),
            status: d.status.clone(),
            brand_id: serde_json::from_str::<Value>(&d.body)
                .ok()
                .and_then(|body| {
                    body.pointer("/message/brandId")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .unwrap_or_else(|| state.brand_id.clone()),
            forwarded: d.forwarded && target.is_none(),
            url: target.unwrap_or_else(|| d.url.clone()),
            body: Arc::clone(&d.body),
        })
    };
    let Some(job) = job else {
        return Err(Coded::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No webhook delivery with that number",
        ));
    };
    let slot = take_slot(state);
    deliver(state, job, slot, false).await
}

/// `GET /_sandbox/public-key`: PEM text.
pub async fn public_key() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/x-pem-file")],
        super::signing::public_key_pem(),
    )
        .into_response()
}

/// `GET /_sandbox/settings`.
pub async fn get_settings(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(StatusCode::OK, &json!(state.store.settings()))
}

/// `PUT /_sandbox/settings`: any subset of the fields; unknown or ill-typed values refused.
pub async fn put_settings(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    let (body, _) = match object_body(&state, req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    // One change at a time, so two PUTs of different fields both take effect.
    let _turn = SETTINGS_CHANGE.lock().unwrap_or_else(|p| p.into_inner());
    let next = match merge_settings(&state.store.settings(), &body) {
        Ok(next) => next,
        Err(e) => return e.into_response(),
    };
    match state.store.backend().put_settings(&next) {
        Ok(()) => json_response(StatusCode::OK, &json!(next)),
        Err(e) => Coded::from(e).into_response(),
    }
}

/// Orders settings changes (read, merge, write).
static SETTINGS_CHANGE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn merge_settings(current: &Settings, body: &Map<String, Value>) -> Result<Settings, Coded> {
    let bad = |m: &str| Coded::new(StatusCode::BAD_REQUEST, "Invalid_Parameter", m);
    let mut next = current.clone();
    for (key, value) in body {
        match key.as_str() {
            "attempt_limit" => {
                next.attempt_limit = value
                    .as_u64()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| bad("attempt_limit must be 1 to 1000"))?
                    as u32;
            }
            "mode" => {
                next.mode = value
                    .as_str()
                    .map(str::to_ascii_lowercase)
                    .filter(|m| m == "2d" || m == "3d")
                    .ok_or_else(|| bad("mode must be \"3d\" or \"2d\""))?;
            }
            "latency_ms" => {
                next.latency_ms = value
                    .as_u64()
                    .filter(|n| *n <= 60_000)
                    .ok_or_else(|| bad("latency_ms must be 0 to 60000"))?;
            }
            "timeout_s" => {
                next.timeout_s = value
                    .as_u64()
                    .filter(|n| *n <= 600)
                    .ok_or_else(|| bad("timeout_s must be 0 to 600"))?;
            }
            "webhook_timeout_s" => {
                next.webhook_timeout_s = value
                    .as_u64()
                    .filter(|n| (1..=120).contains(n))
                    .ok_or_else(|| bad("webhook_timeout_s must be 1 to 120"))?;
            }
            "refund_delay_ms" => {
                next.refund_delay_ms = value
                    .as_u64()
                    .filter(|n| *n <= 60_000)
                    .ok_or_else(|| bad("refund_delay_ms must be 0 to 60000"))?;
            }
            other => return Err(bad(&format!("unknown setting \"{other}\""))),
        }
    }
    Ok(next)
}

/// `POST /_sandbox/reset`.
pub async fn reset(State(state): State<Arc<SandboxState>>) -> Response {
    match blocking(move || state.store.reset().map_err(Coded::from)).await {
        Ok(()) => json_response(StatusCode::OK, &json!({"reset": true})),
        Err(e) => e.into_response(),
    }
}

/// `GET /_sandbox/merchant/events`: what the merchant stub received.
pub async fn merchant_events(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(StatusCode::OK, &json!(state.events_snapshot()))
}

/// `GET /_sandbox/stats`: counts that let a load test account for every purchase without
/// downloading them all — totals by status, purchases paid more than once (must be 0),
/// webhook deliveries by response.
pub async fn stats(State(state): State<Arc<SandboxState>>) -> Response {
    match blocking(move || state.store.backend().stats().map_err(Coded::from)).await {
        Ok(stats) => {
            let by_status: Map<String, Value> = stats
                .by_status
                .into_iter()
                .map(|(status, n)| (status, json!(n)))
                .collect();
            let body = json!({
                "purchases": stats.purchases,
                "by_status": by_status,
                "double_paid": stats.double_paid,
                "webhooks": {
                    "total": stats.webhooks_total,
                    "delivered_2xx": stats.webhooks_delivered_2xx,
                },
            });
            json_response(StatusCode::OK, &body)
        }
        Err(e) => e.into_response(),
    }
}
