//! Signed webhook delivery: one attempt, no retry (as Paysecure), every delivery logged
//! so the control plane can list and replay it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OwnedSemaphorePermit;

use super::access_log::{WEBHOOK_TARGET, loggable_url};
use super::errors::Coded;
use super::purchase::{Purchase, Status};
use super::state::SandboxState;
use super::store::backend::Pending;
use super::store::{Delivery, NewDelivery, StoreError};
use crate::clock::now_epoch;
use crate::error_text::error_chain;
use crate::paysecure::webhook_signature::signed_string;
use crate::term_text::clean;

/// A webhook to send, prepared under the store's lock.
#[derive(Debug, Clone)]
pub struct WebhookJob {
    pub purchase_id: String,
    pub status: String,
    pub brand_id: String,
    pub url: String,
    /// The JSON text posted (and logged for a replay), written once per status change.
    pub body: Arc<str>,
    /// A copy sent to `--forward-to`, not to the purchase's own callback.
    pub forwarded: bool,
}

/// The webhook a status calls for, if the purchase has a URL for it: `paid`,
/// `partially_captured`, `hold`, `refunded`, `partial_refunded` → `success_callback`;
/// `error`, `expired`, `cancelled` → `failure_callback`. (Paysecure sends holds, refunds
/// and cancels to the dashboard's webhooks; the sandbox has no dashboard, so they go to
/// the purchase's callbacks, an emulator choice.)
pub fn job_for(purchase: &Purchase, origin: &str) -> Option<WebhookJob> {
    // Paysecure names the PREAUTHORIZED event `hold`; the signed string follows it.
    let status = match purchase.status {
        Status::Preauthorized => "hold".to_string(),
        other => other.lower(),
    };
    let url = match status.as_str() {
        "paid" | "partially_captured" | "hold" | "refunded" | "partial_refunded" => {
            purchase.success_callback.clone()
        }
        "error" | "expired" | "cancelled" => purchase.failure_callback.clone(),
        _ => None,
    }?;
    let body = Arc::from(purchase.webhook_body(origin, &status));
    Some(WebhookJob {
        purchase_id: purchase.id.clone(),
        status,
        brand_id: purchase.brand_id.clone(),
        url,
        body,
        forwarded: false,
    })
}

/// Sends the webhook the purchase's status calls for, if any, in the background.
/// Called inside an update, the delivery takes its place in the purchase's chain now (in
/// the order of the status changes) and goes once the change it announces is committed:
/// a merchant who reads the status on receipt reads this one. A write that fails sends
/// nothing (the change it would announce was not stored).
pub fn notify(state: &Arc<SandboxState>, purchase: &Purchase, origin: &str) {
    if let Some(job) = job_for(purchase, origin) {
        let gated = spawn_gated(state, job);
        let state = Arc::clone(state);
        super::store::after_commit::defer(move || open(&state, gated));
    }
}

/// Sends the job in the background, and a copy of it to the `--forward-to` endpoint if
/// there is one (unless that is where the job goes anyway).
pub fn spawn_delivery(state: &Arc<SandboxState>, job: WebhookJob) {
    open(state, spawn_gated(state, job));
}

/// A delivery [`spawn_gated`] made: waiting behind its gate, or refused by the full queue
/// and to be logged as not sent.
enum Gated {
    Waiting(tokio::sync::oneshot::Sender<()>),
    QueueFull(WebhookJob),
}

/// Lets deliveries made by [`spawn_gated`] go, and logs those the queue refused as not
/// sent: both only once the change they announce is committed (a failed write logs no
/// delivery that could be replayed for a change that never happened).
fn open(state: &SandboxState, gated: Vec<Gated>) {
    for delivery in gated {
        match delivery {
            Gated::Waiting(gate) => {
                let _ = gate.send(());
            }
            Gated::QueueFull(job) => defer(state, job),
        }
    }
}

/// [`spawn_delivery`], each delivery waiting for its gate (dropped: not sent).
fn spawn_gated(state: &Arc<SandboxState>, job: WebhookJob) -> Vec<Gated> {
    let copy = state
        .forward_to
        .as_ref()
        .filter(|target| **target != job.url)
        .map(|target| WebhookJob {
            url: target.clone(),
            forwarded: true,
            ..job.clone()
        });
    std::iter::once(job)
        .chain(copy)
        .map(|job| spawn_one(state, job))
        .collect()
}

/// The `--forward-to` value as the sandbox keeps it: an absolute http(s) URL with a host.
pub fn forward_target(url: &str) -> Result<String, String> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(u.to_string()),
        Ok(_) => Err(format!(
            "--forward-to {url:?}: only http:// and https:// URLs can receive webhooks"
        )),
        Err(e) => Err(format!("--forward-to {url:?}: not a URL ({e})")),
    }
}

