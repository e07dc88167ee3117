//! What the merchant stub received, as history rows beside the app's own exchanges.

use crate::api::{Exchange, ExchangeKind, redact};
use crate::sandbox::MerchantEvent;

/// A merchant-stub event as an [`Exchange`] (body redacted like any other).
pub fn to_exchange(event: &MerchantEvent) -> Exchange {
    match event {
        MerchantEvent::Webhook {
            status,
            signature_valid,
            received_at_ms,
            body,
            ..
        } => Exchange {
            request_headers: vec![(
                "paysecure-sign".into(),
                "(verified by the merchant stub)".into(),
            )],
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
            ..Exchange::new(
                ExchangeKind::Webhook,
                "POST",
                "/merchant/webhook",
                *received_at_ms,
            )
        },
        MerchantEvent::Landing {
            page,
            purchase_id,
            received_at_ms,
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
            ..Exchange::new(
                ExchangeKind::Landing,
                "GET",
                &format!("/merchant/return/{page}"),
                *received_at_ms,
            )
        },
    }
}
