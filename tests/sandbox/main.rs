//! Integration tests of the embedded sandbox over real loopback HTTP, one module per
//! section of `shared/spec/sandbox-scenarios.md`.

mod callback;
mod cards;
mod checkout;
mod common;
mod control;
mod create;
mod faults;
mod lifecycle;
mod robustness;
mod s2s;
mod shape;
mod transport;
