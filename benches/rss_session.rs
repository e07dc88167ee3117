//! A long explorer session, in process: 200,000 exchanges (1.6 KB responses) appended
//! through the history sink as the recorder does, each handed to the history pane with
//! the row it was stored as, then the pane scrolled to the oldest row, back, and
//! filtered. Prints the process's resident memory along the way, the rows the pane keeps
//! in memory and whether every row stays reachable.
//!
//! `cargo bench --bench rss_session` (the pane's cap: `PSE_SESSION_CAP=N`, default the
//! explorer's 5,000; `PSE_SESSION_ROWS=N`, default 200,000).

use std::time::Instant;

use paysecure_explorer::config::HistoryConfig;
use paysecure_explorer::history::db::query::Reader;
use paysecure_explorer::history::sink::Sink;
use paysecure_explorer::tui::history::{DEFAULT_MEMORY_ROWS, History};
use paysecure_explorer::tui::history_archive::Archive;

// Only its realistic exchange is used here (not the seeded database).
#[allow(dead_code)]
mod history_seed;

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let cap = env_usize("PSE_SESSION_CAP", DEFAULT_MEMORY_ROWS);
    let rows = env_usize("PSE_SESSION_ROWS", 200_000);
    let dir =
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-session"));
    let _ = std::fs::remove_dir_all(&dir);
    let config = HistoryConfig::default();
    let (sink, _) = Sink::open(&dir, &config);
    let height = 38;
    let mut pane = History::with_cap(cap);
    // As the explorer does after its first frame: the (empty) database attached below.
    let reader = Reader::open(&dir).expect("reader").expect("database");
    pane.attach(Archive::open(reader).expect("archive"));
    println!("cap {cap}, start: RSS {:.1} MiB", rss_mib());
    let started = Instant::now();
    for n in 0..rows {
        let exchange = history_seed::exchange(n);
        let (_, seq) = sink.append_stored(&exchange);
        pane.push_stored(exchange, seq);
        // A frame now and then, as the UI draws.
        if n % 100 == 0 {
            pane.prepare(height, None);
        }
        if (n + 1) % 50_000 == 0 {
            println!(
                "{:>7} exchanges: RSS {:.1} MiB, {} rows in memory, {} shown ({:.1} s)",
                n + 1,
                rss_mib(),
                pane.in_memory(),
                pane.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    assert_eq!(pane.len(), rows, "every row shown");
    pane.to_oldest(height);
    pane.prepare(height, None);
    let oldest = pane.selected_entry().map(|e| e.url.clone());
    assert_eq!(
        oldest,
        Some(history_seed::exchange(0).url),
        "the first row reachable"
    );
    // Scroll back up in page steps, reading each window.
    let scroll = Instant::now();
    let mut steps = 0;
    while pane.selected > 0 {
        pane.move_by(-(height as isize), height);
        pane.prepare(height, None);
        steps += 1;
    }
    let per_page = scroll.elapsed().as_secs_f64() * 1e3 / steps as f64;
    println!(
        "after End and {steps} pages back up ({per_page:.2} ms a page): RSS {:.1} MiB",
        rss_mib()
    );
    pane.set_filter("64bfdb7df63e36669490000a");
    pane.prepare(height, None);
    let found = pane.len();
    pane.set_filter("");
    println!(
        "after a filter ({found} match): RSS {:.1} MiB, {} rows in memory",
        rss_mib(),
        pane.in_memory()
    );
    // A two-character filter that matches nothing: no index, each search step reads
    // 5,000 rows. Redraws that are not a scroll (spinner ticks, webhooks) must not pay it.
    let typed = Instant::now();
    pane.set_filter("zq");
    pane.prepare(height, None);
    let typed_ms = typed.elapsed().as_secs_f64() * 1e3;
    let ticks = Instant::now();
    for _ in 0..100 {
        pane.prepare(height, None);
    }
    let tick_ms = ticks.elapsed().as_secs_f64() * 1e3 / 100.0;
    let scrolls = Instant::now();
    for _ in 0..10 {
        pane.move_by(1, height);
        pane.prepare(height, None);
    }
    let scroll_ms = scrolls.elapsed().as_secs_f64() * 1e3 / 10.0;
    println!(
        "filter \"zq\" (no match): typed {typed_ms:.1} ms, a redraw without scrolling {tick_ms:.3} ms, a scroll down {scroll_ms:.1} ms (one search step), {} search steps in all",
        pane.archive_scan_steps()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
