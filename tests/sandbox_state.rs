//! The sandbox's state in SQLite (issue 13): `serve --state FILE` keeps every purchase it
//! acknowledged across a kill -9 and a restart; the control plane's list is paginated;
//! retention deletes what it should and nothing else; a damaged state file is kept aside
//! and a fresh one used; the explorer's embedded sandbox keeps its state (and its port)
//! in the data dir.

#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::flow::target::Target;
use paysecure_explorer::sandbox::{self, SandboxConfig};
use serde_json::{Value, json};
use served::Served;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");
/// §6 success, Mastercard 2D: pays at the callback without a challenge.
const PAYS: &str = "5116213113429327";
/// §6 authorisation failed, Mastercard 2D: ERROR at the callback.
const DECLINED: &str = "5112857124909935";
/// §6 pending, Mastercard 2D: PAYMENT_IN_PROCESS until settled.
const PARKS: &str = "5199805409482512";

/// An HTTP client of one sandbox (`origin` without a path).
struct Api {
    http: reqwest::Client,
    origin: String,
    key: String,
    brand: String,
}

impl Api {
    fn new(base_url: &str, key: &str, brand: &str) -> Api {
        Api {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            origin: base_url.trim_end_matches("/api/v1").to_string(),
            key: key.into(),
            brand: brand.into(),
        }
    }

    fn of(served: &Served) -> Api {
        Api::new(
            &served.fact("base_url"),
            &served.fact("api_key"),
            &served.fact("brand_id"),
        )
    }

