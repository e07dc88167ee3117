//! What every sandbox handler shares: the store, credentials, the signing and the
//! merchant stub's event feed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, Semaphore, broadcast};

use super::request::Keys;
use super::signing::Verifier;
use super::store::Store;
use crate::api::MerchantEvent;
use crate::api::redact::Redactor;

/// Most merchant-stub events kept for `/_sandbox/merchant/events` (oldest dropped first).
const EVENT_LOG_CAP: usize = 10_000;
/// Most webhook body bytes (as received) the kept events may add up to, oldest dropped
/// first. A body is kept parsed, ~8–10× its text in memory: 10,000 webhooks of a 2.4 kB
/// purchase held 220–300 MiB, so the count alone did not bound the memory.
const EVENT_LOG_BODY_BYTES: usize = 4 << 20;

/// The merchant stub's kept events, with the body bytes each one counts for.
#[derive(Debug, Default)]
pub struct EventLog {
    events: VecDeque<(MerchantEvent, usize)>,
    body_bytes: usize,
}

impl EventLog {
    /// Appends `event`, then drops the oldest until both bounds hold again (the newest
    /// is always kept, whatever its size: bodies are already bounded by the body limit).
    fn push(&mut self, event: MerchantEvent, body_bytes: usize) {
        self.events.push_back((event, body_bytes));
        self.body_bytes += body_bytes;
        while self.events.len() > 1
            && (self.events.len() > EVENT_LOG_CAP || self.body_bytes > EVENT_LOG_BODY_BYTES)
        {
            if let Some((_, bytes)) = self.events.pop_front() {
                self.body_bytes -= bytes;
            }
        }
    }
}

/// Shared state of one running sandbox.
#[derive(Debug)]
pub struct SandboxState {
    pub store: Store,
    pub keys: Keys,
    /// What the log writes URLs through: card numbers, codes and both API keys (a client
    /// may put one in a path or a query) removed.
    pub log_redactor: Redactor,
    pub brand_id: String,
    pub brand_name: String,
    /// `http://127.0.0.1:PORT`, used when a request has no usable `Host`.
    pub origin: String,
    pub verifier: Verifier,
    /// Outgoing client for webhook deliveries.
    pub http: reqwest::Client,
    pub events: broadcast::Sender<MerchantEvent>,
    /// Bounded in count and in body bytes: the oldest event goes first (a deque, O(1)).
    pub event_log: Mutex<EventLog>,
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
    /// Woken when a delivery leaves a queue that has room again (see `webhook::backpressure`).
    pub webhook_room: Notify,
    /// The webhooks of one purchase to one URL go out in the order their status changes
    /// happened: each delivery waits for the previous one's end (its receiver, kept here
    /// with a number so the last one can remove itself). One entry per destination with a
    /// delivery queued, so bounded by the queue.
    pub webhook_chains: std::sync::Mutex<
        std::collections::HashMap<String, (u64, tokio::sync::oneshot::Receiver<()>)>,
    >,
    pub webhook_chain_numbers: std::sync::atomic::AtomicU64,
    /// Signs webhooks on threads of its own, one per core, so signing never holds a
    /// runtime worker and runs back to back while deliveries wait.
    pub signing: super::signing_pool::SigningPool,
    /// `serve --forward-to`: every webhook is also sent here, as a delivery of its own.
    pub forward_to: Option<String>,
    /// Per-process token the dashboard's forms carry, so another site cannot post them.
    pub form_token: String,
}

impl SandboxState {
    /// Records and broadcasts a merchant-stub event that came with `body_bytes` of body.
    pub fn publish(&self, event: MerchantEvent, body_bytes: usize) {
        // A copy (a webhook's whole body) only for subscribers; `serve` alone has none,
        // and the log keeps the event either way. Counted under the log's lock: whoever
        // subscribes after the count then reads the log (`events_so_far`) after the push.
        let mut log = self.event_log.lock().unwrap_or_else(|p| p.into_inner());
        let broadcast = (self.events.receiver_count() > 0).then(|| event.clone());
        log.push(event, body_bytes);
        drop(log);
        if let Some(event) = broadcast {
            let _ = self.events.send(event);
        }
    }

    /// A copy of the merchant-stub event log.
    pub fn events_snapshot(&self) -> Vec<MerchantEvent> {
        self.event_log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .events
            .iter()
            .map(|(event, _)| event.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn landing(n: usize) -> MerchantEvent {
        MerchantEvent::Landing {
            page: "success".into(),
            purchase_id: Some(format!("p{n}")),
            received_at_ms: 0,
            url: String::new(),
        }
    }

    fn ids(log: &EventLog) -> Vec<String> {
        log.events
            .iter()
            .filter_map(|(e, _)| match e {
                MerchantEvent::Landing { purchase_id, .. } => purchase_id.clone(),
                MerchantEvent::Webhook { purchase_id, .. } => Some(purchase_id.clone()),
            })
            .collect()
    }

    #[test]
    fn the_event_log_drops_the_oldest_past_its_body_bytes() {
        let mut log = EventLog::default();
        let third = EVENT_LOG_BODY_BYTES / 3 + 1;
        for n in 0..3 {
            log.push(landing(n), third);
        }
        // Three thirds (and a bit) do not fit: the oldest went.
        assert_eq!(ids(&log), ["p1", "p2"]);
        assert_eq!(log.body_bytes, 2 * third);
        // One event larger than the whole budget is kept alone, the newest.
        log.push(landing(3), EVENT_LOG_BODY_BYTES * 2);
        assert_eq!(ids(&log), ["p3"]);
    }

    #[test]
    fn the_event_log_drops_the_oldest_past_its_count() {
        let mut log = EventLog::default();
        for n in 0..EVENT_LOG_CAP + 5 {
            log.push(landing(n), 0);
        }
        assert_eq!(log.events.len(), EVENT_LOG_CAP);
        assert_eq!(ids(&log).first().map(String::as_str), Some("p5"));
    }
}
