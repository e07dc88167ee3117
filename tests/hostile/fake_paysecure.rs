//! `flow` against a server that answers in Paysecure's shapes but misbehaves where the
//! sandbox never does: the callback page answers 404, and the status GET writes a card
//! number into `errorMsg`. What `flow` prints must name the step that failed, read the
//! status after it, and never show the whole number.

use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};

use serde_json::json;

use super::hostile_server::{self, Reply};

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

fn json_reply(status: u16, body: serde_json::Value) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

/// Create → CREATED; S2S → 202 pending with a callback on this server (or `callback`);
/// the callback page → 404; the status GET → ERROR with a card number in `errorMsg`.
fn fake(
    port: &'static OnceLock<u16>,
    callback: Option<&'static str>,
) -> Arc<hostile_server::Handler> {
    Arc::new(move |target: &str, _body: &[u8]| match target {
        "/api/v1/purchases/" => json_reply(202, json!({"purchaseId": "p1", "status": "CREATED"})),
        "/api/v1/p/p1/?s2s=true" => json_reply(
            202,
            json!({
                "status": "pending",
                "callback_url": callback.map_or_else(
                    || format!("http://127.0.0.1:{}/api/v1/payment/p1/", port.get().copied().unwrap_or(9)),
                    str::to_string,
                ),
                "method": "GET",
            }),
        ),
        "/api/v1/purchases/p1/" => json_reply(
            200,
            json!({
                "purchaseId": "p1", "status": "ERROR",
                "errorMsg": "card 4444-3333-2222-1111 declined",
            }),
        ),
        _ => json_reply(404, json!({"message": "Not found", "code": "not_found"})),
    })
}

fn flow(addr: std::net::SocketAddr, dir: &std::path::Path, json_lines: bool) -> Output {
    let mut args = vec!["flow", "--otp", "123456", "--timeout", "5"];
    if json_lines {
        args.push("--json");
    }
    Command::new(BIN)
        .args(&args)
        .env("PAYSECURE_EXPLORER_DATA_DIR", dir.join("data"))
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", dir.join("config"))
        .env("PAYSECURE_BASE_URL", format!("http://{addr}/api/v1"))
        .env("PAYSECURE_API_KEY", "sk_test_fake")
        .env("PAYSECURE_BRAND_ID", "brd_fake")
        .output()
        .expect("flow runs")
}

#[test]
fn a_failed_callback_page_is_named_as_the_browser_step_and_the_status_is_read_after_it() {
    static PORT: OnceLock<u16> = OnceLock::new();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(hostile_server::start(fake(&PORT, None)));
    PORT.set(addr.port()).expect("port set once");
    let dir = std::env::temp_dir().join(format!("pse-fake-paysecure-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    let out = flow(addr, &dir, false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("the browser step (callback page, challenge or redirect) was refused"),
        "{text}"
    );
    assert!(!text.contains("payment call was refused"), "{text}");
    // The status GET after the failed step was made and is what the report says.
    assert!(text.contains("GET /api/v1/purchases/p1/"), "{text}");
    assert!(text.contains("ERROR"), "{text}");
    assert!(!text.contains("r asks again"), "{text}");
    // errorMsg is printed masked.
    assert!(!text.contains("4444-3333-2222-1111"), "{text}");
    assert!(text.contains("444433******1111"), "{text}");

    let out = flow(addr, &dir, true);
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    let result: serde_json::Value = serde_json::from_str(&last).expect("a JSON result line");
    assert_eq!(result["status"], "error", "{last}");
    assert!(!last.contains("4444-3333-2222-1111"), "{last}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `javascript:` callback_url is refused before anything is fetched, in plain words
/// (it reached the HTTP client once, which answered "builder error … scheme is not
/// allowed" as a transport failure).
#[test]
fn a_callback_url_that_is_not_a_web_page_is_not_fetched() {
    static PORT: OnceLock<u16> = OnceLock::new();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(hostile_server::start(fake(
        &PORT,
        Some("javascript:alert(1)//"),
    )));
    PORT.set(addr.port()).expect("port set once");
    let dir = std::env::temp_dir().join(format!("pse-fake-js-callback-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = flow(addr, &dir, false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("callback_url is not a web page, so it was not opened"),
        "{text}"
    );
    assert!(
        text.contains("only http:// and https:// URLs are opened, not javascript:"),
        "{text}"
    );
    assert!(
        !text.contains("GET javascript:"),
        "no request was made to it:\n{text}"
    );
    assert!(!text.contains("builder error"), "{text}");
    // What the purchase is after the refused step is the status GET's to say.
    assert!(text.contains("GET /api/v1/purchases/p1/"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
