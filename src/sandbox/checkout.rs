//! `checkout_url` served (§10.4): the hosted payment page. The customer types the card;
//! the POST runs the S2S check chain ([`s2s::pay`]) with the browser's own IP, User-Agent
//! and Accept, then goes on as a browser sent to `callback_url` would (frictionless 302 or
//! the challenge page, then the redirect and the webhook). Refusals are shown on the page.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};

use super::browser::{open_callback, redirect_target, redirect_to};
use super::checkout_page::{CheckoutView, checkout_page};
use super::errors::{Coded, accepts_html};
use super::lifecycle::update_aged;
use super::request::{peer_ip, read_limited};
use super::routes::PathParam;
use super::s2s::{self, MSG_NOT_PAYABLE, Paid, Payer};
use super::state::SandboxState;

/// `GET /payments/{id}/`: the card form, for a purchase that can still be paid.
pub async fn checkout_get(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> Response {
    let opened = update_aged(&state, &id, &state.origin, |p, now| {
        if !p.is_payable() {
            return Err(Coded::transaction(MSG_NOT_PAYABLE));
        }
        p.viewed_on.get_or_insert(now);
        Ok(())
    });
    match opened {
        Ok(Some(Ok(()))) => render(&state, &id, None, &Map::new()),
        Ok(Some(Err(e))) | Err(e) => e.for_browser(&headers),
        Ok(None) => Coded::purchase_not_found().for_browser(&headers),
    }
}

/// `POST /payments/{id}/`: the form, paid as an S2S call from the customer's browser.
pub async fn checkout_post(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let (parts, raw) = req.into_parts();
    let form = match read_limited(&parts, raw).await {
        Ok(bytes) => bytes,
        Err(e) => return e.for_browser(&parts.headers),
    };
    let body = s2s_body(&form, &parts.headers, &peer_ip(&parts).to_string());
    let payer = Payer {
        key_type: None,
        merchant_ip: None,
    };
    match s2s::pay(&state, &id, &body, payer, &parts, &state.origin).await {
        Paid::Rejected(err) if accepts_html(&parts.headers) => {
            let mut resp = render(&state, &id, Some(&err), &body);
            *resp.status_mut() = err.status;
            resp
        }
        Paid::Rejected(err) => err.into_response(),
        Paid::Raw(resp) => resp,
        Paid::Pending { .. } => open_callback(&state, &id, &parts.headers).await,
        Paid::Inline(_) => match state.store.get(&id) {
            Ok(Some(p)) => redirect_to(&redirect_target(&p)),
            Ok(None) => Coded::purchase_not_found().for_browser(&parts.headers),
            Err(e) => Coded::from(e).for_browser(&parts.headers),
        },
    }
}

/// The S2S body the form stands for: the typed card fields, and the browser fields from
/// the request itself (a header the browser did not send stays absent, and fails the
/// same "cannot be null" check an S2S call would).
pub fn s2s_body(form: &[u8], headers: &HeaderMap, client_ip: &str) -> Map<String, Value> {
    let mut body = Map::new();
    for (k, v) in form_urlencoded::parse(form) {
        let value = match k.as_ref() {
            // A cashier's card field takes the number as people write it, grouped.
            "card_number" => v.chars().filter(|c| !matches!(c, ' ' | '-')).collect(),
            "cardholder_name" | "expires" | "cvc" | "remember_card" => v.into_owned(),
            _ => continue,
        };
        body.insert(k.into_owned(), Value::String(value));
    }
    body.entry("remember_card")
        .or_insert_with(|| Value::String("off".into()));
    // As `parse_object` does for a JSON call: only the card number itself stays whole.
    crate::api::redact::mask_cards_in_object(&mut body, &["card_number"], &[]);
    body.insert("remote_ip".into(), Value::String(client_ip.into()));
    for (field, name) in [
        ("user_agent", header::USER_AGENT),
        ("accept_header", header::ACCEPT),
    ] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            body.insert(field.into(), Value::String(v.into()));
        }
    }
    body
}

/// The page for the purchase, with `error` above the form (or, once the purchase cannot
/// be paid any more, a link back to the merchant instead of the form).
fn render(
    state: &Arc<SandboxState>,
    id: &str,
    error: Option<&Coded>,
    sent: &Map<String, Value>,
) -> Response {
    let p = match state.store.get(id) {
        Ok(Some(p)) => p,
        Ok(None) => {
            let err = error.cloned().unwrap_or_else(Coded::purchase_not_found);
            return Html(super::pages::error_page(&err)).into_response();
        }
        Err(e) => return Html(super::pages::error_page(&Coded::from(e))).into_response(),
    };
    let kept = |k: &str| sent.get(k).and_then(Value::as_str).unwrap_or("");
    let return_url = (!p.is_payable()).then(|| redirect_target(&p));
    let cancel = p.cancel_redirect.as_ref().unwrap_or(&p.failure_redirect);
    Html(checkout_page(&CheckoutView {
        purchase_id: &p.id,
        merchant: &state.brand_name,
        amount: format!("{} {:.2}", p.currency, p.total),
        merchant_ref: &p.merchant_ref,
        payment_method: &p.payment_method,
        cardholder_name: kept("cardholder_name"),
        expires: kept("expires"),
        error,
        cancel_url: Some(cancel),
        return_url: return_url.as_deref(),
    }))
    .into_response()
}
