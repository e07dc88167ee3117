//! §10.5: pre-authorisation (`skip_capture`), capture (full and partial), void.

use std::io::Write as _;

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

/// A merchant that reads the status when a webhook arrives (as Paysecure advises) reads
/// the status the webhook announces: each is sent once its change is committed.
#[tokio::test]
async fn a_merchant_reading_the_status_on_each_webhook_reads_what_it_announces() {
    let env = Env::start().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let sandbox = env.sb.origin.trim_start_matches("http://").to_string();
    let key = env.sb.api_key.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    // Two webhooks (hold, then a partial capture): each read before it is answered.
    std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let Ok(stream) = stream else { continue };
            let body = read_request_body(&stream);
            let id = body["message"]["purchaseId"].as_str().unwrap_or("");
            let read = status_get(&sandbox, &key, id);
            let _ = (&stream)
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
            let announced = body["status"].as_str().unwrap_or("").to_string();
            if tx.send((announced, read)).is_err() {
                return;
            }
        }
    });
    let mut body = env.purchase_body();
    body["skip_capture"] = json!(true);
    body["success_callback"] = json!(hook);
    body["failure_callback"] = json!(hook);
    let id = env.create_with(body).await;
    let a = env.pay(&id, "4444333322221111").await;
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    env.complete(&callback, "123456").await;
    // Each change only once the previous one's webhook was read, as a merchant sees them.
    let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
    let next = || {
        let rx = std::sync::Arc::clone(&rx);
        tokio::task::spawn_blocking(move || {
            rx.lock()
                .expect("lock")
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("a webhook")
        })
    };
    let mut got = vec![next().await.expect("receiver")];
    let c = capture(&env, &id, Some(json!({"amount": 5.0}))).await;
    assert_eq!(c.status, 202, "{}", c.text);
    got.push(next().await.expect("receiver"));
    assert_eq!(got.len(), 2, "{got:?}");
    for (announced, read) in &got {
        let expected = match announced.as_str() {
            "hold" => "preauthorized",
            other => other,
        };
        assert_eq!(read, expected, "{got:?}");
    }
}

/// The JSON body of one HTTP request on `stream` (its `content-length` bytes).
fn read_request_body(stream: &std::net::TcpStream) -> Value {
    use std::io::{BufRead as _, Read as _};
    let mut reader = std::io::BufReader::new(stream);
    let mut length = 0usize;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; length.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    serde_json::from_slice(&body).unwrap_or_default()
}

/// The purchase's status (lower case) as a blocking status GET reads it.
fn status_get(host: &str, key: &str, id: &str) -> String {
    use std::io::Read as _;
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    let request = format!(
        "GET /api/v1/purchases/{id}/ HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {key}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str::<Value>(body).unwrap_or_default()["status"]
        .as_str()
        .unwrap_or("")
        .to_ascii_lowercase()
}
