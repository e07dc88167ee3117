//! Outcomes computed before an await never land on a purchase that changed meanwhile, and
//! refund loops cannot grow a purchase without bound.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::common::Env;
use crate::raw::env_with;

/// The slow fault card: 3 s, then as a 2D success.
const SLOW: &str = "4999000000000336";
const NOT_PAYABLE: &str = "Only purchases that can be paid for can be initiated for payment.";

/// Starts the slow card on a new purchase, waits until the sandbox holds it in flight,
/// expires the purchase through the clock, and returns (id, the S2S answer).
async fn slow_card_against_the_clock(env: Arc<Env>) -> (String, crate::common::Answer) {
    let id = env.create().await;
    let paying = {
        let env = Arc::clone(&env);
        let id = id.clone();
        tokio::spawn(async move { env.pay(&id, SLOW).await })
    };
    let started = Instant::now();
    loop {
        let v = env
            .control(Method::GET, &format!("/purchases/{id}"), None)
            .await
            .json();
        if v["sandbox"]["in_flight"] == true {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "never in flight: {v}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let a = env
        .control(
            Method::POST,
            "/clock",
            Some(json!({"advance_minutes": 1500})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(env.status_of(&id).await, "EXPIRED");
    let answer = tokio::time::timeout(Duration::from_secs(10), paying)
        .await
        .expect("the slow card answers")
        .expect("task");
    (id, answer)
}

async fn assert_stays_expired_with_one_webhook(env: &Env, id: &str) {
    assert_eq!(env.status_of(id).await, "EXPIRED");
    let history = env.status(id).await["status_history"].to_string();
    assert!(
        !history.contains("paid") && !history.contains("pending_execute"),
        "{history}"
    );
    // Give a wrongly sent `paid` webhook time to arrive before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let statuses: Vec<String> = env
        .sb
        .merchant_events()
        .into_iter()
        .filter_map(|e| match e {
            paysecure_explorer::api::MerchantEvent::Webhook {
                purchase_id,
                status,
                ..
            } if purchase_id == id => Some(status),
            _ => None,
        })
        .collect();
    assert_eq!(statuses, vec!["expired".to_string()]);
}

#[tokio::test]
async fn an_expired_purchase_is_not_paid_by_the_slow_card_in_3d_mode() {
    let env = Arc::new(env_with(Default::default()).await);
    let (id, answer) = slow_card_against_the_clock(Arc::clone(&env)).await;
    answer.expect_error(400, "transaction_error", NOT_PAYABLE);
    assert_stays_expired_with_one_webhook(&env, &id).await;
    // Nor can its callback complete it.
    let a = env
        .browser_get(&format!("{}/payment/{id}/", env.sb.base_url))
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
}

#[tokio::test]
async fn an_expired_purchase_is_not_paid_by_the_slow_card_in_2d_mode() {
    let env = Arc::new(env_with(Default::default()).await);
    let a = env
        .control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    assert_eq!(a.status, 200);
    let (id, answer) = slow_card_against_the_clock(Arc::clone(&env)).await;
    answer.expect_error(400, "transaction_error", NOT_PAYABLE);
    assert_stays_expired_with_one_webhook(&env, &id).await;
}

/// A paid purchase (2D mode, so no callback is needed).
async fn paid(env: &Env) -> String {
    env.control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    let id = env.create().await;
    let a = env.pay(&id, "5116213113429327").await;
    assert_eq!(a.status, 202, "{}", a.text);
    assert_eq!(env.status_of(&id).await, "PAID");
    id
}

async fn refund(env: &Env, id: &str, amount: serde_json::Value) -> crate::common::Answer {
    env.api(
        Method::POST,
        &format!("/purchases/{id}/refund/"),
        Some(&json!({"amount": amount, "reason": "test"})),
    )
    .await
}

#[tokio::test]
async fn refunds_that_round_to_zero_are_refused_and_change_nothing() {
    let env = env_with(Default::default()).await;
    let id = paid(&env).await;
    let before = env.status(&id).await["status_history"].clone();
    for amount in [json!(0.004), json!("0.001"), json!(0.0049)] {
        let a = refund(&env, &id, amount.clone()).await;
        a.expect_error(
            400,
            "transaction_error",
            "Refund amount must be greater than zero.",
        );
    }
    assert_eq!(env.status(&id).await["status_history"], before);
    assert_eq!(env.status_of(&id).await, "PAID");
}

#[tokio::test]
async fn partial_refunds_per_purchase_are_capped() {
    let env = env_with(Default::default()).await;
    let id = paid(&env).await;
    let cap = paysecure_explorer::sandbox::lifecycle::MAX_PARTIAL_REFUNDS;
    for n in 0..cap {
        let a = refund(&env, &id, json!(0.01)).await;
        assert_eq!(a.status, 202, "refund {n}: {}", a.text);
    }
    let a = refund(&env, &id, json!(0.01)).await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(a.coded().1, "refund_limit_reached");
    let history_len = env.status(&id).await["status_history"]
        .as_array()
        .map_or(0, Vec::len);
    // The rest can still be refunded in full, once.
    let a = env
        .api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await;
    assert_eq!(a.status, 202, "{}", a.text);
    assert_eq!(env.status_of(&id).await, "REFUNDED");
    let after = env.status(&id).await["status_history"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(after <= history_len + 2, "{history_len} -> {after}");
}
