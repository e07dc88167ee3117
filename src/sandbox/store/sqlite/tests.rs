//! The SQLite store on its own: what it keeps, across a reopen, and what it deletes.

use super::*;
use crate::sandbox::purchase::Status;

fn purchase(id: &str, merchant_ref: &str, created_on: i64) -> Purchase {
    Purchase {
        id: id.into(),
        merchant_ref: merchant_ref.into(),
        created_on,
        updated_on: created_on,
        history: vec![("created".into(), created_on)],
        ..Purchase::default()
    }
}

fn at(path: &Path, retain_days: Option<u32>) -> Sqlite {
    Sqlite::open(&Options {
        location: Location::File(path.to_path_buf()),
        retain_days,
    })
    .expect("open")
    .backend
}

fn delivery(purchase_id: &str) -> NewDelivery {
    NewDelivery {
        purchase_id: purchase_id.into(),
        url: "http://127.0.0.1:1/hook".into(),
        status: "paid".into(),
        signature: "sig".into(),
        response_status: Some(200),
        error: None,
        delivered_at: 1,
        forwarded: false,
        body: r#"{"status":"paid"}"#.into(),
    }
}

#[test]
fn purchases_settings_clock_and_deliveries_survive_a_reopen() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    {
        let store = at(&path, None);
        assert_eq!(
            store.insert(&purchase("a", "ref-a", 10)).expect("insert"),
            Inserted::Added { seq: 1 }
        );
        assert_eq!(
            store.insert(&purchase("b", "ref-a", 11)).expect("insert"),
            Inserted::DuplicateMerchantRef
        );
        store
            .update("a", &mut |p| p.set_status(Status::Paid, 12))
            .expect("update");
        let settings = Settings {
            attempt_limit: 9,
            ..Settings::default()
        };
        store.put_settings(&settings).expect("settings");
        assert_eq!(store.advance_clock(30).expect("clock"), 30);
        assert_eq!(store.append_delivery(delivery("a")).expect("log").n, 0);
        assert_eq!(store.append_delivery(delivery("a")).expect("log").n, 1);
    }
    let store = at(&path, None);
    let a = store.get("a").expect("get").expect("a is there");
    assert_eq!((a.status, a.reference.as_str()), (Status::Paid, "PS1"));
    assert_eq!(store.settings().attempt_limit, 9);
    assert_eq!(store.clock_offset_minutes(), 30);
    let replay = store.delivery(1).expect("read").expect("delivery 1");
    assert_eq!(
        &*replay.body, r#"{"status":"paid"}"#,
        "the body, for a replay"
    );
    assert_eq!(store.append_delivery(delivery("a")).expect("log").n, 2);
    assert_eq!(
        store.insert(&purchase("c", "ref-c", 13)).expect("insert"),
        Inserted::Added { seq: 2 },
        "numbering goes on"
    );
}

#[test]
fn the_in_flight_mark_is_kept_in_memory_only() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    {
        let store = at(&path, None);
        store.insert(&purchase("a", "r", 1)).expect("insert");
        store
            .update("a", &mut |p| p.in_flight = true)
            .expect("mark");
        assert!(store.get("a").expect("get").expect("a").in_flight);
        store.end_in_flight("a");
        assert!(!store.get("a").expect("get").expect("a").in_flight);
        store
            .update("a", &mut |p| p.in_flight = true)
            .expect("mark");
    }
    let store = at(&path, None);
    assert!(
        !store.get("a").expect("get").expect("a").in_flight,
        "a process that stopped mid-call leaves no purchase stuck"
    );
}

#[test]
fn pages_go_newest_first_and_say_where_the_next_starts() {
    let store = Sqlite::open(&Options::default()).expect("open").backend;
    for i in 0..5 {
        store
            .insert(&purchase(&format!("p{i}"), &format!("r{i}"), i))
            .expect("insert");
    }
    let ids =
        |page: &Page| -> Vec<String> { page.purchases.iter().map(|p| p.id.clone()).collect() };
    let first = store
        .page(&PageQuery {
            limit: 2,
            before: None,
        })
        .expect("page");
    assert_eq!(ids(&first), ["p4", "p3"]);
    assert_eq!(first.next_before.as_deref(), Some("p3"));
    let second = store
        .page(&PageQuery {
            limit: 3,
            before: first.next_before.clone(),
        })
        .expect("page");
    assert_eq!(ids(&second), ["p2", "p1", "p0"]);
    assert_eq!(second.next_before, None, "the last page");
    assert!(matches!(
        store.page(&PageQuery {
            limit: 2,
            before: Some("nope".into()),
        }),
        Err(PageError::UnknownBefore(id)) if id == "nope"
    ));
}

