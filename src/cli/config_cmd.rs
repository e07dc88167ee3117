//! `paysecure-explorer config`: where the file is, and a commented default.

use super::out;
use clap::Args;

use crate::config::{self, paths};

/// Options of `config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the config file's path.
    #[arg(long)]
    pub path: bool,
    /// Write a commented default config file.
    #[arg(long)]
    pub init: bool,
    /// With --init: overwrite an existing file.
    #[arg(long, requires = "init")]
    pub force: bool,
}

/// Runs `config`; returns the exit code.
pub fn run(args: ConfigArgs) -> i32 {
    if args.init {
        return match config::init(args.force) {
            Ok(path) => {
                super::out::line(&format!("wrote {}", path.display()));
                0
            }
            Err(e) => {
                out::error(&format!("paysecure-explorer config: {e}"));
                2
            }
        };
    }
    match paths::config_file() {
        Some(path) => {
            super::out::line(&path.display().to_string());
            if !args.path {
                let loaded = config::load_from(&path);
                for w in &loaded.warnings {
                    out::error(&format!("warning: {w}"));
                }
                let state = if path.exists() {
                    "exists"
                } else {
                    "not created yet (config --init writes one)"
                };
                // Facts, not errors: on standard output with the path (only the warnings
                // above go to standard error).
                out::line(state);
                out::line(&format!(
                    "data dir (history, the embedded sandbox's state): {}",
                    paths::data_dir(None).map_or("none".into(), |d| d.display().to_string())
                ));
            }
            0
        }
        None => {
            out::error(
                "paysecure-explorer config: no config directory (set HOME or XDG_CONFIG_HOME)",
            );
            2
        }
    }
}
