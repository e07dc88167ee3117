//! The 3DS challenge page driven by a real headless Chromium (through ChromeDriver's
//! WebDriver HTTP API): type the OTP, press Submit, land on the merchant's success page.
//!
//! Skips with a notice when Chromium or ChromeDriver is missing, except under `CI=true`,
//! where it must run (`.ci/run` installs both).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use paysecure_explorer::api::MerchantEvent;
use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::sandbox::{self, SandboxConfig};
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
        self.open_session_sized(chromium, profile, None).await;
    }

    /// `phone`: emulate a phone screen of this width × height (CSS pixels).
    async fn open_session_sized(
        &mut self,
        chromium: &str,
        profile: &str,
        phone: Option<(u32, u32)>,
    ) {
        let window = phone.map_or("900,800".to_string(), |(w, h)| format!("{w},{h}"));
        let mut options = json!({"binary": chromium, "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", format!("--window-size={window}"), format!("--user-data-dir={profile}"),
        ]});
        if let Some((width, height)) = phone {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 3.0, "touch": true},
            });
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
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

    async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{el}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let el = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{el}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Runs `script` in the page (chromedriver's execute/sync) and returns its value.
    async fn execute(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// The page source once it contains `needle` (or after 15 s, whatever it is).
    async fn source_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let source = self.call(reqwest::Method::GET, "/source", None).await;
            let text = source.as_str().unwrap_or("").to_string();
            if text.contains(needle) || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG of the viewport at `path`; true when it was written.
    async fn screenshot(&self, path: &std::path::Path) -> bool {
        let shot = self.call(reqwest::Method::GET, "/screenshot", None).await;
        shot.as_str()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .is_some_and(|png| std::fs::write(path, png).is_ok())
    }

    async fn close(&self) {
        self.call(reqwest::Method::DELETE, "", None).await;
    }
}

/// Chromium and ChromeDriver, or `None` after the skip notice (never under `CI=true`).
fn browser_tools() -> Option<(String, String)> {
    let chromium = find_binary(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_binary(&["chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        _ => {
            assert!(
                std::env::var("CI").map(|v| v != "true").unwrap_or(true),
                "CI=true: Chromium and ChromeDriver must be installed (.ci/run installs them)"
            );
            eprintln!(
                "NOTICE: chromium/chromedriver not found; skipping the browser test (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// A private Chromium profile directory for one test.
fn profile_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("pse-chromium-{name}-{}", std::process::id()))
}

/// A sandbox whose merchant URLs point at its own stub.
async fn sandbox_with_stub() -> (sandbox::SandboxHandle, MerchantUrls) {
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let urls = paysecure_explorer::flow::target::stub_urls(&sb);
    (sb, urls)
}

/// Creates a purchase; returns its id and the whole reply.
async fn create(sb: &sandbox::SandboxHandle, urls: &MerchantUrls) -> (String, Value) {
    let purchase: Value = reqwest::Client::new()
        .post(format!("{}/purchases/", sb.base_url))
        .bearer_auth(&sb.api_key)
        .json(&default_purchase(&sb.brand_id, urls))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = purchase["purchaseId"].as_str().expect("id").to_string();
    (id, purchase)
}

async fn status_of(sb: &sandbox::SandboxHandle, id: &str) -> Value {
    let v: Value = reqwest::Client::new()
        .get(format!("{}/purchases/{id}/", sb.base_url))
        .bearer_auth(&sb.api_key)
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("json");
    v["status"].clone()
}

/// Types a card into the hosted page (already open) and presses Pay.
async fn pay_on_hosted_page(driver: &Driver, card: &str) {
    driver.type_into("#cardholder_name", "Jane Doe").await;
    driver.type_into("#card_number", card).await;
    driver.type_into("#expires", "12/49").await;
    driver.type_into("#cvc", "123").await;
    driver.click("#pay").await;
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

#[tokio::test]
async fn chromium_pays_on_the_hosted_page_frictionless_and_challenged() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let (sb, urls) = sandbox_with_stub().await;
    let profile = profile_dir("hosted");
    let mut driver = Driver::start(&chromedriver).await;
    driver
        .open_session(&chromium, &profile.to_string_lossy())
        .await;

    // Frictionless: the Pay button leads straight to the merchant's success page.
    let (id, purchase) = create(&sb, &urls).await;
    driver
        .goto(purchase["checkout_url"].as_str().expect("checkout_url"))
        .await;
    pay_on_hosted_page(&driver, "4079 7225 8931 8630").await;
    let landed = driver.source_with("data-result=").await;
    assert!(landed.contains("data-result=\"success\""), "{landed}");
    assert_eq!(status_of(&sb, &id).await, "PAID");

    // Challenge: the page shows the issuer's challenge; 123456 pays.
    let (id, purchase) = create(&sb, &urls).await;
    driver
        .goto(purchase["checkout_url"].as_str().expect("checkout_url"))
        .await;
    pay_on_hosted_page(&driver, "4444333322221111").await;
    let challenge = driver.source_with("id=\"otp\"").await;
    assert!(challenge.contains("Visa Secure"), "{challenge}");
    driver.type_into("#otp", "123456").await;
    driver.click("#submit").await;
    let landed = driver.source_with("data-result=").await;
    driver.close().await;
    let _ = std::fs::remove_dir_all(&profile);
    assert!(landed.contains("data-result=\"success\""), "{landed}");
    assert_eq!(status_of(&sb, &id).await, "PAID");
    // The customer's browser fields came from Chromium itself.
    let attempts: Value = reqwest::Client::new()
        .get(format!("{}/purchases/{id}", sb.control_url))
        .send()
        .await
        .expect("control")
        .json()
        .await
        .expect("json");
    assert_eq!(
        attempts["transaction_data"]["attempts"][0]["client_ip"], "127.0.0.1",
        "{attempts}"
    );
}

/// Asserts the page in `driver` fits the 390 px phone viewport without horizontal
/// overflow, and keeps a screenshot of it in the test's temp dir for reviewers.
async fn fits(driver: &Driver, page: &str) {
    let width = driver.execute("return window.innerWidth").await;
    assert_eq!(width, 390, "{page}: the phone viewport is in effect");
    let scroll = driver
        .execute("return document.documentElement.scrollWidth")
        .await;
    assert!(
        scroll.as_u64().is_some_and(|w| w <= 390),
        "{page}: scrollWidth {scroll} > 390 (horizontal overflow)"
    );
    let path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("phone-390-{page}.png"));
    assert!(driver.screenshot(&path).await, "{page}: screenshot");
    assert!(path.metadata().is_ok_and(|m| m.len() > 0));
}

#[tokio::test]
async fn pages_fit_a_390px_phone_screen() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let (sb, urls) = sandbox_with_stub().await;
    let profile = profile_dir("phone");
    let mut driver = Driver::start(&chromedriver).await;
    driver
        .open_session_sized(&chromium, &profile.to_string_lossy(), Some((390, 844)))
        .await;
    let (_, purchase) = create(&sb, &urls).await;
    driver
        .goto(purchase["checkout_url"].as_str().expect("checkout_url"))
        .await;
    driver.source_with("id=\"pay\"").await;
    fits(&driver, "hosted-page").await;
    pay_on_hosted_page(&driver, "5141922635866282").await;
    let challenge = driver.source_with("id=\"otp\"").await;
    assert!(challenge.contains("Mastercard Identity Check"));
    assert!(challenge.contains("•••• 6282"));
    fits(&driver, "challenge").await;
    driver.type_into("#otp", "000000").await;
    driver.click("#submit").await;
    let failed = driver.source_with("data-result=").await;
    assert!(failed.contains("data-result=\"failure\""));
    assert!(
        failed.contains("3DS authentication failed"),
        "the reason is shown"
    );
    fits(&driver, "failure").await;
    driver.close().await;
    let _ = std::fs::remove_dir_all(&profile);
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
