//! Bounded fuzzing with proptest (fixed case counts, so CI time is bounded): the
//! validators and redaction on arbitrary text, and the sandbox's request handling on
//! arbitrary methods, paths, headers and bodies over loopback — no panic, no 5xx, always
//! the `{"message","code"}` shape. `tests/fuzz_seeds/` holds bodies that run every time.

use std::sync::OnceLock;

use paysecure_explorer::api::redact;
use paysecure_explorer::card;
use paysecure_explorer::clock::YearMonth;
use paysecure_explorer::paysecure::field_rules::{is_country, is_email};
use paysecure_explorer::sandbox::{self, SandboxConfig, SandboxHandle};
use proptest::prelude::*;
use reqwest::Method;
use serde_json::Value;

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn validators_never_panic_and_agree_with_their_rules(text in ".{0,40}") {
        let pan_ok = card::is_valid_pan(&text);
        prop_assert!(!pan_ok || (text.len() >= 10 && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit())));
        if let Some(ym) = card::parse_expiry(&text) {
            prop_assert!((1..=12).contains(&ym.month));
            prop_assert_eq!(ym.as_expiry(), text.clone());
        }
        let _ = card::expiry_is_valid(&text, YearMonth { year: 2026, month: 11 });
        let _ = card::cvc_is_valid(&text);
        let _ = is_email(&text);
        let _ = is_country(&text);
        let _ = card::brand(&text);
        let _ = card::mask_pan(&text);
    }

    #[test]
    fn redaction_leaves_no_card_number(stem in "[0-9]{12,18}", prefix in "[a-z {\":,]{0,10}", suffix in "[a-z }\":,]{0,10}") {
        let digits = with_check_digit(&stem);
        prop_assert!(card::luhn_ok(&digits));
        // A PAN in free text stands apart from letters (a run glued to letters is part of
        // a token such as a hex id, and is left alone by design).
        let text = format!("{prefix} {digits}:{suffix}");
        let out = redact::body(&text);
        prop_assert!(!out.contains(&digits), "{} kept {}", out, digits);
        let json = format!("{{\"card_number\":\"{digits}\",\"cvc\":\"123\"}}");
        let out = redact::body(&json);
        prop_assert!(!out.contains(&digits) && !out.contains("cvc"));
    }
}

/// `stem` plus the Luhn check digit that makes it a valid card number.
fn with_check_digit(stem: &str) -> String {
    (0..10)
        .map(|d| format!("{stem}{d}"))
        .find(|n| card::luhn_ok(n))
        .unwrap_or_default()
}

/// Failing cases are written here and replayed first on every run (kept in git).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fuzz_seeds/proptest-regressions.txt"
            )),
        )),
        ..ProptestConfig::default()
    }
}

struct Shared {
    rt: tokio::runtime::Runtime,
    sb: SandboxHandle,
    http: reqwest::Client,
    purchase_id: String,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let sb = rt
            .block_on(sandbox::start(SandboxConfig::default()))
            .expect("sandbox");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let urls = paysecure_explorer::flow::presets::MerchantUrls {
            success_redirect: sb.merchant_return_url("success"),
            failure_redirect: sb.merchant_return_url("failure"),
            ..Default::default()
        };
        let body = paysecure_explorer::flow::presets::default_purchase(&sb.brand_id, &urls);
        let created: Value = rt.block_on(async {
            http.post(format!("{}/purchases/", sb.base_url))
                .bearer_auth(&sb.api_key)
                .json(&body)
                .send()
                .await
                .expect("create")
                .json()
                .await
                .expect("json")
        });
        let purchase_id = created["purchaseId"].as_str().expect("id").to_string();
        Shared {
            rt,
            sb,
            http,
            purchase_id,
        }
    })
}

