//! Helpers for the sandbox integration tests: a running sandbox, raw HTTP calls, and the
//! default payloads.

use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::sandbox::{self, SandboxConfig, SandboxHandle};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A started sandbox plus a raw HTTP client that does not follow redirects.
pub struct Env {
    pub sb: SandboxHandle,
    pub http: reqwest::Client,
}

/// One raw answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// Asserts the `{"message","code"}` shape and returns (message, code).
    pub fn coded(&self) -> (String, String) {
        let v = self.json();
        let message = v["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no message: {v}"));
        let code = v["code"].as_str().unwrap_or_else(|| panic!("no code: {v}"));
        (message.to_string(), code.to_string())
    }

    pub fn expect_error(&self, status: u16, code: &str, message: &str) {
        assert_eq!(self.status.as_u16(), status, "status; body {}", self.text);
        assert_eq!(self.coded(), (message.to_string(), code.to_string()));
    }

    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no Location; status {}", self.status))
            .to_string()
    }
}

impl Env {
    pub async fn start() -> Env {
        let sb = sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Env { sb, http }
    }

    pub fn urls(&self) -> MerchantUrls {
        MerchantUrls {
            success_redirect: self.sb.merchant_return_url("success"),
            failure_redirect: self.sb.merchant_return_url("failure"),
            pending_redirect: Some(self.sb.merchant_return_url("pending")),
            success_callback: Some(self.sb.merchant_webhook_url()),
            failure_callback: Some(self.sb.merchant_webhook_url()),
        }
    }

    pub fn purchase_body(&self) -> Value {
        serde_json::to_value(default_purchase(&self.sb.brand_id, &self.urls())).expect("json")
    }

    pub fn card_body(&self, card: &str) -> Value {
        let mut p = serde_json::to_value(seed_payment()).expect("json");
        p["card_number"] = json!(card);
        p
    }

    /// A raw request: `key` None sends no Authorization.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.sb.origin)
        };
        let mut req = self.http.request(method, url);
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.expect("request sent");
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body"),
        }
    }

    pub async fn api(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        self.api_with_key(&self.sb.api_key.clone(), method, path, body)
            .await
    }

    pub async fn api_with_key(
        &self,
        key: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Answer {
        let bytes = body.map(|b| serde_json::to_vec(b).expect("json"));
        let ct = body.map(|_| "application/json");
        self.send(method, &format!("/api/v1{path}"), Some(key), ct, bytes)
            .await
    }

    pub async fn create(&self) -> String {
        self.create_with(self.purchase_body()).await
    }

    pub async fn create_with(&self, body: Value) -> String {
        let a = self.api(Method::POST, "/purchases/", Some(&body)).await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        a.json()["purchaseId"].as_str().expect("id").to_string()
    }

    pub async fn s2s(&self, id: &str, body: &Value) -> Answer {
        self.api(Method::POST, &format!("/p/{id}/?s2s=true"), Some(body))
            .await
    }

    pub async fn pay(&self, id: &str, card: &str) -> Answer {
        self.s2s(id, &self.card_body(card)).await
    }

    pub async fn status(&self, id: &str) -> Value {
        let a = self
            .api(Method::GET, &format!("/purchases/{id}/"), None)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.json()
    }

    pub async fn status_of(&self, id: &str) -> String {
        self.status(id).await["status"]
            .as_str()
            .expect("status")
            .to_string()
    }

    /// The customer's browser: GET the callback (JSON errors, HTML pages).
    pub async fn browser_get(&self, url: &str) -> Answer {
        let resp = self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .expect("browser get");
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body"),
        }
    }

    pub async fn browser_form(&self, url: &str, form: &str) -> Answer {
        let resp = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .expect("form post");
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body"),
        }
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let bytes = body.map(|b| serde_json::to_vec(&b).expect("json"));
        let ct = bytes.as_ref().map(|_| "application/json");
        self.send(method, &format!("/_sandbox{path}"), None, ct, bytes)
            .await
    }

    /// Pays `card` on a new purchase up to the 202 pending; returns (id, callback_url).
    pub async fn pending(&self, card: &str) -> (String, String) {
        let id = self.create().await;
        let a = self.pay(&id, card).await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        let v = a.json();
        assert_eq!(v["status"], "pending");
        assert_eq!(v["method"], "GET");
        (
            id,
            v["callback_url"].as_str().expect("callback").to_string(),
        )
    }

    /// Completes the callback like a browser: frictionless follows; challenge gets `otp`.
    pub async fn complete(&self, callback: &str, otp: &str) -> Answer {
        let first = self.browser_get(callback).await;
        if first.status == StatusCode::FOUND {
            return first;
        }
        assert_eq!(first.status, StatusCode::OK, "{}", first.text);
        assert!(first.text.contains("id=\"otp\""), "challenge page expected");
        self.browser_form(callback, &format!("otp={otp}&action=submit"))
            .await
    }

    /// Waits for the merchant stub's webhook for `id`.
    pub async fn webhook_for(&self, id: &str) -> Option<(String, bool, Value)> {
        for _ in 0..200 {
            for e in self.sb.merchant_events() {
                if let paysecure_explorer::api::MerchantEvent::Webhook {
                    purchase_id,
                    status,
                    signature_valid,
                    body,
                    ..
                } = e
                    && purchase_id == id
                {
                    return Some((status, signature_valid, body));
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        None
    }

    /// The control plane's webhook log entries for `id`, waiting until `n` exist.
    pub async fn deliveries_for(&self, id: &str, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let all = self.control(Method::GET, "/webhooks", None).await.json();
            let mine: Vec<Value> = all
                .as_array()
                .expect("array")
                .iter()
                .filter(|d| d["purchase_id"] == id)
                .cloned()
                .collect();
            if mine.len() >= n {
                return mine;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no {n} deliveries for {id}");
    }
}
