//! The one error shape the sandbox speaks: `{"message","code"}` with an HTTP status, as
//! JSON, or as a small HTML page on the customer-browser paths when the browser asks.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::pages;
use super::purchase_view::PurchaseView;

/// The `code` of a coded error, attached to its response so the request log can name
/// it without parsing the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode(pub &'static str);

/// A coded Paysecure error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    /// HTTP status.
    pub status: StatusCode,
    /// The `code` field.
    pub code: &'static str,
    /// The `message` field.
    pub message: String,
}

impl Coded {
    /// A coded error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Coded {
        Coded {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `transaction_error`, the most common S2S rejection.
    pub fn transaction(message: impl Into<String>) -> Coded {
        Coded::new(StatusCode::BAD_REQUEST, "transaction_error", message)
    }

    /// 400 `parameter_missing`.
    pub fn missing(message: impl Into<String>) -> Coded {
        Coded::new(StatusCode::BAD_REQUEST, "parameter_missing", message)
    }

    /// 404 "PurchaseId Not found.".
    pub fn purchase_not_found() -> Coded {
        Coded::new(
            StatusCode::NOT_FOUND,
            "transaction_error",
            "PurchaseId Not found.",
        )
    }

    /// 400 `invalid_json`.
    pub fn invalid_json() -> Coded {
        Coded::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "Request Body Not Found/MalFormed",
        )
    }

    /// Answers as HTML when `headers` accept `text/html`, else as JSON; same status either way.
    pub fn for_browser(self, headers: &HeaderMap) -> Response {
        if accepts_html(headers) {
            let mut resp = (self.status, pages::error_page(&self)).into_response();
            resp.extensions_mut().insert(ErrorCode(self.code));
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            resp
        } else {
            self.into_response()
        }
    }
}

impl IntoResponse for Coded {
    fn into_response(self) -> Response {
        let body = json!({"message": self.message, "code": self.code});
        let mut resp = (self.status, axum_json(&body)).into_response();
        resp.extensions_mut().insert(ErrorCode(self.code));
        resp
    }
}

/// A JSON response body with the right content type.
pub fn axum_json<T: serde::Serialize + ?Sized>(value: &T) -> Response {
    // Room for a whole purchase object (~2.4 kB) from the start: growing the buffer
    // step by step showed in the create profile.
    let mut bytes = Vec::with_capacity(4096);
    if serde_json::to_writer(&mut bytes, value).is_err() {
        bytes = b"{}".to_vec();
    }
    json_text_response(bytes)
}

/// JSON text, already written, as a response with the right content type.
fn json_text_response(bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// A purchase object as the answer, its text written by the view's own writer (no value
/// built, keys as literals: see `json_object`).
pub fn view_response(status: StatusCode, view: &PurchaseView<'_>) -> Response {
    let mut bytes = Vec::with_capacity(4096);
    if view.write_json(&mut bytes).is_err() {
        bytes = b"{}".to_vec();
    }
    let mut resp = json_text_response(bytes);
    *resp.status_mut() = status;
    resp
}

/// A JSON response with a status.
pub fn json_response<T: serde::Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    let mut resp = axum_json(value);
    *resp.status_mut() = status;
    resp
}

/// Whether the caller prefers HTML: `text/html` is accepted (its `q` above 0) with a
/// higher `q` than any JSON type, or the same one listed first (a browser lists HTML
/// first; the explorer acting as a browser lists JSON first).
pub fn accepts_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    // (q, position) of the best range of each kind.
    let mut html: Option<(f32, usize)> = None;
    let mut json: Option<(f32, usize)> = None;
    for (position, range) in accept.split(',').enumerate() {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let slot = if media == "text/html" {
            &mut html
        } else if media.contains("json") {
            &mut json
        } else {
            continue;
        };
        if slot.is_none_or(|(best, _)| q > best) {
            *slot = Some((q, position));
        }
    }
    match (html, json) {
        (Some((hq, _)), _) if hq <= 0.0 => false,
        (Some((hq, hp)), Some((jq, jp))) => hq > jq || (hq == jq && hp < jp),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_chosen_by_its_quality_then_by_its_place() {
        let prefers = |accept: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, accept.parse().expect("header value"));
            accepts_html(&headers)
        };
        for (accept, html) in [
            ("text/html,application/xhtml+xml,*/*;q=0.8", true),
            ("application/json, text/html", false),
            ("text/html;q=0, application/json", false),
            ("text/html;q=0", false),
            ("application/json;q=0.5, text/html", true),
            ("text/html;q=0.4, application/json;q=0.9", false),
            (
                "text/html; charset=utf-8; q=0.9, application/json; q=0.8",
                true,
            ),
            ("*/*", false),
            ("", false),
        ] {
            assert_eq!(prefers(accept), html, "{accept}");
        }
    }
}
