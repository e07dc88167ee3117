//! Request and response types. Unknown fields are kept (`extra`) so nothing the server
//! sends is lost, and statuses are compared case-insensitively, as the real API needs.

use super::redact::redact_text;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `client` of a purchase.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Client {
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub full_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default)]
    pub street_address: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub zip_code: String,
    #[serde(default)]
    pub country: String,
    #[serde(rename = "stateCode", default)]
    pub state_code: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One product line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub name: String,
    #[serde(default = "one")]
    pub quantity: u32,
    pub price: f64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn one() -> u32 {
    1
}

/// `purchase` of a purchase: currency and products.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PurchaseDetails {
    pub currency: String,
    pub products: Vec<Product>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PurchaseDetails {
    /// The total Paysecure computes: the sum of product prices.
    pub fn total(&self) -> f64 {
        let sum: f64 = self.products.iter().map(|p| p.price).sum();
        (sum * 100.0).round() / 100.0
    }
}

/// The body of `POST /purchases/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatePurchase {
    pub client: Client,
    pub purchase: PurchaseDetails,
    pub brand_id: String,
    #[serde(rename = "merchantRef", skip_serializing_if = "Option::is_none")]
    pub merchant_ref: Option<String>,
    #[serde(rename = "paymentMethod", skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    pub success_redirect: String,
    pub failure_redirect: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_redirect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of `POST /p/{id}/?s2s=true`: the seed document's 16 fields (+ token).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct S2sPayment {
    pub cardholder_name: String,
    pub card_number: String,
    pub expires: String,
    pub cvc: String,
    pub remember_card: String,
    pub remote_ip: String,
    pub user_agent: String,
    pub accept_header: String,
    pub language: String,
    pub java_enabled: bool,
    pub javascript_enabled: bool,
    pub color_depth: i64,
    pub utc_offset: i64,
    pub screen_width: i64,
    pub screen_height: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_reference: Option<String>,
}

/// One `status_history` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub status: String,
    #[serde(default)]
    pub timestamp: Value,
}

/// A purchase object as returned by create, status, cancel, full refund, 2D S2S.
///
/// Its id is read from `purchaseId`, or from `id` when only that is sent; an answer that
/// carries both is read too (a derived alias would call that a duplicate field and lose
/// the whole answer), with `id` kept in `extra` so nothing the server sent is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PurchaseWire")]
pub struct Purchase {
    #[serde(rename = "purchaseId")]
    pub id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_post_url: Option<String>,
    #[serde(default)]
    pub status_history: Vec<StatusEntry>,
    #[serde(rename = "errorMsg", default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A purchase as it comes over the wire, before its id is settled.
#[derive(Deserialize)]
struct PurchaseWire {
    #[serde(rename = "purchaseId", default)]
    purchase_id: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    // The rest as any JSON: a field of another type (a `null` status, a number for a URL)
    // is kept in `extra` rather than losing the whole answer, and its id with it.
    #[serde(default)]
    status: Option<Value>,
    #[serde(default)]
    checkout_url: Option<Value>,
    #[serde(default)]
    direct_post_url: Option<Value>,
    #[serde(default)]
    status_history: Option<Value>,
    #[serde(rename = "errorMsg", default)]
    error_msg: Option<Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// `value` when it is text; otherwise `None`, with the value kept in `extra` under `name`.
fn text_or_keep(
    name: &str,
    value: Option<Value>,
    extra: &mut Map<String, Value>,
) -> Option<String> {
    match value {
        None => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            extra.insert(name.to_owned(), other);
            None
        }
    }
}

impl TryFrom<PurchaseWire> for Purchase {
    type Error = String;

