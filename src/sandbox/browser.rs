//! The customer's browser at the `callback_url` (§5): frictionless 302, or the OTP
//! challenge page and its form POST, then the redirect to the merchant.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::errors::Coded;
use super::lifecycle::{update_aged, update_aged_async};
use super::pages::{ChallengeView, challenge_page};
use super::purchase::{PendingPayment, Purchase, Status};
use super::request::read_limited;
use super::routes::PathParam;
use super::s2s::MSG_NOT_PAYABLE;
use super::state::SandboxState;
use super::transitions::apply_outcome;
use super::webhook::notify;
use crate::paysecure::test_cards::{Auth, CardOutcome};

/// The OTP the sandbox issuer accepts.
pub const SANDBOX_OTP: &str = "123456";
/// `errorMsg` of a failed or cancelled challenge.
pub const MSG_3DS_FAILED: &str = "3DS authentication failed";

/// `GET /api/v1/payment/{id}/`.
pub async fn callback_get(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> Response {
    open_callback(&state, &id, &headers).await
}

/// What the customer's browser gets at the callback: the frictionless outcome and its
/// redirect, or the challenge page. The hosted payment page goes on here after the card
/// was accepted, as a browser sent to `callback_url` would.
pub async fn open_callback(state: &Arc<SandboxState>, id: &str, headers: &HeaderMap) -> Response {
    let origin = state.origin.clone();
    let answer = update_aged_async(state, id, &origin, |p, now| {
        let pending = awaited(p)?;
        p.viewed_on.get_or_insert(now);
        Ok(match pending.auth {
            Auth::Frictionless => finish(state, p, pending.outcome, &origin, now),
            Auth::Challenge => {
                let amount = format!("{} {:.2}", p.currency, p.total);
                Html(challenge_page(&ChallengeView {
                    purchase_id: &p.id,
                    merchant: &state.brand_name,
                    amount,
                    masked_pan: &pending.masked_pan,
                    card_brand: &pending.card_brand,
                }))
                .into_response()
            }
        })
    })
    .await;
    browser_answer(answer, headers)
}

/// `POST /api/v1/payment/{id}/`: the challenge form (`otp`, `action=submit|cancel`).
pub async fn callback_post(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let origin = state.origin.clone();
    let form = match read_limited(&parts, body).await {
        Ok(bytes) => bytes,
        Err(e) => return e.for_browser(&parts.headers),
    };
    let headers = parts.headers;
    let mut otp = String::new();
    let mut cancelled = false;
    for (k, v) in form_urlencoded::parse(&form) {
        match k.as_ref() {
            "otp" => otp = v.trim().to_string(),
            "action" => cancelled = v == "cancel",
            _ => {}
        }
    }
    let answer = update_aged(&state, &id, &origin, |p, now| {
        let pending = awaited(p)?;
        let passed = pending.auth == Auth::Frictionless || (!cancelled && otp == SANDBOX_OTP);
        let outcome = if passed {
            pending.outcome
        } else {
            CardOutcome::Declined(MSG_3DS_FAILED)
        };
        Ok(finish(&state, p, outcome, &origin, now))
    });
    browser_answer(answer, &headers)
}

/// The payment waiting at the callback, if the purchase's callback may be completed now.
fn awaited(p: &Purchase) -> Result<PendingPayment, Coded> {
    match &p.pending {
        Some(pending) if p.awaits_callback() => Ok(pending.clone()),
        _ => Err(Coded::transaction(MSG_NOT_PAYABLE)),
    }
}

/// The browser's answer from an update: the page, or the error as a page.
fn browser_answer(
    answer: Result<Option<Result<Response, Coded>>, Coded>,
    headers: &HeaderMap,
) -> Response {
    match answer {
        Ok(Some(Ok(page))) => page,
        Ok(Some(Err(e))) | Err(e) => e.for_browser(headers),
        Ok(None) => Coded::purchase_not_found().for_browser(headers),
    }
}

/// Applies the outcome, sends the webhook and redirects the browser to the merchant.
fn finish(
    state: &Arc<SandboxState>,
    p: &mut Purchase,
    outcome: CardOutcome,
    origin: &str,
    now: i64,
) -> Response {
    apply_outcome(p, outcome, now);
    notify(state, p, origin);
    redirect_to(&redirect_target(p))
}

/// Where the browser goes for the purchase's status, with `?purchaseId=` appended
/// (an emulator choice: Paysecure does not document redirect parameters).
pub fn redirect_target(p: &Purchase) -> String {
    let base = match p.status {
        // An authorised hold is a success for the customer: the merchant captures later.
        Status::Paid | Status::Preauthorized => &p.success_redirect,
        Status::PaymentInProcess => p.pending_redirect.as_ref().unwrap_or(&p.success_redirect),
        _ => &p.failure_redirect,
    };
    match reqwest::Url::parse(base) {
        Ok(mut url) => {
            url.query_pairs_mut().append_pair("purchaseId", &p.id);
            url.to_string()
        }
        Err(_) => base.clone(),
    }
}

/// A 302 to `location`.
pub fn redirect_to(location: &str) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    resp
}
