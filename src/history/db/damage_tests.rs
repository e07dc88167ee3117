//! Damage met after the database was opened (beyond the start-up check's budget) is
//! reported, marked, and makes the next start keep the file aside.

use std::fs;

use super::query::Reader;
use super::*;
use crate::api::{Exchange, ExchangeKind};

fn ex(n: usize) -> Exchange {
    Exchange {
        status: Some(200),
        response_body: Some(format!("{n}:{}", "x".repeat(1_000))),
        ..Exchange::new(ExchangeKind::Api, "GET", &format!("http://h/{n}"), n as i64)
    }
}

#[test]
fn damage_read_mid_session_sets_the_file_aside_at_the_next_start() {
    let dir = std::env::temp_dir().join(format!("pse-histdb-latedamage-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let path = db_path(&dir);
    {
        let (mut db, _) = HistoryDb::open(&dir, DbLimits::default()).expect("db");
        for n in 0..3_000 {
            db.append(ex(n)).1.expect("stored");
        }
    } // closed: everything is in the main file
    // Whole pages in the middle of the file overwritten (the header page intact), as a
    // failing disk would leave them.
    let mut bytes = fs::read(&path).expect("file");
    let page = 4096;
    let (from, to) = (
        bytes.len() / page * 2 / 5 * page,
        bytes.len() / page * 3 / 5 * page,
    );
    bytes[from..to].fill(0xFF);
    fs::write(&path, &bytes).expect("damage");

    let reader = Reader::open(&dir).expect("opens").expect("there");
    let (oldest, newest) = reader.bounds().expect("ends").expect("rows");
    let error = (oldest..=newest)
        .find_map(|seq| reader.record(seq).err())
        .expect("a damaged page reads as an error");
    assert!(damage::is_damage(&error), "{error}");
    let said = reader.describe(&error);
    assert!(
        said.contains("damaged") && said.contains("next start"),
        "{said}"
    );
    assert!(
        damage::marker_path(&path).exists(),
        "marked for the next start"
    );
    drop(reader);

    let (mut db, note) = HistoryDb::open(&dir, DbLimits::default()).expect("fresh");
    let note = note.expect("told");
    assert!(
        note.contains("earlier session") && note.contains("kept as"),
        "{note}"
    );
    assert!(!damage::marker_path(&path).exists(), "marker cleared");
    let aside: Vec<_> = fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.contains("history.sqlite3.damaged-")
                && !name.ends_with("-wal")
                && !name.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(fs::read(&aside[0]).expect("kept"), bytes, "nothing deleted");
    db.append(ex(1)).1.expect("the fresh history works");
    let fresh = Reader::open(&dir).expect("opens").expect("there");
    assert_eq!(fresh.bounds().expect("ends"), Some((1, 1)));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn other_errors_leave_no_marker() {
    let dir = std::env::temp_dir().join(format!("pse-histdb-nomark-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let path = db_path(&dir);
    let busy =
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
    assert!(!damage::mark(&path, &busy));
    assert!(!damage::marker_path(&path).exists());
    let _ = fs::remove_dir_all(&dir);
}
