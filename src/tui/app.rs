//! The explorer's whole state, owned by the event loop and changed only by `update`.

use std::path::PathBuf;
use std::time::Duration;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};
use serde_json::Value;

use super::form_model::Form;
use super::history::History;
use super::keys::Context;
use super::panel::NoRows;
use super::requests::{ControlOp, RequestId, Requests};
use super::step_forms;
use super::text_input::TextInput;
use super::theme::Theme;
use crate::api::MerchantEvent;
use crate::api::{ApiError, Exchange, Purchase, S2sOutcome};
use crate::flow::browser::{BrowserResult, CallbackPage};
use crate::flow::machine::{Flow, Step};
use crate::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use crate::flow::runner::WebhookSeen;
use crate::flow::scenario::Scenario;

/// Everything that can happen: input, timers and background results.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// A bracketed paste: text for the focused field or prompt.
    Paste(String),
    Resize(u16, u16),
    /// Spinner tick, sent only while a request is in flight.
    Tick,
    /// A request of the table answered (or failed); dropped unless `id` is in flight.
    Answer {
        id: RequestId,
        answer: Answer,
        /// The last exchange the request made, so the outcome can show its own body.
        exchange: Option<Box<Exchange>>,
    },
    Exchange(Box<Exchange>),
    Merchant(Box<MerchantEvent>),
    /// An exchange already stored in the history database as row `seq`: the pane may
    /// trim it from memory and read it back from there.
    StoredExchange(Box<Exchange>, i64),
    /// A merchant event already stored in the history database as row `seq`.
    StoredMerchant(Box<MerchantEvent>, i64),
    /// The system browser was (or could not be) opened.
    Opened {
        /// The URL the opener was given.
        url: String,
        result: Result<(), String>,
    },
    /// A scenario was read (name, scenario) or could not be.
    ScenarioLoaded(Result<(String, Scenario), String>),
    /// A file was written (what to say), or could not be.
    Saved(Result<String, String>),
    /// The sandbox's public key (PEM), read from a served sandbox's control plane.
    PublicKey(String),
    /// What `$EDITOR` left in the step's JSON file (`Ok`), or why it could not run.
    EditedJson(Result<String, String>),
    /// History of earlier sessions, read in the background (oldest first).
    /// Earlier sessions' rows, read from the database as the pane shows them, and what
    /// opening the history found (a damaged file set aside, an import).
    HistoryLoaded {
        archive: Option<Box<super::history_archive::Archive>>,
        warnings: Vec<String>,
    },
    /// The guided tour's engine ran a step (or started): what to show now.
    Tour(Box<crate::flow::tour::TourView>),
}

/// What a request of the table answered.
#[derive(Debug)]
pub enum Answer {
    Created(Result<Purchase, ApiError>),
    S2s(Result<S2sOutcome, ApiError>),
    /// The callback URL opened: a frictionless redirect (done), or a challenge to answer.
    Callback(Result<CallbackPage, ApiError>),
    /// The challenge answered and the redirect followed.
    Browser(Result<BrowserResult, ApiError>),
    Status(Result<Purchase, ApiError>),
    Resent(Result<Value, ApiError>),
    /// A purchase action (refund, cancel) answered with this body.
    Acted(Result<Value, ApiError>),
    /// A control-plane call answered.
    Control(Result<Value, ApiError>),
}

/// An action on a purchase after payment (a real API call).
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// `GET /purchases/{id}/refund/`: what is left.
    RefundFull,
    /// `POST /purchases/{id}/refund/ {amount, reason}`.
    RefundPartial { amount: f64, reason: String },
    /// `GET /purchases/{id}/cancel/`.
    Cancel,
    /// `POST /purchases/{id}/capture/`: all of the hold (`None`) or this amount.
    Capture { amount: Option<f64> },
    /// `POST /refundStatus/{id}/ {refundId}`: how a refund stands.
    RefundStatus { refund_id: String },
}

/// What a typed line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFor {
    /// `amount reason…` of a partial refund.
    PartialRefund,
    /// The amount to capture of a hold (empty: all of it).
    CaptureAmount,
    /// Minutes to advance the sandbox clock.
    ClockMinutes,
    AttemptLimit,
    LatencyMs,
    /// The hang card's timeout, in seconds.
    TimeoutS,
    /// Where to redeliver the selected webhook.
    RedeliverUrl,
    /// The panel's purchase filter.
    PanelFilter,
}

