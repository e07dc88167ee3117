//! The store behind a lock, shared by the recording hook and the merchant-event forwarder.

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::record::Record;
use super::store::{self, Loaded, RotationLimits, Store};
use crate::api::Exchange;

/// A shared, append-only history.
#[derive(Debug, Clone)]
pub struct Sink {
    store: Arc<Mutex<Store>>,
}

impl Sink {
    /// Opens the store in `dir` after reading it; returns the sink and what was read.
    pub fn open(dir: &Path, limits: RotationLimits) -> (Sink, Loaded) {
        let loaded = store::load(dir, limits);
        let store = Store::open(dir, limits, &loaded);
        (
            Sink {
                store: Arc::new(Mutex::new(store)),
            },
            loaded,
        )
    }

    /// Opens the store in `dir` for appending only; reading it is left to the caller
    /// (the explorer reads it in the background, after its first frame).
    pub fn open_lazily(dir: &Path, limits: RotationLimits) -> Sink {
        Sink {
            store: Arc::new(Mutex::new(Store::open_lazily(dir, limits))),
        }
    }

    /// Persists one exchange; a failed write is remembered in [`Sink::last_error`].
    pub fn append(&self, exchange: &Exchange) -> Record {
        self.store
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .append(exchange.clone())
    }

    /// Why writing failed, if it did.
    pub fn last_error(&self) -> Option<String> {
        self.store
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_error
            .clone()
    }

    /// The live file.
    pub fn path(&self) -> std::path::PathBuf {
        self.store.lock().unwrap_or_else(|p| p.into_inner()).path()
    }
}
