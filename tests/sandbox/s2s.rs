//! §4: the S2S check order, every trigger row, the attempt limit and concurrency.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Env;

const SEED: &str = "4444333322221111";

/// Sends the seed body with `edit` applied to a new purchase; checks the error and the
/// purchase status afterwards.
async fn trigger(env: &Env, edit: impl Fn(&mut Value), message: &str, code: &str, after: &str) {
    let id = env.create().await;
    let mut body = env.card_body(SEED);
    edit(&mut body);
    let a = env.s2s(&id, &body).await;
    a.expect_error(400, code, message);
    assert_eq!(env.status_of(&id).await, after, "status after {message:?}");
}

fn remove(field: &'static str) -> impl Fn(&mut Value) {
    move |b| {
        b.as_object_mut().map(|m| m.remove(field));
    }
}

fn set(field: &'static str, value: Value) -> impl Fn(&mut Value) {
    move |b| b[field] = value.clone()
}

fn card(number: &'static str) -> impl Fn(&mut Value) {
    set("card_number", json!(number))
}

#[tokio::test]
async fn browser_fields_missing_null_or_empty() {
    let env = Env::start().await;
    for field in ["remote_ip", "user_agent", "accept_header"] {
        let message = format!("{field} cannot be null");
        trigger(
            &env,
            remove(field),
            &message,
            "Invalid_Parameter",
            "CREATED",
        )
        .await;
        trigger(
            &env,
            set(field, Value::Null),
            &message,
            "Invalid_Parameter",
            "CREATED",
        )
        .await;
        trigger(
            &env,
            set(field, json!("")),
            &message,
            "Invalid_Parameter",
            "CREATED",
        )
        .await;
    }
}

#[tokio::test]
async fn remote_ip_equal_to_caller_or_card_0104() {
    let env = Env::start().await;
    let m = "Client Ip could not be matched with Merchant Ip";
    // The caller's address written as IPv4-mapped IPv6 is the same address.
    for same in ["127.0.0.1", "::ffff:127.0.0.1"] {
        trigger(
            &env,
            set("remote_ip", json!(same)),
            m,
            "transaction_error",
            "CREATED",
        )
        .await;
    }
    trigger(
        &env,
        card("4999000000000104"),
        m,
        "transaction_error",
        "CREATED",
    )
    .await;
}

#[tokio::test]
async fn card_detail_missing_or_empty_moves_to_error() {
    let env = Env::start().await;
    for field in [
        "cardholder_name",
        "card_number",
        "cvc",
        "expires",
        "remember_card",
    ] {
        trigger(
            &env,
            remove(field),
            "Card Detail is missing",
            "transaction_error",
            "ERROR",
        )
        .await;
        trigger(
            &env,
            set(field, json!("")),
            "Card Detail is missing",
            "transaction_error",
            "ERROR",
        )
        .await;
    }
}

#[tokio::test]
async fn card_number_digits_length_luhn() {
    let env = Env::start().await;
    let m = "Invalid card Number (Luhn algo)";
    for bad in [
        "4444 3333 2222 1111",
        "4444-3333-2222-1111",
        " 4444333322221111",
        "4444333322221111\n",
        "444433332222111a",
        "424242424",
        "4".repeat(21).leak() as &str,
        "4444333322221112",
    ] {
        trigger(
            &env,
            set("card_number", json!(bad)),
            m,
            "transaction_error",
            "CREATED",
        )
        .await;
    }
}

