//! What the merchant stub observed (a webhook delivered to it, a customer's browser landing
//! on a redirect page). The embedded sandbox's stub emits these; `flow`, `history` and the
//! explorer read them, so the type lives with the wire types rather than in the emulator.

use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast;

/// Something the merchant stub received.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MerchantEvent {
    /// A webhook delivery to `POST /merchant/webhook`.
    Webhook {
        purchase_id: String,
        status: String,
        signature_valid: bool,
        received_at_ms: i64,
        /// The absolute URL the delivery was posted to, so a replay can reach it.
        url: String,
        /// The `paysecure-sign` value it came with (a signature, not a secret: a replay
        /// needs it to verify).
        signature: Option<String>,
        /// The `content-type` it came with.
        content_type: Option<String>,
        body: Value,
    },
    /// The customer's browser landed on a redirect page.
    Landing {
        page: String,
        purchase_id: Option<String>,
        received_at_ms: i64,
        /// The absolute URL the browser landed on, query included.
        url: String,
    },
}

impl MerchantEvent {
    /// The purchase the event is about, if known.
    pub fn purchase_id(&self) -> Option<&str> {
        match self {
            MerchantEvent::Webhook { purchase_id, .. } => Some(purchase_id),
            MerchantEvent::Landing { purchase_id, .. } => purchase_id.as_deref(),
        }
    }
}

/// Where merchant-stub events can be read (the embedded sandbox's handle), so a flow can
/// wait for its webhook without knowing the emulator.
pub trait MerchantEventSource {
    /// Events from now on.
    fn subscribe(&self) -> broadcast::Receiver<MerchantEvent>;
    /// Every event so far.
    fn events_so_far(&self) -> Vec<MerchantEvent>;
}
