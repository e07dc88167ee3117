//! What a Paysecure webhook signature covers and how a merchant checks it: Base64 of
//! RSA-SHA256 (PKCS#1 v1.5) over `{purchaseId}|{STATUS}|{brandId}`, verified with the
//! published SPKI PEM public key. The emulator signs this string and checks it at its
//! merchant stub; the explorer shows it, builds the merchant's verification snippets from
//! it, and the presenter's tour checks a delivered webhook itself. Pure: no I/O.

use aws_lc_rs::signature::{self, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// The string Paysecure signs for a purchase webhook: `{purchaseId}|{STATUS}|{brandId}`,
/// STATUS upper-cased (the webhook body's `status` is lower case).
pub fn signed_string(purchase_id: &str, status: &str, brand_id: &str) -> String {
    format!("{purchase_id}|{}|{brand_id}", status.to_ascii_uppercase())
}

/// Whether `signature_b64` is Paysecure's signature of `message` under the SPKI PEM
/// `public_key_pem`. A key that does not parse verifies nothing.
pub fn verify(public_key_pem: &str, message: &str, signature_b64: &str) -> bool {
    Verifier::from_pem(public_key_pem).is_ok_and(|v| v.verify(message, signature_b64))
}

/// Why a PEM key could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

/// A verifier built once from an SPKI PEM public key, as a merchant holds it: the key is
/// parsed here, not at every check (re-reading the modulus cost the merchant stub about a
/// third of each verification).
#[derive(Clone)]
pub struct Verifier {
    key: ParsedPublicKey,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(RSA PKCS#1 v1.5 SHA-256)")
    }
}

impl Verifier {
    /// Parses an SPKI (`BEGIN PUBLIC KEY`) PEM.
    pub fn from_pem(pem: &str) -> Result<Verifier, KeyError> {
        let spki = pem_to_der(pem, "PUBLIC KEY")?;
        let rsa_public_key_der = spki_subject_public_key(&spki)
            .ok_or_else(|| KeyError("not an SPKI public key".into()))?;
        let key = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, rsa_public_key_der)
            .map_err(|e| KeyError(format!("not a usable RSA public key: {e}")))?;
        Ok(Verifier { key })
    }

    /// Whether `signature_b64` is a valid signature of `message`.
    pub fn verify(&self, message: &str, signature_b64: &str) -> bool {
        let Ok(sig) = BASE64.decode(signature_b64.trim()) else {
            return false;
        };
        self.key.verify_sig(message.as_bytes(), &sig).is_ok()
    }
}

/// Decodes the Base64 body of a PEM block with the given label.
pub fn pem_to_der(pem: &str, label: &str) -> Result<Vec<u8>, KeyError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem
        .find(&begin)
        .ok_or_else(|| KeyError(format!("no {begin} line")))?
        + begin.len();
    let stop = pem[start..]
        .find(&end)
        .ok_or_else(|| KeyError(format!("no {end} line")))?
        + start;
    let body: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    BASE64
        .decode(body)
        .map_err(|e| KeyError(format!("bad Base64 in PEM: {e}")))
}

/// Reads one DER TLV at the start of `input`: (tag, content, rest).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The PKCS#1 `RSAPublicKey` inside an SPKI `SEQUENCE { AlgorithmIdentifier, BIT STRING }`.
fn spki_subject_public_key(spki: &[u8]) -> Option<&[u8]> {
    let (tag, seq, _) = der_tlv(spki)?;
    if tag != 0x30 {
        return None;
    }
    let (alg_tag, _alg, rest) = der_tlv(seq)?;
    let (bits_tag, bits, _) = der_tlv(rest)?;
    // The BIT STRING's first byte counts unused bits and must be zero for a key.
    (alg_tag == 0x30 && bits_tag == 0x03 && bits.first() == Some(&0)).then(|| &bits[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_upper_cased_between_id_and_brand() {
        assert_eq!(
            signed_string("64bfdb7df63e36669499e82f", "paid", "brd_1"),
            "64bfdb7df63e36669499e82f|PAID|brd_1"
        );
    }

    #[test]
    fn garbage_keys_and_signatures_verify_nothing() {
        assert!(Verifier::from_pem("hello").is_err());
        assert!(
            Verifier::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_err()
        );
        assert!(!verify("hello", "a|PAID|b", "c2ln"));
        let truncated = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----";
        assert!(!verify(truncated, "a|PAID|b", "c2ln"));
    }
}
