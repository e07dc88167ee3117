//! Where the current purchase stands in the card S2S flow, read from the exchanges in
//! history: create purchase → S2S → 202 + callback_url → browser opens it → frictionless
//! 302 or challenge → redirect → webhook → status GET. Pure: the flow map draws it, and
//! anything else (a presenter) can.

use crate::api::{Exchange, ExchangeKind, PurchaseStatus};

/// Rows read back from the newest looking for the purchase's exchanges: enough for any
/// one purchase (its status polls fold into one row), bounded however long history is.
pub const SCAN_LIMIT: usize = 5_000;

/// Who takes part (the sequence diagram's lifelines), left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    YourServer,
    Paysecure,
    Browser,
    Issuer,
    WebhookEndpoint,
}

impl Party {
    /// Every party, in lifeline order.
    pub const ALL: [Party; 5] = [
        Party::YourServer,
        Party::Paysecure,
        Party::Browser,
        Party::Issuer,
        Party::WebhookEndpoint,
    ];

    /// The lifeline's position.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in full on two lines, and a short one for narrow screens.
    pub fn names(self) -> ([&'static str; 2], &'static str) {
        match self {
            Party::YourServer => (["your", "server"], "server"),
            Party::Paysecure => (["Paysecure", ""], "Paysecure"),
            Party::Browser => (["customer's", "browser"], "browser"),
            Party::Issuer => (["issuer", "(3-D Secure)"], "issuer"),
            Party::WebhookEndpoint => (["your webhook", "endpoint"], "webhook"),
        }
    }
}

/// The steps, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Create,
    S2s,
    CallbackUrl,
    BrowserOpens,
    Frictionless,
    Challenge,
    Redirect,
    Webhook,
    StatusGet,
}

impl StepKind {
    /// Every step, in order.
    pub const ALL: [StepKind; 9] = [
        StepKind::Create,
        StepKind::S2s,
        StepKind::CallbackUrl,
        StepKind::BrowserOpens,
        StepKind::Frictionless,
        StepKind::Challenge,
        StepKind::Redirect,
        StepKind::Webhook,
        StepKind::StatusGet,
    ];

    /// The arrow: from, to.
    pub fn arrow(self) -> (Party, Party) {
        use Party::*;
        match self {
            StepKind::Create | StepKind::S2s | StepKind::StatusGet => (YourServer, Paysecure),
            StepKind::CallbackUrl => (Paysecure, YourServer),
            StepKind::BrowserOpens => (Browser, Paysecure),
            StepKind::Frictionless => (Paysecure, Browser),
            StepKind::Challenge => (Browser, Issuer),
            StepKind::Redirect => (Browser, YourServer),
            StepKind::Webhook => (Paysecure, WebhookEndpoint),
        }
    }

    /// What the step is, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            StepKind::Create => "create purchase",
            StepKind::S2s => "S2S card payment",
            StepKind::CallbackUrl => "202 + callback_url",
            StepKind::BrowserOpens => "browser opens it",
            StepKind::Frictionless => "frictionless 302",
            StepKind::Challenge => "3DS challenge",
            StepKind::Redirect => "redirect to you",
            StepKind::Webhook => "webhook",
            StepKind::StatusGet => "status GET",
        }
    }

    /// [`StepKind::title`] in at most 13 characters, for a narrow map.
    pub fn short_title(self) -> &'static str {
        match self {
            StepKind::Create => "create",
            StepKind::S2s => "S2S payment",
            StepKind::CallbackUrl => "202 + cb URL",
            StepKind::BrowserOpens => "browser opens",
            StepKind::Frictionless => "frictionless",
            StepKind::Challenge => "3DS challenge",
            StepKind::Redirect => "redirect",
            StepKind::Webhook => "webhook",
            StepKind::StatusGet => "status GET",
        }
    }

    /// The message on the wire.
    pub fn wire(self) -> &'static str {
        match self {
            StepKind::Create => "POST /purchases/",
            StepKind::S2s => "POST /p/{id}/?s2s=true",
            StepKind::CallbackUrl => "202 {status: pending, callback_url}",
            StepKind::BrowserOpens => "GET callback_url",
            StepKind::Frictionless => "302 to your redirect",
            StepKind::Challenge => "challenge page, OTP",
            StepKind::Redirect => "GET success/failure_redirect",
            StepKind::Webhook => "POST signed webhook",
            StepKind::StatusGet => "GET /purchases/{id}/",
        }
    }
}

