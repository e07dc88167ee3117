//! §7: the emulator-only fault cards.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::common::Env;

#[tokio::test]
async fn hang_card_waits_the_configured_timeout_then_504() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"timeout_s": 1})))
        .await;
    let id = env.create().await;
    let started = Instant::now();
    let a = env.pay(&id, "4999000000000302").await;
    assert!(started.elapsed() >= Duration::from_millis(950));
    a.expect_error(504, "exception", "Gateway Timeout");
    assert_eq!(env.status_of(&id).await, "CREATED");
    // The in-flight mark is released: the purchase can be paid afterwards.
    assert_eq!(env.pay(&id, "4444333322221111").await.status, 202);
}

#[tokio::test]
async fn hang_card_hits_a_short_client_timeout_and_is_released_after() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"timeout_s": 2})))
        .await;
    let id = env.create().await;
    let body = env.card_body("4999000000000302");
    let short = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let err = short
        .post(format!("{}/p/{id}/?s2s=true", env.sb.base_url))
        .bearer_auth(&env.sb.api_key)
        .json(&body)
        .send()
        .await
        .expect_err("times out");
    assert!(err.is_timeout());
    // While the abandoned call may still hang, a second call is told so (if the server
    // noticed the disconnect, the in-flight mark is already gone and it pays)…
    let a = env.pay(&id, "4444333322221111").await;
    if a.status == 202 {
        return;
    }
    a.expect_error(
        400,
        "already_in_process",
        "Some Processing is running on this purchaseId",
    );
    // …and once the hang ends the purchase is payable again.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(env.pay(&id, "4444333322221111").await.status, 202);
}

#[tokio::test]
async fn internal_error_card() {
    let env = Env::start().await;
    let id = env.create().await;
    env.pay(&id, "4999000000000310")
        .await
        .expect_error(500, "exception", "something went wrong");
    assert_eq!(env.status_of(&id).await, "CREATED");
}

#[tokio::test]
async fn dropped_connection_card_closes_without_a_response() {
    let env = Env::start().await;
    let id = env.create().await;
    let body = env.card_body("4999000000000328");
    let err = env
        .http
        .post(format!("{}/p/{id}/?s2s=true", env.sb.base_url))
        .bearer_auth(&env.sb.api_key)
        .json(&body)
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_timeout());
    let api = paysecure_explorer::api::ApiError::from_reqwest(&err);
    assert!(
        matches!(
            api,
            paysecure_explorer::api::ApiError::Transport {
                kind: paysecure_explorer::api::TransportKind::ConnectionClosed,
                ..
            }
        ),
        "{api:?}"
    );
    // The sandbox keeps serving, and the purchase is intact.
    assert_eq!(env.status_of(&id).await, "CREATED");
}

#[tokio::test]
async fn slow_success_card_answers_after_3s_as_a_2d_success() {
    let env = Env::start().await;
    let id = env.create().await;
    let started = Instant::now();
    let a = env.pay(&id, "4999000000000336").await;
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert_eq!(a.status, 202, "{}", a.text);
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    let done = env.browser_get(&callback).await;
    assert_eq!(done.status, 302, "frictionless like a 2D card");
    assert_eq!(env.status_of(&id).await, "PAID");
}

#[tokio::test]
async fn rate_limit_card() {
    let env = Env::start().await;
    let id = env.create().await;
    env.pay(&id, "4999000000000344").await.expect_error(
        429,
        "too_many_requests",
        "Too many requests",
    );
}

#[tokio::test]
async fn latency_setting_delays_api_calls() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"latency_ms": 300})))
        .await;
    let started = Instant::now();
    env.create().await;
    assert!(started.elapsed() >= Duration::from_millis(290));
}
