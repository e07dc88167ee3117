//! Integration tests of the embedded sandbox over real loopback HTTP, one module per
//! section of `shared/spec/sandbox-scenarios.md`.

mod callback;
mod cards;
mod checkout;
mod common;
mod control;
mod create;
mod faults;
mod field_guide;
mod lifecycle;
mod preauth;
mod refunds;
mod robustness;
mod s2s;
mod saved_cards;
mod shape;
mod stored_text;
mod transport;
