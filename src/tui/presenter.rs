//! Presenter mode's state: the tour views the engine sent (so ← can go back to any step
//! seen), auto-play at a pace, and the OTP the tour types visibly before the challenge
//! step runs. No I/O: keys and ticks change it and return effects.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::KeyEvent;

use super::app::{App, Effect};
use super::keys::{Action, Context, action_for, label_of};
use crate::flow::tour::engine::Phase;
use crate::flow::tour::{StepKind, Tour, TourView};

/// Views kept for going back (a tour has at most 40 stops of about ten steps).
pub const MAX_VIEWS: usize = 1000;

/// The auto-play pace when none is given.
pub const DEFAULT_PACE: Duration = Duration::from_secs(4);

/// Presenter mode: what the screen shows and where the tour stands. While the tour types
/// the OTP, one character goes in per tick of the event loop (100 ms).
#[derive(Debug, Clone, PartialEq)]
pub struct Presenter {
    /// Every view received, oldest first.
    pub views: Vec<TourView>,
    /// Index in `views` of the one on screen.
    pub shown: usize,
    pub auto: bool,
    pub pace: Duration,
    /// A step is running (or the engine is starting): no second one is asked.
    pub busy: bool,
    /// OTP characters typed so far into the shown OTP field, while the tour types it.
    pub typed: Option<usize>,
    /// Leaving the tour quits the app (`paysecure-explorer demo`).
    pub leave_quits: bool,
    /// A short line for the footer (why a key did nothing).
    pub note: Option<String>,
    /// When the shown view arrived or was moved to (auto-play waits `pace` from it).
    pub since: Instant,
}

impl Presenter {
    /// The view on screen.
    pub fn view(&self) -> Option<&TourView> {
        self.views.get(self.shown)
    }

    fn at_newest(&self) -> bool {
        self.shown + 1 >= self.views.len()
    }

    /// The summary of a finished tour is on screen: nothing is left to play, only going
    /// back or leaving works.
    pub fn at_end(&self) -> bool {
        self.at_newest() && self.view().is_some_and(|v| v.phase == Phase::Finished)
    }

    /// Whether the event loop must tick (typing, waiting for a step, auto-play).
    pub fn ticking(&self) -> bool {
        self.auto || self.busy || self.typed.is_some()
    }

    /// The OTP field's text: what the tour has typed so far, or the whole code once
    /// submitted; `None` when no challenge is near.
    pub fn otp_field(&self) -> Option<String> {
        let view = self.view()?;
        let otp = view.otp.as_deref()?;
        let current = view
            .step_number
            .checked_sub(1)
            .and_then(|i| view.steps.get(i))
            .map(|s| s.kind);
        if current == Some(StepKind::Challenge) {
            return Some(otp.to_string());
        }
        match self.typed {
            Some(n) if self.at_newest() => Some(otp.chars().take(n).collect()),
            _ => Some(String::new()),
        }
    }
}

/// Opens the presenter on `tour`: its engine starts and sends the first view.
pub fn start(
    app: &mut App,
    tour: Tour,
    auto: bool,
    pace: Duration,
    leave_quits: bool,
) -> Vec<Effect> {
    app.presenter = Some(Box::new(Presenter {
        views: Vec::new(),
        shown: 0,
        auto,
        pace,
        busy: true,
        typed: None,
        leave_quits,
        note: None,
        since: Instant::now(),
    }));
    vec![Effect::TourStart {
        tour: Box::new(tour),
        brand_id: app.brand_id.clone(),
        control_url: app.control_url.clone(),
    }]
}

/// The explorer's key: the shipped tour, stepped by hand.
pub fn start_default(app: &mut App) -> Vec<Effect> {
    match crate::flow::tour::default_tour(None) {
        Ok(tour) => start(app, tour, false, DEFAULT_PACE, false),
        Err(e) => {
            app.notice = Some((super::app::Level::Error, e));
            vec![]
        }
    }
}

/// The engine sent a view.
pub fn on_view(app: &mut App, view: TourView) {
    let Some(p) = app.presenter.as_mut() else {
        return;
    };
    // Someone looking back at an earlier step stays there; otherwise the new step shows.
    let at_newest = p.views.is_empty() || p.at_newest();
    if p.views.len() >= MAX_VIEWS {
        p.views.remove(0);
        p.shown = p.shown.saturating_sub(1);
    }
    p.views.push(view);
    if at_newest {
        p.shown = p.views.len() - 1;
    }
    p.busy = false;
    p.typed = None;
    p.note = None;
    p.since = Instant::now();
}

