//! The explorer's own merchant side: landing pages for the redirects and a webhook
//! receiver that verifies `paysecure-sign` with the sandbox's public key.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::access_log::LogFacts;
use super::errors::{Coded, accepts_html, json_response};
use super::pages::{LandingFacts, landing_page};
use super::request::{parse_object, read_limited};
use super::routes::PathParam;
use super::state::SandboxState;
use crate::api::MerchantEvent;
use crate::api::redact::{Redactor, json_in_place, redact_text};
use crate::clock::now_epoch_millis;
use crate::paysecure::webhook_signature::signed_string;

/// `GET /merchant/return/{success|failure|pending}`.
pub async fn landing(
    State(state): State<Arc<SandboxState>>,
    PathParam(page): PathParam,
    req: Request,
) -> Response {
    if !matches!(page.as_str(), "success" | "failure" | "pending") {
        return Coded::new(StatusCode::NOT_FOUND, "not_found", "No such merchant page")
            .for_browser(req.headers());
    }
    // The event log is served back (`/_sandbox/merchant/events`): what a client put in
    // the query is kept redacted, like anything the sandbox stores.
    let purchase_id = form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "purchaseId")
        .map(|(_, v)| redact_text(&v));
    state.publish(
        MerchantEvent::Landing {
            page: page.clone(),
            purchase_id: purchase_id.clone(),
            received_at_ms: now_epoch_millis(),
            url: reached_at(&state, req.uri()),
        },
        0,
    );
    if accepts_html(req.headers()) {
        // A landing page is the merchant's: it shows what the store has, or no facts.
        let facts = purchase_id.as_deref().and_then(|id| {
            let p = state.store.get(id).ok().flatten()?;
            Some(LandingFacts::of(&p, &state.brand_name))
        });
        Html(landing_page(&page, purchase_id.as_deref(), facts.as_ref())).into_response()
    } else {
        json_response(
            StatusCode::OK,
            &json!({"page": page, "purchaseId": purchase_id}),
        )
    }
}

/// `POST /merchant/webhook`: verifies and records a delivery; answers 200 fast when the
/// signature verifies, 401 `invalid_signature` when it does not.
pub async fn webhook(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = match read_limited(&parts, body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let body = match parse_object(&bytes) {
        Ok(b) => Value::Object(b),
        Err(e) => return e.into_response(),
    };
    let field = |path: &str| {
        body.pointer(path)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let Some(purchase_id) = field("/message/purchaseId") else {
        return Coded::missing("message.purchaseId is missing").into_response();
    };
    let status = field("/status")
        .or_else(|| field("/message/status"))
        .unwrap_or_default();
    let brand = field("/message/brandId")
        .or_else(|| field("/message/brand_id"))
        .unwrap_or_default();
    let signature = signature_of(&parts.headers);
    let signature_valid = signature.as_deref().is_some_and(|sig| {
        state
            .verifier
            .verify(&signed_string(&purchase_id, &status, &brand), sig)
    });
    // Verified as sent; kept redacted: anyone can post here, card numbers included.
    let purchase_id = redact_text(&purchase_id);
    let mut body = body;
    json_in_place(&mut body);
    let facts = LogFacts {
        purchase_id: Some(purchase_id.clone()),
        signature_valid: Some(signature_valid),
    };
    state.publish(
        MerchantEvent::Webhook {
            purchase_id,
            status: redact_text(&status.to_ascii_lowercase()),
            signature_valid,
            received_at_ms: now_epoch_millis(),
            url: reached_at(&state, &parts.uri),
            signature,
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            body,
        },
        bytes.len(),
    );
    let mut resp = if signature_valid {
        json_response(
            StatusCode::OK,
            &json!({"received": true, "signature_valid": true}),
        )
    } else {
        // A merchant must not act on an unverified webhook; saying so makes it visible
        // in the sandbox's delivery log too.
        Coded::new(
            StatusCode::UNAUTHORIZED,
            "invalid_signature",
            "paysecure-sign is missing or does not verify with the public key",
        )
        .into_response()
    };
    resp.extensions_mut().insert(facts);
    resp
}

/// The absolute URL a request reached the stub at: the sandbox's configured origin (never
/// the request's `Host`) with the path and query.
fn reached_at(state: &SandboxState, uri: &Uri) -> String {
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
    Redactor::default().url(&format!("{}{path}", state.origin))
}

/// The signature header; Paysecure spells it `paysecure-sign`, some deliveries `paysecure_sign`.
fn signature_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("paysecure-sign")
        .or_else(|| headers.get("paysecure_sign"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
