//! Runs a tour against the target one step per call of [`TourEngine::advance`], and says
//! what to show through [`TourEngine::view`]: the stop, the step list, the narration and
//! the status the server last returned (never one it did not return).

use std::sync::Arc;

use super::format::{Extra, Stop, Tour};
use super::run_step::{self, StepOutcome};
use super::step::{StepKind, StepState};
use crate::api::PaysecureClient;
use crate::flow::browser::BrowserResult;
use crate::flow::machine::Flow;
use crate::flow::presets::MerchantUrls;

/// What the engine talks to.
#[derive(Clone)]
pub struct TourTarget {
    pub client: Arc<PaysecureClient>,
    pub urls: MerchantUrls,
    pub brand_id: String,
    /// This project's sandbox control plane (`…/_sandbox`), where webhooks can be seen
    /// and a payment in process settled; `None` for a real Paysecure endpoint.
    pub control_url: Option<String>,
    /// Load the merchant landing page after the redirect (a reachable stub).
    pub fetch_landing: bool,
}

/// How a finished stop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopResult {
    pub title: String,
    pub scenario: String,
    /// Lower case.
    pub expect: String,
    /// The last status the server returned, lower case.
    pub reached: Option<String>,
}

impl StopResult {
    /// Whether the stop reached the status the tour expects.
    pub fn ok(&self) -> bool {
        self.reached.as_deref() == Some(self.expect.as_str())
    }
}

/// Where the tour is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A stop's title and intro, before its first step.
    Intro,
    /// A step has run; its narration and result are shown.
    Step,
    /// Every stop is done: the summary.
    Finished,
}

/// One row of the step list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLine {
    pub kind: StepKind,
    pub state: StepState,
    /// What the server answered at this step, in a few words (`202 pending`, `302`,
    /// `PAID`); `None` before it ran or when nothing was answered.
    pub note: Option<String>,
}

/// Everything the presenter screen shows, as plain data (cloned into the UI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TourView {
    pub tour_title: String,
    pub phase: Phase,
    /// 0-based.
    pub stop_index: usize,
    pub stop_count: usize,
    pub stop_title: String,
    pub scenario: String,
    /// Lower case.
    pub expect: String,
    /// 1-based position in `steps` of the step shown (0 in the intro).
    pub step_number: usize,
    pub steps: Vec<StepLine>,
    pub narration: String,
    /// The status the server last returned (as it wrote it).
    pub status: Option<String>,
    /// The server's reason: the purchase's `errorMsg`, or a coded error's message.
    pub reason: Option<String>,
    /// What the step just did, in a line or two (request, answer).
    pub facts: Vec<String>,
    /// The OTP the tour types at the challenge step (shown while it is next or current).
    pub otp: Option<String>,
    /// The step the next advance runs.
    pub next: Option<StepKind>,
    /// What the callback answered: a 302 at once (`true`, frictionless) or the issuer's
    /// challenge page (`false`); `None` before it ran or when it did not.
    pub frictionless: Option<bool>,
    pub purchase_id: Option<String>,
    /// Finished stops.
    pub results: Vec<StopResult>,
}

/// A stop in progress.
pub(super) struct StopRun {
    pub plan: Vec<StepKind>,
    pub states: Vec<StepState>,
    /// What the server answered at each step of `plan` (see [`StepLine::note`]).
    pub notes: Vec<Option<String>>,
    /// The answer of the step running, moved into `notes` when it ends.
    pub note: Option<String>,
    /// Index in `plan` of the step shown; `None` in the intro.
    pub pos: Option<usize>,
    pub flow: Flow,
    pub status: Option<String>,
    pub reason: Option<String>,
    pub facts: Vec<String>,
    pub form_url: Option<String>,
    pub browser: Option<BrowserResult>,
    /// What the callback answered (see [`TourView::frictionless`]).
    pub frictionless: Option<bool>,
    /// The webhook seen for the purchase: status, signature, verdict of the merchant stub.
    pub webhook: Option<run_step::SeenWebhook>,
}

impl StopRun {
    fn new(stop: Option<&Stop>) -> StopRun {
        let plan = stop.map(plan_for).unwrap_or_default();
        StopRun {
            states: vec![StepState::Pending; plan.len()],
            notes: vec![None; plan.len()],
            note: None,
            plan,
            pos: None,
            flow: Flow::new(),
            status: None,
            reason: None,
            facts: Vec::new(),
            form_url: None,
            browser: None,
            frictionless: None,
            webhook: None,
        }
    }

    /// Marks every pending step of these kinds skipped.
    pub fn skip(&mut self, kinds: &[StepKind]) {
        for (kind, state) in self.plan.iter().zip(self.states.iter_mut()) {
            if kinds.contains(kind) && *state == StepState::Pending {
                *state = StepState::Skipped;
            }
        }
    }

    /// Marks every step still pending skipped (nothing after can run).
    pub fn skip_rest(&mut self) {
        for state in &mut self.states {
            if *state == StepState::Pending {
                *state = StepState::Skipped;
            }
        }
    }

    fn next_pending(&self) -> Option<usize> {
        let from = self.pos.map_or(0, |p| p + 1);
        (from..self.plan.len()).find(|i| self.states[*i] == StepState::Pending)
    }
}