/// One delivery in the background, if the delivery queue has room; otherwise it is
/// logged as not sent once opened (and not signed: a replay signs it), so a burst of status
/// changes faster than the signing cannot pile up deliveries without bound. The queue
/// place is taken here, synchronously; the webhooks of one purchase to one URL go out in
/// the order of its status changes (each waits for the previous one's end, below). The
/// in-flight slot is waited for once signed, so deliveries waiting for a signature do not
/// hold the sockets' slots.
/// Returns the gate the delivery waits behind, or the job the full queue refused.
fn spawn_one(state: &Arc<SandboxState>, job: WebhookJob) -> Gated {
    let Ok(admitted) = Arc::clone(&state.webhook_queue).try_acquire_owned() else {
        return Gated::QueueFull(job);
    };
    let (gate, gate_rx) = tokio::sync::oneshot::channel::<()>();
    // Its place in this purchase's chain, taken here, synchronously, in the order the
    // status changes happened (spawned tasks may start in any order).
    let key = format!("{}\n{}", job.purchase_id, job.url);
    let number = state
        .webhook_chain_numbers
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (done, done_rx) = tokio::sync::oneshot::channel::<()>();
    let previous = chains(state)
        .insert(key.clone(), (number, done_rx))
        .map(|(_, rx)| rx);
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let committed = gate_rx.await.is_ok();
        if let Some(previous) = previous {
            // Ended (sent or not) or dropped: either way this one may go.
            let _ = previous.await;
        }
        if committed {
            // A delivery the log could not keep is said in the server log (Coded::from).
            let _ = deliver(&state, job, None, true).await;
        }
        let _ = done.send(());
        let mut chains = chains(&state);
        if chains.get(&key).is_some_and(|(n, _)| *n == number) {
            chains.remove(&key);
        }
        drop(chains);
        drop(admitted);
        if state.webhook_queue.available_permits() >= room_wanted(&state) {
            state.webhook_room.notify_waiters();
        }
    });
    Gated::Waiting(gate)
}

/// The per-destination delivery chains (a poisoned lock is recovered: each change under
/// it is one map operation).
fn chains(
    state: &SandboxState,
) -> std::sync::MutexGuard<
    '_,
    std::collections::HashMap<String, (u64, tokio::sync::oneshot::Receiver<()>)>,
