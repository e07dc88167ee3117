//! `paysecure-explorer completions SHELL`: a completion script generated from the clap
//! definitions (clap_complete), so it never drifts from the real options.
//!
//! Static scripts: clap_complete's dynamic completion (asking the binary at each Tab,
//! which could list `--profile` names from the config file and saved scenarios) is behind
//! its `unstable-dynamic` feature, outside the crate's semver promise. The shipped scenario
//! names are completed all the same: `--scenario` offers them as possible values.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, out};

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The program name the scripts complete.
const BIN: &str = "paysecure-explorer";

/// Runs `completions`; returns the exit code.
pub fn run(args: CompletionsArgs) -> i32 {
    match script(args.shell) {
        Ok(text) => {
            out::text(&text);
            0
        }
        Err(e) => {
            out::error(&format!("paysecure-explorer completions: {e}"));
            1
        }
    }
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Result<String, String> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut buf);
    String::from_utf8(buf).map_err(|e| format!("the generated script is not UTF-8: {e}"))
}
