//! The one error shape the sandbox speaks: `{"message","code"}` with an HTTP status, as
//! JSON, or as a small HTML page on the customer-browser paths when the browser asks.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::pages;

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
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// A JSON response with a status.
pub fn json_response<T: serde::Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    let mut resp = axum_json(value);
    *resp.status_mut() = status;
    resp
}

/// Whether the caller prefers HTML: `text/html` is listed, and before any JSON type
/// (a browser lists HTML first; the explorer acting as a browser lists JSON first).
pub fn accepts_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    match (accept.find("text/html"), accept.find("json")) {
        (Some(html), Some(json)) => html < json,
        (Some(_), None) => true,
        _ => false,
    }
}