#[test]
fn a_sweep_deletes_the_long_unchanged_purchases_and_their_deliveries_only() {
    let store = Sqlite::open(&Options::default()).expect("open").backend;
    for i in 0..7 {
        store
            .insert(&purchase(&format!("old{i}"), &format!("o{i}"), 100))
            .expect("insert");
        store
            .append_delivery(delivery(&format!("old{i}")))
            .expect("log");
    }
    store.insert(&purchase("young", "y", 1000)).expect("insert");
    store.append_delivery(delivery("young")).expect("log");
    // Old, but its status changed lately: kept.
    store.insert(&purchase("moved", "m", 100)).expect("insert");
    store
        .update("moved", &mut |p| p.set_status(Status::Expired, 900))
        .expect("update");
    assert_eq!(store.sweep(500, 5).expect("sweep"), 5, "one batch");
    assert_eq!(store.sweep(500, 5).expect("sweep"), 2);
    assert_eq!(store.sweep(500, 5).expect("sweep"), 0);
    assert!(store.get("old0").expect("get").is_none());
    assert!(store.get("young").expect("get").is_some());
    assert!(store.get("moved").expect("get").is_some());
    let log = store.deliveries(100, None, None).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].n, log[0].purchase_id.as_str()), (7, "young"));
    let stats = store.stats().expect("stats");
    assert_eq!((stats.purchases, stats.webhooks_total), (2, 1));
}

#[test]
fn reset_clears_everything_and_numbering_starts_again() {
    let store = Sqlite::open(&Options::default()).expect("open").backend;
    store.insert(&purchase("a", "r", 1)).expect("insert");
    store.append_delivery(delivery("a")).expect("log");
    store.advance_clock(5).expect("clock");
    store.reset().expect("reset");
    assert!(store.get("a").expect("get").is_none());
    assert_eq!(store.clock_offset_minutes(), 0);
    assert_eq!(
        store.insert(&purchase("b", "r", 2)).expect("insert"),
        Inserted::Added { seq: 1 },
        "the merchantRef is free again too"
    );
    assert_eq!(store.append_delivery(delivery("b")).expect("log").n, 0);
}

#[test]
fn the_delivery_log_lists_the_newest_oldest_first() {
    let store = Sqlite::open(&Options::default()).expect("open").backend;
    for _ in 0..5 {
        store.append_delivery(delivery("a")).expect("log");
    }
    let ns = |v: Vec<Delivery>| -> Vec<u64> { v.iter().map(|d| d.n).collect() };
    assert_eq!(ns(store.deliveries(3, None, None).expect("log")), [2, 3, 4]);
    assert_eq!(ns(store.deliveries(3, Some(2), None).expect("log")), [0, 1]);
}

#[test]
fn a_damaged_file_is_kept_aside_and_a_fresh_one_used() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    std::fs::write(
        &path,
        b"this is not a database, it is a shopping list".repeat(200),
    )
    .expect("write");
    let opened = Sqlite::open(&Options {
        location: Location::File(path.clone()),
        retain_days: None,
    })
    .expect("opens fresh");
    assert!(
        opened.notes.iter().any(|n| n.contains("is damaged")),
        "{:?}",
        opened.notes
    );
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("state.sqlite3.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let text = std::fs::read(dir.path().join(&kept[0])).expect("kept");
    assert!(text.starts_with(b"this is not a database"), "untouched");
    opened
        .backend
        .insert(&purchase("a", "r", 1))
        .expect("the fresh file works");
}