/// The steps a stop takes: the payment, then what its `then` adds.
pub fn plan_for(stop: &Stop) -> Vec<StepKind> {
    use StepKind::*;
    let payment = [Create, S2s, Callback, Challenge, Redirect];
    let tail: &[StepKind] = match stop.then {
        None => &[Webhook, Status],
        Some(Extra::Refund) => &[Status, Refund],
        Some(Extra::Settle) => &[Status, Settle, Webhook],
        Some(Extra::VerifyWebhook) => &[Webhook, Status, Verify],
    };
    payment.iter().chain(tail).copied().collect()
}

/// The tour engine.
pub struct TourEngine {
    tour: Tour,
    target: TourTarget,
    stop: usize,
    run: StopRun,
    results: Vec<StopResult>,
    finished: bool,
}

impl TourEngine {
    /// A tour at its first stop's intro (a tour of no stops is finished at once: the
    /// parser never makes one, but the type allows it).
    pub fn new(tour: Tour, target: TourTarget) -> TourEngine {
        let run = StopRun::new(tour.stops.first());
        let finished = tour.stops.is_empty();
        TourEngine {
            tour,
            target,
            stop: 0,
            run,
            results: Vec::new(),
            finished,
        }
    }

    /// Whether the summary is reached.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Stop results so far.
    pub fn results(&self) -> &[StopResult] {
        &self.results
    }

    fn current_stop(&self) -> Option<&Stop> {
        self.tour.stops.get(self.stop)
    }

    /// Runs the next step (or moves to the next stop, or to the summary).
    pub async fn advance(&mut self) {
        let Some(stop) = self.current_stop().cloned() else {
            self.finished = true;
            return;
        };
        if self.finished {
            return;
        }
        match self.run.next_pending() {
            Some(i) => {
                self.run.pos = Some(i);
                self.run.states[i] = StepState::Current;
                let kind = self.run.plan[i];
                let outcome = run_step::run(kind, &stop, &self.target, &mut self.run).await;
                self.run.notes[i] = self.run.note.take();
                self.run.states[i] = match outcome {
                    StepOutcome::Done => StepState::Done,
                    StepOutcome::Failed => StepState::Failed,
                    StepOutcome::Skipped => StepState::Skipped,
                };
            }
            None => self.next_stop(),
        }
    }

    fn next_stop(&mut self) {
        if let Some(stop) = self.current_stop() {
            let result = StopResult {
                title: stop.title.clone(),
                scenario: stop.scenario_name.clone(),
                expect: stop.expect.clone(),
                reached: self.run.status.as_ref().map(|s| s.to_ascii_lowercase()),
            };
            self.results.push(result);
        }
        if self.stop + 1 < self.tour.stops.len() {
            self.stop += 1;
            self.run = StopRun::new(self.tour.stops.get(self.stop));
        } else {
            self.finished = true;
        }
    }

    /// What to show now.
    pub fn view(&self) -> TourView {
        let empty = Stop {
            scenario_name: String::new(),
            scenario: Default::default(),
            title: String::new(),
            intro: String::new(),
            expect: String::new(),
            then: None,
            narration: Default::default(),
        };
        let stop = self.current_stop().unwrap_or(&empty);
        let run = &self.run;
        let phase = if self.finished {
            Phase::Finished
        } else if run.pos.is_some() {
            Phase::Step
        } else {
            Phase::Intro
        };
        let narration = match (phase, run.pos) {
            (Phase::Finished, _) => format!(
                "{} of {} stops reached the status they expected.",
                self.results.iter().filter(|r| r.ok()).count(),
                self.results.len()
            ),
            (_, Some(i)) => stop.narration_for(run.plan[i]).to_string(),
            (_, None) if self.stop == 0 && !self.tour.intro.is_empty() => {
                format!("{} {}", self.tour.intro, stop.intro)
                    .trim()
                    .to_string()
            }
            (_, None) => stop.intro.clone(),
        };
        let next = if self.finished {
            None
        } else {
            run.next_pending().map(|i| run.plan[i])
        };
        let shows_otp = matches!(next, Some(StepKind::Challenge))
            || run.pos.map(|i| run.plan[i]) == Some(StepKind::Challenge);
        TourView {
            tour_title: self.tour.title.clone(),
            phase,
            stop_index: self.stop,
            stop_count: self.tour.stops.len(),
            stop_title: stop.title.clone(),
            scenario: stop.scenario_name.clone(),
            expect: stop.expect.clone(),
            step_number: run.pos.map_or(0, |p| p + 1),
            steps: run
                .plan
                .iter()
                .zip(&run.states)
                .zip(&run.notes)
                .map(|((kind, state), note)| StepLine {
                    kind: *kind,
                    state: *state,
                    note: note.clone(),
                })
                .collect(),
            narration,
            status: run.status.clone(),
            reason: run.reason.clone(),
            facts: run.facts.clone(),
            otp: if shows_otp {
                stop.scenario.otp.clone()
            } else {
                None
            },
            next,
            frictionless: run.frictionless,
            purchase_id: run.flow.purchase_id().map(str::to_string),
            results: self.results.clone(),
        }
    }
}
