//! The reqwest-based Paysecure client. Every exchange, success or failure, is reported
//! (redacted) to the recorder, so history can be built on it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::error::{ApiError, TransportKind};
use super::exchange::{Exchange, ExchangeKind, Recorder};
use super::payment_methods::PaymentMethods;
use super::redact::Redactor;
use super::types::{Capture, CreatePurchase, Purchase, Refund, S2sOutcome, SavedCard};
use crate::clock::now_epoch_millis;

/// Default per-request timeout: above the sandbox's default 30 s hang, so the hang fault
/// card shows its 504 unless the user shortens it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(40);

/// Default cap on a response body: far above any Paysecure answer or challenge page, far
/// below what would hurt if a misbehaving server streamed gigabytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Where and how to call.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// e.g. `https://api.paysecure.net/api/v1` (no trailing slash needed).
    pub base_url: String,
    pub api_key: String,
    pub timeout: Duration,
    /// A longer response body is a transport error ([`TransportKind::BodyTooLarge`]);
    /// it is read in chunks and never held beyond this.
    pub max_body_bytes: usize,
}

/// A response as it came (browser-style calls need status, headers and `Location`).
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// `Location`, on redirects.
    pub location: Option<String>,
}

/// The Paysecure client.
#[derive(Clone)]
pub struct PaysecureClient {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
    /// Knows the key, so no echo of it reaches a record or an error.
    redactor: Redactor,
    max_body_bytes: usize,
    recorder: Option<Arc<dyn Recorder>>,
}

impl std::fmt::Debug for PaysecureClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaysecureClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl PaysecureClient {
    /// Builds a client. Redirects are never followed: the app shows each hop.
    pub fn new(config: ClientConfig) -> Result<PaysecureClient, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("paysecure-explorer/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::from_reqwest(&e))?;
        Ok(PaysecureClient {
            http,
            base_url: config.base_url.trim_end_matches('/').to_string(),
            redactor: Redactor::new([config.api_key.clone()]),
            api_key: config.api_key,
            max_body_bytes: config.max_body_bytes,
            recorder: None,
        })
    }

    /// Reports every exchange to `recorder`.
    pub fn with_recorder(mut self, recorder: Arc<dyn Recorder>) -> PaysecureClient {
        self.recorder = Some(recorder);
        self
    }

    /// The redactor that knows this client's key (for records made beside the client).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `POST /purchases/`.
    pub async fn create_purchase(&self, body: &CreatePurchase) -> Result<Purchase, ApiError> {
        let value = serde_json::to_value(body).unwrap_or_default();
        self.create_purchase_json(&value).await
    }

    /// `POST /purchases/` with any JSON (forms may send what the types would refuse).
    pub async fn create_purchase_json(&self, body: &Value) -> Result<Purchase, ApiError> {
        let value = self.call(Method::POST, "/purchases/", Some(body)).await?;
        typed(value)
    }

    /// `POST /p/{id}/?s2s=true`.
    pub async fn s2s(&self, purchase_id: &str, body: &Value) -> Result<S2sOutcome, ApiError> {
        let path = s2s_path(purchase_id);
        let value = self.call(Method::POST, &path, Some(body)).await?;
        S2sOutcome::from_body(&value).ok_or_else(|| ApiError::Transport {
            kind: TransportKind::NonJson,
            http_status: None,
            detail: "the S2S reply is neither {status:pending, callback_url} nor a purchase".into(),
        })
    }

    /// `GET /purchases/{id}/`.
    pub async fn status(&self, purchase_id: &str) -> Result<Purchase, ApiError> {
        let path = format!("/purchases/{}/", segment(purchase_id));
        typed(self.call(Method::GET, &path, None).await?)
    }

    /// `GET /purchases/{id}/cancel/`.
    pub async fn cancel(&self, purchase_id: &str) -> Result<Purchase, ApiError> {
        let path = format!("/purchases/{}/cancel/", segment(purchase_id));
        typed(self.call(Method::GET, &path, None).await?)
    }

    /// `GET /purchases/{id}/refund/`: the full (remaining) amount.
    pub async fn refund_full(&self, purchase_id: &str) -> Result<Purchase, ApiError> {
        let path = format!("/purchases/{}/refund/", segment(purchase_id));
        typed(self.call(Method::GET, &path, None).await?)
    }

