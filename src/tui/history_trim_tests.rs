//! The pane's memory stays bounded over a long session: rows trimmed from memory fall
//! through to the database and stay reachable, and a short filter over the database only
//! scans when the user scrolls.

use super::*;
use crate::api::ExchangeKind;
use crate::history::db::{DbLimits, HistoryDb, query::Reader};

fn ex(n: usize) -> Exchange {
    Exchange {
        status: Some(200),
        response_body: Some(format!("body of {n}")),
        ..Exchange::new(ExchangeKind::Api, "GET", &format!("http://h/{n}"), n as i64)
    }
}

/// A database in a fresh directory with `earlier` rows (`http://h/0` …), its writer and
/// the archive the pane attaches.
fn database(name: &str, earlier: usize) -> (HistoryDb, Archive, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("pse-trim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("db");
    for k in 0..earlier {
        db.append(ex(k)).1.expect("stored");
    }
    let reader = Reader::open(&dir).expect("reader").expect("there");
    (db, Archive::open(reader).expect("archive"), dir)
}

/// Stores exchange `n` as the recorder does, then hands it to the pane with its `seq`.
fn record(db: &mut HistoryDb, h: &mut History, n: usize) {
    db.append(ex(n)).1.expect("stored");
    h.push_stored(ex(n), db.last_seq());
}

/// Every shown row's URL, newest first, read by scrolling one row at a time.
fn scroll_all(h: &mut History, height: usize) -> Vec<String> {
    h.to_newest();
    let mut urls = Vec::new();
    loop {
        h.prepare(height, None);
        urls.push(
            h.selected_entry()
                .map(|e| e.url.clone())
                .unwrap_or_default(),
        );
        if h.selected + 1 >= h.len() {
            return urls;
        }
        h.move_by(1, height);
    }
}

fn urls(range: impl DoubleEndedIterator<Item = usize>) -> Vec<String> {
    range.rev().map(|n| format!("http://h/{n}")).collect()
}

#[test]
fn a_long_session_stays_small_in_memory_and_loses_no_row() {
    let (mut db, archive, dir) = database("long", 30);
    let mut h = History::with_cap(100);
    h.attach(archive);
    for n in 1_000..2_000 {
        record(&mut db, &mut h, n);
        assert!(h.in_memory() <= 110, "{} rows in memory", h.in_memory());
    }
    assert_eq!((h.len(), h.total()), (1_030, 1_030));
    let mut want = urls(1_000..2_000);
    want.extend(urls(0..30));
    assert_eq!(scroll_all(&mut h, 20), want, "every row, in order, once");
    // The whole record of a trimmed row is read back with its body.
    h.to_oldest(20);
    h.move_by(-40, 20);
    h.prepare(20, None);
    let selected = h.selected_entry().expect("read");
    assert_eq!(selected.url, "http://h/1010");
    assert_eq!(selected.response_body.as_deref(), Some("body of 1010"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_filter_finds_trimmed_rows_whether_set_before_or_after() {
    let (mut db, archive, dir) = database("filter", 0);
    let mut h = History::with_cap(50);
    h.attach(archive);
    h.set_filter("h/7");
    for n in 0..800 {
        record(&mut db, &mut h, n);
    }
    assert!(h.in_memory() <= 55);
    // h/7, h/70…h/79, h/700…h/799: 111 rows.
    let matching: Vec<usize> = (0..800)
        .filter(|n| format!("http://h/{n}").contains("h/7"))
        .collect();
    assert_eq!(matching.len(), 111);
    let want = urls(matching.clone().into_iter());
    assert_eq!(scroll_all(&mut h, 10), want, "set before the rows came");
    h.set_filter("");
    h.set_filter("h/7");
    h.to_oldest(10);
    assert_eq!(h.len(), 111);
    assert_eq!(scroll_all(&mut h, 10), want, "set after");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rows_stored_before_the_archive_was_read_are_shown_once() {
    let (mut db, _, dir) = database("attach", 5);
    let mut h = History::with_cap(100);
    for n in 100..110 {
        record(&mut db, &mut h, n);
    }
    // Read in the background while the session's first rows came in.
    let reader = Reader::open(&dir).expect("reader").expect("there");
    h.attach(Archive::open(reader).expect("archive"));
    for n in 110..115 {
        record(&mut db, &mut h, n);
    }
    let mut want = urls(100..115);
    want.extend(urls(0..5));
    assert_eq!(scroll_all(&mut h, 8), want);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_short_filter_scans_earlier_rows_only_when_the_user_scrolls_down() {
    let (_db, archive, dir) = database("scan", 12_000);
    let mut h = History::default();
    h.attach(archive);
    // "q" is in no row: each step reads thousands of rows and finds nothing.
    h.set_filter("q");
    h.prepare(20, None);
    let after_typing = h.archive_scan_steps();
    assert!(after_typing >= 1, "the typed filter looked once");
    // Ticks, webhooks and other keys redraw: no scan.
    for _ in 0..50 {
        h.push(Exchange::new(ExchangeKind::Webhook, "POST", "/hook", 1));
        h.prepare(20, None);
    }
    h.move_by(-1, 20);
    h.prepare(20, None);
    assert_eq!(
        h.archive_scan_steps(),
        after_typing,
        "no scan without a scroll down"
    );
    // The user scrolls down: one more step.
    h.move_by(1, 20);
    h.prepare(20, None);
    h.prepare(20, None);
    assert_eq!(h.archive_scan_steps(), after_typing + 1);
    // End finds them all.
    h.to_oldest(20);
    assert!(!h.archive_more_to_find());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_database_the_pane_keeps_more_and_sheds_it_once_one_is_attached() {
    let (mut db, archive, dir) = database("detached", 0);
    let mut h = History {
        detached_cap: 1_000,
        ..History::with_cap(100)
    };
    for n in 0..900 {
        record(&mut db, &mut h, n);
    }
    assert_eq!(
        h.in_memory(),
        900,
        "nowhere to read trimmed rows back from yet"
    );
    h.attach(archive);
    assert!(h.in_memory() <= 110, "{} rows in memory", h.in_memory());
    assert_eq!(scroll_all(&mut h, 30), urls(0..900), "all shown, once");
    let _ = std::fs::remove_dir_all(&dir);
}
