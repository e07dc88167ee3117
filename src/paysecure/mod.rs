//! Facts about Paysecure that both sides use: the client side (`api`, `flow`, `tui`) and
//! the emulator (`sandbox`). Plain data and pure rules, no I/O: keeping them here lets the
//! client side read the sandbox contract without importing the emulator.

pub mod field_guide;
pub mod field_rules;
pub mod test_cards;
pub mod webhook_signature;
