//! One `tracing` event per answered request and per webhook delivery.
//!
//! The sandbox only emits events; whether they are printed is up to the process: `serve`
//! installs a subscriber writing to stderr (see `cli::serve_log`), the explorer installs
//! none because it owns the terminal, so there every event is dropped at the macro's
//! "enabled?" check. A custom middleware rather than tower-http's `TraceLayer`: the line
//! needs the request's path and the response's status and coded `code` as flat fields of
//! one event, while `TraceLayer` splits them between a span and its events.
//!
//! What is never logged: bodies (S2S bodies carry card data), headers (the API key). URLs
//! go through the redactor anyway, and every string through the terminal sanitiser.

use std::time::Instant;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::errors::ErrorCode;
use super::state::SandboxState;
use crate::api::redact::Redactor;
use crate::term_text::clean;

/// Target of the per-request events.
pub const REQUEST_TARGET: &str = "paysecure_explorer::sandbox::request";
/// Target of the per-delivery events.
pub const WEBHOOK_TARGET: &str = "paysecure_explorer::sandbox::webhook";

/// What a handler knows that the path does not say, added to its response for the log:
/// the id of a purchase it created, or the merchant stub's signature verdict.
#[derive(Debug, Clone, Default)]
pub struct LogFacts {
    pub purchase_id: Option<String>,
    pub signature_valid: Option<bool>,
}

/// Path segments that are followed by a purchase id.
const ID_BEFORE: [&str; 4] = ["purchases", "p", "payment", "refundStatus"];

/// The purchase id a path names, if any (`/api/v1/purchases/{id}/refund`, `/api/v1/p/{id}`,
/// `/_sandbox/purchases/{id}`, `/_sandbox/ui/settle/{id}`, …).
pub fn purchase_id_in_path(path: &str) -> Option<String> {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let first = segments.next()?;
    let mut previous = first;
    for segment in segments {
        if ID_BEFORE.contains(&previous) || (previous == "settle" && first == "_sandbox") {
            let is_id = segment.len() <= 64 && segment.bytes().all(|b| b.is_ascii_alphanumeric());
            return is_id.then(|| segment.to_string());
        }
        previous = segment;
    }
    None
}

/// A URL (or path and query) as it may be logged: redacted (by the sandbox's
/// `log_redactor`, which knows its keys), then made terminal-safe.
pub fn loggable_url(redactor: &Redactor, url: &str) -> String {
    clean(&redactor.url(url))
}

/// Middleware: answers the request, then logs one line for it.
pub async fn log_request(
    State(state): State<Arc<SandboxState>>,
    req: Request,
    next: Next,
) -> Response {
    if !tracing::enabled!(target: REQUEST_TARGET, tracing::Level::INFO) {
        return next.run(req).await;
    }
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path_and_query().map_or_else(
        || req.uri().path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let path_id = purchase_id_in_path(req.uri().path());
    let resp = next.run(req).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let facts = resp.extensions().get::<LogFacts>();
    // A handler's id is the sandbox's own (or redacted by the stub); one from the path is
    // whatever the client wrote there: a card number, or a key made of letters and digits.
    let purchase_id = facts
        .and_then(|f| f.purchase_id.clone())
        .or_else(|| path_id.map(|id| state.log_redactor.text(&id)))
        .map(|id| clean(&id));
    let signature = facts
        .and_then(|f| f.signature_valid)
        .map(|ok| if ok { "valid" } else { "invalid" });
    let code = resp.extensions().get::<ErrorCode>().map(|c| clean(c.0));
    tracing::info!(
        target: REQUEST_TARGET,
        method = %method,
        path = %loggable_url(&state.log_redactor, &path),
        status = resp.status().as_u16(),
        code = code.as_deref().map(tracing::field::display),
        purchase_id = purchase_id.as_deref().map(tracing::field::display),
        signature = signature.map(tracing::field::display),
        latency_ms = (latency_ms * 10.0).round() / 10.0,
        "request"
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purchase_ids_are_found_in_the_paths_that_carry_one() {
        let id = Some("abc123".to_string());
        assert_eq!(purchase_id_in_path("/api/v1/purchases/abc123"), id);
        assert_eq!(purchase_id_in_path("/api/v1/purchases/abc123/refund"), id);
        assert_eq!(purchase_id_in_path("/api/v1/p/abc123"), id);
        assert_eq!(purchase_id_in_path("/api/v1/payment/abc123"), id);
        assert_eq!(purchase_id_in_path("/_sandbox/purchases/abc123/settle"), id);
        assert_eq!(purchase_id_in_path("/_sandbox/ui/settle/abc123"), id);
        assert_eq!(purchase_id_in_path("/api/v1/purchases"), None);
        assert_eq!(purchase_id_in_path("/_sandbox/webhooks/3/replay"), None);
        assert_eq!(purchase_id_in_path("/api/v1/p/%1b%5b2J"), None);
    }

    #[test]
    fn logged_urls_are_redacted_and_terminal_safe() {
        let logged = loggable_url(
            &Redactor::default(),
            "/api/v1/p/x?card_number=4444333322221111&cvc=123&a=\x1b[2J",
        );
        assert!(!logged.contains("4444333322221111"), "{logged}");
        assert!(!logged.contains("cvc=123"), "{logged}");
        assert!(!logged.contains('\x1b'), "{logged}");
        // Grouped (`+` is a space in a query): the first six and last four digits.
        let grouped = loggable_url(
            &Redactor::default(),
            "/api/v1/p/x?card_number=4444+3333+2222+1111&a=1",
        );
        assert_eq!(grouped, "/api/v1/p/x?card_number=444433******1111&a=1");
    }
}