impl InputFor {
    /// The request-body fields a purchase prompt's text fills, by their field-guide key
    /// (`amount reason…` of a partial refund); panel levers fill none.
    pub fn guide_fields(self) -> &'static [&'static str] {
        match self {
            InputFor::PartialRefund => &["refund.amount", "refund.reason"],
            InputFor::CaptureAmount => &["capture.amount"],
            InputFor::ClockMinutes
            | InputFor::AttemptLimit
            | InputFor::LatencyMs
            | InputFor::TimeoutS
            | InputFor::RedeliverUrl
            | InputFor::PanelFilter => &[],
        }
    }

    /// Every kind of typed value (the field guide's test walks them).
    pub const ALL: [InputFor; 8] = [
        InputFor::PartialRefund,
        InputFor::CaptureAmount,
        InputFor::ClockMinutes,
        InputFor::AttemptLimit,
        InputFor::LatencyMs,
        InputFor::TimeoutS,
        InputFor::RedeliverUrl,
        InputFor::PanelFilter,
    ];
}

/// A network call, run as one cancellable task.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    CreatePurchase(Value),
    S2s {
        purchase_id: String,
        body: Value,
    },
    /// Act as the customer's browser: open the callback URL.
    OpenCallback {
        url: String,
    },
    /// Act as the customer's browser: answer the challenge with `otp`, follow the redirect.
    AnswerChallenge {
        form_url: String,
        otp: String,
    },
    PollStatus {
        purchase_id: String,
        after: Duration,
    },
    Resend {
        method: String,
        url: String,
        body: Option<String>,
    },
    /// An action on a purchase.
    Act {
        purchase_id: String,
        act: Act,
    },
    /// A call to the sandbox's control plane (absolute URL).
    Control {
        method: String,
        url: String,
        body: Option<Value>,
    },
}

/// Earlier sessions' rows an export reads itself from `history.sqlite3` (with a reader of
/// its own, off the UI thread), oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierRows {
    pub db: PathBuf,
    pub seqs: Vec<i64>,
}

/// What a HAR export of the history pane writes: the earlier rows, then this session's
/// exchanges, and what it leaves out (said with the result).
#[derive(Debug, Clone, PartialEq)]
pub struct HarExport {
    pub earlier: Option<EarlierRows>,
    pub exchanges: Vec<Exchange>,
    /// The status GETs folded into the rows of `exchanges`, read from the database.
    pub folded: Option<FoldedRows>,
    pub note: Option<String>,
}

/// The database rows of the status GETs that rows of a [`HarExport`] fold (the pane shows
/// a follow-up's GETs as one `GET status ×N` row; an export has each of them).
#[derive(Debug, Clone, PartialEq)]
pub struct FoldedRows {
    pub db: PathBuf,
    /// Beside `HarExport::exchanges`: the `seq`s each one folded, oldest first.
    pub before: Vec<Vec<i64>>,
}

/// Work for the event loop to run in the background; results come back as [`Msg`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run request `id`.
    Call {
        id: RequestId,
        call: Call,
    },
    /// Abort request `id`'s task (its answer, if any, is dropped anyway).
    Cancel(RequestId),
    /// Record an exchange the client did not make itself (a cancelled request).
    Record(Box<Exchange>),
    OpenBrowser(String),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Write these exchanges as HAR 1.2 to `path`.
    ExportHar {
        path: PathBuf,
        export: HarExport,
    },
    LoadScenario(String),
    /// Suspend the screen and edit this JSON (the current step's body) in `$EDITOR`; the
    /// event loop runs it (it owns the terminal) and answers with [`Msg::EditedJson`].
    EditJson {
        text: String,
    },
    SaveScenario {
        name: String,
        scenario: Scenario,
    },
    /// Start a guided tour's engine against the app's endpoint (presenter mode).
    TourStart {
        tour: Box<crate::flow::tour::Tour>,
        brand_id: String,
        control_url: Option<String>,
    },
    /// Run the tour's next step.
    TourAdvance,
    /// Stop the tour's engine.
    TourEnd,
}

