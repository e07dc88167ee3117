use std::fs;
use std::path::PathBuf;

use super::query::Reader;
use super::*;
use crate::api::{Exchange, ExchangeKind};
use crate::history::record::matches_exchange;
use crate::history::store::{self, RotationLimits};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pse-histdb-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).expect("dir");
    d
}

fn ex(n: usize) -> Exchange {
    Exchange {
        status: Some(if n.is_multiple_of(2) { 200 } else { 422 }),
        response_body: Some(format!(r#"{{"n":{n},"code":"E{n:05}"}}"#)),
        ..Exchange::new(
            ExchangeKind::Api,
            "GET",
            &format!("http://h/item/{n}"),
            n as i64,
        )
    }
}

fn reader(dir: &std::path::Path) -> Reader {
    Reader::open(dir).expect("open").expect("there")
}

#[test]
fn appends_are_redacted_before_they_reach_the_file() {
    let dir = tmp("redact");
    let (mut db, note) = HistoryDb::open(&dir, DbLimits::default()).expect("open");
    assert!(note.is_none());
    let secret = Exchange {
        request_headers: vec![("Authorization".into(), "Bearer sk_live_secret".into())],
        request_body: Some(r#"{"card_number":"4444333322221111","cvc":"987"}"#.into()),
        ..Exchange::new(
            ExchangeKind::Api,
            "POST",
            "http://h/api/v1/p/64bfdb7df63e36669499e82f/?s2s=true",
            1,
        )
    };
    for _ in 0..50 {
        let (record, result) = db.append(secret.clone());
        result.expect("stored");
        assert_eq!(
            record.purchase_id.as_deref(),
            Some("64bfdb7df63e36669499e82f")
        );
    }
    drop(db);
    let mut bytes = Vec::new();
    for entry in fs::read_dir(&dir).expect("dir").filter_map(Result::ok) {
        bytes.extend(fs::read(entry.path()).expect("read"));
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("4444333322221111"),
        "full PAN in the DB files"
    );
    assert!(!text.contains("sk_live_secret"), "API key in the DB files");
    assert!(!text.contains("\"cvc\""), "CVC in the DB files");
    assert!(text.contains("444433"), "the masked card is there");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn rows_page_newest_first_and_records_read_on_demand() {
    let dir = tmp("page");
    let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("open");
    for n in 0..30 {
        db.append(ex(n)).1.expect("stored");
    }
    let r = reader(&dir);
    let (min, max) = r.bounds().expect("bounds").expect("rows");
    assert_eq!(max - min + 1, 30);
    let page = r.rows_below(max - 5, 3).expect("page");
    let urls: Vec<&str> = page.iter().map(|(_, e)| e.url.as_str()).collect();
    assert_eq!(
        urls,
        ["http://h/item/24", "http://h/item/23", "http://h/item/22"]
    );
    assert!(
        page.iter().all(|(_, e)| e.response_body.is_none()),
        "rows carry no bodies"
    );
    let full = r.record(page[0].0).expect("read").expect("there");
    assert!(
        full.exchange
            .response_body
            .is_some_and(|b| b.contains("E00024"))
    );
    assert_eq!(
        r.record_by_id(full.id).expect("read").map(|r| r.id),
        Some(full.id)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_filter_finds_what_the_pane_matching_finds() {
    let dir = tmp("filter");
    let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("open");
    let mut all = Vec::new();
    for n in 0..400 {
        let mut e = ex(n);
        if n % 7 == 0 {
            e.note = Some("ÉCOLE Élan".into());
        }
        all.push(db.append(e).0);
    }
    let r = reader(&dir);
    let (_, max) = r.bounds().expect("bounds").expect("rows");
    for needle in [
        "e0012", "item/1", "422", "école", "élan", "get", "zz", "1", "", "/39", "\"q",
    ] {
        let hits = r.search(needle, max + 1, usize::MAX).expect("search");
        let expected = all
            .iter()
            .rev()
            .filter(|rec| matches_exchange(&rec.exchange, needle))
            .count();
        assert_eq!(hits.seqs.len(), expected, "needle {needle:?}");
        assert!(hits.seqs.windows(2).all(|w| w[0] > w[1]), "newest first");
        assert_eq!(hits.more_below, None);
    }
    // A first screen stops early and says where to go on.
    let first = r.search("item", max + 1, 10).expect("search");
    assert!(first.seqs.len() >= 10 && first.more_below.is_some());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn limits_drop_the_oldest_rows() {
    let dir = tmp("limits");
    let limits = DbLimits {
        max_rows: 100,
        ..DbLimits::default()
    };
    let (mut db, _) = HistoryDb::open(&dir, limits).expect("open");
    for n in 0..350 {
        db.append(ex(n)).1.expect("stored");
    }
    let r = reader(&dir);
    let (min, max) = r.bounds().expect("bounds").expect("rows");
    assert!(max - min < 100, "{min}..{max}");
    let newest = r.rows_below(max, 1).expect("row");
    assert_eq!(newest[0].1.url, "http://h/item/349");
    let bytes_limited = DbLimits {
        max_bytes: 64 * 1024,
        ..DbLimits::default()
    };
    drop(db);
    let (mut db, _) = HistoryDb::open(&dir, bytes_limited).expect("open");
    let big = Exchange {
        response_body: Some("x".repeat(4000)),
        ..ex(1)
    };
    for _ in 0..100 {
        db.append(big.clone()).1.expect("stored");
    }
    let stored: i64 = db
        .conn
        .query_row("SELECT sum(bytes) FROM rows", [], |r| r.get(0))
        .expect("sum");
    assert!(stored <= 64 * 1024, "{stored}");
    let _ = fs::remove_dir_all(&dir);
}

fn write_jsonl(dir: &std::path::Path, rotated: usize, live: usize) -> String {
    // The old store wrote these; written here as it did.
    let mut store = store::Store::open(dir, RotationLimits::default(), &store::Loaded::default());
    for n in 0..rotated {
        store.append(ex(n));
    }
    drop(store);
    fs::rename(store::live_path(dir), dir.join("history.1.jsonl")).expect("rotate");
    let mut store = store::Store::open_lazily(dir, RotationLimits::default());
    for n in rotated..rotated + live {
        store.append(ex(n));
    }
    let mut text = fs::read_to_string(store::live_path(dir)).expect("live");
    text.push_str("garbage line\n{\"v\":1,\"id\":999,\"trunc\n");
    fs::write(store::live_path(dir), &text).expect("damage");
    text
}

#[test]
fn the_jsonl_is_imported_once_with_damaged_lines_counted_and_kept_aside() {
    let dir = tmp("import");
    let live_text = write_jsonl(&dir, 5, 7);
    let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("open");
    let imported = db
        .import_jsonl(&dir, RotationLimits::default())
        .expect("import");
    assert_eq!(imported.records, 12);
    assert_eq!(imported.skipped, 2);
    assert_eq!(imported.kept_as.len(), 2);
    assert!(!store::live_path(&dir).exists());
    let kept = dir.join("history.jsonl.imported");
    assert_eq!(
        fs::read_to_string(&kept).expect("kept"),
        live_text,
        "kept as it was"
    );
    assert!(dir.join("history.1.jsonl.imported").exists());
    // Ids kept, oldest first.
    let mut ids = Vec::new();
    reader(&dir)
        .each_record(None, None, false, |r| {
            ids.push(r.id);
            true
        })
        .expect("read");
    assert_eq!(ids, (1..=12).collect::<Vec<u64>>());
    // Put back and imported again (a crash before the rename): nothing doubles.
    fs::rename(&kept, store::live_path(&dir)).expect("put back");
    let again = db
        .import_jsonl(&dir, RotationLimits::default())
        .expect("import");
    assert_eq!((again.records, again.already), (0, 7));
    assert!(kept.exists(), "renamed again, kept");
    let (min, max) = reader(&dir).bounds().expect("bounds").expect("rows");
    assert_eq!(max - min + 1, 12);
    // New appends continue after the imported ids.
    assert_eq!(db.append(ex(99)).0.id, 13);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_database_is_kept_aside_and_a_fresh_one_started() {
    let dir = tmp("damaged");
    let path = db_path(&dir);
    let junk = b"this is not an SQLite database, just damage".repeat(100);
    fs::write(&path, &junk).expect("junk");
    let (mut db, note) = HistoryDb::open(&dir, DbLimits::default()).expect("fresh");
    let note = note.expect("told");
    assert!(
        note.contains("damaged") && note.contains("kept as"),
        "{note}"
    );
    db.append(ex(1)).1.expect("stored");
    let aside: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("history.sqlite3.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(fs::read(&aside[0]).expect("kept"), junk, "nothing deleted");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_short_needle_reads_a_bounded_step_and_says_where_to_go_on() {
    let dir = tmp("scan");
    let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("open");
    let rows = query::SCAN_BUDGET + 1_500;
    let mut oldest = ex(0);
    oldest.note = Some("zq".into());
    let stored = db
        .insert_many(
            std::iter::once(Record::new(1, oldest))
                .chain((1..rows).map(|n| Record::new(n as u64 + 1, ex(n)))),
        )
        .expect("seed");
    assert_eq!(stored, rows);
    let r = reader(&dir);
    let (_, max) = r.bounds().expect("bounds").expect("rows");
    // Only the oldest row has "zq": the first step stops at its budget, empty-handed.
    let first = r.search("zq", max + 1, 10).expect("search");
    assert!(first.seqs.is_empty());
    let below = first.more_below.expect("more to read");
    let rest = r.search("zq", below, 10).expect("search");
    assert_eq!(rest.seqs.len(), 1);
    assert_eq!(rest.more_below, None);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn opened_in_the_background_appends_wait_for_the_import() {
    let dir = tmp("background");
    write_jsonl(&dir, 3, 4);
    let sink = crate::history::sink::Sink::open_in_background(
        &dir,
        &crate::config::HistoryConfig::default(),
    );
    // At once, while the import may still run: numbered after the imported records.
    assert_eq!(sink.append(&ex(50)).id, 8);
    let warnings = sink.take_open_warnings().join(" · ");
    assert!(
        warnings.contains("imported 7 record(s)") && warnings.contains("2 unreadable"),
        "{warnings}"
    );
    assert!(sink.take_open_warnings().is_empty(), "told once");
    assert_eq!(sink.last_error(), None);
    let _ = fs::remove_dir_all(&dir);
}
