//! The sandbox's purchase record and its JSON form (the "full purchase object").

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::after_pay::AfterPay;
use super::raw_json::RawJson;
use crate::paysecure::test_cards::{Auth, CardOutcome};

/// Which kind of API key made a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyType {
    /// A sandbox-type key.
    #[default]
    Sandbox,
    /// A live-type key.
    Live,
}

/// Purchase statuses the sandbox uses (stored by their upper-case name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    #[default]
    Created,
    PendingExecute,
    Overdue,
    PaymentInProcess,
    Paid,
    Error,
    Cancelled,
    Expired,
    RefundInProcess,
    Refunded,
    PartialRefunded,
    /// Pre-authorisation (`skip_capture`): the funds are held until a capture or a void.
    Preauthorized,
    CaptureInProcess,
    PartiallyCaptured,
    VoidInProcess,
}

impl Status {
    /// Upper case, as in the top-level `status`.
    pub fn upper(self) -> &'static str {
        match self {
            Status::Created => "CREATED",
            Status::PendingExecute => "PENDING_EXECUTE",
            Status::Overdue => "OVERDUE",
            Status::PaymentInProcess => "PAYMENT_IN_PROCESS",
            Status::Paid => "PAID",
            Status::Error => "ERROR",
            Status::Cancelled => "CANCELLED",
            Status::Expired => "EXPIRED",
            Status::RefundInProcess => "REFUND_IN_PROCESS",
            Status::Refunded => "REFUNDED",
            Status::PartialRefunded => "PARTIAL_REFUNDED",
            Status::Preauthorized => "PREAUTHORIZED",
            Status::CaptureInProcess => "CAPTURE_IN_PROCESS",
            Status::PartiallyCaptured => "PARTIALLY_CAPTURED",
            Status::VoidInProcess => "VOID_IN_PROCESS",
        }
    }

    /// Lower case, as in `status_history` and webhooks.
    pub fn lower(self) -> String {
        self.upper().to_ascii_lowercase()
    }

    /// Maps an outcome's upper-case status back to the enum.
    pub fn of_outcome(outcome: CardOutcome) -> Status {
        match outcome {
            CardOutcome::Success | CardOutcome::RefundFails => Status::Paid,
            CardOutcome::Declined(_) => Status::Error,
            CardOutcome::Pending => Status::PaymentInProcess,
            CardOutcome::Expired => Status::Expired,
        }
    }
}

/// `trxType`: how the payment was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrxType {
    /// Decided inside the S2S call (2D mode).
    #[serde(rename = "2D")]
    TwoD,
    /// 3-D Secure at the callback URL.
    #[serde(rename = "3D")]
    ThreeD,
}

/// The merchant (and issuer-details) name of the sandbox's one brand.
pub const MERCHANT_NAME: &str = "Paysecure Explorer Demo Shop";

/// An accepted S2S payment waiting for the customer's browser at the callback URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    into = "super::store::codec::PendingRecord",
    from = "super::store::codec::PendingRecord"
)]
pub struct PendingPayment {
    /// First 6 / last 4; the full PAN is never kept.
    pub masked_pan: String,
    /// `VISA`, `MASTER`, …
    pub card_brand: String,
    /// As sent (the real API echoes it in `transaction_data.extra`).
    pub cardholder_name: String,
    /// `expires` as sent (`MM/YY`), split into month and year in the echo.
    pub expires: String,
    /// What the callback applies.
    pub outcome: CardOutcome,
    /// Frictionless or challenge.
    pub auth: Auth,
}

