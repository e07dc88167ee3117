//! Every lever a developer pulls on a running sandbox, each over loopback HTTP against
//! `sandbox::start`: refunds (full, partial, refused), cancel, settle, the clock (OVERDUE,
//! EXPIRED and their webhooks), settings, replay, redelivery to one's own endpoint,
//! `forward_to`, and the browser dashboard with its forms.

#[allow(dead_code)]
#[path = "sandbox/common.rs"]
mod common;
mod receiver;

use std::time::Duration;

use common::Env;
use paysecure_explorer::api::client::{ClientConfig, DEFAULT_MAX_BODY_BYTES, PaysecureClient};
use paysecure_explorer::api::error::ApiError;
use paysecure_explorer::flow::presets::default_purchase;
use paysecure_explorer::paysecure::webhook_signature::signed_string;
use paysecure_explorer::sandbox::signing::Verifier;
use paysecure_explorer::sandbox::{self, SandboxConfig};
use receiver::Receiver;
use reqwest::Method;
use serde_json::{Value, json};

/// Pays after the 3DS challenge (OTP 123456).
const PAYS: &str = "4079722589318630";
/// Parks in PAYMENT_IN_PROCESS until settled.
const PENDING: &str = "4710793097358785";
/// Mastercard 2D: pays PAID frictionless; a later refund is refused.
const REFUND_FAILS: &str = "5149446104369687";

fn client(env: &Env) -> PaysecureClient {
    PaysecureClient::new(ClientConfig {
        base_url: env.sb.base_url.clone(),
        api_key: env.sb.api_key.clone(),
        timeout: Duration::from_secs(10),
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
    })
    .expect("client")
}

/// A new purchase paid with `card` through S2S and the callback; returns its id.
async fn paid_with(env: &Env, card: &str) -> String {
    let (id, callback) = env.pending(card).await;
    env.complete(&callback, "123456").await;
    assert_eq!(env.status_of(&id).await, "PAID");
    id
}

fn coded(result: Result<impl std::fmt::Debug, ApiError>) -> (u16, String, String) {
    match result {
        Err(ApiError::Coded {
            http_status,
            code,
            message,
        }) => (http_status, code, message),
        other => panic!("expected a coded error, got {other:?}"),
    }
}

#[tokio::test]
async fn refund_full_ends_refunded_and_a_second_is_refused() {
    let env = Env::start().await;
    let api = client(&env);
    let id = paid_with(&env, PAYS).await;
    let refunded = api.refund_full(&id).await.expect("refund");
    assert_eq!(refunded.status, "REFUNDED");
    assert_eq!(env.status_of(&id).await, "REFUNDED");
    let (status, code, message) = coded(api.refund_full(&id).await);
    assert_eq!(status, 400);
    assert_eq!(code, "transaction_error");
    assert_eq!(message, "This Purchase was already fully refunded.");
}

#[tokio::test]
async fn partial_refund_leaves_the_rest_refundable() {
    let env = Env::start().await;
    let api = client(&env);
    let id = paid_with(&env, PAYS).await;
    let refund = api
        .refund_partial(&id, 1.0, "damaged box")
        .await
        .expect("partial refund");
    assert_eq!(refund.purchase_id, id);
    assert_eq!(refund.amount, 1.0);
    assert!(!refund.refund_id.is_empty());
    assert_eq!(env.status_of(&id).await, "PARTIAL_REFUNDED");
    let (status, code, _) = coded(api.refund_partial(&id, 1_000_000.0, "too much").await);
    assert_eq!((status, code.as_str()), (400, "invalid_amount"));
    api.refund_full(&id).await.expect("the rest");
    assert_eq!(env.status_of(&id).await, "REFUNDED");
}

#[tokio::test]
async fn refund_is_refused_on_a_refund_fails_card() {
    let env = Env::start().await;
    let api = client(&env);
    let id = paid_with(&env, REFUND_FAILS).await;
    for result in [
        coded(api.refund_full(&id).await),
        coded(api.refund_partial(&id, 1.0, "why not").await),
    ] {
        assert_eq!(
            result,
            (
                400,
                "transaction_error".to_string(),
                "Refund can not be initiated .Please contact Administrator.".to_string()
            )
        );
    }
    assert_eq!(env.status_of(&id).await, "PAID");
}

#[tokio::test]
async fn cancel_from_created_only() {
    let env = Env::start().await;
    let api = client(&env);
    let created = api
        .create_purchase(&default_purchase(&env.sb.brand_id, &env.urls()))
        .await
        .expect("create");
    let cancelled = api.cancel(&created.id).await.expect("cancel");
    assert_eq!(cancelled.status, "CANCELLED");
    let (status, _, message) = coded(api.cancel(&created.id).await);
    assert_eq!(status, 400);
    assert_eq!(
        message,
        "Only purchases that can be paid for can be canceled."
    );
}

