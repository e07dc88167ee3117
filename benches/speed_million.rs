//! The sandbox with 1,000,000 stored purchases, against the floor in the same run:
//! start-up to first answer with that state file (target ≤ 20 ms), create rate and p99
//! there, on a fresh state file and on a private store (target: the same p99, ≤ 5 ms,
//! flat), ratio to an nginx 1-worker fixed-202 floor, and `serve`'s resident memory
//! (target ≤ 64 MiB).
//!
//! The state file is seeded fast and bench-only: one purchase is created through the API
//! (a real record), then copied 999,999 times inside SQLite with new ids and merchant
//! references (one statement, one transaction), so the file has the rows, indexes and
//! size that a million creates would leave.
//!
//! `cargo build --release && cargo bench --bench speed_million` (`-- --secs N`, default
//! 10 per run; `--purchases N`, default 1,000,000; `--settle S`, default 0: seconds to wait
//! after `serve` starts on the big file before loading it, so the background integrity
//! check and the kernel's write-back of the seeded file are done). Needs nginx (`apt-get install
//! nginx-light`) and wrk. Bounded: seeding stops after 4 minutes; about 2–3 minutes in all.

mod common;
mod speed;

use std::time::{Duration, Instant};

use common::{arg, pct};
use speed::{Nginx, Serve, fail, first_answer_ms, http, load_average, ratio, verdict, wrk};

const SEED_LIMIT: Duration = Duration::from_secs(240);

fn main() {
    let secs = arg("--secs", 10) as u64;
    let purchases = arg("--purchases", 1_000_000).max(1);
    let settle = arg("--settle", 0) as u64;
    let conns = 32;
    println!(
        "speed_million: {purchases} purchases, wrk -t2 -c{conns}, {secs} s per run, {} cores, load average {} at start",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(&format!("temp dir: {e}")));
    let state = dir.path().join("state.sqlite3");
    let state_arg = state.to_string_lossy().to_string();
    seed(&state_arg, purchases);

    let mut starts: Vec<f64> = (0..5)
        .map(|_| first_answer_ms(&["--state", &state_arg]))
        .collect();
    starts.sort_by(f64::total_cmp);
    println!(
        "start-up to first answer with the {purchases}-purchase file, 5 starts: p50 {:.1} ms, max {:.1} ms (target <= 20 ms: {})",
        pct(&starts, 0.5),
        starts[starts.len() - 1],
        verdict(pct(&starts, 0.5) <= 20.0)
    );
    let mut fresh_starts: Vec<f64> = (0..5).map(|_| first_answer_ms(&[])).collect();
    fresh_starts.sort_by(f64::total_cmp);
    println!(
        "start-up to first answer without a state file: p50 {:.1} ms",
        pct(&fresh_starts, 0.5)
    );

    let nginx = Nginx::start();
    // The comparison the target asks for: a fresh state file against the 1M one (same
    // durability: a `--state` file's checkpoints fsync, a private store's do not).
    let fresh_arg = format!("{state_arg}.fresh");
    let _ = std::fs::remove_file(&fresh_arg);
    let fresh = Serve::start(&["--state", &fresh_arg]);
    let _ = wrk(&fresh.url(), "create_purchase.lua", 2, conns, &[]);
    let floor_a = wrk(&nginx.url(), "create_purchase.lua", secs, conns, &[]);
    let on_fresh = wrk(&fresh.url(), "create_purchase.lua", secs, conns, &[]);
    drop(fresh);
    let private = Serve::start(&[]);
    let _ = wrk(&private.url(), "create_purchase.lua", 2, conns, &[]);
    let on_private = wrk(&private.url(), "create_purchase.lua", secs, conns, &[]);
    drop(private);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{fresh_arg}{suffix}"));
    }

    let big = Serve::start(&["--state", &state_arg]);
    let rss_start = big.rss_mib();
    if settle > 0 {
        println!("waiting {settle} s before loading the 1M store (--settle)");
        std::thread::sleep(std::time::Duration::from_secs(settle));
    }
    let _ = wrk(&big.url(), "create_purchase.lua", 2, conns, &[]);
    let on_big = wrk(&big.url(), "create_purchase.lua", secs, conns, &[]);
    let floor_b = wrk(&nginx.url(), "create_purchase.lua", secs, conns, &[]);
    let rss_after = big.rss_mib();
    let floor = (floor_a.rps + floor_b.rps) / 2.0;
    println!(
        "floor (nginx, fixed 202): {:.0} req/s, {:.0} req/s",
        floor_a.rps, floor_b.rps
    );
    println!(
        "create, private store (no --state): {:.0} req/s (ratio {:.3}), p50 {:.2} ms, p99 {:.2} ms",
        on_private.rps,
        ratio(on_private.rps, floor),
        on_private.p50_ms,
        on_private.p99_ms
    );
    println!(
        "create, fresh state file: {:.0} req/s (ratio {:.3}), p50 {:.2} ms, p99 {:.2} ms",
        on_fresh.rps,
        ratio(on_fresh.rps, floor),
        on_fresh.p50_ms,
        on_fresh.p99_ms
    );
    println!(
        "create, {purchases} stored: {:.0} req/s (ratio {:.3}, target >= 0.40: {}), p50 {:.2} ms, p99 {:.2} ms (target <= 5 ms: {})",
        on_big.rps,
        ratio(on_big.rps, floor),
        verdict(ratio(on_big.rps, floor) >= 0.40),
        on_big.p50_ms,
        on_big.p99_ms,
        verdict(on_big.p99_ms <= 5.0)
    );
    println!(
        "serve RSS with the {purchases}-purchase file: {rss_start:.1} MiB at start, {rss_after:.1} MiB after {} more creates (target <= 64 MiB: {})",
        on_big.requests,
        verdict(rss_after <= 64.0)
    );
    println!("load average at end {}", load_average());
    if on_fresh.non_2xx + on_private.non_2xx + on_big.non_2xx > 0 {
        fail("the sandbox answered some creates with an error");
    }
}

