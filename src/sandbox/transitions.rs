//! Status changes that several surfaces share: applying a card's outcome (callback,
//! 2D mode, settle) and recording S2S attempts.

use serde_json::{Value, json};

use super::purchase::{Purchase, Status};
use crate::paysecure::test_cards::CardOutcome;

/// Applies `outcome` to a purchase at `now`; the purchase leaves the callback stage.
/// Only a purchase still waiting for its payment's outcome takes one: callers check under
/// the lock, and this refuses anything else as a last line, so an EXPIRED (or otherwise
/// decided) purchase can never be paid by an outcome that was computed before an await.
pub fn apply_outcome(p: &mut Purchase, outcome: CardOutcome, now: i64) {
    if !matches!(
        p.status,
        Status::PendingExecute | Status::Overdue | Status::PaymentInProcess
    ) {
        return;
    }
    p.pending = None;
    // A pre-authorisation's success is a hold, not a payment (§10.5).
    let status = super::capture::held(p, Status::of_outcome(outcome));
    p.error_msg = match outcome {
        CardOutcome::Declined(msg) => msg.to_string(),
        CardOutcome::Expired => "Transaction Expired".to_string(),
        _ => String::new(),
    };
    p.refund_fails = matches!(outcome, CardOutcome::RefundFails);
    if status == Status::Paid {
        p.paid_on = Some(now);
    }
    if status == Status::PaymentInProcess && p.status == Status::PaymentInProcess {
        return;
    }
    p.set_status(status, now);
    finish_last_attempt(p, outcome);
    super::saved_cards::issue_on_success(p);
}

/// Marks the latest successful-so-far S2S attempt with the final result.
fn finish_last_attempt(p: &mut Purchase, outcome: CardOutcome) {
    let Some(Value::Object(attempt)) = p.attempts.last_mut() else {
        return;
    };
    if attempt.get("successful") != Some(&Value::Null) {
        return;
    }
    match outcome {
        CardOutcome::Success | CardOutcome::RefundFails => {
            attempt.insert("successful".into(), json!(true));
        }
        CardOutcome::Pending => {}
        CardOutcome::Declined(msg) => {
            attempt.insert("successful".into(), json!(false));
            attempt.insert(
                "error".into(),
                json!({"message": msg, "code": "transaction_error"}),
            );
        }
        CardOutcome::Expired => {
            attempt.insert("successful".into(), json!(false));
            attempt.insert(
                "error".into(),
                json!({"message": "Expired card", "code": "transaction_error"}),
            );
        }
    }
}

/// Who the sandbox says issued its test cards (`card_issuer`), and where.
pub const CARD_ISSUER: &str = "Paysecure Sandbox Bank";
/// `card_issuer_country` and the attempt's `country` of every test card.
pub const CARD_COUNTRY: &str = "US";

/// `transaction_data.extra` and `attempts[].extra`: the card facts the real captures
/// carry (§10.1). Masked card only; `expires` is split into month and year as sent
/// (`""` when it has no `/`).
pub fn card_extra(
    masked_pan: &str,
    card_brand: &str,
    cardholder_name: &str,
    expires: &str,
    amount: f64,
) -> Value {
    let (month, year) = expires.split_once('/').unwrap_or(("", ""));
    json!({
        "masked_pan": masked_pan,
        "card_brand": card_brand,
        "card_issuer": CARD_ISSUER,
        "card_issuer_country": CARD_COUNTRY,
        "cardholder_name": cardholder_name,
        "expiry_month": month.trim(),
        "expiry_year": year.trim(),
        "amount": amount,
    })
}

/// Facts of one S2S attempt for the purchase's `transaction_data.attempts`.
pub struct AttemptRecord<'a> {
    pub card_brand: &'a str,
    pub masked_pan: &'a str,
    pub cardholder_name: &'a str,
    pub expires: &'a str,
    pub client_ip: &'a str,
    /// `None` while the outcome waits for the callback.
    pub successful: Option<bool>,
    pub error: Option<(&'a str, &'a str)>,
    pub now: i64,
}

/// Appends an S2S attempt (masked card only).
pub fn record_attempt(p: &mut Purchase, r: AttemptRecord<'_>) {
    let mut attempt = json!({
        "type": "execute",
        "payment_method": r.card_brand,
        "flow": "payform",
        "successful": r.successful,
        "client_ip": r.client_ip,
        "country": CARD_COUNTRY,
        "processing_time": r.now,
        "extra": card_extra(r.masked_pan, r.card_brand, r.cardholder_name, r.expires, p.total),
    });
    if let (Some((code, message)), Some(map)) = (r.error, attempt.as_object_mut()) {
        map.insert("error".into(), json!({"message": message, "code": code}));
    }
    p.attempts.push(attempt);
}