    fn try_from(wire: PurchaseWire) -> Result<Purchase, String> {
        let usable = |v: &Option<Value>| match v {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        };
        // A number is an id as it is written (`12345`), where no text id was sent.
        let numeric = |v: &Option<Value>| match v {
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let id = usable(&wire.purchase_id)
            .or_else(|| usable(&wire.id))
            .or_else(|| numeric(&wire.purchase_id))
            .or_else(|| numeric(&wire.id))
            .ok_or_else(|| match (&wire.purchase_id, &wire.id) {
                (None, None) => "missing field `purchaseId`".to_owned(),
                (p, i) => format!(
                    "no usable purchase id: `purchaseId` is {}, `id` is {}",
                    p.as_ref().map_or("absent".to_owned(), Value::to_string),
                    i.as_ref().map_or("absent".to_owned(), Value::to_string)
                ),
            })?;
        let mut extra = wire.extra;
        // Whatever was sent beside the id chosen stays, so nothing the server sent is lost.
        if let Some(other) = wire
            .id
            .filter(|v| v.as_str() != Some(id.as_str()) || wire.purchase_id.is_some())
        {
            extra.insert("id".to_owned(), other);
        }
        // `status` and `status_history` are always written back under their own names, so
        // an odd value of theirs is not kept beside them (the answer in history has it).
        let status = match wire.status {
            Some(Value::String(s)) => redact_text(&s),
            _ => String::new(),
        };
        let checkout_url = text_or_keep("checkout_url", wire.checkout_url, &mut extra);
        let direct_post_url = text_or_keep("direct_post_url", wire.direct_post_url, &mut extra);
        // Shown on screen and printed by `flow`: a card number a server wrote into it is
        // masked like everywhere else (the history's copy of the body is redacted apart).
        let error_msg =
            text_or_keep("errorMsg", wire.error_msg, &mut extra).map(|text| redact_text(&text));
        // Its statuses are shown too (the result's timeline): masked as `status` is.
        let status_history = wire
            .status_history
            .and_then(|value| serde_json::from_value::<Vec<StatusEntry>>(value).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|entry| StatusEntry {
                status: redact_text(&entry.status),
                ..entry
            })
            .collect();
        Ok(Purchase {
            id,
            status,
            checkout_url,
            direct_post_url,
            status_history,
            error_msg,
            extra,
        })
    }
}

impl Purchase {
    /// `purchase.total` as the server sent it: what a hold holds (a number, unless the
    /// server sent something else).
    pub fn purchase_total(&self) -> Option<&Value> {
        self.extra.get("purchase")?.get("total")
    }

    /// The status, parsed case-insensitively.
    pub fn status(&self) -> PurchaseStatus {
        PurchaseStatus::parse(&self.status)
    }

    /// `updated_on` as the server sent it (Unix seconds), when it is a number.
    pub fn updated_on(&self) -> Option<i64> {
        let value = self.extra.get("updated_on")?;
        value.as_i64().or_else(|| value.as_f64().map(|f| f as i64))
    }

    /// Whether this answer describes `shown`'s purchase as it was before `shown`: updated
    /// earlier, or in the same second with fewer status changes. Reads answer out of order
    /// (a poll, a webhook's read and a user's r can be in flight at once), and the older
    /// answer must not replace the newer one on screen. Without `updated_on` on both, or
    /// for another purchase, nothing can be said: `false`.
    pub fn is_older_than(&self, shown: &Purchase) -> bool {
        if self.id != shown.id {
            return false;
        }
        match (self.updated_on(), shown.updated_on()) {
            (Some(this), Some(that)) if this != that => this < that,
            (Some(_), Some(_)) => self.status_history.len() < shown.status_history.len(),
            _ => false,
        }
    }
}

/// Purchase statuses, compared case-insensitively (`PAID`, `paid`, `PENDINGEXECUTE`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurchaseStatus {
    Created,
    Viewed,
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
    /// A pre-authorisation's hold (`skip_capture`); Paysecure's webhook calls it `hold`.
    Preauthorized,
    CaptureInProcess,
    PartiallyCaptured,
    VoidInProcess,
    /// Anything else, kept as sent.
    Other(String),
}

impl PurchaseStatus {
    /// Parses any casing, with or without underscores.
    pub fn parse(text: &str) -> PurchaseStatus {
        let folded: String = text
            .chars()
            .filter(|c| *c != '_' && *c != '-' && *c != ' ')
            .collect::<String>()
            .to_ascii_lowercase();
        match folded.as_str() {
            "created" => PurchaseStatus::Created,
            "viewed" => PurchaseStatus::Viewed,
            "pendingexecute" => PurchaseStatus::PendingExecute,
            "overdue" => PurchaseStatus::Overdue,
            "paymentinprocess" => PurchaseStatus::PaymentInProcess,
            "paid" => PurchaseStatus::Paid,
            "error" | "paymentfailed" => PurchaseStatus::Error,
            "cancelled" | "canceled" => PurchaseStatus::Cancelled,
            "expired" => PurchaseStatus::Expired,
            "refundinprocess" => PurchaseStatus::RefundInProcess,
            "refunded" => PurchaseStatus::Refunded,
            "partialrefunded" => PurchaseStatus::PartialRefunded,
            "preauthorized" | "preauthorised" | "hold" => PurchaseStatus::Preauthorized,
            "captureinprocess" => PurchaseStatus::CaptureInProcess,
            "partiallycaptured" => PurchaseStatus::PartiallyCaptured,
            "voidinprocess" => PurchaseStatus::VoidInProcess,
            _ => PurchaseStatus::Other(text.to_string()),
        }
    }

