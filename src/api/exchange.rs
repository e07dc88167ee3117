//! The record of one HTTP exchange, and the hook that receives every record.
//! Records are redacted before any hook sees them (see [`super::redact`]).

use serde::{Deserialize, Serialize};

/// Who made the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeKind {
    /// A merchant-server API call (Bearer key).
    Api,
    /// The app acting as the customer's browser (callback page, challenge, redirect).
    Browser,
    /// A webhook the merchant stub received.
    Webhook,
    /// A redirect landing the merchant stub served.
    Landing,
}

/// One request and its response (or failure), redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub kind: ExchangeKind,
    /// Wall-clock start, epoch milliseconds.
    pub started_at_ms: i64,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    /// The request body as sent (card masked, CVC removed).
    pub request_body: Option<String>,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    pub latency_ms: f64,
    /// A transport failure, described.
    pub error: Option<String>,
    /// A short remark for display (e.g. a webhook's signature verdict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The value of header `name` among `pairs` (names compared case-insensitively), the
/// first if it was sent twice.
pub fn header_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Exchange {
    /// An exchange with no headers, bodies, status or timing yet.
    pub fn new(kind: ExchangeKind, method: &str, url: &str, started_at_ms: i64) -> Exchange {
        Exchange {
            kind,
            started_at_ms,
            method: method.to_string(),
            url: url.to_string(),
            request_headers: Vec::new(),
            request_body: None,
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            latency_ms: 0.0,
            error: None,
            note: None,
        }
    }

    /// The path and query of the URL, for compact display.
    pub fn path(&self) -> &str {
        match self.url.find("://") {
            Some(i) => {
                let rest = &self.url[i + 3..];
                rest.find('/').map_or("/", |j| &rest[j..])
            }
            None => &self.url,
        }
    }
}

/// Receives every exchange the client makes. Implementations must be cheap: they run on
/// the request's task.
pub trait Recorder: Send + Sync {
    /// Called once per exchange, after it ends.
    fn record(&self, exchange: &Exchange);
}

/// A recorder that collects into memory (tests, the headless `flow`).
#[derive(Debug, Default)]
pub struct MemoryRecorder {
    records: std::sync::Mutex<Vec<Exchange>>,
}

impl MemoryRecorder {
    /// All records so far.
    pub fn records(&self) -> Vec<Exchange> {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Recorder for MemoryRecorder {
    fn record(&self, exchange: &Exchange) {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(exchange.clone());
    }
}

/// A recorder that forwards to a closure (e.g. into a channel).
pub struct FnRecorder<F: Fn(&Exchange) + Send + Sync>(pub F);

impl<F: Fn(&Exchange) + Send + Sync> Recorder for FnRecorder<F> {
    fn record(&self, exchange: &Exchange) {
        (self.0)(exchange)
    }
}
