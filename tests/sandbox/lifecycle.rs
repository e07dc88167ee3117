//! §8: status GET, cancel, full and partial refunds.

use reqwest::Method;
use serde_json::json;

use crate::common::Env;

async fn paid(env: &Env, card: &str) -> String {
    let (id, callback) = env.pending(card).await;
    env.complete(&callback, "123456").await;
    assert_eq!(env.status_of(&id).await, "PAID");
    id
}

#[tokio::test]
async fn status_get_is_200_and_unknown_is_404() {
    let env = Env::start().await;
    let id = env.create().await;
    let a = env
        .api(Method::GET, &format!("/purchases/{id}/"), None)
        .await;
    assert_eq!(a.status, 200);
    env.api(Method::GET, "/purchases/000000000000000000000000/", None)
        .await
        .expect_error(404, "transaction_error", "PurchaseId Not found.");
}

#[tokio::test]
async fn cancel_by_get_or_post_only_from_created() {
    let env = Env::start().await;
    for method in [Method::GET, Method::POST] {
        let id = env.create().await;
        let a = env
            .api(method.clone(), &format!("/purchases/{id}/cancel/"), None)
            .await;
        assert_eq!(a.status, 202, "{}", a.text);
        assert_eq!(a.json()["status"], "CANCELLED");
        let history = env.status(&id).await["status_history"].clone();
        assert_eq!(history[1]["status"], "cancelled");
        env.api(method, &format!("/purchases/{id}/cancel/"), None)
            .await
            .expect_error(
                400,
                "transaction_error",
                "Only purchases that can be paid for can be canceled.",
            );
    }
    let (id, _) = env.pending("4444333322221111").await;
    env.api(Method::GET, &format!("/purchases/{id}/cancel/"), None)
        .await
        .expect_error(
            400,
            "transaction_error",
            "Only purchases that can be paid for can be canceled.",
        );
}

#[tokio::test]
async fn full_refund() {
    let env = Env::start().await;
    let id = paid(&env, "4444333322221111").await;
    let a = env
        .api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await;
    assert_eq!(a.status, 202, "{}", a.text);
    let p = a.json();
    assert_eq!(p["status"], "REFUNDED");
    assert_eq!(p["refundable_amount"], json!(0.0));
    let statuses: Vec<&str> = p["status_history"]
        .as_array()
        .expect("h")
        .iter()
        .map(|h| h["status"].as_str().expect("s"))
        .collect();
    assert_eq!(
        &statuses[statuses.len() - 2..],
        ["refund_in_process", "refunded"]
    );
    env.api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await
        .expect_error(
            400,
            "transaction_error",
            "This Purchase was already fully refunded.",
        );
}

#[tokio::test]
async fn refund_needs_a_paid_purchase() {
    let env = Env::start().await;
    let id = env.create().await;
    env.api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await
        .expect_error(
            400,
            "transaction_error",
            "Only Purchases with `status == (paid)` can be refunded.",
        );
}

#[tokio::test]
async fn partial_refunds_and_their_messages() {
    let env = Env::start().await;
    let id = paid(&env, "4444333322221111").await;
    let path = format!("/purchases/{id}/refund/");
    let post = |body: serde_json::Value| {
        let path = path.clone();
        let env = &env;
        async move { env.api(Method::POST, &path, Some(&body)).await }
    };
    post(json!({"reason": "r"}))
        .await
        .expect_error(400, "transaction_error", "amount is required");
    post(json!({"amount": 5})).await.expect_error(
        400,
        "transaction_error",
        "reason for refund is required",
    );
    post(json!({"amount": 0, "reason": "r"}))
        .await
        .expect_error(
            400,
            "transaction_error",
            "Refund amount must be greater than zero.",
        );
    post(json!({"amount": 25, "reason": "r"}))
        .await
        .expect_error(
            400,
            "invalid_amount",
            "Refund amount exceeds refundable amount: 20",
        );
    let a = post(json!({"amount": 5.12, "reason": "damaged"})).await;
    assert_eq!(a.status, 202, "{}", a.text);
    let r = a.json();
    assert_eq!(r["status"], "REFUND_IN_PROCESS");
    assert_eq!(r["amount"], json!(5.12));
    assert_eq!(r["purchaseId"], id);
    assert_eq!(r["currency"], "EUR");
    assert_eq!(r["reason"], "damaged");
    assert_eq!(r["refundId"].as_str().expect("refund id").len(), 24);
    assert!(r["createdOn"].is_i64());
    // It settles in its own step right after the reply (§10.6).
    let mut p = env.status(&id).await;
    for _ in 0..300 {
        if p["status"] != "REFUND_IN_PROCESS" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        p = env.status(&id).await;
    }
    assert_eq!(p["status"], "PARTIAL_REFUNDED");
    assert_eq!(p["refundable_amount"], json!(14.88));
    // A full refund after a partial one refunds what is left.
    let a = env.api(Method::GET, &path, None).await;
    assert_eq!(a.json()["status"], "REFUNDED");
}

#[tokio::test]
async fn refund_fails_card_pays_but_cannot_refund() {
    let env = Env::start().await;
    let id = paid(&env, "4405935956954713").await;
    env.api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await
        .expect_error(
            400,
            "transaction_error",
            "Refund can not be initiated .Please contact Administrator.",
        );
}

#[tokio::test]
async fn payment_methods_answers_the_reference_shape() {
    let env = Env::start().await;
    let brand = env.sb.brand_id.clone();
    let a = env
        .api(
            Method::GET,
            &format!("/payment_methods?brand_id={brand}&currency=EUR&language=en"),
            None,
        )
        .await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.text);
    assert_eq!(
        a.json(),
        json!({
            "available_payment_methods": ["VISA", "MASTER"],
            "by_country": {"any": ["VISA", "MASTER"]},
            "country_names": {"any": "Other"},
            "names": {"VISA": "Visa", "MASTER": "Mastercard"},
            "card_methods": ["VISA", "MASTER"],
        })
    );
    env.api(Method::GET, "/payment_methods/?brand_id=brd_x", None)
        .await
        .expect_error(400, "transaction_error", "Brand not found!");
    env.api(Method::GET, "/payment_methods", None)
        .await
        .expect_error(400, "parameter_missing", "brand_id is missing");
    env.send(
        Method::GET,
        &format!("/api/v1/payment_methods?brand_id={brand}"),
        None,
        None,
        None,
    )
    .await
    .expect_error(401, "authentication_failed", "Authorization header missing");
}
