//! Webhook signatures the Paysecure way: Base64 of RSA-SHA256 (PKCS#1 v1.5) over
//! `{purchaseId}|{STATUS}|{brandId}` (`crate::paysecure::webhook_signature`).
//!
//! The sandbox signs with a fixed RSA-2048 key embedded in the binary. It is a *test* key,
//! public by design (it ships in the source): generating a fresh 2048-bit key at every start
//! would cost seconds in a debug build, and a fixed key lets a merchant's integration keep
//! the same public key across restarts. `public_key_pem` is printed by `serve`.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// The merchant's check lives with the other shared facts: the client side verifies with
/// the same code.
pub use crate::paysecure::webhook_signature::Verifier;
use crate::paysecure::webhook_signature::{KeyError, pem_to_der};

const PRIVATE_KEY_PEM: &str = include_str!("keys/webhook-signing-key.pem");
const PUBLIC_KEY_PEM: &str = include_str!("keys/webhook-signing-key.pub.pem");

/// The embedded key's public half, as SPKI PEM text (what `GET /_sandbox/public-key`
/// serves and the merchant stub verifies with).
pub fn public_key_pem() -> &'static str {
    PUBLIC_KEY_PEM
}

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

impl From<KeyError> for SigningError {
    fn from(e: KeyError) -> SigningError {
        SigningError(e.0)
    }
}

impl Signer {
    /// The embedded sandbox key.
    pub fn embedded() -> Result<Signer, SigningError> {
        let der = pem_to_der(PRIVATE_KEY_PEM, "PRIVATE KEY").map_err(SigningError::from)?;
        let key = RsaKeyPair::from_pkcs8(&der)
            .map_err(|e| SigningError(format!("embedded signing key rejected: {e}")))?;
        Ok(Signer {
            key,
            rng: SystemRandom::new(),
        })
    }

    /// The public key, as SPKI PEM text.
    pub fn public_key_pem(&self) -> &'static str {
        public_key_pem()
    }

    /// Base64 signature over `message`.
    pub fn sign(&self, message: &str) -> Result<String, SigningError> {
        let mut out = vec![0u8; self.key.public_modulus_len()];
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
        // The one-call form the client side uses agrees.
        let pem = signer.public_key_pem();
        assert!(crate::paysecure::webhook_signature::verify(
            pem, &message, &sig
        ));
        assert!(!crate::paysecure::webhook_signature::verify(
            pem,
            "64bfdb7df63e36669499e82f|PAIX|brd_1",
            &sig
        ));
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