/// An overlay over the main screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// The test-card picker: its search and highlight.
    Cards(super::card_picker::CardPicker),
    Devices {
        selected: usize,
    },
    /// Full detail of a history entry (`index` counts from the newest).
    Detail {
        index: usize,
        view: super::detail::DetailView,
    },
    /// The OTP prompt of the in-terminal 3DS completion: the issuer served a challenge
    /// page whose form posts to `form_url`.
    Otp {
        input: TextInput,
        form_url: String,
    },
    /// The history filter prompt (`/`): the history follows it as it is typed; Esc puts
    /// `previous` back.
    Filter {
        input: TextInput,
        previous: Option<String>,
    },
    /// The scenario picker; `selected` indexes `App::scenario_names`.
    Scenarios {
        selected: usize,
    },
    /// The name prompt for saving the current payloads as a scenario.
    SaveScenario {
        input: TextInput,
    },
    /// The sandbox panel (its state is `App::panel`).
    Panel,
    /// A typed value for a purchase action or a panel lever.
    Input {
        what: InputFor,
        input: TextInput,
    },
    /// The flow map; `selected` indexes its steps.
    FlowMap {
        selected: usize,
    },
    /// Copy as code: the language chooser, then the snippet.
    Code(Box<super::code_view::CodeOverlay>),
}

impl Overlay {
    /// Which screen the overlay is, for one that stands in for the panes (help, a detail,
    /// the panel, the flow map, copy as code, the scenarios); `None` for a picker or a
    /// prompt that serves the screen under it (the card picker serves step ②, whose
    /// notice stays read above it).
    pub fn screen(&self) -> Option<std::mem::Discriminant<Overlay>> {
        match self {
            Overlay::Help { .. }
            | Overlay::Detail { .. }
            | Overlay::Panel
            | Overlay::FlowMap { .. }
            | Overlay::Code(_)
            | Overlay::Scenarios { .. } => Some(std::mem::discriminant(self)),
            Overlay::Cards(_)
            | Overlay::Devices { .. }
            | Overlay::Otp { .. }
            | Overlay::Filter { .. }
            | Overlay::SaveScenario { .. }
            | Overlay::Input { .. } => None,
        }
    }

    /// The text being typed, for prompt overlays.
    pub fn input(&self) -> Option<&TextInput> {
        match self {
            Overlay::Otp { input, .. }
            | Overlay::Filter { input, .. }
            | Overlay::SaveScenario { input }
            | Overlay::Input { input, .. } => Some(input),
            _ => None,
        }
    }

    /// The text being typed, mutably.
    pub fn input_mut(&mut self) -> Option<&mut TextInput> {
        match self {
            Overlay::Otp { input, .. }
            | Overlay::Filter { input, .. }
            | Overlay::SaveScenario { input }
            | Overlay::Input { input, .. } => Some(input),
            Overlay::Detail { view, .. } if view.search.typing => Some(&mut view.search.query),
            _ => None,
        }
    }
}

/// How a notice is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// How keys act on the focused form field: in insert mode printable keys are text; in
/// normal mode they are commands (`h`, `q`, `/`, `?`, …) and Enter or `i` edits.
/// Ctrl-chords, F-keys, Tab and arrows work in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Insert,
    Normal,
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Step,
    History,
}

/// What the header says about the endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub base_url: String,
    pub embedded: bool,
    /// On this machine (embedded or a `serve`d sandbox): the app can answer the challenge.
    pub local: bool,
    /// The header's banner (from the key type and the host).
    pub banner: crate::flow::target::Banner,
}

/// How the status GET is followed after the browser step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollPlan {
    /// The app completed 3DS itself: the short bounded schedule.
    InTerminal,
    /// The user's browser has the callback: every 2 s, up to 5 minutes.
    ExternalBrowser,
}

/// How soon after step ② appears a send key counts as typed ahead: under a reader's
/// reaction time (≈ 250 ms to notice a change, more to read it), over the gap between
/// two quick presses of one key (≈ 100 ms).
pub const TYPE_AHEAD: Duration = Duration::from_millis(400);

