//! The 3DS challenge page driven by a real headless Chromium (through ChromeDriver's
//! WebDriver HTTP API): type the OTP, press Submit, land on the merchant's success page.
//!
//! Skips with a notice when Chromium or ChromeDriver is missing, except under `CI=true`,
//! where it must run (`.ci/run` installs both).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::sandbox::{self, MerchantEvent, SandboxConfig};
use serde_json::{Value, json};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_binary(names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        let out = Command::new("which").arg(name).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    })
}

struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start(chromedriver: &str) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            session: None,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                .ok()
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if ready {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let session = self.session.as_deref().unwrap_or("");
        let url = format!("{}/session/{session}{path}", self.base);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req
            .send()
            .await
            .expect("webdriver")
            .json()
            .await
            .expect("json");
        assert!(v["value"].get("error").is_none(), "webdriver error: {v}");
        v["value"].clone()
    }

    async fn open_session(&mut self, chromium: &str, profile: &str) {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=900,800", format!("--user-data-dir={profile}"),
            ]}
        }}});
        let v: Value = self
            .http
            .post(format!("{}/session", self.base))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("json");
        let id = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"));
        self.session = Some(id.to_string());
    }

    async fn element(&self, css: &str) -> String {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT_KEY].as_str().expect("element id").to_string()
    }
}

