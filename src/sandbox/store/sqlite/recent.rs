//! The records of the purchases written most recently, as committed: a bounded cache in
//! front of the file for the reads of a flow (the S2S call and the callback read the
//! purchase that was just created or updated).
//!
//! Why: the profile of full flows (create → S2S → callback) showed a fifth of the
//! sandbox's CPU in SQLite reads of those purchases: every commit of the writer throws
//! the readers' page caches away, so each read went back to the file.
//!
//! Consistency: the cache changes only in the writer thread's answers to writes, which
//! run after their batch's commit and in commit order (`Shared::write_settled`): an entry
//! is put by the answer to a committed insert or update, so it is never newer or older
//! than the file; a write that changed no row (the purchase was deleted meanwhile) or
//! failed drops it, and so do retention and reset in their answers, after any earlier
//! write's answer could have put back what they deleted.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use super::locked;
use crate::sandbox::purchase::Purchase;
use crate::sandbox::store::codec;

/// Records kept at most (a paid purchase's record is 2–4 kB: a few MB at most).
const CAPACITY: usize = 1024;

/// A committed (or queued) record: its sequence number, its text, and the purchase that
/// text reads as, when known without reading it (see `codec::as_read_back`).
#[derive(Debug, Clone)]
pub struct Record {
    pub seq: i64,
    pub body: Arc<str>,
    pub read_back: Option<Arc<Purchase>>,
}

impl Record {
    /// The purchase this record holds: a copy of `read_back` when it is known (checked
    /// against a real read in test builds), else the text read.
    pub fn purchase(&self) -> Result<Purchase, serde_json::Error> {
        match &self.read_back {
            Some(known) => {
                codec::check_read_back(&self.body, self.seq, known);
                Ok(Purchase::clone(known))
            }
            None => codec::decode(&self.body, self.seq),
        }
    }
}

/// Displaced records waiting for [`Recent::sweep`] at most; past it they are dropped at once.
/// Every read of the cache sweeps first, so the list holds about one batch's answers
/// (≤ 512); the bound only caps what a burst leaves behind when no read follows (a few MB).
const DISPLACED_BOUND: usize = CAPACITY;

/// The cache.
#[derive(Debug)]
pub struct Recent {
    records: Mutex<LruCache<String, Record>>,
    /// Records a newer one or the capacity pushed out, whose purchase is to be dropped by
    /// the request thread (see [`Recent::sweep`]), not by the writer thread whose answers
    /// put records in: dropping a purchase is a hundred frees of another thread's memory
    /// (the allocator's slow path), 4 % of all samples of full flows on the writer, the
    /// thread their commits wait for.
    displaced: Mutex<Vec<Record>>,
}

/// An empty cache of [`CAPACITY`] records.
fn empty() -> LruCache<String, Record> {
    LruCache::new(NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN))
}

impl Default for Recent {
    fn default() -> Self {
        Recent {
            records: Mutex::new(empty()),
            displaced: Mutex::new(Vec::new()),
        }
    }
}

impl Recent {
    /// The committed record of purchase `id`, if it was written recently.
    pub fn get(&self, id: &str) -> Option<Record> {
        self.sweep();
        locked(&self.records).get(id).cloned()
    }

    /// Purchase `id` was committed as `record`.
    pub fn put(&self, id: &str, record: Record) {
        let out = locked(&self.records).push(id.to_string(), record);
        let Some((_, old)) = out else {
            return;
        };
        if old.read_back.is_some() {
            let mut displaced = locked(&self.displaced);
            if displaced.len() < DISPLACED_BOUND {
                displaced.push(old);
            }
        }
    }

    /// Drops the records pushed out since the last sweep, on the caller's thread (and
    /// after the lock is released, as [`Recent::forget`] and [`Recent::clear`] do).
    pub fn sweep(&self) {
        let gone = std::mem::take(&mut *locked(&self.displaced));
        drop(gone);
    }

    /// Purchase `id` is gone, or its state is no longer known here.
    pub fn forget(&self, id: &str) {
        // Bound first: a popped value left as a temporary would be dropped before the
        // guard, with the lock held.
        let gone = locked(&self.records).pop(id);
        drop(gone);
    }

    /// Every purchase is gone.
    pub fn clear(&self) {
        let gone = std::mem::replace(&mut *locked(&self.records), empty());
        drop(gone);
        self.sweep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_record_and_at_most_its_capacity() {
        let recent = Recent::default();
        let record = |seq: i64, body: &str| Record {
            seq,
            body: Arc::from(body),
            read_back: None,
        };
        recent.put("a", record(1, "one"));
        recent.put("a", record(1, "two"));
        assert_eq!(
            recent.get("a").map(|r| r.body.to_string()),
            Some("two".into())
        );
        for n in 0..CAPACITY + 10 {
            recent.put(&format!("p{n}"), record(n as i64, "x"));
        }
        assert!(recent.get("a").is_none(), "the oldest went first");
        assert!(recent.get("p0").is_none());
        assert!(recent.get(&format!("p{}", CAPACITY + 9)).is_some());
        recent.forget(&format!("p{}", CAPACITY + 9));
        assert!(recent.get(&format!("p{}", CAPACITY + 9)).is_none());
        recent.clear();
        assert!(recent.get(&format!("p{}", CAPACITY + 8)).is_none());
    }

    #[test]
    fn pushed_out_purchases_wait_for_a_sweep_and_their_number_is_bounded() {
        let recent = Recent::default();
        let record = |seq: i64| Record {
            seq,
            body: Arc::from("{}"),
            read_back: Some(Arc::new(Purchase::default())),
        };
        recent.put("a", record(1));
        recent.put("a", record(1));
        assert_eq!(locked(&recent.displaced).len(), 1, "the older one of a");
        for n in 0..CAPACITY + DISPLACED_BOUND + 10 {
            recent.put(&format!("p{n}"), record(n as i64));
        }
        assert_eq!(locked(&recent.displaced).len(), DISPLACED_BOUND);
        recent.sweep();
        assert!(locked(&recent.displaced).is_empty());
        assert!(
            recent
                .get(&format!("p{}", CAPACITY + DISPLACED_BOUND + 9))
                .is_some()
        );
    }
}
