//! Snapshots of each screen at 120x40 and 80x24 (ratatui's TestBackend + insta).
//! Fixtures fix ids, times, ports and the expiry, so snapshots are stable.

use paysecure_explorer::tui::app::{Answer, App, Msg, Overlay};
use paysecure_explorer::tui::fixture;
use paysecure_explorer::tui::update::update;
use paysecure_explorer::tui::views;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn render(app: &App) -> String {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| views::draw(f, app)).expect("draw");
    format!("{}", terminal.backend())
}

fn both(name: &str, build: impl Fn(u16, u16) -> App) {
    for (w, h) in [(120, 40), (80, 24)] {
        let app = build(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app));
    }
}

#[test]
fn purchase_form() {
    both("purchase_form", fixture::app);
}

#[test]
fn card_form_with_picker_open() {
    both("card_form_picker", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)),
        );
        app
    });
}

#[test]
fn card_form() {
    both("card_form", fixture::at_card_step);
}

#[test]
fn pending_result() {
    both("pending_result", fixture::pending);
}

#[test]
fn coded_error() {
    both("coded_error", fixture::blocked);
}

#[test]
fn history_detail() {
    both("history_detail", |w, h| {
        let mut app = fixture::pending(w, h);
        app.overlay = Some(Overlay::Detail {
            index: 0,
            scroll: 0,
        });
        app
    });
}

#[test]
fn sandbox_panel() {
    both("sandbox_panel", fixture::panel);
}

#[test]
fn help() {
    both("help", |w, h| {
        let mut app = fixture::app(w, h);
        app.overlay = Some(Overlay::Help { scroll: 0 });
        app
    });
}

#[test]
fn too_small_terminal_shows_a_notice() {
    let app = fixture::app(40, 10);
    let screen = render(&app);
    assert!(screen.contains("Terminal too small"), "{screen}");
}

#[test]
fn server_text_cannot_inject_control_characters() {
    let mut app = fixture::at_card_step(120, 40);
    fixture::reply(
        &mut app,
        Answer::S2s(Err(paysecure_explorer::api::ApiError::Coded {
            http_status: 400,
            code: "x\u{1b}[2J".into(),
            message: "evil\u{1b}]52;c;AAAA\u{7}text".into(),
        })),
    );
    let screen = render(&app);
    assert!(!screen.contains('\u{1b}'));
    assert!(
        screen.contains("evil\\u001b]52;c;AAAA\\u0007text"),
        "{screen}"
    );
}

#[test]
fn every_theme_renders() {
    for name in ["dark", "light", "high-contrast", "colorblind"] {
        let mut app = fixture::pending(120, 40);
        app.theme = paysecure_explorer::tui::theme::load(name, None).expect("theme");
        let screen = render(&app);
        assert!(
            screen.contains(&format!("theme: {name}")),
            "{name}: {screen}"
        );
    }
}

/// At the three sizes the editing modes are checked at.
fn three(name: &str, build: impl Fn(u16, u16) -> App) {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let app = build(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app));
    }
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn insert_mode() {
    // At start: the first field is being edited; the footer says INSERT and offers Esc.
    three("mode_insert", fixture::app);
}

#[test]
fn normal_mode() {
    // After Esc: the footer says NORMAL and offers the letter commands.
    three("mode_normal", |w, h| {
        let mut app = fixture::app(w, h);
        press(&mut app, KeyCode::Esc);
        app
    });
}

#[test]
fn a_long_field_scrolled_to_its_end() {
    // success_redirect, End, X: the view follows the cursor, `…` where the start is cut.
    three("long_field_end", |w, h| {
        let mut app = fixture::app(w, h);
        let at = app
            .purchase_form
            .fields
            .iter()
            .position(|f| f.path == "success_redirect")
            .expect("field");
        app.purchase_form.focus = at;
        let value = app.purchase_form.fields[at].value().to_string();
        let session = "abcdef0123".repeat(12);
        app.purchase_form.fields[at]
            .set_value(format!("{value}?order=order-1001&session={session}"));
        press(&mut app, KeyCode::End);
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)),
        );
        app
    });
}

#[test]
fn a_long_field_in_the_middle_is_cut_at_both_ends() {
    three("long_field_middle", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        let at = app
            .card_form
            .fields
            .iter()
            .position(|f| f.path == "user_agent")
            .expect("field");
        app.card_form.focus = at;
        for _ in 0..60 {
            press(&mut app, KeyCode::Left);
        }
        app
    });
}