#[tokio::test]
async fn magic_rejection_cards() {
    let env = Env::start().await;
    let rows: &[(&str, &str, &str)] = &[
        ("4999000000000112", "Invalid Card Information", "CREATED"),
        ("4999000000000120", "Card is Blocked", "CREATED"),
        (
            "4999000000000138",
            "Different Type of key used to create purchase and payment",
            "CREATED",
        ),
        (
            "4999000000000146",
            "You charges setting is incomplete. Please Contact to administrator",
            "CREATED",
        ),
        (
            "4999000000000153",
            "Allowed Attempt for this Transaction has been consumed",
            "CREATED",
        ),
        (
            "4999000000000161",
            "Invalid Card Expiry(Valid Format:MM/YY) must be greater than current month/year",
            "ERROR",
        ),
        ("4999000000000179", "Customer profile is Blocked", "CREATED"),
        (
            "4999000000000187",
            "Customer/Card not allowed for transaction",
            "CREATED",
        ),
    ];
    for (number, message, after) in rows {
        trigger(
            &env,
            set("card_number", json!(number)),
            message,
            "transaction_error",
            after,
        )
        .await;
    }
}

#[tokio::test]
async fn key_type_mismatch_both_ways() {
    let env = Env::start().await;
    let body = env.purchase_body();
    let live = env.sb.live_api_key.clone();
    let a = env
        .api_with_key(&live, Method::POST, "/purchases/", Some(&body))
        .await;
    let id = a.json()["purchaseId"].as_str().expect("id").to_string();
    let a = env.pay(&id, SEED).await;
    a.expect_error(
        400,
        "transaction_error",
        "Different Type of key used to create purchase and payment",
    );
    let card_body = env.card_body(SEED);
    let a = env
        .api_with_key(
            &live,
            Method::POST,
            &format!("/p/{id}/?s2s=true"),
            Some(&card_body),
        )
        .await;
    assert_eq!(a.status, 202, "same key type pays: {}", a.text);
}

#[tokio::test]
async fn blocked_customer_email() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["client"]["email"] = json!("someone@blocked.example");
    let id = env.create_with(body).await;
    env.pay(&id, SEED)
        .await
        .expect_error(400, "transaction_error", "Customer profile is Blocked");
    assert_eq!(env.status_of(&id).await, "CREATED");
}

#[tokio::test]
async fn expiry_format_month_and_future() {
    let env = Env::start().await;
    let m = "Invalid Card Expiry(Valid Format:MM/YY) must be greater than current month/year";
    let now = paysecure_explorer::clock::year_month_of(paysecure_explorer::clock::now_epoch());
    let current = now.as_expiry();
    for bad in [
        "1029",
        "10/2029",
        "13/30",
        "00/30",
        "01/20",
        "1/30",
        current.as_str(),
    ] {
        trigger(
            &env,
            set("expires", json!(bad)),
            m,
            "transaction_error",
            "ERROR",
        )
        .await;
    }
    let next_month = now.plus_months(1).as_expiry();
    let id = env.create().await;
    let mut body = env.card_body(SEED);
    body["expires"] = json!(next_month);
    assert_eq!(env.s2s(&id, &body).await.status, 202, "next month is valid");
}

#[tokio::test]
async fn cvc_must_be_3_or_4_digits() {
    let env = Env::start().await;
    for bad in ["12", "12345", "12a"] {
        trigger(
            &env,
            set("cvc", json!(bad)),
            "Invalid Card Information",
            "transaction_error",
            "CREATED",
        )
        .await;
    }
}

#[tokio::test]
async fn unknown_luhn_valid_card_moves_to_error() {
    let env = Env::start().await;
    trigger(
        &env,
        card("4111111111111111"),
        "Invalid card details",
        "transaction_error",
        "ERROR",
    )
    .await;
}

#[tokio::test]
async fn check_order_first_failure_wins() {
    let env = Env::start().await;
    // Browser field (step 5) before card presence (7) and Luhn (8).
    trigger(
        &env,
        |b| {
            b.as_object_mut().map(|m| m.remove("user_agent"));
            b["card_number"] = json!("123");
        },
        "user_agent cannot be null",
        "Invalid_Parameter",
        "CREATED",
    )
    .await;
    // IP (6) before card presence (7).
    trigger(
        &env,
        |b| {
            b["remote_ip"] = json!("127.0.0.1");
            b.as_object_mut().map(|m| m.remove("cvc"));
        },
        "Client Ip could not be matched with Merchant Ip",
        "transaction_error",
        "CREATED",
    )
    .await;
    // Luhn (8) before CVC (9) before expiry (10).
    trigger(
        &env,
        |b| {
            b["card_number"] = json!("4444333322221112");
            b["cvc"] = json!("1");
            b["expires"] = json!("01/20");
        },
        "Invalid card Number (Luhn algo)",
        "transaction_error",
        "CREATED",
    )
    .await;
    // Expiry (10) before the magic card (13).
    trigger(
        &env,
        |b| {
            b["card_number"] = json!("4999000000000120");
            b["expires"] = json!("01/20");
        },
        "Invalid Card Expiry(Valid Format:MM/YY) must be greater than current month/year",
        "transaction_error",
        "ERROR",
    )
    .await;
}

