//! The engine against the embedded sandbox: every stop of the shipped tour ends in the
//! status it expects, each step in the state its path gives it.

use std::sync::Arc;
use std::time::Duration;

use super::engine::{Phase, TourEngine, TourTarget};
use super::format::default_tour;
use super::map;
use super::step::{StepKind, StepState};
use crate::api::{ClientConfig, PaysecureClient};
use crate::flow::progress::StepKind as Arrow;
use crate::flow::target::Target;

async fn tour_target() -> (TourTarget, Target) {
    let target = Target::embedded().await.expect("sandbox");
    let client = PaysecureClient::new(ClientConfig {
        base_url: target.base_url.clone(),
        api_key: target.api_key.clone(),
        timeout: Duration::from_secs(20),
        max_body_bytes: 1 << 20,
    })
    .expect("client");
    let tour_target = TourTarget {
        client: Arc::new(client),
        urls: target.default_urls(),
        brand_id: target.brand_id.clone(),
        control_url: target.control_url(),
        fetch_landing: true,
    };
    (tour_target, target)
}

async fn engine() -> (TourEngine, Target) {
    let (tour_target, target) = tour_target().await;
    let tour = default_tour(None).expect("tour");
    (TourEngine::new(tour, tour_target), target)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_default_stop_reaches_its_expected_status() {
    let (mut engine, target) = engine().await;
    let first = engine.view();
    assert_eq!(first.phase, Phase::Intro);
    assert_eq!(first.next, Some(StepKind::Create));
    assert_eq!(first.status, None, "no status before the server gave one");
    let mut saw_otp_before_challenge = false;
    let mut checked_locally = false;
    let mut steps = 0;
    while !engine.finished() {
        let before = engine.view();
        if before.next == Some(StepKind::Challenge) && before.otp.as_deref() == Some("123456") {
            saw_otp_before_challenge = true;
        }
        engine.advance().await;
        steps += 1;
        assert!(steps < 200, "the tour ends");
        let view = engine.view();
        if view.phase == Phase::Step {
            let shown = &view.steps[view.step_number - 1];
            assert_ne!(shown.state, StepState::Current, "{view:?}");
            assert_ne!(shown.state, StepState::Pending, "{view:?}");
            assert!(!view.narration.is_empty());
            // The map says what the step list says about the step on screen.
            if let Some(i) = map::shown_arrow(&view) {
                assert_eq!(map::progress(&view).steps[i].state, shown.state, "{view:?}");
            }
            if shown.kind == StepKind::Verify {
                let facts = view.facts.join("\n");
                assert_eq!(shown.state, StepState::Done, "{facts}");
                assert!(
                    facts.contains("checked here with the published key: ✓ valid")
                        && facts.contains("the merchant stub said: ✓ valid")
                        && facts.contains("same signature: ✗ invalid"),
                    "{facts}"
                );
                checked_locally = true;
            }
        }
    }
    let results = engine.results().to_vec();
    assert_eq!(results.len(), 8);
    for r in &results {
        assert!(
            r.ok(),
            "{} expected {} reached {:?}",
            r.title,
            r.expect,
            r.reached
        );
    }
    assert!(
        saw_otp_before_challenge,
        "the OTP is known before it is typed"
    );
    assert!(
        checked_locally,
        "the webhook stop checks the signature here"
    );
    let end = engine.view();
    assert_eq!(end.phase, Phase::Finished);
    assert!(end.narration.starts_with("8 of 8"), "{}", end.narration);
    if let Some(s) = &target.sandbox {
        s.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paths_mark_their_steps() {
    let (mut engine, target) = engine().await;
    // Stop 1, happy 3-D Secure: every payment step runs, the challenge included.
    let mut guard = 0;
    while engine.view().stop_index == 0 && !engine.finished() && guard < 20 {
        engine.advance().await;
        guard += 1;
        let v = engine.view();
        if v.stop_index == 0 && v.step_number == v.steps.len() {
            assert!(
                v.steps.iter().all(|s| s.state == StepState::Done),
                "{:?}",
                v.steps
            );
            assert_eq!(
                v.status.as_deref().map(str::to_ascii_uppercase).as_deref(),
                Some("PAID")
            );
            let on_map = map::progress(&v);
            assert_eq!(on_map.state_of(Arrow::Frictionless), StepState::Skipped);
            assert_eq!(on_map.state_of(Arrow::Challenge), StepState::Done);
            assert_eq!(on_map.state_of(Arrow::CallbackUrl), StepState::Done);
        }
    }
    // Stop 2, frictionless: the challenge is skipped.
    while engine.view().stop_index == 1 && !engine.finished() {
        engine.advance().await;
        let v = engine.view();
        if v.stop_index == 1 && v.step_number > 3 {
            let challenge = v
                .steps
                .iter()
                .find(|s| s.kind == StepKind::Challenge)
                .expect("listed");
            assert_eq!(challenge.state, StepState::Skipped);
            // On the map: the 302 at once, no challenge.
            let on_map = map::progress(&v);
            assert_eq!(on_map.state_of(Arrow::Frictionless), StepState::Done);
            assert_eq!(on_map.state_of(Arrow::Challenge), StepState::Skipped);
            // The callback's own answer, as the server gave it.
            let frictionless = on_map.steps.iter().find(|s| s.kind == Arrow::Frictionless);
            assert_eq!(frictionless.and_then(|s| s.note.as_deref()), Some("302"));
        }
    }
    // Stops 3 and 4 reach ERROR with the server's reason; stop 5's S2S call fails.
    let mut reasons = Vec::new();
    while engine.view().stop_index < 5 && !engine.finished() {
        engine.advance().await;
        let v = engine.view();
        if v.stop_index == 4
            && v.steps
                .iter()
                .any(|s| s.kind == StepKind::S2s && s.state == StepState::Failed)
        {
            reasons.push(v.reason.clone().unwrap_or_default());
            assert!(
                v.steps
                    .iter()
                    .filter(|s| matches!(s.kind, StepKind::Callback | StepKind::Redirect))
                    .all(|s| s.state == StepState::Skipped)
            );
        }
        if v.stop_index < 4 && v.step_number == v.steps.len() {
            reasons.push(v.reason.clone().unwrap_or_default());
        }
    }
    assert!(
        reasons.iter().any(|r| r.contains("do not honer")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("Insufficient fund")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("Card is Blocked")),
        "{reasons:?}"
    );
    if let Some(s) = &target.sandbox {
        s.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tour_of_no_stops_is_finished_without_a_panic() {
    let (target_of, target) = tour_target().await;
    let empty = super::format::Tour {
        title: "none".into(),
        intro: String::new(),
        stops: vec![],
    };
    let mut engine = TourEngine::new(empty, target_of);
    assert!(engine.finished());
    engine.advance().await;
    let view = engine.view();
    assert_eq!(view.phase, Phase::Finished);
    assert!(view.steps.is_empty() && view.results.is_empty());
    if let Some(s) = &target.sandbox {
        s.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_s2s_answers_its_status_step_at_once_with_what_the_server_says() {
    let (tour_target, target) = tour_target().await;
    let text = "title = \"T\"\n\n[[stop]]\nscenario = \"blocked-card\"\ntitle = \"Blocked\"\nexpect = \"created\"\n";
    let tour = super::format::parse(text, "t.toml", None).expect("tour");
    let mut engine = TourEngine::new(tour, tour_target);
    let started = std::time::Instant::now();
    let mut steps = 0;
    while !engine.finished() {
        engine.advance().await;
        steps += 1;
        assert!(steps < 50, "the tour ends");
    }
    // The status poll used to wait out its whole schedule (~8 s) for a final status that
    // a purchase whose S2S was refused never reaches.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    let results = engine.results().to_vec();
    assert_eq!(results.len(), 1);
    assert!(results[0].ok(), "{:?}", results[0].reached);
    if let Some(s) = &target.sandbox {
        s.shutdown().await;
    }
}
