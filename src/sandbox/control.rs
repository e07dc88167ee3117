//! The emulator-only control plane under `/_sandbox/` (§9): no auth, loopback only.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::errors::{Coded, json_response};
use super::lifecycle::expire_if_due;
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

/// `GET /_sandbox/purchases`: newest first.
pub async fn list(State(state): State<Arc<SandboxState>>) -> Response {
    let origin = state.origin.clone();
    let mut inner = state.store.lock();
    let ids: Vec<String> = inner.order.iter().rev().cloned().collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        expire_if_due(&state, &mut inner, id, &origin);
        if let Some(p) = inner.purchases.get(id) {
            out.push(p.to_json(&origin));
        }
    }
    json_response(StatusCode::OK, &Value::Array(out))
}

/// `GET /_sandbox/purchases/{id}`: the purchase plus the emulator's bookkeeping.
pub async fn get_one(State(state): State<Arc<SandboxState>>, PathParam(id): PathParam) -> Response {
    let origin = state.origin.clone();
    let mut inner = state.store.lock();
    expire_if_due(&state, &mut inner, &id, &origin);
    let limit = inner.settings.attempt_limit;
    let Some(p) = inner.purchases.get(&id) else {
        return Coded::purchase_not_found().into_response();
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
    let mut inner = state.store.lock();
    let now = inner.now();
    let Some(p) = inner.purchases.get_mut(id) else {
        return Err(Coded::purchase_not_found());
    };
    if p.status != Status::PaymentInProcess {
        return Err(Coded::transaction(
            "Only purchases in PAYMENT_IN_PROCESS can be settled",
        ));
    }
    apply_outcome(p, outcome, now);
    notify(state, p, origin);
    Ok(p.to_json(origin))
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
    let mut inner = state.store.lock();
    inner.clock_offset_minutes += minutes;
    let ids = inner.order.clone();
    for id in &ids {
        expire_if_due(&state, &mut inner, id, &origin);
    }
    let body = json!({"clock_offset_minutes": inner.clock_offset_minutes, "now": inner.now()});
    json_response(StatusCode::OK, &body)
}

/// `GET /_sandbox/webhooks`.
pub async fn webhooks(State(state): State<Arc<SandboxState>>) -> Response {
    let inner = state.store.lock();
    json_response(StatusCode::OK, &json!(inner.deliveries))
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
    let job = {
        let inner = state.store.lock();
        n.parse::<usize>()
            .ok()
            .and_then(|n| inner.deliveries.get(n))
            .map(|d| WebhookJob {
                purchase_id: d.purchase_id.clone(),
                status: d.status.clone(),
                brand_id: d
                    .body
                    .pointer("/message/brandId")
                    .and_then(Value::as_str)
                    .unwrap_or(&state.brand_id)
                    .to_string(),
                forwarded: d.forwarded && target.is_none(),
                url: target.unwrap_or_else(|| d.url.clone()),
                body: d.body.clone(),
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
    Ok(deliver(state, job, slot).await)
}

/// `GET /_sandbox/public-key`: PEM text.
pub async fn public_key(State(state): State<Arc<SandboxState>>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/x-pem-file")],
        state.signer.public_key_pem(),
    )
        .into_response()
}

/// `GET /_sandbox/settings`.
pub async fn get_settings(State(state): State<Arc<SandboxState>>) -> Response {
    let settings = state.store.lock().settings.clone();
    json_response(StatusCode::OK, &json!(settings))
}

/// `PUT /_sandbox/settings`: any subset of the fields; unknown or ill-typed values refused.
pub async fn put_settings(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    let (body, _) = match object_body(&state, req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut inner = state.store.lock();
    match merge_settings(&inner.settings, &body) {
        Ok(next) => {
            inner.settings = next.clone();
            json_response(StatusCode::OK, &json!(next))
        }
        Err(e) => e.into_response(),
    }
}

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
    state.store.reset();
    json_response(StatusCode::OK, &json!({"reset": true}))
}

/// `GET /_sandbox/merchant/events`: what the merchant stub received.
pub async fn merchant_events(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(StatusCode::OK, &json!(state.events_snapshot()))
}

/// `GET /_sandbox/stats`: counts that let a load test account for every purchase without
/// downloading them all — totals by status, purchases paid more than once (must be 0),
/// webhook deliveries by response.
pub async fn stats(State(state): State<Arc<SandboxState>>) -> Response {
    let inner = state.store.lock();
    let mut by_status: std::collections::BTreeMap<String, usize> =
        std::collections::BTreeMap::new();
    let mut double_paid = 0;
    for p in inner.purchases.values() {
        *by_status.entry(p.status.upper().to_string()).or_default() += 1;
        if p.history.iter().filter(|(s, _)| s == "paid").count() > 1 {
            double_paid += 1;
        }
    }
    let delivered = inner
        .deliveries
        .iter()
        .filter(|d| d.response_status.is_some_and(|s| s < 300))
        .count();
    let body = json!({
        "purchases": inner.purchases.len(),
        "by_status": by_status,
        "double_paid": double_paid,
        "webhooks": {"total": inner.deliveries.len(), "delivered_2xx": delivered},
    });
    json_response(StatusCode::OK, &body)
}
