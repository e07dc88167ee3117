//! §6: every outcome row with a 2D (frictionless) and a 3D (challenge) card, Visa and
//! Mastercard alike; final status, errorMsg, redirect, webhook.

use paysecure_explorer::paysecure::test_cards::{CardOutcome, OUTCOME_ROWS};
use reqwest::Method;
use serde_json::json;

use crate::common::Env;

#[tokio::test]
async fn every_outcome_row_in_2d_and_3d_form() {
    let env = Env::start().await;
    for row in OUTCOME_ROWS {
        for (column, card) in row.cards.iter().enumerate() {
            let (id, callback) = env.pending(card).await;
            let first = env.browser_get(&callback).await;
            let challenge = column % 2 == 1;
            let done = if challenge {
                assert_eq!(first.status, 200, "{card}: 3D cards challenge");
                assert!(first.text.contains("id=\"otp\""));
                env.browser_form(&callback, "otp=123456&action=submit")
                    .await
            } else {
                assert_eq!(first.status, 302, "{card}: 2D cards are frictionless");
                first
            };
            assert_eq!(done.status, 302);
            let p = env.status(&id).await;
            assert_eq!(p["status"], row.outcome.status(), "{card} ({})", row.label);
            let expected_msg = match row.outcome {
                CardOutcome::Declined(m) => m,
                CardOutcome::Expired => "Transaction Expired",
                _ => "",
            };
            assert_eq!(p["errorMsg"], expected_msg, "{card}");
            let page = match row.outcome {
                CardOutcome::Success | CardOutcome::RefundFails => "success",
                CardOutcome::Pending => "pending",
                _ => "failure",
            };
            assert!(
                done.location()
                    .starts_with(&env.sb.merchant_return_url(page)),
                "{card}"
            );
            let masked = p["transaction_data"]["extra"]["masked_pan"]
                .as_str()
                .expect("masked");
            assert_eq!(masked, format!("{}******{}", &card[..6], &card[12..]));
            assert!(
                !p.to_string().contains(card),
                "the full PAN is never echoed"
            );
        }
    }
}

#[tokio::test]
async fn seed_card_is_a_3d_success_card() {
    let env = Env::start().await;
    let (id, callback) = env.pending("4444333322221111").await;
    assert_eq!(env.browser_get(&callback).await.status, 200);
    env.browser_form(&callback, "otp=123456&action=submit")
        .await;
    assert_eq!(env.status_of(&id).await, "PAID");
}

#[tokio::test]
async fn pending_outcome_waits_for_settle_then_webhooks() {
    let env = Env::start().await;
    let (id, callback) = env.pending("4994455060632359").await;
    env.complete(&callback, "123456").await;
    assert_eq!(env.status_of(&id).await, "PAYMENT_IN_PROCESS");
    let a = env
        .control(
            Method::POST,
            &format!("/purchases/{id}/settle"),
            Some(json!({"status": "paid"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(env.status_of(&id).await, "PAID");
    let (status, valid, _) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((status.as_str(), valid), ("paid", true));
}

#[tokio::test]
async fn every_outcome_in_2d_mode_too() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    for row in OUTCOME_ROWS {
        for card in [row.cards[0], row.cards[3]] {
            let id = env.create().await;
            let p = env.pay(&id, card).await.json();
            assert_eq!(p["status"], row.outcome.status(), "{card}");
            assert_eq!(p["trxType"], "2D");
        }
    }
}