/// The application state.
#[derive(Debug, Clone)]
pub struct App {
    pub endpoint: Endpoint,
    pub flow: Flow,
    pub purchase_form: Form,
    pub card_form: Form,
    pub pane: Pane,
    pub overlay: Option<Overlay>,
    pub history: History,
    pub notice: Option<(Level, String)>,
    /// The notice answers something the user did on the screen it was said on (a key, the
    /// mouse, a paste, a panel call's answer), rather than telling where the flow stands:
    /// it goes when the user moves to another screen.
    pub notice_by_user: bool,
    /// Requests in flight.
    pub requests: Requests,
    /// The client's per-request timeout (shown against the elapsed time).
    pub timeout: Duration,
    pub spinner: usize,
    /// Set by a first Ctrl+S over warnings: the next one sends anyway.
    pub send_anyway: bool,
    pub webhook: Option<WebhookSeen>,
    pub theme: Theme,
    pub theme_names: Vec<String>,
    pub urls: MerchantUrls,
    pub show_raw: bool,
    pub size: (u16, u16),
    pub quit: bool,
    /// The brand the forms are filled with (scenarios keep it out of their files).
    pub brand_id: String,
    /// Where HAR exports go.
    pub export_dir: Option<PathBuf>,
    /// Scenarios offered by F7.
    pub scenario_names: Vec<String>,
    /// Those of `scenario_names` with a file of the user's (one of a shipped name
    /// overrides it): how the picker labels them.
    pub saved_scenarios: Vec<String>,
    /// The guided tour on screen (presenter mode), if one runs.
    pub presenter: Option<Box<super::presenter::Presenter>>,
    /// Why the last `o` could not open a browser (shown with the URL on the result).
    pub open_failure: Option<String>,
    /// The browser step that failed (callback or challenge), so `r` repeats that step
    /// rather than the S2S call.
    pub failed_step: Option<super::requests::Purpose>,
    /// The exchange whose failure the result screen shows (`v` shows its body).
    pub failed_exchange: Option<Box<Exchange>>,
    /// The sandbox panel's last known state (kept while it is closed).
    pub panel: super::panel::Panel,
    /// The public key webhooks are signed with (this project's sandbox).
    pub public_key_pem: Option<String>,
    /// The webhook `r` asked to replay (purchase id, status), while its delivery number
    /// is looked up in the control plane's log.
    pub replay_wanted: Option<(String, String)>,
    /// The control plane's URL, for this project's sandbox (embedded or a local `serve`).
    pub control_url: Option<String>,
    /// refundStatus calls made for the refund in process (bounded).
    pub refund_polls: u32,
    /// Whether the lever in flight (or last sent) is a capture: only its answer's
    /// `captured_amount` is news (a refund's purchase carries the earlier capture's too).
    pub capture_sent: bool,
    /// The history row (its start time and URL: an index moves as rows arrive) whose
    /// resend waits for a second r: a call that acts (a refund, a capture, a cancel, a
    /// control-plane POST, a webhook replay) acts again when resent. Any other key
    /// disarms it.
    pub resend_armed: Option<(i64, String)>,
    /// The scenario name F10 was given that would save over an existing scenario (a
    /// shipped one, or one saved before): the same name entered again saves.
    pub save_over_armed: Option<String>,
    /// Why the last status GET of the purchase shown failed (too large, not the API's
    /// JSON, a timeout), until one succeeds: "reading…" must not hide failing reads.
    pub status_read_failed: Option<String>,
    /// Lines the result pane is scrolled down by (PgDn/PgUp; 0 again for each new
    /// outcome). Kept within the text at drawing time.
    pub result_scroll: u16,
    /// S2S calls made from here on the current purchase (each counts against its
    /// attempt limit).
    pub attempts: u32,
    /// When step ② appeared because a create was answered, until another key is
    /// pressed. A send key within [`TYPE_AHEAD`] of it, before any other key, was
    /// pressed before anyone could read the step (a Ctrl+S pressed again while the
    /// create ran): it is not taken as "pay".
    pub card_step_shown: Option<std::time::Instant>,
    /// What the last create or S2S body carried (no secrets), to explain its answer.
    pub sent: Option<crate::flow::diagnosis::SentFacts>,
    /// Insert or normal mode in the step forms (prompts are always typed into).
    pub mode: Mode,
    /// Edited JSON that did not parse: the next `$EDITOR` session reopens it, so nothing
    /// typed there is lost.
    pub edited_json: Option<String>,
    /// The zone times are shown in (the system's; tests pin one).
    pub local_time: super::local_time::LocalTime,
    /// The flow-map arrow whose history row the open exchange detail shows: Esc goes
    /// back to the map on it (a detail opened from history goes back to history).
    pub flow_map_return: Option<usize>,
    /// The language last chosen for copy as code, offered first next time (this session).
    pub code_lang: crate::codegen::Lang,
}

