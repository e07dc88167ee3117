//! The sandbox panel's model: what the control plane (`/_sandbox/`) said last — the
//! purchases, the webhook deliveries, the settings and the clock — plus the selection and
//! the curl of the last action, so people learn the control plane while they use it.

use serde_json::Value;

use crate::api::redact;

/// The panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Purchases,
    ClockAndSettings,
    Webhooks,
}

impl Tab {
    /// The next tab (Tab key), wrapping.
    pub fn next(self) -> Tab {
        match self {
            Tab::Purchases => Tab::ClockAndSettings,
            Tab::ClockAndSettings => Tab::Webhooks,
            Tab::Webhooks => Tab::Purchases,
        }
    }

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Purchases => "Purchases",
            Tab::ClockAndSettings => "Clock & settings",
            Tab::Webhooks => "Webhooks",
        }
    }
}

/// One purchase as the panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub status: String,
    /// `20.00 EUR`.
    pub amount: String,
    /// The masked card of its last attempt, if any.
    pub card: String,
    /// Epoch seconds.
    pub created_on: i64,
}

impl Row {
    /// A row from a purchase object of the control plane.
    pub fn of(p: &Value) -> Option<Row> {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
        let id = text(p.get("purchaseId"));
        if id.is_empty() {
            return None;
        }
        let total = p
            .pointer("/purchase/total")
            .and_then(Value::as_f64)
            .map_or_else(String::new, |t| format!("{t:.2}"));
        let currency = text(p.pointer("/purchase/currency"));
        let card = p
            .pointer("/transaction_data/attempts")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .rev()
                    .find_map(|x| x.pointer("/extra/masked_pan").and_then(Value::as_str))
            })
            .unwrap_or("")
            .to_string();
        Some(Row {
            id,
            status: text(p.get("status")),
            amount: format!("{total} {currency}").trim().to_string(),
            // Masked by the sandbox already; masked again so nothing else can slip in.
            card: redact::redact_text(&card),
            created_on: p.get("created_on").and_then(Value::as_i64).unwrap_or(0),
        })
    }
}

/// One webhook delivery of the control plane's log.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub n: u64,
    pub purchase_id: String,
    pub url: String,
    pub status: String,
    /// The brand in the delivered body (part of the signed string).
    pub brand_id: String,
    pub signature: String,
    pub response_status: Option<u64>,
    pub error: Option<String>,
}

impl Delivery {
    /// A delivery from the log's JSON.
    pub fn of(d: &Value) -> Option<Delivery> {
        let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Some(Delivery {
            n: d.get("n").and_then(Value::as_u64)?,
            purchase_id: text("purchase_id"),
            url: text("url"),
            status: text("status"),
            brand_id: d
                .pointer("/body/message/brandId")
                .or_else(|| d.pointer("/body/message/brand_id"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            signature: text("signature"),
            response_status: d.get("response_status").and_then(Value::as_u64),
            error: d.get("error").and_then(Value::as_str).map(str::to_string),
        })
    }

    /// `200`, or the error, for the list.
    pub fn answer(&self) -> String {
        match (&self.response_status, &self.error) {
            (Some(s), _) => s.to_string(),
            (None, Some(e)) => e.clone(),
            (None, None) => "…".into(),
        }
    }
}

/// The panel's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    pub tab: Tab,
    pub rows: Vec<Row>,
    pub deliveries: Vec<Delivery>,
    /// `GET /_sandbox/settings` as it came.
    pub settings: Option<Value>,
    /// What the last clock call answered (`clock_offset_minutes`, `now`).
    pub clock: Option<Value>,
    /// Selected row of the current tab's list.
    pub selected: usize,
    /// Purchases filter (status or id substring, lower case).
    pub filter: String,
    /// The curl of the last action, shown so it can be learned.
    pub curl: Option<String>,
    /// Set by the first reset key: the second one resets.
    pub confirm_reset: bool,
    /// Whether the last read of the purchase list answered (an empty list then means an
    /// empty sandbox, not a read that failed or has not come back).
    pub rows_read: bool,
    /// The same for the delivery log.
    pub deliveries_read: bool,
    /// The same for the settings (when unset, `settings` holds the last ones read, if
    /// any, which may no longer be the sandbox's).
    pub settings_read: bool,
}

/// Why a list of the panel (purchases, deliveries) shows no row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRows {
    /// Its read is in flight.
    Reading,
    /// It has not been read (the read failed or was cancelled).
    Unread,
    /// The sandbox has none.
    Empty,
    /// The filter hides every row.
    Filtered,
}

