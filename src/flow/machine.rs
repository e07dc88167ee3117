//! The three steps as a plain state machine: ① purchase → ② card & device → ③ result.
//! No I/O and no terminal code: the headless `flow` command and the TUI both feed it
//! the results of their requests and read what to show and what may come next.

use serde::Serialize;

use super::browser::{BrowserResult, Landed};
use crate::api::{ApiError, Capture, Purchase, PurchaseStatus, S2sOutcome};

/// Which step the user is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Step {
    Purchase,
    Card,
    Result,
}

/// Whether a status ends the payment step: a final one, a payment in process, or a hold
/// (pre-authorisation), whose next move (a capture or a void) is the merchant's.
fn settles(status: &PurchaseStatus) -> bool {
    status.is_final() || *status == PurchaseStatus::PaymentInProcess || status.awaits_merchant()
}

/// What step ③ shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 202 pending: the customer's browser must open `callback_url`.
    Pending { callback_url: String },
    /// The purchase reached a status (final, or parked in process).
    Settled { status: PurchaseStatus },
    /// A coded API error on create or S2S.
    Coded(ApiError),
    /// The exchange failed below the API.
    Transport(ApiError),
}

/// The flow's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub step: Step,
    /// The purchase once created (its latest known form).
    pub purchase: Option<Purchase>,
    pub outcome: Option<Outcome>,
    pub callback_url: Option<String>,
    pub landed: Option<Landed>,
    /// How the browser step went (frictionless or challenged; landing loaded or not).
    pub browser: Option<BrowserResult>,
    /// Status last read from the API (lower case).
    pub status: Option<PurchaseStatus>,
}

impl Default for Flow {
    fn default() -> Self {
        Flow::new()
    }
}

impl Flow {
    /// A new flow at step ①.
    pub fn new() -> Flow {
        Flow {
            step: Step::Purchase,
            purchase: None,
            outcome: None,
            callback_url: None,
            landed: None,
            browser: None,
            status: None,
        }
    }

    /// The purchase id, once created.
    pub fn purchase_id(&self) -> Option<&str> {
        self.purchase.as_ref().map(|p| p.id.as_str())
    }

    fn fail(&mut self, err: ApiError) {
        self.outcome = Some(if err.is_transport() {
            Outcome::Transport(err)
        } else {
            Outcome::Coded(err)
        });
    }

    /// Step ① answered.
    pub fn on_created(&mut self, result: Result<Purchase, ApiError>) {
        match result {
            Ok(purchase) => {
                self.status = Some(purchase.status());
                self.purchase = Some(purchase);
                self.outcome = None;
                self.callback_url = None;
                self.landed = None;
                self.browser = None;
                self.step = Step::Card;
            }
            Err(err) => self.fail(err),
        }
    }

    /// Step ② answered.
    pub fn on_s2s(&mut self, result: Result<S2sOutcome, ApiError>) {
        self.step = Step::Result;
        match result {
            Ok(S2sOutcome::Pending { callback_url, .. }) => {
                // The 202 says "pending", not the purchase's status: that is unknown until
                // a status GET reads it (PENDING_EXECUTE, or already OVERDUE if the
                // sandbox clock has moved).
                self.status = None;
                self.callback_url = Some(callback_url.clone());
                self.outcome = Some(Outcome::Pending { callback_url });
            }
            Ok(S2sOutcome::Inline(purchase)) => {
                let status = purchase.status();
                self.status = Some(status.clone());
                self.purchase = Some(purchase);
                self.outcome = Some(Outcome::Settled { status });
            }
            Err(err) => self.fail(err),
        }
    }

    /// The browser step (callback, challenge, redirect) answered.
    pub fn on_browser(&mut self, result: Result<BrowserResult, ApiError>) {
        match result {
            Ok(done) => {
                self.landed = done.landed;
                self.browser = Some(done);
            }
            Err(err) => self.fail(err),
        }
    }

    /// Whether `purchase` is older than the one shown (reads overtaking each other): it is
    /// in the history, and the screen keeps the newer.
    pub fn is_older_than_shown(&self, purchase: &Purchase) -> bool {
        self.purchase
            .as_ref()
            .is_some_and(|shown| purchase.is_older_than(shown))
    }

    /// A status GET answered.
    pub fn on_status(&mut self, result: Result<Purchase, ApiError>) {
        match result {
            Ok(purchase) if self.is_older_than_shown(&purchase) => {}
            Ok(purchase) => {
                let status = purchase.status();
                self.status = Some(status.clone());
                self.purchase = Some(purchase);
                let keep_error = matches!(
                    self.outcome,
                    Some(Outcome::Coded(_) | Outcome::Transport(_))
                );
                if settles(&status) && !keep_error {
                    self.outcome = Some(Outcome::Settled { status });
                    // The track follows the pane: a purchase that ended while its card was
                    // edited (the sandbox clock moved it to EXPIRED) is at step ③.
                    self.step = Step::Result;
                }
            }
            // A failed status GET after an outcome does not replace the outcome.
            Err(err) if self.outcome.is_none() => self.fail(err),
            Err(_) => {}
        }
    }

