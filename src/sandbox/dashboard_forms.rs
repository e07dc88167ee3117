//! The dashboard's form endpoints (`POST /_sandbox/ui/settle/{id}`, `POST
//! /_sandbox/ui/replay/{n}`). They sit beside the JSON control plane rather than in it:
//! that one refuses form bodies precisely so that web pages cannot drive it, so these take
//! forms only and protect themselves another way. A cross-site post is refused when its
//! `Origin` (or, without one, its `Referer`) is not the sandbox's own, and every form
//! carries a per-process token that only a page served by this process knows. Success
//! answers 303 back to the page.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::control::{is_own_origin, replay_delivery, settle_purchase};
use super::errors::Coded;
use super::request::{peer_ip, read_limited};
use super::routes::PathParam;
use super::state::SandboxState;
use crate::paysecure::test_cards::CardOutcome;

/// Where a successful form post sends the browser back to.
pub const PAGE: &str = "/_sandbox/";

/// A fresh random token (hex), made once per sandbox.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    if !crate::os_random::fill(&mut bytes) {
        return Err("no randomness for the dashboard's form token".to_string());
    }
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn forbidden(code: &'static str, message: &str) -> Response {
    Coded::new(StatusCode::FORBIDDEN, code, message).into_response()
}

/// Loopback callers, same-origin posts, form bodies.
pub async fn guard(State(state): State<Arc<SandboxState>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if !peer_ip(&parts).is_loopback() {
        return forbidden(
            "forbidden",
            "The sandbox control plane answers loopback callers only",
        );
    }
    if !same_origin(&parts.headers, &state.origin) {
        return forbidden(
            "cross_origin",
            "The sandbox dashboard refuses form posts from other origins",
        );
    }
    if !is_form(&parts) {
        return Coded::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "The dashboard's forms post application/x-www-form-urlencoded",
        )
        .into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// `Origin` is the sandbox's own; without one, `Referer` (if any) is a page of it. Neither
/// header (a non-browser client) passes here; the form token still has to match.
fn same_origin(headers: &HeaderMap, own: &str) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        return is_own_origin(origin.as_bytes(), own);
    }
    match headers.get(header::REFERER).map(|r| r.to_str()) {
        None => true,
        Some(Ok(referer)) => {
            let own = own.trim_end_matches('/');
            referer.len() > own.len()
                && referer.is_char_boundary(own.len())
                && referer[..own.len()].eq_ignore_ascii_case(own)
                && referer[own.len()..].starts_with('/')
        }
        Some(Err(_)) => false,
    }
}

fn is_form(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The form's fields, once its token has been checked.
async fn checked_form(state: &SandboxState, req: Request) -> Result<Vec<(String, String)>, Coded> {
    let (parts, body) = req.into_parts();
    let bytes = read_limited(&parts, body).await?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let token = fields
        .iter()
        .find(|(k, _)| k == "token")
        .map_or("", |(_, v)| v.as_str());
    if !same_bytes(token.as_bytes(), state.form_token.as_bytes()) {
        return Err(Coded::new(
            StatusCode::FORBIDDEN,
            "bad_form_token",
            "The form is not from this sandbox's page (reload the page and try again)",
        ));
    }
    Ok(fields)
}

/// Compares without stopping at the first difference, so timing says nothing of the token.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn back_to_page() -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    resp.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(PAGE));
    resp
}

/// `POST /_sandbox/ui/settle/{id}` with `status=paid|error`.
pub async fn settle(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let result = async {
        let fields = checked_form(&state, req).await?;
        let outcome = match fields.iter().find(|(k, _)| k == "status").map(|(_, v)| v) {
            Some(s) if s == "paid" => CardOutcome::Success,
            Some(s) if s == "error" => CardOutcome::Declined("Transaction Failed"),
            _ => {
                return Err(Coded::new(
                    StatusCode::BAD_REQUEST,
                    "Invalid_Parameter",
                    "status must be \"paid\" or \"error\"",
                ));
            }
        };
        let origin = state.origin.clone();
        settle_purchase(&state, &id, outcome, &origin)
    }
    .await;
    match result {
        Ok(_) => back_to_page(),
        Err(e) => e.for_browser(&headers),
    }
}

/// `POST /_sandbox/ui/replay/{n}`.
pub async fn replay(
    State(state): State<Arc<SandboxState>>,
    PathParam(n): PathParam,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let result = async {
        checked_form(&state, req).await?;
        replay_delivery(&state, &n, None).await
    }
    .await;
    match result {
        Ok(_) => back_to_page(),
        Err(e) => e.for_browser(&headers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).expect("header"));
        h
    }

    #[test]
    fn only_the_sandboxs_own_pages_may_post() {
        let own = "http://127.0.0.1:8089";
        assert!(same_origin(&HeaderMap::new(), own));
        assert!(same_origin(&with(header::ORIGIN, own), own));
        assert!(!same_origin(
            &with(header::ORIGIN, "http://evil.example"),
            own
        ));
        assert!(!same_origin(&with(header::ORIGIN, "null"), own));
        assert!(same_origin(
            &with(header::REFERER, "http://127.0.0.1:8089/_sandbox/"),
            own
        ));
        assert!(!same_origin(
            &with(header::REFERER, "http://127.0.0.1:80890/_sandbox/"),
            own
        ));
        assert!(!same_origin(
            &with(
                header::REFERER,
                "http://evil.example/http://127.0.0.1:8089/"
            ),
            own
        ));
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let a = new_token().expect("token");
        let b = new_token().expect("token");
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same_bytes(a.as_bytes(), a.as_bytes()));
        assert!(!same_bytes(a.as_bytes(), b.as_bytes()));
        assert!(!same_bytes(a.as_bytes(), &a.as_bytes()[..31]));
    }
}
