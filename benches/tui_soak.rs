//! Soak of the explorer's `update()` loop: 10,000 scripted flows (create, pay, 3DS in the
//! terminal, poll, webhook, new purchase) into an app whose history pane starts at
//! 100,000 entries. Memory must stay bounded (the in-memory history is capped; older rows
//! stay on disk). Prints resident memory along the way.
//!
//! `cargo bench --bench tui_soak` (options after `--`: `--flows N`).

mod common;

use std::time::Instant;

use paysecure_explorer::tui::fixture;
use paysecure_explorer::tui::history::DETACHED_MEMORY_ROWS;
use paysecure_explorer::tui::views;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

fn main() {
    let flows = common::arg("--flows", 10_000) as u64;
    let mut app = fixture::with_history(120, 40, 100_000);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let start_rss = rss_mib();
    println!(
        "start: history {} rows, RSS {start_rss:.1} MiB",
        app.history.total()
    );
    let started = Instant::now();
    let mut peak = start_rss;
    for n in 0..flows {
        fixture::scripted_flow(&mut app, n);
        if n % 100 == 0 {
            // Draw now and then, as the loop does after each message.
            terminal.draw(|f| views::draw(f, &app)).expect("draw");
        }
        if n % 1000 == 999 {
            let rss = rss_mib();
            peak = peak.max(rss);
            println!(
                "after {:>6} flows: history {} rows in memory, RSS {rss:.1} MiB",
                n + 1,
                app.history.total()
            );
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{flows} flows in {elapsed:.2} s ({:.0} µs per flow); history capped at {} (+10%): {} rows; RSS start {start_rss:.1} MiB, peak {peak:.1} MiB",
        elapsed * 1e6 / flows as f64,
        DETACHED_MEMORY_ROWS,
        app.history.total()
    );
    assert!(app.history.total() <= DETACHED_MEMORY_ROWS + DETACHED_MEMORY_ROWS / 10);
    assert!(app.requests.is_empty(), "every request ended");
}
