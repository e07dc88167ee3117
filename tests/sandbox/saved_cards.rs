//! §10.8: saved cards. `remember_card: "on"` with a success issues a `token_reference`;
//! a token + cvc pays like the original card; `listSavedCards` lists them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Env;

/// Pays `card` (remember_card "on", as the seed payload sends) to its outcome.
async fn paid_and_saved(env: &Env, card: &str) -> (String, Value) {
    let (id, callback) = env.pending(card).await;
    env.complete(&callback, "123456").await;
    let p = env.status(&id).await;
    (id, p)
}

fn token_of(p: &Value) -> String {
    p["token_reference"]
        .as_str()
        .unwrap_or_else(|| panic!("no token_reference in {p}"))
        .to_string()
}

/// An S2S body that pays with a saved card: no PAN, expiry, name or remember_card.
fn token_body(env: &Env, token: &str, cvc: Option<&str>) -> Value {
    let mut body = env.card_body("4444333322221111");
    let map = body.as_object_mut().expect("object");
    for field in [
        "card_number",
        "expires",
        "cardholder_name",
        "remember_card",
        "cvc",
    ] {
        map.remove(field);
    }
    map.insert("token_reference".into(), json!(token));
    if let Some(cvc) = cvc {
        map.insert("cvc".into(), json!(cvc));
    }
    body
}

async fn list(env: &Env, query: &str) -> crate::common::Answer {
    env.api(Method::GET, &format!("/listSavedCards?{query}"), None)
        .await
}

#[tokio::test]
async fn a_remembered_success_gets_an_opaque_token_in_purchase_attempts_and_webhook() {
    let env = Env::start().await;
    let (id, p) = paid_and_saved(&env, "4444333322221111").await;
    assert_eq!(p["status"], "PAID");
    let token = token_of(&p);
    assert!(token.starts_with("tok_"), "{token}");
    assert!(
        !token.bytes().any(|b| b.is_ascii_digit()),
        "no card digits: {token}"
    );
    assert_eq!(p["transaction_data"]["extra"]["token_reference"], token);
    let attempt = &p["transaction_data"]["attempts"][0];
    assert_eq!(attempt["extra"]["token_reference"], token);
    assert_eq!(attempt["extra"]["masked_pan"], "444433******1111");
    let (status, valid, body) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((status.as_str(), valid), ("paid", true));
    assert_eq!(body["message"]["token_reference"], token);
    assert!(
        !serde_json::to_string(&p)
            .expect("json")
            .contains("4444333322221111")
    );
}

#[tokio::test]
async fn no_token_without_remember_card_on_or_without_a_success() {
    let env = Env::start().await;
    let id = env.create().await;
    let mut body = env.card_body("4444333322221111");
    body["remember_card"] = json!("off");
    let a = env.s2s(&id, &body).await;
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    env.complete(&callback, "123456").await;
    let p = env.status(&id).await;
    assert_eq!(p["status"], "PAID");
    assert!(p.get("token_reference").is_none(), "{p}");
    let (_, declined) = paid_and_saved(&env, "4195258724913240").await;
    assert_eq!(declined["status"], "ERROR");
    assert!(declined.get("token_reference").is_none());
    let cards = list(
        &env,
        "customerId=buyer@example.com&brandId=brd_sandbox_explorer",
    )
    .await;
    assert_eq!(cards.json(), json!([]));
}

