//! Webhook receivers that hang or refuse: every delivery is bounded in time and in
//! number, and the log says what really happened.

use std::time::{Duration, Instant};

use paysecure_explorer::sandbox::limits::Limits;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::common::Env;
use crate::raw::env_with;

/// A 2D success card: the `paid` webhook goes out inside the S2S call (2D mode).
const PAYS_2D: &str = "5116213113429327";

/// A receiver that accepts connections and never answers (the sockets are kept open).
async fn hanging_receiver() -> (String, tokio::task::JoinHandle<()>) {
    let (url, task, _) = counted_hanging_receiver().await;
    (url, task)
}

/// [`hanging_receiver`], with the number of connections it has accepted so far.
async fn counted_hanging_receiver() -> (
    String,
    tokio::task::JoinHandle<()>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&accepted);
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        // Bounded: the tests send a handful of deliveries.
        while held.len() < 64 {
            match listener.accept().await {
                Ok((s, _)) => {
                    held.push(s);
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                Err(_) => break,
            }
        }
        std::future::pending::<()>().await;
    });
    (url, task, accepted)
}

/// A URL nothing listens on (a port bound then released).
async fn refusing_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/hook")
}

/// Creates a purchase whose webhooks go to `url` and pays it in 2D mode.
async fn paid_with_webhook_to(env: &Env, url: &str) -> String {
    let mut body = env.purchase_body();
    body["success_callback"] = json!(url);
    body["failure_callback"] = json!(url);
    let id = env.create_with(body).await;
    let a = env.pay(&id, PAYS_2D).await;
    assert_eq!(a.status, 202, "{}", a.text);
    id
}

