//! What every command shares: the config file, the data dir and the history sink.

use std::path::PathBuf;

use crate::config::{self, Config, paths};
use crate::history::sink::Sink;
use crate::history::store::{Loaded, RotationLimits};

/// Global options.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub profile: Option<String>,
    pub data_dir: Option<PathBuf>,
}

/// The loaded config and history.
pub struct Context {
    pub config: Config,
    pub warnings: Vec<String>,
    pub data_dir: Option<PathBuf>,
    pub sink: Option<Sink>,
    pub loaded: Loaded,
}

impl Context {
    /// Loads the config (warnings collected, never fatal) and opens the history store.
    pub fn open(globals: &Globals) -> Context {
        Context::open_with(globals, true)
    }

    /// Like [`Context::open`]; with `read_history` false the store is only opened for
    /// appending and `loaded` stays empty (the explorer reads it in the background).
    pub fn open_with(globals: &Globals, read_history: bool) -> Context {
        let loaded_config = config::load();
        let mut warnings = loaded_config.warnings;
        let data_dir = paths::data_dir(globals.data_dir.clone());
        let (sink, loaded) = match &data_dir {
            Some(dir) if read_history => {
                let (sink, loaded) = Sink::open(
                    dir,
                    RotationLimits::from_config(&loaded_config.config.history),
                );
                (Some(sink), loaded)
            }
            Some(dir) => (
                Some(Sink::open_lazily(
                    dir,
                    RotationLimits::from_config(&loaded_config.config.history),
                )),
                Loaded::default(),
            ),
            None => {
                warnings.push("no data directory (set HOME, XDG_DATA_HOME or --data-dir): history is not saved".into());
                (None, Loaded::default())
            }
        };
        if loaded.skipped > 0 {
            warnings.push(format!(
                "history: {} unreadable record(s) skipped; the file is left as it was",
                loaded.skipped
            ));
        }
        if let Some(e) = sink.as_ref().and_then(Sink::last_error) {
            warnings.push(e);
        }
        Context {
            config: loaded_config.config,
            warnings,
            data_dir,
            sink,
            loaded,
        }
    }
}
