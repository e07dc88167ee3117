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
        Context::open_with(globals, false)
    }

    /// Like [`Context::open`]; with `in_background` the history is opened (and an old
    /// one imported) on a thread of its own, and what that finds is left in the sink
    /// ([`Sink::take_open_warnings`]): the explorer's first frame does not wait for it.
    pub fn open_with(globals: &Globals, in_background: bool) -> Context {
        let loaded_config = config::load();
        let mut warnings = loaded_config.warnings;
        let data_dir = paths::data_dir(globals.data_dir.clone());
        let sink = match &data_dir {
            Some(dir) if in_background => {
                Some(Sink::open_in_background(dir, &loaded_config.config.history))
            }
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
        if !in_background && let Some(e) = sink.as_ref().and_then(Sink::last_error) {
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
