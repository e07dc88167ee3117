//! History that lasts: redacted records persisted as JSONL, loaded at start-up, listed
//! and filtered, exported as curl and HAR 1.2.

pub mod cap;
pub mod curl;
pub mod db;
pub mod har;
pub mod lookup;
pub mod merchant;
pub mod record;
pub mod safe_file;
pub mod sink;
pub mod store;
