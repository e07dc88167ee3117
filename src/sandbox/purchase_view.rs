//! The full purchase object, serialised straight from the record.
//!
//! Why not a `serde_json::Value`: the create profile showed building the ~2.4 kB object as
//! a map (an `IndexMap` insert, a hash and an allocation per key, then a walk of the map
//! to serialise it) as 12 % of the sandbox's CPU per create. This writes the same keys,
//! in the same order, with the same values, without building anything in between.
//!
//! The answers write the text with `json_object::ObjectWriter` (keys as literals, values
//! through serde_json); `to_value` reads that text back for callers that want a value.
//!
//! The key order is the real captures' (§10.1), kept from the first version: the main
//! block, then `extraParam` / `trxType` / `payment` when set, then the fields §10.1 added,
//! then the capture and saved-card fields (§10.5, §10.8).

use std::sync::LazyLock;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use super::json_object::ObjectWriter;
use super::purchase::{MERCHANT_NAME, Purchase, round2};

/// A purchase as the API returns it; `origin` is `scheme://host:port`.
pub struct PurchaseView<'a> {
    pub purchase: &'a Purchase,
    pub origin: &'a str,
    /// Webhooks carry the brand twice (`brand_id` and, last, `brandId`).
    pub brand_id_again: bool,
}

impl PurchaseView<'_> {
    /// The object as a JSON value, for callers that add to it (read back from the text,
    /// once). There is no `Serialize`: the text is serde_json's, and another serializer
    /// (YAML, a pretty printer) would have been handed it as an opaque string.
    pub fn to_value(&self) -> Value {
        let mut out = Vec::with_capacity(4096);
        match self.write_json(&mut out) {
            Ok(()) => serde_json::from_slice(&out).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }

    /// The object's JSON text, appended to `out` (what an answer sends).
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let p = self.purchase;
        let origin = self.origin;
        let refundable = p.refundable();
        let mut m = ObjectWriter::open(out);
        m.entry("purchaseId", &p.id)?;
        m.fixed_str("type", "purchase");
        m.fixed_str("status", p.status.upper());
        m.entry("brand_id", &p.brand_id)?;
        m.entry("merchantRef", &p.merchant_ref)?;
        m.entry("paymentMethod", &p.payment_method)?;
        m.fixed_str("amountUnit", "MAJOR");
        m.entry("client", &p.client)?;
        m.entry("purchase", &p.purchase)?;
        m.entry("checkout_url", &format_args!("{origin}/payments/{}/", p.id))?;
        m.entry(
            "direct_post_url",
            &format_args!("{origin}/api/v1/p/{}/", p.id),
        )?;
        m.entry("success_redirect", &p.success_redirect)?;
        m.entry("failure_redirect", &p.failure_redirect)?;
        // The real API leaves out what is not set rather than sending null (a client
        // validating the real shapes types these as strings / integers).
        if let Some(v) = &p.pending_redirect {
            m.entry("pending_redirect", v)?;
        }
        if let Some(v) = &p.cancel_redirect {
            m.entry("cancel_redirect", v)?;
        }
        if let Some(v) = &p.success_callback {
            m.entry("success_callback", v)?;
        }
        if let Some(v) = &p.failure_callback {
            m.entry("failure_callback", v)?;
        }
        m.nested("transaction_data", |out| transaction_data(p, out))?;
        m.nested("status_history", |out| status_history(&p.history, out))?;
        m.entry("created_on", &p.created_on)?;
        m.entry("updated_on", &p.updated_on)?;
        m.entry("issued", &crate::clock::iso_date(p.created_on))?;
        m.entry("due", &(p.created_on + 7200))?;
        if let Some(v) = p.viewed_on {
            m.entry("viewedOn", &v)?;
        }
        m.raw("is_test", "true");
        m.raw("is_recurring_token", "false");
        m.raw("force_recurring", "false");
        m.entry("skip_capture", &p.skip_capture)?;
        m.raw("send_receipt", "false");
        m.entry("reference_generated", &p.reference)?;
        m.fixed_str(
            "refund_availability",
            if refundable > 0.0 {
                "FULL_AND_PARTIAL"
            } else {
                "NONE"
            },
        );
        m.entry("refundable_amount", &refundable)?;
        m.entry(
            "refund_upto",
            &p.paid_on.map_or(0, |paid| paid + 180 * 86_400 - 3600),
        )?;
        m.fixed_str("cc_descriptor", "PAYSECURE*SANDBOX");
        m.entry("errorMsg", &p.error_msg)?;
        m.fixed_str(
            "errorCode",
            if p.error_msg.is_empty() {
                "NA"
            } else {
                "transaction_error"
            },
        );
        m.entry("platform", &p.platform)?;
        m.entry("created_from_ip", &p.created_from_ip)?;
        m.raw("payoutProcess", "false");
        if let Some(extra) = &p.extra_param {
            m.entry("extraParam", extra)?;
        }
        if let Some(trx) = p.trx_type {
            m.entry("trxType", &trx)?;
        }
        if let Some(paid_on) = p.paid_on {
            m.nested("payment", |out| payment(p, paid_on, out))?;
        }
        // §10.1: the top-level fields of the real captures that the first version lacked.
        m.raw("issuer_details", &ISSUER_DETAILS);
        m.fixed_str("fraudScore", "NA");
        m.fixed_str("trustScore", "NA");
        m.entry("sessionId", &p.session_id)?;
        m.fixed_str("extraFee", "0");
        m.entry("totalRefunded", &p.refunded_amount)?;
        m.entry("paidOn", &p.paid_on.unwrap_or(0))?;
        m.entry(
            "receivedAmt",
            &if p.paid_on.is_some() { p.total } else { 0.0 },
        )?;
        m.raw("taxAmount", "0");
        m.raw("surcharge", "0");
        m.fixed_str("surchargeType", "");
        // §10.8 and §10.5: the saved card's token, the capture's amounts.
        if let Some(token) = &p.after.token_reference {
            m.entry("token_reference", token)?;
        }
        if let Some(captured) = p.after.captured_amount {
            m.entry("captured_amount", &captured)?;
            m.entry("released_amount", &round2(p.after.released_amount))?;
        }
        if self.brand_id_again {
            m.entry("brandId", &p.brand_id)?;
        }
        m.close();
        Ok(())
    }
}

