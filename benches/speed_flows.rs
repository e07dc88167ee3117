//! Full flows against the machine's limits, in one run: create → S2S (2D card) → callback
//! with `wrk` and `benches/wrk/full_flow.lua` (target ≥ 10,000 flows/s), the same with a
//! signed webhook to the sandbox's merchant stub for every flow, against what RSA-2048
//! signing allows on this machine (cores ÷ one signature's time, measured here; target
//! ≥ 0.75), and the nginx 1-worker fixed-202 floor for scale.
//!
//! `cargo build --release && cargo bench --bench speed_flows` (`-- --secs N`, default 10).
//! Needs nginx (`apt-get install nginx-light`) and wrk. Under two minutes.

mod common;
mod speed;

use std::time::{Duration, Instant};

use common::arg;
use paysecure_explorer::flow::presets::seed_payment;
use paysecure_explorer::paysecure::webhook_signature::signed_string;
use paysecure_explorer::sandbox::signing::Signer;
use serde_json::{Value, json};
use speed::{Nginx, Serve, Wrk, fail, http, load_average, ratio, verdict, wrk};

fn main() {
    let secs = arg("--secs", 10) as u64;
    let conns = arg("--connections", 32) as u32;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "speed_flows: wrk -t2 -c{conns}, {secs} s per run, {cores} cores, load average {} at start",
        load_average()
    );
    let sign_us = sign_time_us();
    let sign_limit = cores as f64 * 1e6 / sign_us;
    println!(
        "RSA-2048 signature: {sign_us:.0} µs on one core → at most {sign_limit:.0} signed webhooks/s on {cores} cores"
    );
    // The same limit measured rather than multiplied: every core signing at once (what
    // the cores share, caches and clock, shows here).
    println!(
        "RSA-2048 signatures with {cores} threads at once: {:.0} /s",
        parallel_sign_rate(cores)
    );
    let mut card = serde_json::to_value(seed_payment()).unwrap_or_else(|e| fail(&e.to_string()));
    card["card_number"] = json!("4079722589318630");
    let s2s_body = card.to_string();

    let nginx = Nginx::start();
    let floor = wrk(&nginx.url(), "create_purchase.lua", secs, conns, &[]);
    println!("floor (nginx, fixed 202): {:.0} req/s", floor.rps);

    let plain = Serve::start(&[]);
    let (flows, run) = run_flows(&plain, false, &s2s_body, secs, conns);
    let per_s = flows as f64 / secs as f64;
    println!(
        "full flows (create → S2S → callback): {per_s:.0} /s ({flows} in {secs} s, {:.0} requests/s = {:.3} of the floor; p99 per request {:.2} ms) (target >= 10,000/s: {})",
        run.rps,
        ratio(run.rps, floor.rps),
        run.p99_ms,
        verdict(per_s >= 10_000.0)
    );
    drop(plain);

    let signed = Serve::start(&[]);
    let started = Instant::now();
    let (flows, run) = run_flows(&signed, true, &s2s_body, secs, conns);
    // Deliveries run after the callback answered: wait until they are all logged.
    let delivered = drain(&signed, flows);
    let elapsed = started.elapsed().as_secs_f64();
    let per_s = delivered as f64 / elapsed;
    let r = ratio(per_s, sign_limit);
    println!(
        "flows with a signed webhook: {per_s:.0} /s ({delivered} webhooks verified 2xx of {flows} flows, in {elapsed:.1} s including the deliveries' drain; p99 per request {:.2} ms) = {r:.3} of the signing limit (target >= 0.75: {})",
        run.p99_ms,
        verdict(r >= 0.75)
    );
    println!(
        "serve RSS after the signed run: {:.1} MiB; load average at end {}",
        signed.rss_mib(),
        load_average()
    );
}

/// Runs full flows for `secs`; returns completed flows and the wrk figures.
/// The signed run has no warm-up: every webhook it counts is one of its own flows.
fn run_flows(serve: &Serve, webhook: bool, s2s_body: &str, secs: u64, conns: u32) -> (u64, Wrk) {
    let create = speed::create_body(serve.port, webhook);
    let key = serve.facts["api_key"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let env = [
        ("CREATE_BODY", create.as_str()),
        ("S2S_BODY", s2s_body),
        ("KEY", key.as_str()),
    ];
    if !webhook {
        let _ = wrk(&serve.url(), "full_flow.lua", 2, conns, &env);
    }
    let run = wrk(&serve.url(), "full_flow.lua", secs, conns, &env);
    let mut words = run.script_out.split_whitespace();
    let (done, errors) = match (words.nth(1), words.nth(1)) {
        (Some(f), Some(e)) => (f.parse().unwrap_or(0), e.parse::<u64>().unwrap_or(0)),
        _ => fail(&format!(
            "full_flow.lua printed no count: {:?}",
            run.script_out
        )),
    };
    if errors > 0 {
        fail(&format!("{errors} unexpected answers during the flows"));
    }
    (done, run)
}

/// Waits (at most 60 s) until the sandbox has logged `at_least` more deliveries or their
/// number stops growing; returns those answered 2xx by the merchant stub (it verifies
/// each signature and answers 401 to a bad one).
fn drain(serve: &Serve, at_least: u64) -> u64 {
    let read = || -> (u64, u64) {
        http(serve.port, "GET", "/_sandbox/stats", "")
            .and_then(|(_, b)| serde_json::from_str::<Value>(&b).ok())
            .map_or((0, 0), |s| {
                (
                    s["webhooks"]["total"].as_u64().unwrap_or(0),
                    s["webhooks"]["delivered_2xx"].as_u64().unwrap_or(0),
                )
            })
    };
    let started = Instant::now();
    let mut last = (u64::MAX, 0);
    while started.elapsed() < Duration::from_secs(60) {
        let now = read();
        if now.0 >= at_least || now == last {
            return now.1;
        }
        last = now;
        std::thread::sleep(Duration::from_millis(200));
    }
    read().1
}

/// Signatures per second with `threads` threads signing at once (300 each).
fn parallel_sign_rate(threads: usize) -> f64 {
    let signer = std::sync::Arc::new(
        Signer::embedded().unwrap_or_else(|e| fail(&format!("signing key: {e:?}"))),
    );
    let message = signed_string("64bfdb7df63e36669499e82f", "paid", "brd_sandbox_explorer");
    let n = 300;
    let started = Instant::now();
    let signing: Vec<_> = (0..threads)
        .map(|_| {
            let (signer, message) = (std::sync::Arc::clone(&signer), message.clone());
            std::thread::spawn(move || (0..n).all(|_| signer.sign(&message).is_ok()))
        })
        .collect();
    for thread in signing {
        if !thread.join().unwrap_or(false) {
            fail("signing failed");
        }
    }
    (threads * n) as f64 / started.elapsed().as_secs_f64()
}

/// One RSA-2048 PKCS#1 v1.5 SHA-256 signature of a webhook's signed string, in µs.
fn sign_time_us() -> f64 {
    let signer = Signer::embedded().unwrap_or_else(|e| fail(&format!("signing key: {e:?}")));
    let message = signed_string("64bfdb7df63e36669499e82f", "paid", "brd_sandbox_explorer");
    let _ = signer.sign(&message);
    let n = 300;
    let started = Instant::now();
    for _ in 0..n {
        if signer.sign(&message).is_err() {
            fail("signing failed");
        }
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}
