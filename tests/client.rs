//! The typed client against the sandbox: both success shapes, coded errors, every
//! transport failure kind, and the recording hook's redaction.

use std::io::{Read as _, Write as _};
use std::sync::Arc;
use std::time::Duration;

use paysecure_explorer::api::exchange::MemoryRecorder;
use paysecure_explorer::api::{
    ApiError, ClientConfig, PaysecureClient, PurchaseStatus, S2sOutcome, TransportKind,
};
use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::sandbox::{self, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

async fn setup(timeout: Duration) -> (SandboxHandle, PaysecureClient, Arc<MemoryRecorder>) {
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let recorder = Arc::new(MemoryRecorder::default());
    let client = PaysecureClient::new(ClientConfig {
        base_url: sb.base_url.clone(),
        api_key: sb.api_key.clone(),
        timeout,
        max_body_bytes: paysecure_explorer::api::client::DEFAULT_MAX_BODY_BYTES,
    })
    .expect("client")
    .with_recorder(recorder.clone());
    (sb, client, recorder)
}

fn urls(sb: &SandboxHandle) -> MerchantUrls {
    MerchantUrls {
        success_redirect: sb.merchant_return_url("success"),
        failure_redirect: sb.merchant_return_url("failure"),
        ..MerchantUrls::default()
    }
}

fn payment(card: &str) -> Value {
    let mut p = serde_json::to_value(seed_payment()).expect("json");
    p["card_number"] = json!(card);
    p
}

#[tokio::test]
async fn typed_calls_cover_the_whole_lifecycle() {
    let (sb, client, _) = setup(Duration::from_secs(10)).await;
    let purchase = client
        .create_purchase(&default_purchase(&sb.brand_id, &urls(&sb)))
        .await
        .expect("created");
    assert_eq!(purchase.status(), PurchaseStatus::Created);
    assert!(
        purchase
            .direct_post_url
            .as_deref()
            .is_some_and(|u| u.ends_with(&format!("/p/{}/", purchase.id)))
    );
    let outcome = client
        .s2s(&purchase.id, &payment("4079722589318630"))
        .await
        .expect("s2s");
    let S2sOutcome::Pending {
        callback_url,
        method,
    } = outcome
    else {
        panic!("3D mode answers pending");
    };
    assert_eq!(method, "GET");
    let landing = client.browser_get(&callback_url).await.expect("callback");
    assert_eq!(landing.status, 302);
    let status = client.status(&purchase.id).await.expect("status");
    assert_eq!(status.status(), PurchaseStatus::Paid);
    let refund = client
        .refund_partial(&purchase.id, 5.0, "test")
        .await
        .expect("partial");
    assert_eq!(refund.amount, 5.0);
    // The partial refund settles in its own step; a full refund before that would be
    // refused as "Previous Refund Request already in Process", as on the real API.
    for _ in 0..100 {
        let now = client.refund_status(&purchase.id, &refund.refund_id).await;
        if now.is_ok_and(|r| r.status() == PurchaseStatus::Refunded) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let full = client.refund_full(&purchase.id).await.expect("full");
    assert_eq!(full.status(), PurchaseStatus::Refunded);
    let other = client
        .create_purchase(&default_purchase(&sb.brand_id, &urls(&sb)))
        .await
        .expect("created");
    assert_eq!(
        client.cancel(&other.id).await.expect("cancel").status(),
        PurchaseStatus::Cancelled
    );
}

#[tokio::test]
async fn inline_2d_shape_is_understood() {
    let (sb, client, _) = setup(Duration::from_secs(10)).await;
    reqwest::Client::new()
        .put(format!("{}/settings", sb.control_url))
        .json(&json!({"mode": "2d"}))
        .send()
        .await
        .expect("settings");
    let p = client
        .create_purchase(&default_purchase(&sb.brand_id, &urls(&sb)))
        .await
        .expect("created");
    match client
        .s2s(&p.id, &payment("4444333322221111"))
        .await
        .expect("s2s")
    {
        S2sOutcome::Inline(purchase) => assert_eq!(purchase.status(), PurchaseStatus::Paid),
        other => panic!("expected inline, got {other:?}"),
    }
}

#[tokio::test]
async fn coded_errors_carry_status_code_and_message() {
    let (sb, client, _) = setup(Duration::from_secs(10)).await;
    let p = client
        .create_purchase(&default_purchase(&sb.brand_id, &urls(&sb)))
        .await
        .expect("created");
    let err = client
        .s2s(&p.id, &payment("4999000000000120"))
        .await
        .expect_err("blocked");
    assert_eq!(
        err,
        ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into()
        }
    );
    let err = client.status("nope").await.expect_err("unknown");
    assert!(matches!(
        err,
        ApiError::Coded {
            http_status: 404,
            ..
        }
    ));
}

fn kind(err: &ApiError) -> TransportKind {
    match err {
        ApiError::Transport { kind, .. } => kind.clone(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn client_for(base_url: String, timeout: Duration) -> PaysecureClient {
    PaysecureClient::new(ClientConfig {
        base_url,
        api_key: "k".into(),
        timeout,
        max_body_bytes: paysecure_explorer::api::client::DEFAULT_MAX_BODY_BYTES,
    })
    .expect("client")
}

#[tokio::test]
async fn connection_refused() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let client = client_for(
        format!("http://127.0.0.1:{port}/api/v1"),
        Duration::from_secs(5),
    );
    let err = client.status("x").await.expect_err("refused");
    assert_eq!(kind(&err), TransportKind::ConnectionRefused, "{err}");
}

#[tokio::test]
async fn timeout_is_a_transport_outcome() {
    let (sb, client, _) = setup(Duration::from_millis(300)).await;
    let p = client
        .create_purchase(&default_purchase(&sb.brand_id, &urls(&sb)))
        .await
        .expect("created");
    let err = client
        .s2s(&p.id, &payment("4999000000000302"))
        .await
        .expect_err("hang");
    assert_eq!(kind(&err), TransportKind::Timeout, "{err}");
}

#[tokio::test]
async fn closed_connection() {
    let (sb, client, _) = setup(Duration::from_secs(10)).await;
    let p = client
        .create_purchase(&default_purchase(&sb.brand_id, &urls(&sb)))
        .await
        .expect("created");
    let err = client
        .s2s(&p.id, &payment("4999000000000328"))
        .await
        .expect_err("dropped");
    assert_eq!(kind(&err), TransportKind::ConnectionClosed, "{err}");
}

/// A one-shot server answering a fixed raw HTTP response.
fn raw_server(response: &'static [u8]) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(response);
        }
    });
    format!("http://{addr}/api/v1")
}

