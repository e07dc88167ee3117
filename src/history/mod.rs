//! History that lasts: redacted records persisted in SQLite (`history.sqlite3`, see
//! [`db`]), paged by the explorer, listed and filtered, exported as curl and HAR 1.2; an
//! older `history.jsonl` ([`store`]) is imported once.

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
