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

/// Runs `config`; returns the exit code. The data dir shown is the one the other
/// commands would use with the same options (`--data-dir` included).
pub fn run(args: ConfigArgs, globals: &super::context::Globals) -> i32 {
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
                let obstacle = if path.exists() {
                    None
                } else {
                    path.parent().and_then(crate::dir_create::obstacle)
                };
                // The file that cannot be created is said once, below, as a fact.
                let said_below = |w: &String| obstacle.as_ref().is_some_and(|why| w.contains(why));
                for w in loaded.warnings.iter().filter(|w| !said_below(w)) {
                    out::error(&format!("warning: {w}"));
                }
                let state = if path.exists() {
                    "exists".to_string()
                } else if let Some(why) = &obstacle {
                    format!("cannot be created: {why}")
                } else {
                    "not created yet (config --init writes one)".to_string()
                };
                // Facts, not errors: on standard output with the path (only the warnings
                // above go to standard error).
                out::line(&state);
                let data_dir = match paths::data_dir(globals.data_dir.clone()) {
                    None => "none (set HOME, XDG_DATA_HOME or --data-dir)".to_string(),
                    Some(dir) => match crate::dir_create::obstacle(&dir) {
                        Some(why) => format!("{} (unusable: {why})", dir.display()),
                        None => dir.display().to_string(),
                    },
                };
                out::line(&format!(
                    "data dir (history, the embedded sandbox's state): {data_dir}"
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
