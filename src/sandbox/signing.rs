//! Webhook signatures the Paysecure way: Base64 of RSA-SHA256 (PKCS#1 v1.5) over
//! `{purchaseId}|{STATUS}|{brandId}` (`crate::paysecure::webhook_signature`).
//!
//! The sandbox signs with a fixed RSA-2048 key embedded in the binary. It is a *test* key,
//! public by design (it ships in the source): generating a fresh 2048-bit key at every start
//! would cost seconds in a debug build, and a fixed key lets a merchant's integration keep
//! the same public key across restarts. `public_key_pem` is printed by `serve`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair};

const PRIVATE_KEY_PEM: &str = include_str!("keys/webhook-signing-key.pem");
const PUBLIC_KEY_PEM: &str = include_str!("keys/webhook-signing-key.pub.pem");

/// The sandbox's webhook signer.
pub struct Signer {
    key: RsaKeyPair,
    rng: SystemRandom,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(RSA-2048)")
    }
}

/// Why a key or signature could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError(pub String);

impl std::fmt::Display for SigningError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SigningError {}

impl Signer {
    /// The embedded sandbox key.
    pub fn embedded() -> Result<Signer, SigningError> {
        let der = pem_to_der(PRIVATE_KEY_PEM, "PRIVATE KEY")?;
        let key = RsaKeyPair::from_pkcs8(&der)
            .map_err(|e| SigningError(format!("embedded signing key rejected: {e}")))?;
        Ok(Signer {
            key,
            rng: SystemRandom::new(),
        })
    }

    /// The public key, as SPKI PEM text.
    pub fn public_key_pem(&self) -> &'static str {
        PUBLIC_KEY_PEM
    }

    /// Base64 signature over `message`.
    pub fn sign(&self, message: &str) -> Result<String, SigningError> {
        let mut out = vec![0u8; self.key.public().modulus_len()];
        self.key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                message.as_bytes(),
                &mut out,
            )
            .map_err(|_| SigningError("RSA signing failed".into()))?;
        Ok(BASE64.encode(out))
    }
}

/// A verifier built from an SPKI PEM public key, as a merchant holds it.
#[derive(Debug, Clone)]
pub struct Verifier {
    rsa_public_key_der: Vec<u8>,
}

impl Verifier {
    /// Parses an SPKI (`BEGIN PUBLIC KEY`) PEM.
    pub fn from_pem(pem: &str) -> Result<Verifier, SigningError> {
        let spki = pem_to_der(pem, "PUBLIC KEY")?;
        let rsa_public_key_der = spki_subject_public_key(&spki)
            .ok_or_else(|| SigningError("not an SPKI public key".into()))?
            .to_vec();
        Ok(Verifier { rsa_public_key_der })
    }

    /// Whether `signature_b64` is a valid signature of `message`.
    pub fn verify(&self, message: &str, signature_b64: &str) -> bool {
        let Ok(sig) = BASE64.decode(signature_b64.trim()) else {
            return false;
        };
        signature::UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            &self.rsa_public_key_der,
        )
        .verify(message.as_bytes(), &sig)
        .is_ok()
    }
}

/// Decodes the Base64 body of a PEM block with the given label.
fn pem_to_der(pem: &str, label: &str) -> Result<Vec<u8>, SigningError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem
        .find(&begin)
        .ok_or_else(|| SigningError(format!("no {begin} line")))?
        + begin.len();
    let stop = pem[start..]
        .find(&end)
        .ok_or_else(|| SigningError(format!("no {end} line")))?
        + start;
    let body: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    BASE64
        .decode(body)
        .map_err(|e| SigningError(format!("bad Base64 in PEM: {e}")))
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
    use crate::paysecure::webhook_signature::signed_string;

    #[test]
    fn signature_round_trips_through_the_public_pem() {
        let signer = Signer::embedded().expect("embedded key");
        let verifier = Verifier::from_pem(signer.public_key_pem()).expect("public key");
        let message = signed_string("64bfdb7df63e36669499e82f", "paid", "brd_1");
        assert_eq!(message, "64bfdb7df63e36669499e82f|PAID|brd_1");
        let sig = signer.sign(&message).expect("sign");
        assert!(verifier.verify(&message, &sig));
        assert!(!verifier.verify("64bfdb7df63e36669499e82f|ERROR|brd_1", &sig));
        assert!(!verifier.verify(&message, "not base64!"));
    }

    #[test]
    fn garbage_pem_is_an_error_not_a_panic() {
        assert!(Verifier::from_pem("hello").is_err());
        assert!(
            Verifier::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_err()
        );
    }
}
