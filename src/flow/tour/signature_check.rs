//! The tour's own check of a delivered webhook's `paysecure-sign`, beside the merchant
//! stub's verdict: verified here with the published key, and once more over a tampered
//! string (one status letter changed) to show why the check matters. Pure.

use crate::paysecure::webhook_signature::{signed_string, verify};

/// What the check found, ready to show as lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The signature verified here with the published key; `None` without a key.
    pub local: Option<bool>,
    pub lines: Vec<String>,
}

/// `PAID` → `PAIE`: the last letter moved one on (Z wraps to A), the smallest forgery.
pub fn tampered_status(status: &str) -> String {
    let mut chars: Vec<char> = status.chars().collect();
    if let Some(last) = chars.iter_mut().rev().find(|c| c.is_ascii_alphabetic()) {
        *last = match *last {
            'Z' => 'A',
            'z' => 'a',
            c => char::from(c as u8 + 1),
        };
    } else {
        chars.push('X');
    }
    chars.into_iter().collect()
}

fn mark(valid: bool) -> &'static str {
    if valid { "✓ valid" } else { "✗ invalid" }
}

/// Checks `signature` of the webhook for (`purchase_id`, `status`, `brand_id`) with
/// `key` (the published PEM, or why there is none) and says what the merchant stub said.
pub fn check(
    key: Result<&str, &str>,
    purchase_id: &str,
    status: &str,
    brand_id: &str,
    signature: Option<&str>,
    stub_valid: Option<bool>,
) -> SignatureCheck {
    let message = signed_string(purchase_id, status, brand_id);
    let sig = signature.unwrap_or("");
    // The verdicts first: on a small screen the details are what gets cut.
    let mut lines = Vec::new();
    let stub = format!(
        "the merchant stub said: {}",
        stub_valid.map_or("not reported", mark)
    );
    let local = match key {
        Ok(pem) => {
            let valid = verify(pem, &message, sig);
            lines.push(format!(
                "checked here with the published key: {}",
                mark(valid)
            ));
            lines.push(stub);
            let forged = tampered_status(&status.to_ascii_uppercase());
            let forged_message = signed_string(purchase_id, &forged, brand_id);
            lines.push(format!(
                "forged status {forged}, same signature: {}",
                mark(verify(pem, &forged_message, sig))
            ));
            Some(valid)
        }
        Err(why) => {
            lines.push(format!("not checked here: {why}"));
            lines.push(stub);
            None
        }
    };
    // The id and status come from the server: cleaned before they reach a terminal.
    lines.push(format!(
        "signed string: {}",
        crate::term_text::clean(&message)
    ));
    if !sig.is_empty() {
        let head: String = sig.chars().take(12).collect();
        lines.push(format!(
            "paysecure-sign: {head}… ({} chars)",
            sig.chars().count()
        ));
    }
    SignatureCheck { local, lines }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paysecure::webhook_signature::pem_to_der;
    use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    use base64::Engine as _;

    // The sandbox's published test key pair (public by design), read as files: the
    // client side does not import the emulator.
    const PRIVATE: &str = include_str!("../../sandbox/keys/webhook-signing-key.pem");
    const PUBLIC: &str = include_str!("../../sandbox/keys/webhook-signing-key.pub.pem");
    const ID: &str = "64bfdb7df63e36669499e82f";

    fn sign(message: &str) -> String {
        let der = pem_to_der(PRIVATE, "PRIVATE KEY").expect("test key");
        let key = RsaKeyPair::from_pkcs8(&der).expect("test key");
        let mut out = vec![0u8; key.public_modulus_len()];
        key.sign(
            &RSA_PKCS1_SHA256,
            &aws_lc_rs::rand::SystemRandom::new(),
            message.as_bytes(),
            &mut out,
        )
        .expect("sign");
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    #[test]
    fn a_genuine_signature_checks_here_and_its_tampered_twin_does_not() {
        let sig = sign(&signed_string(ID, "paid", "brd_1"));
        let c = check(Ok(PUBLIC), ID, "paid", "brd_1", Some(&sig), Some(true));
        assert_eq!(c.local, Some(true));
        assert_eq!(c.lines[0], "checked here with the published key: ✓ valid");
        assert_eq!(c.lines[1], "the merchant stub said: ✓ valid");
        assert_eq!(c.lines[2], "forged status PAIE, same signature: ✗ invalid");
        assert_eq!(c.lines[3], format!("signed string: {ID}|PAID|brd_1"));
        assert!(c.lines[4].ends_with("… (344 chars)"), "{c:?}");
    }

    #[test]
    fn a_signature_of_another_status_fails_here_whatever_the_stub_said() {
        let sig = sign(&signed_string(ID, "error", "brd_1"));
        let c = check(Ok(PUBLIC), ID, "paid", "brd_1", Some(&sig), Some(true));
        assert_eq!(c.local, Some(false));
        assert_eq!(c.lines[0], "checked here with the published key: ✗ invalid");
    }

    #[test]
    fn without_a_key_nothing_is_claimed() {
        let c = check(Err("no key"), ID, "paid", "brd_1", None, None);
        assert_eq!(c.local, None);
        assert!(
            c.lines
                .iter()
                .any(|l| l.contains("not checked here: no key"))
        );
        assert!(!c.lines.iter().any(|l| l.contains("✓")));
        assert!(
            c.lines
                .iter()
                .any(|l| l == "the merchant stub said: not reported"),
            "{c:?}"
        );
    }

    #[test]
    fn a_hostile_id_reaches_the_facts_cleaned() {
        let c = check(
            Err("no key"),
            "a\u{1b}[2Jb",
            "paid",
            "brd_1",
            None,
            Some(false),
        );
        assert!(c.lines.iter().all(|l| !l.contains('\u{1b}')), "{c:?}");
        assert!(
            c.lines
                .iter()
                .any(|l| l == "signed string: a\\u001b[2Jb|PAID|brd_1"),
            "{c:?}"
        );
    }

    #[test]
    fn tampering_changes_exactly_one_letter() {
        assert_eq!(tampered_status("PAID"), "PAIE");
        assert_eq!(tampered_status("ERROR"), "ERROS");
        assert_eq!(tampered_status("FUZZ"), "FUZA");
        assert_eq!(tampered_status(""), "X");
    }
}
