//! The control plane's lists, paginated so that one answer (and the time it takes) stays
//! small however many purchases the store holds: `GET /_sandbox/purchases` (newest
//! first) and `GET /_sandbox/webhooks` (the newest deliveries, oldest first as ever).
//! Both stay JSON arrays (spec §9); the next page is named in a `Link: <…>; rel="next"`
//! header and, for scripts, `x-next-before`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{Coded, json_response};
use super::lifecycle::update_aged;
use super::state::SandboxState;
use super::store::{Page, PageError, PageQuery, StoreError};

/// Purchases per page unless `limit` says otherwise.
pub const DEFAULT_PURCHASES: usize = 100;
/// Deliveries per page unless `limit` says otherwise (the explorer looks a replay up
/// among them).
pub const DEFAULT_DELIVERIES: usize = 1000;
/// The most either `limit` may ask for.
pub const MAX_LIMIT: usize = 1000;

/// The header that names the next page's `before`.
pub const NEXT_BEFORE: &str = "x-next-before";

/// `limit`, `before` and `purchase_id` of a list's query.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    pub limit: usize,
    pub before: Option<String>,
    pub purchase_id: Option<String>,
}

fn bad(message: String) -> Coded {
    Coded::new(StatusCode::BAD_REQUEST, "Invalid_Parameter", message)
}

/// Reads a list's query; `limit` defaults to `default`, and is 1 to [`MAX_LIMIT`].
pub fn params(query: Option<&str>, default: usize) -> Result<ListParams, Coded> {
    let mut out = ListParams {
        limit: default,
        ..ListParams::default()
    };
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let v = v.trim();
        match k.as_ref() {
            "limit" => {
                out.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        bad(format!(
                            "limit must be a whole number from 1 to {MAX_LIMIT}"
                        ))
                    })?;
            }
            "before" if !v.is_empty() => out.before = Some(v.to_string()),
            "purchase_id" if !v.is_empty() => out.purchase_id = Some(v.to_string()),
            _ => {}
        }
    }
    Ok(out)
}

/// A page of purchases, each as it is now (aged, and stored with its webhook, when time
/// moved it). Blocking: run it off the async workers.
pub fn aged_page(state: &Arc<SandboxState>, query: &PageQuery) -> Result<Page, Coded> {
    let mut page = state.store.backend().page(query).map_err(|e| match e {
        PageError::UnknownBefore(id) => bad(format!(
            "before: no purchase {id} (deleted by retention or a reset?)"
        )),
        PageError::Store(e) => Coded::from(e),
    })?;
    let now = state.store.now();
    for p in &mut page.purchases {
        if p.needs_aging(now)
            && let Some(aged) = update_aged(state, &p.id.clone(), &state.origin, |p, _| p.clone())?
        {
            *p = aged;
        }
    }
    Ok(page)
}

/// Runs blocking work of the control plane off the async workers.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Coded> + Send + 'static,
) -> Result<T, Coded> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(Coded::from(StoreError(e.to_string()))))
}

/// A JSON array with its next page named, if there is one.
fn paged(items: Vec<Value>, path: &str, limit: usize, next_before: Option<String>) -> Response {
    let mut resp = json_response(StatusCode::OK, &Value::Array(items));
    if let Some(next) = next_before {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("limit", &limit.to_string())
            .append_pair("before", &next)
            .finish();
        let headers = resp.headers_mut();
        if let Ok(link) = HeaderValue::from_str(&format!("<{path}?{query}>; rel=\"next\"")) {
            headers.insert(axum::http::header::LINK, link);
        }
        if let Ok(value) = HeaderValue::from_str(&next) {
            headers.insert(HeaderName::from_static(NEXT_BEFORE), value);
        }
    }
    resp
}

/// `GET /_sandbox/purchases?limit=&before=`: newest first, `limit` (default 100) at a
/// time; `before` is the id the previous page named.
pub async fn purchases(State(state): State<Arc<SandboxState>>, uri: Uri) -> Response {
    let p = match params(uri.query(), DEFAULT_PURCHASES) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let limit = p.limit;
    let origin = state.origin.clone();
    let listed = blocking(move || {
        let page = aged_page(
            &state,
            &PageQuery {
                limit,
                before: p.before,
            },
        )?;
        let items = page.purchases.iter().map(|p| p.to_json(&origin)).collect();
        Ok((items, page.next_before))
    })
    .await;
    match listed {
        Ok((items, next)) => paged(items, "/_sandbox/purchases", limit, next),
        Err(e) => e.into_response(),
    }
}

/// `GET /_sandbox/webhooks?limit=&before=&purchase_id=`: the newest `limit` deliveries
/// (default 1000) numbered below `before`, oldest first; `purchase_id` keeps one
/// purchase's.
pub async fn webhooks(State(state): State<Arc<SandboxState>>, uri: Uri) -> Response {
    let p = match params(uri.query(), DEFAULT_DELIVERIES) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let before = match p.before.as_deref().map(str::parse::<u64>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return bad("before must be a delivery number".into()).into_response(),
    };
    let limit = p.limit;
    let listed = blocking(move || {
        state
            .store
            .backend()
            .deliveries(limit, before, p.purchase_id.as_deref())
            .map_err(Coded::from)
    })
    .await;
    match listed {
        Ok(log) => {
            // A full page may have older ones before it.
            let next = (log.len() == limit)
                .then(|| log.first().map(|d| d.n.to_string()))
                .flatten()
                .filter(|n| n != "0");
            let items = log.iter().map(|d| json!(d)).collect();
            paged(items, "/_sandbox/webhooks", limit, next)
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_and_are_bounded() {
        assert_eq!(params(None, 100).map(|p| p.limit), Ok(100));
        let p = params(Some("limit=5&before=abc&purchase_id=x"), 100).expect("params");
        assert_eq!(
            p,
            ListParams {
                limit: 5,
                before: Some("abc".into()),
                purchase_id: Some("x".into()),
            }
        );
        for bad in ["limit=0", "limit=1001", "limit=x", "limit=-1"] {
            assert_eq!(
                params(Some(bad), 100).map_err(|e| e.code),
                Err("Invalid_Parameter"),
                "{bad}"
            );
        }
    }
}