/// One purchase as the sandbox remembers it. Stored as JSON by the state store
/// (`store::codec`); every field defaults when absent, so a state file written before a
/// field existed still reads, and what is unset is not written (a quarter of a new
/// purchase's record was `null`s and `[]`s, written to the WAL and the file).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Purchase {
    pub id: String,
    /// `reference_generated`, e.g. `PS12`: derived from the purchase's sequence number in
    /// the store, so not stored in the record itself.
    #[serde(skip)]
    pub reference: String,
    pub status: Status,
    pub history: Vec<(String, i64)>,
    pub created_on: i64,
    pub updated_on: i64,
    pub key_type: KeyType,
    pub brand_id: String,
    pub merchant_ref: String,
    pub payment_method: String,
    /// As echoed (`echo_client`), kept as JSON text: see `raw_json`.
    pub client: RawJson,
    /// As echoed, with the computed totals, kept as JSON text.
    pub purchase: RawJson,
    pub currency: String,
    pub total: f64,
    pub success_redirect: String,
    pub failure_redirect: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_redirect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_redirect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_param: Option<Value>,
    pub skip_capture: bool,
    pub created_from_ip: String,
    /// S2S calls that reached the attempt counter (§4 step 4).
    pub attempts_used: u32,
    /// A 202 pending was given at some point (an OVERDUE purchase with one is not payable).
    pub had_pending: bool,
    /// An S2S call is being processed right now (for `already_in_process`). Kept by the
    /// store in memory, never on disk: a process killed mid-call leaves no purchase stuck.
    #[serde(skip)]
    pub in_flight: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingPayment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_extra: Option<Value>,
    pub error_msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trx_type: Option<TrxType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub viewed_on: Option<i64>,
    pub refunded_amount: f64,
    pub refund_fails: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<Value>,
    /// Capture and saved-card state (§10.5, §10.8).
    pub after: AfterPay,
    /// `platform` as sent (`"API"` by default).
    pub platform: String,
    /// `sessionId`: an id of its own, as in the real captures.
    pub session_id: String,
}

impl Purchase {
    /// Moves to `status` at `now`, appending to the history.
    pub fn set_status(&mut self, status: Status, now: i64) {
        self.status = status;
        self.updated_on = now;
        self.history.push((status.lower(), now));
    }

    /// Whether an S2S payment may be initiated (§4 step 3).
    pub fn is_payable(&self) -> bool {
        match self.status {
            Status::Created => true,
            Status::Overdue => !self.had_pending,
            _ => false,
        }
    }

    /// Whether the callback URL may complete a payment (§5).
    pub fn awaits_callback(&self) -> bool {
        self.pending.is_some() && matches!(self.status, Status::PendingExecute | Status::Overdue)
    }

    /// `client.email` as sent (`""` when it is not a string), read without building the
    /// rest of `client`.
    pub fn client_email(&self) -> String {
        ClientIds::of(&self.client).email_text()
    }

    /// What is left to refund.
    pub fn refundable(&self) -> f64 {
        match self.status {
            Status::Paid | Status::PartialRefunded | Status::PartiallyCaptured => {
                round2(self.settled_total() - self.refunded_amount)
            }
            _ => 0.0,
        }
    }

    /// The full purchase object, as the API returns it, ready to serialise (see
    /// `purchase_view`). `origin` is `scheme://host:port`.
    pub fn view<'a>(&'a self, origin: &'a str) -> super::purchase_view::PurchaseView<'a> {
        super::purchase_view::PurchaseView {
            purchase: self,
            origin,
            brand_id_again: false,
        }
    }

    /// The full purchase object as a JSON value, for callers that add to it.
    pub fn to_json(&self, origin: &str) -> Value {
        self.view(origin).to_value()
    }

    /// The webhook body: `{"message": <purchase>, "status": <lower>}` with both brand spellings.
    pub fn webhook_body(&self, origin: &str, status: &str) -> String {
        let message = super::purchase_view::PurchaseView {
            purchase: self,
            origin,
            brand_id_again: true,
        };
        // Written straight to text, once: the delivery posts these bytes and logs them.
        let mut out = Vec::with_capacity(4096);
        let mut body = super::json_object::ObjectWriter::open(&mut out);
        let written = body
            .nested("message", |out| message.write_json(out))
            .and_then(|()| body.entry("status", status));
        body.close();
        match written {
            // serde_json writes UTF-8.
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
    }
}

/// The `client` fields the sandbox reads back (the S2S call's email, the saved cards'
/// customer); the others are skipped, not built, when the stored `client` is read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClientIds {
    #[serde(rename = "customerId")]
    pub customer_id: Value,
    pub email: Value,
}

