//! The state store in SQLite (bundled, WAL): one writer connection, a few readers, one
//! connection for the long reads (pages, counts), and a maintenance thread that
//! checkpoints the WAL and applies retention.
//!
//! Durability: WAL with `synchronous=NORMAL`. A write is in the WAL file (the operating
//! system's cache) before the request that made it is answered, so a killed process
//! (kill -9 included) loses nothing it acknowledged; a power loss or an OS crash can lose
//! the last moments. That is the trade a sandbox wants: no fsync per commit (the writer
//! fsyncs only when it finishes a checkpoint, see `maintenance`).
//! A private temporary store (no `--state`) runs with `synchronous=OFF`: see [`Sync`].
//!
//! Ordering: the process owns the file (an advisory lock refuses a second one), so the
//! updates of one purchase are ordered by an in-process lock (one of [`STRIPES`], by the
//! purchase id) held across read, change and queueing; the next update starts from the
//! record queued for the writer (`Shared::queued`), and if a queued write fails, the
//! writes queued on top of it fail too (`Shared::doomed`). Different purchases never wait
//! for each other except for the single SQLite write itself.

pub mod integrity;
mod maintenance;
pub mod open;
mod recent;
mod schema;
mod writer;

use std::collections::HashSet;
use std::fs::File;
use std::hash::{Hash as _, Hasher as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use std::time::Duration;
use writer::{Writer, atomically};

use rusqlite::{Connection, OptionalExtension as _, params};

pub use open::OpenError;

use super::backend::{
    AgingCutoffs, Backend, Inserted, NewDelivery, Page, PageError, PageQuery, Pending, Stats,
};
use super::codec::{self, Columns};
use super::{Delivery, Location, Options, Settings, StoreError};
use crate::sandbox::purchase::{PendingPayment, Purchase};
use schema::keys;

/// Reader connections for the request path (status GETs, the read half of an update).
const READERS: usize = 4;
/// Locks that order the updates of one purchase (by a hash of its id).
const STRIPES: usize = 64;
/// Page cache of the writer, in KiB. With the readers' this caps SQLite's memory, so RSS
/// does not grow with the number of purchases. Small on purpose: every commit ends with
/// SQLite walking the cache's hash table (`pcache1TruncateUnsafe`), which with 8 MiB was
/// 12 % of the writer's time in the full-flow profile; the writer only needs the
/// B-trees' newest pages (purchases are appended and updated while recent), and a page
/// it misses is one `pread` from the operating system's cache.
const WRITER_CACHE_KIB: i64 = 1024;
/// Page cache of each reader, in KiB.
const READER_CACHE_KIB: i64 = 2 * 1024;
/// How long a connection waits for another process's lock before failing (only a backup
/// or the `sqlite3` shell can hold one: a second sandbox is refused at open).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What the store's connections and its maintenance thread share.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The writer thread's queue (group commit, see `writer`).
    writer: writer::Queue,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// For reads of many rows, so they never hold up the request path's readers.
    bulk: Mutex<Connection>,
    stripes: Vec<Mutex<()>>,
    /// Purchases with an S2S call being processed (memory only: a killed process leaves
    /// none stuck).
    in_flight: Mutex<HashSet<String>>,
    /// Records queued for the writer and not committed yet, by purchase id, with a ticket
    /// (the latest queued wins): the next update of that purchase starts from this, not
    /// from the file, so an update need not hold its purchase's lock until the commit.
    queued: Mutex<std::collections::HashMap<String, Queued>>,
    /// Purchases whose queued write failed while later writes built on it were queued
    /// too: those later writes, up to this ticket, must fail as well, or they would commit
    /// the failed write's change after its caller was told it failed.
    doomed: Mutex<std::collections::HashMap<String, u64>>,
    /// The records of the purchases committed most recently (see `recent`).
    recent: recent::Recent,
    next_ticket: AtomicU64,
    /// Cached: every API call reads them; the process owns the file.
    settings: RwLock<Settings>,
    clock_offset: AtomicI64,
    retain_days: Option<u32>,
    /// Between the writer thread and the checkpointer.
    wal: Arc<writer::WalSignals>,
    /// The database file, for the checkpointer's flushes (see `maintenance::checkpoint`);
    /// `None` for a private store, whose checkpoints never reach the disk on purpose.
    /// The LAST field, so it is closed after every connection above: closing any
    /// descriptor of a file drops all of the process's POSIX locks on it, SQLite's too.
    durable: Option<File>,
}