#[test]
fn concurrent_writes_are_committed_together_and_a_failing_one_spoils_no_other() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    let store = Arc::new(at(&path, None));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let mut failed = 0;
                for i in 0..100 {
                    let id = format!("t{t}-{i}");
                    store
                        .insert(&purchase(&id, &format!("ref-{id}"), 1))
                        .expect("insert");
                    // The same id again, with another merchantRef: a UNIQUE failure of
                    // this write alone, in whatever batch it lands.
                    if store
                        .insert(&purchase(&id, &format!("again-{id}"), 1))
                        .is_err()
                    {
                        failed += 1;
                    }
                }
                failed
            })
        })
        .collect();
    let failed: usize = threads.into_iter().map(|t| t.join().expect("thread")).sum();
    assert_eq!(failed, 800, "every repeated id is refused");
    let commits = store.shared.wal.commits.load(Ordering::Relaxed);
    let stats = store.stats().expect("stats");
    assert_eq!(
        stats.purchases, 800,
        "every acknowledged first insert is there"
    );
    assert!(commits <= 1600, "one commit per batch, not more: {commits}");
    drop(store);
    // Reopened: committed, not just visible to this process.
    let again = at(&path, None);
    assert_eq!(again.stats().expect("stats").purchases, 800);
    let p = again.get("t7-99").expect("get").expect("there");
    assert_eq!(p.merchant_ref, "ref-t7-99");
}

#[test]
fn the_integrity_check_after_start_finds_damage_and_the_next_start_keeps_the_file_aside() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    {
        let store = at(&path, None);
        for i in 0..3 {
            store
                .insert(&purchase(&format!("p{i}"), &format!("r{i}"), 1))
                .expect("insert");
        }
        assert_eq!(
            store.integrity(Duration::from_secs(10)),
            Some(integrity::Outcome::Sound)
        );
    }
    // Garbage over the root page of an index that opening never reads (the "paid twice"
    // index is empty): the file opens, only the check sees the damage.
    let (root, page_size): (i64, i64) = {
        let conn = Connection::open(&path).expect("open");
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'purchases_paid_twice'",
                [],
                |r| r.get(0),
            )
            .expect("root page");
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size");
        (root, size)
    };
    {
        use std::io::{Seek as _, SeekFrom, Write as _};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("file");
        f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
            .expect("seek");
        f.write_all(&vec![0xa5; page_size as usize])
            .expect("damage");
    }
    {
        let opened = Sqlite::open(&Options {
            location: Location::File(path.clone()),
            retain_days: None,
        })
        .expect("opens: the damage is not where opening reads");
        assert!(opened.notes.is_empty(), "{:?}", opened.notes);
        let found = opened.backend.integrity(Duration::from_secs(10));
        assert!(
            matches!(found, Some(integrity::Outcome::Damaged(_))),
            "{found:?}"
        );
        assert!(
            open::damage_marker(&path).exists(),
            "left for the next start"
        );
        assert!(
            opened.backend.get("p1").expect("get").is_some(),
            "this run goes on"
        );
    }
    let opened = Sqlite::open(&Options {
        location: Location::File(path.clone()),
        retain_days: None,
    })
    .expect("opens fresh");
    assert!(
        opened.notes.iter().any(|n| n.contains("is damaged")),
        "{:?}",
        opened.notes
    );
    assert!(!open::damage_marker(&path).exists(), "handled");
    assert_eq!(opened.backend.stats().expect("stats").purchases, 0);
    let kept = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("state.sqlite3.damaged-")
        })
        .count();
    assert!(kept >= 1, "the damaged file is kept, not deleted");
}

#[test]
fn a_queued_update_is_what_the_next_update_of_that_purchase_starts_from() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    let store = at(&path, None);
    store.insert(&purchase("a", "r", 1)).expect("insert");
    // Two updates queued without waiting for the first's commit: the second reads the
    // first's record, not the file's older one.
    let first = store
        .update_queued("a", &mut |p| p.attempts_used += 1)
        .expect("first")
        .expect("there");
    let second = store
        .update_queued("a", &mut |p| p.attempts_used += 10)
        .expect("second")
        .expect("there");
    assert!(
        store
            .update_queued("nobody", &mut |_| {})
            .expect("none")
            .is_none()
    );
    first.blocking_recv().expect("answer").expect("committed");
    second.blocking_recv().expect("answer").expect("committed");
    assert_eq!(store.get("a").expect("get").expect("a").attempts_used, 11);
    assert!(
        locked(&store.shared.queued).is_empty(),
        "forgotten once committed"
    );
    drop(store);
    assert_eq!(
        at(&path, None)
            .get("a")
            .expect("get")
            .expect("a")
            .attempts_used,
        11
    );
}