    /// The status as shown: upper case for the known ones (as Paysecure writes `status`),
    /// an unknown one exactly as the server sent it (upper-casing it changed what it said,
    /// an escape's `[31m` too).
    pub fn as_upper(&self) -> String {
        match self {
            PurchaseStatus::Other(s) => s.clone(),
            known => known.as_lower().to_ascii_uppercase(),
        }
    }

    /// Lower-case snake name, as in history, webhooks and `flow --json`.
    pub fn as_lower(&self) -> String {
        match self {
            PurchaseStatus::Created => "created".into(),
            PurchaseStatus::Viewed => "viewed".into(),
            PurchaseStatus::PendingExecute => "pending_execute".into(),
            PurchaseStatus::Overdue => "overdue".into(),
            PurchaseStatus::PaymentInProcess => "payment_in_process".into(),
            PurchaseStatus::Paid => "paid".into(),
            PurchaseStatus::Error => "error".into(),
            PurchaseStatus::Cancelled => "cancelled".into(),
            PurchaseStatus::Expired => "expired".into(),
            PurchaseStatus::RefundInProcess => "refund_in_process".into(),
            PurchaseStatus::Refunded => "refunded".into(),
            PurchaseStatus::PartialRefunded => "partial_refunded".into(),
            PurchaseStatus::Preauthorized => "preauthorized".into(),
            PurchaseStatus::CaptureInProcess => "capture_in_process".into(),
            PurchaseStatus::PartiallyCaptured => "partially_captured".into(),
            PurchaseStatus::VoidInProcess => "void_in_process".into(),
            PurchaseStatus::Other(s) => s.to_ascii_lowercase(),
        }
    }

    /// Whether the payment has reached a state that will not change by itself.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            PurchaseStatus::Paid
                | PurchaseStatus::Error
                | PurchaseStatus::Cancelled
                | PurchaseStatus::Expired
                | PurchaseStatus::Refunded
                | PurchaseStatus::PartialRefunded
                | PurchaseStatus::PartiallyCaptured
        )
    }

    /// Whether the payment ended without the money taken (refused, lapsed or cancelled).
    pub fn ended_unpaid(&self) -> bool {
        matches!(
            self,
            PurchaseStatus::Error | PurchaseStatus::Expired | PurchaseStatus::Cancelled
        )
    }

    /// Whether the payment step is over and the next move is the merchant's: a hold
    /// waits for a capture or a void (it is not final: it can still lapse to EXPIRED).
    pub fn awaits_merchant(&self) -> bool {
        *self == PurchaseStatus::Preauthorized
    }
}

/// The two success shapes of the S2S call.
#[derive(Debug, Clone, PartialEq)]
pub enum S2sOutcome {
    /// 3D: send the customer's browser to `callback_url`.
    Pending {
        callback_url: String,
        method: String,
    },
    /// 2D: the purchase came back with its final status inline (`callback_url: "no_need"`).
    Inline(Purchase),
}

impl S2sOutcome {
    /// Reads either shape from a success body; `None` when it is neither.
    pub fn from_body(body: &Value) -> Option<S2sOutcome> {
        let status = body.get("status").and_then(Value::as_str).unwrap_or("");
        let callback = body
            .get("callback_url")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty() && !u.eq_ignore_ascii_case("no_need"));
        if let (true, Some(url)) = (status.eq_ignore_ascii_case("pending"), callback) {
            let method = body
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("GET")
                .to_string();
            return Some(S2sOutcome::Pending {
                callback_url: url.to_string(),
                method,
            });
        }
        serde_json::from_value::<Purchase>(body.clone())
            .ok()
            .map(S2sOutcome::Inline)
    }
}

