//! Presenter mode's keys and ticks: going back and forth over seen steps, the OTP typed
//! one character a tick before the challenge runs, auto-play, leaving.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{Effect, Msg};
use super::fixture;
use super::keys::Context;
use super::update::update;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn f12_opens_the_shipped_tour_and_leaving_returns_to_the_explorer() {
    let mut app = fixture::app(120, 40);
    let effects = update(&mut app, key(KeyCode::F(12)));
    assert!(
        matches!(effects.as_slice(), [Effect::TourStart { tour, .. }] if tour.stops.len() == 8),
        "{effects:?}"
    );
    assert_eq!(app.context(), Context::Presenter);
    assert!(super::fixture::screen(&app).contains("Starting the tour"));
    let effects = update(&mut app, key(KeyCode::Char('q')));
    assert_eq!(effects, vec![Effect::TourEnd]);
    assert!(app.presenter.is_none() && !app.quit);
    assert_eq!(app.context(), Context::PurchaseForm);
}

#[test]
fn back_and_forward_replay_seen_steps_without_running_them() {
    let mut app = fixture::presenter(120, 40);
    assert!(update(&mut app, key(KeyCode::Left)).is_empty());
    let shown = |app: &super::app::App| app.presenter.as_ref().map(|p| p.shown);
    assert_eq!(shown(&app), Some(1));
    assert!(super::fixture::screen(&app).contains("step 3/7"));
    update(&mut app, key(KeyCode::Left));
    update(&mut app, key(KeyCode::Left));
    assert_eq!(shown(&app), Some(0), "stays at the first");
    assert!(super::fixture::screen(&app).contains("This is the first step (Space goes on)"));
    assert!(update(&mut app, key(KeyCode::Right)).is_empty());
    assert!(update(&mut app, key(KeyCode::Char(' '))).is_empty());
    assert_eq!(shown(&app), Some(2));
    // At the newest view the next key runs the engine's next step.
    assert_eq!(
        update(&mut app, key(KeyCode::Right)),
        vec![Effect::TourAdvance]
    );
    assert!(
        update(&mut app, key(KeyCode::Right)).is_empty(),
        "no second step while one runs"
    );
}

#[test]
fn the_otp_is_typed_a_character_a_tick_before_the_challenge_is_sent() {
    let mut app = fixture::presenter(120, 40);
    // Make the challenge view (OTP next) the newest.
    if let Some(p) = app.presenter.as_mut() {
        p.views.truncate(2);
        p.shown = 1;
    }
    assert!(
        update(&mut app, key(KeyCode::Char(' '))).is_empty(),
        "typing starts"
    );
    assert!(super::fixture::screen(&app).contains("OTP  [ _ _ _ _ _ _ ]"));
    for typed in ["1 _ _ _ _ _", "1 2 _ _ _ _", "1 2 3 _ _ _"] {
        assert!(update(&mut app, Msg::Tick).is_empty());
        assert!(super::fixture::screen(&app).contains(typed), "{typed}");
    }
    for _ in 0..3 {
        update(&mut app, Msg::Tick);
    }
    assert!(super::fixture::screen(&app).contains("OTP  [ 1 2 3 4 5 6 ]"));
    assert_eq!(update(&mut app, Msg::Tick), vec![Effect::TourAdvance]);
    assert!(update(&mut app, Msg::Tick).is_empty(), "submitted once");
}

#[test]
fn auto_play_moves_on_at_its_pace_and_a_toggles_it() {
    let mut app = fixture::presenter(120, 40);
    if let Some(p) = app.presenter.as_mut() {
        p.pace = Duration::ZERO;
    }
    assert!(update(&mut app, Msg::Tick).is_empty(), "off: nothing moves");
    update(&mut app, key(KeyCode::Char('a')));
    assert!(super::fixture::screen(&app).contains("Auto-play: a step every 0 s."));
    assert!(super::fixture::screen(&app).contains("auto 0 s"));
    assert_eq!(update(&mut app, Msg::Tick), vec![Effect::TourAdvance]);
    update(&mut app, key(KeyCode::Char('a')));
    assert!(!app.presenter.as_ref().is_some_and(|p| p.auto));
}

