//! The state file's tables. A purchase is one row: its record as JSON plus the columns
//! lookups need, each with an index, so no request ever reads every record.

/// `PRAGMA user_version` of a state file this build writes. A file with a higher one was
/// written by a newer build and is left alone.
pub const VERSION: i64 = 1;

/// Tables and indexes (idempotent).
pub const CREATE: &str = "
CREATE TABLE IF NOT EXISTS purchases (
    seq            INTEGER PRIMARY KEY,   -- creation order; PS{seq} is the reference
    id             TEXT NOT NULL UNIQUE,
    merchant_ref   TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL,
    created_on     INTEGER NOT NULL,      -- sandbox clock, epoch seconds
    updated_on     INTEGER NOT NULL,      -- the last status change (retention counts from it)
    paid_count     INTEGER NOT NULL DEFAULT 0,
    saved_token    TEXT,                  -- set on the purchase that saved a card
    saved_customer TEXT,
    saved_brand    TEXT,
    saved_last4    TEXT,
    body           TEXT NOT NULL          -- the record (store::codec)
);
-- Aging after a clock move (status, then age) and the counts by status.
CREATE INDEX IF NOT EXISTS purchases_status ON purchases(status, created_on);
-- Retention: the longest unchanged first, whatever their status.
CREATE INDEX IF NOT EXISTS purchases_updated ON purchases(updated_on);
CREATE INDEX IF NOT EXISTS purchases_saved_token ON purchases(saved_token)
    WHERE saved_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS purchases_saved_customer ON purchases(saved_customer, saved_brand)
    WHERE saved_customer IS NOT NULL;
-- The load test's 'paid twice' count reads this (normally empty) index, not the table.
CREATE INDEX IF NOT EXISTS purchases_paid_twice ON purchases(seq) WHERE paid_count > 1;

CREATE TABLE IF NOT EXISTS deliveries (
    n               INTEGER PRIMARY KEY,  -- 0, 1, 2, … since the last reset
    purchase_id     TEXT NOT NULL,
    response_status INTEGER,
    record          TEXT NOT NULL,        -- the delivery as listed (store::Delivery)
    body            TEXT NOT NULL         -- what was sent, for a replay
);
CREATE INDEX IF NOT EXISTS deliveries_purchase ON deliveries(purchase_id);
CREATE INDEX IF NOT EXISTS deliveries_answer ON deliveries(response_status);

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
";

/// The tables a state file of this version has (a file with other tables is not ours).
pub const TABLES: &[&str] = &["purchases", "deliveries", "meta"];

/// Keys of `meta`.
pub mod keys {
    /// The settings, as JSON.
    pub const SETTINGS: &str = "settings";
    /// Minutes the sandbox clock runs ahead.
    pub const CLOCK: &str = "clock_offset_minutes";
}
