//! The command line: no subcommand opens the explorer; `serve` runs the sandbox alone;
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
            eprintln!(
                "paysecure-explorer: the full-screen explorer is not built yet.\n\
                 Try the headless flow against the embedded sandbox:\n  \
                 paysecure-explorer flow --otp 123456\n\
                 or run the sandbox for your own code:\n  \
                 paysecure-explorer serve\n\
                 (`paysecure-explorer --help` lists everything)"
            );
            2
        }
    }
}