/// The reply of a partial refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    #[serde(rename = "refundId", default)]
    pub refund_id: String,
    #[serde(rename = "purchaseId", default)]
    pub purchase_id: String,
    #[serde(default)]
    pub amount: f64,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: String,
    /// When the refund settled: `0` (or absent, or null) while it is REFUND_IN_PROCESS.
    #[serde(rename = "refundOn", default, deserialize_with = "lenient_epoch")]
    pub refund_on: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Refund {
    /// The refund's status, parsed case-insensitively (`REFUND_IN_PROCESS`, `REFUNDED`).
    pub fn status(&self) -> PurchaseStatus {
        PurchaseStatus::parse(&self.status)
    }
}

/// An epoch that may come as a number, a numeric string or null.
fn lenient_epoch<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// The reply of `POST /purchases/{id}/capture/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capture {
    #[serde(rename = "purchaseId", default)]
    pub purchase_id: String,
    /// `PAID` (all of the hold) or `PARTIALLY_CAPTURED`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub captured_amount: f64,
    #[serde(default)]
    pub released_amount: f64,
    #[serde(default)]
    pub payment: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Capture {
    /// The purchase's status after the capture.
    pub fn status(&self) -> PurchaseStatus {
        PurchaseStatus::parse(&self.status)
    }
}

