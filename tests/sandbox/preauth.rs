//! §10.5: pre-authorisation (`skip_capture`), capture (full and partial), void.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Env;

/// A purchase created with `skip_capture: true` and paid with `card` up to its outcome.
async fn held(env: &Env, card: &str) -> String {
    let mut body = env.purchase_body();
    body["skip_capture"] = json!(true);
    let id = env.create_with(body).await;
    let a = env.pay(&id, card).await;
    assert_eq!(a.status, 202, "{}", a.text);
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    let done = env.complete(&callback, "123456").await;
    assert_eq!(done.status, 302, "{}", done.text);
    id
}

fn history(p: &Value) -> Vec<String> {
    p["status_history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["status"].as_str().expect("status").to_string())
        .collect()
}

/// The merchant stub's webhooks for `id` as (status, signature valid), waiting for `n`.
pub async fn webhooks(env: &Env, id: &str, n: usize) -> Vec<(String, bool)> {
    for _ in 0..300 {
        let seen: Vec<(String, bool)> = env
            .sb
            .merchant_events()
            .into_iter()
            .filter_map(|e| match e {
                paysecure_explorer::api::MerchantEvent::Webhook {
                    purchase_id,
                    status,
                    signature_valid,
                    ..
                } if purchase_id == id => Some((status, signature_valid)),
                _ => None,
            })
            .collect();
        if seen.len() >= n {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("fewer than {n} webhooks for {id}");
}

async fn capture(env: &Env, id: &str, body: Option<Value>) -> crate::common::Answer {
    env.api(
        Method::POST,
        &format!("/purchases/{id}/capture/"),
        body.as_ref(),
    )
    .await
}

#[tokio::test]
async fn a_successful_pre_auth_ends_preauthorized_with_a_signed_hold_webhook() {
    let env = Env::start().await;
    let id = held(&env, "4444333322221111").await;
    let p = env.status(&id).await;
    assert_eq!(p["status"], "PREAUTHORIZED");
    assert_eq!(p["skip_capture"], true);
    assert_eq!(
        history(&p).last().map(String::as_str),
        Some("preauthorized")
    );
    assert_eq!(p["refundable_amount"], json!(0.0));
    assert!(p.get("payment").is_none(), "nothing is paid until captured");
    assert_eq!(
        webhooks(&env, &id, 1).await,
        [("hold".to_string(), true)],
        "the hold webhook is signed like the others"
    );
    // Not paid yet: nothing to refund.
    env.api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await
        .expect_error(
            400,
            "transaction_error",
            "Only Purchases with `status == (paid)` can be refunded.",
        );
}

#[tokio::test]
async fn a_declined_pre_auth_is_an_ordinary_error() {
    let env = Env::start().await;
    let id = held(&env, "4195258724913240").await;
    assert_eq!(env.status_of(&id).await, "ERROR");
}

#[tokio::test]
async fn full_capture_pays_the_whole_hold() {
    let env = Env::start().await;
    let id = held(&env, "4444333322221111").await;
    let a = capture(&env, &id, None).await;
    assert_eq!(a.status, 202, "{}", a.text);
    let r = a.json();
    assert_eq!(r["purchaseId"], id);
    assert_eq!(r["status"], "PAID");
    assert_eq!(r["captured_amount"], json!(20.0));
    assert_eq!(r["released_amount"], json!(0.0));
    assert_eq!(r["payment"]["amount"], json!(20.0));
    assert!(r["payment"]["paid_on"].is_i64());
    let p = env.status(&id).await;
    assert_eq!(p["status"], "PAID");
    let h = history(&p);
    assert_eq!(
        &h[h.len() - 3..],
        ["preauthorized", "capture_in_process", "paid"]
    );
    assert_eq!(p["refundable_amount"], json!(20.0));
    assert_eq!(
        webhooks(&env, &id, 2).await,
        [("hold".to_string(), true), ("paid".to_string(), true)]
    );
    // A second capture finds nothing held.
    capture(&env, &id, Some(json!({"amount": 1})))
        .await
        .expect_error(
            400,
            "transaction_error",
            "Only purchases with `status == (preauthorized)` can be captured.",
        );
}

#[tokio::test]
async fn partial_capture_releases_the_rest_and_refunds_stop_at_what_was_taken() {
    let env = Env::start().await;
    let id = held(&env, "5116213113429327").await;
    let a = capture(
        &env,
        &id,
        Some(json!({"amount": 7.5, "merchant_reference": "ship-1"})),
    )
    .await;
    assert_eq!(a.status, 202, "{}", a.text);
    let r = a.json();
    assert_eq!(r["status"], "PARTIALLY_CAPTURED");
    assert_eq!(r["captured_amount"], json!(7.5));
    assert_eq!(r["released_amount"], json!(12.5));
    assert_eq!(r["payment"]["amount"], json!(7.5));
    assert_eq!(r["merchant_reference"], "ship-1");
    let p = env.status(&id).await;
    assert_eq!(p["status"], "PARTIALLY_CAPTURED");
    assert_eq!(p["captured_amount"], json!(7.5));
    assert_eq!(p["refundable_amount"], json!(7.5));
    assert_eq!(
        webhooks(&env, &id, 2).await[1],
        ("partially_captured".to_string(), true)
    );
    env.api(
        Method::POST,
        &format!("/purchases/{id}/refund/"),
        Some(&json!({"amount": 8, "reason": "r"})),
    )
    .await
    .expect_error(
        400,
        "invalid_amount",
        "Refund amount exceeds refundable amount: 7.5",
    );
}

#[tokio::test]
async fn capture_errors() {
    let env = Env::start().await;
    let id = held(&env, "4444333322221111").await;
    capture(&env, &id, Some(json!({"amount": 20.01})))
        .await
        .expect_error(
            400,
            "transaction_error",
            "Capture amount exceeds the authorised total",
        );
    capture(&env, &id, Some(json!({"amount": 0})))
        .await
        .expect_error(
            400,
            "transaction_error",
            "Capture amount must be greater than zero.",
        );
    capture(&env, &id, Some(json!({"amount": "lots"})))
        .await
        .expect_error(400, "invalid_amount", "Capture amount must be a number.");
    assert_eq!(
        env.status_of(&id).await,
        "PREAUTHORIZED",
        "errors change nothing"
    );
    // Not a hold: a CREATED purchase and an ordinary PAID one.
    let created = env.create().await;
    let (paid, callback) = env.pending("4444333322221111").await;
    env.complete(&callback, "123456").await;
    for other in [created, paid] {
        capture(&env, &other, None).await.expect_error(
            400,
            "transaction_error",
            "Only purchases with `status == (preauthorized)` can be captured.",
        );
    }
    capture(&env, "000000000000000000000000", None)
        .await
        .expect_error(404, "transaction_error", "PurchaseId Not found.");
}

#[tokio::test]
async fn cancel_voids_an_uncaptured_hold_but_not_a_captured_one() {
    let env = Env::start().await;
    let id = held(&env, "4444333322221111").await;
    let a = env
        .api(Method::POST, &format!("/purchases/{id}/cancel/"), None)
        .await;
    assert_eq!(a.status, 202, "{}", a.text);
    let p = a.json();
    assert_eq!(p["status"], "CANCELLED");
    let h = history(&p);
    assert_eq!(&h[h.len() - 2..], ["void_in_process", "cancelled"]);
    assert_eq!(
        webhooks(&env, &id, 2).await,
        [("hold".to_string(), true), ("cancelled".to_string(), true)]
    );
    capture(&env, &id, None).await.expect_error(
        400,
        "transaction_error",
        "Only purchases with `status == (preauthorized)` can be captured.",
    );

    for amount in [json!(20), json!(5)] {
        let id = held(&env, "4444333322221111").await;
        let a = capture(&env, &id, Some(json!({"amount": amount}))).await;
        assert_eq!(a.status, 202, "{}", a.text);
        env.api(Method::GET, &format!("/purchases/{id}/cancel/"), None)
            .await
            .expect_error(
                400,
                "transaction_error",
                "Cannot cancel a captured transaction",
            );
    }
}

#[tokio::test]
async fn in_2d_mode_the_s2s_reply_is_already_the_hold() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    let mut body = env.purchase_body();
    body["skip_capture"] = json!(true);
    let id = env.create_with(body).await;
    let a = env.pay(&id, "4079722589318630").await;
    assert_eq!(a.status, 202, "{}", a.text);
    assert_eq!(a.json()["status"], "PREAUTHORIZED");
    assert_eq!(webhooks(&env, &id, 1).await[0].0, "hold");
}

#[tokio::test]
async fn an_uncaptured_hold_lapses_after_seven_days() {
    let env = Env::start().await;
    let id = held(&env, "4444333322221111").await;
    env.control(
        Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 6 * 24 * 60})),
    )
    .await;
    assert_eq!(env.status_of(&id).await, "PREAUTHORIZED");
    env.control(
        Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 24 * 60 + 1})),
    )
    .await;
    assert_eq!(env.status_of(&id).await, "EXPIRED");
    assert_eq!(
        webhooks(&env, &id, 2).await[1],
        ("expired".to_string(), true)
    );
}

#[tokio::test]
async fn an_authorised_hold_sends_the_customer_to_the_success_page() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["skip_capture"] = json!(true);
    let id = env.create_with(body).await;
    let a = env.pay(&id, "5116213113429327").await;
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    let done = env.complete(&callback, "123456").await;
    assert_eq!(done.status, 302, "{}", done.text);
    let location = done.location();
    assert!(
        location.contains("/merchant/return/success"),
        "a hold is a success for the customer, not a failure: {location}"
    );
}