impl App {
    /// Whether `r` on the result screen repeats a call that failed (the S2S or create
    /// call after a transport failure, a browser step while the purchase still waits)
    /// rather than reading the status: what `update::purchase::retry` does and the
    /// footer's hint says.
    pub fn retry_repeats_a_call(&self) -> bool {
        use crate::api::PurchaseStatus;
        use crate::flow::machine::Outcome;
        match (&self.flow.outcome, self.failed_step) {
            (Some(Outcome::Transport(_) | Outcome::Coded(_)), Some(_)) => {
                self.flow.callback_url.is_some()
                    && matches!(
                        self.flow.status,
                        Some(PurchaseStatus::PendingExecute) | None
                    )
            }
            // A failed create is sent again; a failed payment only where the status GET
            // says another can pay (else r reads the status: the call may have paid).
            (Some(Outcome::Transport(_)), None) => {
                self.flow.purchase.is_none() || self.may_pay_again()
            }
            _ => false,
        }
    }

    /// The sandbox's attempt limit when its settings were read (the panel), else
    /// Paysecure's.
    pub fn attempt_limit(&self) -> u32 {
        self.panel
            .settings
            .as_ref()
            .filter(|_| self.endpoint.local)
            .and_then(|s| s.get("attempt_limit"))
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(crate::flow::diagnosis::DEFAULT_ATTEMPT_LIMIT)
    }

    /// Whether this purchase has S2S attempts left, as far as is known.
    pub fn has_attempts_left(&self) -> bool {
        !crate::flow::diagnosis::attempts_used_up(
            self.flow.purchase.as_ref(),
            self.attempts,
            self.attempt_limit(),
        )
    }

    /// Whether a payment on this purchase can still work: the status GET says CREATED or
    /// OVERDUE and attempts are left. Gates e, r's repeat and their hints alike.
    pub fn may_pay_again(&self) -> bool {
        self.flow.can_retry_same_purchase() && self.has_attempts_left() && !self.customer_blocked()
    }

    /// Whether the sandbox refuses every payment of this purchase for its customer (an
    /// email at blocked.example; only this project's sandbox has that rule).
    pub fn customer_blocked(&self) -> bool {
        self.endpoint.local
            && self
                .flow
                .purchase
                .as_ref()
                .is_some_and(crate::flow::diagnosis::customer_is_blocked)
    }

    /// Whether the server is known to be this project's sandbox: the embedded one, or a
    /// served one that published its signing key at `/_sandbox/public-key`. (A loopback
    /// address alone is not enough: any server can listen there.)
    pub fn is_this_projects_sandbox(&self) -> bool {
        self.endpoint.embedded || self.public_key_pem.is_some()
    }

    /// Clears the notice if `stale` says it no longer holds (what it announced came).
    pub fn clear_notice_where(&mut self, stale: impl Fn(&str) -> bool) {
        if self.notice.as_ref().is_some_and(|(_, text)| stale(text)) {
            self.notice = None;
        }
    }

    /// Why the panel's purchase list shows no row (`None` when it shows some), its read
    /// counted as in flight while the control plane has not answered it.
    pub fn panel_no_rows(&self) -> Option<NoRows> {
        let reading = self.requests.control_in_flight(ControlOp::ListPurchases);
        self.panel.no_rows(reading)
    }

    /// The same for the panel's delivery log.
    pub fn panel_no_deliveries(&self) -> Option<NoRows> {
        let reading = self.requests.control_in_flight(ControlOp::ListWebhooks);
        self.panel.no_deliveries(reading)
    }

