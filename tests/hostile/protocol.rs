//! Every protocol-level rejection answers `{"message","code"}` with the right status,
//! never hyper's bare empty-bodied answer nor a silent close.

use std::time::Duration;

use crate::raw::{env_with, exchange};

const KEY: &str = "sk_test_sandbox_paysecure_explorer";

fn many_headers() -> Vec<u8> {
    let mut r = b"GET /api/v1/purchases/x/ HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..150 {
        r.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    r.extend_from_slice(b"\r\n");
    r
}

fn big_header() -> Vec<u8> {
    let mut r = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    r.extend(std::iter::repeat_n(b'a', 200_000));
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn long_uri() -> Vec<u8> {
    let mut r = b"GET /".to_vec();
    r.extend(std::iter::repeat_n(b'a', 70_000));
    r.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\n\r\n");
    r
}

#[tokio::test]
async fn every_unparsable_request_gets_a_coded_answer() {
    let env = env_with(Default::default()).await;
    let chunked = format!(
        "POST /api/v1/purchases/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n"
    );
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("malformed request line", b"GARBAGE\r\n\r\n".to_vec(), 400, "malformed_request"),
        ("bad method token", b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), 400, "malformed_request"),
        ("space in target", b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), 400, "malformed_request"),
        ("request line without version", b"GET /\r\n\r\n".to_vec(), 400, "malformed_request"),
        ("URI too long", long_uri(), 414, "uri_too_long"),
        ("header too large", big_header(), 431, "header_too_large"),
        ("too many headers", many_headers(), 431, "header_too_large"),
        ("header without colon", b"GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n".to_vec(), 400, "malformed_header"),
        ("space in header name", b"GET / HTTP/1.1\r\nHost: x\r\nBa d: v\r\n\r\n".to_vec(), 400, "malformed_header"),
        ("NUL in header value", b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n".to_vec(), 400, "malformed_header"),
        ("obsolete line folding", b"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n".to_vec(), 400, "malformed_header"),
        ("non-numeric Content-Length", b"POST /api/v1/purchases/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".to_vec(), 400, "invalid_content_length"),
        ("conflicting Content-Lengths", b"POST /api/v1/purchases/ HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}".to_vec(), 400, "invalid_content_length"),
        ("Transfer-Encoding other than chunked", b"POST /api/v1/purchases/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n".to_vec(), 400, "invalid_transfer_encoding"),
        ("invalid chunked encoding", chunked.into_bytes(), 400, "invalid_json"),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(), 505, "http_version_not_supported"),
        ("HTTP/2.0 request line", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n".to_vec(), 505, "http_version_not_supported"),
        ("HTTP/3 request line", b"GET / HTTP/3\r\nHost: x\r\n\r\n".to_vec(), 505, "http_version_not_supported"),
    ];
    let mut failures = Vec::new();
    for (what, request, status, code) in cases {
        let answer = exchange(env.sb.addr, &request, Duration::from_secs(5)).await;
        let Some(answer) = answer else {
            failures.push(format!("{what}: no answer"));
            continue;
        };
        let caught = std::panic::catch_unwind(|| answer.expect_coded(status, code, what));
        if caught.is_err() {
            failures.push(format!("{what}: {answer:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_sandbox_still_serves_after_refusals() {
    let env = env_with(Default::default()).await;
    for _ in 0..20 {
        let _ = exchange(env.sb.addr, b"GARBAGE\r\n\r\n", Duration::from_secs(2)).await;
    }
    let id = env.create().await;
    assert_eq!(env.status_of(&id).await, "CREATED");
}

/// The 64 KiB bound is the head's, whatever the reads: a header just over it (which hyper,
/// checking its buffer between reads, let through up to about twice the size) gets the
/// coded 431; one just under it is served.
#[tokio::test]
async fn a_head_over_64_kib_is_refused_and_one_under_is_served() {
    let env = env_with(Default::default()).await;
    let head = |value_len: usize| {
        let mut r = b"GET /_sandbox/settings HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
        r.extend(std::iter::repeat_n(b'a', value_len));
        r.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
        r
    };
    for over in [65_600, 70_000, 100_000] {
        let answer = exchange(env.sb.addr, &head(over), Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("{over}: no answer"));
        answer.expect_coded(431, "header_too_large", &format!("a {over}-byte header"));
    }
    let answer = exchange(env.sb.addr, &head(60_000), Duration::from_secs(5))
        .await
        .expect("an answer");
    assert_eq!(answer.status, 200, "{answer:?}");
}