/// A purchase record queued for the writer (see `Shared::queued`).
#[derive(Debug, Clone)]
struct Queued {
    record: recent::Record,
    ticket: u64,
}

/// Locks a mutex; a poisoned one (a panic elsewhere) is recovered, because every change
/// under these locks is one SQLite statement or transaction, complete or rolled back.
fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The SQLite store.
#[derive(Debug)]
pub struct Sqlite {
    shared: Arc<Shared>,
    maintenance: maintenance::Handle,
    /// The integrity check, running after the store opened.
    check: integrity::Check,
    /// Held for the life of the store (declared after the connections: released after
    /// they close).
    _lock: Option<File>,
    /// The private directory of a temporary store, deleted last.
    _temp: Option<tempfile::TempDir>,
}

/// An opened store and what opening it had to say (a damaged file set aside, …).
#[derive(Debug)]
pub struct Opened {
    pub backend: Sqlite,
    pub notes: Vec<String>,
    /// The file, for messages (`None`: temporary).
    pub path: Option<PathBuf>,
}

impl Sqlite {
    /// Opens (or creates) the store.
    pub fn open(options: &Options) -> Result<Opened, OpenError> {
        let (path, lock, temp) = match &options.location {
            Location::Temporary => {
                open::remove_abandoned_temporaries();
                let dir = tempfile::Builder::new()
                    .prefix(open::TEMPORARY_PREFIX)
                    .tempdir()
                    .map_err(|e| OpenError::Io {
                        path: std::env::temp_dir(),
                        why: format!("could not make a temporary state directory: {e}"),
                    })?;
                let path = dir.path().join("state.sqlite3");
                // Held like a state file's, so a later run can tell this directory is
                // in use and not abandoned.
                (path.clone(), Some(open::lock(&path)?), Some(dir))
            }
            Location::File(path) => {
                // Said before the lock file is made beside it (it was left behind, and
                // the open then answered "File exists").
                if let Some(why) = crate::dir_create::link_to_nothing(path) {
                    return Err(OpenError::Io {
                        path: path.clone(),
                        why,
                    });
                }
                (path.clone(), Some(open::lock(path)?), None)
            }
        };
        let sync = match options.location {
            Location::Temporary => Sync::Off,
            Location::File(_) => Sync::Normal,
        };
        let (writer, notes) = open::open_or_replace(&path)?;
        let shared = Arc::new(Shared::new(writer, &path, options.retain_days, sync)?);
        let checkpointer = open::open_more(&path)?;
        tune(&checkpointer, READER_CACHE_KIB, sync).map_err(|e| OpenError::Io {
            path: path.clone(),
            why: e.to_string(),
        })?;
        let maintenance = maintenance::start(Arc::clone(&shared), checkpointer);
        let check = integrity::Check::start(&path);
        Ok(Opened {
            backend: Sqlite {
                shared,
                maintenance,
                check,
                _lock: lock,
                _temp: temp,
            },
            notes,
            path: matches!(options.location, Location::File(_)).then_some(path),
        })
    }
}

impl Sqlite {
    /// What the background integrity check found, waiting at most `limit` for it.
    pub fn integrity(&self, limit: Duration) -> Option<integrity::Outcome> {
        self.check.outcome(limit)
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        self.check.stop();
        self.maintenance.stop();
        // Commits what is queued, then closes the writer connection.
        self.shared.writer.stop();
    }
}

/// A descriptor of the database file for flushing it, or `None` (said in the log) if it
/// cannot be opened: the flush only takes work off the writer, whose checkpoint still
/// fsyncs. Unix only: elsewhere a read-only handle cannot be flushed.
fn flushable(path: &Path) -> Option<File> {
    if !cfg!(unix) {
        return None;
    }
    File::open(path)
        .inspect_err(|e| {
            tracing::warn!(error = %e, "sandbox state store: the checkpoints cannot flush the file ahead of the writer");
        })
        .ok()
}

/// How much a commit waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sync {
    /// A state file (`--state`): WAL's `NORMAL`, no fsync on commit; checkpoints fsync, so
    /// an OS crash cannot leave the file damaged.
    Normal,
    /// A private temporary store, deleted with the run: no fsync at all (a crash of the
    /// machine loses a file nobody will read again). A killed process still loses
    /// nothing: every commit is in the operating system's cache before it is answered.
    Off,
}