    /// A fresh app at step ①, forms pre-filled so that sending them as-is works.
    pub fn new(
        endpoint: Endpoint,
        brand_id: &str,
        urls: MerchantUrls,
        theme: Theme,
        theme_names: Vec<String>,
    ) -> App {
        App {
            endpoint,
            flow: Flow::new(),
            purchase_form: step_forms::purchase_form(&default_purchase(brand_id, &urls)),
            card_form: step_forms::card_form(&seed_payment()),
            pane: Pane::Step,
            overlay: None,
            history: History::default(),
            notice: None,
            notice_by_user: false,
            requests: Requests::default(),
            timeout: crate::api::client::DEFAULT_TIMEOUT,
            spinner: 0,
            send_anyway: false,
            webhook: None,
            theme,
            theme_names,
            urls,
            show_raw: false,
            size: (120, 40),
            quit: false,
            open_failure: None,
            failed_exchange: None,
            failed_step: None,
            panel: Default::default(),
            control_url: None,
            public_key_pem: None,
            replay_wanted: None,
            attempts: 0,
            card_step_shown: None,
            refund_polls: 0,
            capture_sent: false,
            resend_armed: None,
            save_over_armed: None,
            status_read_failed: None,
            result_scroll: 0,
            sent: None,
            // A new user starts typing into the first field of the purchase form.
            mode: Mode::Insert,
            edited_json: None,
            local_time: super::local_time::LocalTime::system(),
            flow_map_return: None,
            code_lang: crate::codegen::Lang::default(),
            brand_id: brand_id.to_string(),
            export_dir: None,
            presenter: None,
            scenario_names: crate::flow::scenario::SHIPPED
                .iter()
                .map(|(n, _)| n.to_string())
                .collect(),
            saved_scenarios: Vec::new(),
        }
    }

    /// Whether the result panel is shown (step ③, or an error on any step).
    pub fn shows_result(&self) -> bool {
        self.flow.step == Step::Result || self.flow.outcome.is_some()
    }

    /// The form of the current step.
    pub fn current_form(&self) -> &Form {
        match self.flow.step {
            Step::Purchase => &self.purchase_form,
            _ => &self.card_form,
        }
    }

    /// The form of the current step, mutably.
    pub fn current_form_mut(&mut self) -> &mut Form {
        match self.flow.step {
            Step::Purchase => &mut self.purchase_form,
            _ => &mut self.card_form,
        }
    }

    /// Where the keyboard is.
    pub fn context(&self) -> Context {
        // The presenter screen covers everything while a tour runs.
        if self.presenter.is_some() {
            return Context::Presenter;
        }
        match &self.overlay {
            Some(Overlay::Help { .. }) => return Context::Help,
            Some(Overlay::Cards { .. } | Overlay::Devices { .. } | Overlay::Scenarios { .. }) => {
                return Context::Picker;
            }
            // The detail's search prompt types like any prompt.
            Some(Overlay::Detail { view, .. }) if view.search.typing => return Context::Prompt,
            Some(Overlay::Detail { .. }) => return Context::Detail,
            Some(Overlay::Panel) => return Context::Panel,
            Some(Overlay::FlowMap { .. }) => return Context::FlowMap,
            Some(Overlay::Code(_)) => return Context::Code,
            Some(
                Overlay::Otp { .. }
                | Overlay::Filter { .. }
                | Overlay::SaveScenario { .. }
                | Overlay::Input { .. },
            ) => {
                return Context::Prompt;
            }
            None => {}
        }
        if self.pane == Pane::History {
            Context::History
        } else if self.shows_result() {
            Context::Result
        } else if self.flow.step == Step::Purchase {
            Context::PurchaseForm
        } else {
            Context::CardForm
        }
    }

    /// Whether printable keys are text now (a prompt, or a form field in insert mode),
    /// not commands.
    pub fn in_text(&self) -> bool {
        match self.context() {
            Context::Prompt => true,
            // The test-card picker searches as you type.
            Context::Picker => matches!(self.overlay, Some(Overlay::Cards(_))),
            Context::PurchaseForm | Context::CardForm => self.mode == Mode::Insert,
            _ => false,
        }
    }

    /// The mode to show in the footer: only where a form field has the keyboard.
    pub fn shown_mode(&self) -> Option<Mode> {
        matches!(self.context(), Context::PurchaseForm | Context::CardForm).then_some(self.mode)
    }
}
