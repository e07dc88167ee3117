//! A history database of N realistic rows for the benches, seeded once (one transaction,
//! prepared statements) under `target/bench-history/N` and reused while it holds N rows.

use std::path::PathBuf;
use std::time::Instant;

use paysecure_explorer::api::{Exchange, ExchangeKind};
use paysecure_explorer::history::db::query::Reader;
use paysecure_explorer::history::db::{DbLimits, HistoryDb};
use paysecure_explorer::history::record::Record;

/// `[history]` limits above any bench's row count.
pub const CONFIG: &str = "[history]\nmax_rows = 2000000\nmax_db_bytes = 8000000000\n";

/// A realistic record: an S2S call with a purchase-sized response (about 1.6 KB).
pub fn exchange(n: usize) -> Exchange {
    let response = format!(
        r#"{{"purchaseId":"64bfdb7df63e3666949{n:05x}","status":"PAID","client":{{"email":"buyer@example.com","full_name":"Test Buyer","street_address":"1 Test St","city":"Berlin","zip_code":"10115","country":"DE"}},"purchase":{{"currency":"EUR","products":[{{"name":"Order 1001","quantity":1,"price":20.0}}],"total":20.0}},"transaction_data":{{"extra":{{"masked_pan":"444433******1111","card_brand":"VISA"}},"attempts":[{{"type":"execute","successful":true}}]}},"status_history":[{{"status":"created","timestamp":1795502994}},{{"status":"pending_execute","timestamp":1795502995}},{{"status":"paid","timestamp":1795502996}}],"is_test":true,"refundable_amount":20.0,"errorMsg":"","errorCode":"NA","padding":"{}"}}"#,
        "x".repeat(600)
    );
    Exchange {
        request_headers: vec![("content-type".into(), "application/json".into())],
        request_body: Some(
            r#"{"card_number":"444433******1111","remote_ip":"157.38.242.7"}"#.into(),
        ),
        status: Some(200),
        response_body: Some(response),
        latency_ms: 1.0,
        ..Exchange::new(
            ExchangeKind::Api,
            "GET",
            &format!("http://127.0.0.1:1/api/v1/purchases/64bfdb7df63e3666949{n:05x}/"),
            1_795_502_994_000 + n as i64,
        )
    }
}

fn rows_in(dir: &std::path::Path) -> usize {
    Reader::open(dir)
        .ok()
        .flatten()
        .and_then(|r| r.bounds().ok().flatten())
        .map_or(0, |(lo, hi)| (hi - lo + 1) as usize)
}

/// The data dir (with `config/config.toml`) of a history of `rows` rows.
pub fn seeded(rows: usize) -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-history"))
        .join(rows.to_string());
    if rows_in(&dir) == rows && dir.join("config/config.toml").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config")).expect("dir");
    std::fs::write(dir.join("config/config.toml"), CONFIG).expect("config");
    let limits = DbLimits {
        max_rows: 2_000_000,
        max_bytes: 8_000_000_000,
        record_bytes: 1024 * 1024,
    };
    let started = Instant::now();
    let (mut db, _) = HistoryDb::open(&dir, limits).expect("db");
    let stored = db
        .insert_many((0..rows).map(|n| Record::new(n as u64 + 1, exchange(n))))
        .expect("seed");
    assert_eq!(stored, rows);
    drop(db);
    let size: u64 = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "seeded {rows} rows in {:.1} s ({:.0} MB on disk)",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    dir
}
