//! How a purchase is written to the state store and read back: JSON (serde) for the
//! record, plus the few facts the store indexes in columns of their own.
//!
//! JSON rather than a binary format: the record holds free-form JSON (`client`,
//! `purchase`, attempts) that only a self-describing format round-trips, and a state file
//! stays readable with the `sqlite3` shell.

use serde::{Deserialize, Serialize};

use crate::paysecure::test_cards::{Auth, CardOutcome, OUTCOME_ROWS};
use crate::sandbox::browser::MSG_3DS_FAILED;
use crate::sandbox::purchase::{PendingPayment, Purchase};

/// The stored form of a [`PendingPayment`]: the outcome and authentication by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingRecord {
    masked_pan: String,
    card_brand: String,
    cardholder_name: String,
    expires: String,
    /// `success`, `declined`, `pending`, `expired`, `refund_fails`.
    outcome: String,
    /// The decline's `errorMsg` (for `declined`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// `frictionless` or `challenge`.
    auth: String,
}

impl From<PendingPayment> for PendingRecord {
    fn from(p: PendingPayment) -> Self {
        let (outcome, message) = match p.outcome {
            CardOutcome::Success => ("success", None),
            CardOutcome::Declined(msg) => ("declined", Some(msg.to_string())),
            CardOutcome::Pending => ("pending", None),
            CardOutcome::Expired => ("expired", None),
            CardOutcome::RefundFails => ("refund_fails", None),
        };
        PendingRecord {
            masked_pan: p.masked_pan,
            card_brand: p.card_brand,
            cardholder_name: p.cardholder_name,
            expires: p.expires,
            outcome: outcome.into(),
            message,
            auth: match p.auth {
                Auth::Frictionless => "frictionless",
                Auth::Challenge => "challenge",
            }
            .into(),
        }
    }
}

impl From<PendingRecord> for PendingPayment {
    fn from(r: PendingRecord) -> Self {
        let outcome = match r.outcome.as_str() {
            "success" => CardOutcome::Success,
            "pending" => CardOutcome::Pending,
            "expired" => CardOutcome::Expired,
            "refund_fails" => CardOutcome::RefundFails,
            _ => CardOutcome::Declined(decline_message(r.message.as_deref().unwrap_or(""))),
        };
        PendingPayment {
            masked_pan: r.masked_pan,
            card_brand: r.card_brand,
            cardholder_name: r.cardholder_name,
            expires: r.expires,
            outcome,
            auth: if r.auth == "frictionless" {
                Auth::Frictionless
            } else {
                Auth::Challenge
            },
        }
    }
}

/// The decline message the card catalog has for `text`. A stored pending payment only
/// ever holds a catalog card's outcome, so any other text comes from an edited file; it
/// reads as the catalog's generic decline rather than failing the purchase.
fn decline_message(text: &str) -> &'static str {
    OUTCOME_ROWS
        .iter()
        .filter_map(|row| match row.outcome {
            CardOutcome::Declined(msg) => Some(msg),
            _ => None,
        })
        .chain([MSG_3DS_FAILED])
        .find(|msg| *msg == text)
        .unwrap_or("Transaction Failed")
}

/// `p` as [`decode`] reads it back from [`encode`]'s text, found without reading the text:
/// what the record cache keeps beside a record, so that the next update of a purchase
/// (three in a flow: admission, payment, callback) does not parse what was just written.
/// Decoding was a fifth of the request thread's instructions in full flows.
///
/// What the text cannot say exactly is made as a read would make it: an `extra_param` or
/// `card_extra` of JSON `null` is written as `null` and read back as none; `in_flight` is
/// not in the text. `None` when an amount is not a finite number (JSON has no such number:
/// the text says `null`, which does not read back), and then the text is read as before.
/// In test builds every use is checked against a real read (see [`check_read_back`]).
pub fn as_read_back(mut p: Purchase) -> Option<Purchase> {
    if !amounts_are_finite(&p) {
        return None;
    }
    if p.extra_param == Some(serde_json::Value::Null) {
        p.extra_param = None;
    }
    if p.card_extra == Some(serde_json::Value::Null) {
        p.card_extra = None;
    }
    p.in_flight = false;
    Some(p)
}

/// Whether `p` is already what [`as_read_back`] makes of it (a new purchase usually is):
/// then it can be kept as it is, shared, with no copy.
pub fn reads_back_as_is(p: &Purchase) -> bool {
    amounts_are_finite(p)
        && p.extra_param != Some(serde_json::Value::Null)
        && p.card_extra != Some(serde_json::Value::Null)
        && !p.in_flight
}

fn amounts_are_finite(p: &Purchase) -> bool {
    [
        p.total,
        p.refunded_amount,
        p.after.released_amount,
        p.after.captured_amount.unwrap_or(0.0),
    ]
    .iter()
    .all(|a| a.is_finite())
}

/// In test builds: `read_back` is what [`decode`] makes of `text` (every field, compared
/// through `Debug`, which shows them all). Release builds skip the check.
pub fn check_read_back(text: &str, seq: i64, read_back: &Purchase) {
    if cfg!(debug_assertions) {
        let read = decode(text, seq).map(|p| format!("{p:?}"));
        assert_eq!(
            read.ok().as_deref(),
            Some(format!("{read_back:?}").as_str()),
            "the cached purchase is not what its record reads as"
        );
    }
}

/// The record of a purchase, as stored.
pub fn encode(p: &Purchase) -> Result<String, serde_json::Error> {
    serde_json::to_string(p)
}

