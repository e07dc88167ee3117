//! Frame render time with 100,000 history entries, and start-up to first frame
//! (embedded sandbox + app + first draw), both into ratatui's TestBackend. The real
//! binary's first frame in a terminal is measured by `benches/rss_history.rs`.
//!
//! `cargo bench --bench tui_render`

mod common;
mod history_seed;
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

/// The exchange detail open on a response of about `kib` KiB of JSON: a frame, and a
/// cursor step (`update`, which lays the document out to keep the cursor on screen).
fn detail(kib: usize, n: usize) {
    use paysecure_explorer::tui::app::{Msg, Overlay};
    use paysecure_explorer::tui::update::update;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = fixture::app(120, 40);
    let item = r#"{"id":"64bfdb7df63e36669499e82f","status":"PAID","url":"http://127.0.0.1:41873/api/v1/purchases/64bfdb7df63e36669499e82f/"}"#;
    let items = vec![item; kib * 1024 / item.len()].join(",");
    app.history.push(fixture::exchange(
        "GET",
        "/big/",
        200,
        0,
        &format!("[{items}]"),
    ));
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let (mut draws, mut keys) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let code = if i % 200 < 100 {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        let started = Instant::now();
        update(&mut app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        keys.push(started.elapsed().as_secs_f64() * 1e3);
        let started = Instant::now();
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        draws.push(started.elapsed().as_secs_f64() * 1e3);
    }
    for (what, times) in [("frame", &mut draws), ("key", &mut keys)] {
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "exchange detail, {kib} KiB JSON body, {what}: p50 {:.2} ms, p99 {:.2} ms over {n}",
            pct(times, 0.5),
            pct(times, 0.99)
        );
    }
}

/// The history filter typed live, one key at a time, over 100,000 rows that carry a
/// realistic S2S record (about 1.6 KB of response body each): time per keystroke.
fn live_filter(typed: &str) {
    use paysecure_explorer::api::{Exchange, ExchangeKind};
    use paysecure_explorer::tui::history::History;
    let mut history = History::default();
    for n in 0..100_000usize {
        let response = format!(
            r#"{{"purchaseId":"64bfdb7df63e36669499{n:04x}","status":"PAID","client":{{"email":"buyer@example.com","full_name":"Test Buyer","city":"Berlin","country":"DE"}},"transaction_data":{{"extra":{{"masked_pan":"444433******1111"}}}},"padding":"{}"}}"#,
            "x".repeat(1300)
        );
        history.push(Exchange {
            status: Some(200),
            request_body: Some(r#"{"card_number":"444433******1111"}"#.into()),
            response_body: Some(response),
            ..Exchange::new(
                ExchangeKind::Api,
                "GET",
                &format!("http://127.0.0.1:1/api/v1/purchases/64bfdb7df63e36669499{n:04x}/"),
                1_795_502_994_000 + n as i64,
            )
        });
    }
    let mut times = Vec::new();
    for end in 1..=typed.len() {
        let started = Instant::now();
        history.set_filter(&typed[..end]);
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let shown = history.len();
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "live filter typing \"{typed}\" over 100,000 rows (1.6 KB bodies): p50 {:.1} ms, max {:.1} ms per keystroke; {shown} rows match",
        pct(&times, 0.5),
        times[times.len() - 1]
    );
}

/// The pane over 1,000,000 earlier rows in `history.sqlite3`: attaching them and the
/// first frame, frames while scrolling (each reads its window from the database), and
/// the `/` filter's first screen of results for several needles, typed whole and key by
/// key.
fn database_history(rows: usize) {
    use paysecure_explorer::history::db::query::Reader;
    use paysecure_explorer::tui::history_archive::Archive;
    let dir = history_seed::seeded(rows);
    // What the explorer does before its first frame: open the history for writing (the
    // integrity check within its budget, the limits, the import check).
    let mut opens = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let (sink, opened) = paysecure_explorer::history::sink::Sink::open(
            &dir,
            &paysecure_explorer::config::HistoryConfig {
                max_rows: Some(2_000_000),
                max_db_bytes: Some(8_000_000_000),
                ..Default::default()
            },
        );
        opens.push(started.elapsed().as_secs_f64() * 1e3);
        assert!(sink.last_error().is_none() && opened.warnings().is_empty());
    }
    opens.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{rows} rows in history.sqlite3: opened for writing before the first frame in p50 {:.2} ms, max {:.2} ms over 20 opens",
        pct(&opens, 0.5),
        opens[opens.len() - 1]
    );
    let mut app = fixture::app(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let started = Instant::now();
    let reader = Reader::open(&dir).expect("reader").expect("rows");
    let archive = Archive::open(reader).expect("archive");
    app.history.attach(archive);
    app.history.prepare(40, None);
    terminal.draw(|f| views::draw(f, &app)).expect("draw");
    println!(
        "{rows} rows in history.sqlite3: attached and first frame in {:.2} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut times = Vec::new();
    for i in 0..2000 {
        let started = Instant::now();
        // Page steps through the whole history and back, as PgDn/PgUp held down would.
        app.history
            .move_by(if i % 200 < 100 { 997 } else { -997 }, 30);
        app.history.prepare(30, None);
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  scrolling (read window + draw): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over 2000 frames",
        pct(&times, 0.5),
        pct(&times, 0.99),
        times[times.len() - 1]
    );
    for needle in [
        "buyer@example",
        "purchases/64bfdb7df63e3666949f423f",
        "64bfdb7df63e36669490000a",
        "webhook",
        "paid",
        "no such text",
        "zq",
    ] {
        let started = Instant::now();
        app.history.set_filter(needle);
        app.history.prepare(30, None);
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let first = app
            .history
            .newest(0)
            .map_or("none".to_string(), |e| e.path().to_string());
        println!(
            "  filter {needle:?}: first screen in {ms:.1} ms ({} found so far{}; newest {first})",
            app.history.len(),
            if app.history.len() >= 30 {
                ", more as it scrolls"
            } else {
                ""
            }
        );
    }
    let typed = "64bfdb7df63e3666949";
    let mut times = Vec::new();
    for end in 1..=typed.len() {
        let started = Instant::now();
        app.history.set_filter(&typed[..end]);
        app.history.prepare(30, None);
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  filter typed key by key \"{typed}\": p50 {:.1} ms, max {:.1} ms per keystroke (first screen)",
        pct(&times, 0.5),
        times[times.len() - 1]
    );
}

/// The flow map open on a pending purchase under 100,000 newer rows of other purchases
/// (creates with about 1.6 KB of body each, the worst case: the map reads back its
/// bounded 5,000 rows without meeting the purchase's own create): time per frame.
fn flow_map(w: u16, h: u16, n: usize) {
    let mut app = fixture::pending(w, h);
    for i in 0..100_000usize {
        let body = format!(
            r#"{{"purchaseId":"6b0e546be8889989b4{i:06x}","status":"CREATED","padding":"{}"}}"#,
            "x".repeat(1550)
        );
        app.history.push(fixture::exchange(
            "POST",
            "/purchases/",
            202,
            i as i64,
            &body,
        ));
    }
    app = fixture::with_flow_map(app);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "flow map {w}x{h} over 100,000 newer rows of other purchases: p50 {:.2} ms, p99 {:.2} ms over {n} frames",
        pct(&times, 0.5),
        pct(&times, 0.99)
    );
}

fn main() {
    flow_map(120, 40, 300);
    flow_map(80, 24, 300);
    database_history(1_000_000);
    live_filter("webhook");
    live_filter("buyer@example");
    detail(4, 200);
    detail(256, 50);
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
