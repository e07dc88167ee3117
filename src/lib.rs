//! paysecure-explorer: learn, demo and debug Paysecure's card Server-to-Server flow.
//!
//! `sandbox` is the embedded emulator, `api` the typed client, `flow` the three steps
//! shared by the headless `flow` command and the terminal UI, `cli` the commands, and
//! `paysecure` the facts both the client side and the emulator read (test cards, field
//! rules, the signed string). Layers: `tui` → `flow` → `api`; `sandbox` stands apart and
//! shares only `api`'s wire types and `paysecure` (checked by `tests/layers.rs`).

pub mod api;
pub mod card;
pub mod cli;
pub mod clock;
pub mod codegen;
pub mod config;
pub mod dir_create;
pub mod error_text;
pub mod flow;
pub mod history;
pub mod os_random;
pub mod paysecure;
pub mod sandbox;
pub mod sqlite_file;
pub mod term_text;
pub mod tui;