/// Why a list shows no row (`None` when it shows some): `shown` and `all` its rows with
/// and without the filter, `reading` whether its read is in flight, `read` whether its
/// last read answered.
fn no_rows_of(shown: usize, all: usize, reading: bool, read: bool) -> Option<NoRows> {
    if shown > 0 {
        None
    } else if all > 0 {
        Some(NoRows::Filtered)
    } else if reading {
        Some(NoRows::Reading)
    } else if read {
        Some(NoRows::Empty)
    } else {
        Some(NoRows::Unread)
    }
}

impl Panel {
    /// Why the purchase list shows no row (`None` when it shows some); `reading`: its
    /// read is in flight.
    pub fn no_rows(&self, reading: bool) -> Option<NoRows> {
        no_rows_of(
            self.shown_rows().len(),
            self.rows.len(),
            reading,
            self.rows_read,
        )
    }

    /// Why the delivery log shows no row (see [`Panel::no_rows`]; it has no filter).
    pub fn no_deliveries(&self, reading: bool) -> Option<NoRows> {
        let all = self.deliveries.len();
        no_rows_of(all, all, reading, self.deliveries_read)
    }

    /// The purchases the filter lets through.
    pub fn shown_rows(&self) -> Vec<&Row> {
        let needle = self.filter.to_ascii_lowercase();
        self.rows
            .iter()
            .filter(|r| {
                needle.is_empty()
                    || r.id.contains(&needle)
                    || r.status.to_ascii_lowercase().contains(&needle)
            })
            .collect()
    }

    /// Rows in the current tab's list.
    pub fn list_len(&self) -> usize {
        match self.tab {
            Tab::Purchases => self.shown_rows().len(),
            Tab::Webhooks => self.deliveries.len(),
            Tab::ClockAndSettings => 0,
        }
    }

    /// Keeps the selection inside the current list (after a reload or a reset).
    pub fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.list_len().saturating_sub(1));
    }

    /// A new read of the purchase list. The selection stays on the purchase it was on
    /// (new purchases arrive at the top: an index alone would slide to another one).
    pub fn set_rows(&mut self, rows: Vec<Row>) {
        let was = (self.tab == Tab::Purchases)
            .then(|| self.selected_row().map(|r| r.id.clone()))
            .flatten();
        self.rows = rows;
        if let Some(at) = was.and_then(|id| self.shown_rows().iter().position(|r| r.id == id)) {
            self.selected = at;
        }
        self.clamp_selection();
    }

    /// A new read of the delivery log, the selection kept on its delivery (a replay or
    /// a redelivery adds one at the top of the list shown).
    pub fn set_deliveries(&mut self, deliveries: Vec<Delivery>) {
        let was = (self.tab == Tab::Webhooks)
            .then(|| self.selected_delivery().map(|d| d.n))
            .flatten();
        self.deliveries = deliveries;
        if let Some(at) = was.and_then(|n| self.deliveries.iter().rev().position(|d| d.n == n)) {
            self.selected = at;
        }
        self.clamp_selection();
    }

    /// The selected purchase.
    pub fn selected_row(&self) -> Option<&Row> {
        self.shown_rows().get(self.selected).copied()
    }

    /// The selected delivery (the log is shown newest first).
    pub fn selected_delivery(&self) -> Option<&Delivery> {
        self.deliveries.iter().rev().nth(self.selected)
    }

    /// How many minutes the sandbox clock runs ahead, as last read or moved.
    pub fn clock_offset_minutes(&self) -> Option<i64> {
        self.clock
            .as_ref()
            .and_then(|c| c.get("clock_offset_minutes"))
            .and_then(Value::as_i64)
    }

    /// A setting's value as text.
    pub fn setting(&self, key: &str) -> String {
        self.settings
            .as_ref()
            .and_then(|s| s.get(key))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| "?".into())
    }
}

