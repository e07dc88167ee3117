//! Bad input never crashes anything: every malformed request gets the coded JSON shape,
//! never a 5xx (the fault cards aside) and never a framework error page.

use std::io::{Read as _, Write as _};

use reqwest::Method;

use crate::common::{Answer, Env};

fn assert_coded_client_error(a: &Answer, what: &str) {
    assert!(
        a.status.is_client_error(),
        "{what}: status {} body {}",
        a.status,
        a.text
    );
    let v: serde_json::Value =
        serde_json::from_str(&a.text).unwrap_or_else(|_| panic!("{what}: not JSON: {:?}", a.text));
    assert!(
        v["message"].is_string() && v["code"].is_string(),
        "{what}: {v}"
    );
}

#[tokio::test]
async fn odd_paths_and_methods_are_coded() {
    let env = Env::start().await;
    let key = env.sb.api_key.clone();
    let paths = [
        "/api/v1/purchases/%FF%FE/",
        "/api/v1/purchases/..%2F..%2Fetc/",
        "/api/v1/p/%00/?s2s=true",
        "/api/v1/p//?s2s=true",
        "/api/v1/purchases/a/b/c/d",
        "/api/v1/payment/%ZZ/",
        "/_sandbox/webhooks/-1/replay",
        "/_sandbox/purchases/x/settle",
        "/api/v2/purchases/",
        "//",
        "/api/v1/purchases/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
    ];
    for path in paths {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            let a = env
                .send(
                    method.clone(),
                    path,
                    Some(&key),
                    Some("application/json"),
                    Some(b"{}".to_vec()),
                )
                .await;
            assert_coded_client_error(&a, &format!("{method} {path}"));
        }
    }
}

#[tokio::test]
async fn pseudo_random_bodies_never_break_the_api() {
    let env = Env::start().await;
    let key = env.sb.api_key.clone();
    let id = env.create().await;
    // A fixed-seed xorshift generator: reproducible, no extra crate.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let fragments: [&[u8]; 12] = [
        b"{",
        b"}",
        b"\"card_number\":",
        b"\"4444333322221111\"",
        b"null",
        b",",
        b"[",
        b"]",
        b"\"expires\":\"13/99\"",
        b"1e999",
        b"\"\\u0000\"",
        b"\xff\xfe",
    ];
    let targets = [
        "/api/v1/purchases/".to_string(),
        format!("/api/v1/p/{id}/?s2s=true"),
        format!("/api/v1/purchases/{id}/refund/"),
    ];
    for i in 0..300 {
        let mut body = Vec::new();
        for _ in 0..(next() % 12) {
            body.extend_from_slice(fragments[(next() % fragments.len() as u64) as usize]);
        }
        let target = &targets[i % targets.len()];
        let a = env
            .send(
                Method::POST,
                target,
                Some(&key),
                Some("application/json"),
                Some(body.clone()),
            )
            .await;
        assert_coded_client_error(&a, &format!("body {:?}", String::from_utf8_lossy(&body)));
    }
}

#[tokio::test]
async fn wrongly_typed_fields_are_coded_errors() {
    let env = Env::start().await;
    let id = env.create().await;
    let bodies = [
        serde_json::json!({"client": "x", "purchase": 1, "brand_id": 5}),
        serde_json::json!({"client": {"email": ["a"]}, "purchase": {"products": "no"}, "brand_id": env.sb.brand_id}),
    ];
    for b in &bodies {
        assert_coded_client_error(
            &env.api(Method::POST, "/purchases/", Some(b)).await,
            "create",
        );
    }
    let mut card = env.card_body("4444333322221111");
    card["card_number"] = serde_json::json!({"nested": true});
    card["remote_ip"] = serde_json::json!([1, 2]);
    assert_coded_client_error(&env.s2s(&id, &card).await, "s2s");
    let mut card = env.card_body("4444333322221111");
    card["card_number"] = serde_json::json!(4444333322221111u64);
    assert_eq!(
        env.s2s(&id, &card).await.status,
        202,
        "a numeric card number is read as digits"
    );
}

#[tokio::test]
async fn raw_garbage_on_the_socket_does_not_stop_the_server() {
    let env = Env::start().await;
    let addr = env.sb.addr;
    let garbage = tokio::task::spawn_blocking(move || {
        for payload in [
            &b"\x16\x03\x01\x02\x00garbage-tls-hello"[..],
            b"GET / HTTP/9.9\r\n\r\n",
            b"POST /api/v1/purchases/ HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        ] {
            if let Ok(mut s) = std::net::TcpStream::connect(addr) {
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let _ = s.write_all(payload);
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf);
            }
        }
    });
    garbage.await.expect("garbage sender");
    env.create().await;
}
