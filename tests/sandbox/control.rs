//! §9: the control plane.

use reqwest::Method;
use serde_json::json;

use crate::common::Env;

#[tokio::test]
async fn purchase_list_is_newest_first_and_one_has_attempts() {
    let env = Env::start().await;
    let first = env.create().await;
    let second = env.create().await;
    env.pay(&second, "4999000000000120").await;
    let list = env.control(Method::GET, "/purchases", None).await.json();
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["purchaseId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [second.as_str(), first.as_str()]);
    let one = env
        .control(Method::GET, &format!("/purchases/{second}"), None)
        .await
        .json();
    assert_eq!(one["attempts"][0]["error"]["message"], "Card is Blocked");
    assert_eq!(
        one["attempts"][0]["extra"]["masked_pan"],
        "499900******0120"
    );
    assert_eq!(one["sandbox"]["attempts_used"], 1);
    assert_eq!(one["sandbox"]["attempt_limit"], 3);
    let a = env
        .control(Method::GET, "/purchases/000000000000000000000000", None)
        .await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn settle_only_from_payment_in_process() {
    let env = Env::start().await;
    let id = env.create().await;
    let a = env
        .control(
            Method::POST,
            &format!("/purchases/{id}/settle"),
            Some(json!({"status": "paid"})),
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.coded().1, "transaction_error");
    let (id, callback) = env.pending("4710793097358785").await;
    env.complete(&callback, "123456").await;
    let a = env
        .control(
            Method::POST,
            &format!("/purchases/{id}/settle"),
            Some(json!({"status": "bogus"})),
        )
        .await;
    assert_eq!(a.status, 400);
    let a = env
        .control(
            Method::POST,
            &format!("/purchases/{id}/settle"),
            Some(json!({"status": "error"})),
        )
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(env.status_of(&id).await, "ERROR");
    let (status, valid, _) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((status.as_str(), valid), ("error", true));
}

#[tokio::test]
async fn clock_moves_purchases_to_overdue_then_expired_with_webhook() {
    let env = Env::start().await;
    let id = env.create().await;
    let read = env.control(Method::GET, "/clock", None).await.json();
    assert_eq!(read["clock_offset_minutes"], 0, "{read}");
    env.control(Method::POST, "/clock", Some(json!({"advance_minutes": 60})))
        .await;
    // What a move did can be read back (the panel counts ages on the sandbox clock).
    let read = env.control(Method::GET, "/clock", None).await.json();
    assert_eq!(read["clock_offset_minutes"], 60, "{read}");
    assert!(read["now"].as_i64().is_some(), "{read}");
    assert_eq!(env.status_of(&id).await, "CREATED");
    env.control(Method::POST, "/clock", Some(json!({"advance_minutes": 61})))
        .await;
    assert_eq!(env.status_of(&id).await, "OVERDUE");
    let a = env
        .control(
            Method::POST,
            "/clock",
            Some(json!({"advance_minutes": 24 * 60})),
        )
        .await;
    assert_eq!(a.status, 200);
    let p = env.status(&id).await;
    assert_eq!(p["status"], "EXPIRED");
    let statuses: Vec<&str> = p["status_history"]
        .as_array()
        .expect("h")
        .iter()
        .map(|h| h["status"].as_str().expect("s"))
        .collect();
    assert_eq!(statuses, ["created", "overdue", "expired"]);
    let d = env.deliveries_for(&id, 1).await;
    assert_eq!(d[0]["status"], "expired");
    let a = env
        .control(
            Method::POST,
            "/clock",
            Some(json!({"advance_minutes": "soon"})),
        )
        .await;
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn webhook_log_shape_and_replay() {
    let env = Env::start().await;
    let (id, callback) = env.pending("4079722589318630").await;
    env.complete(&callback, "123456").await;
    let d = env.deliveries_for(&id, 1).await;
    for key in [
        "n",
        "purchase_id",
        "url",
        "status",
        "signature",
        "response_status",
        "error",
        "delivered_at",
    ] {
        assert!(d[0].get(key).is_some(), "{key} missing");
    }
    assert_eq!(d[0]["n"], 0);
    let n = d[0]["n"].as_u64().expect("n");
    let a = env
        .control(Method::POST, &format!("/webhooks/{n}/replay"), None)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let replayed = a.json();
    assert_eq!(replayed["n"], 1);
    assert_eq!(replayed["signature"], d[0]["signature"]);
    assert_eq!(replayed["response_status"], 200);
    assert_eq!(env.deliveries_for(&id, 2).await.len(), 2);
    assert_eq!(
        env.control(Method::POST, "/webhooks/99/replay", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn failed_delivery_is_logged_with_its_error() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    // A closed port on loopback: the delivery fails and is logged, never retried.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    body["success_callback"] = json!(format!("http://127.0.0.1:{port}/hook"));
    let id = env.create_with(body).await;
    let a = env.pay(&id, "4079722589318630").await;
    let cb = a.json()["callback_url"].as_str().expect("cb").to_string();
    env.browser_get(&cb).await;
    let d = env.deliveries_for(&id, 1).await;
    assert_eq!(d[0]["response_status"], serde_json::Value::Null);
    assert_eq!(d[0]["error"], "connection refused");
}

#[tokio::test]
async fn stats_account_for_every_purchase() {
    let env = Env::start().await;
    let (paid, callback) = env.pending("4079722589318630").await;
    env.complete(&callback, "123456").await;
    env.create().await;
    env.deliveries_for(&paid, 1).await;
    let s = env.control(Method::GET, "/stats", None).await.json();
    assert_eq!(s["purchases"], 2);
    assert_eq!(s["by_status"], json!({"CREATED": 1, "PAID": 1}));
    assert_eq!(s["double_paid"], 0);
    assert_eq!(s["webhooks"], json!({"total": 1, "delivered_2xx": 1}));
}

#[tokio::test]
async fn public_key_is_pem_text() {
    let env = Env::start().await;
    let a = env.control(Method::GET, "/public-key", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.text, env.sb.public_key_pem);
}

#[tokio::test]
async fn settings_get_put_and_validation() {
    let env = Env::start().await;
    let s = env.control(Method::GET, "/settings", None).await.json();
    assert_eq!(
        s,
        json!({"attempt_limit": 3, "mode": "3d", "latency_ms": 0, "timeout_s": 30, "webhook_timeout_s": 10, "refund_delay_ms": 0})
    );
    let s = env
        .control(
            Method::PUT,
            "/settings",
            Some(json!({"attempt_limit": 5, "mode": "2D"})),
        )
        .await
        .json();
    assert_eq!(s["attempt_limit"], 5);
    assert_eq!(s["mode"], "2d");
    for bad in [
        json!({"attempt_limit": 0}),
        json!({"mode": "4d"}),
        json!({"latency_ms": -1}),
        json!({"nope": 1}),
    ] {
        let a = env.control(Method::PUT, "/settings", Some(bad)).await;
        assert_eq!(a.status, 400);
        assert_eq!(a.coded().1, "Invalid_Parameter");
    }
    assert_eq!(
        env.control(Method::GET, "/settings", None).await.json()["attempt_limit"],
        5
    );
}

#[tokio::test]
async fn reset_clears_purchases_deliveries_settings_and_clock() {
    let env = Env::start().await;
    let (id, callback) = env.pending("4079722589318630").await;
    env.complete(&callback, "123456").await;
    env.deliveries_for(&id, 1).await;
    env.control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    env.control(
        Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 500})),
    )
    .await;
    assert_eq!(env.control(Method::POST, "/reset", None).await.status, 200);
    assert_eq!(
        env.control(Method::GET, "/purchases", None).await.json(),
        json!([])
    );
    assert_eq!(
        env.control(Method::GET, "/webhooks", None).await.json(),
        json!([])
    );
    assert_eq!(
        env.control(Method::GET, "/settings", None).await.json()["mode"],
        "3d"
    );
    let a = env
        .api(Method::GET, &format!("/purchases/{id}/"), None)
        .await;
    assert_eq!(a.status, 404);
    let fresh = env.create().await;
    let stamp = env.status(&fresh).await["status_history"][0]["timestamp"]
        .as_i64()
        .expect("t");
    assert!(
        (stamp - paysecure_explorer::clock::now_epoch()).abs() < 120,
        "clock is back to wall time"
    );
}