#[tokio::test]
async fn unknown_purchase_is_400_on_s2s_404_on_status_and_unpayable_is_400() {
    let env = Env::start().await;
    // §10.2: the real S2S answers 400 here; the status GET of the same id stays 404.
    env.pay("000000000000000000000000", SEED)
        .await
        .expect_error(400, "transaction_error", "PurchaseId Not found.");
    env.api(Method::GET, "/purchases/000000000000000000000000/", None)
        .await
        .expect_error(404, "transaction_error", "PurchaseId Not found.");
    let (id, _) = env.pending(SEED).await;
    env.pay(&id, SEED).await.expect_error(
        400,
        "transaction_error",
        "Only purchases that can be paid for can be initiated for payment.",
    );
}

#[tokio::test]
async fn fourth_attempt_is_refused_and_nothing_can_succeed_after() {
    let env = Env::start().await;
    let id = env.create().await;
    for _ in 0..3 {
        env.pay(&id, "4999000000000120").await.expect_error(
            400,
            "transaction_error",
            "Card is Blocked",
        );
    }
    let m = "Allowed Attempt for this Transaction has been consumed";
    env.pay(&id, SEED)
        .await
        .expect_error(400, "transaction_error", m);
    env.pay(&id, SEED)
        .await
        .expect_error(400, "transaction_error", m);
    assert_eq!(env.status_of(&id).await, "CREATED");
}

#[tokio::test]
async fn magic_attempts_card_still_counts_attempts() {
    let env = Env::start().await;
    let id = env.create().await;
    let m = "Allowed Attempt for this Transaction has been consumed";
    for _ in 0..3 {
        env.pay(&id, "4999000000000153")
            .await
            .expect_error(400, "transaction_error", m);
    }
    // The fourth is refused by the real limit even with a good card.
    env.pay(&id, SEED)
        .await
        .expect_error(400, "transaction_error", m);
}

#[tokio::test]
async fn attempt_limit_is_settable() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"attempt_limit": 1})))
        .await;
    let id = env.create().await;
    env.pay(&id, "4999000000000120").await;
    env.pay(&id, SEED).await.expect_error(
        400,
        "transaction_error",
        "Allowed Attempt for this Transaction has been consumed",
    );
}

#[tokio::test]
async fn s2s_requires_the_query_flag() {
    let env = Env::start().await;
    let id = env.create().await;
    let body = env.card_body(SEED);
    let a = env
        .api(Method::POST, &format!("/p/{id}/"), Some(&body))
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.coded().1, "Invalid_Parameter");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_on_one_purchase_give_exactly_one_202() {
    let env = std::sync::Arc::new(Env::start().await);
    env.control(
        Method::PUT,
        "/settings",
        Some(json!({"attempt_limit": 100})),
    )
    .await;
    let id = env.create().await;
    let body = env.card_body(SEED);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (env, id, body) = (env.clone(), id.clone(), body.clone());
        set.spawn(async move { env.s2s(&id, &body).await });
    }
    let mut answers = Vec::new();
    while let Some(a) = set.join_next().await {
        answers.push(a.expect("task"));
    }
    let accepted = answers.iter().filter(|a| a.status == 202).count();
    assert_eq!(accepted, 1);
    for a in answers.iter().filter(|a| a.status != 202) {
        assert_eq!(a.status, 400);
        let (message, code) = a.coded();
        assert!(
            code == "already_in_process"
                || message == "Only purchases that can be paid for can be initiated for payment.",
            "{message} / {code}"
        );
    }
    assert_eq!(env.status_of(&id).await, "PENDING_EXECUTE");
}