/// `transaction_data`: the card's brand and echo (`extra`), and the attempts.
fn transaction_data(p: &Purchase, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let mut m = ObjectWriter::open(out);
    match p.card_extra.as_ref().and_then(|e| e.get("card_brand")) {
        Some(brand) => m.entry("payment_method", brand)?,
        None => m.fixed_str("payment_method", ""),
    }
    m.fixed_str("flow", "payform");
    m.entry(
        "extra",
        &CardExtra {
            extra: p.card_extra.as_ref(),
            token: p.after.token_reference.as_deref(),
        },
    )?;
    m.fixed_str("country", "");
    m.entry("attempts", &p.attempts)?;
    m.close();
    Ok(())
}

/// `transaction_data.extra`: the card echo, with the saved card's token when there is
/// one (in the echo's own `token_reference` place if it has one, else last).
struct CardExtra<'a> {
    extra: Option<&'a Value>,
    token: Option<&'a str>,
}

impl Serialize for CardExtra<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = match self.extra {
            None => None,
            Some(Value::Object(fields)) => Some(fields),
            // Not an object: nothing to add a token to; echoed as it is.
            Some(other) => return other.serialize(s),
        };
        let mut m = s.serialize_map(None)?;
        let mut token_written = false;
        for (key, value) in fields.into_iter().flatten() {
            match self.token {
                Some(token) if key == "token_reference" => {
                    m.serialize_entry(key, token)?;
                    token_written = true;
                }
                _ => m.serialize_entry(key, value)?,
            }
        }
        if let (Some(token), false) = (self.token, token_written) {
            m.serialize_entry("token_reference", token)?;
        }
        m.end()
    }
}

