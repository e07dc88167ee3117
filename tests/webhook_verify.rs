//! The webhook verification snippets of `flow::webhook_verify`, run for real: a paid flow
//! against the embedded sandbox produces a delivery, and each snippet — openssl in `sh`,
//! Python (`cryptography`), Node, PHP, Java, Go (C# is generated only) — prints `valid` for it and `invalid` for a tampered
//! purchase id or the body's lower-case status.
//!
//! A missing interpreter prints a NOTICE and skips that language, except under `CI=true`
//! (`.ci/run` installs them), where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use paysecure_explorer::api::MerchantEvent;
use paysecure_explorer::api::{ClientConfig, PaysecureClient};
use paysecure_explorer::codegen::Lang;
use paysecure_explorer::flow::presets::{default_purchase, seed_payment};
use paysecure_explorer::flow::runner::{self, FlowPlan};
use paysecure_explorer::flow::webhook_verify::{Snippet, signed_string, snippets};
use paysecure_explorer::sandbox::{self, SandboxConfig, SandboxHandle};

/// One real delivery as the merchant stub received it.
struct Delivery {
    purchase_id: String,
    body_status: String,
    brand_id: String,
    signature: String,
}

async fn paid_delivery(sb: &SandboxHandle) -> Delivery {
    let client = PaysecureClient::new(ClientConfig {
        base_url: sb.base_url.clone(),
        api_key: sb.api_key.clone(),
        timeout: Duration::from_secs(10),
        max_body_bytes: paysecure_explorer::api::client::DEFAULT_MAX_BODY_BYTES,
    })
    .expect("client");
    let urls = paysecure_explorer::flow::target::stub_urls(sb);
    let plan = FlowPlan {
        purchase: serde_json::to_value(default_purchase(&sb.brand_id, &urls)).expect("json"),
        payment: serde_json::to_value(seed_payment()).expect("json"),
        otp: Some("123456".into()),
        urls,
        fetch_landing: false,
        capture: None,
        checkout: false,
    };
    let report = runner::run(&client, &plan, Some(sb)).await;
    assert_eq!(report.status().as_deref(), Some("paid"));
    let id = report.flow.purchase_id().expect("an id").to_string();
    sb.merchant_events()
        .into_iter()
        .find_map(|e| match e {
            MerchantEvent::Webhook {
                purchase_id,
                status,
                signature: Some(signature),
                body,
                signature_valid: true,
                ..
            } if purchase_id == id => Some(Delivery {
                brand_id: body["message"]["brandId"]
                    .as_str()
                    .expect("brandId in the body")
                    .to_string(),
                body_status: body["status"].as_str().unwrap_or(&status).to_string(),
                purchase_id,
                signature,
            }),
            _ => None,
        })
        .expect("the merchant stub received a verified webhook for the purchase")
}

/// Whether `program args…` runs and exits 0.
fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What a snippet needs beyond its interpreter being present (C# is generated only:
/// no .NET SDK from Debian's packages).
fn available(lang: Lang) -> bool {
    match lang {
        Lang::Curl => works("sh", &["-c", "true"]) && works("openssl", &["version"]),
        Lang::Python => works("python3", &["-c", "import cryptography"]),
        Lang::Node => works("node", &["--version"]),
        Lang::Php => works(
            "php",
            &["-r", "exit(function_exists('openssl_verify') ? 0 : 1);"],
        ),
        Lang::Java => works("java", &["-version"]),
        Lang::Go => works("go", &["version"]),
        Lang::CSharp => false,
    }
}

/// The program that runs a snippet of `lang` from a file.
fn command(lang: Lang, file: &Path) -> Command {
    let (program, args): (&str, &[&str]) = match lang {
        Lang::Curl => ("sh", &[]),
        Lang::Python => ("python3", &[]),
        Lang::Node => ("node", &[]),
        Lang::Php => ("php", &[]),
        Lang::Java => ("java", &[]),
        Lang::Go => ("go", &["run"]),
        Lang::CSharp => unreachable!("C# is generated only"),
    };
    let mut cmd = Command::new(program);
    cmd.args(args).arg(file);
    if lang == Lang::Go {
        // One file, no module: GOPATH mode needs no go.mod.
        cmd.env("GO111MODULE", "off");
    }
    cmd
}

fn run_snippet(dir: &Path, name: &str, snippet: &Snippet) -> String {
    let dir: PathBuf = dir.join(name);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(snippet.lang.verify_file_name());
    std::fs::write(&path, &snippet.code).expect("write the snippet");
    let out = command(snippet.lang, &path)
        .current_dir(&dir)
        .output()
        .expect("the interpreter runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{:?} {name}: exit {:?}\n{stdout}\n{}\n--- code:\n{}",
        snippet.lang,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        snippet.code
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_snippet_verifies_a_real_delivery_and_refuses_tampering() {
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let d = paid_delivery(&sb).await;
    // The body says "paid"; the signature covers "PAID".
    assert_eq!(d.body_status, "paid");
    let upper = d.body_status.to_ascii_uppercase();
    assert_eq!(
        signed_string(&d.purchase_id, &d.body_status, &d.brand_id),
        format!("{}|PAID|{}", d.purchase_id, d.brand_id)
    );
    let mut tampered_id = d.purchase_id.clone();
    let last = if tampered_id.ends_with('0') { "1" } else { "0" };
    tampered_id.pop();
    tampered_id.push_str(last);

    let cases = [
        (
            "genuine",
            snippets(
                &d.purchase_id,
                &upper,
                &d.brand_id,
                &d.signature,
                &sb.public_key_pem,
            ),
            "valid",
        ),
        (
            "tampered-id",
            snippets(
                &tampered_id,
                &upper,
                &d.brand_id,
                &d.signature,
                &sb.public_key_pem,
            ),
            "invalid",
        ),
        (
            "lower-status",
            snippets(
                &d.purchase_id,
                &d.body_status,
                &d.brand_id,
                &d.signature,
                &sb.public_key_pem,
            ),
            "invalid",
        ),
    ];
    let dir = std::env::temp_dir().join(format!("pse-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let mut ran = Vec::new();
    for lang in Lang::ALL {
        if lang == Lang::CSharp {
            // Generated only; its text is checked in `tests/codegen.rs`'s way.
            let code = &cases[0].1.iter().find(|s| s.lang == lang).expect("C#").code;
            assert!(code.is_ascii() && code.contains("RSASignaturePadding.Pkcs1"));
            continue;
        }
        if !available(lang) {
            let msg = format!(
                "NOTICE: skipping the {} webhook snippet: its interpreter (or what it needs) is not installed",
                lang.label()
            );
            assert!(!ci, "{msg} (CI=true: .ci/run installs it)");
            eprintln!("{msg}");
            continue;
        }
        for (case, all, expected) in &cases {
            let snippet = all.iter().find(|s| s.lang == lang).expect("every language");
            let printed = run_snippet(&dir, &format!("{}-{case}", lang.name()), snippet);
            assert_eq!(
                printed,
                format!("{expected}\n"),
                "{lang:?} {case}:\n{}",
                snippet.code
            );
        }
        ran.push(lang.name());
    }
    eprintln!("webhook snippets run: {ran:?}");
    let _ = std::fs::remove_dir_all(&dir);
    sb.shutdown().await;
}
