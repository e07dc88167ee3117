//! Taking an API request apart in the contract's order (§2): auth, content type, size,
//! then JSON. The first failure wins.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::api::redact::mask_cards_in_object;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header, request::Parts};
use serde_json::{Map, Value};
use tokio::sync::Notify;

use super::errors::Coded;
use super::purchase::KeyType;

/// Bodies larger than this are refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Per-connection facts the server loop attaches to each request.
#[derive(Clone, Debug)]
pub struct ConnInfo {
    /// The peer's address.
    pub peer: SocketAddr,
    /// Notified to drop the connection without a response (the fault card).
    pub kill: Arc<Notify>,
    /// How long the whole request body may take to arrive.
    pub body_timeout: Duration,
}

/// Body deadline when no [`ConnInfo`] is attached (an in-process call).
const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The two API keys of the sandbox.
#[derive(Debug, Clone)]
pub struct Keys {
    pub sandbox: String,
    pub live: String,
}

/// An authenticated API call.
#[derive(Debug)]
pub struct ApiCall {
    /// Which key type made the call.
    pub key_type: KeyType,
    /// The body as a JSON object, when the endpoint reads one.
    pub body: Option<Map<String, Value>>,
    /// The caller's IP, for the `remote_ip` check.
    pub peer_ip: IpAddr,
    /// The sandbox's configured origin, for the URLs we hand out. Never taken from the
    /// request's `Host`: a DNS-rebinding page could otherwise plant its own host there.
    pub origin: String,
    /// Raw query string.
    pub query: String,
}

/// Whether the endpoint parses a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyUse {
    /// The body must be a JSON object.
    Required,
    /// A body is size- and type-checked but not parsed.
    Ignored,
    /// An empty body reads as `{}`; any other must be a JSON object (capture's fields
    /// are all optional, and clients send none).
    Optional,
}

/// Authenticates and reads a request in the contract's order.
pub async fn extract(
    keys: &Keys,
    origin: &str,
    parts: &Parts,
    body: Body,
    use_body: BodyUse,
) -> Result<ApiCall, Coded> {
    let key_type = authenticate(keys, &parts.headers)?;
    let carries_body = carries_body(&parts.method, &parts.headers);
    if carries_body && !is_json_content_type(&parts.headers) {
        let ct = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        return Err(Coded::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Unsupported media type \"{ct}\" in request."),
        ));
    }
    let bytes = read_limited(parts, body).await?;
    let body = match use_body {
        BodyUse::Required => Some(parse_object(&bytes)?),
        BodyUse::Ignored => None,
        BodyUse::Optional if bytes.iter().all(u8::is_ascii_whitespace) => Some(Map::new()),
        BodyUse::Optional => Some(parse_object(&bytes)?),
    };
    Ok(ApiCall {
        key_type,
        body,
        peer_ip: peer_ip(parts),
        origin: origin.to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
    })
}

/// Step 1 of §2: the Bearer key.
pub fn authenticate(keys: &Keys, headers: &HeaderMap) -> Result<KeyType, Coded> {
    let unauthorized = |m: &str| Coded::new(StatusCode::UNAUTHORIZED, "authentication_failed", m);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    let Some(key) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    else {
        return Err(unauthorized("Authorization header missing"));
    };
    // Paysecure lets `<key>##<METHOD>` override the payment method; the key is before `##`.
    let key = key.trim().split("##").next().unwrap_or("");
    if key.is_empty() {
        Err(unauthorized("Authorization header missing"))
    } else if key == keys.sandbox {
        Ok(KeyType::Sandbox)
    } else if key == keys.live {
        Ok(KeyType::Live)
    } else {
        Err(unauthorized("Incorrect secret_key"))
    }
}

/// Whether the request carries a body at all (a length above zero, or chunked).
pub fn carries_body(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD)
        && !headers.contains_key(header::CONTENT_LENGTH)
    {
        return headers.contains_key(header::TRANSFER_ENCODING);
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        Some(n) => n > 0,
        None => headers.contains_key(header::TRANSFER_ENCODING),
    }
}

/// `application/json` or any `+json` type, parameters allowed.
pub fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|mime| mime == "application/json" || mime.ends_with("+json"))
}

