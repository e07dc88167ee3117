//! What a purchase remembers about itself after the payment step: the capture of a
//! pre-authorisation (§10.5) and the saved card (§10.8). The fields they add to the
//! purchase object are written by `purchase_view`.

use serde::{Deserialize, Serialize};

use super::purchase::{PendingPayment, Purchase};

/// A card saved with `remember_card`: its facts, never its number (masked PAN only).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedCard {
    /// What paying with it does: the original card's outcome and authentication.
    pub card: PendingPayment,
    /// Whose card it is: `client.customerId`, or the client email when none was sent.
    pub customer: String,
    pub brand_id: String,
}

/// Capture and saved-card state of one purchase.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AfterPay {
    /// Set by a capture: how much of the hold was taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured_amount: Option<f64>,
    /// What the capture gave back to the customer (the rest of the hold).
    pub released_amount: f64,
    /// The capture's `merchant_reference`, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_reference: Option<String>,
    /// The card to save when the payment succeeds (`remember_card` on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remember: Option<SavedCard>,
    /// The saved card's token: issued when the payment succeeded, or the token the
    /// purchase was paid with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_reference: Option<String>,
}

impl Purchase {
    /// The amount the payment finally took: the captured part of a hold, else the total.
    pub fn settled_total(&self) -> f64 {
        self.after.captured_amount.unwrap_or(self.total)
    }
}
