//! What the merchant stub received, as history rows beside the app's own exchanges.
//! Each row keeps the absolute URL the stub was reached at and, for a webhook, the
//! `paysecure-sign` it came with, so its curl replays it and its HAR entry is complete.

use super::sink::Sink;
use crate::api::MerchantEvent;
use crate::api::{Exchange, ExchangeKind, redact};

/// Appends the events about `purchase_id` to history (what `flow` does after its run).
pub fn record(events: &[MerchantEvent], purchase_id: Option<&str>, sink: &Sink) {
    for event in events.iter().filter(|e| e.purchase_id() == purchase_id) {
        sink.append(&to_exchange(event));
    }
}

/// A merchant-stub event as an [`Exchange`] (body redacted like any other).
pub fn to_exchange(event: &MerchantEvent) -> Exchange {
    match event {
        MerchantEvent::Webhook {
            status,
            signature_valid,
            received_at_ms,
            url,
            signature,
            content_type,
            body,
            ..
        } => Exchange {
            request_headers: [
                ("content-type", content_type),
                ("paysecure-sign", signature),
            ]
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_string(), value.clone()?)))
            .collect(),
            request_body: Some(redact::body(&body.to_string())),
            status: Some(if *signature_valid { 200 } else { 401 }),
            // The purchase id is in the body (detail view), so the row stays short.
            note: Some(format!(
                "webhook {status} · signature {}",
                if *signature_valid {
                    "✓"
                } else {
                    "✗ INVALID"
                }
            )),
            ..Exchange::new(ExchangeKind::Webhook, "POST", url, *received_at_ms)
        },
        MerchantEvent::Landing {
            page,
            purchase_id,
            received_at_ms,
            url,
        } => Exchange {
            status: Some(200),
            note: Some(format!(
                "landing {page}{}",
                if purchase_id.is_some() {
                    " (merchant stub)"
                } else {
                    ""
                }
            )),
            // The URL's `purchaseId` query ties the row to its purchase in history.
            ..Exchange::new(ExchangeKind::Landing, "GET", url, *received_at_ms)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::record::Record;

    #[test]
    fn webhooks_keep_url_and_signature_and_landings_their_purchase() {
        let id = "6b0e1058eae5d6bae9000000";
        let webhook = to_exchange(&MerchantEvent::Webhook {
            purchase_id: id.into(),
            status: "paid".into(),
            signature_valid: true,
            received_at_ms: 5,
            url: "http://127.0.0.1:9/merchant/webhook".into(),
            signature: Some("c2lnbmF0dXJl+/==".into()),
            content_type: Some("application/json".into()),
            body: serde_json::json!({"message": {"purchaseId": id}}),
        });
        assert_eq!(webhook.url, "http://127.0.0.1:9/merchant/webhook");
        assert_eq!(
            webhook.request_headers,
            vec![
                ("content-type".to_string(), "application/json".to_string()),
                ("paysecure-sign".to_string(), "c2lnbmF0dXJl+/==".to_string())
            ]
        );
        let stored = Record::new(1, webhook);
        assert_eq!(stored.purchase_id.as_deref(), Some(id));
        assert_eq!(
            stored.exchange.request_headers[1].1, "c2lnbmF0dXJl+/==",
            "the store keeps the signature"
        );
        let landing = to_exchange(&MerchantEvent::Landing {
            page: "success".into(),
            purchase_id: Some(id.into()),
            received_at_ms: 6,
            url: format!("http://127.0.0.1:9/merchant/return/success?purchaseId={id}"),
        });
        assert_eq!(Record::new(2, landing).purchase_id.as_deref(), Some(id));
    }
}
