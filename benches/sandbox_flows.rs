//! Sandbox throughput and latency on loopback: full flows per second (create → S2S →
//! callback completion) and p50/p99 per call, plus sandbox start-up time.
//!
//! `cargo bench --bench sandbox_flows` (options after `--`: `--flows N`, `--concurrency N`).
//! Client and sandbox share the process and the machine's cores, as in the explorer.

mod common;
use common::{arg, pct};

use std::sync::Arc;
use std::time::{Duration, Instant};

use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::sandbox::{self, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    /// 2D card, no callbacks: create, S2S, frictionless callback (3 calls).
    Frictionless,
    /// 2D card with signed webhooks to the merchant stub (3 calls + 1 webhook).
    FrictionlessWebhook,
    /// 3D card: create, S2S, challenge page, OTP post (4 calls) + webhook.
    Challenge,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Frictionless => "2D frictionless, no webhook",
            Variant::FrictionlessWebhook => "2D frictionless + signed webhook",
            Variant::Challenge => "3D challenge (OTP) + signed webhook",
        }
    }
}

struct Timings {
    create: Vec<f64>,
    s2s: Vec<f64>,
    callback: Vec<f64>,
}

async fn one_flow(
    client: &reqwest::Client,
    sb: &SandboxHandle,
    body: &Value,
    card: &Value,
    variant: Variant,
    t: &mut Timings,
) {
    let started = Instant::now();
    let resp = client
        .post(format!("{}/purchases/", sb.base_url))
        .bearer_auth(&sb.api_key)
        .json(body)
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status(), 202);
    let purchase: Value = resp.json().await.expect("json");
    t.create.push(started.elapsed().as_secs_f64() * 1e3);
    let id = purchase["purchaseId"].as_str().expect("id");
    let started = Instant::now();
    let resp = client
        .post(format!("{}/p/{id}/?s2s=true", sb.base_url))
        .bearer_auth(&sb.api_key)
        .json(card)
        .send()
        .await
        .expect("s2s");
    assert_eq!(resp.status(), 202);
    let pending: Value = resp.json().await.expect("json");
    t.s2s.push(started.elapsed().as_secs_f64() * 1e3);
    let callback = pending["callback_url"].as_str().expect("callback");
    let started = Instant::now();
    let resp = client.get(callback).send().await.expect("callback");
    match variant {
        Variant::Challenge => {
            assert_eq!(resp.status(), 200);
            let _ = resp.bytes().await;
            let resp = client
                .post(callback)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("otp=123456&action=submit")
                .send()
                .await
                .expect("otp");
            assert_eq!(resp.status(), 302);
        }
        _ => assert_eq!(resp.status(), 302),
    }
    t.callback.push(started.elapsed().as_secs_f64() * 1e3);
}

async fn run(variant: Variant, flows: usize, concurrency: usize) {
    let sb = Arc::new(
        sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox"),
    );
    let urls = MerchantUrls {
        success_redirect: sb.merchant_return_url("success"),
        failure_redirect: sb.merchant_return_url("failure"),
        pending_redirect: None,
        success_callback: (variant != Variant::Frictionless).then(|| sb.merchant_webhook_url()),
        failure_callback: None,
    };
    let mut body = serde_json::to_value(default_purchase(&sb.brand_id, &urls)).expect("json");
    body.as_object_mut().map(|m| m.remove("merchantRef"));
    let mut card = serde_json::to_value(seed_payment()).expect("json");
    if variant != Variant::Challenge {
        card["card_number"] = json!("4079722589318630");
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let per_worker = flows / concurrency;
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, sb, body, card) = (client.clone(), sb.clone(), body.clone(), card.clone());
        set.spawn(async move {
            let mut t = Timings {
                create: Vec::new(),
                s2s: Vec::new(),
                callback: Vec::new(),
            };
            for _ in 0..per_worker {
                one_flow(&client, &sb, &body, &card, variant, &mut t).await;
            }
            t
        });
    }
    let mut all = Timings {
        create: Vec::new(),
        s2s: Vec::new(),
        callback: Vec::new(),
    };
    while let Some(t) = set.join_next().await {
        let t = t.expect("worker");
        all.create.extend(t.create);
        all.s2s.extend(t.s2s);
        all.callback.extend(t.callback);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let done = per_worker * concurrency;
    if variant != Variant::Frictionless {
        // Every paid flow must have produced a webhook the merchant stub verified (it
        // answers 200 only to a valid signature) before we call it done.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let log: Vec<Value> = client
                .get(format!("{}/webhooks", sb.control_url))
                .send()
                .await
                .expect("log")
                .json()
                .await
                .expect("json");
            let verified = log.iter().filter(|d| d["response_status"] == 200).count();
            if verified >= done {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "webhooks missing: {verified} of {done}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    println!(
        "\n{} — {done} flows, {concurrency} concurrent clients",
        variant.name()
    );
    println!("  full flows/s : {:.0}", done as f64 / elapsed);
    for (name, v) in [
        ("create", &mut all.create),
        ("s2s", &mut all.s2s),
        ("callback", &mut all.callback),
    ] {
        v.sort_by(|a, b| a.total_cmp(b));
        println!(
            "  {name:<9} p50 {:>7.3} ms   p99 {:>7.3} ms",
            pct(v, 0.5),
            pct(v, 0.99)
        );
    }
    sb.shutdown().await;
}

async fn startup() {
    let mut times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let sb = sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox");
        times.push(started.elapsed().as_secs_f64() * 1e3);
        sb.shutdown().await;
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "sandbox start-up (bind + signing key + router), 20 starts: p50 {:.3} ms, max {:.3} ms",
        pct(&times, 0.5),
        times[times.len() - 1]
    );
}

/// Cost of one webhook signature (RSA-2048, PKCS#1 v1.5, SHA-256) and one verification.
fn signing() {
    use paysecure_explorer::paysecure::webhook_signature::signed_string;
    use paysecure_explorer::sandbox::signing::{Signer, Verifier};
    let signer = Signer::embedded().expect("key");
    let verifier = Verifier::from_pem(signer.public_key_pem()).expect("pem");
    let message = signed_string("64bfdb7df63e36669499e82f", "paid", "brd_1");
    let n = 500;
    let started = Instant::now();
    let mut sig = String::new();
    for _ in 0..n {
        sig = signer.sign(&message).expect("sign");
    }
    let sign_us = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    let started = Instant::now();
    for _ in 0..n {
        assert!(verifier.verify(&message, &sig));
    }
    let verify_us = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("webhook signature: sign {sign_us:.0} µs, verify {verify_us:.0} µs (one core)");
}

fn main() {
    let flows = arg("--flows", 20_000);
    let concurrency = arg("--concurrency", 32).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        println!(
            "machine: {} cores",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        startup().await;
        signing();
        for variant in [
            Variant::Frictionless,
            Variant::FrictionlessWebhook,
            Variant::Challenge,
        ] {
            run(variant, flows, concurrency).await;
        }
    });
}