#[test]
fn a_failed_write_takes_the_writes_queued_on_top_of_it_down_with_it() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    let store = at(&path, None);
    store.insert(&purchase("a", "r", 1)).expect("insert");
    // The file refuses the first write only (a full disk, say): a record whose attempt
    // count reaches 7 with its reference unchanged.
    rusqlite::Connection::open(&path)
        .expect("raw")
        .execute_batch(
            "CREATE TRIGGER refuse BEFORE UPDATE ON purchases
             WHEN NEW.body LIKE '%\"attempts_used\":7%' AND NEW.body NOT LIKE '%changed%'
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .expect("trigger");
    // The second update starts from the first's queued record (attempts 7), so it
    // must not commit that change after the first's caller heard it failed. The writer
    // is held until both are queued: left free, it could refuse the first before the
    // second was queued, and the second would then rightly start from the file.
    let (release, held) = std::sync::mpsc::channel::<()>();
    store.shared.writer.submit(
        move |_| {
            let _ = held.recv();
            Ok(())
        },
        |_: Result<(), StoreError>| {},
    );
    let first = store
        .update_queued("a", &mut |p| p.attempts_used = 7)
        .expect("first")
        .expect("there");
    let second = store
        .update_queued("a", &mut |p| p.merchant_ref = "changed".into())
        .expect("second")
        .expect("there");
    drop(release);
    assert!(first.blocking_recv().expect("answer").is_err(), "refused");
    assert!(
        second.blocking_recv().expect("answer").is_err(),
        "built on the refused write"
    );
    let a = store.get("a").expect("get").expect("a");
    assert_eq!((a.attempts_used, a.merchant_ref.as_str()), (0, "r"));
    // Later updates start from the file again, and commit.
    store
        .update_queued("a", &mut |p| p.merchant_ref = "later".into())
        .expect("third")
        .expect("there")
        .blocking_recv()
        .expect("answer")
        .expect("committed");
    let a = store.get("a").expect("get").expect("a");
    assert_eq!((a.attempts_used, a.merchant_ref.as_str()), (0, "later"));
    assert!(locked(&store.shared.doomed).is_empty(), "forgotten");
}

#[test]
fn a_queued_insert_answers_the_purchase_it_stored_and_caches_that_same_copy() {
    let store = Sqlite::open(&Options::default()).expect("open").backend;
    let (inserted, stored) = store
        .insert_queued(purchase("a", "r", 1))
        .blocking_recv()
        .expect("answer")
        .expect("committed");
    let Inserted::Added { seq } = inserted else {
        panic!("not added: {inserted:?}")
    };
    assert_eq!(
        stored.reference,
        codec::reference_of(seq),
        "its reference given"
    );
    let record = store
        .shared
        .recent
        .get("a")
        .expect("cached after its commit");
    let known = record.read_back.expect("kept as it reads");
    assert!(Arc::ptr_eq(&known, &stored), "shared, not copied");
    codec::check_read_back(&record.body, record.seq, &known);
    // A purchase that does not read back as it is (an `extra_param` of JSON null reads
    // back as none) is cached as it reads, and the caller keeps what it sent.
    let mut odd = purchase("b", "r2", 2);
    odd.extra_param = Some(serde_json::Value::Null);
    let (_, stored) = store
        .insert_queued(odd)
        .blocking_recv()
        .expect("answer")
        .expect("committed");
    assert_eq!(stored.extra_param, Some(serde_json::Value::Null));
    let record = store.shared.recent.get("b").expect("cached");
    let known = record.read_back.expect("kept as it reads");
    assert_eq!(known.extra_param, None);
    codec::check_read_back(&record.body, record.seq, &known);
    // A taken merchantRef: not added, nothing cached under the new id.
    let (inserted, _) = store
        .insert_queued(purchase("c", "r", 3))
        .blocking_recv()
        .expect("answer")
        .expect("answered");
    assert_eq!(inserted, Inserted::DuplicateMerchantRef);
    assert!(store.shared.recent.get("c").is_none());
}