#[tokio::test]
async fn settle_resolves_payment_in_process_with_a_webhook() {
    let env = Env::start().await;
    let (id, callback) = env.pending(PENDING).await;
    env.complete(&callback, "123456").await;
    assert_eq!(env.status_of(&id).await, "PAYMENT_IN_PROCESS");
    let a = env
        .control(
            Method::POST,
            &format!("/purchases/{id}/settle"),
            Some(json!({"status": "paid"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["status"], "PAID");
    let (status, valid, _) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((status.as_str(), valid), ("paid", true));
    let again = env
        .control(
            Method::POST,
            &format!("/purchases/{id}/settle"),
            Some(json!({"status": "paid"})),
        )
        .await;
    assert_eq!(again.status, 400);
}

#[tokio::test]
async fn clock_moves_to_overdue_then_expired_with_webhooks_logged() {
    let env = Env::start().await;
    let id = env.create().await;
    let a = env
        .control(
            Method::POST,
            "/clock",
            Some(json!({"advance_minutes": 121})),
        )
        .await;
    assert_eq!(a.json()["clock_offset_minutes"], 121);
    assert_eq!(env.status_of(&id).await, "OVERDUE");
    env.control(
        Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 1441 - 121})),
    )
    .await;
    assert_eq!(env.status_of(&id).await, "EXPIRED");
    let d = env.deliveries_for(&id, 1).await;
    assert_eq!(d[0]["status"], "expired");
    assert_eq!(d[0]["url"], env.sb.merchant_webhook_url().as_str());
    assert_eq!(d[0]["response_status"], 200);
}

#[tokio::test]
async fn settings_get_and_put() {
    let env = Env::start().await;
    let before = env.control(Method::GET, "/settings", None).await.json();
    assert_eq!(before["attempt_limit"], 3);
    assert_eq!(before["mode"], "3d");
    let put = env
        .control(
            Method::PUT,
            "/settings",
            Some(json!({"mode": "2d", "attempt_limit": 5})),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    let after = env.control(Method::GET, "/settings", None).await.json();
    assert_eq!(
        (after["mode"].clone(), after["attempt_limit"].clone()),
        (json!("2d"), json!(5))
    );
    let bad = env
        .control(Method::PUT, "/settings", Some(json!({"mode": "4d"})))
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        env.control(Method::GET, "/settings", None).await.json(),
        after
    );
}