#[tokio::test]
async fn non_json_body_is_reported_with_its_status() {
    let base = raw_server(b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 19\r\nconnection: close\r\n\r\n<h1>bad gateway</h1");
    let err = client_for(base, Duration::from_secs(5))
        .status("x")
        .await
        .expect_err("html");
    assert_eq!(kind(&err), TransportKind::NonJson);
    assert!(matches!(
        err,
        ApiError::Transport {
            http_status: Some(502),
            ..
        }
    ));
    let base =
        raw_server(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello");
    let recorder = Arc::new(MemoryRecorder::default());
    let err = client_for(base, Duration::from_secs(5))
        .with_recorder(recorder.clone())
        .status("x")
        .await
        .expect_err("text");
    assert_eq!(kind(&err), TransportKind::NonJson);
    // The record says the 200 could not be used (the history shows `200!`, not `200`).
    let records = recorder.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].status, Some(200));
    assert!(
        records[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not JSON")),
        "{:?}",
        records[0].error
    );
}

#[tokio::test]
async fn tls_failure_is_classified() {
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    // Speaking TLS to a plain-HTTP port fails the handshake.
    let base = sb.base_url.replace("http://", "https://");
    let err = client_for(base, Duration::from_secs(5))
        .status("x")
        .await
        .expect_err("tls");
    assert_eq!(kind(&err), TransportKind::Tls, "{err}");
}

#[tokio::test]
async fn recorder_gets_every_exchange_redacted() {
    let (sb, client, recorder) = setup(Duration::from_secs(10)).await;
    let p = client
        .create_purchase(&default_purchase(&sb.brand_id, &urls(&sb)))
        .await
        .expect("created");
    let _ = client.s2s(&p.id, &payment("4999000000000120")).await;
    let outcome = client
        .s2s(&p.id, &payment("4444333322221111"))
        .await
        .expect("s2s");
    let S2sOutcome::Pending { callback_url, .. } = outcome else {
        panic!("pending")
    };
    client.browser_get(&callback_url).await.expect("page");
    client
        .browser_post_form(&callback_url, &[("otp", "123456"), ("action", "submit")])
        .await
        .expect("otp");
    let refused = client_for("http://127.0.0.1:1/api/v1".into(), Duration::from_secs(2))
        .with_recorder(recorder.clone());
    let _ = refused.status("x").await;
    let records = recorder.records();
    assert_eq!(records.len(), 6);
    let everything = serde_json::to_string(&records).expect("json");
    for secret in [
        "4444333322221111",
        "4999000000000120",
        &sb.api_key,
        "\"cvc\"",
        "Bearer",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked into a record"
        );
    }
    assert!(everything.contains("444433******1111"));
    let s2s = &records[1];
    assert_eq!(s2s.method, "POST");
    assert_eq!(s2s.status, Some(400));
    assert!(s2s.latency_ms >= 0.0);
    assert!(
        s2s.response_body
            .as_deref()
            .is_some_and(|b| b.contains("Card is Blocked"))
    );
    assert!(
        s2s.request_headers
            .iter()
            .all(|(k, _)| !k.eq_ignore_ascii_case("authorization"))
    );
    let last = records.last().expect("record");
    assert_eq!(last.status, None);
    assert!(
        last.error
            .as_deref()
            .is_some_and(|e| e.contains("connection refused"))
    );
}

