//! The history database's tables. `rows` holds what a list shows (no bodies), `bodies`
//! the whole redacted record as its JSON line (what `history --json` prints), `search`
//! a trigram index of the text the pane's `/` filter reads. `seq` is the order rows were
//! stored in, with no gaps (only the oldest rows are ever removed): the pane turns "n
//! from the newest" into a row with one subtraction. `id` is the record's number
//! (`history --curl N`), kept as it was when imported from `history.jsonl`.

/// The format this build writes (`PRAGMA user_version`).
pub const VERSION: i64 = 1;

/// Created when missing.
pub const CREATE: &str = "
CREATE TABLE IF NOT EXISTS rows (
    seq INTEGER PRIMARY KEY,
    id INTEGER NOT NULL UNIQUE,
    started_at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    latency_ms REAL NOT NULL,
    error TEXT,
    note TEXT,
    purchase_id TEXT,
    bytes INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_purchase ON rows(purchase_id) WHERE purchase_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS bodies (
    seq INTEGER PRIMARY KEY,
    record TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    text, content='', contentless_delete=1, tokenize='trigram', detail='none'
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(key, value) VALUES ('bytes', 0);
";

/// The oldest and newest `seq`: two aggregates in one `SELECT` would scan the table,
/// each alone is one step down the primary key.
pub const BOUNDS: &str = "SELECT (SELECT min(seq) FROM rows), (SELECT max(seq) FROM rows)";