/// `status_history`: `[{"status": …, "timestamp": …}, …]`.
fn status_history(history: &[(String, i64)], out: &mut Vec<u8>) -> serde_json::Result<()> {
    out.push(b'[');
    for (i, (status, timestamp)) in history.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let mut m = ObjectWriter::open(out);
        m.entry("status", status)?;
        m.entry("timestamp", timestamp)?;
        m.close();
    }
    out.push(b']');
    Ok(())
}

/// `payment`, once paid: a partial capture says what was taken.
fn payment(p: &Purchase, paid_on: i64, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let amount = p.after.captured_amount.unwrap_or(p.total);
    let mut m = ObjectWriter::open(out);
    m.raw("is_outgoing", "false");
    m.fixed_str("payment_type", "PURCHASE");
    m.entry("amount", &amount)?;
    m.entry("currency", &p.currency)?;
    m.entry("net_amount", &amount)?;
    m.raw("fee_amount", "0");
    m.raw("pending_amount", "0");
    m.raw("pending_unfreeze_on", "null");
    m.fixed_str("description", "");
    m.entry("paid_on", &paid_on)?;
    m.entry("remote_paid_on", &paid_on)?;
    m.close();
    Ok(())
}

/// `issuer_details`: the merchant's legal entity, with the real captures' field set.
/// Written once: it is the same in every answer.
static ISSUER_DETAILS: LazyLock<String> = LazyLock::new(|| {
    let details = json!({
        "website": "",
        "legal_street_address": "1 Sandbox Street",
        "legal_country": "DE",
        "legal_city": "Berlin",
        "legal_zip_code": "10115",
        "bank_accounts": [{"bank_account": "", "bank_code": ""}],
        "legal_name": MERCHANT_NAME,
        "brand_name": MERCHANT_NAME,
        "registration_number": "",
        "tax_number": "",
    });
    details.to_string()
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::after_pay::AfterPay;
    use crate::sandbox::purchase::{Status, TrxType};

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The order of the first version's `Value` builder (checked equal to this writer
    /// on every purchase the whole test suite made before that builder was removed).
    const MAIN: &[&str] = &[
        "purchaseId",
        "type",
        "status",
        "brand_id",
        "merchantRef",
        "paymentMethod",
        "amountUnit",
        "client",
        "purchase",
        "checkout_url",
        "direct_post_url",
        "success_redirect",
        "failure_redirect",
    ];
    const MIDDLE: &[&str] = &[
        "transaction_data",
        "status_history",
        "created_on",
        "updated_on",
        "issued",
        "due",
    ];
    const AFTER_VIEWED: &[&str] = &[
        "is_test",
        "is_recurring_token",
        "force_recurring",
        "skip_capture",
        "send_receipt",
        "reference_generated",
        "refund_availability",
        "refundable_amount",
        "refund_upto",
        "cc_descriptor",
        "errorMsg",
        "errorCode",
        "platform",
        "created_from_ip",
        "payoutProcess",
    ];
    const CAPTURE_FIELDS: &[&str] = &[
        "issuer_details",
        "fraudScore",
        "trustScore",
        "sessionId",
        "extraFee",
        "totalRefunded",
        "paidOn",
        "receivedAmt",
        "taxAmount",
        "surcharge",
        "surchargeType",
    ];

    #[test]
    fn a_new_purchase_leaves_out_what_is_not_set() {
        let p = Purchase {
            id: "abc".into(),
            status: Status::Created,
            ..Purchase::default()
        };
        let v = p.view("http://h:1").to_value();
        let expected: Vec<&str> = [MAIN, MIDDLE, AFTER_VIEWED, CAPTURE_FIELDS].concat();
        assert_eq!(keys(&v), expected);
        assert_eq!(v["checkout_url"], "http://h:1/payments/abc/");
        assert_eq!(v["direct_post_url"], "http://h:1/api/v1/p/abc/");
        assert_eq!(v["transaction_data"]["payment_method"], "");
        assert_eq!(v["transaction_data"]["extra"], json!({}));
    }

    /// A partly captured purchase paid with a saved card: every optional field set.
    fn captured_with_saved_card() -> Purchase {
        Purchase {
            id: "abc".into(),
            status: Status::PartiallyCaptured,
            total: 20.0,
            currency: "EUR".into(),
            pending_redirect: Some("p".into()),
            cancel_redirect: Some("c".into()),
            success_callback: Some("s".into()),
            failure_callback: Some("f".into()),
            viewed_on: Some(5),
            extra_param: Some(Value::Null),
            trx_type: Some(TrxType::ThreeD),
            paid_on: Some(100),
            card_extra: Some(json!({"card_brand": "VISA", "token_reference": "old", "x": 1})),
            after: AfterPay {
                captured_amount: Some(12.5),
                released_amount: 7.499_999,
                token_reference: Some("tok".into()),
                ..AfterPay::default()
            },
            ..Purchase::default()
        }
    }

    #[test]
    fn a_captured_saved_card_purchase_has_every_optional_field_in_its_place() {
        let p = captured_with_saved_card();
        let v = p.view("http://h:1").to_value();
        let expected: Vec<&str> = [
            MAIN,
            &[
                "pending_redirect",
                "cancel_redirect",
                "success_callback",
                "failure_callback",
            ],
            MIDDLE,
            &["viewedOn"],
            AFTER_VIEWED,
            &["extraParam", "trxType", "payment"],
            CAPTURE_FIELDS,
            &["token_reference", "captured_amount", "released_amount"],
        ]
        .concat();
        assert_eq!(keys(&v), expected);
        assert_eq!(v["extraParam"], Value::Null);
        assert_eq!(v["trxType"], "3D");
        assert_eq!(v["payment"]["amount"], 12.5);
        assert_eq!(v["payment"]["net_amount"], 12.5);
        assert_eq!(v["payment"]["pending_unfreeze_on"], Value::Null);
        assert_eq!(v["released_amount"], 7.5);
        assert_eq!(v["receivedAmt"], 20.0);
        assert_eq!(v["refund_upto"], 100 + 180 * 86_400 - 3600);
        let extra = &v["transaction_data"]["extra"];
        assert_eq!(keys(extra), ["card_brand", "token_reference", "x"]);
        assert_eq!(extra["token_reference"], "tok");
        assert_eq!(v["transaction_data"]["payment_method"], "VISA");
    }

    /// The answer's exact text for a new purchase and one with every optional field set
    /// (the text the serde map writer gave, kept when the keys became literals).
    #[test]
    fn the_view_text_is_byte_for_byte_the_same() {
        let new = Purchase {
            id: "abc".into(),
            status: Status::Created,
            client: crate::sandbox::raw_json::RawJson::of(
                &json!({"email": "a@b.c", "x": "\"q\u{1b}"}),
            ),
            ..Purchase::default()
        };
        let full = Purchase {
            failure_callback: Some("f\"\\".into()),
            extra_param: Some(json!({"k": [1, 2.5, null]})),
            history: vec![("created".into(), 1), ("paid".into(), 100)],
            error_msg: "Card \"declined\"".into(),
            refunded_amount: 1.25,
            ..captured_with_saved_card()
        };
        // The bytes an answer sends (`errors::view_response` writes exactly these).
        let text = |p: &Purchase| {
            let mut out = Vec::new();
            p.view("http://h:1").write_json(&mut out).expect("json");
            String::from_utf8(out).expect("utf-8")
        };
        insta::assert_snapshot!("view_new", text(&new));
        insta::assert_snapshot!("view_full", text(&full));
        insta::assert_snapshot!("webhook_full", full.webhook_body("http://h:1", "paid"));
    }

    #[test]
    fn a_webhook_message_names_the_brand_twice_last() {
        let p = Purchase {
            brand_id: "brd".into(),
            ..Purchase::default()
        };
        let body: Value =
            serde_json::from_str(&p.webhook_body("http://h:1", "hold")).expect("JSON text");
        assert_eq!(
            body["status"], "hold",
            "the event name given, not the status"
        );
        assert_eq!(keys(&body), ["message", "status"]);
        let message = keys(&body["message"]);
        assert_eq!(message.last(), Some(&"brandId"));
        assert_eq!(body["message"]["brandId"], "brd");
    }
}