#[test]
fn the_screen_shows_the_servers_status_progress_and_the_flow_map_at_both_sizes() {
    for (w, h) in [(120, 40), (80, 24)] {
        let app = fixture::presenter(w, h);
        let s = super::fixture::screen(&app);
        assert!(s.contains("E R R O R"), "{s}");
        assert!(s.contains("Insufficient fund"), "{s}");
        assert!(s.contains("stop 4/8 · step 7/7"), "{s}");
        assert!(s.contains("Flow map · insufficient-funds"), "{s}");
        // The step on screen is highlighted on its arrow; the challenge this card met
        // is done and the frictionless path skipped.
        assert!(s.contains("▸✓ 9 status GET"), "{s}");
        assert!(s.contains("▸ ✓ done: status GET"), "{s}");
        assert!(s.contains("✓ 6 3DS challenge"), "{s}");
        assert!(s.contains("– 5 frictionless"), "{s}");
        assert!(s.contains("Space/→ next"), "{s}");
    }
}

#[test]
fn steps_without_an_arrow_are_listed_under_the_map_and_the_next_one_is_current() {
    use crate::flow::tour::StepKind;
    use crate::flow::tour::engine::StepLine;
    for (w, h) in [(120, 40), (80, 24)] {
        let mut app = fixture::presenter(w, h);
        if let Some(view) = app.presenter.as_mut().and_then(|p| p.views.get_mut(2)) {
            view.steps.push(StepLine {
                kind: StepKind::Verify,
                state: crate::flow::tour::StepState::Pending,
                note: None,
            });
            view.next = Some(StepKind::Verify);
        }
        let s = super::fixture::screen(&app);
        assert!(s.contains("also in this stop:"), "{s}");
        assert!(s.contains("▶ verify signature"), "{s}");
    }
}

#[test]
fn a_view_ends_the_running_step_and_leaving_demo_quits() {
    let mut app = fixture::presenter(80, 24);
    update(&mut app, key(KeyCode::Char(' ')));
    let view = app
        .presenter
        .as_ref()
        .and_then(|p| p.view().cloned())
        .expect("view");
    update(&mut app, Msg::Tour(Box::new(view)));
    let p = app.presenter.as_ref().expect("presenter");
    assert!(!p.busy && p.views.len() == 4 && p.shown == 3);
    if let Some(p) = app.presenter.as_mut() {
        p.leave_quits = true;
    }
    assert_eq!(update(&mut app, key(KeyCode::Esc)), vec![Effect::TourEnd]);
    assert!(app.quit);
}

#[test]
fn a_step_that_ends_while_looking_back_does_not_pull_the_screen_forward() {
    let mut app = fixture::presenter(120, 40);
    assert_eq!(
        update(&mut app, key(KeyCode::Right)),
        vec![Effect::TourAdvance]
    );
    update(&mut app, key(KeyCode::Left));
    let view = app
        .presenter
        .as_ref()
        .and_then(|p| p.views.last().cloned())
        .expect("view");
    update(&mut app, Msg::Tour(Box::new(view)));
    let p = app.presenter.as_ref().expect("presenter");
    assert_eq!((p.shown, p.views.len(), p.busy), (1, 4, false));
}

#[test]
fn the_presenter_and_its_map_draw_at_any_size_without_a_panic() {
    // Straight to the presenter view (below the app's minimum size the app shows its
    // notice instead): the map region and the narration share whatever width there is.
    for (w, h) in [
        (1u16, 1u16),
        (20, 5),
        (40, 12),
        (60, 20),
        (79, 23),
        (80, 24),
        (200, 60),
    ] {
        for make in [fixture::presenter, fixture::presenter_verify] {
            let app = make(w, h);
            let Some(p) = app.presenter.as_deref() else {
                panic!("the fixture has a presenter");
            };
            let mut terminal =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
            terminal
                .draw(|f| super::views::presenter::draw(f, f.area(), &app, p))
                .expect("draw");
        }
    }
}

#[test]
fn the_end_screen_offers_only_back_and_leave_and_counts_one_stop_right() {
    let mut app = fixture::presenter(120, 40);
    if let Some(p) = app.presenter.as_mut() {
        let mut end = p.views.last().cloned().expect("a view");
        end.phase = crate::flow::tour::engine::Phase::Finished;
        end.stop_count = 1;
        end.stop_index = 0;
        p.views.push(end);
        p.shown = p.views.len() - 1;
    }
    let s = super::fixture::screen(&app);
    assert!(s.contains("1 stop · done"), "{s}");
    assert!(s.contains("← back · q/Esc leave"), "{s}");
    assert!(!s.contains("next") && !s.contains("auto-play"), "{s}");
    assert!(update(&mut app, key(KeyCode::Char('a'))).is_empty());
    let p = app.presenter.as_ref().expect("presenter");
    assert!(!p.auto, "auto-play cannot start at the end");
    assert!(super::fixture::screen(&app).contains("The tour is over"));
    // Going back shows the full footer again.
    update(&mut app, key(KeyCode::Left));
    assert!(super::fixture::screen(&app).contains("auto-play"));
}
