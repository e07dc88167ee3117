//! `GET /payment_methods?brand_id=` (§10.7, `paysecure-api.md` §6.5): the methods the
//! sandbox merchant has enabled, in the reference's shape. Cards only, as in Paysecure's
//! own sandbox (APMs cannot be tested there).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{Coded, json_response};
use super::request::{BodyUse, extract};
use super::state::SandboxState;

/// The card methods the sandbox merchant accepts, with their display names.
pub const CARD_METHODS: &[(&str, &str)] = &[("VISA", "Visa"), ("MASTER", "Mastercard")];

/// The reply body for the sandbox's brand.
pub fn methods_json() -> Value {
    let codes: Vec<&str> = CARD_METHODS.iter().map(|(code, _)| *code).collect();
    let names: serde_json::Map<String, Value> = CARD_METHODS
        .iter()
        .map(|(code, name)| ((*code).to_string(), json!(name)))
        .collect();
    json!({
        "available_payment_methods": codes,
        "by_country": {"any": codes},
        "country_names": {"any": "Other"},
        "names": names,
        "card_methods": codes,
    })
}

/// `GET /payment_methods?brand_id=…` (`currency` and `language`, which the plugins add,
/// are accepted and do not change the answer).
pub async fn payment_methods(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let call = match extract(&state.keys, &state.origin, &parts, body, BodyUse::Ignored).await {
        Ok(call) => call,
        Err(e) => return e.into_response(),
    };
    let brand = form_urlencoded::parse(call.query.as_bytes())
        .find(|(k, _)| k == "brand_id")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty());
    match brand {
        None => Coded::missing("brand_id is missing").into_response(),
        Some(b) if b != state.brand_id => Coded::transaction("Brand not found!").into_response(),
        Some(_) => json_response(StatusCode::OK, &methods_json()),
    }
}