/// A stored record read back; `seq` is its sequence number (which gives the reference).
pub fn decode(text: &str, seq: i64) -> Result<Purchase, serde_json::Error> {
    let mut p: Purchase = serde_json::from_str(text)?;
    p.reference = reference_of(seq);
    Ok(p)
}

/// `reference_generated` of the purchase with sequence number `seq`: `PS1`, `PS2`, …
pub fn reference_of(seq: i64) -> String {
    format!("PS{seq}")
}

/// What the store keeps in indexed columns beside the record, so that lookups (status
/// counts, saved cards, aging, retention) never read every record.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub status: &'static str,
    /// Times the purchase reached `paid` (a load test's "paid twice" check reads it).
    pub paid_count: i64,
    /// A saved card's token, customer, brand and last four digits: only on the purchase
    /// that saved the card (one paid with a token does not save it again).
    pub saved: Option<SavedColumns>,
}

/// The saved-card columns.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedColumns {
    pub token: String,
    pub customer: String,
    pub brand_id: String,
    pub last_four: String,
}

impl Columns {
    /// The columns of a purchase.
    pub fn of(p: &Purchase) -> Columns {
        let saved = match (&p.after.remember, &p.after.token_reference) {
            (Some(card), Some(token)) => {
                let pan = &card.card.masked_pan;
                Some(SavedColumns {
                    token: token.clone(),
                    customer: card.customer.clone(),
                    brand_id: card.brand_id.clone(),
                    last_four: pan.get(pan.len().saturating_sub(4)..).unwrap_or("").into(),
                })
            }
            _ => None,
        };
        Columns {
            status: p.status.upper(),
            paid_count: p.history.iter().filter(|(s, _)| s == "paid").count() as i64,
            saved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::after_pay::SavedCard;
    use crate::sandbox::purchase::{Status, TrxType};

    fn pending(outcome: CardOutcome, auth: Auth) -> PendingPayment {
        PendingPayment {
            masked_pan: "444433******1111".into(),
            card_brand: "VISA".into(),
            cardholder_name: "A B".into(),
            expires: "10/29".into(),
            outcome,
            auth,
        }
    }

    #[test]
    fn a_purchase_reads_back_as_it_was_written() {
        let mut p = Purchase {
            id: "abc".into(),
            status: Status::PendingExecute,
            history: vec![("created".into(), 1), ("pending_execute".into(), 2)],
            trx_type: Some(TrxType::ThreeD),
            pending: Some(pending(
                CardOutcome::Declined("Insufficient fund"),
                Auth::Challenge,
            )),
            in_flight: true,
            client: serde_json::json!({"email": "a@b.example"}).into(),
            ..Purchase::default()
        };
        p.after.remember = Some(SavedCard {
            card: pending(CardOutcome::Success, Auth::Frictionless),
            customer: "a@b.example".into(),
            brand_id: "brd".into(),
        });
        p.after.token_reference = Some("tok_x".into());
        let text = encode(&p).expect("encode");
        let back = decode(&text, 12).expect("decode");
        assert_eq!(back.reference, "PS12");
        assert_eq!(back.status, Status::PendingExecute);
        assert_eq!(back.history, p.history);
        assert_eq!(back.trx_type, Some(TrxType::ThreeD));
        assert!(!back.in_flight, "in-flight is never stored");
        let back_pending = back.pending.clone().expect("pending");
        assert_eq!(
            back_pending.outcome,
            CardOutcome::Declined("Insufficient fund")
        );
        assert_eq!(back_pending.auth, Auth::Challenge);
        assert_eq!(back.client, p.client);
        assert_eq!(
            Columns::of(&back).saved,
            Some(SavedColumns {
                token: "tok_x".into(),
                customer: "a@b.example".into(),
                brand_id: "brd".into(),
                last_four: "1111".into(),
            })
        );
        assert_eq!(encode(&back).expect("encode"), text, "stable: no rewrite");
    }

    #[test]
    fn an_unknown_decline_reads_as_the_generic_one() {
        let record = PendingRecord::from(pending(CardOutcome::Declined("x"), Auth::Challenge));
        let mut json = serde_json::to_value(record).expect("json");
        json["message"] = serde_json::json!("edited by hand");
        let back: PendingRecord = serde_json::from_value(json).expect("record");
        assert_eq!(
            PendingPayment::from(back).outcome,
            CardOutcome::Declined("Transaction Failed")
        );
    }

    #[test]
    fn missing_fields_default_so_older_records_still_read() {
        let p = decode(r#"{"id":"x","status":"PAID"}"#, 3).expect("decode");
        assert_eq!((p.id.as_str(), p.status), ("x", Status::Paid));
        assert!(p.history.is_empty());
    }

    #[test]
    fn what_is_kept_beside_a_record_is_what_the_record_reads_as() {
        let mut p = Purchase {
            id: "6b10263635c637ef30077be8".into(),
            reference: reference_of(7),
            total: 20.5,
            extra_param: Some(serde_json::Value::Null),
            card_extra: Some(serde_json::Value::Null),
            in_flight: true,
            attempts: vec![serde_json::json!({"n": -0.0, "big": 1e300, "u": u64::MAX})],
            ..Purchase::default()
        };
        p.after.captured_amount = Some(-0.0);
        let text = encode(&p).expect("encode");
        let kept = as_read_back(p.clone()).expect("finite amounts");
        assert_eq!(kept.extra_param, None, "null reads back as none");
        assert!(!kept.in_flight);
        check_read_back(&text, 7, &kept);

        for amount in [f64::NAN, f64::INFINITY] {
            let mut odd = p.clone();
            odd.refunded_amount = amount;
            assert!(
                as_read_back(odd).is_none(),
                "{amount}: read from the text instead"
            );
        }
    }
}