    fn urls(&self) -> MerchantUrls {
        let o = &self.origin;
        MerchantUrls {
            success_redirect: format!("{o}/merchant/return/success"),
            failure_redirect: format!("{o}/merchant/return/failure"),
            pending_redirect: None,
            success_callback: Some(format!("{o}/merchant/webhook")),
            failure_callback: Some(format!("{o}/merchant/webhook")),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.origin))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request")
    }

    async fn json(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let resp = self.send(method, path, body).await;
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn create(&self) -> String {
        let body = serde_json::to_value(default_purchase(&self.brand, &self.urls())).expect("json");
        let (status, created) = self
            .json(reqwest::Method::POST, "/api/v1/purchases/", Some(body))
            .await;
        assert_eq!(status, 202, "{created}");
        created["purchaseId"].as_str().expect("id").to_string()
    }

    /// S2S with `card`; returns the callback URL.
    async fn s2s(&self, id: &str, card: &str) -> String {
        let mut body = serde_json::to_value(seed_payment()).expect("json");
        body["card_number"] = json!(card);
        let (status, answer) = self
            .json(
                reqwest::Method::POST,
                &format!("/api/v1/p/{id}/?s2s=true"),
                Some(body),
            )
            .await;
        assert_eq!(status, 202, "{answer}");
        answer["callback_url"]
            .as_str()
            .expect("callback")
            .to_string()
    }

    /// S2S and the frictionless callback.
    async fn pay(&self, id: &str, card: &str) {
        let callback = self.s2s(id, card).await;
        let landed = self.http.get(callback).send().await.expect("callback");
        assert_eq!(landed.status(), 302);
    }

    async fn status(&self, id: &str) -> (u16, String) {
        let (code, body) = self
            .json(
                reqwest::Method::GET,
                &format!("/api/v1/purchases/{id}/"),
                None,
            )
            .await;
        (code, body["status"].as_str().unwrap_or("").to_string())
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.json(method, &format!("/_sandbox{path}"), body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    }

    /// The webhook count, once it reaches `expected` (deliveries run in the background).
    async fn webhooks_reaching(&self, expected: u64) -> u64 {
        let mut now = 0;
        for _ in 0..400 {
            let stats = self.control(reqwest::Method::GET, "/stats", None).await;
            now = stats["webhooks"]["total"].as_u64().expect("total");
            if now >= expected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        now
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pse-state-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_serve_restarted_on_its_state_file_answers_every_purchase_as_before() {
    let dir = scratch("kill");
    let file = dir.join("state.sqlite3");
    let file_arg = file.to_str().expect("path");
    let served = Served::start(Some(&dir), &["--quiet", "--state", file_arg]);
    let api = Api::of(&served);
    let mut acknowledged = Vec::new();
    for i in 0..24 {
        let id = api.create().await;
        match i % 6 {
            0 => {}
            1 => api.pay(&id, PAYS).await,
            2 => api.pay(&id, DECLINED).await,
            3 => {
                api.s2s(&id, PAYS).await;
            }
            4 => api.pay(&id, PARKS).await,
            _ => {
                api.pay(&id, PAYS).await;
                let (code, _) = api
                    .json(
                        reqwest::Method::GET,
                        &format!("/api/v1/purchases/{id}/refund/"),
                        None,
                    )
                    .await;
                assert_eq!(code, 202);
            }
        }
        acknowledged.push((id.clone(), api.status(&id).await));
    }
    let statuses: std::collections::BTreeSet<&str> =
        acknowledged.iter().map(|(_, (_, s))| s.as_str()).collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        [
            "CREATED",
            "ERROR",
            "PAID",
            "PAYMENT_IN_PROCESS",
            "PENDING_EXECUTE",
            "REFUNDED"
        ]
    );
    api.control(
        reqwest::Method::PUT,
        "/settings",
        Some(json!({"attempt_limit": 7})),
    )
    .await;
    api.control(
        reqwest::Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 5})),
    )
    .await;
    // paid ×4, error ×4, paid + refunded ×4: every delivery logged before the kill.
    let webhooks = api.webhooks_reaching(16).await;
    assert_eq!(webhooks, 16);
    served.stop();

    let again = Served::start(Some(&dir), &["--quiet", "--state", file_arg]);
    let api = Api::of(&again);
    for (id, before) in &acknowledged {
        assert_eq!(&api.status(id).await, before, "purchase {id}");
    }
    let settings = api.control(reqwest::Method::GET, "/settings", None).await;
    assert_eq!(settings["attempt_limit"], 7);
    let clock = api
        .control(
            reqwest::Method::POST,
            "/clock",
            Some(json!({"advance_minutes": 0})),
        )
        .await;
    assert_eq!(clock["clock_offset_minutes"], 5);
    let stats = api.control(reqwest::Method::GET, "/stats", None).await;
    assert_eq!(stats["webhooks"]["total"].as_u64(), Some(webhooks));
    assert_eq!(stats["purchases"].as_u64(), Some(24));
    // The numbering goes on, and a purchase from before can still be paid.
    let (_, newest) = api
        .json(
            reqwest::Method::POST,
            "/api/v1/purchases/",
            Some(serde_json::to_value(default_purchase(&api.brand, &api.urls())).expect("json")),
        )
        .await;
    assert_eq!(newest["reference_generated"], "PS25");
    let (created, _) = &acknowledged[0];
    api.pay(created, PAYS).await;
    assert_eq!(api.status(created).await, (200, "PAID".to_string()));
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_purchase_list_comes_in_pages_newest_first() {
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let api = Api::new(&sb.base_url, &sb.api_key, &sb.brand_id);
    let mut created = Vec::new();
    for _ in 0..230 {
        created.push(api.create().await);
    }
    let mut seen = Vec::new();
    let mut next = Some("/_sandbox/purchases".to_string());
    let mut pages = Vec::new();
    while let Some(path) = next.take() {
        assert!(pages.len() < 10, "bounded");
        let resp = api.send(reqwest::Method::GET, &path, None).await;
        assert_eq!(resp.status(), 200);
        let link = resp
            .headers()
            .get("link")
            .map(|v| v.to_str().expect("ascii").to_string());
        let before = resp
            .headers()
            .get("x-next-before")
            .map(|v| v.to_str().expect("ascii").to_string());
        let page: Vec<Value> = resp.json().await.expect("an array");
        pages.push(page.len());
        seen.extend(
            page.iter()
                .map(|p| p["purchaseId"].as_str().expect("id").to_string()),
        );
        if let (Some(link), Some(before)) = (link, before) {
            assert_eq!(
                link,
                format!("</_sandbox/purchases?limit=100&before={before}>; rel=\"next\"")
            );
            assert_eq!(seen.last(), Some(&before), "the page's last id");
            next = Some(format!("/_sandbox/purchases?limit=100&before={before}"));
        }
    }
    assert_eq!(pages, [100, 100, 30], "default 100 a page");
    created.reverse();
    assert_eq!(seen, created, "every purchase once, newest first");

    let (code, small) = api
        .json(reqwest::Method::GET, "/_sandbox/purchases?limit=3", None)
        .await;
    assert_eq!((code, small.as_array().map(Vec::len)), (200, Some(3)));
    for bad in ["limit=0", "limit=5000", "before=nosuchpurchase"] {
        let (code, body) = api
            .json(
                reqwest::Method::GET,
                &format!("/_sandbox/purchases?{bad}"),
                None,
            )
            .await;
        assert_eq!(
            (code, body["code"].as_str()),
            (400, Some("Invalid_Parameter")),
            "{bad}: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_deletes_purchases_unchanged_for_longer_than_it_keeps_them() {
    let dir = scratch("retain");
    let served = Served::start(Some(&dir), &["--quiet", "--retain-days", "1"]);
    let api = Api::of(&served);
    let paid = api.create().await;
    api.pay(&paid, PAYS).await;
    let unpaid = api.create().await;
    assert_eq!(api.webhooks_reaching(1).await, 1);
    api.control(
        reqwest::Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 2 * 24 * 60})),
    )
    .await;
    let mut gone = false;
    for _ in 0..100 {
        if api.status(&paid).await.0 == 404 {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        gone,
        "a PAID purchase unchanged for 2 days is deleted with --retain-days 1"
    );
    assert_eq!(
        api.status(&unpaid).await,
        (200, "EXPIRED".to_string()),
        "the clock move expired it just now: kept, counted from then"
    );
    let log = api.control(reqwest::Method::GET, "/webhooks", None).await;
    assert!(
        log.as_array()
            .expect("array")
            .iter()
            .all(|d| d["purchase_id"] != paid.as_str()),
        "its webhook deliveries went with it: {log}"
    );
    let fresh = api.create().await;
    assert_eq!(api.status(&fresh).await, (200, "CREATED".to_string()));
    drop(served);

    // With --state and no --retain-days nothing is deleted, however far the clock goes.
    let file = dir.join("kept.sqlite3");
    let kept = Served::start(
        Some(&dir),
        &["--quiet", "--state", file.to_str().expect("path")],
    );
    let api = Api::of(&kept);
    let paid = api.create().await;
    api.pay(&paid, PAYS).await;
    api.control(
        reqwest::Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 400 * 24 * 60})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(api.status(&paid).await, (200, "PAID".to_string()));
    drop(kept);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_state_file_is_kept_aside_and_serve_starts_with_a_fresh_one() {
    let dir = scratch("damaged");
    let file = dir.join("state.sqlite3");
    let garbage = b"not a database: an invoice someone saved over it\n".repeat(100);
    std::fs::write(&file, &garbage).expect("write");
    let served = Served::start(
        Some(&dir),
        &["--quiet", "--state", file.to_str().expect("path")],
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let api = Api::of(&served);
        let id = api.create().await;
        assert_eq!(api.status(&id).await, (200, "CREATED".to_string()));
    });
    let stderr = served.stop();
    let message = stderr
        .lines()
        .find(|l| l.contains("is damaged"))
        .unwrap_or_else(|| panic!("a message: {stderr}"));
    assert!(
        message.contains("kept it as") && message.contains("started with a fresh one"),
        "{message}"
    );
    let kept: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("state.sqlite3.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read(&kept[0]).expect("kept"),
        garbage,
        "nothing deleted"
    );
    assert!(
        message.contains(&*kept[0].to_string_lossy()),
        "names where: {message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_serve_on_the_same_state_file_is_refused() {
    let dir = scratch("twice");
    let file = dir.join("state.sqlite3");
    let file_arg = file.to_str().expect("path");
    let first = Served::start(Some(&dir), &["--quiet", "--state", file_arg]);
    let second = Command::new(BIN)
        .args([
            "serve", "--port", "0", "--json", "--quiet", "--state", file_arg,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("is in use by another"), "{stderr}");
    drop(first);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts the explorer's embedded sandbox on `data`, retrying while the previous one is
/// still letting go of the state file (its connections end in the background).
async fn embedded(data: &Path) -> Target {
    for _ in 0..100 {
        let target = Target::embedded_in(Some(data)).await.expect("starts");
        let sandbox = target.sandbox.as_ref().expect("embedded");
        if sandbox.state_file.is_some() {
            return target;
        }
        sandbox.shutdown().await;
        drop(target);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the state file never came free");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorers_embedded_sandbox_keeps_its_purchases_and_port_in_the_data_dir() {
    let data = scratch("embedded");
    let first = embedded(&data).await;
    let sb = first.sandbox.as_ref().expect("embedded");
    assert_eq!(
        sb.state_file.as_deref(),
        Some(data.join("sandbox-state.sqlite3").as_path())
    );
    let port = sb.addr.port();
    let api = Api::new(&sb.base_url, &sb.api_key, &sb.brand_id);
    let id = api.create().await;
    api.pay(&id, PAYS).await;

    // A second explorer at the same time: private state, and it says so.
    let other = Target::embedded_in(Some(&data)).await.expect("starts");
    let other_sb = other.sandbox.as_ref().expect("embedded");
    assert_eq!(other_sb.state_file, None);
    assert!(
        other_sb
            .state_notes
            .iter()
            .any(|n| n.contains("in use") && n.contains("private")),
        "{:?}",
        other_sb.state_notes
    );
    assert_ne!(other_sb.addr.port(), port);
    other_sb.shutdown().await;
    drop(other);

    sb.shutdown().await;
    drop(api);
    drop(first);
    let again = embedded(&data).await;
    let sb = again.sandbox.as_ref().expect("embedded");
    assert_eq!(
        sb.addr.port(),
        port,
        "the port it used last, so history URLs still work"
    );
    let api = Api::new(&sb.base_url, &sb.api_key, &sb.brand_id);
    assert_eq!(api.status(&id).await, (200, "PAID".to_string()));
    let (code, _) = api
        .json(
            reqwest::Method::GET,
            &format!("/api/v1/purchases/{id}/refund/"),
            None,
        )
        .await;
    assert_eq!(code, 202, "yesterday's purchase can still be refunded");
    sb.shutdown().await;
    drop(again);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn the_explorers_damaged_state_file_is_kept_aside_too() {
    let data = scratch("embedded-damaged");
    let file = data.join("sandbox-state.sqlite3");
    std::fs::write(&file, b"garbage, not SQLite\n".repeat(300)).expect("write");
    let target = Target::embedded_in(Some(&data)).await.expect("starts");
    let sb = target.sandbox.as_ref().expect("embedded");
    assert_eq!(
        sb.state_file.as_deref(),
        Some(file.as_path()),
        "a fresh file, same place"
    );
    assert!(
        sb.state_notes
            .iter()
            .any(|n| n.contains("is damaged") && n.contains("kept it as")),
        "{:?}",
        sb.state_notes
    );
    let api = Api::new(&sb.base_url, &sb.api_key, &sb.brand_id);
    let id = api.create().await;
    assert_eq!(api.status(&id).await, (200, "CREATED".to_string()));
    sb.shutdown().await;
    drop(target);
    let _ = std::fs::remove_dir_all(&data);
}