#[test]
fn the_cache_of_recent_records_serves_the_committed_record_and_never_a_deleted_one() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.sqlite3");
    let store = at(&path, None);
    store.insert(&purchase("a", "r", 1)).expect("insert");
    store
        .update("a", &mut |p| p.attempts_used = 3)
        .expect("update");
    let record = store
        .shared
        .recent
        .get("a")
        .expect("cached after its commit");
    let cached = record.body;
    let known = record.read_back.expect("kept as it reads, too");
    assert_eq!(known.attempts_used, 3);
    codec::check_read_back(&cached, record.seq, &known);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    let on_file: String = raw
        .query_row("SELECT body FROM purchases WHERE id = 'a'", [], |r| {
            r.get(0)
        })
        .expect("row");
    assert_eq!(
        &*cached,
        on_file.as_str(),
        "the cache holds what the file has"
    );
    assert_eq!(store.get("a").expect("get").expect("a").attempts_used, 3);
    // The row goes (as retention would take it) while an update is on its way: the
    // update changes no row, and the cache must not keep the purchase alive.
    raw.execute("DELETE FROM purchases WHERE id = 'a'", [])
        .expect("delete");
    store
        .update("a", &mut |p| p.attempts_used = 4)
        .expect("update");
    assert!(store.shared.recent.get("a").is_none(), "forgotten");
    assert!(store.get("a").expect("get").is_none());
}

#[test]
fn a_reset_in_the_same_batch_as_earlier_writes_leaves_none_of_them_in_the_cache() {
    // Writes queued just before a reset are usually committed in the reset's batch, and
    // answered after it: their answers must not put back what the reset deleted.
    for round in 0..50 {
        let store = Sqlite::open(&Options::default()).expect("open").backend;
        let ids: Vec<String> = (0..8).map(|n| format!("p{round}-{n}")).collect();
        let pending: Vec<_> = ids
            .iter()
            .map(|id| store.insert_queued(purchase(id, id, 1)))
            .collect();
        store.reset().expect("reset");
        for answer in pending {
            let _ = answer.blocking_recv();
        }
        for id in &ids {
            assert!(
                store.get(id).expect("get").is_none(),
                "round {round}: {id} came back after the reset"
            );
        }
    }
}

#[test]
fn the_wal_starts_over_while_writes_never_pause() {
    // Under steady writes a checkpoint on another connection never catches up with the
    // writer, so the WAL used to grow to the store's backstop (`wal_autocheckpoint`,
    // 16,384 pages: the file reached 64 MiB) before the writer copied it all inline,
    // requests waiting. The
    // writer now finishes each checkpoint the background began, and the WAL starts over
    // well before that (`FINISH_AFTER_FRAMES`). A private store: no fsync, so the
    // background's pace does not hang on the disk of a machine busy with other tests.
    const WRITERS: usize = 4;
    const EACH: usize = 6_000;
    let store = Sqlite::open(&Options {
        location: Location::Temporary,
        retain_days: None,
    })
    .expect("open")
    .backend;
    let wal = store
        ._temp
        .as_ref()
        .expect("a private store has a directory")
        .path()
        .join("state.sqlite3-wal");
    let store = Arc::new(store);
    let writers: Vec<_> = (0..WRITERS)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..EACH {
                    let id = format!("t{t}x{i}");
                    store.insert(&purchase(&id, &id, 1)).expect("insert");
                }
            })
        })
        .collect();
    let mut largest = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        std::thread::sleep(std::time::Duration::from_millis(2));
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
    }
    for w in writers {
        w.join().expect("writer");
    }
    assert_eq!(
        store.stats().expect("stats").purchases,
        (WRITERS * EACH) as u64,
        "every write is there"
    );
    let pages = largest / 4096;
    assert!(
        pages < 3 * maintenance::FINISH_AFTER_FRAMES as u64,
        "the WAL reached {largest} bytes ({pages} pages)"
    );
}
