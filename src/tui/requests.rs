//! The table of requests in flight: each has an id, a purpose, a start time and a time
//! limit. Effects carry the id and answers come back with it, so an answer is applied
//! only while its request is still in the table — a cancelled or superseded request's
//! late answer is dropped, and one request never ends another.

use std::time::{Duration, Instant};

use super::app::PollPlan;
use crate::api::Exchange;

/// Identifies one request (or one follow-up, which spans several status GETs).
pub type RequestId = u64;

/// What a request in flight is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `POST /purchases/`.
    Create,
    /// `POST /p/{id}/?s2s=true`.
    Pay,
    /// The app as the browser: `GET callback_url` (frictionless redirect or challenge).
    Callback,
    /// The app as the browser: the OTP answer to the challenge page.
    Challenge,
    /// Status GETs until the purchase is final.
    Follow(PollPlan),
    /// One status GET: what a failed or cancelled call did, or a refresh.
    Check(CheckReason),
    /// A history request sent again.
    Resend,
    /// A refund, capture or cancel on the purchase shown.
    Act,
    /// refundStatus of a refund in process, until it settles (another action may run).
    RefundFollow,
    /// A call to the sandbox's control plane.
    Control(ControlOp),
}

/// What a control-plane call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlOp {
    ListPurchases,
    ListWebhooks,
    GetSettings,
    /// The clock's offset (purchase ages count from the sandbox clock).
    GetClock,
    Settle,
    Clock,
    PutSettings,
    Reset,
    Replay,
    Redeliver,
    /// The delivery log, read to find the webhook `r` asked to replay.
    FindForReplay,
}

impl ControlOp {
    /// Whether the call changes the sandbox (its curl is shown), rather than reading it.
    pub fn is_action(self) -> bool {
        !matches!(
            self,
            ControlOp::ListPurchases
                | ControlOp::ListWebhooks
                | ControlOp::GetSettings
                | ControlOp::GetClock
                | ControlOp::FindForReplay
        )
    }

    /// Whether this call reads what the panel shows (a list or the settings) and so
    /// fills it wholly when it answers.
    pub fn reads_the_panel(self) -> bool {
        matches!(
            self,
            ControlOp::ListPurchases
                | ControlOp::ListWebhooks
                | ControlOp::GetSettings
                | ControlOp::GetClock
        )
    }
}

impl Purpose {
    /// What is being waited for, for the spinner line.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Create => "creating purchase",
            Purpose::Pay => "sending card",
            Purpose::Callback => "opening the callback URL",
            Purpose::Challenge => "answering the 3-D Secure challenge",
            Purpose::Follow(_) => "following the purchase",
            Purpose::Check(_) => "checking the purchase's status",
            Purpose::Resend => "resending",
            Purpose::Act => "calling the purchase API",
            Purpose::RefundFollow => "following the refund",
            Purpose::Control(op) if op.is_action() => "asking the sandbox",
            Purpose::Control(_) => "reading the sandbox",
        }
    }

    /// Whether the request drives the flow's steps (only one such may run at a time);
    /// follow-ups, checks and resends run beside it.
    pub fn is_step(self) -> bool {
        matches!(
            self,
            Purpose::Create | Purpose::Pay | Purpose::Callback | Purpose::Challenge
        )
    }
}

/// Why the status is checked once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckReason {
    /// A create or S2S call failed (coded or transport): did it change the purchase?
    AfterFailure,
    /// The user cancelled the S2S call: did it reach the server?
    AfterCancel,
    /// A webhook or landing arrived for the purchase.
    Refresh,
    /// A lever (cancel, refund, capture) answered: its notice ends with what this read.
    AfterLever,
}

/// One request in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub id: RequestId,
    pub purpose: Purpose,
    pub started: Instant,
    /// When the app gives up: the client's timeout, or the follow-up's window.
    pub limit: Duration,
    /// Status GETs answered so far (follow-ups).
    pub polls: usize,
    /// What was sent (redacted), recorded in history if the request is cancelled.
    pub request: Option<Box<Exchange>>,
}

impl InFlight {
    /// `4.2 s / 40 s`, or `1 min 12 s / 5 min` for long waits.
    pub fn progress(&self, now: Instant) -> String {
        let elapsed = now.saturating_duration_since(self.started);
        format!("{} / {}", human(elapsed, true), human(self.limit, false))
    }
}