fn tune(conn: &Connection, cache_kib: i64, sync: Sync) -> rusqlite::Result<()> {
    let synchronous = match sync {
        Sync::Normal => "NORMAL",
        Sync::Off => "OFF",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(())
}

impl Shared {
    /// The write with `ticket` of purchase `id` failed: the file is the truth again, so
    /// later updates read it, and the writes already queued on top of the failed one fail
    /// with it (their record holds its change).
    fn doom_after(&self, id: &str, ticket: u64) {
        let mut queued = locked(&self.queued);
        let Some(latest) = queued.get(id).map(|q| q.ticket) else {
            return;
        };
        queued.remove(id);
        drop(queued);
        if latest > ticket {
            let mut doomed = locked(&self.doomed);
            let last = doomed.entry(id.to_string()).or_insert(latest);
            *last = (*last).max(latest);
        }
    }

    /// Purchase `id`'s committed record: from the cache of recent records, else the file.
    fn committed(&self, id: &str) -> Result<Option<recent::Record>, StoreError> {
        if let Some(record) = self.recent.get(id) {
            return Ok(Some(record));
        }
        let row = self.read(|c| {
            c.prepare_cached("SELECT seq, body FROM purchases WHERE id = ?1")?
                .query_row([id], purchase_row)
                .optional()
        })?;
        Ok(row.map(|(seq, body)| recent::Record {
            seq,
            body: Arc::from(body),
            read_back: None,
        }))
    }

    /// The answer to a committed insert of `row`, made from `p` (run on the writer, in
    /// commit order): `p` given its reference, and the new purchase's record left in the
    /// cache with `p` itself as what it reads as, shared with the caller. So the flow's
    /// first update neither reads the record's text back nor needs a copy made for it
    /// (reading it back was 5 % of a full flow's request-thread instructions).
    fn remember_insert(
        self: &Arc<Self>,
        row: &NewRow,
        mut p: Purchase,
    ) -> impl FnOnce(Result<Inserted, StoreError>) -> Result<(Inserted, Arc<Purchase>), StoreError>
    + Send
    + 'static {
        let shared = Arc::clone(self);
        let (id, body) = (row.id.clone(), Arc::clone(&row.body));
        move |inserted| {
            let inserted = inserted?;
            let Inserted::Added { seq } = inserted else {
                return Ok((inserted, Arc::new(p)));
            };
            p.reference = codec::reference_of(seq);
            let p = Arc::new(p);
            let read_back = if codec::reads_back_as_is(&p) {
                Some(Arc::clone(&p))
            } else {
                codec::as_read_back(Purchase::clone(&p)).map(Arc::new)
            };
            shared.recent.put(
                &id,
                recent::Record {
                    seq,
                    body,
                    read_back,
                },
            );
            Ok((inserted, p))
        }
    }

    fn new(
        writer: Connection,
        path: &Path,
        retain_days: Option<u32>,
        sync: Sync,
    ) -> Result<Shared, OpenError> {
        let io = |e: rusqlite::Error| OpenError::Io {
            path: path.to_path_buf(),
            why: e.to_string(),
        };
        tune(&writer, WRITER_CACHE_KIB, sync).map_err(io)?;
        // The maintenance thread checkpoints; this is only the backstop if it falls
        // behind (a commit that passes it checkpoints inline).
        writer
            .pragma_update(None, "wal_autocheckpoint", 16_384)
            .map_err(io)?;
        writer
            .pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)
            .map_err(io)?;
        let meta = |key: &str| -> Result<Option<String>, OpenError> {
            writer
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(io)
        };
        // A settings row that no longer reads falls back to the defaults, not a failure.
        let settings = meta(keys::SETTINGS)?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        let clock = meta(keys::CLOCK)?.and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let conn = open::open_more(path)?;
            tune(&conn, READER_CACHE_KIB, sync).map_err(io)?;
            readers.push(Mutex::new(conn));
        }
        let bulk = open::open_more(path)?;
        tune(&bulk, READER_CACHE_KIB, sync).map_err(io)?;
        let mut writer = Writer {
            conn: writer,
            next_seq: 1,
            next_delivery: 0,
        };
        writer.reload().map_err(io)?;
        let wal = Arc::new(writer::WalSignals::default());
        Ok(Shared {
            writer: writer::Queue::start(writer, Arc::clone(&wal)),
            readers,
            next_reader: AtomicUsize::new(0),
            bulk: Mutex::new(bulk),
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
            in_flight: Mutex::new(HashSet::new()),
            queued: Mutex::new(std::collections::HashMap::new()),
            recent: recent::Recent::default(),
            doomed: Mutex::new(std::collections::HashMap::new()),
            next_ticket: AtomicU64::new(0),
            settings: RwLock::new(settings),
            clock_offset: AtomicI64::new(clock),
            retain_days,
            wal,
            durable: match sync {
                Sync::Normal => flushable(path),
                Sync::Off => None,
            },
        })
    }

    /// Runs `f` on a free reader (the request path's connections).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for k in 0..READERS {
            if let Ok(conn) = self.readers[(start + k) % READERS].try_lock() {
                return Ok(f(&conn)?);
            }
        }
        Ok(f(&locked(&self.readers[start % READERS]))?)
    }

    /// Runs `f` on the connection for long reads.
    fn read_bulk<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        Ok(f(&locked(&self.bulk))?)
    }

    fn stripe(&self, id: &str) -> MutexGuard<'_, ()> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut h);
        locked(&self.stripes[(h.finish() % STRIPES as u64) as usize])
    }

    fn put_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let (key, value) = (key.to_string(), value.to_string());
        self.write(move |w| {
            w.conn
                .prepare_cached(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                )?
                .execute(params![key, value])
                .map(drop)
        })
    }

    /// The sandbox's "now".
    fn now(&self) -> i64 {
        crate::clock::now_epoch() + self.clock_offset.load(Ordering::Relaxed) * 60
    }

    /// Deletes up to `limit` purchases whose status last changed before `cutoff`, with
    /// their deliveries, in one transaction.
    fn sweep(self: &Arc<Self>, cutoff: i64, limit: usize) -> Result<usize, StoreError> {
        let shared = Arc::clone(self);
        let gone = self.write_settled(
            move |w| atomically(w, |w| sweep_batch(&w.conn, cutoff, limit)),
            // After the answers to the writes before it: one of those may have put a
            // purchase this sweep deleted into the cache.
            move |gone| {
                for (_, id) in gone.iter().flatten() {
                    shared.recent.forget(id);
                }
            },
        )?;
        let mut in_flight = locked(&self.in_flight);
        for (_, id) in &gone {
            in_flight.remove(id);
        }
        Ok(gone.len())
    }

    /// The retention cut-off now, if purchases are ever deleted.
    fn retention_cutoff(&self) -> Option<i64> {
        self.retain_days
            .map(|days| self.now() - i64::from(days) * 86_400)
    }
}

