//! Create-purchase speed against the floor, in one run: an nginx 1-worker fixed 202 and a
//! release `serve` (fresh temporary state), both loaded by `wrk -t2 -c32` with
//! `benches/wrk/create_purchase.lua`; prints both rates, the ratio (target ≥ 0.40) and
//! the sandbox's p99 (target ≤ 5 ms).
//!
//! `cargo build --release && cargo bench --bench speed_create` (`-- --secs N`, default 10
//! per run; three runs: floor, sandbox, floor). Needs nginx (`apt-get install nginx-light`)
//! and wrk (`apt-get install wrk`). Under a minute.

mod common;
mod speed;

use common::arg;
use speed::{Nginx, Serve, load_average, ratio, verdict, wrk};

fn main() {
    let secs = arg("--secs", 10) as u64;
    let conns = arg("--connections", 32) as u32;
    println!(
        "speed_create: wrk -t2 -c{conns}, {secs} s per run, {} cores, load average {} at start",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );
    let nginx = Nginx::start();
    let serve = Serve::start(&[]);
    // Warm-up: connections, caches, the first pages of the state file.
    let _ = wrk(&serve.url(), "create_purchase.lua", 2, conns, &[]);
    let floor_a = wrk(&nginx.url(), "create_purchase.lua", secs, conns, &[]);
    let sandbox = wrk(&serve.url(), "create_purchase.lua", secs, conns, &[]);
    let floor_b = wrk(&nginx.url(), "create_purchase.lua", secs, conns, &[]);
    let floor = (floor_a.rps + floor_b.rps) / 2.0;
    let r = ratio(sandbox.rps, floor);
    println!(
        "floor (nginx, fixed 202): {:.0} req/s, {:.0} req/s (p99 {:.2} ms)",
        floor_a.rps, floor_b.rps, floor_a.p99_ms
    );
    println!(
        "sandbox create: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, non-2xx {}",
        sandbox.rps, sandbox.p50_ms, sandbox.p99_ms, sandbox.non_2xx
    );
    println!(
        "ratio to floor: {r:.3} (target >= 0.40: {}); p99 target <= 5 ms: {}",
        verdict(r >= 0.40),
        verdict(sandbox.p99_ms <= 5.0)
    );
    println!(
        "serve RSS after {} purchases: {:.1} MiB; load average at end {}",
        sandbox.requests,
        serve.rss_mib(),
        load_average()
    );
    if sandbox.non_2xx > 0 {
        speed::fail("the sandbox answered some creates with an error");
    }
}