/// How far a step got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Done,
    /// The next thing to happen (the flow waits for it).
    Current,
    Failed,
    /// Will not happen in this flow (no challenge for a frictionless card, nothing after
    /// a refused payment).
    Skipped,
    Pending,
}

impl StepState {
    /// A symbol that reads without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            StepState::Done => "✓",
            StepState::Current => "▶",
            StepState::Failed => "✗",
            StepState::Skipped => "–",
            StepState::Pending => "·",
        }
    }

    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Current => "current",
            StepState::Failed => "failed",
            StepState::Skipped => "skipped",
            StepState::Pending => "pending",
        }
    }
}

/// One step of the flow and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowStep {
    pub kind: StepKind,
    pub state: StepState,
    /// The history row it came from, counted from the newest shown row.
    pub row: Option<usize>,
    /// The step has a row, but the history's filter hides it (so `row` is `None`).
    pub hidden: bool,
    /// What the row says (`202`, `302`, `signature ✗`), when there is one.
    pub note: Option<String>,
}

/// The whole flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowProgress {
    pub purchase_id: Option<String>,
    pub steps: Vec<FlowStep>,
}

/// What the flow knows beyond history.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known<'a> {
    /// The current purchase.
    pub purchase_id: Option<&'a str>,
    /// Its last known status, any case (`PAID`, `error`).
    pub status: Option<&'a str>,
    /// The create call of this flow failed (there is no purchase).
    pub create_failed: bool,
}

/// Statuses a payment ends in without money taken.
fn failed_status(status: &str) -> bool {
    matches!(
        status.to_ascii_lowercase().as_str(),
        "error" | "expired" | "cancelled" | "blocked"
    )
}

fn failed(ex: &Exchange) -> bool {
    ex.error.is_some() || ex.status.is_none_or(|s| s >= 400)
}

fn path_without_query(ex: &Exchange) -> &str {
    let path = ex.path();
    path.split('?').next().unwrap_or(path)
}

/// A purchase id as each place writes it: as the server sent it, in a URL path as the
/// client encodes it, and inside JSON text. A real id is hex and all three are the same;
/// a server's odd one (escapes, `/`) must still find its rows.
struct IdForms<'a> {
    raw: &'a str,
    in_path: String,
    in_json: String,
}