/// Deletes up to `limit` purchases whose status last changed before `cutoff`, with their
/// deliveries; returns their sequence numbers and ids.
fn sweep_batch(
    conn: &Connection,
    cutoff: i64,
    limit: usize,
) -> rusqlite::Result<Vec<(i64, String)>> {
    let victims: Vec<(i64, String)> = {
        let mut stmt =
            conn.prepare_cached("SELECT seq, id FROM purchases WHERE updated_on < ?1 LIMIT ?2")?;
        let rows = stmt.query_map(params![cutoff, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut deliveries = conn.prepare_cached("DELETE FROM deliveries WHERE purchase_id = ?1")?;
    let mut purchases = conn.prepare_cached("DELETE FROM purchases WHERE seq = ?1")?;
    for (seq, id) in &victims {
        deliveries.execute([id])?;
        purchases.execute([seq])?;
    }
    Ok(victims)
}

/// A new purchase's row, owned so it can wait in the writer's queue.
struct NewRow {
    id: String,
    merchant_ref: String,
    created_on: i64,
    updated_on: i64,
    cols: Columns,
    body: Arc<str>,
}

impl NewRow {
    /// Encoded here, on the caller's thread: the writer only runs the statement.
    fn of(p: &Purchase) -> Result<NewRow, StoreError> {
        Ok(NewRow {
            id: p.id.clone(),
            merchant_ref: p.merchant_ref.clone(),
            created_on: p.created_on,
            updated_on: p.updated_on,
            cols: Columns::of(p),
            body: Arc::from(codec::encode(p)?),
        })
    }

    fn insert(self, w: &mut Writer) -> rusqlite::Result<Inserted> {
        let seq = w.next_seq;
        let saved = self.cols.saved.as_ref();
        let added = w
            .conn
            .prepare_cached(
                "INSERT INTO purchases (seq, id, merchant_ref, status, created_on, updated_on,
                     paid_count, saved_token, saved_customer, saved_brand, saved_last4, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT(merchant_ref) DO NOTHING",
            )?
            .execute(params![
                seq,
                self.id,
                self.merchant_ref,
                self.cols.status,
                self.created_on,
                self.updated_on,
                self.cols.paid_count,
                saved.map(|s| &s.token),
                saved.map(|s| &s.customer),
                saved.map(|s| &s.brand_id),
                saved.map(|s| &s.last_four),
                &*self.body,
            ])?;
        if added == 0 {
            return Ok(Inserted::DuplicateMerchantRef);
        }
        w.next_seq += 1;
        Ok(Inserted::Added { seq })
    }
}

/// Logs a webhook delivery on the writer, numbering it.
fn log_delivery(w: &mut Writer, d: NewDelivery) -> rusqlite::Result<Delivery> {
    let delivery = Delivery {
        n: w.next_delivery as u64,
        purchase_id: d.purchase_id,
        url: d.url,
        status: d.status,
        signature: d.signature,
        response_status: d.response_status,
        error: d.error,
        delivered_at: d.delivered_at,
        forwarded: d.forwarded,
        body: d.body,
    };
    let record = serde_json::to_string(&delivery)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    w.conn
        .prepare_cached(
            "INSERT INTO deliveries (n, purchase_id, response_status, record, body)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            w.next_delivery,
            delivery.purchase_id,
            delivery.response_status,
            record,
            &*delivery.body
        ])?;
    w.next_delivery += 1;
    Ok(delivery)
}

/// A purchase row: sequence number and record.
fn purchase_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String)> {
    Ok((r.get(0)?, r.get(1)?))
}

fn delivery_of(record: &str, body: Option<String>) -> Result<Delivery, StoreError> {
    let mut d: Delivery = serde_json::from_str(record)?;
    if let Some(body) = body {
        d.body = Arc::from(body);
    }
    Ok(d)
}

impl Sqlite {
    /// Runs `f` on purchase `id` (every other update of it excluded), queues what it
    /// leaves for the writer, and calls `reply` once that is committed (at once when
    /// nothing changed); `Ok(false)` when there is no such purchase.
    fn update_then(
        &self,
        id: &str,
        f: &mut dyn FnMut(&mut Purchase),
        reply: impl FnOnce(Result<(), StoreError>) + Send + 'static,
    ) -> Result<bool, StoreError> {
        let shared = &self.shared;
        // Held while the record is read, changed and queued: the writer applies queued
        // writes in order, and the next update of this purchase reads what is queued.
        let _turn = shared.stripe(id);
        let queued = locked(&shared.queued).get(id).cloned();
        let row = match queued {
            Some(q) => Some(q.record),
            None => shared.committed(id)?,
        };
        let Some(row) = row else {
            return Ok(false);
        };
        let mut p = row.purchase()?;
        let (seq, before) = (row.seq, row.body);
        let was_in_flight = locked(&shared.in_flight).contains(id);
        p.in_flight = was_in_flight;
        f(&mut p);
        let in_flight_now = p.in_flight;
        let after: Arc<str> = Arc::from(codec::encode(&p)?);
        if after == before {
            reply(Ok(()));
        } else {
            let ticket = shared.next_ticket.fetch_add(1, Ordering::Relaxed);
            let cols = Columns::of(&p);
            let updated_on = p.updated_on;
            let read_back = codec::as_read_back(p).map(Arc::new);
            locked(&shared.queued).insert(
                id.to_string(),
                Queued {
                    record: recent::Record {
                        seq,
                        body: Arc::clone(&after),
                        read_back: read_back.clone(),
                    },
                    ticket,
                },
            );
            let forget = Arc::clone(shared);
            let key = id.to_string();
            let check = Arc::clone(shared);
            let check_key = id.to_string();
            let committed = Arc::clone(&after);
            shared.writer.submit(
                move |w| {
                    // Built on a queued write that failed since: refuse, so the failed
                    // change is not committed under this one.
                    if locked(&check.doomed)
                        .get(&check_key)
                        .is_some_and(|last| ticket <= *last)
                    {
                        return Err(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                            Some("an earlier write of this purchase failed".into()),
                        ));
                    }
                    let saved = cols.saved.as_ref();
                    let written = (|| {
                        w.conn
                        .prepare_cached(
                            "UPDATE purchases SET status = ?2, paid_count = ?3, saved_token = ?4,
                                 saved_customer = ?5, saved_brand = ?6, saved_last4 = ?7, body = ?8,
                                 updated_on = ?9
                             WHERE seq = ?1",
                        )?
                        .execute(params![
                            seq,
                            cols.status,
                            cols.paid_count,
                            saved.map(|s| &s.token),
                            saved.map(|s| &s.customer),
                            saved.map(|s| &s.brand_id),
                            saved.map(|s| &s.last_four),
                            &*after,
                            updated_on,
                        ])
                    })();
                    if written.is_err() {
                        // At once, not at the commit: a later write of this purchase in
                        // the same batch must see it.
                        check.doom_after(&check_key, ticket);
                    }
                    written
                },
                move |r: Result<usize, StoreError>| {
                    // Committed (the file has it now) or failed (the file keeps what it
                    // had): either way the next update reads the file, unless a later
                    // write of this purchase is queued.
                    match r {
                        // Before the queued record goes: a reader finds one or the other.
                        Ok(1) => forget.recent.put(
                            &key,
                            recent::Record {
                                seq,
                                body: committed,
                                read_back,
                            },
                        ),
                        // No row: deleted meanwhile (retention, reset); nothing to keep.
                        Ok(_) => forget.recent.forget(&key),
                        Err(_) => {
                            // The batch's commit failed, or this write did.
                            forget.recent.forget(&key);
                            forget.doom_after(&key, ticket);
                        }
                    }
                    let mut queued = locked(&forget.queued);
                    if queued.get(&key).is_some_and(|q| q.ticket == ticket) {
                        queued.remove(&key);
                    }
                    drop(queued);
                    let mut doomed = locked(&forget.doomed);
                    if doomed.get(&key).is_some_and(|last| *last == ticket) {
                        doomed.remove(&key);
                    }
                    drop(doomed);
                    reply(r.map(drop));
                },
            );
        }
        if in_flight_now != was_in_flight {
            let mut in_flight = locked(&shared.in_flight);
            if in_flight_now {
                in_flight.insert(id.to_string());
            } else {
                in_flight.remove(id);
            }
        }
        Ok(true)
    }
}