/// The delivery logged for `id`, waiting up to `wait`.
async fn delivery_for(env: &Env, id: &str, wait: Duration) -> Value {
    let started = Instant::now();
    loop {
        let all = env.control(Method::GET, "/webhooks", None).await.json();
        if let Some(d) = all
            .as_array()
            .and_then(|a| a.iter().find(|d| d["purchase_id"] == id))
        {
            return d.clone();
        }
        assert!(
            started.elapsed() < wait,
            "no delivery for {id} within {wait:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A delivery logged as timed out (sent, no answer in time).
fn assert_timed_out(delivery: &Value) {
    let error = delivery["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("timeout"), "{delivery}");
}

/// A sandbox in 2D mode with `settings`, delivering one webhook at a time.
async fn one_in_flight(settings: Value) -> Env {
    let env = env_with(Limits {
        max_webhooks_in_flight: 1,
        ..Limits::default()
    })
    .await;
    two_d(&env, settings).await;
    env
}

async fn two_d(env: &Env, extra: Value) {
    let mut settings = json!({"mode": "2d"});
    if let (Some(s), Some(e)) = (settings.as_object_mut(), extra.as_object()) {
        s.extend(e.clone());
    }
    let a = env.control(Method::PUT, "/settings", Some(settings)).await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn a_receiver_that_never_answers_is_logged_as_a_timeout() {
    let env = env_with(Limits::default()).await;
    two_d(&env, json!({"webhook_timeout_s": 1})).await;
    let (url, _receiver) = hanging_receiver().await;
    let t = Instant::now();
    let id = paid_with_webhook_to(&env, &url).await;
    let d = delivery_for(&env, &id, Duration::from_secs(5)).await;
    assert_timed_out(&d);
    assert!(d["response_status"].is_null(), "{d}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[tokio::test]
async fn a_receiver_that_refuses_is_logged_as_connection_refused() {
    let env = env_with(Limits::default()).await;
    two_d(&env, json!({})).await;
    let url = refusing_url().await;
    let id = paid_with_webhook_to(&env, &url).await;
    let d = delivery_for(&env, &id, Duration::from_secs(5)).await;
    assert_eq!(d["error"], "connection refused", "{d}");
}

#[tokio::test]
async fn a_delivery_past_the_in_flight_cap_waits_a_moment_for_a_place() {
    let env = one_in_flight(json!({"webhook_timeout_s": 5})).await;
    // A merchant answering each webhook 700 ms late: the second delivery, signed while
    // the first holds the only place, waits for it instead of being dropped.
    let receiver = crate::receiver::Receiver::answering_after(Duration::from_millis(700));
    let first = paid_with_webhook_to(&env, &receiver.url).await;
    let second = paid_with_webhook_to(&env, &receiver.url).await;
    for id in [&first, &second] {
        let d = delivery_for(&env, id, Duration::from_secs(5)).await;
        assert_eq!(d["response_status"], 200, "{d}");
        assert!(d["error"].is_null(), "{d}");
    }
}

#[tokio::test]
async fn a_delivery_that_finds_no_place_in_a_second_is_logged_not_sent_and_a_replay_at_once() {
    let env = one_in_flight(json!({"webhook_timeout_s": 10})).await;
    let (url, _receiver, accepted) = counted_hanging_receiver().await;
    let _first = paid_with_webhook_to(&env, &url).await;
    // The first delivery holds the only place once its connection is accepted (it goes
    // once its payment is committed and signed: the second must not overtake it).
    let waited_for_first = Instant::now();
    while accepted.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(
            waited_for_first.elapsed() < Duration::from_secs(8),
            "the first delivery never connected"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let t = Instant::now();
    let second = paid_with_webhook_to(&env, &url).await;
    // The first holds the only place for 10 s; the second gives up after its 1 s wait
    // (its queue place back), long before. (8 s of slack: the suite runs beside builds.)
    let d = delivery_for(&env, &second, Duration::from_secs(8)).await;
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
    let error = d["error"].as_str().unwrap_or_default();
    assert!(error.contains("in flight (the limit) for 1 s"), "{d}");
    assert_ne!(d["signature"], "", "signed before it waited: {d}");
    // Replaying it while the first still hangs is refused at once, not after a wait.
    let n = d["n"].as_u64().expect("n");
    let t = Instant::now();
    let replay = env
        .control(Method::POST, &format!("/webhooks/{n}/replay"), None)
        .await;
    assert_eq!(replay.status, 200, "{}", replay.text);
    let error = replay.json()["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        error.contains("in flight") && !error.contains("for 1 s"),
        "{}",
        replay.text
    );
    assert!(
        t.elapsed() < Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn deliveries_past_the_queue_bound_are_logged_unsigned_and_can_be_replayed() {
    let env = env_with(Limits {
        max_webhooks_queued: 1,
        ..Limits::default()
    })
    .await;
    two_d(&env, json!({"webhook_timeout_s": 4})).await;
    let (url, _receiver) = hanging_receiver().await;
    let first = paid_with_webhook_to(&env, &url).await;
    // The first holds the only queue place while its receiver hangs: the API calls of the
    // second wait for room (back-pressure, 1 s each at most: create, then S2S) and then
    // go on; its delivery is logged at once, not signed (the work the bound saves), never
    // dropped.
    let t = Instant::now();
    let second = paid_with_webhook_to(&env, &url).await;
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
    let d = delivery_for(&env, &second, Duration::from_secs(1)).await;
    let error = d["error"].as_str().unwrap_or_default();
    assert!(error.contains("already queued"), "{d}");
    assert_eq!(d["signature"], "", "{d}");
    assert!(d["response_status"].is_null(), "{d}");
    // Once the first has timed out, its place is free again and a replay signs and sends.
    let first_d = delivery_for(&env, &first, Duration::from_secs(5)).await;
    assert_timed_out(&first_d);
    let n = d["n"].as_u64().expect("n");
    let replay = env
        .control(Method::POST, &format!("/webhooks/{n}/replay"), None)
        .await;
    assert_eq!(replay.status, 200, "{}", replay.text);
    let replayed = replay.json();
    assert!(
        !replayed["signature"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{replayed}"
    );
    assert_timed_out(&replayed);
}
