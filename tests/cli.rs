//! The real binary: `flow` (JSON and readable, exit codes, both endpoint modes) and `serve`.

#[path = "support/run_dirs.rs"]
mod run_dirs;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use served::Served;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

/// A private data and config dir per test process, so tests never touch $HOME.
fn isolate(cmd: &mut Command) {
    let base = run_dirs::run_dir("pse-cli-", "run");
    cmd.env("PAYSECURE_EXPLORER_DATA_DIR", base.join("data"));
    cmd.env("PAYSECURE_EXPLORER_CONFIG_DIR", base.join("config"));
}

fn flow(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("flow").args(args);
    isolate(&mut cmd);
    for var in [
        "PAYSECURE_API_KEY",
        "PAYSECURE_BRAND_ID",
        "PAYSECURE_BASE_URL",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn result(out: &Output) -> Value {
    let all = lines(out);
    let last = all.last().expect("a result line").clone();
    assert_eq!(last["kind"], "result");
    last
}

#[test]
fn json_flow_with_otp_ends_paid_with_a_valid_webhook() {
    let out = flow(&["--json", "--otp", "123456"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = lines(&out);
    let exchanges: Vec<&Value> = all.iter().filter(|l| l["kind"] == "exchange").collect();
    assert!(
        exchanges.len() >= 5,
        "create, s2s, callback, otp, landing, status"
    );
    for ex in &exchanges {
        for key in [
            "method",
            "url",
            "status",
            "latency_ms",
            "request",
            "response",
        ] {
            assert!(ex.get(key).is_some(), "{key} missing in {ex}");
        }
    }
    assert_eq!(exchanges[1]["request"]["card_number"], "444433******1111");
    assert!(exchanges[1]["request"].get("cvc").is_none());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("4444333322221111"));
    let r = result(&out);
    assert_eq!(r["status"], "paid");
    assert_eq!(r["landed"], "success");
    assert_eq!(r["error"], Value::Null);
    assert_eq!(
        r["webhook"],
        json!({"status": "paid", "signature_valid": true})
    );
    assert!(r["purchase_id"].as_str().is_some_and(|id| id.len() == 24));
    assert!(
        r["callback_url"]
            .as_str()
            .is_some_and(|u| u.contains("/api/v1/payment/"))
    );
}

#[test]
fn checkout_flow_pays_on_the_hosted_page_with_the_challenge_answered() {
    let out = flow(&["--json", "--checkout", "--otp", "123456"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = lines(&out);
    let exchanges: Vec<&Value> = all.iter().filter(|l| l["kind"] == "exchange").collect();
    let urls: Vec<&str> = exchanges
        .iter()
        .map(|e| e["url"].as_str().unwrap_or(""))
        .collect();
    // create → GET checkout_url → POST the form → POST the OTP → landing → status.
    assert!(urls[0].ends_with("/api/v1/purchases/"), "{urls:?}");
    assert!(urls[1].contains("/payments/") && exchanges[1]["method"] == "GET");
    assert!(urls[2].contains("/payments/") && exchanges[2]["method"] == "POST");
    assert!(urls[3].contains("/api/v1/payment/") && exchanges[3]["method"] == "POST");
    assert!(!urls.iter().any(|u| u.contains("s2s=true")), "no S2S call");
    // The form body is redacted like the S2S body.
    let form = exchanges[2]["request"].as_str().unwrap_or("");
    assert!(form.contains("444433"), "{form}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("4444333322221111"));
    assert!(!stdout.contains("cvc=123"));
    let r = result(&out);
    assert_eq!(r["status"], "paid");
    assert_eq!(r["landed"], "success");
    assert_eq!(
        r["webhook"],
        json!({"status": "paid", "signature_valid": true})
    );
}

#[test]
fn checkout_flow_with_a_frictionless_card_needs_no_otp() {
    let out = flow(&["--json", "--checkout", "--card", "5116213113429327"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = result(&out);
    assert_eq!(r["status"], "paid");
    assert_eq!(r["landed"], "success");
}

#[test]
fn readable_checkout_flow_names_the_hosted_page_steps() {
    let out = flow(&["--checkout", "--otp", "123456"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "② open checkout_url",
        "② hosted page: pay",
        "③ 3DS challenge answer",
        "PAID",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
}

#[test]
fn checkout_flow_stops_at_the_challenge_without_otp_and_shows_page_refusals() {
    let out = flow(&["--json", "--checkout"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let r = result(&out);
    assert_eq!(r["status"], "pending_execute");
    assert!(
        r["callback_url"]
            .as_str()
            .is_some_and(|u| u.contains("/api/v1/payment/"))
    );
    let out = flow(&["--json", "--checkout", "--card", "4444333322221112"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let r = result(&out);
    assert_eq!(r["error"]["code"], "transaction_error");
    assert_eq!(r["error"]["message"], "Invalid card Number (Luhn algo)");
    assert_eq!(r["status"], "created");
}

#[test]
fn json_flow_without_otp_stops_at_pending() {
    let out = flow(&["--json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let r = result(&out);
    assert_eq!(r["status"], "pending_execute");
    // The status reported is the one a status GET read after the 202, not inferred from it.
    let last_call = lines(&out)
        .into_iter()
        .rfind(|l| l["kind"] == "exchange")
        .expect("exchanges");
    assert_eq!(last_call["method"], "GET", "{last_call}");
    assert_eq!(
        last_call["response"]["status"], "PENDING_EXECUTE",
        "{last_call}"
    );
    assert_eq!(r["landed"], Value::Null);
    assert!(r["callback_url"].is_string());
    assert_eq!(r["webhook"], Value::Null);
}

#[test]
fn pending_on_the_embedded_sandbox_says_the_callback_is_gone_and_how_to_keep_one() {
    let out = flow(&["--json"], &[]);
    let r = result(&out);
    let callback = r["callback_url"].as_str().expect("callback_url");
    assert_ne!(
        raw_http::status_of(callback),
        Some(200),
        "the embedded sandbox stopped with the command"
    );
    let note = r["note"].as_str().expect("a note in the JSON result");
    for needle in [
        "stopped with the command",
        "paysecure-explorer serve",
        "PAYSECURE_BASE_URL=http://127.0.0.1:8089/api/v1",
        "--otp 123456",
    ] {
        assert!(note.contains(needle), "{needle} missing in: {note}");
    }
    let readable = flow(&[], &[]);
    let text = String::from_utf8_lossy(&readable.stdout);
    assert!(text.contains(note), "the same note, readable:\n{text}");
    // A run that did not stop at pending has nothing to add.
    let paid = flow(&["--json", "--otp", "123456"], &[]);
    assert_eq!(result(&paid)["note"], Value::Null);
}

#[test]
fn the_noted_serve_command_keeps_the_callback_url_alive() {
    let note = result(&flow(&["--json"], &[]))["note"]
        .as_str()
        .expect("note")
        .to_string();
    let command = note
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("PAYSECURE_BASE_URL="))
        .expect("a command line in the note");
    // The note names serve's default port; this test's sandbox runs on a free one.
    let served = Served::start(None, &["--quiet"]);
    let base = served.facts["base_url"].as_str().expect("base");
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1");
    let command = command.replace("127.0.0.1:8089", host).replacen(
        "paysecure-explorer flow",
        &format!("'{BIN}' flow --json"),
        1,
    );
    let mut sh = Command::new("sh");
    sh.args(["-c", &command]);
    isolate(&mut sh);
    let out = sh.output().expect("sh runs");
    let r = result(&out);
    assert_eq!(r["status"], "pending_execute", "{r}");
    assert_eq!(
        r["note"].as_str().map(|n| n.contains("stopped")),
        Some(false)
    );
    let callback = r["callback_url"].as_str().expect("callback_url");
    assert!(
        callback.starts_with(&format!("http://{host}/")),
        "{callback}"
    );
    assert_eq!(raw_http::status_of(callback), Some(200), "{callback}");
}

#[test]
fn coded_error_is_reported_and_explained() {
    let out = flow(&["--json", "--card", "4999000000000120"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let r = result(&out);
    assert_eq!(
        r["error"],
        json!({"http_status": 400, "code": "transaction_error", "message": "Card is Blocked"})
    );
    assert_eq!(r["status"], "created");
    let out = flow(&["--card", "4999000000000120"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("HTTP 400 transaction_error: Card is Blocked"),
        "{text}"
    );
    assert!(
        text.contains("Sandbox trigger: card 4999000000000120"),
        "the trigger is named first: {text}"
    );
    assert!(text.contains("In production: Card is blocked"), "{text}");
    assert!(
        text.contains("still payable : yes: the status GET says CREATED"),
        "{text}"
    );
}

#[test]
fn decline_after_the_challenge_ends_in_error_with_webhook() {
    let out = flow(
        &["--json", "--card", "4984823599573265", "--otp", "123456"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let r = result(&out);
    assert_eq!(r["status"], "error");
    assert_eq!(r["landed"], "failure");
    assert_eq!(
        r["webhook"],
        json!({"status": "error", "signature_valid": true})
    );
}

#[test]
fn readable_transcript_names_each_step() {
    let out = flow(&["--otp", "123456"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "embedded sandbox",
        "① create purchase",
        "② S2S payment",
        "③ 3DS challenge answer",
        "status    PAID",
        "webhook   paid (signature valid)",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
}

#[test]
fn half_configured_environment_is_a_usage_error() {
    let out = flow(&["--json"], &[("PAYSECURE_API_KEY", "sk_x")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PAYSECURE_BRAND_ID"));
    let out = flow(&["--amount", "lots"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

/// Options a careless hand gets wrong: a negative amount written with a space reaches the
/// API (which judges it), an empty token is a usage error, not an S2S call without a card.
#[test]
fn negative_amounts_reach_the_api_and_an_empty_token_is_refused() {
    let out = flow(&["--json", "--amount", "-1"], &[]);
    let r = result(&out);
    assert_eq!(r["error"]["code"], "transaction_error", "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("minimum")),
        "{r}"
    );
    let out = flow(&["--token", ""], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token"));
}

/// `flow`'s per-request timeout is the config file's `timeout_s` unless `--timeout` says
/// otherwise (it was a fixed 40 s whatever the config said).
#[test]
fn the_config_files_timeout_is_flows_timeout() {
    let dir = run_dirs::run_dir("pse-cli-timeout-", "run");
    let config = dir.join("config");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(config.join("config.toml"), "timeout_s = 0.01\n").expect("config");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("flow")
            .args(args)
            .env("PAYSECURE_EXPLORER_DATA_DIR", dir.join("data"))
            .env("PAYSECURE_EXPLORER_CONFIG_DIR", &config)
            .env_remove("PAYSECURE_API_KEY")
            .env_remove("PAYSECURE_BRAND_ID")
            .env_remove("PAYSECURE_BASE_URL")
            .output()
            .expect("binary runs")
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("timeout_s in the config file"), "{err}");
    assert!(err.contains("got 0.01"), "{err}");
    let out = run(&["--timeout", "30", "--json", "--otp", "123456"]);
    assert_eq!(out.status.code(), Some(0), "--timeout wins over the config");
}

#[test]
fn unreachable_endpoint_is_a_transport_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let env = [
        ("PAYSECURE_API_KEY", "k"),
        ("PAYSECURE_BRAND_ID", "b"),
        ("PAYSECURE_BASE_URL", base.as_str()),
    ];
    let out = flow(&["--json"], &env);
    assert_eq!(out.status.code(), Some(3));
    let r = result(&out);
    assert_eq!(r["error"]["code"], "transport");
    assert_eq!(r["error"]["kind"], "connection refused");
    let out = flow(&[], &env);
    assert!(String::from_utf8_lossy(&out.stdout).contains("REMOTE SANDBOX (test key)"));
}

#[test]
fn dropped_connection_fault_card_is_exit_3() {
    let out = flow(&["--json", "--card", "4999000000000328"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(result(&out)["error"]["kind"], "connection closed");
}

#[test]
fn serve_prints_its_facts_as_one_json_line_and_serves() {
    let served = Served::start(None, &["--quiet"]);
    for key in [
        "base_url",
        "api_key",
        "live_api_key",
        "brand_id",
        "public_key_pem",
        "control_url",
    ] {
        assert!(served.facts[key].is_string(), "{key} missing");
    }
    let base = served.facts["base_url"].as_str().expect("base");
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/api/v1"));
    let settings = raw_http::get_json(&format!(
        "{}/settings",
        served.facts["control_url"].as_str().expect("control")
    ));
    assert_eq!(settings["attempt_limit"], 3);
}

#[test]
fn flow_against_a_served_sandbox_as_a_remote_endpoint() {
    let served = Served::start(None, &["--quiet"]);
    let env = served.env();
    let out = flow(&["--json", "--otp", "123456"], &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let r = result(&out);
    assert_eq!(r["status"], "paid");
    assert_eq!(r["landed"], "success");
    assert_eq!(
        r["webhook"],
        Value::Null,
        "no merchant stub on a remote endpoint"
    );
}

#[test]
fn serve_banner_is_readable_with_a_curl_example() {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut text = String::new();
    while !text.contains("Ctrl-C stops") {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read") == 0 {
            break;
        }
        text.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    for needle in [
        "base URL",
        "API key",
        "brand id",
        "BEGIN PUBLIC KEY",
        "curl -s -X POST",
        "Test cards: `paysecure-explorer cards`",
        "Ctrl-C stops",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
}

mod raw_http {
    /// The status of a GET, `None` when nothing answers.
    pub fn status_of(url: &str) -> Option<u16> {
        use std::io::{Read as _, Write as _};
        let rest = url.strip_prefix("http://")?;
        let (host, path) = rest.split_once('/')?;
        let mut s = std::net::TcpStream::connect(host).ok()?;
        write!(
            s,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        text.split(' ').nth(1)?.parse().ok()
    }

    /// A tiny blocking GET returning JSON, so this test file needs no async runtime.
    pub fn get_json(url: &str) -> serde_json::Value {
        use std::io::{Read as _, Write as _};
        let rest = url.strip_prefix("http://").expect("http url");
        let (host, path) = rest.split_once('/').expect("path");
        let mut s = std::net::TcpStream::connect(host).expect("connect");
        write!(
            s,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut text = String::new();
        s.read_to_string(&mut text).expect("read");
        let body = text.split("\r\n\r\n").nth(1).expect("body");
        serde_json::from_str(body).expect("json")
    }
}

/// Runs the binary with stdout a pipe whose reader is already gone, so its first write
/// fails with EPIPE (deterministic, unlike racing a `head -1`).
fn into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdout(writer).stderr(Stdio::piped());
    isolate(&mut cmd);
    for var in [
        "PAYSECURE_API_KEY",
        "PAYSECURE_BRAND_ID",
        "PAYSECURE_BASE_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("binary runs")
}

fn assert_quiet(out: &Output, expected_code: i32, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    for noise in ["panicked", "backtrace", "Broken pipe", "standard output"] {
        assert!(!err.contains(noise), "{what}: {noise:?} on stderr:\n{err}");
    }
    assert_eq!(out.status.code(), Some(expected_code), "{what}: {err}");
}

#[test]
fn every_command_ends_quietly_on_a_closed_stdout() {
    // Something in history to list, and a record number for --curl.
    let first = flow(&["--json", "--otp", "123456"], &[]);
    assert_eq!(first.status.code(), Some(0));
    // The flow's own exit code stands (0 paid, 1 stopped at pending): the run goes on
    // without a reader and is recorded.
    assert_quiet(
        &into_closed_pipe(&["flow", "--json", "--otp", "123456"]),
        0,
        "flow --json --otp",
    );
    assert_quiet(&into_closed_pipe(&["flow"]), 1, "flow");
    assert_quiet(&into_closed_pipe(&["history"]), 0, "history");
    assert_quiet(
        &into_closed_pipe(&["history", "--json"]),
        0,
        "history --json",
    );
    assert_quiet(
        &into_closed_pipe(&["history", "--curl", "1"]),
        0,
        "history --curl",
    );
    assert_quiet(&into_closed_pipe(&["config", "--path"]), 0, "config --path");
    assert_quiet(&into_closed_pipe(&["--help"]), 0, "--help");
    assert_quiet(&into_closed_pipe(&["cards"]), 0, "cards");
    assert_quiet(&into_closed_pipe(&["cards", "--json"]), 0, "cards --json");
    assert_quiet(&into_closed_pipe(&["scenarios"]), 0, "scenarios");
    assert_quiet(
        &into_closed_pipe(&["completions", "bash"]),
        0,
        "completions",
    );
    assert_quiet(&into_closed_pipe(&["man"]), 0, "man");
}

#[test]
fn history_piped_into_head_stops_after_the_first_line() {
    // Enough output to outgrow a pipe buffer, so the reader leaving is certain to be seen.
    for _ in 0..4 {
        flow(&["--json", "--otp", "123456"], &[]);
    }
    let mut cmd = Command::new(BIN);
    cmd.args(["history", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    isolate(&mut cmd);
    let mut child = cmd.spawn().expect("history runs");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a line");
    assert!(serde_json::from_str::<Value>(&first).is_ok(), "{first}");
    drop(reader);
    let out = child.wait_with_output().expect("exits");
    assert_quiet(&out, 0, "history --json | head -1");
}

/// The exchanges of a `--json` run.
fn exchanges(out: &Output) -> Vec<Value> {
    lines(out)
        .into_iter()
        .filter(|l| l["kind"] == "exchange")
        .collect()
}

#[test]
fn skip_capture_ends_preauthorized_with_the_hold_webhook() {
    let out = flow(&["--json", "--otp", "123456", "--skip-capture"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(exchanges(&out)[0]["request"]["skip_capture"], true);
    let r = result(&out);
    assert_eq!(r["status"], "preauthorized");
    assert_eq!(
        r["webhook"],
        json!({"status": "hold", "signature_valid": true})
    );
    let readable = flow(&["--otp", "123456", "--skip-capture"], &[]);
    let text = String::from_utf8_lossy(&readable.stdout);
    assert!(text.contains("status    PREAUTHORIZED"), "{text}");
}

#[test]
fn capture_takes_the_hold_in_full_or_in_part() {
    let out = flow(&["--json", "--otp", "123456", "--capture"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let calls = exchanges(&out);
    assert_eq!(
        calls[0]["request"]["skip_capture"], true,
        "--capture implies a hold"
    );
    let capture = calls
        .iter()
        .find(|e| e["url"].as_str().is_some_and(|u| u.ends_with("/capture/")))
        .expect("a capture call");
    assert_eq!(capture["request"], json!({}));
    let r = result(&out);
    assert_eq!(r["status"], "paid");
    assert_eq!(r["captured_amount"], json!(20.0));
    assert_eq!(
        r["webhook"],
        json!({"status": "paid", "signature_valid": true})
    );

    let out = flow(&["--json", "--otp", "123456", "--capture", "5"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let r = result(&out);
    assert_eq!(r["status"], "partially_captured");
    assert_eq!(r["captured_amount"], json!(5.0));
    assert_eq!(
        r["webhook"],
        json!({"status": "partially_captured", "signature_valid": true})
    );

    let out = flow(&["--json", "--otp", "123456", "--capture", "25"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        result(&out)["error"]["message"],
        "Capture amount exceeds the authorised total"
    );
    assert_eq!(result(&out)["error"]["call"], "capture");

    // Read as text: the capture call is named as one, and the advice is about the hold
    // (the S2S diagnosis said "the payment call was refused … start a new purchase").
    let readable = flow(&["--otp", "123456", "--capture", "25"], &[]);
    let text = String::from_utf8_lossy(&readable.stdout);
    assert!(text.contains("   capture the hold      POST"), "{text}");
    assert!(text.contains("the capture call was refused"), "{text}");
    assert!(
        text.contains("the hold      : the status GET after it says PREAUTHORIZED"),
        "{text}"
    );
    assert!(
        text.contains("at most the held amount of 20.00 (the explorer's k"),
        "{text}"
    );
    assert!(text.contains("what it means :"), "{text}");
    assert!(!text.contains("payment call was refused"), "{text}");
    assert!(!text.contains("start a new purchase"), "{text}");
    let readable = flow(&["--otp", "123456", "--capture", "5"], &[]);
    let text = String::from_utf8_lossy(&readable.stdout);
    assert!(text.contains("captured  5.00 (released 15.00)"), "{text}");
}

#[test]
fn a_token_from_one_run_pays_in_the_next_against_a_served_sandbox() {
    let served = Served::start(None, &["--quiet"]);
    let env = served.env();
    let first = flow(&["--json", "--otp", "123456"], &env);
    assert_eq!(first.status.code(), Some(0));
    let token = result(&first)["token_reference"]
        .as_str()
        .expect("the seed payload remembers the card")
        .to_string();
    assert!(token.starts_with("tok_"), "{token}");

    let out = flow(
        &[
            "--json", "--otp", "123456", "--token", &token, "--cvc", "123",
        ],
        &env,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let s2s = exchanges(&out)
        .into_iter()
        .find(|e| e["url"].as_str().is_some_and(|u| u.contains("s2s=true")))
        .expect("the S2S call");
    let body = &s2s["request"];
    assert_eq!(body["token_reference"], token.as_str());
    for absent in ["card_number", "expires", "cardholder_name", "remember_card"] {
        assert!(
            body.get(absent).is_none(),
            "{absent} sent with a token: {body}"
        );
    }
    let r = result(&out);
    assert_eq!(r["status"], "paid");
    assert_eq!(r["token_reference"], token.as_str());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("4444333322221111"));

    let readable = flow(&["--otp", "123456", "--token", &token], &env);
    let text = String::from_utf8_lossy(&readable.stdout);
    assert!(
        text.contains(&format!("token     {token} (paid with this saved card)")),
        "{text}"
    );
    // Stopped at pending, nothing was paid: no token is offered to "pay again" with.
    let pending = flow(&["--token", &token], &env);
    let text = String::from_utf8_lossy(&pending.stdout);
    assert!(text.contains("PENDING"), "{text}");
    assert!(!text.contains("token     "), "{text}");
}

#[test]
fn a_token_on_the_embedded_sandbox_is_unknown() {
    let out = flow(&["--json", "--token", "tok_from_another_run"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(result(&out)["error"]["message"], "Invalid card details");
    let out = flow(&["--token", "tok_x", "--card", "4444333322221111"], &[]);
    assert_eq!(out.status.code(), Some(2), "--token and --card conflict");
}

#[test]
fn a_timeout_out_of_range_is_refused_with_the_range_it_takes() {
    for bad in ["0", "0.0001", "1e-9", "3601", "nan"] {
        let out = flow(&["--timeout", bad], &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(
            err.contains("must be from 0.1 to 3600 seconds"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn an_empty_otp_or_purchase_is_a_usage_error() {
    let out = flow(&["--otp", ""], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--otp") && err.contains("empty"), "{err}");
    let out = flow(&["--otp", "  "], &[]);
    assert_eq!(out.status.code(), Some(2));
    let mut cmd = Command::new(BIN);
    cmd.args(["history", "--purchase", ""]);
    isolate(&mut cmd);
    let out = cmd.output().expect("binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--purchase") && err.contains("empty"), "{err}");
}

#[test]
fn an_amount_json_cannot_hold_is_a_usage_error() {
    for (option, bad) in [
        ("--amount", "NaN"),
        ("--amount", "inf"),
        ("--amount", "1e400"),
        ("--capture", "NaN"),
        ("--capture", "-inf"),
        ("--capture", "twenty"),
    ] {
        let out = flow(&["--otp", "123456", &format!("{option}={bad}")], &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{option} {bad}: {err}");
        assert!(
            err.contains(option) && err.contains("amount like 20.00"),
            "{err}"
        );
    }
    // A number JSON can hold goes to the API, which judges it (0 is refused there).
    let out = flow(&["--json", "--amount", "0"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

/// A `--data-dir` that is a file: the run goes on, paid, and says once each that its
/// history and its sandbox state are not kept, naming the file in the way (the OS's "File
/// exists" read as if the history file were the obstacle; the state's fallback was silent).
#[test]
fn a_data_dir_that_is_a_file_is_named_and_each_loss_said_once() {
    let base = run_dirs::run_dir("pse-cli-", "file-data-dir");
    std::fs::create_dir_all(&base).expect("dir");
    let file = base.join("notes.txt");
    std::fs::write(&file, "mine").expect("file");
    let data_dir = file.to_string_lossy().into_owned();
    let out = flow(&["--data-dir", &data_dir, "--otp", "123456"], &[]);
    assert_eq!(out.status.code(), Some(0), "the run itself is not stopped");
    let err = String::from_utf8_lossy(&out.stderr);
    let named = format!("{data_dir} is a file, not a directory");
    assert_eq!(err.matches("history not saved").count(), 1, "{err}");
    assert_eq!(err.matches("sandbox state file").count(), 1, "{err}");
    assert_eq!(err.matches(&named).count(), 2, "{err}");
    assert!(err.contains("private and is not kept"), "{err}");
    assert!(!err.contains("File exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("file"),
        "mine",
        "untouched"
    );
}

/// Plain `config` states facts on stdout: the data dir the other commands would use with
/// the same options (`--data-dir` was ignored), and a config dir that is a file named as
/// such on the state line, once ("Not a directory (os error 20)" named nothing; "not
/// created yet" was untrue; a warning on stderr said it a second time).
#[test]
fn config_names_the_dirs_it_would_use_and_a_file_in_the_way() {
    let base = run_dirs::run_dir("pse-cli-", "config-facts");
    std::fs::create_dir_all(&base).expect("dir");
    let file = base.join("notes.txt");
    std::fs::write(&file, "mine").expect("file");
    let elsewhere = base.join("elsewhere");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&elsewhere)
        .arg("config")
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", &file)
        .output()
        .expect("config runs");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let named = format!("{} is a file, not a directory", file.display());
    assert!(
        stdout.contains(&format!("cannot be created: {named}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&elsewhere.display().to_string()),
        "{stdout}"
    );
    assert!(!stderr.contains(&named), "said twice: {stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
}

/// `PAYSECURE_EXPLORER_DATA_DIR=` (empty) counts as unset: it put the history and the
/// sandbox state in the current directory.
#[test]
fn an_empty_data_dir_variable_counts_as_unset() {
    let base = run_dirs::run_dir("pse-cli-", "empty-data-var");
    let home = base.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let out = Command::new(BIN)
        .arg("config")
        .env("PAYSECURE_EXPLORER_DATA_DIR", "")
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", base.join("config"))
        .env("HOME", &home)
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("config runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = home.join(".local/share/paysecure-explorer");
    assert!(
        stdout.contains(&format!("state): {}", expected.display())),
        "{stdout}"
    );
}
