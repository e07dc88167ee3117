//! A tour stop drawn on the flow map: the engine's step outcomes (what the server answered
//! at each step) turned into the [`FlowProgress`] the explorer's map draws, in the same
//! step vocabulary and states. Steps the map has no arrow for (refund, settle, verify)
//! are the stop's extras, listed beside it. Each arrow carries what the server answered
//! at its step (`202 pending`, `302`, `PAID`), as the explorer's map carries its row's.

use super::engine::{StepLine, TourView};
use super::step::{StepKind, StepState};
use crate::flow::progress::{self, FlowProgress, FlowStep};

/// The map's arrow for a tour step; `None` for steps that are not part of the card flow.
pub fn arrow_of(kind: StepKind) -> Option<progress::StepKind> {
    use progress::StepKind as P;
    match kind {
        StepKind::Create => Some(P::Create),
        StepKind::S2s => Some(P::S2s),
        StepKind::Callback => Some(P::BrowserOpens),
        StepKind::Challenge => Some(P::Challenge),
        StepKind::Redirect => Some(P::Redirect),
        StepKind::Webhook => Some(P::Webhook),
        StepKind::Status => Some(P::StatusGet),
        StepKind::Refund | StepKind::Settle | StepKind::Verify => None,
    }
}

/// What the server answered at a tour step.
fn note_in(view: &TourView, kind: StepKind) -> Option<String> {
    view.steps.iter().find(|l| l.kind == kind)?.note.clone()
}

/// The state of a tour step, with the step the tour runs next drawn as current.
fn state_in(view: &TourView, kind: StepKind) -> Option<StepState> {
    let line = view.steps.iter().find(|l| l.kind == kind)?;
    Some(
        if view.next == Some(kind) && line.state == StepState::Pending {
            StepState::Current
        } else {
            line.state
        },
    )
}

/// The stop so far on the flow map. Arrows the stop does not walk (the webhook in a
/// refund stop) stay pending with a note saying so; the two arrows the tour does not
/// run as steps of their own are read from the steps around them: the 202 with its
/// callback_url from the S2S call, the frictionless 302 from what the callback answered.
pub fn progress(view: &TourView) -> FlowProgress {
    use progress::StepKind as P;
    let s2s = state_in(view, StepKind::S2s);
    let callback = state_in(view, StepKind::Callback);
    let steps = P::ALL
        .iter()
        .map(|&kind| {
            let (state, note) = match kind {
                P::CallbackUrl => (callback_url_state(s2s, callback), None),
                P::Frictionless => (
                    frictionless_state(view.frictionless, callback),
                    note_in(view, StepKind::Callback).filter(|_| view.frictionless == Some(true)),
                ),
                P::Challenge if view.frictionless == Some(true) => (StepState::Skipped, None),
                _ => {
                    let tour_step = StepKind::ALL
                        .into_iter()
                        .find(|k| arrow_of(*k) == Some(kind));
                    match tour_step.and_then(|k| state_in(view, k)) {
                        Some(state) => (state, tour_step.and_then(|k| note_in(view, k))),
                        None => (StepState::Pending, Some("not watched here".to_string())),
                    }
                }
            };
            FlowStep {
                kind,
                state,
                row: None,
                hidden: false,
                note,
            }
        })
        .collect();
    FlowProgress {
        purchase_id: view.purchase_id.clone(),
        steps,
    }
}

/// The 202 + callback_url arrow: the S2S call's answer when it asked for the browser.
fn callback_url_state(s2s: Option<StepState>, callback: Option<StepState>) -> StepState {
    match s2s {
        Some(StepState::Done) if callback == Some(StepState::Skipped) => StepState::Skipped,
        Some(StepState::Done) => StepState::Done,
        Some(StepState::Failed | StepState::Skipped) => StepState::Skipped,
        _ => StepState::Pending,
    }
}

/// The frictionless 302: taken when the callback redirected at once.
fn frictionless_state(frictionless: Option<bool>, callback: Option<StepState>) -> StepState {
    match (frictionless, callback) {
        (Some(true), Some(state)) => state,
        (Some(false), _) => StepState::Skipped,
        (_, Some(StepState::Skipped | StepState::Failed)) => StepState::Skipped,
        _ => StepState::Pending,
    }
}

/// The map's row of the step on screen, to highlight.
pub fn shown_arrow(view: &TourView) -> Option<usize> {
    let kind = view.steps.get(view.step_number.checked_sub(1)?)?.kind;
    let arrow = arrow_of(kind)?;
    progress::StepKind::ALL.iter().position(|k| *k == arrow)
}