/// Reads the body, refusing more than [`MAX_BODY_BYTES`] (by header first, then by count)
/// and a body that does not arrive in full within the connection's deadline.
pub async fn read_limited(parts: &Parts, body: Body) -> Result<Vec<u8>, Coded> {
    let headers = &parts.headers;
    let deadline = parts
        .extensions
        .get::<ConnInfo>()
        .map_or(DEFAULT_BODY_TIMEOUT, |c| c.body_timeout);
    let too_large = || {
        Coded::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Request body too large",
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let read = tokio::time::timeout(deadline, axum::body::to_bytes(body, MAX_BODY_BYTES)).await;
    let Ok(read) = read else {
        return Err(Coded::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "Request body not received within {} s",
                deadline.as_secs_f64()
            ),
        ));
    };
    match read {
        Ok(bytes) => Ok(bytes.to_vec()),
        // `to_bytes` reports both "over the limit" and transport errors as one type; the
        // limit's own error type in the source chain tells them apart.
        Err(e) if over_the_limit(&e) => Err(too_large()),
        Err(_) => Err(Coded::invalid_json()),
    }
}

/// Whether a body-read error is the size limit's (`http_body_util::LengthLimitError`,
/// which `axum::body::to_bytes` wraps) rather than the connection's.
fn over_the_limit(e: &axum::Error) -> bool {
    std::iter::successors(std::error::Error::source(e), |s| s.source())
        .take(16)
        .any(|s| s.is::<http_body_util::LengthLimitError>())
}

/// Fields whose values the sandbox acts on, left as sent by the masking below: an order
/// number of 13-19 digits that happens to pass Luhn is no card, and masking it would
/// break the redirect, the webhook's URL, the address or the merchantRef's uniqueness.
pub const ACTED_ON: &[&str] = &[
    "email",
    "merchantRef",
    "success_redirect",
    "failure_redirect",
    "pending_redirect",
    "cancel_redirect",
    "success_callback",
    "failure_callback",
];

/// Parses a JSON object, or answers `invalid_json`. Card numbers in it come out masked,
/// but for the S2S call's own `card_number` and the fields of [`ACTED_ON`]: whatever
/// else the sandbox keeps, echoes or sends on (a cardholder name, a product, a note)
/// never holds a whole one.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, Coded> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(mut map)) => {
            mask_cards_in_object(&mut map, &["card_number"], ACTED_ON);
            Ok(map)
        }
        _ => Err(Coded::invalid_json()),
    }
}

/// The connecting peer's IP (IPv4-mapped IPv6 folded to IPv4).
pub fn peer_ip(parts: &Parts) -> IpAddr {
    let ip = parts
        .extensions
        .get::<ConnInfo>()
        .map(|c| c.peer.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// An IP as text, the same as `to_string`. IPv4 (every loopback client) is written octet
/// by octet: `Ipv4Addr`'s `Display` took 1,260 instructions, 0.9 % of a create's
/// (callgrind, BENCHMARKS round 14).
pub fn ip_text(ip: IpAddr) -> String {
    let IpAddr::V4(v4) = ip else {
        return ip.to_string();
    };
    let mut out = String::with_capacity(15);
    for (i, octet) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        if octet >= 100 {
            out.push(char::from(b'0' + octet / 100));
        }
        if octet >= 10 {
            out.push(char::from(b'0' + octet / 10 % 10));
        }
        out.push(char::from(b'0' + octet % 10));
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    #[test]
    fn ip_text_is_to_string() {
        for ip in [
            "0.0.0.0",
            "127.0.0.1",
            "10.9.100.255",
            "255.255.255.255",
            "::1",
            "2001:db8::7",
        ] {
            let ip: IpAddr = ip.parse().expect("ip");
            assert_eq!(ip_text(ip), ip.to_string());
        }
        for n in 0..=255u8 {
            let ip = IpAddr::from([n, 0, 10, n]);
            assert_eq!(ip_text(ip), ip.to_string());
        }
    }

    /// Request parts with no `Content-Length`: only counting the body can catch its size.
    fn parts_without_length() -> Parts {
        Request::post("/api/v1/purchases/")
            .body(())
            .expect("request")
            .into_parts()
            .0
    }

    #[tokio::test]
    async fn an_undeclared_body_over_the_limit_is_413_by_its_error_type() {
        let body = Body::from(vec![b' '; MAX_BODY_BYTES + 1]);
        let err = read_limited(&parts_without_length(), body)
            .await
            .expect_err("over the limit");
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE, "{err:?}");
    }

    #[tokio::test]
    async fn a_body_at_the_limit_is_read_whole() {
        let body = Body::from(vec![b' '; MAX_BODY_BYTES]);
        let bytes = read_limited(&parts_without_length(), body)
            .await
            .expect("at the limit");
        assert_eq!(bytes.len(), MAX_BODY_BYTES);
    }
}
