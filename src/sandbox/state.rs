//! What every sandbox handler shares: the store, credentials, the signer and the
//! merchant stub's event feed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, broadcast};

use super::request::Keys;
use super::signing::{Signer, Verifier};
use super::store::Store;
use crate::api::MerchantEvent;

/// Most merchant-stub events kept for `/_sandbox/merchant/events` (oldest dropped first).
const EVENT_LOG_CAP: usize = 10_000;

/// Shared state of one running sandbox.
#[derive(Debug)]
pub struct SandboxState {
    pub store: Store,
    pub keys: Keys,
    pub brand_id: String,
    pub brand_name: String,
    /// `http://127.0.0.1:PORT`, used when a request has no usable `Host`.
    pub origin: String,
    /// Shared with the blocking threads that sign off the runtime's workers.
    pub signer: Arc<Signer>,
    pub verifier: Verifier,
    /// Outgoing client for webhook deliveries.
    pub http: reqwest::Client,
    pub events: broadcast::Sender<MerchantEvent>,
    /// Bounded: the oldest event goes first (a deque, so that costs O(1)).
    pub event_log: Mutex<VecDeque<MerchantEvent>>,
    /// One permit per webhook delivery in flight: a receiver that never answers must not
    /// pile up sockets until the process runs out of file descriptors.
    pub webhook_slots: Arc<Semaphore>,
    /// The number of permits `webhook_slots` started with, for the log message.
    pub webhook_slot_count: usize,
    /// One permit per webhook delivery admitted (queued, signing or in flight): the bound
    /// on the deliveries' memory when status changes outrun the signing.
    pub webhook_queue: Arc<Semaphore>,
    /// The number of permits `webhook_queue` started with, for the log message.
    pub webhook_queue_count: usize,
    /// One permit per signature being computed: signing runs on blocking threads, at most
    /// as many at once as there are cores, so it never holds a runtime worker.
    pub signing_slots: Arc<Semaphore>,
    /// `serve --forward-to`: every webhook is also sent here, as a delivery of its own.
    pub forward_to: Option<String>,
    /// Per-process token the dashboard's forms carry, so another site cannot post them.
    pub form_token: String,
}

impl SandboxState {
    /// Records and broadcasts a merchant-stub event.
    pub fn publish(&self, event: MerchantEvent) {
        {
            let mut log = self.event_log.lock().unwrap_or_else(|p| p.into_inner());
            if log.len() >= EVENT_LOG_CAP {
                log.pop_front();
            }
            log.push_back(event.clone());
        }
        // No subscriber is fine: the log keeps it.
        let _ = self.events.send(event);
    }

    /// A copy of the merchant-stub event log.
    pub fn events_snapshot(&self) -> Vec<MerchantEvent> {
        self.event_log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}
