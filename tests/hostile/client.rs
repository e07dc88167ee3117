//! The client against a hostile server on 127.0.0.1: it echoes the API key, puts card
//! numbers (grouped, glued to letters, as JSON numbers) and security codes in headers,
//! bodies and messages, streams 50 MiB. Every exchange is recorded into a real history
//! store; then the store's files and every export (`history --json`, `--curl N`,
//! `--export-har`) are scanned byte by byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::hostile_server::{Reply, closed_port};
use paysecure_explorer::api::client::DEFAULT_MAX_BODY_BYTES;
use paysecure_explorer::api::exchange::FnRecorder;
use paysecure_explorer::api::{
    ApiError, ClientConfig, Exchange, ExchangeKind, PaysecureClient, TransportKind,
};
use paysecure_explorer::card::luhn_ok;
use paysecure_explorer::config::HistoryConfig;
use paysecure_explorer::history::db::query::Reader;
use paysecure_explorer::history::sink::Sink;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

/// The secrets of one case and the ways they are written.
#[derive(Debug, Clone)]
struct Secrets {
    pan: String,
    /// The separator between groups of four: "", " ", "-" or "%20".
    sep: &'static str,
    key: String,
    cvc: String,
    cvc_name: &'static str,
}

impl Secrets {
    fn grouped(&self, sep: &str) -> String {
        let digits: Vec<String> = self
            .pan
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        digits.join(sep)
    }
    /// The case's grouping, as it may stand in a URL (a space is `%20` there).
    fn in_url(&self) -> String {
        self.grouped(if self.sep == " " { "%20" } else { self.sep })
    }
    /// `4.444333322221111e15`.
    fn scientific(&self) -> String {
        format!(
            "{}.{}e{}",
            &self.pan[..1],
            &self.pan[1..],
            self.pan.len() - 1
        )
    }
    /// Byte strings no stored or exported byte may hold.
    fn forbidden(&self) -> Vec<String> {
        let mut out = vec![self.pan.clone(), self.key.clone(), self.scientific()];
        for sep in [" ", "-", "%20", "+"] {
            out.push(self.grouped(sep));
        }
        out
    }
}

/// Answers by the first path segment after the base: `json`, `coded` or `html`.
fn hostile_reply(s: &Secrets, target: &str) -> Reply {
    let grouped = s.grouped(s.sep);
    let (pan, key, cvc, name) = (&s.pan, &s.key, &s.cvc, s.cvc_name);
    let headers = vec![
        ("x-echo-auth".to_string(), format!("Bearer {key}")),
        ("x-key".to_string(), key.clone()),
        ("x-card".to_string(), grouped.clone()),
        ("x-card-plain".to_string(), pan.clone()),
        (format!("x-{name}"), cvc.clone()),
        ("x-email".to_string(), format!("a{pan}@example.com")),
        ("content-type".to_string(), "application/json".to_string()),
    ];
    let (status, body) = if target.contains("/coded/") {
        (
            402,
            json!({"message": format!("card {grouped} declined for {key} {name}={cvc}"), "code": "card_declined"})
                .to_string(),
        )
    } else if target.contains("/html/") {
        (
            200,
            format!("<p>card {grouped} key {key} {name}: {cvc} Bearer {key}</p>"),
        )
    } else {
        let sci = s.scientific();
        // A JSON number has no leading zero.
        let cvc_number = cvc.parse::<u32>().unwrap_or(0);
        (
            200,
            format!(
                r#"{{"echo":"{key}","card":"{grouped}","n":{pan},"f":{pan}.0,"e":{sci},"neg":-{pan},"email":"a{pan}@example.com","{name}":"{cvc}","nested":{{"card_cvv":{cvc_number},"Cvv":"{cvc}"}},"url":"http://x/p/{pan}/?api_key={key}","{pan}":1}}"#
            ),
        )
    };
    Reply::Full {
        status,
        headers,
        body: body.into_bytes(),
    }
}

struct Store {
    base: PathBuf,
}

