//! §3: create-purchase validation and the 202 purchase object.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Env;

#[tokio::test]
async fn create_replies_202_with_the_full_purchase_object() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["purchase"]["products"] =
        json!([{"name": "A", "price": 12.5}, {"name": "B", "price": "7.50", "quantity": 3}]);
    body["purchase"]["total"] = json!(999);
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    assert_eq!(a.status, 202);
    let p = a.json();
    let id = p["purchaseId"].as_str().expect("id");
    assert_eq!(id.len(), 24);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(p["status"], "CREATED");
    assert_eq!(
        p["purchase"]["total"],
        json!(20.0),
        "total is recomputed from prices"
    );
    assert_eq!(
        p["direct_post_url"],
        json!(format!("{}/p/{id}/", env.sb.base_url))
    );
    assert!(p["checkout_url"].as_str().expect("checkout").contains(id));
    assert_eq!(p["status_history"][0]["status"], "created");
    assert!(p["created_on"].as_i64().expect("epoch") > 1_700_000_000);
    assert_eq!(p["is_test"], true);
    assert_eq!(p["client"]["email"], "buyer@example.com");
    assert_eq!(p["success_redirect"], body["success_redirect"]);
    assert_eq!(p["success_callback"], body["success_callback"]);
}

async fn rejects(env: &Env, edit: impl Fn(&mut Value), code: &str, message: &str) {
    let mut body = env.purchase_body();
    edit(&mut body);
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    a.expect_error(400, code, message);
}

#[tokio::test]
async fn each_validation_rule_has_its_message() {
    let env = Env::start().await;
    rejects(
        &env,
        |b| {
            b.as_object_mut().map(|m| m.remove("brand_id"));
        },
        "parameter_missing",
        "brand_id is missing",
    )
    .await;
    rejects(
        &env,
        |b| b["brand_id"] = json!("brd_other"),
        "transaction_error",
        "Brand not found!",
    )
    .await;
    rejects(
        &env,
        |b| {
            b.as_object_mut().map(|m| m.remove("purchase"));
        },
        "parameter_missing",
        "purchase detail are missing",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["email"] = json!(""),
        "parameter_missing",
        "client.email is missing",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["email"] = json!("not-an-email"),
        "transaction_error",
        "Invalid Email Format",
    )
    .await;
    // The backend's pattern has no room for spaces around the address.
    rejects(
        &env,
        |b| b["client"]["email"] = json!(" buyer@example.com "),
        "transaction_error",
        "Invalid Email Format",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["country"] = json!("de"),
        "transaction_error",
        "Please submit Valid Alpha2 Country Code Ex:(AF,IN) in \"country\" parameter",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["country"] = json!("India"),
        "transaction_error",
        "Please submit Valid Alpha2 Country Code Ex:(AF,IN) in \"country\" parameter",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["street_address"] = json!(" "),
        "transaction_error",
        "Please pass valid street address in \"street_address\" parameter",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["city"] = json!(""),
        "transaction_error",
        "Please pass valid city name in \"city\" parameter",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["zip_code"] = json!(""),
        "transaction_error",
        "Please pass valid postal Code name in \"zip_code\" parameter",
    )
    .await;
    rejects(
        &env,
        |b| b["client"]["date_of_birth"] = json!("31-01-1990"),
        "transaction_error",
        "Invalid format of Date_of_Birth[allowed format: yyyy-mm-dd]",
    )
    .await;
    rejects(
        &env,
        |b| {
            b["purchase"].as_object_mut().map(|m| m.remove("currency"));
        },
        "transaction_error",
        "Currency is required",
    )
    .await;
    rejects(
        &env,
        |b| b["purchase"]["currency"] = json!("XYZ"),
        "transaction_error",
        "Currency XYZ is Not Allowed",
    )
    .await;
    rejects(
        &env,
        |b| b["purchase"]["products"] = json!([]),
        "transaction_error",
        "Product detail is missing",
    )
    .await;
    rejects(
        &env,
        |b| b["purchase"]["products"] = json!([{"price": 1}]),
        "transaction_error",
        "Product name is required",
    )
    .await;
    rejects(
        &env,
        |b| b["purchase"]["products"] = json!([{"name": "x", "price": "abc"}]),
        "transaction_error",
        "Product price is required",
    )
    .await;
    rejects(
        &env,
        |b| b["purchase"]["products"] = json!([{"name": "x", "price": 0}]),
        "transaction_error",
        "Transaction amount must be equal or greater to minimum trans amount",
    )
    .await;
    rejects(
        &env,
        |b| b["purchase"]["products"] = json!([{"name": "x", "price": 2_000_000}]),
        "transaction_error",
        "Transaction amount must not be greater to maximum trans amount",
    )
    .await;
    rejects(
        &env,
        |b| {
            b.as_object_mut().map(|m| m.remove("success_redirect"));
        },
        "parameter_missing",
        "success_redirect is missing",
    )
    .await;
    rejects(
        &env,
        |b| b["failure_redirect"] = json!(""),
        "parameter_missing",
        "failure_redirect is missing",
    )
    .await;
    rejects(
        &env,
        |b| b["success_redirect"] = json!("/relative"),
        "transaction_error",
        "Please pass valid URL in \"success_redirect\" parameter",
    )
    .await;
    rejects(
        &env,
        |b| b["extraParam"] = json!([1]),
        "invalid_json",
        "Request Body Not Found/MalFormed",
    )
    .await;
}

#[tokio::test]
async fn state_code_rules_depend_on_currency() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["client"]["stateCode"] = json!("");
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    assert_eq!(a.status, 202, "blank state is fine for EUR");
    assert_eq!(a.json()["client"]["stateCode"], "NA");
    let mut body = env.purchase_body();
    body["client"]["stateCode"] = json!("");
    body["purchase"]["currency"] = json!("USD");
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    a.expect_error(400, "transaction_error", "Please pass Valid State Code");
}

#[tokio::test]
async fn duplicate_merchant_ref_is_refused() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["merchantRef"] = json!("order-dup");
    env.create_with(body.clone()).await;
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    a.expect_error(400, "transaction_error", "Duplicate merchantRef Found!");
}

#[tokio::test]
async fn merchant_ref_defaults_to_the_purchase_id() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body.as_object_mut().map(|m| m.remove("merchantRef"));
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    let p = a.json();
    assert_eq!(p["merchantRef"], p["purchaseId"]);
}
