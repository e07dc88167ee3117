//! §10.6: refunds as the real API answers them: REFUND_IN_PROCESS, a settle step after
//! the reply with its webhook, and `refundStatus`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Env;
use crate::preauth::webhooks;

async fn paid(env: &Env) -> String {
    let (id, callback) = env.pending("4444333322221111").await;
    env.complete(&callback, "123456").await;
    assert_eq!(env.status_of(&id).await, "PAID");
    id
}

async fn refund(env: &Env, id: &str, amount: Value) -> crate::common::Answer {
    env.api(
        Method::POST,
        &format!("/purchases/{id}/refund/"),
        Some(&json!({"amount": amount, "reason": "damaged"})),
    )
    .await
}

async fn refund_status(env: &Env, id: &str, refund_id: &str) -> crate::common::Answer {
    env.api(
        Method::POST,
        &format!("/refundStatus/{id}/"),
        Some(&json!({"refundId": refund_id})),
    )
    .await
}

/// Polls the purchase until its status is `want`.
async fn settles_to(env: &Env, id: &str, want: &str) -> Value {
    for _ in 0..300 {
        let p = env.status(id).await;
        if p["status"] == want {
            return p;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{id} never reached {want}");
}

#[tokio::test]
async fn a_partial_refund_is_accepted_in_process_and_settles_after_the_reply() {
    let env = Env::start().await;
    let id = paid(&env).await;
    let a = refund(&env, &id, json!(5.12)).await;
    assert_eq!(a.status, 202, "{}", a.text);
    let r = a.json();
    let keys: Vec<&str> = r
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "refundId",
            "purchaseId",
            "amount",
            "currency",
            "status",
            "reason",
            "createdOn",
            "refundOn"
        ]
    );
    assert_eq!(r["status"], "REFUND_IN_PROCESS");
    assert_eq!(r["refundOn"], json!(0));
    assert_eq!(r["amount"], json!(5.12));
    let refund_id = r["refundId"].as_str().expect("id").to_string();
    let p = settles_to(&env, &id, "PARTIAL_REFUNDED").await;
    let statuses: Vec<&str> = p["status_history"]
        .as_array()
        .expect("h")
        .iter()
        .map(|h| h["status"].as_str().expect("s"))
        .collect();
    assert_eq!(
        &statuses[statuses.len() - 3..],
        ["paid", "refund_in_process", "partial_refunded"]
    );
    assert_eq!(p["refundable_amount"], json!(14.88));
    let s = refund_status(&env, &id, &refund_id).await;
    assert_eq!(s.status, 200, "{}", s.text);
    let s = s.json();
    assert_eq!(s["status"], "REFUNDED");
    assert_eq!(s["refundId"], refund_id);
    assert!(s["refundOn"].as_i64().is_some_and(|t| t > 0));
    assert_eq!(
        webhooks(&env, &id, 2).await,
        [
            ("paid".to_string(), true),
            ("partial_refunded".to_string(), true)
        ]
    );
    // The rest in one partial refund takes the purchase to REFUNDED.
    let a = refund(&env, &id, json!(14.88)).await;
    assert_eq!(a.status, 202, "{}", a.text);
    settles_to(&env, &id, "REFUNDED").await;
    assert_eq!(
        webhooks(&env, &id, 3).await[2],
        ("refunded".to_string(), true)
    );
}

#[tokio::test]
async fn refund_status_shows_in_process_until_settled_and_a_second_refund_waits() {
    let env = Env::start().await;
    env.control(
        Method::PUT,
        "/settings",
        Some(json!({"refund_delay_ms": 400})),
    )
    .await;
    let id = paid(&env).await;
    let r = refund(&env, &id, json!(2)).await.json();
    let refund_id = r["refundId"].as_str().expect("id").to_string();
    assert_eq!(env.status_of(&id).await, "REFUND_IN_PROCESS");
    let s = refund_status(&env, &id, &refund_id).await.json();
    assert_eq!(s["status"], "REFUND_IN_PROCESS");
    assert_eq!(s["refundOn"], json!(0));
    for second in [
        refund(&env, &id, json!(1)).await,
        env.api(Method::GET, &format!("/purchases/{id}/refund/"), None)
            .await,
    ] {
        second.expect_error(
            400,
            "transaction_error",
            "Previous Refund Request already in Process",
        );
    }
    settles_to(&env, &id, "PARTIAL_REFUNDED").await;
    assert_eq!(
        refund_status(&env, &id, &refund_id).await.json()["status"],
        "REFUNDED"
    );
}

#[tokio::test]
async fn refund_status_errors() {
    let env = Env::start().await;
    let id = paid(&env).await;
    refund_status(&env, &id, "000000000000000000000000")
        .await
        .expect_error(400, "transaction_error", "Transaction not found");
    env.api(
        Method::POST,
        &format!("/refundStatus/{id}/"),
        Some(&json!({})),
    )
    .await
    .expect_error(400, "parameter_missing", "refundId is missing");
    refund_status(&env, "000000000000000000000000", "x")
        .await
        .expect_error(404, "transaction_error", "PurchaseId Not found.");
}

#[tokio::test]
async fn a_full_refund_sends_its_webhook() {
    let env = Env::start().await;
    let id = paid(&env).await;
    let a = env
        .api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await;
    assert_eq!(a.json()["status"], "REFUNDED");
    assert_eq!(
        webhooks(&env, &id, 2).await[1],
        ("refunded".to_string(), true)
    );
}

#[tokio::test]
async fn every_refund_message_of_the_reference_still_holds() {
    let env = Env::start().await;
    let id = paid(&env).await;
    for (body, code, message) in [
        (
            json!({"reason": "r"}),
            "transaction_error",
            "amount is required",
        ),
        (
            json!({"amount": 5}),
            "transaction_error",
            "reason for refund is required",
        ),
        (
            json!({"amount": 0.004, "reason": "r"}),
            "transaction_error",
            "Refund amount must be greater than zero.",
        ),
        (
            json!({"amount": 25, "reason": "r"}),
            "invalid_amount",
            "Refund amount exceeds refundable amount: 20",
        ),
    ] {
        env.api(
            Method::POST,
            &format!("/purchases/{id}/refund/"),
            Some(&body),
        )
        .await
        .expect_error(400, code, message);
    }
    assert_eq!(env.status_of(&id).await, "PAID", "refusals change nothing");
}
