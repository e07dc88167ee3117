//! The command line: no subcommand opens the full-screen explorer; `serve` runs the sandbox alone;
//! `flow` runs the three steps headless.

pub mod flow_cmd;
pub mod serve;
pub mod transcript;

use clap::{Parser, Subcommand};

/// Learn, demo and debug Paysecure's card Server-to-Server API from the terminal.
#[derive(Debug, Parser)]
#[command(name = "paysecure-explorer", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Colour theme of the explorer: dark, light, high-contrast, colorblind, or a file
    /// NAME.toml in ~/.config/paysecure-explorer/themes/ (F9 switches at run time).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Per-request timeout of the explorer, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 40.0)]
    pub timeout: f64,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded Paysecure sandbox alone, for your own integration (Ctrl-C stops).
    Serve(serve::ServeArgs),
    /// Run create → S2S → (3DS) headless, against the embedded sandbox or PAYSECURE_* env.
    Flow(Box<flow_cmd::FlowArgs>),
}

/// Runs the CLI; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    match cli.command {
        Some(Command::Serve(args)) => serve::run(args).await,
        Some(Command::Flow(args)) => flow_cmd::run(*args).await,
        None => {
            if !(cli.timeout.is_finite() && cli.timeout > 0.0 && cli.timeout <= 3600.0) {
                eprintln!("paysecure-explorer: --timeout must be between 0 and 3600 seconds");
                return 2;
            }
            crate::tui::run(crate::tui::TuiOptions {
                theme: cli.theme,
                timeout: Some(std::time::Duration::from_secs_f64(cli.timeout)),
            })
            .await
        }
    }
}
