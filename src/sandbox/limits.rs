//! How much one sandbox lets a client hold: connection count, how long a request head or
//! body may take to arrive, and how many webhook deliveries may be out at once. Without
//! these, ~1,000 connections that each send one byte exhaust the file descriptors and every
//! legitimate request stalls.

use std::time::Duration;

/// File descriptors kept back from the connection cap: the listener, stdio, history
/// files, every webhook delivery in flight and every 503 being written need one each.
const RESERVED_FDS: u64 =
    64 + DEFAULT_WEBHOOKS_IN_FLIGHT as u64 + super::server::MAX_REFUSALS_IN_FLIGHT as u64;
/// The cap never goes below this, even under a tiny open-file limit.
const MIN_CONNECTIONS: usize = 16;
/// Webhook deliveries allowed in flight by default.
pub const DEFAULT_WEBHOOKS_IN_FLIGHT: usize = 64;
/// Webhook deliveries admitted at once by default (waiting to be signed, being signed or
/// in flight). Each holds its purchase body (a few kB), so this bounds their memory.
pub const DEFAULT_WEBHOOKS_QUEUED: usize = 1024;

/// The sandbox's connection and delivery limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A request head (request line and headers) must arrive within this. It also bounds
    /// an idle keep-alive connection: hyper starts the timer as soon as it waits for the
    /// next head.
    pub header_read_timeout: Duration,
    /// A request body must arrive in full within this (a whole-body deadline, not a
    /// per-chunk one, so a byte every few seconds cannot hold a connection forever).
    pub body_read_timeout: Duration,
    /// Connections served at once; the newest beyond it get a coded 503 and are closed.
    /// Lowered at start to what the open-file limit allows.
    pub max_connections: usize,
    /// Webhook deliveries in flight at once; a signed delivery waits up to 1 s for a place,
    /// then is logged as not sent (a replay finding none free, at once).
    pub max_webhooks_in_flight: usize,
    /// Webhook deliveries admitted at once (queued for signing, signing or in flight).
    /// One beyond it is logged at once as not sent (unsigned), to be replayed: nothing is
    /// dropped silently, and a burst of status changes cannot grow memory without bound.
    pub max_webhooks_queued: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            max_connections: 2048,
            max_webhooks_in_flight: DEFAULT_WEBHOOKS_IN_FLIGHT,
            max_webhooks_queued: DEFAULT_WEBHOOKS_QUEUED,
        }
    }
}

impl Limits {
    /// The connection cap this process can honour: the configured one, lowered so that the
    /// connections plus [`RESERVED_FDS`] fit under the soft open-file limit.
    pub fn effective_max_connections(&self) -> usize {
        let budget = open_file_limit()
            .map(|soft| soft.saturating_sub(RESERVED_FDS))
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(self.max_connections);
        self.max_connections.min(budget).max(MIN_CONNECTIONS)
    }
}

/// The soft open-file limit, where the platform has one.
fn open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::Resource::NOFILE.get().ok().map(|(soft, _)| soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Raises the soft open-file limit towards the hard one (at most `want`), as servers
/// usually do at start: the common default of 1,024 is what let a slow-connection flood
/// starve the sandbox. Returns the limit now in force, if known.
pub fn raise_open_file_limit(want: u64) -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::increase_nofile_limit(want).ok()
    }
    #[cfg(not(unix))]
    {
        let _ = want;
        None
    }
}