/// The stop's steps that have no arrow on the map, each with whether it is on screen.
pub fn extras(view: &TourView) -> Vec<(StepLine, bool)> {
    view.steps
        .iter()
        .enumerate()
        .filter(|(_, l)| arrow_of(l.kind).is_none())
        .map(|(i, l)| {
            let state = state_in(view, l.kind).unwrap_or(l.state);
            (
                StepLine {
                    kind: l.kind,
                    state,
                    note: l.note.clone(),
                },
                view.step_number == i + 1,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::tour::engine::Phase;
    use StepState::*;

    fn view(plan: &[(StepKind, StepState)], shown: usize, frictionless: Option<bool>) -> TourView {
        let steps: Vec<StepLine> = plan
            .iter()
            .map(|(kind, state)| StepLine {
                kind: *kind,
                state: *state,
                note: None,
            })
            .collect();
        let next = steps
            .iter()
            .skip(shown)
            .find(|l| l.state == Pending)
            .map(|l| l.kind);
        TourView {
            tour_title: String::new(),
            phase: Phase::Step,
            stop_index: 0,
            stop_count: 1,
            stop_title: String::new(),
            scenario: String::new(),
            expect: "paid".into(),
            step_number: shown,
            steps,
            narration: String::new(),
            status: None,
            reason: None,
            facts: vec![],
            otp: None,
            next,
            frictionless,
            purchase_id: Some("p".into()),
            results: vec![],
        }
    }

    fn states(p: &FlowProgress) -> Vec<StepState> {
        p.steps.iter().map(|s| s.state).collect()
    }

    use StepKind as K;

    #[test]
    fn a_frictionless_stop_skips_the_challenge_and_waits_for_the_webhook() {
        let v = view(
            &[
                (K::Create, Done),
                (K::S2s, Done),
                (K::Callback, Done),
                (K::Challenge, Skipped),
                (K::Redirect, Done),
                (K::Webhook, Pending),
                (K::Status, Pending),
            ],
            5,
            Some(true),
        );
        let p = progress(&v);
        assert_eq!(
            states(&p),
            [
                Done, Done, Done, Done, Done, Skipped, Done, Current, Pending
            ]
        );
        assert_eq!(shown_arrow(&v), Some(6), "the redirect is on screen");
    }

    #[test]
    fn each_arrow_carries_what_the_server_answered_at_its_step() {
        let mut v = view(
            &[
                (K::Create, Done),
                (K::S2s, Done),
                (K::Callback, Done),
                (K::Challenge, Skipped),
            ],
            3,
            Some(true),
        );
        for (line, note) in v.steps.iter_mut().zip(["CREATED", "202 pending", "302"]) {
            line.note = Some(note.into());
        }
        let p = progress(&v);
        let notes: Vec<Option<&str>> = p.steps.iter().map(|s| s.note.as_deref()).collect();
        assert_eq!(
            notes[..6],
            [
                Some("CREATED"),
                Some("202 pending"),
                None,
                Some("302"),
                Some("302"),
                None
            ]
        );
    }

    #[test]
    fn a_refused_card_fails_the_s2s_and_skips_the_browser() {
        let v = view(
            &[
                (K::Create, Done),
                (K::S2s, Failed),
                (K::Callback, Skipped),
                (K::Challenge, Skipped),
                (K::Redirect, Skipped),
                (K::Webhook, Skipped),
                (K::Status, Pending),
            ],
            2,
            None,
        );
        assert_eq!(
            states(&progress(&v)),
            [
                Done, Failed, Skipped, Skipped, Skipped, Skipped, Skipped, Skipped, Current
            ]
        );
    }

    #[test]
    fn a_challenge_page_skips_the_frictionless_arrow() {
        let v = view(
            &[
                (K::Create, Done),
                (K::S2s, Done),
                (K::Callback, Done),
                (K::Challenge, Pending),
                (K::Redirect, Pending),
                (K::Status, Pending),
                (K::Refund, Pending),
            ],
            3,
            Some(false),
        );
        let p = progress(&v);
        assert_eq!(
            states(&p),
            [
                Done, Done, Done, Done, Skipped, Current, Pending, Pending, Pending
            ]
        );
        assert_eq!(p.steps[7].note.as_deref(), Some("not watched here"));
        let extras = extras(&v);
        assert_eq!(extras.len(), 1);
        assert_eq!((extras[0].0.kind, extras[0].0.state), (K::Refund, Pending));
    }

    #[test]
    fn the_intro_has_the_create_current_and_no_arrow_on_screen() {
        let v = view(
            &[
                (K::Create, Pending),
                (K::S2s, Pending),
                (K::Verify, Pending),
            ],
            0,
            None,
        );
        let p = progress(&v);
        assert_eq!(p.steps[0].state, Current);
        assert_eq!(shown_arrow(&v), None);
        assert!(!extras(&v)[0].1);
    }

    #[test]
    fn the_verify_step_on_screen_is_an_extra_not_an_arrow() {
        let v = view(
            &[(K::Create, Done), (K::Webhook, Done), (K::Verify, Failed)],
            3,
            Some(true),
        );
        assert_eq!(shown_arrow(&v), None);
        let extras = extras(&v);
        assert_eq!((extras[0].0.state, extras[0].1), (Failed, true));
    }
}
