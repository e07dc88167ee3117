//! Ready-to-run code that verifies one webhook's `paysecure-sign` the way a merchant would,
//! in every language of [`crate::codegen`] (curl's is a `sh` script with the openssl CLI).
//! Each prints exactly `valid` or `invalid`. No terminal code here.
//!
//! The values are embedded as literals of each language (escaped for it), so a snippet runs
//! as it is; `tests/webhook_verify.rs` runs every one it can against a real sandbox delivery.

use crate::codegen::{Lang, VerifyModel, verify_code};

/// One language's verification code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub lang: Lang,
    pub code: String,
}

/// The string Paysecure signs, re-exported here because the snippets are built around it.
pub use crate::paysecure::webhook_signature::signed_string;

/// Verification code in each language for these values. `status` is embedded as given,
/// as a merchant's code holds it after upper-casing: pass the upper-case STATUS.
pub fn snippets(
    purchase_id: &str,
    status: &str,
    brand_id: &str,
    signature_b64: &str,
    public_key_pem: &str,
) -> Vec<Snippet> {
    let model = VerifyModel {
        purchase_id: purchase_id.into(),
        status: status.into(),
        brand_id: brand_id.into(),
        signature_b64: signature_b64.into(),
        public_key_pem: public_key_pem.into(),
    };
    Lang::ALL
        .into_iter()
        .map(|lang| Snippet {
            lang,
            code: verify_code(lang, &model),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_snippet_embeds_the_values_and_says_status_is_upper_case() {
        let all = snippets(
            "pid",
            "PAID",
            "brd",
            "c2ln",
            "-----BEGIN PUBLIC KEY-----\nAA\n",
        );
        assert_eq!(all.iter().map(|s| s.lang).collect::<Vec<_>>(), Lang::ALL);
        for s in &all {
            for value in ["pid", "PAID", "brd", "c2ln", "BEGIN PUBLIC KEY"] {
                assert!(s.code.contains(value), "{:?}: {value}", s.lang);
            }
            assert!(s.code.contains("STATUS must be UPPER case"), "{:?}", s.lang);
            assert!(
                s.code.contains("\"valid") || s.code.contains("echo valid"),
                "{:?}",
                s.lang
            );
            assert!(s.code.contains("invalid"), "{:?}", s.lang);
        }
    }
}