/// One entry of `GET /listSavedCards`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedCard {
    #[serde(default)]
    pub card_last_four: String,
    pub token_reference: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `errorMsg` and `status` are shown and printed: a card number a server wrote into
    /// them is masked as it is read, grouped or not.
    #[test]
    fn a_card_number_in_errormsg_or_status_is_masked_as_read() {
        let p: Purchase = serde_json::from_value(json!({
            "purchaseId": "p1",
            "status": "ERROR 5555555555554444",
            "errorMsg": "card 4444-3333-2222-1111 ok / 4111 1111 1111 1111",
            "status_history": [{"status": "paid 5555 5555 5555 4444", "timestamp": 1}],
        }))
        .expect("purchase");
        let shown = format!(
            "{} {} {}",
            p.status,
            p.error_msg.unwrap_or_default(),
            p.status_history
                .first()
                .map_or(String::new(), |e| e.status.clone())
        );
        for whole in [
            "5555555555554444",
            "4444-3333-2222-1111",
            "4111 1111 1111 1111",
            "5555 5555 5555 4444",
        ] {
            assert!(!shown.contains(whole), "{shown}");
        }
        assert!(shown.contains("555555******4444"), "{shown}");
    }

    #[test]
    fn statuses_parse_in_any_case() {
        assert_eq!(PurchaseStatus::parse("PAID"), PurchaseStatus::Paid);
        assert_eq!(PurchaseStatus::parse("paid"), PurchaseStatus::Paid);
        assert_eq!(
            PurchaseStatus::parse("PENDINGEXECUTE"),
            PurchaseStatus::PendingExecute
        );
        assert_eq!(
            PurchaseStatus::parse("pending_execute"),
            PurchaseStatus::PendingExecute
        );
        assert_eq!(
            PurchaseStatus::parse("HOLD_ON"),
            PurchaseStatus::Other("HOLD_ON".into())
        );
    }

    #[test]
    fn pre_auth_and_in_process_statuses() {
        for (text, status, fin) in [
            ("PREAUTHORIZED", PurchaseStatus::Preauthorized, false),
            ("hold", PurchaseStatus::Preauthorized, false),
            (
                "capture_in_process",
                PurchaseStatus::CaptureInProcess,
                false,
            ),
            (
                "PARTIALLY_CAPTURED",
                PurchaseStatus::PartiallyCaptured,
                true,
            ),
            ("VoidInProcess", PurchaseStatus::VoidInProcess, false),
            ("REFUND_IN_PROCESS", PurchaseStatus::RefundInProcess, false),
        ] {
            let parsed = PurchaseStatus::parse(text);
            assert_eq!(parsed, status, "{text}");
            assert_eq!(parsed.is_final(), fin, "{text}");
            assert_eq!(PurchaseStatus::parse(&parsed.as_upper()), parsed);
        }
        assert!(PurchaseStatus::Preauthorized.awaits_merchant());
        assert!(!PurchaseStatus::Paid.awaits_merchant());
        // A status this client does not know is shown exactly as sent.
        let odd = PurchaseStatus::parse("on_hold\u{1b}[31m");
        assert_eq!(odd.as_upper(), "on_hold\u{1b}[31m");
    }

    #[test]
    fn refund_on_is_read_however_it_comes() {
        let refund = |on: Value| -> Refund {
            serde_json::from_value(
                json!({"refundId": "r", "status": "REFUND_IN_PROCESS", "refundOn": on}),
            )
            .expect("refund")
        };
        assert_eq!(refund(json!(0)).refund_on, Some(0));
        assert_eq!(refund(json!(1700000000)).refund_on, Some(1_700_000_000));
        assert_eq!(refund(json!("1700000000")).refund_on, Some(1_700_000_000));
        assert_eq!(refund(Value::Null).refund_on, None);
        assert_eq!(refund(json!(0)).status(), PurchaseStatus::RefundInProcess);
        let absent: Refund = serde_json::from_value(json!({"refundId": "r"})).expect("refund");
        assert_eq!(absent.refund_on, None);
    }

    #[test]
    fn both_s2s_shapes() {
        let pending = json!({"status": "pending", "callback_url": "http://x/api/v1/payment/1/", "method": "GET"});
        assert!(matches!(
            S2sOutcome::from_body(&pending),
            Some(S2sOutcome::Pending { .. })
        ));
        let inline = json!({"purchaseId": "abc", "status": "PAID", "trxType": "2D", "callback_url": "no_need"});
        match S2sOutcome::from_body(&inline) {
            Some(S2sOutcome::Inline(p)) => {
                assert_eq!(p.status(), PurchaseStatus::Paid);
                assert_eq!(p.extra.get("trxType"), Some(&json!("2D")));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(S2sOutcome::from_body(&json!({"hello": 1})), None);
    }

    #[test]
    fn the_id_is_read_from_purchase_id_or_id_or_both() {
        let read = |body: Value| serde_json::from_value::<Purchase>(body);
        let only_purchase_id = read(json!({"purchaseId": "p1", "status": "PAID"})).expect("read");
        assert_eq!(only_purchase_id.id, "p1");
        let only_id = read(json!({"id": "p2", "status": "PAID"})).expect("read");
        assert_eq!(only_id.id, "p2");
        assert!(!only_id.extra.contains_key("id"));
        let both = read(json!({"id": "p3", "purchaseId": "p3", "status": "PAID"})).expect("read");
        assert_eq!(
            (both.id.as_str(), both.status()),
            ("p3", PurchaseStatus::Paid)
        );
        let back = serde_json::to_value(&both).expect("serialise");
        assert_eq!(
            (back["purchaseId"].clone(), back["id"].clone()),
            (json!("p3"), json!("p3"))
        );
        let neither = read(json!({"status": "PAID"})).expect_err("no id");
        assert!(neither.to_string().contains("purchaseId"), "{neither}");
        let numeric = read(json!({"purchaseId": 12345, "status": "CREATED"})).expect("numeric id");
        assert_eq!(numeric.id, "12345");
        let unusable = read(json!({"id": true})).expect_err("no usable id");
        assert!(unusable.to_string().contains("`id` is true"), "{unusable}");
        // An empty or non-string purchaseId does not hide a usable id.
        for bad in [json!(""), json!(12), Value::Null] {
            let p = read(json!({"purchaseId": bad, "id": "p4"})).expect("read");
            assert_eq!(p.id, "p4", "purchaseId {bad}");
        }
    }

    /// A field of an unexpected type (a `null` status, a number where a URL goes) does not
    /// lose the answer and its id: it is kept with the unknown fields.
    #[test]
    fn an_odd_field_type_keeps_the_answer_and_its_id() {
        let p: Purchase = serde_json::from_value(json!({
            "purchaseId": "p5", "status": null, "checkout_url": 7,
            "status_history": "none", "errorMsg": {"x": 1}
        }))
        .expect("read");
        assert_eq!((p.id.as_str(), p.status.as_str()), ("p5", ""));
        assert_eq!(p.checkout_url, None);
        assert_eq!(p.extra["checkout_url"], json!(7));
        assert_eq!(p.extra["errorMsg"], json!({"x": 1}));
        assert!(p.status_history.is_empty());
        // Written back once each, no key twice.
        let back = serde_json::to_string(&p).expect("serialise");
        assert_eq!(back.matches("\"status\"").count(), 1, "{back}");
        assert_eq!(back.matches("\"checkout_url\"").count(), 1, "{back}");
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let body = json!({"purchaseId": "a", "status": "CREATED", "brand_new_field": [1, 2]});
        let p: Purchase = serde_json::from_value(body).expect("parse");
        let back = serde_json::to_value(&p).expect("serialise");
        assert_eq!(back["brand_new_field"], json!([1, 2]));
    }
}