    /// `POST /purchases/{id}/refund/` with `{amount, reason}`.
    pub async fn refund_partial(
        &self,
        purchase_id: &str,
        amount: f64,
        reason: &str,
    ) -> Result<Refund, ApiError> {
        let path = format!("/purchases/{}/refund/", segment(purchase_id));
        let body = json!({"amount": amount, "reason": reason});
        typed(self.call(Method::POST, &path, Some(&body)).await?)
    }

    /// `POST /purchases/{id}/capture/`: all of a hold (`None`) or `amount` of it.
    pub async fn capture(
        &self,
        purchase_id: &str,
        amount: Option<f64>,
    ) -> Result<Capture, ApiError> {
        let path = format!("/purchases/{}/capture/", segment(purchase_id));
        let body = match amount {
            Some(amount) => json!({"amount": amount}),
            None => json!({}),
        };
        typed(self.call(Method::POST, &path, Some(&body)).await?)
    }

    /// `POST /refundStatus/{id}/` with `{"refundId"}`: one refund, as it stands now.
    pub async fn refund_status(
        &self,
        purchase_id: &str,
        refund_id: &str,
    ) -> Result<Refund, ApiError> {
        let path = format!("/refundStatus/{}/", segment(purchase_id));
        let body = json!({"refundId": refund_id});
        typed(self.call(Method::POST, &path, Some(&body)).await?)
    }

    /// `GET /listSavedCards?customerId=&brandId=`.
    pub async fn list_saved_cards(
        &self,
        customer_id: &str,
        brand_id: &str,
    ) -> Result<Vec<SavedCard>, ApiError> {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("customerId", customer_id)
            .append_pair("brandId", brand_id)
            .finish();
        let path = format!("/listSavedCards?{query}");
        typed(self.call(Method::GET, &path, None).await?)
    }

    /// `GET /payment_methods?brand_id=…`: the methods the brand has enabled.
    pub async fn payment_methods(&self, brand_id: &str) -> Result<PaymentMethods, ApiError> {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("brand_id", brand_id)
            .finish();
        let path = format!("/payment_methods?{query}");
        typed(self.call(Method::GET, &path, None).await?)
    }

    /// An authenticated API call: success JSON (200 or 202 alike), or the error (its
    /// texts redacted: a server may echo a card or the key in its message).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        self.call_unredacted(method, path, body)
            .await
            .map_err(|e| self.redactor.error(e))
    }

    async fn call_unredacted(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let url = format!("{}{path}", self.base_url);
        self.json_call(method, &url, body, true).await
    }

    /// A call to the sandbox's control plane at `url` (no key: it answers loopback
    /// callers only): JSON in, JSON out, recorded in history like any other call.
    pub async fn control(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        self.json_call(method, url, body, false).await
    }

    async fn json_call(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        authenticated: bool,
    ) -> Result<Value, ApiError> {
        let body_text = body.map(|b| serde_json::to_string(b).unwrap_or_default());
        let resp = self
            .exchange(
                ExchangeKind::Api,
                method,
                url,
                body_text,
                "application/json",
                authenticated,
            )
            .await?;
        let parsed: Option<Value> = serde_json::from_str(&resp.body).ok();
        let success = (200..300).contains(&resp.status);
        match parsed {
            Some(value) if success => Ok(value),
            Some(value) => {
                let field = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
                match (field("message"), field("code")) {
                    (Some(message), Some(code)) => Err(ApiError::Coded {
                        http_status: resp.status,
                        code,
                        message,
                    }),
                    _ => Err(non_json(resp.status, &self.redactor.body(&resp.body))),
                }
            }
            // The snippet is cut from the redacted body: a cut through a card number
            // would otherwise leave its first digits unmasked.
            None => Err(non_json(resp.status, &self.redactor.body(&resp.body))),
        }
    }

    /// The app as the customer's browser: a GET with no key, redirects not followed.
    pub async fn browser_get(&self, url: &str) -> Result<RawResponse, ApiError> {
        self.exchange(ExchangeKind::Browser, Method::GET, url, None, "", false)
            .await
    }

    /// The app as the customer's browser submitting a form.
    pub async fn browser_post_form(
        &self,
        url: &str,
        pairs: &[(&str, &str)],
    ) -> Result<RawResponse, ApiError> {
        // The serializer is not Send; finish it before any await.
        let body = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs {
                form.append_pair(k, v);
            }
            form.finish()
        };
        self.exchange(
            ExchangeKind::Browser,
            Method::POST,
            url,
            Some(body),
            "application/x-www-form-urlencoded",
            false,
        )
        .await
    }

    /// One HTTP exchange, recorded whatever its result.
    async fn exchange(
        &self,
        kind: ExchangeKind,
        method: Method,
        url: &str,
        body: Option<String>,
        content_type: &str,
        authenticated: bool,
    ) -> Result<RawResponse, ApiError> {
        let accept = if authenticated {
            "application/json"
        } else {
            "application/json, text/html;q=0.9"
        };
        let mut request_headers = vec![("accept".to_string(), accept.to_string())];
        let mut builder = self
            .http
            .request(method.clone(), url)
            .header("accept", accept);
        if authenticated {
            builder = builder.bearer_auth(&self.api_key);
        }
        if let Some(body) = &body {
            request_headers.push(("content-type".into(), content_type.into()));
            builder = builder
                .header("content-type", content_type)
                .body(body.clone());
        }
        let started_at_ms = now_epoch_millis();
        let started = Instant::now();
        let result = async {
            let resp = builder.send().await?;
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = read_capped(resp, self.max_body_bytes).await?;
            Ok::<_, reqwest::Error>((status, headers, body))
        }
        .await;
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut record = Exchange {
            kind,
            started_at_ms,
            method: method.to_string(),
            url: url.to_string(),
            request_headers,
            request_body: body,
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            latency_ms,
            error: None,
            note: None,
        };
        let outcome = match result {
            Ok((status, headers, Ok(text))) => {
                record.status = Some(status);
                record.response_headers = headers.clone();
                // An API answer that is not JSON cannot be used (the caller refuses it as
                // such): the record says so, or the history shows a plain `200`.
                if kind == ExchangeKind::Api
                    && serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err()
                {
                    record.error = Some(format!(
                        "{}: the body is not JSON",
                        TransportKind::NonJson.label()
                    ));
                }
                record.response_body = Some(text.clone());
                let location = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                    .map(|(_, v)| v.clone());
                Ok(RawResponse {
                    status,
                    headers,
                    body: text,
                    location,
                })
            }
            Ok((status, headers, Err(too_large))) => {
                record.status = Some(status);
                record.response_headers = headers;
                let err = ApiError::Transport {
                    kind: TransportKind::BodyTooLarge,
                    http_status: Some(status),
                    detail: too_large,
                };
                record.error = Some(err.to_string());
                Err(err)
            }
            Err(e) => {
                let err = self.redactor.error(ApiError::from_reqwest(&e));
                record.error = Some(err.to_string());
                Err(err)
            }
        };
        self.redactor.exchange(&mut record);
        if let Some(recorder) = &self.recorder {
            recorder.record(&record);
        }
        outcome
    }
}