#[tokio::test]
async fn chromium_completes_the_challenge_and_lands_on_success() {
    let chromium = find_binary(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_binary(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        assert!(
            std::env::var("CI").map(|v| v != "true").unwrap_or(true),
            "CI=true: Chromium and ChromeDriver must be installed (.ci/run installs them)"
        );
        eprintln!(
            "NOTICE: chromium/chromedriver not found; skipping the browser test (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let urls = MerchantUrls {
        success_redirect: sb.merchant_return_url("success"),
        failure_redirect: sb.merchant_return_url("failure"),
        pending_redirect: None,
        success_callback: Some(sb.merchant_webhook_url()),
        failure_callback: Some(sb.merchant_webhook_url()),
    };
    let http = reqwest::Client::new();
    let purchase: Value = http
        .post(format!("{}/purchases/", sb.base_url))
        .bearer_auth(&sb.api_key)
        .json(&default_purchase(&sb.brand_id, &urls))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = purchase["purchaseId"].as_str().expect("id").to_string();
    let pending: Value = http
        .post(format!("{}/p/{id}/?s2s=true", sb.base_url))
        .bearer_auth(&sb.api_key)
        .json(&seed_payment())
        .send()
        .await
        .expect("s2s")
        .json()
        .await
        .expect("json");
    let callback = pending["callback_url"]
        .as_str()
        .expect("callback")
        .to_string();

    let profile = std::env::temp_dir().join(format!("pse-chromium-{}", std::process::id()));
    let mut driver = Driver::start(&chromedriver).await;
    driver
        .open_session(&chromium, &profile.to_string_lossy())
        .await;
    driver
        .call(
            reqwest::Method::POST,
            "/url",
            Some(json!({"url": callback})),
        )
        .await;
    let otp = driver.element("#otp").await;
    driver
        .call(
            reqwest::Method::POST,
            &format!("/element/{otp}/value"),
            Some(json!({"text": "123456"})),
        )
        .await;
    // Keep a picture of the filled challenge page for people reviewing the UI.
    let shot = driver.call(reqwest::Method::GET, "/screenshot", None).await;
    if let Some(png) = shot
        .as_str()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
    {
        let _ = std::fs::write(
            concat!(env!("CARGO_TARGET_TMPDIR"), "/chromium-challenge.png"),
            png,
        );
    }
    let submit = driver.element("#submit").await;
    driver
        .call(
            reqwest::Method::POST,
            &format!("/element/{submit}/click"),
            Some(json!({})),
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let source = loop {
        let source = driver.call(reqwest::Method::GET, "/source", None).await;
        let text = source.as_str().unwrap_or("").to_string();
        if text.contains("data-result=") || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let url = driver.call(reqwest::Method::GET, "/url", None).await;
    driver.call(reqwest::Method::DELETE, "", None).await;
    let _ = std::fs::remove_dir_all(&profile);

    assert!(
        source.contains("data-result=\"success\""),
        "landing page: {source}"
    );
    assert!(
        url.as_str()
            .is_some_and(|u| u.starts_with(&sb.merchant_return_url("success"))),
        "{url}"
    );
    let status: Value = http
        .get(format!("{}/purchases/{id}/", sb.base_url))
        .bearer_auth(&sb.api_key)
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("json");
    assert_eq!(status["status"], "PAID");
    let landed = sb.merchant_events().into_iter().any(|e| {
        matches!(e, MerchantEvent::Landing { ref page, purchase_id: Some(ref p), .. } if page == "success" && *p == id)
    });
    assert!(landed, "the merchant stub saw the browser land");
}

/// Chromium and ChromeDriver, or `None` (with a notice) where they are missing outside CI.
fn browser_tools() -> Option<(String, String)> {
    let chromium = find_binary(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_binary(&["chromedriver"]);
    if let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) {
        return Some((chromium, chromedriver));
    }
    assert!(
        std::env::var("CI").map(|v| v != "true").unwrap_or(true),
        "CI=true: Chromium and ChromeDriver must be installed (.ci/run installs them)"
    );
    eprintln!("NOTICE: chromium/chromedriver not found; skipping the browser test");
    None
}

/// The dashboard in a real browser: the "settle paid" button is a plain form whose post
/// (with the browser's own `Origin`) passes the cross-site checks, and the 303 brings the
/// page back showing PAID.
#[tokio::test]
async fn chromium_settles_a_pending_purchase_from_the_dashboard() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let urls = MerchantUrls {
        success_redirect: sb.merchant_return_url("success"),
        failure_redirect: sb.merchant_return_url("failure"),
        pending_redirect: None,
        success_callback: Some(sb.merchant_webhook_url()),
        failure_callback: Some(sb.merchant_webhook_url()),
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let purchase: Value = http
        .post(format!("{}/purchases/", sb.base_url))
        .bearer_auth(&sb.api_key)
        .json(&default_purchase(&sb.brand_id, &urls))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = purchase["purchaseId"].as_str().expect("id").to_string();
    let mut card = serde_json::to_value(seed_payment()).expect("json");
    // "Pending": parks in PAYMENT_IN_PROCESS after the challenge.
    card["card_number"] = json!("4710793097358785");
    let pending: Value = http
        .post(format!("{}/p/{id}/?s2s=true", sb.base_url))
        .bearer_auth(&sb.api_key)
        .json(&card)
        .send()
        .await
        .expect("s2s")
        .json()
        .await
        .expect("json");
    let callback = pending["callback_url"].as_str().expect("callback");
    let answered = http
        .post(callback)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("otp=123456&action=submit")
        .send()
        .await
        .expect("otp");
    assert_eq!(answered.status(), 302);

    let profile = std::env::temp_dir().join(format!("pse-chromium-dash-{}", std::process::id()));
    let mut driver = Driver::start(&chromedriver).await;
    driver
        .open_session(&chromium, &profile.to_string_lossy())
        .await;
    let page = format!("{}/", sb.control_url);
    driver
        .call(reqwest::Method::POST, "/url", Some(json!({"url": page})))
        .await;
    // The first form of the row is "settle paid".
    let button = driver
        .element(&format!("form[action='/_sandbox/ui/settle/{id}'] button"))
        .await;
    driver
        .call(
            reqwest::Method::POST,
            &format!("/element/{button}/click"),
            Some(json!({})),
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let source = loop {
        let source = driver.call(reqwest::Method::GET, "/source", None).await;
        let text = source.as_str().unwrap_or("").to_string();
        if text.contains(">PAID<") || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // A picture of the dashboard for people reviewing the UI.
    let shot = driver.call(reqwest::Method::GET, "/screenshot", None).await;
    if let Some(png) = shot
        .as_str()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
    {
        let _ = std::fs::write(
            concat!(env!("CARGO_TARGET_TMPDIR"), "/chromium-dashboard.png"),
            png,
        );
    }
    let url = driver.call(reqwest::Method::GET, "/url", None).await;
    driver.call(reqwest::Method::DELETE, "", None).await;
    let _ = std::fs::remove_dir_all(&profile);

    assert!(
        source.contains(">PAID<"),
        "dashboard after settling: {source}"
    );
    assert_eq!(url.as_str(), Some(page.as_str()), "303 back to the page");
    let status: Value = http
        .get(format!("{}/purchases/{id}/", sb.base_url))
        .bearer_auth(&sb.api_key)
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("json");
    assert_eq!(status["status"], "PAID");
}