    /// A lever (cancel, refund, capture, void) answered with the purchase: what it did is
    /// the news, so an earlier error's headline gives way to the status it left.
    pub fn on_acted(&mut self, purchase: Purchase) {
        if settles(&purchase.status()) && !self.is_older_than_shown(&purchase) {
            self.outcome = None;
        }
        self.on_status(Ok(purchase));
    }

    /// The capture of a hold answered: its status is the purchase's (PAID or
    /// PARTIALLY_CAPTURED); a refusal is the flow's error.
    pub fn on_captured(&mut self, result: Result<Capture, ApiError>) {
        match result {
            Ok(capture) => {
                let status = capture.status();
                self.status = Some(status.clone());
                self.outcome = Some(Outcome::Settled { status });
            }
            Err(err) => self.fail(err),
        }
    }

    /// Whether the error shown came from the browser step (the callback page, the
    /// challenge): a 202 pending gave a callback, and the step that follows it failed. For
    /// one payment per flow (`flow`); the explorer, which can pay again after an earlier
    /// 202, knows the failed step itself.
    pub fn failed_in_the_browser_step(&self) -> bool {
        matches!(
            self.outcome,
            Some(Outcome::Coded(_) | Outcome::Transport(_))
        ) && self.callback_url.is_some()
            && self.browser.is_none()
    }

    /// The saved card's `token_reference` to show: only for a payment that went through
    /// (a token is issued on success; a pending or refused one carries none worth
    /// offering). A payment made with a token carries the token it was paid with: the
    /// caller, which knows what it sent, says which.
    pub fn saved_card_token(&self) -> Option<&str> {
        let went_through = matches!(
            self.status,
            Some(
                PurchaseStatus::Paid
                    | PurchaseStatus::Preauthorized
                    | PurchaseStatus::PartiallyCaptured
            )
        );
        self.purchase
            .as_ref()
            .and_then(|p| p.extra.get("token_reference"))
            .and_then(serde_json::Value::as_str)
            .filter(|token| went_through && !token.trim().is_empty())
    }

    /// Whether the S2S call may be retried on the same purchase (it is still CREATED).
    pub fn can_retry_same_purchase(&self) -> bool {
        // An OVERDUE purchase never sent to 3-D Secure can still be paid (contract §4).
        self.purchase.is_some()
            && matches!(
                self.status,
                Some(PurchaseStatus::Created | PurchaseStatus::Overdue)
            )
    }

    /// Back to step ② to edit the card and retry on the same purchase.
    pub fn edit_card(&mut self) {
        if self.purchase.is_some() {
            self.step = Step::Card;
            self.outcome = None;
        }
    }

    /// Back to step ① for a new purchase.
    pub fn restart(&mut self) {
        *self = Flow::new();
    }

    /// Whether polling the status can still change what is shown.
    pub fn awaits_final_status(&self) -> bool {
        match &self.status {
            Some(status) => {
                let parked = status == &PurchaseStatus::PaymentInProcess
                    && self.landed == Some(Landed::Pending);
                !(status.is_final() || parked || status.awaits_merchant())
            }
            // Pending, its status not read yet: only a status GET can say it is final.
            None => matches!(self.outcome, Some(Outcome::Pending { .. })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_ends_the_payment_step_and_a_capture_settles_it() {
        let mut flow = Flow::new();
        flow.on_created(Ok(purchase("CREATED")));
        flow.on_status(Ok(purchase("PREAUTHORIZED")));
        assert!(!flow.awaits_final_status(), "no polling past a hold");
        assert_eq!(
            flow.outcome,
            Some(Outcome::Settled {
                status: PurchaseStatus::Preauthorized
            })
        );
        let capture: Capture = serde_json::from_value(serde_json::json!(
            {"purchaseId": "p1", "status": "PARTIALLY_CAPTURED", "captured_amount": 5}
        ))
        .expect("capture");
        flow.on_captured(Ok(capture));
        assert_eq!(flow.status, Some(PurchaseStatus::PartiallyCaptured));
        assert!(!flow.awaits_final_status());
    }

    /// A purchase created, then its payment refused (`Card is Blocked`).
    fn refused_after_create() -> Flow {
        let mut flow = Flow::new();
        flow.on_created(Ok(purchase("CREATED")));
        flow.on_s2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into(),
        }));
        flow
    }

    fn purchase(status: &str) -> Purchase {
        serde_json::from_value(serde_json::json!({"purchaseId": "p1", "status": status}))
            .expect("purchase")
    }

    #[test]
    fn happy_path_walks_the_three_steps() {
        let mut flow = Flow::new();
        flow.on_created(Ok(purchase("CREATED")));
        assert_eq!(flow.step, Step::Card);
        assert!(flow.can_retry_same_purchase());
        flow.on_s2s(Ok(S2sOutcome::Pending {
            callback_url: "http://x/cb".into(),
            method: "GET".into(),
        }));
        assert_eq!(flow.step, Step::Result);
        assert!(matches!(flow.outcome, Some(Outcome::Pending { .. })));
        assert!(flow.awaits_final_status());
        flow.on_browser(Ok(BrowserResult {
            landing_url: "http://x/ok".into(),
            landed: Some(Landed::Success),
            challenged: true,
            landing_loaded: true,
        }));
        flow.on_status(Ok(purchase("PAID")));
        assert_eq!(
            flow.outcome,
            Some(Outcome::Settled {
                status: PurchaseStatus::Paid
            })
        );
        assert!(!flow.awaits_final_status());
    }

