//! §10.1: every purchase object the sandbox sends (create, status, cancel, full refund,
//! 2D reply, webhook `message`) validates against a JSON Schema written from the real
//! captures (`tests/schemas/purchase.schema.json`), and the crate's own client parses it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::common::Env;

const SCHEMA: &str = include_str!("../schemas/purchase.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

/// Asserts that `body` is a full purchase object, naming every violation.
fn assert_full_purchase(what: &str, body: &Value) {
    let errors: Vec<String> = validator()
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\nbody: {body:#}");
    let typed: Result<paysecure_explorer::api::Purchase, _> = serde_json::from_value(body.clone());
    assert!(
        typed.is_ok(),
        "{what}: the client's Purchase type: {typed:?}"
    );
}

/// A create body as a plugin sends it: numbers where strings belong, shipping fields,
/// a platform.
fn plugin_style_body(env: &Env) -> Value {
    let mut body = env.purchase_body();
    body["client"]["zip_code"] = json!(10115);
    body["client"]["phone"] = json!(15555550123_u64);
    body["client"]["shipping_city"] = json!("Berlin");
    body["platform"] = json!("woocommerce");
    body
}

#[tokio::test]
async fn the_schema_itself_rejects_the_old_shapes() {
    // The proof is only worth something if the schema catches what §10.1 fixed.
    let v = validator();
    let env = Env::start().await;
    let a = env
        .api(Method::POST, "/purchases/", Some(&env.purchase_body()))
        .await;
    let good = a.json();
    assert!(v.is_valid(&good));
    for (pointer, bad) in [
        ("/purchase/total_formatted", json!("20.00")),
        ("/client/zip_code", json!(10115)),
        ("/fraudScore", json!(null)),
        ("/pending_redirect", json!(null)),
    ] {
        let mut broken = good.clone();
        *broken.pointer_mut(pointer).expect(pointer) = bad;
        assert!(!v.is_valid(&broken), "{pointer} should be refused");
    }
    let mut missing = good.clone();
    missing["client"]
        .as_object_mut()
        .expect("client")
        .remove("tax_number");
    assert!(!v.is_valid(&missing), "client.tax_number is required");
}

#[tokio::test]
async fn create_status_refund_and_webhook_bodies_are_full_purchase_objects() {
    let env = Env::start().await;
    let created = env
        .api(Method::POST, "/purchases/", Some(&plugin_style_body(&env)))
        .await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let created = created.json();
    assert_full_purchase("create", &created);
    assert_eq!(created["client"]["zip_code"], "10115");
    assert_eq!(created["client"]["phone"], "15555550123");
    assert_eq!(created["client"]["shipping_city"], "Berlin");
    assert_eq!(created["client"]["legal_name"], "");
    assert_eq!(created["platform"], "woocommerce");
    assert!(created["purchase"]["total_formatted"].is_number());
    assert_eq!(created["purchase"]["request_client_details"], json!([]));
    assert_eq!(created["purchase"]["email_message"], "");
    assert!(created["issuer_details"].is_object());

    let id = created["purchaseId"].as_str().expect("id").to_string();
    let (_, callback) = (id.clone(), {
        let a = env.pay(&id, "4444333322221111").await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        a.json()["callback_url"].as_str().expect("cb").to_string()
    });
    let pending = env.status(&id).await;
    assert_full_purchase("status while pending", &pending);
    env.complete(&callback, "123456").await;
    let paid = env.status(&id).await;
    assert_full_purchase("status when paid", &paid);
    let extra = &paid["transaction_data"]["extra"];
    assert_eq!(extra["cardholder_name"], "dk");
    assert_eq!(extra["masked_pan"], "444433******1111");
    let attempt = &paid["transaction_data"]["attempts"][0];
    assert_eq!(attempt["extra"]["amount"], paid["purchase"]["total"]);
    assert!(attempt["country"].is_string());
    assert!(paid["paidOn"].as_i64().is_some_and(|t| t > 0));
    assert_eq!(paid["receivedAmt"], paid["purchase"]["total"]);

    let (status, valid, webhook) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((status.as_str(), valid), ("paid", true));
    assert_full_purchase("webhook message", &webhook["message"]);

    let refunded = env
        .api(Method::GET, &format!("/purchases/{id}/refund/"), None)
        .await;
    assert_eq!(refunded.status, StatusCode::ACCEPTED, "{}", refunded.text);
    let refunded = refunded.json();
    assert_full_purchase("full refund", &refunded);
    assert_eq!(refunded["totalRefunded"], refunded["purchase"]["total"]);

    let other = env.create().await;
    let cancelled = env
        .api(Method::GET, &format!("/purchases/{other}/cancel/"), None)
        .await;
    assert_eq!(cancelled.status, StatusCode::ACCEPTED, "{}", cancelled.text);
    assert_full_purchase("cancel", &cancelled.json());
}

#[tokio::test]
async fn rejected_attempts_and_the_2d_reply_are_full_purchase_objects() {
    let env = Env::start().await;
    let id = env.create().await;
    let mut body = env.card_body("4444333322221111");
    body["expires"] = json!("13/99");
    let a = env.s2s(&id, &body).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    assert_full_purchase("after a rejected attempt", &env.status(&id).await);

    env.control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    let id = env.create().await;
    let inline = env.pay(&id, "4444333322221111").await;
    assert_eq!(inline.status, StatusCode::ACCEPTED, "{}", inline.text);
    assert_full_purchase("2D reply", &inline.json());
}