#[tokio::test]
async fn list_saved_cards_by_customer_and_brand() {
    let env = Env::start().await;
    let (_, p) = paid_and_saved(&env, "4444333322221111").await;
    let first = token_of(&p);
    // A merchant that sends its own customerId gets its cards under that id.
    let mut body = env.purchase_body();
    body["client"]["customerId"] = json!("cus_42");
    let id = env.create_with(body).await;
    let a = env.pay(&id, "5116213113429327").await;
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    env.complete(&callback, "123456").await;
    let second = token_of(&env.status(&id).await);
    let brand = env.sb.brand_id.clone();
    let a = list(
        &env,
        &format!("customerId=buyer%40example.com&brandId={brand}"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.json(),
        json!([{"card_last_four": "1111", "token_reference": first}])
    );
    let a = list(&env, &format!("customerId=cus_42&brandId={brand}")).await;
    assert_eq!(
        a.json(),
        json!([{"card_last_four": "9327", "token_reference": second}])
    );
    assert_eq!(
        list(&env, "customerId=cus_42&brandId=brd_other")
            .await
            .json(),
        json!([])
    );
    list(&env, &format!("brandId={brand}")).await.expect_error(
        400,
        "invalid_parameter",
        "customerId is required",
    );
    list(&env, "customerId=cus_42").await.expect_error(
        400,
        "invalid_parameter",
        "brandId is required",
    );
    let a = env
        .send(
            Method::GET,
            "/api/v1/listSavedCards?customerId=x&brandId=y",
            None,
            None,
            None,
        )
        .await;
    assert_eq!(a.status, 401);
}

#[tokio::test]
async fn a_token_and_cvc_pay_like_the_original_card() {
    let env = Env::start().await;
    let (_, p) = paid_and_saved(&env, "4444333322221111").await;
    let token = token_of(&p);
    let id = env.create().await;
    let a = env.s2s(&id, &token_body(&env, &token, Some("123"))).await;
    assert_eq!(a.status, 202, "{}", a.text);
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    // The seed card is a 3D card: its saved form is challenged the same way.
    let done = env.complete(&callback, "123456").await;
    assert_eq!(done.status, 302);
    let p = env.status(&id).await;
    assert_eq!(p["status"], "PAID");
    assert_eq!(p["token_reference"], token);
    let attempt = &p["transaction_data"]["attempts"][0];
    assert_eq!(attempt["extra"]["masked_pan"], "444433******1111");
    assert_eq!(attempt["extra"]["token_reference"], token);
    // Paying with a token saves nothing new.
    let brand = env.sb.brand_id.clone();
    let cards = list(
        &env,
        &format!("customerId=buyer@example.com&brandId={brand}"),
    )
    .await;
    assert_eq!(cards.json().as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_saved_refund_fails_card_still_refuses_refunds() {
    let env = Env::start().await;
    let (_, p) = paid_and_saved(&env, "4405935956954713").await;
    let token = token_of(&p);
    let id = env.create().await;
    let a = env.s2s(&id, &token_body(&env, &token, Some("123"))).await;
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    env.complete(&callback, "123456").await;
    assert_eq!(env.status_of(&id).await, "PAID");
    env.api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await
        .expect_error(
            400,
            "transaction_error",
            "Refund can not be initiated .Please contact Administrator.",
        );
}

#[tokio::test]
async fn token_errors() {
    let env = Env::start().await;
    let (_, p) = paid_and_saved(&env, "4444333322221111").await;
    let token = token_of(&p);
    let id = env.create().await;
    env.s2s(&id, &token_body(&env, &token, None))
        .await
        .expect_error(400, "Invalid_Parameter", "cvc is required");
    assert_eq!(env.status_of(&id).await, "CREATED");
    env.s2s(&id, &token_body(&env, "tok_unknown", Some("123")))
        .await
        .expect_error(400, "transaction_error", "Invalid card details");
    assert_eq!(env.status_of(&id).await, "ERROR", "as any unknown card");
}

#[tokio::test]
async fn a_saved_card_obeys_the_purchase_payment_method() {
    let env = Env::start().await;
    // The seed card is a Visa: a MASTER-only purchase refuses its token (§10.3).
    let (_, p) = paid_and_saved(&env, "4444333322221111").await;
    let token = token_of(&p);
    let mut body = env.purchase_body();
    body["paymentMethod"] = json!("MASTER");
    let id = env.create_with(body).await;
    let a = env.s2s(&id, &token_body(&env, &token, Some("123"))).await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(a.json()["message"], "Payment Method VISA is not Allowed!");
    assert_eq!(env.status(&id).await["status"], "CREATED");
}
