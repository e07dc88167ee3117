//! Guided tours for presenter mode: a readable TOML file naming a sequence of scenarios
//! (stops), with plain narration for each step and the status each stop should end in.
//! The engine ([`engine`]) runs a tour against the target; the TUI only draws it.

pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod format;
pub mod map;
mod public_key;
mod run_step;
pub mod signature_check;
pub mod step;

pub use engine::{StopResult, TourEngine, TourTarget, TourView};
pub use format::{Extra, Stop, Tour, default_tour, load_file, parse};
pub use step::{StepKind, StepState};
