//! The webhook-verification model: the values a merchant's check needs.

/// What one webhook's signature check needs, as the merchant's code holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyModel {
    pub purchase_id: String,
    /// Upper case (`PAID`), as signed; see [`VerifyModel::comment_lines`].
    pub status: String,
    pub brand_id: String,
    /// The `paysecure-sign` header, base64.
    pub signature_b64: String,
    /// The sandbox's (or Paysecure's) public key, PEM (`BEGIN PUBLIC KEY`).
    pub public_key_pem: String,
}

/// The one detail that makes a correct-looking verification fail.
const STATUS_NOTE: [&str; 3] = [
    "STATUS must be UPPER case (PAID, ERROR, EXPIRED): the webhook body's \"status\" is lower",
    "case (\"paid\"), but the signature covers {purchaseId}|{STATUS}|{brandId} with it upper-cased.",
    "Upper-case the body's status before verifying; \"paid\" as it is never verifies.",
];

impl VerifyModel {
    /// The comment every snippet opens with (after its own first line).
    pub fn comment_lines(&self) -> Vec<String> {
        STATUS_NOTE.iter().map(|l| l.to_string()).collect()
    }
}