impl ClientIds {
    /// The fields of `client` (unset ones `null`; all `null` if it is not an object).
    pub fn of(client: &RawJson) -> ClientIds {
        client.fields().unwrap_or_default()
    }

    /// `email` as sent (`""` when it is not a string).
    pub fn email_text(&self) -> String {
        match &self.email {
            Value::String(s) => s.clone(),
            _ => String::new(),
        }
    }
}

/// Rounds a major-unit amount to cents, half away from zero as its decimal reads (refund
/// arithmetic must not drift). The decimal is the shortest that reads back as `x`: 1.005
/// is 1.01, though the f64 nearest 1.005 lies below it and `(x * 100).round()` gave 1.00.
pub fn round2(x: f64) -> f64 {
    let nearest = (x * 100.0).round() / 100.0;
    // Past 2^53 / 100 an f64 has no cents to round; NaN and infinities stay as they are.
    if !x.is_finite() || x.abs() >= 9.0e13 {
        return nearest;
    }
    let text = x.abs().to_string();
    let Some((whole, fraction)) = text.split_once('.') else {
        return x;
    };
    let digit = |i: usize| fraction.as_bytes().get(i).map_or(0, |b| b - b'0');
    let (Ok(whole), Some(&third)) = (whole.parse::<u64>(), fraction.as_bytes().get(2)) else {
        return nearest;
    };
    let cents =
        whole * 100 + u64::from(digit(0)) * 10 + u64::from(digit(1)) + u64::from(third >= b'5');
    (cents as f64 / 100.0).copysign(x)
}

#[cfg(test)]
mod round2_tests {
    use super::round2;

    #[test]
    fn amounts_round_to_cents_as_their_decimals_read() {
        for (x, cents) in [
            (1.005, 1.01),
            (2.675, 2.68),
            (1.004, 1.0),
            (0.1 + 0.2, 0.3),
            (20.0 - 7.35, 12.65),
            (-1.005, -1.01),
            (20.0, 20.0),
            (0.0, 0.0),
            (999_999.995, 1_000_000.0),
        ] {
            assert_eq!(round2(x), cents, "{x}");
        }
        assert!(round2(f64::NAN).is_nan());
        assert_eq!(round2(f64::INFINITY), f64::INFINITY);
        assert_eq!(round2(1e20), 1e20);
    }
}

/// `map.get(key)`, found by comparing keys when the map is as small as a request's
/// objects are. Why: serde_json's ordered map hashes the key with SipHash on every
/// lookup, and a create looks up some 70 keys (most of them absent) in maps of a dozen;
/// the hashing was 11 % of a create's instructions, a scan of a dozen keys is a few
/// length comparisons. Keys in a parsed map are unique, so both find the same entry.
pub fn field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    /// Past this many keys the hash is cheaper than the scan.
    const SCANNED_UP_TO: usize = 24;
    if map.len() <= SCANNED_UP_TO {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// Whether `map` holds `key` (see [`field`]).
pub fn has_field(map: &Map<String, Value>, key: &str) -> bool {
    field(map, key).is_some()
}

/// A string field, trimmed; numbers are accepted as their text (lenient like the backend).
pub fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match field(map, key)? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A JSON value as the text a string field echoes: strings as they are, numbers and
/// booleans as written, null as `""`, anything else as its JSON.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::any_json::any_value;
    use proptest::prelude::*;

    proptest! {
        /// The scan finds what the hash finds, in maps below and above the scan's limit,
        /// for keys present and absent (and prefixes of present ones).
        #[test]
        fn field_finds_what_get_finds(
            pairs in prop::collection::vec(("[a-c_]{0,4}", any_value()), 0..40),
            probes in prop::collection::vec("[a-c_]{0,5}", 1..12),
        ) {
            let map: Map<String, Value> = pairs.into_iter().collect();
            for key in probes.iter().map(String::as_str).chain(map.keys().map(String::as_str)) {
                prop_assert_eq!(field(&map, key), map.get(key));
                prop_assert_eq!(has_field(&map, key), map.contains_key(key));
            }
        }
    }
}
