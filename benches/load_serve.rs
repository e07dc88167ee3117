//! Load test of `paysecure-explorer serve` on loopback, bounded in requests and time:
//! N purchases (default 100,000) through create + S2S + callback with 64 concurrent
//! clients; zero unexpected errors; then the control plane must account for every purchase
//! with a consistent final status (none lost, none paid twice).
//!
//! `cargo build --release && cargo bench --bench load_serve` (options after `--`:
//! `--purchases N`, `--concurrency N`). It stops by itself after at most 10 minutes.

mod common;
use common::arg;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(600);

fn main() {
    let purchases = arg("--purchases", 100_000);
    let concurrency = arg("--concurrency", 64).max(1);
    let bin = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/release/paysecure-explorer"
    );
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--json"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run `cargo build --release` first");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("facts");
    let facts: Value = serde_json::from_str(&line).expect("json");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = rt.block_on(drive(&facts, purchases, concurrency));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = outcome {
        eprintln!("LOAD TEST FAILED: {e}");
        std::process::exit(1);
    }
}

async fn drive(facts: &Value, purchases: usize, concurrency: usize) -> Result<(), String> {
    let base = facts["base_url"].as_str().ok_or("base_url")?.to_string();
    let key = facts["api_key"].as_str().ok_or("api_key")?.to_string();
    let brand = facts["brand_id"].as_str().ok_or("brand_id")?.to_string();
    let control = facts["control_url"]
        .as_str()
        .ok_or("control_url")?
        .to_string();
    let origin = base.trim_end_matches("/api/v1").to_string();
    let body = json!({
        "client": {"email": "load@example.com", "street_address": "1 Test St", "city": "Berlin", "zip_code": "10115", "country": "DE", "stateCode": "BE"},
        "purchase": {"currency": "EUR", "products": [{"name": "Load", "price": 1.0}]},
        "brand_id": brand,
        "success_redirect": format!("{origin}/merchant/return/success"),
        "failure_redirect": format!("{origin}/merchant/return/failure"),
    });
    let mut card = serde_json::to_value(paysecure_explorer::flow::presets::seed_payment())
        .map_err(|e| e.to_string())?;
    card["card_number"] = json!("4079722589318630");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|e| e.to_string())?;
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, next, errors, base, key, body, card) = (
            client.clone(),
            next.clone(),
            errors.clone(),
            base.clone(),
            key.clone(),
            body.clone(),
            card.clone(),
        );
        set.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < purchases && started.elapsed() < DEADLINE {
                if one(&client, &base, &key, &body, &card).await.is_err() {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while set.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();
    let stats: Value = client
        .get(format!("{control}/stats"))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let errors = errors.load(Ordering::Relaxed);
    println!("{purchases} purchases, {concurrency} concurrent clients, separate `serve` process");
    println!(
        "  wall {elapsed:.1} s, {:.0} full flows/s, unexpected errors {errors}",
        purchases as f64 / elapsed
    );
    println!("  control plane: {stats}");
    let paid = stats["by_status"]["PAID"].as_u64().unwrap_or(0) as usize;
    if errors != 0
        || stats["purchases"] != json!(purchases)
        || paid != purchases
        || stats["double_paid"] != json!(0)
    {
        return Err("the control plane does not account for every purchase as paid once".into());
    }
    println!("  OK: every purchase accounted for, all PAID exactly once");
    Ok(())
}

async fn one(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    body: &Value,
    card: &Value,
) -> Result<(), String> {
    let r = client
        .post(format!("{base}/purchases/"))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status() != 202 {
        return Err(format!("create {}", r.status()));
    }
    let p: Value = r.json().await.map_err(|e| e.to_string())?;
    let id = p["purchaseId"].as_str().ok_or("id")?;
    let r = client
        .post(format!("{base}/p/{id}/?s2s=true"))
        .bearer_auth(key)
        .json(card)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status() != 202 {
        return Err(format!("s2s {}", r.status()));
    }
    let pending: Value = r.json().await.map_err(|e| e.to_string())?;
    let callback = pending["callback_url"].as_str().ok_or("callback")?;
    let r = client
        .get(callback)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status() != 302 {
        return Err(format!("callback {}", r.status()));
    }
    Ok(())
}