impl<'a> IdForms<'a> {
    fn of(raw: &'a str) -> IdForms<'a> {
        let quoted = serde_json::to_string(raw).unwrap_or_default();
        IdForms {
            raw,
            in_path: crate::api::client::segment(raw),
            in_json: quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(raw)
                .to_string(),
        }
    }

    fn in_url(&self, url: &str) -> bool {
        url.contains(self.raw) || url.contains(&self.in_path)
    }

    fn in_body(&self, body: Option<&str>) -> bool {
        body.is_some_and(|b| b.contains(self.raw) || b.contains(&self.in_json))
    }
}

/// Whether `ex` is one of the steps of purchase `id`, and which.
fn step_of(ex: &Exchange, id: &IdForms) -> Option<StepKind> {
    let path = path_without_query(ex);
    let url_has_id = id.in_url(&ex.url);
    match ex.kind {
        ExchangeKind::Api => {
            let is_create = ex.method == "POST"
                && (path.ends_with("/purchases/") || path.ends_with("/purchases"));
            if is_create {
                return id
                    .in_body(ex.response_body.as_deref())
                    .then_some(StepKind::Create);
            }
            if !url_has_id {
                return None;
            }
            // The client writes the id encoded (the same text for a hex id).
            let trimmed = path.trim_end_matches('/');
            let ends_in = |prefix: &str| trimmed.ends_with(&format!("{prefix}{}", id.in_path));
            if ex.method == "POST" && ends_in("/p/") {
                Some(StepKind::S2s)
            } else if ex.method == "GET" && ends_in("/purchases/") {
                Some(StepKind::StatusGet)
            } else {
                None
            }
        }
        ExchangeKind::Browser if url_has_id => {
            let trimmed = path.trim_end_matches('/');
            let on_callback = trimmed.ends_with(&format!("/payment/{}", id.raw))
                || trimmed.ends_with(&format!("/payment/{}", id.in_path));
            match ex.method.as_str() {
                "GET" if on_callback => Some(StepKind::BrowserOpens),
                "POST" if on_callback => Some(StepKind::Challenge),
                "GET" => Some(StepKind::Redirect),
                _ => None,
            }
        }
        ExchangeKind::Landing if url_has_id => Some(StepKind::Redirect),
        ExchangeKind::Webhook => id
            .in_body(ex.request_body.as_deref())
            .then_some(StepKind::Webhook),
        _ => None,
    }
}

impl FlowProgress {
    /// The flow of `known`'s purchase from history, `newest_first` (row 0 is the newest
    /// shown row, as the history pane counts).
    pub fn of<'a>(known: Known<'_>, newest_first: impl Iterator<Item = &'a Exchange>) -> Self {
        let mut rows: [Option<(usize, &Exchange)>; 9] = [None; 9];
        let slot = |k: StepKind| StepKind::ALL.iter().position(|s| *s == k).unwrap_or(0);
        let mut newest_create: Option<(usize, &Exchange)> = None;
        let forms = known.purchase_id.map(IdForms::of);
        for (i, ex) in newest_first.take(SCAN_LIMIT).enumerate() {
            match &forms {
                Some(id) => {
                    // Newest first: the first match of a step is its latest attempt.
                    if let Some(k) = step_of(ex, id) {
                        rows[slot(k)].get_or_insert((i, ex));
                        if k == StepKind::Create {
                            break;
                        }
                    }
                }
                None => {
                    let path = path_without_query(ex);
                    if ex.kind == ExchangeKind::Api
                        && ex.method == "POST"
                        && path.trim_end_matches('/').ends_with("/purchases")
                    {
                        newest_create = Some((i, ex));
                        break;
                    }
                }
            }
        }
        if known.purchase_id.is_none() && known.create_failed {
            rows[0] = newest_create.filter(|(_, ex)| failed(ex));
        }
        let payment_failed = known.status.is_some_and(failed_status);
        // A status this client does not know says nothing about what comes next.
        // (An empty one is no status at all; `blocked` is a known refusal.)
        let status_unknown = known.status.is_some_and(|s| {
            !s.trim().is_empty()
                && !failed_status(s)
                && matches!(PurchaseStatus::parse(s), PurchaseStatus::Other(_))
        });
        let mut steps: Vec<FlowStep> = StepKind::ALL
            .iter()
            .zip(rows)
            .map(|(kind, row)| {
                let state = row.map(|(_, ex)| {
                    if failed(ex) {
                        StepState::Failed
                    } else {
                        StepState::Done
                    }
                });
                FlowStep {
                    kind: *kind,
                    state: state.unwrap_or(StepState::Pending),
                    row: row.map(|(i, _)| i),
                    hidden: false,
                    note: row.map(|(_, ex)| note_of(ex)),
                }
            })
            .collect();
        derive(&mut steps, rows, payment_failed, status_unknown);
        FlowProgress {
            purchase_id: known.purchase_id.map(str::to_string),
            steps,
        }
    }

    /// The step that is current, if any.
    pub fn current(&self) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.state == StepState::Current)
    }

    /// The state of `kind`.
    pub fn state_of(&self, kind: StepKind) -> StepState {
        self.steps
            .iter()
            .find(|s| s.kind == kind)
            .map_or(StepState::Pending, |s| s.state)
    }
}

/// `202`, `302`, `error: timed out`: what a row says, in a few characters.
fn note_of(ex: &Exchange) -> String {
    match (&ex.error, ex.status) {
        (Some(e), _) => format!("error: {}", crate::term_text::clean(e)),
        (None, Some(s)) if ex.kind == ExchangeKind::Webhook && s == 401 => "signature ✗".into(),
        (None, Some(s)) => s.to_string(),
        (None, None) => "no answer".into(),
    }
}