> {
    state
        .webhook_chains
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Requests that can change a purchase's status wait here (asynchronously, at most
/// [`BACKPRESSURE_WAIT`]) until the delivery queue has room for a burst of them: when
/// status changes outrun the signing, their clients slow down to the signing's pace
/// instead of the deliveries past the queue's bound being logged as not sent.
pub async fn backpressure(
    axum::extract::State(state): axum::extract::State<Arc<SandboxState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    wait_for_room(&state).await;
    next.run(req).await
}

/// The wait of [`backpressure`], for middleware that does more (the API's, which adds the
/// configured latency after it: one layer, not two, on every API call).
pub async fn wait_for_room(state: &SandboxState) {
    // Not an `acquire_many` on the queue itself: a waiter there would be handed the freed
    // places first, and the deliveries it waits for would find the queue full.
    let deadline = tokio::time::Instant::now() + BACKPRESSURE_WAIT;
    loop {
        // Registered before the check, so a wake-up between the two is not missed.
        let room = state.webhook_room.notified();
        if state.webhook_queue.available_permits() >= room_wanted(state) {
            break;
        }
        if tokio::time::timeout_at(deadline, room).await.is_err() {
            break;
        }
    }
}

/// The free queue places a request waits for (never more than the queue has).
fn room_wanted(state: &SandboxState) -> usize {
    BACKPRESSURE_ROOM.min(state.webhook_queue_count)
}

/// The longest a signed background delivery waits for an in-flight place: long enough
/// for a burst of signatures to find the places that healthy receivers free within
/// milliseconds, short enough that deliveries stuck behind hanging receivers give their
/// queue places back (logged as not sent) before the queue fills and slows the API.
const SLOT_WAIT: Duration = Duration::from_secs(1);

/// Free queue places a status-changing request waits for: more than the concurrent
/// requests a client usually keeps, so the ones admitted together rarely overflow it.
const BACKPRESSURE_ROOM: usize = 64;
/// The longest a request waits for that room; past it the request runs, and a delivery
/// that finds the queue full is logged as not sent.
const BACKPRESSURE_WAIT: Duration = Duration::from_secs(1);

/// Logs a delivery the full queue could not admit, as not sent: the control plane lists
/// it and `POST /_sandbox/webhooks/{n}/replay` sends it (Paysecure's one attempt, made
/// by hand). Only the log write's answer is awaited in the background, not the body.
fn defer(state: &SandboxState, job: WebhookJob) {
    let error = format!(
        "not sent: {} deliveries already queued for signing and sending (the limit); replay it later",
        state.webhook_queue_count
    );
    log_delivery(state, &job, None, Some(&error));
    let pending = record(state, job, String::new(), None, Some(error));
    tokio::spawn(async move {
        let _ = committed(pending.await);
    });
}

/// Takes an in-flight slot for a delivery made in the foreground (a replay).
pub fn take_slot(state: &SandboxState) -> Option<OwnedSemaphorePermit> {
    Arc::clone(&state.webhook_slots).try_acquire_owned().ok()
}

/// Signs and posts one webhook (if it holds a `slot`, or, with `wait_for_slot_when_signed`,
/// once one is free after signing, waiting at most [`SLOT_WAIT`]), then logs the delivery;
/// returns the log entry. Without a slot (a replay that found them all taken, or a
/// background delivery that waited in vain) the webhook is logged as not sent, and can be
/// replayed. `Err` when the state store could
/// not log it (it was sent all the same).
pub async fn deliver(
    state: &SandboxState,
    job: WebhookJob,
    slot: Option<OwnedSemaphorePermit>,
    wait_for_slot_when_signed: bool,
) -> Result<Delivery, Coded> {
    let message = signed_string(&job.purchase_id, &job.status, &job.brand_id);
    let signature = state.signing.sign(message).await;
    let slot = match slot {
        None if wait_for_slot_when_signed => {
            tokio::time::timeout(SLOT_WAIT, Arc::clone(&state.webhook_slots).acquire_owned())
                .await
                .ok()
                .and_then(Result::ok)
        }
        slot => slot,
    };
    let (response_status, error) = match slot {
        Some(slot) => {
            let timeout = Duration::from_secs(state.store.settings().webhook_timeout_s);
            let sent = post(state, &job, &signature, timeout).await;
            drop(slot);
            match sent {
                Ok(status) => (Some(status), None),
                Err(e) => (None, Some(describe(&e, timeout))),
            }
        }
        None => (
            None,
            Some(format!(
                "not sent: {} deliveries already in flight (the limit){}; replay it later",
                state.webhook_slot_count,
                if wait_for_slot_when_signed {
                    format!(" for {} s", SLOT_WAIT.as_secs())
                } else {
                    String::new()
                }
            )),
        ),
    };
    log_delivery(state, &job, response_status, error.as_deref());
    committed(record(state, job, signature, response_status, error).await)
}

/// Queues the delivery's log entry; the receiver answers after its commit.
fn record(
    state: &SandboxState,
    job: WebhookJob,
    signature: String,
    response_status: Option<u16>,
    error: Option<String>,
) -> Pending<Delivery> {
    state.store.backend().append_delivery_queued(NewDelivery {
        purchase_id: job.purchase_id,
        url: job.url,
        status: job.status,
        signature,
        response_status,
        error,
        delivered_at: now_epoch(),
        forwarded: job.forwarded,
        body: job.body,
    })
}

/// The log write's outcome (a writer that stopped before answering is an error too).
fn committed(
    answer: Result<Result<Delivery, StoreError>, tokio::sync::oneshot::error::RecvError>,
) -> Result<Delivery, Coded> {
    answer
        .unwrap_or_else(|_| Err(StoreError::writer_stopped()))
        .map_err(Coded::from)
}

/// The delivery's log line: where it went, which event, and the receiver's answer (the
/// merchant stub answers 401 when the signature does not verify) or why there was none.
fn log_delivery(state: &SandboxState, job: &WebhookJob, answer: Option<u16>, error: Option<&str>) {
    let error = error.map(clean);
    let verdict = match answer {
        Some(200..=299) => "accepted",
        Some(401) => "refused (signature?)",
        Some(_) => "refused",
        None => "not delivered",
    };
    tracing::info!(
        target: WEBHOOK_TARGET,
        url = %loggable_url(&state.log_redactor, &job.url),
        event = %clean(&job.status),
        purchase_id = %clean(&job.purchase_id),
        forwarded = job.forwarded,
        answer,
        verdict,
        error = error.as_deref().map(tracing::field::display),
        "webhook"
    );
}

/// One POST; the answer's status, or why there was none. `timeout` bounds connecting,
/// sending and the answer's head together.
async fn post(
    state: &SandboxState,
    job: &WebhookJob,
    signature: &str,
    timeout: Duration,
) -> Result<u16, reqwest::Error> {
    let body = job.body.as_bytes().to_vec();
    let resp = state
        .http
        .post(&job.url)
        .header("content-type", "application/json")
        .header("paysecure-sign", signature)
        .timeout(timeout)
        .body(body)
        .send()
        .await?;
    Ok(resp.status().as_u16())
}

/// The real reason a delivery failed, for the log: a timeout, a refused connection, or
/// the transport error's own chain (DNS, out of file descriptors, reset, …).
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    let chain = error_chain(e);
    if e.is_timeout() {
        if e.is_connect() {
            return format!("timeout: could not connect ({chain})");
        }
        return format!("timeout: no answer within {} s", timeout.as_secs());
    }
    let io_kind = std::iter::successors(std::error::Error::source(e), |s| s.source())
        .find_map(|s| s.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => "connection refused".into(),
        Some(std::io::ErrorKind::ConnectionReset) => "connection reset by the receiver".into(),
        Some(std::io::ErrorKind::TimedOut) => format!("timeout: {chain}"),
        _ if e.is_connect() => format!("connect error: {chain}"),
        _ => format!("transport error: {chain}"),
    }
}
