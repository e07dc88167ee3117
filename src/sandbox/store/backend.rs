//! The one interface between the sandbox and where its state lives.
//!
//! Today SQLite in one process ([`super::sqlite`]). The interface is narrow on purpose so
//! that a shared server database (PostgreSQL) could implement it later and back several
//! `serve` replicas behind a load balancer: every call is one short unit of work on one
//! purchase, one page, or one small record, and nothing assumes the caller holds the only
//! copy of the state. What such a backend would do differently is said per method.

use std::sync::Arc;

use super::{Delivery, Settings, StoreError};
use crate::sandbox::purchase::{PendingPayment, Purchase};

/// What inserting a purchase did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Stored, with this sequence number (newest is highest; `PS{seq}` is its reference).
    Added { seq: i64 },
    /// Another purchase already has this `merchantRef`.
    DuplicateMerchantRef,
}

/// The answer to a write queued for the store's next group commit: it arrives once the
/// write is committed (or failed), and the caller's thread is free meanwhile.
pub type Pending<T> = tokio::sync::oneshot::Receiver<Result<T, StoreError>>;

/// Where a page of the purchase list starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// At most this many purchases.
    pub limit: usize,
    /// Only purchases created before the one with this id (`None`: from the newest).
    pub before: Option<String>,
}

/// One page of purchases, newest first.
#[derive(Debug, Default)]
pub struct Page {
    pub purchases: Vec<Purchase>,
    /// The id to pass as `before` for the next page; `None` on the last page.
    pub next_before: Option<String>,
}

/// Why a page could not be read.
#[derive(Debug)]
pub enum PageError {
    /// `before` names no purchase (never existed, or deleted by retention or a reset).
    UnknownBefore(String),
    Store(StoreError),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Store(e)
    }
}

/// A webhook delivery to log; the store numbers it.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub purchase_id: String,
    pub url: String,
    pub status: String,
    pub signature: String,
    pub response_status: Option<u16>,
    pub error: Option<String>,
    pub delivered_at: i64,
    pub forwarded: bool,
    /// The JSON text that was sent.
    pub body: std::sync::Arc<str>,
}

/// The control plane's counts (`GET /_sandbox/stats`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    pub purchases: u64,
    /// Upper-case status → count.
    pub by_status: Vec<(String, u64)>,
    /// Purchases whose history says `paid` more than once (must stay 0).
    pub double_paid: u64,
    pub webhooks_total: u64,
    pub webhooks_delivered_2xx: u64,
}

/// Which waiting purchases a clock move can age (see `aging.rs`): those created before
/// each cut-off, by status.
#[derive(Debug, Clone, Copy)]
pub struct AgingCutoffs {
    /// CREATED and PENDING_EXECUTE created before this go OVERDUE (or EXPIRED).
    pub overdue: i64,
    /// OVERDUE created before this expire.
    pub expired: i64,
    /// PREAUTHORIZED created before this lapse.
    pub hold_lapsed: i64,
}

