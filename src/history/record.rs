//! One persisted history record: an exchange (already redacted) with its sequence number,
//! the purchase it concerns and the endpoint it went to.

use serde::{Deserialize, Serialize};

use crate::api::Exchange;
use crate::api::redact::Redactor;

/// Format version of a record line.
pub const RECORD_VERSION: u32 = 1;

/// A line of `history.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Format version.
    pub v: u32,
    /// Sequence number, unique within the store.
    pub id: u64,
    /// The purchase the exchange concerns, when it can be told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_id: Option<String>,
    #[serde(flatten)]
    pub exchange: Exchange,
}

impl Record {
    /// A record for `exchange`, redacted once more before it can reach the disk (the
    /// client already redacts; this makes the store safe whatever feeds it).
    pub fn new(id: u64, mut exchange: Exchange) -> Record {
        Redactor::default().exchange(&mut exchange);
        Record {
            v: RECORD_VERSION,
            id,
            purchase_id: purchase_id_of(&exchange),
            exchange,
        }
    }
}

/// The status column of a row, the same in the explorer and `history`: the HTTP status
/// (`200!` when the answer came but could not be used: too large, not the API's JSON),
/// `CXL` for a call the user cancelled, `ERR` for any other failure, `…` while pending.
pub fn status_label(ex: &Exchange) -> String {
    match (ex.status, &ex.error) {
        (Some(s), Some(_)) => format!("{s}!"),
        (Some(s), None) => s.to_string(),
        (None, Some(e)) if e.starts_with("cancelled") => "CXL".into(),
        (None, Some(_)) => "ERR".into(),
        (None, None) => "…".into(),
    }
}

/// Whether an exchange matches a lower-case filter: path, status, method, note, bodies
/// (error codes, masked cards with their last four, purchase ids) and errors.
pub fn matches_exchange(ex: &Exchange, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    let status = searched_status(ex);
    searched_fields(ex, &status).any(|hay| contains_ignoring_ascii_case(hay, needle_lower))
}

/// The status as the filter reads it (empty without one): pass it to [`searched_fields`].
pub fn searched_status(ex: &Exchange) -> String {
    ex.status.map(|s| s.to_string()).unwrap_or_default()
}

/// The fields the `/` filter reads, in one place for the pane's matching and the history
/// database's search index (if they drifted, the index would narrow away rows the pane
/// would match).
pub fn searched_fields<'a>(ex: &'a Exchange, status: &'a str) -> impl Iterator<Item = &'a str> {
    [
        Some(ex.url.as_str()),
        Some(status),
        Some(ex.method.as_str()),
        ex.note.as_deref(),
        ex.request_body.as_deref(),
        ex.response_body.as_deref(),
        ex.error.as_deref(),
    ]
    .into_iter()
    .flatten()
}

/// Whether `hay` contains `needle_lower` (lower case), ASCII letters compared in either
/// case, other bytes exactly: what `hay.to_ascii_lowercase().contains(needle_lower)`
/// says, without copying every body on every keystroke of a live filter.
pub fn contains_ignoring_ascii_case(hay: &str, needle_lower: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle_lower.as_bytes());
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if needle.len() > hay.len() {
        return false;
    }
    // Candidates are found by the first byte in either case (vectorised), then checked.
    let last_start = hay.len() - needle.len();
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &hay[..=last_start])
        .any(|i| hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest))
}

/// A 24-hex-digit id in the URL path, else a `purchaseId` query parameter (the merchant
/// stub's landing pages), else `purchaseId` in the response or request body.
pub fn purchase_id_of(ex: &Exchange) -> Option<String> {
    let (path, query) = ex.url.split_once('?').unwrap_or((&ex.url, ""));
    let from_path = path
        .split('/')
        .find(|seg| seg.len() == 24 && seg.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    let from_query = || {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, v)| k == "purchaseId" && !v.is_empty())
            .map(|(_, v)| v.into_owned())
    };
    from_path.or_else(from_query).or_else(|| {
        [&ex.response_body, &ex.request_body]
            .into_iter()
            .flatten()
            .find_map(|body| {
                let v: serde_json::Value = serde_json::from_str(body).ok()?;
                v.get("purchaseId")
                    .or_else(|| v.pointer("/message/purchaseId"))
                    .and_then(|p| p.as_str())
                    .map(str::to_string)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_that_could_not_be_used_is_marked_in_the_status_column() {
        let mut ex = Exchange::new(crate::api::ExchangeKind::Api, "GET", "http://x/a", 0);
        assert_eq!(status_label(&ex), "…");
        ex.status = Some(200);
        assert_eq!(status_label(&ex), "200");
        ex.error = Some("response too large".into());
        assert_eq!(status_label(&ex), "200!");
        ex.status = None;
        assert_eq!(status_label(&ex), "ERR");
        ex.error = Some("cancelled by the user".into());
        assert_eq!(status_label(&ex), "CXL");
    }

    #[test]
    fn case_is_ignored_for_ascii_letters_only() {
        for (hay, needle, found) in [
            ("POST /Purchases/", "purchases", true),
            ("buyer@Example.com", "buyer@example", true),
            ("abc", "abcd", false),
            ("", "a", false),
            ("anything", "", true),
            ("ÉCOLE école", "école", true),
            ("ÉCOLE", "école", false),
            ("aaab", "aab", true),
        ] {
            assert_eq!(
                contains_ignoring_ascii_case(hay, needle),
                found,
                "{hay:?} {needle:?}"
            );
            assert_eq!(
                hay.to_ascii_lowercase().contains(needle),
                found,
                "the old rule agrees on {hay:?} {needle:?}"
            );
        }
    }
    use crate::api::ExchangeKind;

    #[test]
    fn the_purchase_is_found_in_the_path_the_landing_query_or_the_body() {
        let id = "6b0e1058eae5d6bae9000000";
        let at = |url: &str| purchase_id_of(&Exchange::new(ExchangeKind::Api, "GET", url, 0));
        assert_eq!(
            at(&format!("http://h/api/v1/p/{id}/?s2s=true")).as_deref(),
            Some(id)
        );
        assert_eq!(
            at(&format!("http://h/merchant/return/success?purchaseId={id}")).as_deref(),
            Some(id)
        );
        assert_eq!(at("http://h/merchant/return/success?purchaseId="), None);
        let created = Exchange {
            response_body: Some(format!(r#"{{"purchaseId":"{id}"}}"#)),
            ..Exchange::new(ExchangeKind::Api, "POST", "http://h/api/v1/purchases/", 0)
        };
        assert_eq!(purchase_id_of(&created).as_deref(), Some(id));
    }
}