/// A purchase created with `paymentMethod` pinned.
async fn create_with_method(env: &Env, method: &str) -> String {
    let mut body = env.purchase_body();
    body["paymentMethod"] = json!(method);
    env.create_with(body).await
}

#[tokio::test]
async fn a_card_on_a_purchase_whose_method_refuses_its_scheme_is_not_allowed() {
    let env = Env::start().await;
    // An APM purchase: no card can pay it.
    let id = create_with_method(&env, "BANKTRANSFER").await;
    env.pay(&id, SEED).await.expect_error(
        400,
        "transaction_error",
        "Payment Method VISA is not Allowed!",
    );
    assert_eq!(env.status_of(&id).await, "CREATED");
    // VISA only, paid with a Mastercard.
    let id = create_with_method(&env, "VISA").await;
    env.pay(&id, "5116213113429327").await.expect_error(
        400,
        "transaction_error",
        "Payment Method MASTER is not Allowed!",
    );
    // The same purchase takes a Visa card (the list is compared case-insensitively).
    let id = create_with_method(&env, "visa, AMEX").await;
    let a = env.pay(&id, SEED).await;
    assert_eq!(a.status.as_u16(), 202, "{}", a.text);
}

#[tokio::test]
async fn the_method_check_comes_right_after_the_attempt_count() {
    let env = Env::start().await;
    let id = create_with_method(&env, "MASTER").await;
    // Before the browser fields (step 5): a body without remote_ip still gets the method error.
    let mut body = env.card_body(SEED);
    body.as_object_mut().expect("object").remove("remote_ip");
    env.s2s(&id, &body).await.expect_error(
        400,
        "transaction_error",
        "Payment Method VISA is not Allowed!",
    );
    // It counts as an attempt, and after the limit the attempt message wins.
    for _ in 0..2 {
        env.pay(&id, SEED).await;
    }
    env.pay(&id, SEED).await.expect_error(
        400,
        "transaction_error",
        "Allowed Attempt for this Transaction has been consumed",
    );
    let attempts = env.status(&id).await["transaction_data"]["attempts"].clone();
    assert_eq!(attempts.as_array().map(Vec::len), Some(3));
    assert_eq!(
        attempts[0]["error"]["message"],
        "Payment Method VISA is not Allowed!"
    );
}

/// A merchant server that sends an S2S call and hangs up at once (a timeout, a crash)
/// must not leave the purchase marked "in process" for good: admission marks it before
/// its write is committed, and a request cancelled in between used to keep the mark.
/// Whatever became of the abandoned call, the next one is never `already_in_process`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_hangs_up_mid_call_leaves_no_purchase_in_process() {
    use tokio::io::AsyncWriteExt;
    let env = Env::start().await;
    let body = serde_json::to_vec(&env.card_body(SEED)).expect("json");
    for _ in 0..30 {
        let id = env.create().await;
        let mut tcp = tokio::net::TcpStream::connect(env.sb.addr)
            .await
            .expect("connect");
        let head = format!(
            "POST /api/v1/p/{id}/?s2s=true HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            env.sb.api_key,
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.expect("head");
        tcp.write_all(&body).await.expect("body");
        drop(tcp);
        // The abandoned call either finished (the purchase moved on) or was cancelled
        // (its mark cleared); give it a moment either way.
        let mut answer = env.pay(&id, SEED).await;
        for _ in 0..20 {
            if answer.status != 400 || answer.coded().1 != "already_in_process" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            answer = env.pay(&id, SEED).await;
        }
        assert!(
            answer.status == 202 || answer.coded().1 != "already_in_process",
            "purchase {id} stayed in process: {} {}",
            answer.status,
            answer.text
        );
    }
}