#[tokio::test]
async fn replay_sends_the_same_signed_delivery_again() {
    let env = Env::start().await;
    let id = paid_with(&env, PAYS).await;
    let first = env.deliveries_for(&id, 1).await;
    let a = env.control(Method::POST, "/webhooks/0/replay", None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let replayed = a.json();
    assert_eq!(replayed["n"], 1);
    assert_eq!(replayed["signature"], first[0]["signature"]);
    assert_eq!(replayed["response_status"], 200);
    assert_eq!(env.deliveries_for(&id, 2).await.len(), 2);
}

#[tokio::test]
async fn redeliver_to_ones_own_endpoint() {
    let env = Env::start().await;
    let hooks = Receiver::start();
    let id = paid_with(&env, PAYS).await;
    env.deliveries_for(&id, 1).await;
    let a = env
        .control(
            Method::POST,
            "/webhooks/0/replay",
            Some(json!({"url": hooks.url})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["url"], hooks.url.as_str());
    assert_eq!(a.json()["response_status"], 200);
    let got = hooks.next(Duration::from_secs(5)).expect("redelivered");
    assert_eq!(got.path, "/hooks/paysecure");
    let verifier = Verifier::from_pem(&env.sb.public_key_pem).expect("key");
    let signature = got.signature.expect("paysecure-sign");
    assert!(verifier.verify(&signed_string(&id, "paid", &env.sb.brand_id), &signature));
    assert_eq!(got.body["message"]["purchaseId"], id.as_str());
    let refused = env
        .control(
            Method::POST,
            "/webhooks/0/replay",
            Some(json!({"url": "ftp://127.0.0.1/x"})),
        )
        .await;
    assert_eq!(refused.status, 400);
}

#[tokio::test]
async fn forward_to_sends_every_webhook_again_as_a_delivery_of_its_own() {
    let hooks = Receiver::start();
    let sb = sandbox::start(SandboxConfig {
        forward_to: Some(hooks.url.clone()),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let env = Env {
        sb,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    };
    assert_eq!(env.sb.forward_to.as_deref(), Some(hooks.url.as_str()));
    let id = paid_with(&env, PAYS).await;
    let both = env.deliveries_for(&id, 2).await;
    let forwarded: Vec<&Value> = both.iter().filter(|d| d["forwarded"] == true).collect();
    assert_eq!(forwarded.len(), 1, "{both:#?}");
    assert_eq!(forwarded[0]["url"], hooks.url.as_str());
    assert_eq!(forwarded[0]["response_status"], 200);
    let own = both
        .iter()
        .find(|d| d.get("forwarded").is_none())
        .expect("own delivery, no forwarded field");
    assert_eq!(own["signature"], forwarded[0]["signature"]);
    let got = hooks.next(Duration::from_secs(5)).expect("forwarded");
    let verifier = Verifier::from_pem(&env.sb.public_key_pem).expect("key");
    assert!(verifier.verify(
        &signed_string(&id, "paid", &env.sb.brand_id),
        &got.signature.expect("paysecure-sign")
    ));
}

#[tokio::test]
async fn forward_to_refuses_what_is_not_http() {
    for bad in ["ftp://127.0.0.1/x", "127.0.0.1:9000", "mailto:a@b.c"] {
        let started = sandbox::start(SandboxConfig {
            forward_to: Some(bad.into()),
            ..SandboxConfig::default()
        })
        .await;
        assert!(started.is_err(), "{bad} accepted");
    }
}

/// The dashboard: its page, and a form field's value (`token`) read from it.
async fn dashboard(env: &Env) -> String {
    let a = env.send(Method::GET, "/_sandbox/", None, None, None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(
        a.headers["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/html"))
    );
    a.text
}

fn token_in(page: &str) -> String {
    let at = page.find("name=\"token\" value=\"").expect("a token field")
        + "name=\"token\" value=\"".len();
    page[at..].chars().take_while(|c| *c != '"').collect()
}

/// A form post as the dashboard's page makes it.
async fn post_form(env: &Env, path: &str, form: &str, origin: &str) -> common::Answer {
    let resp = env
        .http
        .post(format!("{}{path}", env.sb.origin))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", origin)
        .body(form.to_string())
        .send()
        .await
        .expect("form post");
    common::Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        text: resp.text().await.expect("body"),
    }
}

#[tokio::test]
async fn dashboard_lists_purchases_and_webhooks_with_links() {
    let env = Env::start().await;
    let paid = paid_with(&env, PAYS).await;
    let created = env.create().await;
    env.deliveries_for(&paid, 1).await;
    let page = dashboard(&env).await;
    for id in [&paid, &created] {
        assert!(
            page.contains(&format!("href=\"/_sandbox/purchases/{id}\"")),
            "{id} not linked"
        );
    }
    assert!(
        page.contains(">PAID<") && page.contains(">CREATED<"),
        "{page}"
    );
    assert!(page.contains("Webhook deliveries (1)"), "{page}");
    assert!(page.contains("action=\"/_sandbox/ui/replay/0\""));
    assert!(!page.contains("<script"), "works without JavaScript");
    // The link leads to the purchase's JSON.
    let one = env
        .control(Method::GET, &format!("/purchases/{created}"), None)
        .await;
    assert_eq!(one.json()["status"], "CREATED");
}

#[tokio::test]
async fn dashboard_escapes_what_the_store_holds() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["merchantRef"] = json!("<img src=x onerror=alert(1)>");
    let id = env.create_with(body).await;
    let page = dashboard(&env).await;
    assert!(page.contains(&id));
    assert!(!page.contains("<img src=x"), "raw markup from the store");
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[tokio::test]
async fn dashboard_form_settles_and_redirects_back() {
    let env = Env::start().await;
    let (id, callback) = env.pending(PENDING).await;
    env.complete(&callback, "123456").await;
    let page = dashboard(&env).await;
    let action = format!("action=\"/_sandbox/ui/settle/{id}\"");
    assert!(
        page.contains(&action),
        "settle buttons for a pending purchase"
    );
    let token = token_in(&page);
    let own = env.sb.origin.clone();
    let a = post_form(
        &env,
        &format!("/_sandbox/ui/settle/{id}"),
        &format!("token={token}&status=paid"),
        &own,
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.text);
    assert_eq!(a.location(), "/_sandbox/");
    assert_eq!(env.status_of(&id).await, "PAID");
    assert!(
        !dashboard(&env).await.contains(&action),
        "no longer settleable"
    );
    // Replay from the page, once the paid webhook is logged.
    env.deliveries_for(&id, 1).await;
    let a = post_form(
        &env,
        "/_sandbox/ui/replay/0",
        &format!("token={token}"),
        &own,
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.text);
    assert_eq!(env.deliveries_for(&id, 2).await.len(), 2);
}

#[tokio::test]
async fn dashboard_forms_refuse_cross_site_posts() {
    let env = Env::start().await;
    let (id, callback) = env.pending(PENDING).await;
    env.complete(&callback, "123456").await;
    let token = token_in(&dashboard(&env).await);
    let path = format!("/_sandbox/ui/settle/{id}");
    let form = format!("token={token}&status=paid");
    let foreign = post_form(&env, &path, &form, "http://evil.example").await;
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.coded().1, "cross_origin");
    let own = env.sb.origin.clone();
    let no_token = post_form(&env, &path, "status=paid", &own).await;
    assert_eq!(no_token.status, 403);
    let wrong = post_form(&env, &path, "token=00&status=paid", &own).await;
    assert_eq!(wrong.status, 403);
    assert_eq!(env.status_of(&id).await, "PAYMENT_IN_PROCESS");
    // The JSON control plane still refuses form bodies.
    let json_plane = env
        .send(
            Method::POST,
            &format!("/_sandbox/purchases/{id}/settle"),
            None,
            Some("application/x-www-form-urlencoded"),
            Some(b"status=paid".to_vec()),
        )
        .await;
    assert_eq!(json_plane.status, 415);
    assert_eq!(env.status_of(&id).await, "PAYMENT_IN_PROCESS");
}
