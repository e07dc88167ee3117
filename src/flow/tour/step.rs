//! The steps a tour stop walks through, in the order a card payment takes them.

use serde::Deserialize;

/// One step of a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// `POST /purchases/`.
    Create,
    /// `POST /p/{id}/?s2s=true` with the card and device.
    S2s,
    /// The customer's browser opens `callback_url`.
    Callback,
    /// The issuer's 3-D Secure challenge, answered with the OTP.
    Challenge,
    /// The redirect back to the merchant's page.
    Redirect,
    /// The signed webhook at the merchant's endpoint.
    Webhook,
    /// `GET /purchases/{id}/`: the status the merchant trusts.
    Status,
    /// `GET /purchases/{id}/refund/`: the whole amount back.
    Refund,
    /// The sandbox settles a payment in process (what the processor does later).
    Settle,
    /// The merchant checks the webhook's `paysecure-sign`.
    Verify,
}

impl StepKind {
    /// Every kind, in the order a stop takes them.
    pub const ALL: [StepKind; 10] = [
        StepKind::Create,
        StepKind::S2s,
        StepKind::Callback,
        StepKind::Challenge,
        StepKind::Redirect,
        StepKind::Webhook,
        StepKind::Status,
        StepKind::Refund,
        StepKind::Settle,
        StepKind::Verify,
    ];

    /// The name used in tour files (`[stop.narration]` keys).
    pub fn key(self) -> &'static str {
        match self {
            StepKind::Create => "create",
            StepKind::S2s => "s2s",
            StepKind::Callback => "callback",
            StepKind::Challenge => "challenge",
            StepKind::Redirect => "redirect",
            StepKind::Webhook => "webhook",
            StepKind::Status => "status",
            StepKind::Refund => "refund",
            StepKind::Settle => "settle",
            StepKind::Verify => "verify",
        }
    }

    /// A short label for the step list.
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Create => "create purchase",
            StepKind::S2s => "send card (S2S)",
            StepKind::Callback => "open callback",
            StepKind::Challenge => "3-D Secure OTP",
            StepKind::Redirect => "redirect",
            StepKind::Webhook => "webhook",
            StepKind::Status => "status GET",
            StepKind::Refund => "refund",
            StepKind::Settle => "settle",
            StepKind::Verify => "verify signature",
        }
    }

    /// Narration used when the tour file gives none for this step.
    pub fn default_narration(self) -> &'static str {
        match self {
            StepKind::Create => {
                "Your server creates a purchase: the amount, the currency and the customer. Nothing is charged yet."
            }
            StepKind::S2s => {
                "Your server sends the card and the customer's device straight to Paysecure, server to server."
            }
            StepKind::Callback => {
                "The customer's browser opens the callback URL Paysecure returned, where the issuer decides whether to challenge."
            }
            StepKind::Challenge => {
                "The issuer asks the customer for a one-time code: this is 3-D Secure, and it moves fraud liability away from you."
            }
            StepKind::Redirect => {
                "The customer is sent back to your success, failure or pending page."
            }
            StepKind::Webhook => {
                "Paysecure tells your server the outcome with a signed webhook, even if the customer closed the browser."
            }
            StepKind::Status => {
                "Your server asks Paysecure for the purchase's status: the one answer to trust before shipping."
            }
            StepKind::Refund => {
                "You give the money back with one call; the purchase records the refund."
            }
            StepKind::Settle => {
                "Later, the processor settles the payment; until then nothing should ship."
            }
            StepKind::Verify => {
                "Your server checks the webhook's signature with Paysecure's public key, so nobody can fake a paid order."
            }
        }
    }
}

/// Where a step stands: the flow map's own states, so the tour and the map say the same.
pub use crate::flow::progress::StepState;
