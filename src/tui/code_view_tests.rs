//! Copy as code in the explorer: the chooser opens on forms, history rows and details;
//! Enter copies the snippet (masked by default) and shows it; `v` puts the form's values
//! in with a warning; the language chosen is offered first next time.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Effect, Level, Msg, Overlay, Pane};
use super::fixture;
use super::update::update;
use crate::codegen::Lang;
use crate::paysecure::test_cards::SEED_CARD;

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn copied(effects: &[Effect]) -> String {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Copy(text) => Some(text.clone()),
            _ => None,
        })
        .expect("a copy")
}

fn normal_at_card_step() -> App {
    let mut app = fixture::at_card_step(120, 40);
    key(&mut app, KeyCode::Esc);
    app
}

#[test]
fn the_card_form_gives_the_s2s_it_would_send_masked_then_with_its_values() {
    let mut app = normal_at_card_step();
    key(&mut app, KeyCode::Char('C'));
    assert!(matches!(app.overlay, Some(Overlay::Code(_))));
    // Python is the second language.
    key(&mut app, KeyCode::Down);
    let code = copied(&key(&mut app, KeyCode::Enter));
    assert!(code.contains("import requests"), "{code}");
    assert!(code.contains("?s2s=true"), "{code}");
    assert!(
        code.contains("444433******1111") && !code.contains(SEED_CARD),
        "{code}"
    );
    assert!(code.contains("PAYSECURE_API_KEY"));
    // Esc goes back to the languages; v asks for the form's values, with a warning.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('v'));
    assert!(matches!(&app.notice, Some((Level::Warn, t)) if t.contains("real card number")));
    let code = copied(&key(&mut app, KeyCode::Enter));
    assert!(
        code.contains(SEED_CARD) && code.contains("WARNING"),
        "{code}"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
    // Next time the chooser starts on Python, masked again.
    assert_eq!(app.code_lang, Lang::Python);
    key(&mut app, KeyCode::Char('C'));
    let Some(Overlay::Code(code)) = &app.overlay else {
        panic!("the chooser");
    };
    assert_eq!((code.selected, code.form_values), (1, false));
}

#[test]
fn a_history_row_becomes_code_and_its_snippet_scrolls() {
    let mut app = fixture::with_history(120, 40, 5);
    app.pane = Pane::History;
    key(&mut app, KeyCode::Char('C'));
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    let code = copied(&key(&mut app, KeyCode::Enter));
    assert!(code.contains("package main"), "Go is the sixth: {code}");
    // History is masked already: v only explains.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('v'));
    let Some(Overlay::Code(overlay)) = &app.overlay else {
        panic!("the chooser");
    };
    assert!(!overlay.form_values);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::PageDown);
    let Some(Overlay::Code(overlay)) = &app.overlay else {
        panic!("the snippet");
    };
    assert!(overlay.shown.as_ref().is_some_and(|s| s.scroll > 0));
}

#[test]
fn the_result_screen_turns_the_exchange_its_detail_shows_into_code() {
    // Step ③ after a 202 pending: the detail pane shows the newest row, the S2S.
    let mut app = fixture::pending(120, 40);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('C'));
    assert!(
        matches!(app.overlay, Some(Overlay::Code(_))),
        "{:?}",
        app.notice
    );
    let code = copied(&key(&mut app, KeyCode::Enter));
    assert!(code.contains("?s2s=true"), "{code}");
    assert!(code.contains("PAYSECURE_API_KEY"), "{code}");
}

#[test]
fn long_snippet_lines_scroll_sideways_and_every_character_can_be_read() {
    let mut app = normal_at_card_step();
    app.size = (80, 30);
    key(&mut app, KeyCode::Char('C'));
    // The chooser marks its row with ▶, not colour alone; v is offered there.
    let chooser = super::fixture::screen(&app);
    assert!(chooser.contains("▶ curl"), "{chooser}");
    let code = copied(&key(&mut app, KeyCode::Enter));
    let columns = super::code_view::snippet_columns(app.size.0);
    let longest = code
        .lines()
        .map(|l| super::code_view::display_line(l).chars().count())
        .max()
        .unwrap_or(0);
    assert!(
        longest > columns,
        "the test needs a line wider than the box"
    );
    let s = super::fixture::screen(&app);
    assert!(s.contains("→ more") && s.contains('…'), "{s}");
    // The box stays above the notice line, which still says what Enter did.
    assert!(s.contains("Copied the code"), "{s}");
    // The footer offers the keys that work on the snippet, not v.
    let footer = s.lines().last().unwrap_or_default().to_string();
    assert!(!footer.contains("v values"), "{footer}");
    assert!(footer.contains("←") || s.contains("←→ sideways"), "{s}");
    let col = |app: &App| match &app.overlay {
        Some(Overlay::Code(c)) => c.shown.as_ref().map_or(usize::MAX, |s| s.col),
        _ => usize::MAX,
    };
    key(&mut app, KeyCode::Right);
    assert_eq!(
        col(&app),
        super::code_view::SIDE_STEP.min(longest - columns)
    );
    key(&mut app, KeyCode::End);
    assert_eq!(col(&app), longest - columns);
    let end = super::fixture::screen(&app);
    assert!(end.contains("← more") && !end.contains("→ more"), "{end}");
    key(&mut app, KeyCode::Left);
    assert!(col(&app) < longest - columns);
    key(&mut app, KeyCode::Home);
    assert_eq!(col(&app), 0);
}

#[test]
fn the_sideways_limit_is_measured_on_the_line_as_shown() {
    // The snippets write such characters as escapes already (`codegen::text`); the view
    // still cleans every line, and its limit must count the same columns it draws.
    let line = format!("{}END", "\u{1b}".repeat(10));
    let shown = super::code_view::shown_line(&line);
    assert_eq!(crate::tui::columns::width(&shown), 63, "{shown}");
    assert_eq!(super::code_view::max_col(&line, 20), 43);
    assert_eq!(super::code_view::max_col("\tab", 20), 0);
}
