//! One error type for every call: a coded API error, or a transport failure.

use std::fmt;

use crate::error_text::error_chain;

/// What went wrong below the API level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportKind {
    /// No response within the per-request timeout.
    Timeout,
    /// Nothing listens at the address.
    ConnectionRefused,
    /// The server closed the connection without (a complete) response.
    ConnectionClosed,
    /// A response came, but its body is not the JSON the API speaks.
    NonJson,
    /// The TLS handshake failed.
    Tls,
    /// The response body was longer than the client's `max_body_bytes`.
    BodyTooLarge,
    /// Anything else (DNS, a bad URL, …).
    Other,
}

impl TransportKind {
    /// Short human name.
    pub fn label(&self) -> &'static str {
        match self {
            TransportKind::Timeout => "timeout",
            TransportKind::ConnectionRefused => "connection refused",
            TransportKind::ConnectionClosed => "connection closed",
            TransportKind::NonJson => "unexpected body",
            TransportKind::Tls => "TLS failure",
            TransportKind::BodyTooLarge => "response too large",
            TransportKind::Other => "transport error",
        }
    }
}

/// A failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The API answered with `{"message","code"}` and a non-success status.
    Coded {
        http_status: u16,
        code: String,
        message: String,
    },
    /// The exchange itself failed.
    Transport {
        kind: TransportKind,
        /// HTTP status, when a response arrived (e.g. a non-JSON 502 page).
        http_status: Option<u16>,
        detail: String,
    },
}

impl ApiError {
    /// Whether this is a transport failure (exit code 3 in `flow`).
    pub fn is_transport(&self) -> bool {
        matches!(self, ApiError::Transport { .. })
    }

    /// Classifies a reqwest error by the error types in its chain
    /// ([`super::classify::transport_kind`]); the detail keeps the whole chain's text.
    pub fn from_reqwest(e: &reqwest::Error) -> ApiError {
        ApiError::Transport {
            kind: super::classify::transport_kind(e),
            http_status: e.status().map(|s| s.as_u16()),
            detail: error_chain(e),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Coded {
                http_status,
                code,
                message,
            } => write!(f, "HTTP {http_status} {code}: {message}"),
            ApiError::Transport {
                kind,
                http_status,
                detail,
            } => match http_status {
                Some(s) => write!(f, "{} (HTTP {s}): {detail}", kind.label()),
                None => write!(f, "{}: {detail}", kind.label()),
            },
        }
    }
}

impl std::error::Error for ApiError {}
