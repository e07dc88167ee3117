//! The HTTP side of `POST /purchases/`: read, validate, store, reply 202.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::access_log::LogFacts;
use super::create::{Caller, build_purchase};
use super::errors::{Coded, view_response};
use super::request::{BodyUse, extract, ip_text};
use super::state::SandboxState;
use super::store::Inserted;

/// `POST /purchases/`.
pub async fn create(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let call = match extract(&state.keys, &state.origin, &parts, body, BodyUse::Required).await {
        Ok(call) => call,
        Err(e) => return e.into_response(),
    };
    let body = call.body.unwrap_or_default();
    let id = state.store.new_id();
    let session_id = state.store.new_id();
    let caller = Caller {
        key_type: call.key_type,
        ip: ip_text(call.peer_ip),
        brand_id: &state.brand_id,
        now: state.store.now(),
        id,
        // Given by the store with the purchase's sequence number.
        reference: String::new(),
        session_id,
    };
    let purchase = match build_purchase(&body, caller) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let purchase = match state.store.insert_async(purchase).await {
        Ok((Inserted::Added { .. }, stored)) => stored,
        Ok((Inserted::DuplicateMerchantRef, _)) => {
            return Coded::transaction("Duplicate merchantRef Found!").into_response();
        }
        Err(e) => return Coded::from(e).into_response(),
    };
    let facts = LogFacts {
        purchase_id: Some(purchase.id.clone()),
        signature_valid: None,
    };
    let mut resp = view_response(StatusCode::ACCEPTED, &purchase.view(&call.origin));
    resp.extensions_mut().insert(facts);
    resp
}
