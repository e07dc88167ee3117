//! Frame render time with 100,000 history entries, and start-up to first frame
//! (embedded sandbox + app + first draw), both into ratatui's TestBackend. The real
//! binary's first frame in a terminal is measured by `benches/rss_history.rs`.
//!
//! `cargo bench --bench tui_render`

mod common;
use common::pct;

use std::time::Instant;

use paysecure_explorer::flow::target::Target;
use paysecure_explorer::tui::app::{App, Endpoint};
use paysecure_explorer::tui::{fixture, theme, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn frames(label: &str, mut app: App, n: usize) {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        // Move the selection every frame so each frame differs, as when scrolling.
        app.history.move_by(if i % 200 < 100 { 1 } else { -1 }, 30);
        let started = Instant::now();
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        times.push(started.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{label}: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs over {n} frames",
        pct(&times, 0.5),
        pct(&times, 0.99),
        times[n - 1]
    );
}

fn main() {
    for (w, h) in [(120u16, 40u16), (80, 24)] {
        frames(
            &format!("frame {w}x{h}, 10 history rows"),
            fixture::with_history(w, h, 10),
            2000,
        );
        frames(
            &format!("frame {w}x{h}, 100,000 history rows"),
            fixture::with_history(w, h, 100_000),
            2000,
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut times = Vec::new();
    for _ in 0..30 {
        let started = Instant::now();
        let first = rt.block_on(async {
            let target = Target::embedded().await.expect("sandbox");
            let app = App::new(
                Endpoint {
                    base_url: target.base_url.clone(),
                    embedded: true,
                    local: true,
                    banner: target.banner(),
                },
                &target.brand_id,
                target.default_urls(),
                theme::default_theme(),
                theme::names(None),
            );
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
            terminal.draw(|f| views::draw(f, &app)).expect("draw");
            let elapsed = started.elapsed().as_secs_f64() * 1e3;
            if let Some(s) = &target.sandbox {
                s.shutdown().await;
            }
            elapsed
        });
        times.push(first);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "start-up to first frame (sandbox + app + draw, in-process): p50 {:.2} ms, max {:.2} ms over 30 starts",
        pct(&times, 0.5),
        times[times.len() - 1]
    );
}
