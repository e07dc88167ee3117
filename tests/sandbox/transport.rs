//! §2: credentials, auth and transport rules in order; coded 404/405.

use reqwest::Method;
use serde_json::json;

use crate::common::Env;

#[tokio::test]
async fn missing_or_malformed_authorization_is_401_header_missing() {
    let env = Env::start().await;
    let body = Some(b"{}".to_vec());
    let a = env
        .send(
            Method::POST,
            "/api/v1/purchases/",
            None,
            Some("application/json"),
            body.clone(),
        )
        .await;
    a.expect_error(401, "authentication_failed", "Authorization header missing");
    // A key without the `Bearer ` prefix counts as missing.
    let resp = env
        .http
        .post(format!("{}/purchases/", env.sb.base_url))
        .header("authorization", env.sb.api_key.clone())
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    let v: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(v["message"], "Authorization header missing");
}

#[tokio::test]
async fn unknown_key_is_401_incorrect_secret_key() {
    let env = Env::start().await;
    let a = env
        .api_with_key("sk_nope", Method::POST, "/purchases/", Some(&json!({})))
        .await;
    a.expect_error(401, "authentication_failed", "Incorrect secret_key");
}

#[tokio::test]
async fn auth_is_checked_before_content_type_size_and_json() {
    let env = Env::start().await;
    let a = env
        .send(
            Method::POST,
            "/api/v1/purchases/",
            None,
            Some("text/plain"),
            Some(vec![b'x'; 70_000]),
        )
        .await;
    assert_eq!(a.status, 401);
}

#[tokio::test]
async fn non_json_content_type_is_415_before_size() {
    let env = Env::start().await;
    let key = env.sb.api_key.clone();
    let a = env
        .send(
            Method::POST,
            "/api/v1/purchases/",
            Some(&key),
            Some("text/plain"),
            Some(vec![b'x'; 70_000]),
        )
        .await;
    assert_eq!(a.status, 415);
    assert_eq!(a.coded().1, "unsupported_media_type");
    let a = env
        .send(
            Method::POST,
            "/api/v1/purchases/",
            Some(&key),
            None,
            Some(b"{}".to_vec()),
        )
        .await;
    assert_eq!(a.status, 415);
}

#[tokio::test]
async fn oversized_body_is_413_before_parsing() {
    let env = Env::start().await;
    let key = env.sb.api_key.clone();
    let mut body = vec![b'{'; 64 * 1024 + 1];
    body[0] = b'{';
    let a = env
        .send(
            Method::POST,
            "/api/v1/purchases/",
            Some(&key),
            Some("application/json"),
            Some(body),
        )
        .await;
    a.expect_error(413, "payload_too_large", "Request body too large");
    // Exactly 64 KiB is allowed through to the JSON check.
    let a = env
        .send(
            Method::POST,
            "/api/v1/purchases/",
            Some(&key),
            Some("application/json"),
            Some(vec![b' '; 64 * 1024]),
        )
        .await;
    a.expect_error(400, "invalid_json", "Request Body Not Found/MalFormed");
}

#[tokio::test]
async fn malformed_or_non_object_json_is_400_invalid_json() {
    let env = Env::start().await;
    let key = env.sb.api_key.clone();
    for body in [&b"{not json"[..], b"[1,2]", b"\"text\"", b"", b"null"] {
        let a = env
            .send(
                Method::POST,
                "/api/v1/purchases/",
                Some(&key),
                Some("application/json"),
                Some(body.to_vec()),
            )
            .await;
        a.expect_error(400, "invalid_json", "Request Body Not Found/MalFormed");
    }
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_are_coded_json() {
    let env = Env::start().await;
    let a = env.send(Method::GET, "/nope", None, None, None).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.coded().1, "not_found");
    let a = env
        .send(Method::DELETE, "/api/v1/purchases/", None, None, None)
        .await;
    assert_eq!(a.status, 405);
    assert_eq!(a.coded().1, "method_not_allowed");
    let a = env
        .send(Method::PUT, "/_sandbox/reset", None, None, None)
        .await;
    assert_eq!(a.status, 405);
    assert_eq!(a.coded().1, "method_not_allowed");
}

#[tokio::test]
async fn trailing_slash_is_optional_everywhere() {
    let env = Env::start().await;
    let body = env.purchase_body();
    let a = env.api(Method::POST, "/purchases", Some(&body)).await;
    assert_eq!(a.status, 202, "{}", a.text);
    let id = a.json()["purchaseId"].as_str().expect("id").to_string();
    for path in [format!("/purchases/{id}"), format!("/purchases/{id}/")] {
        assert_eq!(env.api(Method::GET, &path, None).await.status, 200);
    }
    let card = env.card_body("4444333322221111");
    let a = env
        .api(Method::POST, &format!("/p/{id}?s2s=true"), Some(&card))
        .await;
    assert_eq!(a.status, 202, "{}", a.text);
}

#[tokio::test]
async fn both_keys_work_and_are_distinct() {
    let env = Env::start().await;
    assert_ne!(env.sb.api_key, env.sb.live_api_key);
    let body = env.purchase_body();
    let key = env.sb.live_api_key.clone();
    let a = env
        .api_with_key(&key, Method::POST, "/purchases/", Some(&body))
        .await;
    assert_eq!(a.status, 202, "{}", a.text);
    assert!(env.sb.base_url.ends_with("/api/v1"));
    assert!(
        env.sb
            .public_key_pem
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
}
