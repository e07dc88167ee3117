//! HAR 1.2 export (opens in browser dev tools and API clients).

use serde_json::{Value, json};

use crate::api::Exchange;
use crate::api::exchange::header_value as header;
use crate::clock::civil_from_days;

/// ISO 8601 UTC with milliseconds, from epoch milliseconds.
pub fn iso8601(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let day_secs = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        day_secs / 3600,
        day_secs / 60 % 60,
        day_secs % 60,
        ms.rem_euclid(1000)
    )
}

fn headers(pairs: &[(String, String)]) -> Vec<Value> {
    pairs
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect()
}

fn query(url: &str) -> Vec<Value> {
    url.split_once('?')
        .map(|(_, q)| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect()
        })
        .unwrap_or_default()
}

fn status_text(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// One HAR entry.
pub fn entry(ex: &Exchange) -> Value {
    let request_mime = header(&ex.request_headers, "content-type").unwrap_or("application/json");
    let response_mime = header(&ex.response_headers, "content-type").unwrap_or("application/json");
    let mut request = json!({
        "method": ex.method,
        "url": ex.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers(&ex.request_headers),
        "queryString": query(&ex.url),
        "headersSize": -1,
        "bodySize": ex.request_body.as_ref().map_or(0, |b| b.len() as i64),
    });
    if let (Some(body), Some(map)) = (&ex.request_body, request.as_object_mut()) {
        map.insert(
            "postData".into(),
            json!({"mimeType": request_mime, "text": body}),
        );
    }
    let status = ex.status.unwrap_or(0);
    let body = ex.response_body.clone().unwrap_or_default();
    let mut entry = json!({
        "startedDateTime": iso8601(ex.started_at_ms),
        "time": ex.latency_ms,
        "request": request,
        "response": {
            "status": status,
            "statusText": status_text(status),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(&ex.response_headers),
            "content": {"size": body.len(), "mimeType": response_mime, "text": body},
            "redirectURL": header(&ex.response_headers, "location").unwrap_or(""),
            "headersSize": -1,
            "bodySize": body.len(),
        },
        "cache": {},
        "timings": {"send": 0, "wait": ex.latency_ms, "receive": 0},
    });
    if let Some(map) = entry.as_object_mut() {
        let comment = [ex.note.as_deref(), ex.error.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
        if !comment.is_empty() {
            map.insert("comment".into(), json!(comment));
        }
    }
    entry
}

/// A whole HAR 1.2 document for `exchanges` (in the order given).
pub fn document<'a>(exchanges: impl IntoIterator<Item = &'a Exchange>) -> Value {
    json!({"log": {
        "version": "1.2",
        "creator": {"name": "paysecure-explorer", "version": env!("CARGO_PKG_VERSION")},
        "pages": [],
        "entries": exchanges.into_iter().map(entry).collect::<Vec<_>>(),
    }})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ExchangeKind;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_690_295_205_123), "2023-07-25T14:26:45.123Z");
    }

    #[test]
    fn entries_have_the_required_har_fields() {
        let ex = Exchange {
            request_headers: vec![("content-type".into(), "application/json".into())],
            request_body: Some("{}".into()),
            status: Some(202),
            response_body: Some("{\"status\":\"pending\"}".into()),
            latency_ms: 3.5,
            ..Exchange::new(
                ExchangeKind::Api,
                "POST",
                "http://h/api/v1/p/x/?s2s=true",
                0,
            )
        };
        let doc = document([&ex]);
        let e = &doc["log"]["entries"][0];
        for key in [
            "startedDateTime",
            "time",
            "request",
            "response",
            "cache",
            "timings",
        ] {
            assert!(e.get(key).is_some(), "{key}");
        }
        assert_eq!(
            e["request"]["queryString"][0],
            json!({"name": "s2s", "value": "true"})
        );
        assert_eq!(e["request"]["postData"]["text"], "{}");
        assert_eq!(e["response"]["statusText"], "Accepted");
        assert_eq!(doc["log"]["version"], "1.2");
    }
}