/// Sends one request and checks the answer's shape.
fn check(
    method: &Method,
    path: &str,
    auth: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Result<(), String> {
    let s = shared();
    let url = format!("{}{path}", s.sb.origin);
    let (status, text) = s.rt.block_on(async {
        let mut req = s
            .http
            .request(method.clone(), &url)
            .header("accept", "application/json");
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        match req.body(body.clone()).send().await {
            Ok(resp) => (
                resp.status().as_u16(),
                resp.text().await.unwrap_or_default(),
            ),
            // The dropped-connection fault card closes without an answer, by design.
            Err(_) => (0, String::new()),
        }
    });
    let fault_card = String::from_utf8_lossy(&body).contains("49990000000003");
    if status == 0 {
        return if fault_card {
            Ok(())
        } else {
            Err(format!("{method} {path}: no answer"))
        };
    }
    if status >= 500 && !fault_card {
        return Err(format!("{method} {path}: {status} {text}"));
    }
    // HEAD answers carry no body, by HTTP's rules.
    if status >= 400 && *method != Method::HEAD {
        let v: Value = serde_json::from_str(&text)
            .map_err(|_| format!("{method} {path}: {status} not JSON: {text:?}"))?;
        if !(v["message"].is_string() && v["code"].is_string()) {
            return Err(format!("{method} {path}: {status} not coded: {v}"));
        }
    }
    Ok(())
}

fn method_strategy() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::DELETE),
        Just(Method::PATCH),
        Just(Method::OPTIONS),
        Just(Method::HEAD),
    ]
}

fn path_strategy() -> impl Strategy<Value = String> {
    let id = shared().purchase_id.clone();
    let segment = prop_oneof![
        Just("api".to_string()),
        Just("v1".to_string()),
        Just("purchases".to_string()),
        Just("p".to_string()),
        Just("payment".to_string()),
        Just("refund".to_string()),
        Just("cancel".to_string()),
        Just("_sandbox".to_string()),
        Just("merchant".to_string()),
        Just(id),
        Just("%FF".to_string()),
        Just("..".to_string()),
        "[a-zA-Z0-9%._~-]{0,12}",
    ];
    (
        prop::collection::vec(segment, 0..6),
        prop::option::of("[a-z0-9=&%]{0,16}"),
    )
        .prop_map(|(segs, q)| {
            format!(
                "/{}{}",
                segs.join("/"),
                q.map(|q| format!("?{q}")).unwrap_or_default()
            )
        })
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"card_number\":".to_string()),
        Just("\"4444333322221111\"".to_string()),
        Just("\"4999000000000120\"".to_string()),
        Just("\"remote_ip\":\"1.2.3.4\"".to_string()),
        Just("\"amount\":".to_string()),
        Just("null".to_string()),
        Just(",".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("1e999".to_string()),
        Just("\"\\u0000\"".to_string()),
        ".{0,8}",
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        prop::collection::vec(fragment, 0..12).prop_map(|f| f.concat().into_bytes()),
    ]
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn sandbox_answers_every_request_with_the_coded_shape(
        method in method_strategy(),
        path in path_strategy(),
        auth in prop_oneof![Just(None), Just(Some("good".to_string())), Just(Some("Bearer nope".to_string())), Just(Some(String::new())), "[ -~]{0,20}".prop_map(Some)],
        content_type in prop_oneof![Just(None), Just(Some("application/json".to_string())), Just(Some("text/plain".to_string())), Just(Some("application/x-www-form-urlencoded".to_string())), "[a-z/+;= -]{0,20}".prop_map(Some)],
        body in body_strategy(),
    ) {
        let key = format!("Bearer {}", shared().sb.api_key);
        let auth = auth.map(|a| if a == "good" { key.clone() } else { a });
        let result = check(&method, &path, auth.as_deref(), content_type.as_deref(), body);
        prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }
}

#[test]
fn seed_bodies_are_answered_with_the_coded_shape() {
    let s = shared();
    let key = format!("Bearer {}", s.sb.api_key);
    let id = s.purchase_id.clone();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_seeds");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("seeds") {
        let body = std::fs::read(entry.expect("entry").path()).expect("seed");
        for path in [
            "/api/v1/purchases/".to_string(),
            format!("/api/v1/p/{id}/?s2s=true"),
            format!("/api/v1/purchases/{id}/refund/"),
        ] {
            check(
                &Method::POST,
                &path,
                Some(&key),
                Some("application/json"),
                body.clone(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            seen += 1;
        }
    }
    assert!(seen >= 30);
}
