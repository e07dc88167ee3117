//! The three-step flow shared by the headless `flow` command and the terminal UI:
//! presets, the state machine, the browser step, the endpoint choice and a runner.
//! No terminal code here.

pub mod browser;
pub mod card_list;
pub mod checkout;
pub mod diagnosis;
pub mod machine;
pub mod presets;
pub mod progress;
pub mod runner;
pub mod scenario;
pub mod scenario_list;
pub mod target;
pub mod tour;
pub mod webhook_verify;