/// The state store's interface. Every method blocks for one short unit of work; callers
/// on an async runtime run the ones that read many rows (pages, counts, scans, sweeps)
/// on a blocking thread.
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// The purchase `id`, as last stored.
    fn get(&self, id: &str) -> Result<Option<Purchase>, StoreError>;

    /// Stores a new purchase, unless its `merchantRef` is taken.
    fn insert(&self, p: &Purchase) -> Result<Inserted, StoreError>;

    /// [`Backend::insert`] for async callers: queued, answered after its commit with the
    /// purchase as stored (its reference given), which the store may keep shared.
    /// (PostgreSQL: the same insert on an async connection pool.)
    fn insert_queued(&self, p: Purchase) -> Pending<(Inserted, Arc<Purchase>)>;

    /// Runs `f` on purchase `id` and stores what it leaves; `Ok(false)` when there is no
    /// such purchase. Two updates of one purchase never interleave (this is what makes
    /// "50 concurrent S2S calls give exactly one 202" hold); updates of different
    /// purchases run in parallel. `f` sees `in_flight` as the store knows it and may
    /// change it. (PostgreSQL: `SELECT … FOR UPDATE` in a transaction, `in_flight` a
    /// column with a lease time so a crashed replica's mark runs out.)
    fn update(&self, id: &str, f: &mut dyn FnMut(&mut Purchase)) -> Result<bool, StoreError>;

    /// [`Backend::update`] for async callers: `f` runs (with every other update of the
    /// purchase excluded) and its write is queued; the answer comes once that write is
    /// committed. `Ok(None)` when there is no such purchase. (PostgreSQL: the same
    /// transaction on an async connection pool.)
    fn update_queued(
        &self,
        id: &str,
        f: &mut dyn FnMut(&mut Purchase),
    ) -> Result<Option<Pending<()>>, StoreError>;

    /// Clears the in-flight mark of `id` (an S2S call ended, however it ended).
    fn end_in_flight(&self, id: &str);

    /// A page of purchases, newest first.
    fn page(&self, query: &PageQuery) -> Result<Page, PageError>;

    /// Ids of up to `limit` purchases that aging would move at these cut-offs.
    fn due_for_aging(&self, cutoffs: AgingCutoffs, limit: usize)
    -> Result<Vec<String>, StoreError>;

    /// Deletes up to `limit` purchases whose status last changed before `cutoff`
    /// (sandbox clock), with their webhook deliveries; returns how many purchases went.
    fn sweep(&self, cutoff: i64, limit: usize) -> Result<usize, StoreError>;

    /// The card saved under `token` for `brand_id`, if any.
    fn saved_card(&self, token: &str, brand_id: &str)
    -> Result<Option<PendingPayment>, StoreError>;

    /// `(last four digits, token)` of the cards saved for `customer` with `brand_id`,
    /// oldest first, at most `limit`.
    fn saved_cards(
        &self,
        customer: &str,
        brand_id: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>, StoreError>;

    /// Logs a webhook delivery; returns it with its number (0, 1, 2, … since the last reset).
    fn append_delivery(&self, d: NewDelivery) -> Result<Delivery, StoreError>;

    /// [`Backend::append_delivery`] for async callers: answered after its commit.
    fn append_delivery_queued(&self, d: NewDelivery) -> Pending<Delivery>;

    /// Delivery `n`, with its body.
    fn delivery(&self, n: u64) -> Result<Option<Delivery>, StoreError>;

    /// The newest `limit` deliveries numbered below `before` (all when `None`), of one
    /// purchase when `purchase_id` says so, oldest first, without their bodies.
    fn deliveries(
        &self,
        limit: usize,
        before: Option<u64>,
        purchase_id: Option<&str>,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// The control plane's counts.
    fn stats(&self) -> Result<Stats, StoreError>;

    /// The emulator's knobs. (SQLite keeps them cached: the process owns the file.
    /// PostgreSQL: read per call, or cached with LISTEN/NOTIFY invalidation.)
    fn settings(&self) -> Settings;

    fn put_settings(&self, settings: &Settings) -> Result<(), StoreError>;

    /// Minutes the sandbox clock runs ahead of the wall clock.
    fn clock_offset_minutes(&self) -> i64;

    /// Moves the sandbox clock `minutes` ahead; returns the new offset.
    fn advance_clock(&self, minutes: i64) -> Result<i64, StoreError>;

    /// Ids of purchases with a partial refund accepted but not yet booked (a process
    /// stopped between the reply and the booking): booked again at start.
    fn refunds_in_process(&self, limit: usize) -> Result<Vec<String>, StoreError>;

    /// A small value kept with the state (the embedded sandbox's last port).
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;

    fn put_meta(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// Clears purchases, deliveries, settings and the clock.
    fn reset(&self) -> Result<(), StoreError>;

    /// Asks the store to delete what retention allows now, in the background.
    fn request_sweep(&self);
}
