//! `serve`'s log on stderr: one line per answered request and per webhook delivery
//! (events emitted by `sandbox::access_log`), readable or JSON. Installed by `serve` only:
//! the explorer owns the terminal, so its embedded sandbox's events go nowhere.

use std::io::IsTerminal as _;

use clap::ValueEnum;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{Layer as _, fmt};

/// How `serve` writes its log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event (coloured when stderr is a terminal).
    #[default]
    Text,
    /// One JSON object per line, for machines.
    Json,
}

/// Installs the stderr log. Only the sandbox's own events pass (not those of the HTTP
/// libraries). Colour only on a terminal, and never with `NO_COLOR` set.
pub fn install(format: LogFormat) {
    let filter = Targets::new().with_target("paysecure_explorer::sandbox", Level::INFO);
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let layer = match format {
        LogFormat::Text => fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(colour)
            .with_target(false)
            .boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    // Fails only if a subscriber is already installed, which leaves that one in charge.
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
}