/// A key while the presenter is on screen: only its own keys, Ctrl+C and the theme act.
pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    match action_for(Context::Presenter, &key, false) {
        Some(Action::TourNext) => next(app),
        Some(Action::TourBack) => back(app),
        Some(Action::TourAuto) => toggle_auto(app),
        Some(Action::TourLeave) => leave(app),
        Some(Action::ForceQuit) => {
            app.quit = true;
            vec![Effect::TourEnd]
        }
        Some(Action::NextTheme) => {
            super::update::next_theme(app);
            vec![]
        }
        _ => vec![],
    }
}

fn note(app: &mut App, text: String) {
    if let Some(p) = app.presenter.as_mut() {
        p.note = Some(text);
    }
}

/// Forward: a step seen before, else the engine's next step (typing the OTP first when
/// the next step is the challenge).
pub fn next(app: &mut App) -> Vec<Effect> {
    let leave = label_of(Action::TourLeave, Context::Presenter);
    let Some(p) = app.presenter.as_mut() else {
        return vec![];
    };
    if !p.at_newest() {
        p.shown += 1;
        p.since = Instant::now();
        p.note = None;
        return vec![];
    }
    if p.busy || p.typed.is_some() {
        p.note = Some("The step is running…".into());
        return vec![];
    }
    let Some(view) = p.view() else {
        return vec![];
    };
    if view.phase == Phase::Finished {
        p.auto = false;
        p.note = Some(format!("The tour is over: {leave} leaves."));
        return vec![];
    }
    if view.next == Some(StepKind::Challenge) && view.otp.is_some() {
        p.typed = Some(0);
        p.note = None;
        return vec![];
    }
    p.busy = true;
    p.note = None;
    vec![Effect::TourAdvance]
}

fn back(app: &mut App) -> Vec<Effect> {
    let next_key = label_of(Action::TourNext, Context::Presenter);
    let Some(p) = app.presenter.as_mut() else {
        return vec![];
    };
    if p.shown == 0 {
        note(app, format!("This is the first step ({next_key} goes on)."));
        return vec![];
    }
    p.shown -= 1;
    // Going back stops typing; the challenge is typed again when it comes.
    p.typed = None;
    p.auto = false;
    p.note = None;
    p.since = Instant::now();
    vec![]
}

fn toggle_auto(app: &mut App) -> Vec<Effect> {
    let leave = label_of(Action::TourLeave, Context::Presenter);
    let Some(p) = app.presenter.as_mut() else {
        return vec![];
    };
    if p.at_end() {
        // Turning auto-play on here would promise steps that never come.
        p.auto = false;
        p.note = Some(format!("The tour is over: {leave} leaves."));
        return vec![];
    }
    p.auto = !p.auto;
    p.since = Instant::now();
    p.note = Some(if p.auto {
        format!("Auto-play: a step every {}.", pace_text(p.pace))
    } else {
        "Auto-play off.".into()
    });
    vec![]
}

/// The pace as written on screen (`0.2 s`, `4 s`).
pub fn pace_text(pace: Duration) -> String {
    let secs = pace.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs:.1} s")
    }
}

fn leave(app: &mut App) -> Vec<Effect> {
    let quits = app.presenter.as_ref().is_some_and(|p| p.leave_quits);
    app.presenter = None;
    if quits {
        app.quit = true;
    }
    vec![Effect::TourEnd]
}

/// A tick of the event loop: types the next OTP character (and submits the challenge once
/// all are typed), or moves on by itself in auto-play.
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let Some(p) = app.presenter.as_mut() else {
        return vec![];
    };
    if let Some(n) = p.typed {
        let len = p
            .view()
            .and_then(|v| v.otp.as_ref())
            .map_or(0, |o| o.chars().count());
        if n < len {
            p.typed = Some(n + 1);
            return vec![];
        }
        if !p.busy {
            p.busy = true;
            return vec![Effect::TourAdvance];
        }
        return vec![];
    }
    if p.at_end() {
        // The summary stays on screen; auto-play has nothing left to play.
        p.auto = false;
        return vec![];
    }
    if p.auto && !p.busy && p.since.elapsed() >= p.pace {
        return next(app);
    }
    vec![]
}