/// The equivalent curl of a control-plane call (no key: the control plane needs none).
pub fn curl(method: &str, url: &str, body: Option<&Value>) -> String {
    match body {
        Some(b) => format!(
            "curl -X {method} {url} -H 'content-type: application/json' -d '{}'",
            b.to_string().replace('\'', "'\\''")
        ),
        None if method == "GET" => format!("curl {url}"),
        None => format!("curl -X {method} {url}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_reread_list_keeps_the_selection_on_the_same_item_not_the_same_index() {
        let deliveries = |ns: &[u64]| -> Vec<Delivery> {
            ns.iter()
                .filter_map(|n| Delivery::of(&json!({"n": n, "status": format!("s{n}")})))
                .collect()
        };
        let mut panel = Panel {
            tab: Tab::Webhooks,
            ..Panel::default()
        };
        panel.set_deliveries(deliveries(&[0, 1, 2]));
        // Shown newest first: #2, #1, #0. The user picks #0.
        panel.selected = 2;
        assert_eq!(panel.selected_delivery().map(|d| d.n), Some(0));
        // A redelivery of #0 adds #3 at the top: the cursor stays on #0.
        panel.set_deliveries(deliveries(&[0, 1, 2, 3]));
        assert_eq!(panel.selected_delivery().map(|d| d.n), Some(0));
        // A reset empties the log: the selection is clamped, not lost out of range.
        panel.set_deliveries(vec![]);
        assert_eq!(panel.selected, 0);

        let rows = |ids: &[&str]| -> Vec<Row> {
            ids.iter()
                .filter_map(|id| {
                    Row::of(&json!({"purchaseId": id, "status": "PAID", "created_on": 0}))
                })
                .collect()
        };
        let mut panel = Panel::default();
        panel.set_rows(rows(&["c", "b", "a"]));
        panel.selected = 1;
        panel.set_rows(rows(&["d", "c", "b", "a"]));
        assert_eq!(panel.selected_row().map(|r| r.id.as_str()), Some("b"));
        // The selected purchase gone (retention): the index is kept inside the list.
        panel.set_rows(rows(&["d"]));
        assert_eq!(panel.selected_row().map(|r| r.id.as_str()), Some("d"));
    }

    #[test]
    fn rows_and_deliveries_read_the_control_plane_shapes() {
        let p = json!({
            "purchaseId": "abc", "status": "PAID", "created_on": 5,
            "purchase": {"total": 20.0, "currency": "EUR"},
            "transaction_data": {"attempts": [{"extra": {"masked_pan": "444433******1111"}}]}
        });
        let row = Row::of(&p).expect("row");
        assert_eq!(row.amount, "20.00 EUR");
        assert_eq!(row.card, "444433******1111");
        let d = Delivery::of(&json!({"n": 3, "purchase_id": "abc", "url": "http://x",
            "status": "paid", "signature": "s", "response_status": null, "error": "timeout"}))
        .expect("delivery");
        assert_eq!(d.answer(), "timeout");
        assert_eq!(
            curl("POST", "http://h/_sandbox/reset", None),
            "curl -X POST http://h/_sandbox/reset"
        );
        assert_eq!(
            curl("POST", "http://h/c", Some(&json!({"a": "it's"}))),
            "curl -X POST http://h/c -H 'content-type: application/json' -d '{\"a\":\"it'\\''s\"}'"
        );
    }

    #[test]
    fn the_filter_matches_ids_and_statuses() {
        let mut panel = Panel::default();
        for (id, status) in [("aa1", "PAID"), ("bb2", "PAYMENT_IN_PROCESS")] {
            panel.rows.push(Row {
                id: id.into(),
                status: status.into(),
                amount: String::new(),
                card: String::new(),
                created_on: 0,
            });
        }
        panel.filter = "in_process".into();
        assert_eq!(panel.shown_rows().len(), 1);
        panel.filter = "aa".into();
        assert_eq!(panel.selected_row().map(|r| r.id.as_str()), Some("aa1"));
    }
}