impl Backend for Sqlite {
    fn get(&self, id: &str) -> Result<Option<Purchase>, StoreError> {
        let row = self.shared.committed(id)?;
        let Some(record) = row else {
            return Ok(None);
        };
        let mut p = record.purchase()?;
        p.in_flight = locked(&self.shared.in_flight).contains(id);
        Ok(Some(p))
    }

    fn insert(&self, p: &Purchase) -> Result<Inserted, StoreError> {
        let row = NewRow::of(p)?;
        let answer = self.shared.remember_insert(&row, p.clone());
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.shared.writer.submit(
            move |w| row.insert(w),
            move |inserted| {
                let _ = tx.send(answer(inserted).map(|(inserted, _)| inserted));
            },
        );
        rx.recv()
            .unwrap_or_else(|_| Err(StoreError::writer_stopped()))
    }

    fn insert_queued(&self, p: Purchase) -> Pending<(Inserted, Arc<Purchase>)> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        match NewRow::of(&p) {
            Ok(row) => {
                let answer = self.shared.remember_insert(&row, p);
                self.shared.writer.submit(
                    move |w| row.insert(w),
                    move |inserted| {
                        let _ = tx.send(answer(inserted));
                    },
                );
            }
            Err(e) => {
                let _ = tx.send(Err(e));
            }
        }
        rx
    }

    fn update(&self, id: &str, f: &mut dyn FnMut(&mut Purchase)) -> Result<bool, StoreError> {
        // A std channel: this may run on an async worker, where tokio's blocking receive
        // is not allowed.
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        if !self.update_then(id, f, move |r| {
            let _ = tx.send(r);
        })? {
            return Ok(false);
        }
        rx.recv()
            .unwrap_or_else(|_| Err(StoreError::writer_stopped()))?;
        Ok(true)
    }

    fn update_queued(
        &self,
        id: &str,
        f: &mut dyn FnMut(&mut Purchase),
    ) -> Result<Option<Pending<()>>, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let found = self.update_then(id, f, move |r| {
            let _ = tx.send(r);
        })?;
        Ok(found.then_some(rx))
    }

    fn end_in_flight(&self, id: &str) {
        locked(&self.shared.in_flight).remove(id);
    }

    fn page(&self, query: &PageQuery) -> Result<Page, PageError> {
        let limit = query.limit.max(1);
        let rows = self.shared.read_bulk(|c| {
            let below = match &query.before {
                None => i64::MAX,
                Some(id) => {
                    match c
                        .prepare_cached("SELECT seq FROM purchases WHERE id = ?1")?
                        .query_row([id], |r| r.get::<_, i64>(0))
                        .optional()?
                    {
                        Some(seq) => seq,
                        None => return Ok(None),
                    }
                }
            };
            let mut stmt = c.prepare_cached(
                "SELECT seq, body FROM purchases WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![below, limit as i64 + 1], purchase_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map(Some)
        })?;
        let Some(mut rows) = rows else {
            return Err(PageError::UnknownBefore(
                query.before.clone().unwrap_or_default(),
            ));
        };
        let more = rows.len() > limit;
        rows.truncate(limit);
        let in_flight = locked(&self.shared.in_flight).clone();
        let mut purchases = Vec::with_capacity(rows.len());
        for (seq, body) in rows {
            let mut p = codec::decode(&body, seq).map_err(StoreError::from)?;
            p.in_flight = in_flight.contains(&p.id);
            purchases.push(p);
        }
        let next_before = if more {
            purchases.last().map(|p| p.id.clone())
        } else {
            None
        };
        Ok(Page {
            purchases,
            next_before,
        })
    }

    fn due_for_aging(
        &self,
        cutoffs: AgingCutoffs,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        self.shared.read_bulk(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id FROM purchases WHERE status IN ('CREATED', 'PENDING_EXECUTE') AND created_on < ?1
                 UNION ALL
                 SELECT id FROM purchases WHERE status = 'OVERDUE' AND created_on < ?2
                 UNION ALL
                 SELECT id FROM purchases WHERE status = 'PREAUTHORIZED' AND created_on < ?3
                 LIMIT ?4",
            )?;
            let rows = stmt.query_map(
                params![
                    cutoffs.overdue,
                    cutoffs.expired,
                    cutoffs.hold_lapsed,
                    limit as i64
                ],
                |r| r.get::<_, String>(0),
            )?;
            rows.collect()
        })
    }

    fn sweep(&self, cutoff: i64, limit: usize) -> Result<usize, StoreError> {
        self.shared.sweep(cutoff, limit)
    }

    fn saved_card(
        &self,
        token: &str,
        brand_id: &str,
    ) -> Result<Option<PendingPayment>, StoreError> {
        let row = self.shared.read(|c| {
            c.prepare_cached(
                "SELECT seq, body FROM purchases WHERE saved_token = ?1 AND saved_brand = ?2
                 ORDER BY seq LIMIT 1",
            )?
            .query_row([token, brand_id], purchase_row)
            .optional()
        })?;
        match row {
            None => Ok(None),
            Some((seq, body)) => Ok(codec::decode(&body, seq)?
                .after
                .remember
                .map(|saved| saved.card)),
        }
    }

    fn saved_cards(
        &self,
        customer: &str,
        brand_id: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        self.shared.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT saved_last4, saved_token FROM purchases
                 WHERE saved_customer = ?1 AND saved_brand = ?2 ORDER BY seq LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![customer, brand_id, limit as i64], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                ))
            })?;
            rows.collect()
        })
    }

    fn append_delivery(&self, d: NewDelivery) -> Result<Delivery, StoreError> {
        self.shared.write(move |w| log_delivery(w, d))
    }

    fn append_delivery_queued(&self, d: NewDelivery) -> Pending<Delivery> {
        self.shared.write_async(move |w| log_delivery(w, d))
    }

    fn delivery(&self, n: u64) -> Result<Option<Delivery>, StoreError> {
        let Ok(n) = i64::try_from(n) else {
            return Ok(None);
        };
        let row = self.shared.read(|c| {
            c.prepare_cached("SELECT record, body FROM deliveries WHERE n = ?1")?
                .query_row([n], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .optional()
        })?;
        row.map(|(record, body)| delivery_of(&record, Some(body)))
            .transpose()
    }

    fn deliveries(
        &self,
        limit: usize,
        before: Option<u64>,
        purchase_id: Option<&str>,
    ) -> Result<Vec<Delivery>, StoreError> {
        let below = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let records: Vec<String> = self.shared.read_bulk(|c| match purchase_id {
            None => {
                let mut stmt = c.prepare_cached(
                    "SELECT record FROM deliveries WHERE n < ?1 ORDER BY n DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![below, limit as i64], |r| r.get(0))?;
                rows.collect()
            }
            Some(id) => {
                let mut stmt = c.prepare_cached(
                    "SELECT record FROM deliveries WHERE purchase_id = ?3 AND n < ?1
                     ORDER BY n DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![below, limit as i64, id], |r| r.get(0))?;
                rows.collect()
            }
        })?;
        records
            .iter()
            .rev()
            .map(|record| delivery_of(record, None))
            .collect()
    }

    fn stats(&self) -> Result<Stats, StoreError> {
        self.shared.read_bulk(|c| {
            let mut by_status = Vec::new();
            let mut total = 0u64;
            {
                let mut stmt = c.prepare_cached(
                    "SELECT status, COUNT(*) FROM purchases GROUP BY status ORDER BY status",
                )?;
                let rows =
                    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
                for row in rows {
                    let (status, n) = row?;
                    let n = n.max(0) as u64;
                    total += n;
                    by_status.push((status, n));
                }
            }
            let double_paid: i64 = c.query_row(
                "SELECT COUNT(*) FROM purchases WHERE paid_count > 1",
                [],
                |r| r.get(0),
            )?;
            let (webhooks, delivered): (i64, i64) = c.query_row(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE response_status BETWEEN 200 AND 299)
                 FROM deliveries",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(Stats {
                purchases: total,
                by_status,
                double_paid: double_paid.max(0) as u64,
                webhooks_total: webhooks.max(0) as u64,
                webhooks_delivered_2xx: delivered.max(0) as u64,
            })
        })
    }

    fn settings(&self) -> Settings {
        self.shared
            .settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn put_settings(&self, settings: &Settings) -> Result<(), StoreError> {
        self.shared
            .put_meta(keys::SETTINGS, &serde_json::to_string(settings)?)?;
        *self
            .shared
            .settings
            .write()
            .unwrap_or_else(|p| p.into_inner()) = settings.clone();
        Ok(())
    }

    fn clock_offset_minutes(&self) -> i64 {
        self.shared.clock_offset.load(Ordering::Relaxed)
    }

    fn advance_clock(&self, minutes: i64) -> Result<i64, StoreError> {
        let shared = Arc::clone(&self.shared);
        // On the writer, so two moves add up rather than race.
        self.shared.write(move |w| {
            let next = shared
                .clock_offset
                .load(Ordering::Relaxed)
                .saturating_add(minutes);
            w.conn
                .prepare_cached(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                )?
                .execute(params![keys::CLOCK, next.to_string()])?;
            shared.clock_offset.store(next, Ordering::Relaxed);
            Ok(next)
        })
    }

    fn refunds_in_process(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        self.shared.read_bulk(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id FROM purchases WHERE status = 'REFUND_IN_PROCESS' LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
            rows.collect()
        })
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.shared.read(|c| {
            c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()
        })
    }

    fn put_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.shared.put_meta(key, value)
    }

    fn reset(&self) -> Result<(), StoreError> {
        let shared = Arc::clone(&self.shared);
        let cache = Arc::clone(&self.shared);
        self.shared.write_settled(
            move |w| {
                atomically(w, |w| {
                    w.conn.execute("DELETE FROM purchases", [])?;
                    w.conn.execute("DELETE FROM deliveries", [])?;
                    w.conn.execute(
                        "DELETE FROM meta WHERE key IN (?1, ?2)",
                        [keys::SETTINGS, keys::CLOCK],
                    )
                })?;
                w.next_seq = 1;
                w.next_delivery = 0;
                *shared.settings.write().unwrap_or_else(|p| p.into_inner()) = Settings::default();
                shared.clock_offset.store(0, Ordering::Relaxed);
                locked(&shared.in_flight).clear();
                locked(&shared.queued).clear();
                Ok(())
            },
            // After the answers to the writes before it (see `write_settled`).
            move |_| cache.recent.clear(),
        )
    }

    fn request_sweep(&self) {
        self.maintenance.sweep_now();
    }
}

#[cfg(test)]
mod tests;
