//! The command line: no subcommand opens the full-screen explorer; `serve` runs the sandbox
//! alone; `flow` runs the three steps headless; `history` and `config` manage what lasts;
//! `cards` and `scenarios` list what there is to try; `completions` and `man` document the rest.

pub mod cards_cmd;
pub mod completions_cmd;
pub mod config_cmd;
pub mod context;
pub mod demo_cmd;
pub mod flow_cmd;
pub mod history_cmd;
pub mod man_cmd;
pub mod out;
pub mod pending_note;
pub mod scenarios_cmd;
pub mod serve;
pub mod serve_log;
pub mod terminal_check;
pub mod transcript;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use context::{Context, Globals};

/// Learn, demo and debug Paysecure's card Server-to-Server API from the terminal.
#[derive(Debug, Parser)]
#[command(name = "paysecure-explorer", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Colour theme of the explorer: dark, light, high-contrast, colorblind, or NAME for
    /// themes/NAME.toml in the config dir (F9 switches at run time).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Per-request timeout of the explorer, in seconds (default 40, or the config's).
    // A negative value is read as one (and refused with the range), not as an unknown option.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// Endpoint profile from the config file (`embedded` is always the embedded sandbox).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Where history and the embedded sandbox's state are kept (default: PAYSECURE_EXPLORER_DATA_DIR, else the platform data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded Paysecure sandbox alone, for your own integration (Ctrl-C stops).
    Serve(serve::ServeArgs),
    /// Run create → S2S → (3DS) headless, against the embedded sandbox, a profile or PAYSECURE_* env.
    Flow(Box<flow_cmd::FlowArgs>),
    /// List the persisted history; export it as curl or HAR.
    History(history_cmd::HistoryArgs),
    /// Where the config file is; write a commented default.
    Config(config_cmd::ConfigArgs),
    /// List the sandbox's test cards: scheme, 2D/3D, group and outcome.
    Cards(cards_cmd::CardsArgs),
    /// List the shipped and saved scenarios with the status each should end in.
    Scenarios(scenarios_cmd::ScenariosArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions_cmd::CompletionsArgs),
    /// Print the manual page (roff) for every command.
    Man,
    /// Presenter mode: a guided, narrated tour of the card flow (--auto for a booth screen).
    Demo(demo_cmd::DemoArgs),
}

/// A value that must say something: an empty or blank one is a usage error (an empty
/// `--otp` was sent as a code; an empty `--purchase` matched nothing).
pub fn non_blank(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        Err("it is empty; give a value".into())
    } else {
        Ok(value.to_string())
    }
}

/// An amount to send in JSON: any finite number (zero and negative ones too, to see the
/// API refuse them); `NaN`, `inf` or `1e400` cannot be written in JSON at all (they went
/// out as `null`, which a capture reads as "all of it").
pub fn json_amount(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        Ok(_) => Err("JSON has no such number (NaN or infinite); give an amount like 20.00".into()),
        Err(_) => Err("not a number; give an amount like 20.00".into()),
    }
}

pub use crate::config::{MAX_TIMEOUT_S, MIN_TIMEOUT_S, TIMEOUT_RANGE, valid_timeout};

/// Runs the CLI; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let globals = Globals {
        profile: cli.profile.clone(),
        data_dir: cli.data_dir.clone(),
    };
    match cli.command {
        Some(Command::Serve(args)) => serve::run(args).await,
        Some(Command::Config(args)) => out::exit_code(config_cmd::run(args, &globals)),
        Some(Command::Cards(args)) => out::exit_code(cards_cmd::run(args)),
        Some(Command::Scenarios(args)) => out::exit_code(scenarios_cmd::run(args)),
        Some(Command::Completions(args)) => out::exit_code(completions_cmd::run(args)),
        Some(Command::Man) => out::exit_code(man_cmd::run()),
        Some(Command::Demo(args)) => demo_cmd::run(args, &globals).await,
        Some(Command::History(args)) => {
            out::exit_code(history_cmd::run(args, &Context::open(&globals)))
        }
        // `flow` only appends to history: reading it all would be work for nothing.
        Some(Command::Flow(args)) => {
            out::exit_code(flow_cmd::run(*args, Context::open(&globals), &globals).await)
        }
        None => {
            if let Some(why) = terminal_check::missing_terminal("paysecure-explorer") {
                out::error(&why);
                return 2;
            }
            let ctx = Context::open_with(&globals, true);
            let timeout = cli.timeout.or(ctx.config.timeout_s).unwrap_or(40.0);
            if !valid_timeout(timeout) {
                crate::cli::out::error(&format!(
                    "paysecure-explorer: the timeout (--timeout, or timeout_s in the config file) must be {TIMEOUT_RANGE} (got {timeout})"
                ));
                return 2;
            }
            crate::tui::run(crate::tui::TuiOptions {
                theme: cli.theme.or_else(|| ctx.config.theme.clone()),
                timeout: Some(std::time::Duration::from_secs_f64(timeout)),
                profile: globals.profile.clone(),
                config: ctx.config,
                warnings: ctx.warnings,
                data_dir: ctx.data_dir,
                sink: ctx.sink,
                demo: None,
            })
            .await
        }
    }
}