/// The body as text, read chunk by chunk; `Err(why)` as soon as it would pass `cap`
/// (or says it will, in `Content-Length`), so a huge answer is never held in memory.
async fn read_capped(
    mut resp: reqwest::Response,
    cap: usize,
) -> Result<Result<String, String>, reqwest::Error> {
    let too_large = || format!("response body over {} (max_body_bytes)", human_bytes(cap));
    if resp
        .content_length()
        .is_some_and(|n| n > u64::try_from(cap).unwrap_or(u64::MAX))
    {
        return Ok(Err(too_large()));
    }
    let mut body: Vec<u8> = Vec::new();
    // Each chunk either grows `body` towards `cap` or ends the loop: bounded by `cap`.
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok(Err(too_large()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(String::from_utf8_lossy(&body).into_owned()))
}

/// `8 MiB`, `512 KiB`, `100 bytes`.
fn human_bytes(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    match n {
        n if n >= MIB && n.is_multiple_of(MIB) => format!("{} MiB", n / MIB),
        n if n >= 1024 && n.is_multiple_of(1024) => format!("{} KiB", n / 1024),
        n => format!("{n} bytes"),
    }
}

fn non_json(status: u16, body: &str) -> ApiError {
    let snippet: String = body.chars().take(200).collect();
    ApiError::Transport {
        kind: TransportKind::NonJson,
        http_status: Some(status),
        detail: if snippet.is_empty() {
            "empty body".into()
        } else {
            format!("body starts: {snippet}")
        },
    }
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::Transport {
        kind: TransportKind::NonJson,
        http_status: None,
        detail: format!("unexpected JSON shape: {e}"),
    })
}

/// The S2S call's path for `purchase_id` (percent-encoded): what [`PaysecureClient::s2s`]
/// sends, and what code shown for it must send.
pub fn s2s_path(purchase_id: &str) -> String {
    format!("/p/{}/?s2s=true", segment(purchase_id))
}

/// Percent-encodes a path segment so a typed id can never change the path.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
