//! Cross-site requests to the control plane, and URLs that never come from `Host`.

use paysecure_explorer::sandbox::SandboxConfig;
use reqwest::Method;

use crate::common::Env;
use crate::raw::{env_with, env_with_config};

async fn control_with(
    env: &Env,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> crate::common::Answer {
    let mut req = env
        .http
        .request(method, format!("{}/_sandbox{path}", env.sb.origin));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let resp = req.send().await.expect("send");
    crate::common::Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        text: resp.text().await.expect("body"),
    }
}

#[tokio::test]
async fn a_foreign_origin_is_refused_and_changes_nothing() {
    let env = env_with(Default::default()).await;
    let id = env.create().await;
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        let a = control_with(&env, Method::POST, "/reset", &[("origin", origin)], None).await;
        a.expect_error(
            403,
            "cross_origin",
            "The sandbox control plane refuses requests from other origins",
        );
        let a = control_with(&env, Method::GET, "/settings", &[("origin", origin)], None).await;
        assert_eq!(a.status, 403, "{origin}: {}", a.text);
    }
    assert_eq!(env.status_of(&id).await, "CREATED", "not reset");
    // The sandbox's own origin is fine.
    let own = env.sb.origin.clone();
    let a = control_with(&env, Method::GET, "/settings", &[("origin", &own)], None).await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn control_bodies_must_be_json() {
    let env = env_with(Default::default()).await;
    let id = env.create().await;
    let body = r#"{"advance_minutes": 1500}"#;
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let headers: Vec<(&str, &str)> = ct.map(|c| ("content-type", c)).into_iter().collect();
        let a = control_with(&env, Method::POST, "/clock", &headers, Some(body)).await;
        assert_eq!(a.status, 415, "{ct:?}: {}", a.text);
        assert_eq!(a.coded().1, "unsupported_media_type");
    }
    assert_eq!(env.status_of(&id).await, "CREATED", "clock not moved");
    let a = control_with(
        &env,
        Method::POST,
        "/clock",
        &[("content-type", "application/json")],
        Some(r#"{"advance_minutes": 0}"#),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn handed_out_urls_ignore_the_host_header() {
    let env = env_with(Default::default()).await;
    let resp = env
        .http
        .post(format!("{}/purchases/", env.sb.base_url))
        .header("host", "rebound.evil.example:8089")
        .header("authorization", format!("Bearer {}", env.sb.api_key))
        .json(&env.purchase_body())
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status(), 202);
    let v: serde_json::Value = resp.json().await.expect("json");
    let text = v.to_string();
    assert!(!text.contains("evil.example"), "{text}");
    for field in ["checkout_url", "direct_post_url"] {
        let url = v[field].as_str().unwrap_or_default();
        assert!(url.starts_with(&env.sb.origin), "{field}: {url}");
    }
    let id = v["purchaseId"].as_str().expect("id");
    let resp = env
        .http
        .post(format!("{}/p/{id}/?s2s=true", env.sb.base_url))
        .header("host", "rebound.evil.example:8089")
        .header("authorization", format!("Bearer {}", env.sb.api_key))
        .json(&env.card_body("4444333322221111"))
        .send()
        .await
        .expect("s2s");
    let v: serde_json::Value = resp.json().await.expect("json");
    let callback = v["callback_url"].as_str().unwrap_or_default();
    assert!(
        callback.starts_with(&format!("{}/api/v1/payment/", env.sb.origin)),
        "{v}"
    );
}

#[tokio::test]
async fn a_public_url_is_the_origin_of_every_handed_out_url() {
    let env = env_with_config(SandboxConfig {
        public_url: Some("https://sandbox.example.test:9443".into()),
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(env.sb.origin, "https://sandbox.example.test:9443");
    // The handle's URLs name the public origin; requests still go to the bound address.
    let local = format!("http://{}", env.sb.addr);
    let resp = env
        .http
        .post(format!("{local}/api/v1/purchases/"))
        .header("authorization", format!("Bearer {}", env.sb.api_key))
        .json(&env.purchase_body())
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status(), 202);
    let v: serde_json::Value = resp.json().await.expect("json");
    let checkout = v["checkout_url"].as_str().unwrap_or_default();
    assert!(
        checkout.starts_with("https://sandbox.example.test:9443/"),
        "{v}"
    );
    let a = env
        .http
        .get(format!("{local}/_sandbox/settings"))
        .header("origin", "https://sandbox.example.test:9443")
        .send()
        .await
        .expect("settings");
    assert_eq!(a.status(), 200);
    let bad = paysecure_explorer::sandbox::start(SandboxConfig {
        public_url: Some("http://example.test/with/path".into()),
        ..SandboxConfig::default()
    })
    .await;
    assert!(bad.is_err(), "a public URL with a path is refused");
}
