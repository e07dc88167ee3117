//! What every command shares: the config file, the data dir and the history sink.

use std::path::PathBuf;

use crate::config::{self, Config, paths};
use crate::history::sink::Sink;

/// Global options.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub profile: Option<String>,
    pub data_dir: Option<PathBuf>,
}

/// The loaded config and the history sink.
pub struct Context {
    pub config: Config,
    pub warnings: Vec<String>,
    pub data_dir: Option<PathBuf>,
    pub sink: Option<Sink>,
}

impl Context {
    /// Loads the config (warnings collected, never fatal) and opens the history database
    /// (importing an old `history.jsonl` the first time).
    pub fn open(globals: &Globals) -> Context {
        let loaded_config = config::load();
        let mut warnings = loaded_config.warnings;
        let data_dir = paths::data_dir(globals.data_dir.clone());
        let sink = match &data_dir {
            Some(dir) => {
                let (sink, opened) = Sink::open(dir, &loaded_config.config.history);
                warnings.extend(opened.warnings());
                Some(sink)
            }
            None => {
                warnings.push("no data directory (set HOME, XDG_DATA_HOME or --data-dir): history is not saved".into());
                None
            }
        };
        if let Some(e) = sink.as_ref().and_then(Sink::last_error) {
            warnings.push(e);
        }
        Context {
            config: loaded_config.config,
            warnings,
            data_dir,
            sink,
        }
    }
}
