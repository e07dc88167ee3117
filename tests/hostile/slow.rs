//! Connections that never finish: a flood of slow heads, the connection cap, idle
//! keep-alive and a body that stalls.

use std::time::{Duration, Instant};

use paysecure_explorer::sandbox::limits::Limits;
use reqwest::Method;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;

use crate::raw::{env_with, open_files_for, parse_answer, read_to_close};

/// Opens `n` connections that each send one byte of a request line, then nothing.
async fn slow_connections(addr: std::net::SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = TcpStream::connect(addr).await.expect("slow connect");
        s.write_all(b"P").await.expect("one byte");
        out.push(s);
    }
    out
}

#[tokio::test]
async fn legit_create_is_answered_under_1100_slow_connections_and_they_time_out() {
    // Both ends of every connection live in this process: ~2 descriptors each.
    let limit = open_files_for(4096);
    let wanted = 1100;
    let n = wanted.min((limit.saturating_sub(300) / 2) as usize);
    if n < wanted {
        eprintln!("open-file limit {limit}: using {n} slow connections instead of {wanted}");
    }
    let header_timeout = Duration::from_secs(3);
    let env = env_with(Limits {
        header_read_timeout: header_timeout,
        ..Limits::default()
    })
    .await;
    let started = Instant::now();
    let mut slow = slow_connections(env.sb.addr, n).await;
    let opened = started.elapsed();

    let t = Instant::now();
    let body = env.purchase_body();
    let create = tokio::time::timeout(
        Duration::from_secs(2),
        env.api(Method::POST, "/purchases/", Some(&body)),
    )
    .await
    .expect("legit create answered within 2 s");
    let answered_in = t.elapsed();
    assert_eq!(create.status, 202, "{}", create.text);
    eprintln!(
        "{n} slow connections opened in {opened:?}; legit create answered in {answered_in:?}"
    );

    // Each slow connection is answered 408 coded and closed by the header timeout.
    let deadline = header_timeout + Duration::from_secs(5);
    let readers: Vec<_> = slow
        .drain(..)
        .map(|mut s| tokio::spawn(async move { read_to_close(&mut s, deadline).await }))
        .collect();
    let mut timed_out = 0;
    for r in readers {
        let bytes = r.await.expect("reader");
        if let Some(a) = parse_answer(&bytes) {
            a.expect_coded(408, "request_timeout", "slow connection");
            timed_out += 1;
        }
    }
    assert_eq!(
        timed_out, n,
        "every slow connection gets its 408 and is closed"
    );
}

#[tokio::test]
async fn past_the_cap_the_newest_connection_gets_a_coded_503_at_once() {
    let env = env_with(Limits {
        max_connections: 40,
        header_read_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let slow = slow_connections(env.sb.addr, 40).await;
    let t = Instant::now();
    let mut extra = TcpStream::connect(env.sb.addr).await.expect("connect");
    let _ = extra
        .write_all(b"GET /_sandbox/settings HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let answer = parse_answer(&read_to_close(&mut extra, Duration::from_secs(2)).await)
        .expect("the 41st connection is answered");
    answer.expect_coded(503, "service_unavailable", "over the cap");
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    // A client sees the same coded 503 rather than a stall.
    let body = env.purchase_body();
    let a = tokio::time::timeout(
        Duration::from_secs(2),
        env.api(Method::POST, "/purchases/", Some(&body)),
    )
    .await
    .expect("answered within 2 s");
    assert_eq!(a.status, 503, "{}", a.text);
    assert_eq!(a.coded().1, "service_unavailable");
    // The header timeout answers and closes the slow ones, which frees their slots.
    let readers: Vec<_> = slow
        .into_iter()
        .map(|mut s| {
            tokio::spawn(async move { read_to_close(&mut s, Duration::from_secs(4)).await })
        })
        .collect();
    for r in readers {
        let bytes = r.await.expect("reader");
        parse_answer(&bytes)
            .expect("408")
            .expect_coded(408, "request_timeout", "slow");
    }
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    assert_eq!(a.status, 202, "{}", a.text);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_without_a_word() {
    let env = env_with(Limits {
        header_read_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let mut s = TcpStream::connect(env.sb.addr).await.expect("connect");
    s.write_all(b"GET /_sandbox/settings HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let t = Instant::now();
    let bytes = read_to_close(&mut s, Duration::from_secs(5)).await;
    let waited = t.elapsed();
    let first = parse_answer(&bytes).expect("the request is answered");
    assert_eq!(first.status, 200);
    assert!(
        !first.body.contains("request_timeout"),
        "an idle connection gets no 408: {first:?}"
    );
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "closed after the idle timeout, not before nor never: {waited:?}"
    );
}

#[tokio::test]
async fn a_body_that_stalls_gets_a_coded_408() {
    let env = env_with(Limits {
        body_read_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let mut s = TcpStream::connect(env.sb.addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/purchases/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"client\"",
        env.sb.api_key
    );
    s.write_all(head.as_bytes()).await.expect("write");
    let t = Instant::now();
    let answer =
        parse_answer(&read_to_close(&mut s, Duration::from_secs(5)).await).expect("answered");
    answer.expect_coded(408, "request_timeout", "stalled body");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}