/// Creates one purchase through `serve --state FILE`, then copies it inside SQLite until
/// the file holds `purchases`.
fn seed(state: &str, purchases: usize) {
    let started = Instant::now();
    let serve = Serve::start(&["--state", state, "--quiet"]);
    let body = speed::create_body(serve.port, false);
    match http(serve.port, "POST", "/api/v1/purchases/", &body) {
        Some((202, _)) => {}
        other => fail(&format!("seed purchase: {other:?}")),
    }
    serve.kill();
    let conn = rusqlite::Connection::open(state).unwrap_or_else(|e| fail(&format!("open: {e}")));
    let deadline = Instant::now() + SEED_LIMIT;
    conn.progress_handler(100_000, Some(move || Instant::now() > deadline))
        .unwrap_or_else(|e| fail(&format!("progress handler: {e}")));
    let copied = conn.execute_batch(&format!(
        "PRAGMA cache_size = -65536;
         BEGIN;
         WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {more})
         INSERT INTO purchases (seq, id, merchant_ref, status, created_on, updated_on,
             paid_count, body)
         SELECT t.seq + k.i, substr(t.id, 1, 16) || printf('%08x', k.i),
             substr(t.id, 1, 16) || printf('%08x', k.i), t.status, t.created_on,
             t.updated_on, t.paid_count,
             replace(t.body, t.id, substr(t.id, 1, 16) || printf('%08x', k.i))
         FROM k, (SELECT * FROM purchases WHERE seq = 1) AS t;
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);",
        more = purchases - 1
    ));
    if let Err(e) = copied {
        fail(&format!(
            "seeding stopped after {:.0} s: {e}",
            started.elapsed().as_secs_f64()
        ));
    }
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM purchases", [], |r| r.get(0))
        .unwrap_or(0);
    drop(conn);
    let size = std::fs::metadata(state).map_or(0, |m| m.len());
    println!(
        "seeded {n} purchases in {:.1} s; state file {:.0} MiB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1_048_576.0
    );
}