    #[test]
    fn coded_error_keeps_purchase_for_retry() {
        let mut flow = refused_after_create();
        assert!(matches!(flow.outcome, Some(Outcome::Coded(_))));
        flow.on_status(Ok(purchase("CREATED")));
        assert!(
            matches!(flow.outcome, Some(Outcome::Coded(_))),
            "error stays shown"
        );
        assert!(flow.can_retry_same_purchase());
        flow.edit_card();
        assert_eq!(flow.step, Step::Card);
        assert_eq!(flow.outcome, None);
    }

    /// A cancel after a refused payment: the purchase is CANCELLED now, and that is the
    /// headline; a status read alone keeps the error (it explains the status).
    #[test]
    fn a_lever_after_an_error_shows_the_status_it_left() {
        let mut flow = refused_after_create();
        flow.on_status(Ok(purchase("ERROR")));
        assert!(matches!(flow.outcome, Some(Outcome::Coded(_))));
        flow.on_acted(purchase("CANCELLED"));
        assert_eq!(
            flow.outcome,
            Some(Outcome::Settled {
                status: PurchaseStatus::Cancelled
            })
        );
    }

    /// A purchase that ends while its card form is open (the sandbox clock expired it) is
    /// shown at step ③, the track with the pane.
    #[test]
    fn a_purchase_that_ends_on_step_two_moves_the_track_to_the_result() {
        let mut flow = Flow::new();
        flow.on_created(Ok(purchase("CREATED")));
        assert_eq!(flow.step, Step::Card);
        flow.on_status(Ok(purchase("OVERDUE")));
        assert_eq!(flow.step, Step::Card, "OVERDUE can still be paid");
        flow.on_status(Ok(purchase("EXPIRED")));
        assert_eq!(flow.step, Step::Result);
    }

    /// A purchase read at `updated_on` with `changes` entries in its status history.
    fn read_at(status: &str, updated_on: i64, changes: usize) -> Purchase {
        let history: Vec<_> = (0..changes)
            .map(|i| serde_json::json!({"status": "created", "timestamp": i}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "purchaseId": "p1", "status": status, "updated_on": updated_on,
            "status_history": history,
        }))
        .expect("purchase")
    }

    #[test]
    fn a_read_older_than_the_one_shown_does_not_replace_it() {
        let mut flow = Flow::new();
        flow.on_created(Ok(read_at("CREATED", 100, 1)));
        flow.on_status(Ok(read_at("PAID", 130, 3)));
        // A poll sent before the payment answers last.
        flow.on_status(Ok(read_at("PENDING_EXECUTE", 120, 2)));
        assert_eq!(flow.status, Some(PurchaseStatus::Paid));
        assert_eq!(
            flow.outcome,
            Some(Outcome::Settled {
                status: PurchaseStatus::Paid
            })
        );
        // The same second with fewer changes is older too.
        flow.on_status(Ok(read_at("PAYMENT_IN_PROCESS", 130, 2)));
        assert_eq!(flow.status, Some(PurchaseStatus::Paid));
        // A newer read (a refund) replaces it; so does one that cannot be ordered.
        flow.on_status(Ok(read_at("REFUNDED", 140, 4)));
        assert_eq!(flow.status, Some(PurchaseStatus::Refunded));
        flow.on_status(Ok(purchase("CANCELLED")));
        assert_eq!(flow.status, Some(PurchaseStatus::Cancelled));
        // A lever's answer older than what is shown leaves the outcome as it is too.
        let mut flow = Flow::new();
        flow.on_created(Ok(read_at("CREATED", 100, 1)));
        flow.on_status(Ok(read_at("PAID", 130, 3)));
        let shown = flow.outcome.clone();
        flow.on_acted(read_at("CANCELLED", 110, 2));
        assert_eq!(flow.outcome, shown);
        assert_eq!(flow.status, Some(PurchaseStatus::Paid));
    }

    #[test]
    fn transport_failure_is_its_own_outcome() {
        let mut flow = Flow::new();
        flow.on_created(Err(ApiError::Transport {
            kind: crate::api::TransportKind::ConnectionRefused,
            http_status: None,
            detail: "refused".into(),
        }));
        assert_eq!(flow.step, Step::Purchase);
        assert!(matches!(flow.outcome, Some(Outcome::Transport(_))));
        flow.restart();
        assert_eq!(flow, Flow::new());
    }

    #[test]
    fn inline_2d_purchase_settles_at_once() {
        let mut flow = Flow::new();
        flow.on_created(Ok(purchase("CREATED")));
        flow.on_s2s(Ok(S2sOutcome::Inline(purchase("paid"))));
        assert_eq!(
            flow.outcome,
            Some(Outcome::Settled {
                status: PurchaseStatus::Paid
            })
        );
        assert_eq!(flow.callback_url, None);
    }
}