/// What the rows imply for the steps without one, and the alternatives. With a status
/// the client does not know (`status_unknown`) and an S2S answer without a callback_url,
/// the steps without a row stay pending and none is named current: such an answer is not
/// known to be the 2D path, and the next step is not known at all.
fn derive(
    steps: &mut [FlowStep],
    rows: [Option<(usize, &Exchange)>; 9],
    payment_failed: bool,
    status_unknown: bool,
) {
    use StepKind::*;
    let at = |k: StepKind| StepKind::ALL.iter().position(|s| *s == k).unwrap_or(0);
    // The S2S row carries the 202 and its callback_url; without one, there is no 3DS.
    let mut next_unknown = false;
    if let Some((i, ex)) = rows[at(S2s)] {
        let body = ex.response_body.as_deref().unwrap_or("");
        // The same row as the S2S call: its status is already said there.
        let step = &mut steps[at(CallbackUrl)];
        step.row = Some(i);
        step.note = None;
        if failed(ex) {
            step.state = StepState::Skipped;
        } else if body.contains("callback_url") {
            step.state = StepState::Done;
        } else if status_unknown {
            step.state = StepState::Pending;
            next_unknown = true;
        } else {
            // Answered at once (2D mode): no browser, no 3DS.
            step.state = StepState::Skipped;
            for k in [BrowserOpens, Frictionless, Challenge] {
                steps[at(k)].state = StepState::Skipped;
            }
        }
    }
    // The callback's answer: a 302 is the frictionless path, a page the challenge.
    if let Some((i, ex)) = rows[at(BrowserOpens)] {
        if ex.status == Some(302) {
            let step = &mut steps[at(Frictionless)];
            step.row = Some(i);
            step.note = Some(note_of(ex));
            step.state = if payment_failed {
                StepState::Failed
            } else {
                StepState::Done
            };
            steps[at(Challenge)].state = StepState::Skipped;
        } else if !failed(ex) {
            steps[at(Frictionless)].state = StepState::Skipped;
        }
    }
    if rows[at(Challenge)].is_some() {
        steps[at(Frictionless)].state = StepState::Skipped;
        if payment_failed {
            steps[at(Challenge)].state = StepState::Failed;
        }
    }
    // A failure before the browser ends the flow: what has no row will not come.
    let stop = [Create, S2s, BrowserOpens]
        .iter()
        .map(|k| at(*k))
        .find(|i| steps[*i].state == StepState::Failed);
    if let Some(stop) = stop {
        for s in steps.iter_mut().skip(stop + 1) {
            if s.row.is_none() && s.state == StepState::Pending {
                s.state = StepState::Skipped;
            }
        }
        return;
    }
    if next_unknown {
        return;
    }
    // The first step still waiting after the last one reached is the current one.
    // Steps before it without a row happened where the app could not see them (the
    // user's own browser after `o`): they stay pending, except the webhook, which comes
    // on its own time and is awaited. A status GET is read at any time (the app asks
    // after a 202): it is no sign of how far the flow got.
    let reached = steps.iter().rposition(|s| {
        s.kind != StatusGet && matches!(s.state, StepState::Done | StepState::Failed)
    });
    let from = reached.map_or(0, |i| i + 1);
    if let Some(s) = steps
        .iter_mut()
        .skip(from)
        .find(|s| s.state == StepState::Pending)
    {
        s.state = StepState::Current;
    }
    let webhook = &mut steps[at(Webhook)];
    if at(Webhook) < from && webhook.state == StepState::Pending {
        webhook.state = StepState::Current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "64bfdb7df63e36669499e82f";
    const O: &str = "http://127.0.0.1:9";

    fn ex(kind: ExchangeKind, method: &str, url: &str, status: u16, body: &str) -> Exchange {
        Exchange {
            status: Some(status),
            response_body: Some(body.into()),
            ..Exchange::new(kind, method, url, 0)
        }
    }

    fn create() -> Exchange {
        ex(
            ExchangeKind::Api,
            "POST",
            &format!("{O}/api/v1/purchases/"),
            202,
            &format!(r#"{{"purchaseId":"{ID}"}}"#),
        )
    }

    fn s2s(status: u16) -> Exchange {
        let body = if status == 202 {
            format!(r#"{{"status":"pending","callback_url":"{O}/api/v1/payment/{ID}/"}}"#)
        } else {
            r#"{"message":"Card is Blocked","code":"transaction_error"}"#.into()
        };
        ex(
            ExchangeKind::Api,
            "POST",
            &format!("{O}/api/v1/p/{ID}/?s2s=true"),
            status,
            &body,
        )
    }

    fn callback(method: &str, status: u16) -> Exchange {
        ex(
            ExchangeKind::Browser,
            method,
            &format!("{O}/api/v1/payment/{ID}/"),
            status,
            "",
        )
    }

    fn landing(page: &str) -> Exchange {
        ex(
            ExchangeKind::Landing,
            "GET",
            &format!("{O}/merchant/return/{page}?purchaseId={ID}"),
            200,
            "",
        )
    }

    fn webhook() -> Exchange {
        Exchange {
            request_body: Some(format!(r#"{{"purchaseId":"{ID}","status":"paid"}}"#)),
            ..ex(
                ExchangeKind::Webhook,
                "POST",
                &format!("{O}/merchant/webhook"),
                200,
                "",
            )
        }
    }

    fn status_get() -> Exchange {
        ex(
            ExchangeKind::Api,
            "GET",
            &format!("{O}/api/v1/purchases/{ID}/"),
            200,
            "{}",
        )
    }

    /// The progress of `oldest_first` rows.
    fn progress(status: Option<&str>, oldest_first: &[Exchange]) -> FlowProgress {
        let known = Known {
            purchase_id: Some(ID),
            status,
            create_failed: false,
        };
        FlowProgress::of(known, oldest_first.iter().rev())
    }

    fn states(p: &FlowProgress) -> Vec<StepState> {
        p.steps.iter().map(|s| s.state).collect()
    }

    use StepState::*;

    #[test]
    fn nothing_sent_yet_the_create_is_current() {
        let p = FlowProgress::of(Known::default(), std::iter::empty());
        assert_eq!(p.steps[0].state, Current);
        assert!(p.steps[1..].iter().all(|s| s.state == Pending));
    }

    #[test]
    fn pending_waits_for_the_browser() {
        let p = progress(Some("PENDING_EXECUTE"), &[create(), s2s(202)]);
        assert_eq!(
            states(&p),
            [
                Done, Done, Done, Current, Pending, Pending, Pending, Pending, Pending
            ]
        );
        // Rows count from the newest: the S2S is row 0, the create row 1.
        assert_eq!(p.steps[0].row, Some(1));
        assert_eq!((p.steps[1].row, p.steps[2].row), (Some(0), Some(0)));
        assert_eq!(p.current(), Some(3));
    }

    /// A made-up status with no callback_url: the browser steps are not known to be
    /// skipped, and no step is named as the next one.
    #[test]
    fn an_unknown_status_names_no_next_step() {
        let answered = Exchange {
            response_body: Some(r#"{"status":"weird_state"}"#.into()),
            ..s2s(200)
        };
        let p = progress(Some("weird_state"), &[create(), answered]);
        assert_eq!(
            states(&p),
            [
                Done, Done, Pending, Pending, Pending, Pending, Pending, Pending, Pending
            ]
        );
        assert_eq!(p.current(), None);
        // A known status with the same answer is the 2D path.
        let answered = Exchange {
            response_body: Some(r#"{"status":"paid"}"#.into()),
            ..s2s(200)
        };
        let p = progress(Some("paid"), &[create(), answered.clone()]);
        assert_eq!(p.state_of(StepKind::BrowserOpens), Skipped);
        assert!(p.current().is_some());
        // No status at all, or a blocked customer's: not unknown.
        for status in ["", "blocked"] {
            let p = progress(Some(status), &[create(), answered.clone()]);
            assert_eq!(p.state_of(StepKind::BrowserOpens), Skipped, "{status:?}");
        }
        // Past a callback_url the rows say where the flow is, whatever the status.
        let p = progress(
            Some("weird_state"),
            &[create(), s2s(202), callback("GET", 302), landing("success")],
        );
        assert_eq!(p.state_of(StepKind::Webhook), Current);
    }

    /// The status GET the app makes after a 202 does not move the current step past the
    /// browser.
    #[test]
    fn a_status_read_while_pending_leaves_the_browser_current() {
        let p = progress(Some("PENDING_EXECUTE"), &[create(), s2s(202), status_get()]);
        assert_eq!(p.state_of(StepKind::BrowserOpens), Current);
        assert_eq!(p.state_of(StepKind::Webhook), Pending);
    }

    #[test]
    fn frictionless_paid_skips_the_challenge() {
        let rows = [
            create(),
            s2s(202),
            callback("GET", 302),
            webhook(),
            landing("success"),
            status_get(),
        ];
        let p = progress(Some("PAID"), &rows);
        assert_eq!(
            states(&p),
            [Done, Done, Done, Done, Done, Skipped, Done, Done, Done]
        );
        assert_eq!(
            p.steps[4].row, p.steps[3].row,
            "the 302 is the callback's answer"
        );
        assert_eq!(p.current(), None);
    }

    #[test]
    fn challenge_failed_marks_the_challenge_and_goes_on() {
        let rows = [
            create(),
            s2s(202),
            callback("GET", 200),
            callback("POST", 302),
            webhook(),
            landing("failure"),
            status_get(),
        ];
        let p = progress(Some("ERROR"), &rows);
        assert_eq!(
            states(&p),
            [Done, Done, Done, Done, Skipped, Failed, Done, Done, Done]
        );
        assert_eq!(p.steps[5].row, Some(3));
    }

    #[test]
    fn a_decline_fails_the_s2s_and_nothing_more_comes() {
        let p = progress(Some("CREATED"), &[create(), s2s(400)]);
        assert_eq!(
            states(&p),
            [
                Done, Failed, Skipped, Skipped, Skipped, Skipped, Skipped, Skipped, Skipped
            ]
        );
        assert_eq!(p.steps[1].note.as_deref(), Some("400"));
    }

    /// A server's odd id (an escape, a `/`): JSON-escaped in the create's body and
    /// percent-encoded in the S2S path by the client. The map still finds both rows
    /// instead of calling a created purchase's create "current, no history row".
    #[test]
    fn an_odd_server_id_still_finds_its_rows() {
        let odd = "6b0e\u{1b}]0;x\u{7}a/b";
        let create = ex(
            ExchangeKind::Api,
            "POST",
            &format!("{O}/api/v1/purchases/"),
            202,
            &serde_json::json!({ "purchaseId": odd }).to_string(),
        );
        let s2s = ex(
            ExchangeKind::Api,
            "POST",
            &format!("{O}/api/v1{}", crate::api::client::s2s_path(odd)),
            400,
            r#"{"message":"refused","code":"x"}"#,
        );
        let known = Known {
            purchase_id: Some(odd),
            status: Some("CREATED"),
            create_failed: false,
        };
        let p = FlowProgress::of(known, [s2s, create].iter());
        assert_eq!(
            states(&p),
            [
                Done, Failed, Skipped, Skipped, Skipped, Skipped, Skipped, Skipped, Skipped
            ]
        );
        assert_eq!((p.steps[0].row, p.steps[1].row), (Some(1), Some(0)));
    }

    #[test]
    fn a_retry_after_a_decline_reads_the_newest_attempt() {
        let p = progress(Some("PENDING_EXECUTE"), &[create(), s2s(400), s2s(202)]);
        assert_eq!(p.state_of(StepKind::S2s), Done);
        assert_eq!(p.steps[1].row, Some(0));
    }

    #[test]
    fn the_webhook_is_awaited_until_it_arrives() {
        let without = [
            create(),
            s2s(202),
            callback("GET", 200),
            callback("POST", 302),
            landing("success"),
            status_get(),
        ];
        let p = progress(Some("PAID"), &without);
        assert_eq!(p.state_of(StepKind::Webhook), Current);
        assert_eq!(p.state_of(StepKind::StatusGet), Done);
        assert_eq!(p.state_of(StepKind::Challenge), Done);
        let mut with = without.to_vec();
        with.push(webhook());
        let p = progress(Some("PAID"), &with);
        assert_eq!(p.state_of(StepKind::Webhook), Done);
        assert_eq!(p.steps[7].row, Some(0));
        assert_eq!(p.current(), None);
    }

    #[test]
    fn after_o_the_browsers_own_steps_are_not_seen_and_not_current() {
        // The user's browser opened the callback: the app saw only what reached the
        // merchant stub and its own status GETs.
        let rows = [
            create(),
            s2s(202),
            webhook(),
            landing("success"),
            status_get(),
        ];
        let p = progress(Some("PAID"), &rows);
        assert_eq!(
            states(&p),
            [
                Done, Done, Done, Pending, Pending, Pending, Done, Done, Done
            ]
        );
        assert_eq!(p.current(), None);
    }

    #[test]
    fn a_bad_signature_fails_the_webhook() {
        let mut hook = webhook();
        hook.status = Some(401);
        let p = progress(Some("PAID"), &[create(), s2s(202), hook]);
        assert_eq!(p.state_of(StepKind::Webhook), Failed);
        assert_eq!(p.steps[7].note.as_deref(), Some("signature ✗"));
    }

    #[test]
    fn a_failed_create_fails_the_first_step() {
        let mut bad = create();
        bad.status = Some(400);
        let known = Known {
            purchase_id: None,
            status: None,
            create_failed: true,
        };
        let p = FlowProgress::of(known, [bad].iter());
        assert_eq!(p.steps[0].state, Failed);
        assert!(p.steps[1..].iter().all(|s| s.state == Skipped));
    }

    #[test]
    fn other_purchases_rows_are_not_read() {
        let other = ex(
            ExchangeKind::Api,
            "GET",
            &format!("{O}/api/v1/purchases/aaaaaaaaaaaaaaaaaaaaaaaa/"),
            200,
            "{}",
        );
        let p = progress(Some("PAID"), &[create(), other]);
        assert_eq!(p.state_of(StepKind::StatusGet), Pending);
    }
}
