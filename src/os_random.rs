//! Bytes from the operating system's random source (through AWS-LC, the crate that also
//! signs the sandbox's webhooks), for ids, tokens and merchant references: one place that
//! names the source.

/// Fills `bytes`; `false` when the system had no randomness to give (the bytes are then
/// unspecified, and callers that need uniqueness add a counter of their own).
pub fn fill(bytes: &mut [u8]) -> bool {
    aws_lc_rs::rand::SecureRandom::fill(&aws_lc_rs::rand::SystemRandom::new(), bytes).is_ok()
}