impl Store {
    fn new(name: &str) -> Store {
        let base = std::env::temp_dir().join(format!(
            "pse-hostile-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("config")).expect("dirs");
        Store { base }
    }
    fn data(&self) -> PathBuf {
        self.base.join("data")
    }
    fn cli(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .env("PAYSECURE_EXPLORER_DATA_DIR", self.data())
            .env("PAYSECURE_EXPLORER_CONFIG_DIR", self.base.join("config"))
            .env_remove("PAYSECURE_API_KEY")
            .env_remove("PAYSECURE_BASE_URL")
            .output()
            .expect("runs")
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn client(base_url: String, key: &str, sink: &Sink, max_body_bytes: usize) -> PaysecureClient {
    let sink = sink.clone();
    PaysecureClient::new(ClientConfig {
        base_url,
        api_key: key.to_string(),
        timeout: Duration::from_secs(10),
        max_body_bytes,
    })
    .expect("client")
    .with_recorder(Arc::new(FnRecorder(move |ex: &Exchange| {
        sink.append(ex);
    })))
}

/// Every exchange a record can come from, each with secrets in every field it has.
async fn exchanges(client: &PaysecureClient, s: &Secrets) -> usize {
    let (key, cvc, name) = (&s.key, &s.cvc, s.cvc_name);
    let url_card = s.in_url();
    let query = format!("?card={url_card}&api_key={key}&k={key}&{name}={cvc}");
    let body = json!({
        "card_number": s.pan, "note": format!("card {} key {key}", s.grouped(s.sep)),
        "email": format!("a{}@example.com", s.pan), name: cvc, "card_cvv": cvc,
        "n": s.pan.parse::<u64>().unwrap_or(0), "f": s.pan.parse::<f64>().unwrap_or(0.0),
        "neg": -s.pan.parse::<f64>().unwrap_or(0.0), "key": key,
    });
    let ok = client
        .call(
            Method::POST,
            &format!("/json/{url_card}/{query}"),
            Some(&body),
        )
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    let coded = client
        .call(Method::GET, &format!("/coded/{}/{query}", s.pan), None)
        .await;
    assert!(matches!(coded, Err(ApiError::Coded { .. })), "{coded:?}");
    let non_json = client
        .call(Method::GET, &format!("/html/{url_card}/{query}"), None)
        .await;
    assert!(matches!(non_json, Err(ApiError::Transport { .. })));
    for err in [coded, non_json] {
        let text = err.expect_err("error").to_string();
        for f in s.forbidden() {
            assert!(!text.contains(&f), "{f} in the error {text}");
        }
    }
    let base = client.base_url().to_string();
    let form = client
        .browser_post_form(
            &format!("{base}/html/{}/{query}", s.pan),
            &[
                ("card_number", &s.grouped(s.sep)),
                (name, cvc),
                ("memo", &format!("key {key} card a{}@x", s.pan)),
            ],
        )
        .await;
    assert!(form.is_ok(), "{form:?}");
    let refused = client
        .browser_get(&format!(
            "http://127.0.0.1:{}/p/{}/{query}",
            closed_port(),
            s.pan
        ))
        .await;
    assert!(refused.is_err());
    5
}

/// A record made beside the client (request headers the client never sets itself, a
/// note, an error), redacted by the client's own redactor as such records are.
fn side_record(client: &PaysecureClient, s: &Secrets, sink: &Sink) {
    let mut ex = Exchange {
        request_headers: vec![
            ("x-card".into(), s.grouped(s.sep)),
            ("x-key".into(), s.key.clone()),
            (s.cvc_name.into(), s.cvc.clone()),
            ("x-trace".into(), format!("Bearer {}", s.key)),
        ],
        note: Some(format!("card {} key {}", s.pan, s.key)),
        error: Some(format!(
            "error sending request for url (http://h/p/{}/?{}={})",
            s.in_url(),
            s.cvc_name,
            s.cvc
        )),
        ..Exchange::new(
            ExchangeKind::Browser,
            "GET",
            &format!("http://h/p/{}/?k={}", s.pan, s.key),
            1,
        )
    };
    client.redactor().exchange(&mut ex);
    sink.append(&ex);
}

/// Every stored file, and every export of every record, as bytes.
fn stored_and_exported(store: &Store, records: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(store.data()).expect("data dir").flatten() {
        let path = entry.path();
        out.push((
            path.display().to_string(),
            std::fs::read(&path).unwrap_or_default(),
        ));
    }
    let json = store.cli(&["history", "--json"]);
    assert!(json.status.success());
    assert_eq!(
        String::from_utf8_lossy(&json.stdout).lines().count(),
        records,
        "every record is listed"
    );
    out.push(("history --json".into(), [json.stdout, json.stderr].concat()));
    for n in 1..=records {
        let curl = store.cli(&["history", "--curl", &n.to_string()]);
        assert!(curl.status.success(), "--curl {n}");
        out.push((format!("--curl {n}"), [curl.stdout, curl.stderr].concat()));
    }
    let har = store.base.join("export.har");
    let export = store.cli(&["history", "--export-har", &har.display().to_string()]);
    assert!(export.status.success());
    out.push(("HAR".into(), std::fs::read(&har).expect("har")));
    out
}

/// No forbidden string anywhere; no security code right after its name.
fn assert_clean(s: &Secrets, files: &[(String, Vec<u8>)]) {
    for (what, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        for f in s.forbidden() {
            assert!(!text.contains(&f), "{what} holds {f:?}:\n{text}");
        }
        let lower = text.to_ascii_lowercase();
        let name = s.cvc_name.to_ascii_lowercase();
        for (i, _) in lower.match_indices(&name) {
            let after = &lower[i + name.len()..lower.len().min(i + name.len() + 8)];
            assert!(
                !after.contains(&s.cvc),
                "{what}: security code after {name}: {}",
                &text[i..lower.len().min(i + 40)]
            );
        }
    }
}

fn run_case(rt: &tokio::runtime::Runtime, s: &Secrets, name: &str) {
    let store = Store::new(name);
    let (sink, _) = Sink::open(&store.data(), &HistoryConfig::default());
    let shared = Arc::new(Mutex::new(s.clone()));
    let handler_secrets = shared.clone();
    let records = rt.block_on(async {
        let addr = super::hostile_server::start(Arc::new(move |target: &str, _body: &[u8]| {
            let s = handler_secrets.lock().expect("lock").clone();
            hostile_reply(&s, target)
        }))
        .await;
        let c = client(
            format!("http://{addr}/api/v1"),
            &s.key,
            &sink,
            DEFAULT_MAX_BODY_BYTES,
        );
        let n = exchanges(&c, s).await;
        side_record(&c, s, &sink);
        n + 1
    });
    assert_eq!(sink.last_error(), None);
    let files = stored_and_exported(&store, records);
    let all: String = files
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    let masked = format!("{}***", &s.pan[..6]);
    assert!(
        all.contains("[REDACTED]") && all.contains(&masked),
        "the records are there, masked"
    );
    assert_clean(s, &files);
}

/// `stem` completed with the Luhn check digit.
fn luhn_complete(stem: &str) -> String {
    (0..10)
        .map(|d| format!("{stem}{d}"))
        .find(|n| luhn_ok(n))
        .unwrap_or_default()
}

#[test]
fn a_server_echoing_key_cards_and_codes_leaves_no_trace_in_history_or_exports() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for (sep, name) in [
        ("", "cvc"),
        (" ", "Cvv"),
        ("-", "card_cvv"),
        ("%20", "cvv2"),
    ] {
        let s = Secrets {
            pan: "4444333322221111".into(),
            sep,
            key: "sk_test_hostile_0123".into(),
            cvc: "737".into(),
            cvc_name: name,
        };
        run_case(&rt, &s, "fixed");
    }
}

proptest! {
    // Fixed case count: each case spawns the binary a few times, so CI time is bounded.
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_generated_secret_survives_recording_or_export(
        len in 13usize..=19,
        first in 1u8..=9,
        rest in proptest::collection::vec(0u8..=9, 18),
        sep in prop::sample::select(vec!["", " ", "-", "%20"]),
        key_tail in "[A-Za-z0-9]{16,28}",
        cvc in "[0-9]{3,4}",
        cvc_name in prop::sample::select(vec!["cvc", "cvv", "CVC", "Cvv", "card_cvv", "cvv2", "security_code"]),
    ) {
        let stem: String = std::iter::once(first)
            .chain(rest.into_iter().take(len - 2))
            .map(|d| char::from(b'0' + d))
            .collect();
        let s = Secrets {
            pan: luhn_complete(&stem),
            sep,
            key: format!("sk_{key_tail}"),
            cvc,
            cvc_name,
        };
        prop_assert_eq!(s.pan.len(), len);
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        run_case(&rt, &s, "prop");
    }
}

#[test]
fn a_body_over_the_cap_is_a_transport_error_and_memory_stays_small() {
    // Measured in a child process running only the measuring test, so that no other
    // test's allocations count.
    let exe = std::env::current_exe().expect("exe");
    let out = Command::new(exe)
        .args([
            "--exact",
            "client::streaming_50_mib_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PSE_HOSTILE_CHILD", "1")
        .output()
        .expect("child");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    let growth_kib: u64 = text
        .lines()
        .find_map(|l| l.split_once("peak_rss_growth_kib=").map(|(_, v)| v))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no measure in {text}"));
    eprintln!("peak RSS growth while refusing 50 MiB: {growth_kib} KiB");
    assert!(
        growth_kib < 24 * 1024,
        "{growth_kib} KiB: the body was buffered"
    );
}

/// Peak resident set size so far, KiB (Linux).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[test]
#[ignore = "run by a_body_over_the_cap_is_a_transport_error_and_memory_stays_small"]
fn streaming_50_mib_child() {
    if std::env::var_os("PSE_HOSTILE_CHILD").is_none() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store = Store::new("stream");
    let (sink, _) = Sink::open(&store.data(), &HistoryConfig::default());
    rt.block_on(async {
        let addr = super::hostile_server::start(Arc::new(|target: &str, _: &[u8]| Reply::Stream {
            bytes: 50 * 1024 * 1024,
            declare_length: target.contains("with-length"),
        }))
        .await;
        let c = client(
            format!("http://{addr}/api/v1"),
            "sk_x",
            &sink,
            DEFAULT_MAX_BODY_BYTES,
        );
        // Warm up the runtime and the client before the baseline.
        let _ = c.call(Method::GET, "/with-length/", None).await;
        let before = peak_rss_kib();
        let started = Instant::now();
        let err = c
            .call(Method::GET, "/streamed/", None)
            .await
            .expect_err("over the cap");
        let after = peak_rss_kib();
        match &err {
            ApiError::Transport {
                kind: TransportKind::BodyTooLarge,
                http_status: Some(200),
                detail,
            } => assert!(detail.contains("response body over 8 MiB"), "{detail}"),
            other => panic!("{other:?}"),
        }
        println!("peak_rss_growth_kib={}", after.saturating_sub(before));
        println!("refused in {:?}", started.elapsed());
        let declared = c.call(Method::GET, "/with-length/", None).await;
        assert!(
            matches!(
                declared,
                Err(ApiError::Transport {
                    kind: TransportKind::BodyTooLarge,
                    ..
                })
            ),
            "{declared:?}"
        );
    });
    let text = stored_lines(&store.data());
    assert!(
        !text.is_empty() && text.iter().all(|l| l.contains("response body over 8 MiB")),
        "{text:?}"
    );
}

#[test]
fn a_big_answer_under_the_cap_is_recorded_cut_and_the_rotation_limit_holds() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store = Store::new("big");
    let config = HistoryConfig {
        max_bytes: Some(256 * 1024),
        keep_files: Some(1),
        ..HistoryConfig::default()
    };
    let (sink, _) = Sink::open(&store.data(), &config);
    rt.block_on(async {
        let addr = super::hostile_server::start(Arc::new(|_: &str, _: &[u8]| Reply::Full {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: format!(r#"{{"pad":"{}"}}"#, "y".repeat(3 * 1024 * 1024)).into_bytes(),
        }))
        .await;
        let c = client(
            format!("http://{addr}/api/v1"),
            "sk_x",
            &sink,
            DEFAULT_MAX_BODY_BYTES,
        );
        for _ in 0..4 {
            let v = c.call(Method::GET, "/big/", None).await.expect("json");
            assert_eq!(v["pad"].as_str().map(str::len), Some(3 * 1024 * 1024));
        }
    });
    // Each record within its cap (a quarter of `max_bytes`), cut with a visible marker.
    let lines = stored_lines(&store.data());
    assert_eq!(lines.len(), 4);
    for line in &lines {
        assert!(line.len() <= 64 * 1024, "{} bytes", line.len());
        assert!(line.contains("…[truncated "), "visible marker");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_history_file_is_refused_at_once_not_waited_on() {
    let store = Store::new("fifo");
    std::fs::create_dir_all(store.data()).expect("dir");
    let fifo = store.data().join("history.sqlite3");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["history"])
        .env("PAYSECURE_EXPLORER_DATA_DIR", store.data())
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", store.base.join("config"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Bounded wait: a hang is a failure, not a stuck test run.
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.is_some(), "history hung on a FIFO");
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("FIFO"), "{stderr}");
    eprintln!("refused in {:?}", started.elapsed());
    assert!(is_fifo(&fifo), "left as it was");
}

/// Every stored record's JSON line, oldest first.
fn stored_lines(data: &Path) -> Vec<String> {
    let reader = Reader::open(data)
        .expect("readable")
        .expect("history there");
    let mut lines = Vec::new();
    reader
        .each_record(None, None, false, |r| {
            lines.push(serde_json::to_string(&r).expect("json"));
            true
        })
        .expect("read");
    lines
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}
