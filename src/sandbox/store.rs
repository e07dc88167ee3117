//! The sandbox's memory: purchases, settings, the clock offset and the webhook log,
//! behind one mutex. Every operation under the lock is short and never awaits, so one
//! lock is both simple and fast; it is what makes "50 concurrent S2S calls on one purchase
//! give exactly one 202" hold.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::purchase::{Purchase, Status};
use crate::clock::now_epoch;

/// The emulator's knobs (`/_sandbox/settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// S2S attempts allowed per purchase.
    pub attempt_limit: u32,
    /// `"3d"` (202 pending + callback) or `"2d"` (outcome applied inside the S2S call).
    pub mode: String,
    /// Delay added to every API call, in milliseconds.
    pub latency_ms: u64,
    /// How long the hang fault card hangs, in seconds.
    pub timeout_s: u64,
    /// How long one webhook delivery (connect, send, answer head) may take, in seconds.
    pub webhook_timeout_s: u64,
    /// How long a partial refund stays REFUND_IN_PROCESS after its reply, in milliseconds
    /// (0: it settles right after the reply; more lets `refundStatus` be seen in process).
    pub refund_delay_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            attempt_limit: 3,
            mode: "3d".into(),
            latency_ms: 0,
            timeout_s: 30,
            webhook_timeout_s: 10,
            refund_delay_ms: 0,
        }
    }
}

/// One webhook delivery, as the control plane lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub n: usize,
    pub purchase_id: String,
    pub url: String,
    pub status: String,
    pub signature: String,
    pub response_status: Option<u16>,
    pub error: Option<String>,
    pub delivered_at: i64,
    /// A copy sent to `serve --forward-to` (absent from the JSON when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forwarded: bool,
    /// The body that was sent, kept so the delivery can be replayed.
    #[serde(skip)]
    pub body: Value,
}

/// Everything behind the lock.
#[derive(Debug, Default)]
pub struct Inner {
    pub purchases: HashMap<String, Purchase>,
    /// Purchase ids in creation order (oldest first).
    pub order: Vec<String>,
    pub merchant_refs: HashSet<String>,
    pub settings: Settings,
    /// Minutes the sandbox clock runs ahead of the wall clock.
    pub clock_offset_minutes: i64,
    pub deliveries: Vec<Delivery>,
}

impl Inner {
    /// The sandbox's "now" in epoch seconds (wall clock plus the control-plane offset).
    pub fn now(&self) -> i64 {
        now_epoch() + self.clock_offset_minutes * 60
    }

    /// Applies the time-based transitions (OVERDUE after 2 h, EXPIRED after 24 h) to one
    /// purchase; returns true when it expired (the caller sends the `expired` webhook).
    pub fn age(&mut self, id: &str) -> bool {
        let now = self.now();
        let Some(p) = self.purchases.get_mut(id) else {
            return false;
        };
        let age = now - p.created_on;
        let waiting = matches!(
            p.status,
            Status::Created | Status::PendingExecute | Status::Overdue
        );
        if waiting && age > 24 * 3600 {
            p.pending = None;
            p.set_status(Status::Expired, now);
            return true;
        }
        // An un-captured hold lapses after 7 days, as card holds do (reference §6.4).
        if p.status == Status::Preauthorized && age > 7 * 24 * 3600 {
            p.set_status(Status::Expired, now);
            return true;
        }
        if matches!(p.status, Status::Created | Status::PendingExecute) && age > 120 * 60 {
            p.set_status(Status::Overdue, now);
        }
        false
    }
}

/// The shared store.
#[derive(Debug, Default)]
pub struct Store {
    inner: Mutex<Inner>,
    id_counter: AtomicU32,
}

impl Store {
    /// Locks the store; a poisoned lock (a panic elsewhere) is recovered, not propagated,
    /// because every mutation leaves the data consistent before it can panic.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh 24-hex-digit id (ObjectId-like: time, randomness, counter).
    pub fn new_id(&self) -> String {
        let mut random = [0u8; 5];
        // ring's system RNG; if it fails we still have time + counter, so ids stay unique.
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random);
        let counter = self.id_counter.fetch_add(1, Ordering::Relaxed) & 0x00ff_ffff;
        let mut id = format!("{:08x}", now_epoch() as u32);
        for b in random {
            id.push_str(&format!("{b:02x}"));
        }
        id.push_str(&format!("{counter:06x}"));
        id
    }

    /// Clears purchases, deliveries, settings and the clock.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_lower_hex_and_unique() {
        let store = Store::default();
        let a = store.new_id();
        let b = store.new_id();
        assert_eq!(a.len(), 24);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_ne!(a, b);
    }
}