/// A duration as people read it: tenths of seconds under a minute when `fine`.
pub fn human(d: Duration, fine: bool) -> String {
    let secs = d.as_secs();
    if secs >= 60 {
        let (m, s) = (secs / 60, secs % 60);
        if s == 0 || !fine {
            format!("{m} min")
        } else {
            format!("{m} min {s} s")
        }
    } else if fine {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{secs} s")
    }
}

/// The table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requests {
    next: RequestId,
    list: Vec<InFlight>,
}

impl Requests {
    /// Adds a request and returns its id.
    pub fn start(&mut self, purpose: Purpose, limit: Duration) -> RequestId {
        self.next += 1;
        self.list.push(InFlight {
            id: self.next,
            purpose,
            started: Instant::now(),
            limit,
            polls: 0,
            request: None,
        });
        self.next
    }

    /// The request with `id`, while it is in flight.
    pub fn get(&self, id: RequestId) -> Option<&InFlight> {
        self.list.iter().find(|r| r.id == id)
    }

    /// The request with `id`, mutably.
    pub fn get_mut(&mut self, id: RequestId) -> Option<&mut InFlight> {
        self.list.iter_mut().find(|r| r.id == id)
    }

    /// Ends `id`; returns it if it was still in flight.
    pub fn end(&mut self, id: RequestId) -> Option<InFlight> {
        let i = self.list.iter().position(|r| r.id == id)?;
        Some(self.list.remove(i))
    }

    /// Puts back a request that goes on under the same id (the next GET of a follow-up),
    /// in its place: the table stays in start order, so "newest" stays the newest.
    pub fn resume(&mut self, request: InFlight) {
        let at = self.list.partition_point(|r| r.id < request.id);
        self.list.insert(at, request);
    }

    /// Ends every request `which` selects and returns them.
    pub fn end_where_timed(&mut self, which: impl Fn(&InFlight) -> bool) -> Vec<InFlight> {
        let (gone, kept) = self.list.drain(..).partition(|r| which(r));
        self.list = kept;
        gone
    }

    /// Ends every request `which` selects; returns their ids (to abort their tasks).
    pub fn end_where(&mut self, which: impl Fn(Purpose) -> bool) -> Vec<RequestId> {
        let (gone, kept) = self.list.drain(..).partition(|r| which(r.purpose));
        self.list = kept;
        gone.into_iter().map(|r: InFlight| r.id).collect()
    }

    /// The first request with this purpose.
    pub fn find(&self, wanted: impl Fn(Purpose) -> bool) -> Option<&InFlight> {
        self.list.iter().find(|r| wanted(r.purpose))
    }

    /// Whether a request that drives the steps is in flight.
    pub fn step_in_flight(&self) -> bool {
        self.find(Purpose::is_step).is_some()
    }

    /// Whether a control-plane call `op` (a panel list's read) is in flight.
    pub fn control_in_flight(&self, op: ControlOp) -> bool {
        self.find(|p| p == Purpose::Control(op)).is_some()
    }

    /// The request Esc cancels and the spinner describes: the newest one.
    pub fn newest(&self) -> Option<&InFlight> {
        self.list.last()
    }

    /// Whether nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many are in flight.
    pub fn len(&self) -> usize {
        self.list.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_ending_one_keeps_the_others() {
        let mut table = Requests::default();
        let follow = table.start(
            Purpose::Follow(PollPlan::ExternalBrowser),
            Duration::from_secs(300),
        );
        let resend = table.start(Purpose::Resend, Duration::from_secs(40));
        assert_ne!(follow, resend);
        assert_eq!(table.end(resend).map(|r| r.purpose), Some(Purpose::Resend));
        assert!(
            table.get(follow).is_some(),
            "the follow-up outlives the resend"
        );
        assert_eq!(table.end(resend), None, "an id ends once");
        assert!(!table.step_in_flight());
    }

    #[test]
    fn progress_reads_like_a_person_wrote_it() {
        assert_eq!(human(Duration::from_millis(4200), true), "4.2 s");
        assert_eq!(human(Duration::from_secs(40), false), "40 s");
        assert_eq!(human(Duration::from_secs(72), true), "1 min 12 s");
        assert_eq!(human(Duration::from_secs(300), false), "5 min");
    }
}