/// Pays `card` on a fresh purchase (`skip_capture` as asked) through the callback.
async fn pay_through(
    sb: &SandboxHandle,
    client: &PaysecureClient,
    card: &str,
    skip_capture: bool,
) -> String {
    let mut body = default_purchase(&sb.brand_id, &urls(sb));
    if skip_capture {
        body.extra.insert("skip_capture".into(), json!(true));
    }
    let purchase = client.create_purchase(&body).await.expect("created");
    let Ok(S2sOutcome::Pending { callback_url, .. }) =
        client.s2s(&purchase.id, &payment(card)).await
    else {
        panic!("3D mode answers pending");
    };
    let challenge = client.browser_get(&callback_url).await.expect("callback");
    if challenge.status == 200 {
        client
            .browser_post_form(&callback_url, &[("otp", "123456"), ("action", "submit")])
            .await
            .expect("otp");
    }
    purchase.id
}

#[tokio::test]
async fn capture_refund_status_and_saved_cards_are_typed() {
    let (sb, client, _) = setup(Duration::from_secs(10)).await;
    let id = pay_through(&sb, &client, "4444333322221111", true).await;
    let held = client.status(&id).await.expect("status");
    assert_eq!(held.status(), PurchaseStatus::Preauthorized);
    assert!(!held.status().is_final() && held.status().awaits_merchant());
    let captured = client.capture(&id, Some(5.0)).await.expect("capture");
    assert_eq!(captured.status(), PurchaseStatus::PartiallyCaptured);
    assert_eq!(
        (captured.captured_amount, captured.released_amount),
        (5.0, 15.0)
    );
    let err = client
        .capture(&id, None)
        .await
        .expect_err("not a hold any more");
    assert!(
        matches!(
            err,
            ApiError::Coded {
                http_status: 400,
                ..
            }
        ),
        "{err:?}"
    );

    let id = pay_through(&sb, &client, "4444333322221111", false).await;
    let refund = client
        .refund_partial(&id, 2.5, "test")
        .await
        .expect("partial");
    assert_eq!(refund.status(), PurchaseStatus::RefundInProcess);
    assert_eq!(refund.refund_on, Some(0));
    let mut settled = client
        .refund_status(&id, &refund.refund_id)
        .await
        .expect("refund status");
    for _ in 0..100 {
        if settled.status() == PurchaseStatus::Refunded {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        settled = client
            .refund_status(&id, &refund.refund_id)
            .await
            .expect("refund status");
    }
    assert_eq!(settled.status(), PurchaseStatus::Refunded);
    assert!(settled.refund_on.is_some_and(|t| t > 0));
    let unknown = client
        .refund_status(&id, "nope")
        .await
        .expect_err("unknown");
    assert!(
        matches!(&unknown, ApiError::Coded { message, .. } if message == "Transaction not found"),
        "{unknown:?}"
    );

    let token = client.status(&id).await.expect("status").extra["token_reference"]
        .as_str()
        .expect("a token: the seed payload remembers the card")
        .to_string();
    let cards = client
        .list_saved_cards("buyer@example.com", &sb.brand_id)
        .await
        .expect("list");
    assert!(
        cards
            .iter()
            .any(|c| c.token_reference == token && c.card_last_four == "1111"),
        "{cards:?}"
    );
}

#[tokio::test]
async fn payment_methods_lists_the_card_schemes_and_refuses_an_unknown_brand() {
    let (sb, client, _) = setup(Duration::from_secs(10)).await;
    let methods = client.payment_methods(&sb.brand_id).await.expect("methods");
    assert_eq!(methods.card_methods, ["VISA", "MASTER"]);
    assert_eq!(methods.available_payment_methods, ["VISA", "MASTER"]);
    assert_eq!(methods.by_country["any"], ["VISA", "MASTER"]);
    assert_eq!(methods.country_names["any"], "Other");
    assert_eq!(methods.name_of("MASTER"), "Mastercard");
    match client.payment_methods("brd_nobody").await {
        Err(ApiError::Coded {
            http_status,
            code,
            message,
        }) => {
            assert_eq!(http_status, 400);
            assert_eq!(code, "transaction_error");
            assert_eq!(message, "Brand not found!");
        }
        other => panic!("expected the coded error, got {other:?}"),
    }
    // A brand id that tries to smuggle more query is sent encoded, so it is just unknown.
    assert!(
        client
            .payment_methods(&format!("{}&brand_id=x", sb.brand_id))
            .await
            .is_err()
    );
}
