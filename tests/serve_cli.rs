//! `serve` as a place people work, through the real binary: its stderr log (readable,
//! JSON, `--quiet`) and `--forward-to`.

mod receiver;
#[path = "support/run_dirs.rs"]
mod run_dirs;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;

use std::process::Command;
use std::time::Duration;

use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::paysecure::webhook_signature::signed_string;
use paysecure_explorer::sandbox::signing::Verifier;
use receiver::Receiver;
use serde_json::{Value, json};
use served::Served;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");
/// Mastercard, 2D: pays frictionless (no OTP), so a test reaches PAID in three calls.
const FRICTIONLESS: &str = "5149446104369687";

/// Where the served sandbox keeps its data and config (never the user's).
fn serve_dirs() -> std::path::PathBuf {
    run_dirs::run_dir("pse-serve-cli-", "run")
}

/// Create, S2S, the frictionless callback, status and an unknown id's status (a coded
/// 404); waits until `webhooks` deliveries are logged. Returns the purchase id.
async fn create_pay_and_check(served: &Served, webhooks: usize) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let base = served.fact("base_url");
    let key = served.fact("api_key");
    let hook = served.fact("merchant_webhook_url");
    let ret = served.fact("merchant_return_url");
    let urls = MerchantUrls {
        success_redirect: ret.replace("{success|failure|pending}", "success"),
        failure_redirect: ret.replace("{success|failure|pending}", "failure"),
        pending_redirect: None,
        success_callback: Some(hook.clone()),
        failure_callback: Some(hook),
    };
    let purchase = default_purchase(&served.fact("brand_id"), &urls);
    let created: Value = http
        .post(format!("{base}/purchases/"))
        .bearer_auth(&key)
        .json(&purchase)
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = created["purchaseId"].as_str().expect("id").to_string();
    let mut card = serde_json::to_value(seed_payment()).expect("json");
    card["card_number"] = json!(FRICTIONLESS);
    let pending: Value = http
        .post(format!("{base}/p/{id}/?s2s=true"))
        .bearer_auth(&key)
        .json(&card)
        .send()
        .await
        .expect("s2s")
        .json()
        .await
        .expect("json");
    let callback = pending["callback_url"].as_str().expect("callback_url");
    let landed = http.get(callback).send().await.expect("callback");
    assert_eq!(landed.status(), 302, "frictionless");
    let status = http
        .get(format!("{base}/purchases/{id}/"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("status");
    assert_eq!(status.status(), 200);
    let unknown = http
        .get(format!("{base}/purchases/nosuchpurchase/"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("status");
    assert_eq!(unknown.status(), 404);
    // A client that put the key where an id goes: the log must not repeat it.
    let keyed = http
        .get(format!("{base}/purchases/{key}/"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("status");
    assert_eq!(keyed.status(), 404);
    let control = served.fact("control_url");
    for _ in 0..300 {
        let log: Value = http
            .get(format!("{control}/webhooks"))
            .send()
            .await
            .expect("webhooks")
            .json()
            .await
            .expect("json");
        if log.as_array().is_some_and(|l| l.len() >= webhooks) {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{webhooks} webhook deliveries never logged");
}

fn json_lines(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The request line for `method` on a path starting with `path`.
fn request_line<'a>(lines: &'a [Value], method: &str, path: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| {
            l["message"] == "request"
                && l["method"] == method
                && l["path"].as_str().is_some_and(|p| p.starts_with(path))
        })
        .unwrap_or_else(|| panic!("no {method} {path} line in {lines:#?}"))
}

#[tokio::test]
async fn json_log_has_one_line_per_request_and_per_delivery_and_forwards_signed() {
    let hooks = Receiver::start();
    let served = Served::start(
        Some(&serve_dirs()),
        &["--log-format", "json", "--forward-to", &hooks.url],
    );
    let id = create_pay_and_check(&served, 2).await;
    let pem = served.fact("public_key_pem");
    let brand = served.fact("brand_id");
    let key = served.fact("api_key");
    let stderr = served.stop();
    assert!(!stderr.contains(FRICTIONLESS), "no card number in the log");
    assert!(!stderr.contains(&key), "no API key in the log");
    let lines = json_lines(&stderr);
    for line in &lines {
        assert!(line["timestamp"].is_string(), "time missing: {line}");
    }

    let create = request_line(&lines, "POST", "/api/v1/purchases");
    assert_eq!(create["status"], 202);
    assert_eq!(create["purchase_id"], id.as_str());
    assert!(create["latency_ms"].is_number());
    assert!(create.get("code").is_none(), "no code on success");
    let s2s = request_line(&lines, "POST", "/api/v1/p/");
    assert_eq!(s2s["status"], 202);
    assert_eq!(s2s["purchase_id"], id.as_str());
    assert_eq!(s2s["path"], format!("/api/v1/p/{id}?s2s=true"));
    let status = request_line(&lines, "GET", &format!("/api/v1/purchases/{id}"));
    assert_eq!(status["status"], 200);
    let unknown = request_line(&lines, "GET", "/api/v1/purchases/nosuchpurchase");
    assert_eq!(unknown["status"], 404);
    assert_eq!(unknown["code"], "transaction_error");
    let stub = request_line(&lines, "POST", "/merchant/webhook");
    assert_eq!(stub["signature"], "valid");
    assert_eq!(stub["purchase_id"], id.as_str());

    let deliveries: Vec<&Value> = lines.iter().filter(|l| l["message"] == "webhook").collect();
    assert_eq!(deliveries.len(), 2, "{deliveries:#?}");
    let forwarded = deliveries
        .iter()
        .find(|d| d["forwarded"] == true)
        .expect("a forwarded delivery line");
    assert_eq!(forwarded["url"], hooks.url.as_str());
    assert_eq!(forwarded["answer"], 200);
    assert_eq!(forwarded["verdict"], "accepted");
    assert_eq!(forwarded["event"], "paid");
    assert_eq!(forwarded["purchase_id"], id.as_str());
    let own = deliveries
        .iter()
        .find(|d| d["forwarded"] == false)
        .expect("the purchase's own delivery line");
    assert_eq!(own["answer"], 200);

    let got = hooks
        .next(Duration::from_secs(5))
        .expect("forwarded webhook");
    assert_eq!(got.path, "/hooks/paysecure");
    assert_eq!(got.body["message"]["purchaseId"], id.as_str());
    let verifier = Verifier::from_pem(&pem).expect("public key");
    let signature = got.signature.expect("paysecure-sign");
    assert!(verifier.verify(&signed_string(&id, "paid", &brand), &signature));
    assert!(!verifier.verify(&signed_string(&id, "error", &brand), &signature));
}

#[tokio::test]
async fn readable_log_names_method_path_and_status_without_colour_on_a_pipe() {
    let served = Served::start(Some(&serve_dirs()), &[]);
    let id = create_pay_and_check(&served, 1).await;
    let stderr = served.stop();
    assert!(!stderr.contains('\x1b'), "no colour when stderr is a pipe");
    let create = stderr
        .lines()
        .find(|l| l.contains("method=POST path=/api/v1/purchases "))
        .unwrap_or_else(|| panic!("no create line in:\n{stderr}"));
    assert!(create.contains("status=202"), "{create}");
    assert!(create.contains(&format!("purchase_id={id}")), "{create}");
    assert!(create.contains("latency_ms="), "{create}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("status=404") && l.contains("code=transaction_error")),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("webhook") && l.contains("answer=200")),
        "{stderr}"
    );
}

/// A card number written where an id goes (the path, a webhook's `purchaseId`, a landing
/// page's query), plainly or escaped: the log and the stub's event list show it masked.
#[tokio::test]
async fn a_card_number_given_as_an_id_is_masked_in_the_log_and_the_event_list() {
    let served = Served::start(Some(&serve_dirs()), &[]);
    let http = reqwest::Client::new();
    let base = served.fact("base_url");
    let key = served.fact("api_key");
    for id in [
        "4444333322221111",
        "4444%2D3333%2D2222%2D1111",
        "4%34%344333322221111",
    ] {
        let status = http
            .get(format!("{base}/purchases/{id}"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("status GET")
            .status();
        assert_eq!(status.as_u16(), 404, "{id}");
    }
    let hook = served.fact("merchant_webhook_url");
    let posted = http
        .post(&hook)
        .json(
            &json!({"status": "paid", "message": {"purchaseId": "4444333322221111",
            "client": {"full_name": "4444 3333 2222 1111"}}}),
        )
        .send()
        .await
        .expect("webhook");
    assert_eq!(posted.status().as_u16(), 401, "unsigned");
    let landing = served
        .fact("merchant_return_url")
        .replace("{success|failure|pending}", "success");
    http.get(format!("{landing}?purchaseId=4444-3333-2222-1111"))
        .send()
        .await
        .expect("landing");
    let origin = base.trim_end_matches("/api/v1");
    let events = http
        .get(format!("{origin}/_sandbox/merchant/events"))
        .send()
        .await
        .expect("events")
        .text()
        .await
        .expect("text");
    let stderr = served.stop();
    for (what, text) in [("log", &stderr), ("events", &events)] {
        assert!(text.contains("444433******1111"), "{what}: {text}");
        for leak in [
            "4444333322221111",
            "3333 2222",
            "3333-2222",
            "3333%2D2222",
            "%344333",
        ] {
            assert!(!text.contains(leak), "{what} holds {leak}: {text}");
        }
    }
}

/// A request refused before it was one (a malformed request line) still gets its line.
#[tokio::test]
async fn a_request_refused_before_routing_is_logged() {
    use std::io::{Read as _, Write as _};
    let served = Served::start(Some(&serve_dirs()), &[]);
    let host = served
        .fact("base_url")
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1")
        .to_string();
    let mut stream = std::net::TcpStream::connect(&host).expect("connect");
    stream
        .write_all(b"NOT A REQUEST LINE\r\n\r\n")
        .expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.contains("400"), "{answer}");
    let stderr = served.stop();
    assert!(
        stderr.lines().any(|l| l.contains("refused before routing")
            && l.contains("status=400")
            && l.contains("code=malformed_request")),
        "{stderr}"
    );
}

#[tokio::test]
async fn quiet_prints_nothing_on_stderr() {
    let served = Served::start(Some(&serve_dirs()), &["--quiet"]);
    create_pay_and_check(&served, 1).await;
    assert_eq!(served.stop(), "");
}

#[test]
fn the_explorers_embedded_sandbox_logs_nothing() {
    // `flow` runs the same embedded sandbox as the explorer; only `serve` installs a log.
    let base = serve_dirs();
    let out = Command::new(BIN)
        .args(["flow", "--json", "--otp", "123456"])
        .env("PAYSECURE_EXPLORER_DATA_DIR", base.join("data"))
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", base.join("config"))
        .env_remove("PAYSECURE_BASE_URL")
        .env_remove("PAYSECURE_API_KEY")
        .env_remove("PAYSECURE_BRAND_ID")
        .output()
        .expect("flow runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[tokio::test]
async fn workers_sets_the_request_threads_and_defaults_to_one_core_fewer() {
    let served = Served::start(Some(&serve_dirs()), &["--quiet", "--workers", "3"]);
    create_pay_and_check(&served, 1).await;
    assert_eq!(served.raw_fact("workers"), &json!(3));
    drop(served);
    let served = Served::start(Some(&serve_dirs()), &["--quiet"]);
    create_pay_and_check(&served, 1).await;
    assert_eq!(
        served.raw_fact("workers"),
        &json!(paysecure_explorer::cli::serve::default_workers())
    );
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    assert_eq!(
        paysecure_explorer::cli::serve::default_workers(),
        cores.saturating_sub(1).max(1)
    );
    for bad in ["0", "many", "5000"] {
        refused_before_serving("--workers", bad);
    }
}

/// `serve --port 0 FLAG BAD` exits 2 naming the flag, without serving.
fn refused_before_serving(flag: &str, bad: &str) {
    let out = Command::new(BIN)
        .args(["serve", "--port", "0", flag, bad])
        .output()
        .expect("serve runs");
    assert_eq!(out.status.code(), Some(2), "{flag} {bad}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(flag), "{err}");
    assert!(out.stdout.is_empty(), "refused before serving");
}

/// No connection at all would be a sandbox that answers nothing; zero was taken as one.
#[test]
fn max_connections_must_be_at_least_one() {
    for bad in ["0", "many"] {
        refused_before_serving("--max-connections", bad);
    }
}

/// Refused before binding, saying what to give (the URL parser's "relative URL without a
/// base" said nothing of it).
#[test]
fn public_url_must_be_an_origin() {
    for bad in ["foo", "ftp://x", "http://host/with/path"] {
        refused_before_serving("--public-url", bad);
    }
    let out = Command::new(BIN)
        .args([
            "serve",
            "--port",
            "0",
            "--public-url",
            "sandbox.example.com",
        ])
        .output()
        .expect("serve runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("must be an absolute http(s)://host[:port]"),
        "{err}"
    );
    assert!(!err.contains("relative URL without a base"), "{err}");
}

#[test]
fn forward_to_must_be_http() {
    for bad in ["ftp://127.0.0.1/hooks", "not a url", "file:///etc/passwd"] {
        refused_before_serving("--forward-to", bad);
    }
}

/// A `--state` that is a link to nothing is said as such, and nothing is left beside it
/// (the lock file was, and the open answered "File exists (os error 17)").
#[cfg(unix)]
#[test]
fn a_state_file_that_is_a_link_to_nothing_is_named_and_nothing_is_left() {
    let dir = tempfile::tempdir().expect("dir");
    let link = dir.path().join("state.sqlite3");
    std::os::unix::fs::symlink(dir.path().join("gone.sqlite3"), &link).expect("link");
    let out = Command::new(BIN)
        .args(["serve", "--port", "0", "--state"])
        .arg(&link)
        .output()
        .expect("serve runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is a symbolic link to"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "only the link: {left:?}");
}
