//! Unit tests of `update()` for editing: insert and normal modes, the Esc ladder,
//! grapheme-correct editing, pastes, the live history filter, and that every key of the
//! table does something somewhere.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Mode, Msg, Overlay, Pane};
use super::fixture;
use super::keys::{BINDINGS, Context, Key};
use super::update::update;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}
fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}
fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, ch(c));
    }
}
fn value(app: &App, path: &str) -> String {
    app.current_form()
        .get(path)
        .map(|f| f.value().to_string())
        .unwrap_or_default()
}
fn notice(app: &App) -> String {
    app.notice.clone().map(|(_, t)| t).unwrap_or_default()
}

/// The footer line, as drawn at 120×40.
fn footer(app: &App) -> String {
    let (w, h) = app.size;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| super::views::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let last = buffer.content().chunks(w as usize).last().expect("rows");
    last.iter().map(|c| c.symbol()).collect()
}

#[test]
fn at_start_esc_then_h_focuses_history_and_the_email_is_unchanged() {
    let mut app = fixture::app(120, 40);
    assert_eq!(
        app.mode,
        Mode::Insert,
        "a new user types into the first field"
    );
    assert_eq!(app.context(), Context::PurchaseForm);
    let email = value(&app, "client.email");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        app.purchase_form.focus, 0,
        "Esc keeps the focus on the field"
    );
    update(&mut app, ch('h'));
    assert_eq!(app.pane, Pane::History);
    assert_eq!(value(&app, "client.email"), email);
    // h goes back to the step, still in normal mode.
    update(&mut app, ch('h'));
    assert_eq!(app.context(), Context::PurchaseForm);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn in_insert_mode_command_letters_are_text() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('u'));
    typed(&mut app, "hq/?rn@x.io");
    assert_eq!(value(&app, "client.email"), "hq/?rn@x.io");
    assert!(!app.quit);
    assert_eq!(app.pane, Pane::Step);
    assert_eq!(app.overlay, None);
}

#[test]
fn normal_mode_letters_are_commands_and_other_keys_say_how_to_edit() {
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::Esc));
    let email = value(&app, "client.email");
    update(&mut app, ch('x'));
    assert_eq!(value(&app, "client.email"), email, "nothing typed silently");
    assert!(
        notice(&app).contains("Enter or i edits email"),
        "{}",
        notice(&app)
    );
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(value(&app, "client.email"), email, "nor erased");
    // j / k and the arrows move between fields.
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    assert_eq!(app.purchase_form.focus, 2);
    update(&mut app, ch('k'));
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.purchase_form.focus, 2);
    // i edits the focused field; Esc leaves it; Enter edits it too.
    update(&mut app, ch('i'));
    assert_eq!(app.mode, Mode::Insert);
    typed(&mut app, "Z");
    assert!(value(&app, "client.phone").ends_with('Z'));
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Insert);
    assert_eq!(
        app.purchase_form.focus, 2,
        "Enter in normal mode edits, not moves"
    );
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.purchase_form.focus, 3,
        "Enter in insert mode goes to the next field"
    );
    // ?, / and q.
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('/'));
    assert!(matches!(app.overlay, Some(Overlay::Filter { .. })));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, None);
    update(&mut app, ch('q'));
    assert!(app.quit);
}

#[test]
fn ctrl_chords_and_f_keys_work_in_both_modes() {
    for mode in [Mode::Insert, Mode::Normal] {
        let mut app = fixture::app(120, 40);
        app.mode = mode;
        update(&mut app, key(KeyCode::F(1)));
        assert!(
            matches!(app.overlay, Some(Overlay::Help { .. })),
            "{mode:?}"
        );
        update(&mut app, key(KeyCode::Esc));
        update(&mut app, key(KeyCode::F(6)));
        assert_eq!(app.pane, Pane::History, "{mode:?}");
        update(&mut app, key(KeyCode::F(6)));
        let effects = update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
        assert_eq!(effects.len(), 1, "{mode:?}: Ctrl+S sends");
    }
}

#[test]
fn the_esc_ladder() {
    // 1. An overlay closes first.
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::F(1)));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!((app.overlay.clone(), app.mode), (None, Mode::Insert));
    // 2. The history pane goes back to the step.
    update(&mut app, key(KeyCode::F(6)));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!((app.pane, app.mode), (Pane::Step, Mode::Insert));
    // 3. A request in flight is cancelled before the field is left (the spinner line
    //    says "Esc cancels").
    let mut app = fixture::at_card_step(120, 40);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert!(!app.requests.is_empty());
    update(&mut app, key(KeyCode::Esc));
    assert!(
        app.requests
            .find(|p| p == super::requests::Purpose::Pay)
            .is_none(),
        "the payment is cancelled"
    );
    assert_eq!(
        app.mode,
        Mode::Insert,
        "and the field is still being edited"
    );
    // 4. Insert mode ends.
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    // 5. In normal mode with nothing in flight, Esc says so.
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        notice(&app).contains("nothing in flight"),
        "{}",
        notice(&app)
    );
}

#[test]
fn editing_moves_and_erases_whole_graphemes() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('u'));
    // é composed, then e + combining acute, then a family emoji (5 code points).
    typed(&mut app, "\u{e9}e\u{301}👨‍👩‍👧");
    update(&mut app, key(KeyCode::Left));
    typed(&mut app, "|");
    assert_eq!(value(&app, "client.email"), "\u{e9}e\u{301}|👨‍👩‍👧");
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(
        value(&app, "client.email"),
        "\u{e9}👨‍👩‍👧",
        "e + ◌́ erased whole"
    );
    update(&mut app, key(KeyCode::Delete));
    assert_eq!(
        value(&app, "client.email"),
        "\u{e9}",
        "the emoji erased whole"
    );
    // Word motions and Ctrl+W.
    update(&mut app, ctrl('u'));
    typed(&mut app, "alpha beta gamma");
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL)),
    );
    typed(&mut app, "X");
    assert_eq!(value(&app, "client.email"), "alpha beta Xgamma");
    update(&mut app, key(KeyCode::End));
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL)),
    );
    assert_eq!(value(&app, "client.email"), "alpha beta ");
}

#[test]
fn a_paste_goes_into_the_field_in_either_mode_and_never_moves_the_focus() {
    for mode in [Mode::Insert, Mode::Normal] {
        let mut app = fixture::at_card_step(120, 40);
        app.mode = mode;
        let focus = app.card_form.focus;
        update(&mut app, Msg::Paste("Ada\nLove\u{7}lace\r\n".into()));
        assert_eq!(app.card_form.focus, focus, "{mode:?}");
        assert_eq!(app.mode, mode, "a paste keeps the mode");
        assert_eq!(value(&app, "cardholder_name"), "dkAda Lovelace", "{mode:?}");
        assert!(
            notice(&app).contains("1 control or invisible character"),
            "{}",
            notice(&app)
        );
    }
    // On a toggle, a paste is refused with a notice.
    let mut app = fixture::at_card_step(120, 40);
    app.card_form.focus = 9; // java_enabled
    update(&mut app, Msg::Paste("true".into()));
    assert_eq!(value(&app, "java_enabled"), "false");
    assert!(notice(&app).contains("toggle"), "{}", notice(&app));
    // A huge paste is cut at the bound, and says so.
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, Msg::Paste("x".repeat(10_000)));
    assert_eq!(
        value(&app, "cardholder_name").chars().count(),
        super::text_input::MAX_CHARS
    );
    assert!(notice(&app).contains("limit"), "{}", notice(&app));
}

#[test]
fn the_filter_prompt_filters_as_you_type_enter_keeps_it_esc_restores() {
    let mut app = fixture::with_history(120, 40, 10);
    app.pane = Pane::History;
    update(&mut app, ch('/'));
    typed(&mut app, "s2s");
    assert_eq!(app.history.len(), 5, "filtered while typing");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(
        app.history.len(),
        10,
        "Esc restores the filter before (none)"
    );
    assert_eq!(app.history.filter_text(), None);
    update(&mut app, ch('/'));
    typed(&mut app, "purchases");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.history.len(), 5);
    assert_eq!(app.history.filter_text(), Some("purchases"));
    // Reopened, the prompt holds the filter; erasing it shows everything live; Esc puts
    // the kept filter back.
    update(&mut app, ch('/'));
    for _ in 0.."purchases".len() {
        update(&mut app, key(KeyCode::Backspace));
    }
    assert_eq!(app.history.len(), 10);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.history.filter_text(), Some("purchases"));
    assert_eq!(app.history.len(), 5);
}

#[test]
fn the_footer_shows_the_mode_and_only_keys_that_work_in_it() {
    let mut app = fixture::app(120, 40);
    let insert = footer(&app);
    assert!(insert.contains(" INSERT "), "{insert}");
    assert!(insert.contains("Esc leave"), "{insert}");
    for absent in [" q quit", "h history", "? help", "Enter edit"] {
        assert!(
            !insert.contains(absent),
            "{absent:?} in insert mode: {insert}"
        );
    }
    update(&mut app, key(KeyCode::Esc));
    let normal = footer(&app);
    assert!(normal.contains("NORMAL"), "{normal}");
    for present in ["Enter/i edit", "F6/h history", "q quit", "F1/? help"] {
        assert!(
            normal.contains(present),
            "{present:?} in normal mode: {normal}"
        );
    }
    assert!(!normal.contains("Esc leave"), "{normal}");
    // No mode where no field has the keyboard.
    app.pane = Pane::History;
    let history = footer(&app);
    assert!(
        !history.contains("NORMAL") && !history.contains("INSERT"),
        "{history}"
    );
}

#[test]
fn the_terminal_cursor_sits_in_the_focused_field_in_insert_mode() {
    use ratatui::backend::Backend as _;
    let mut app = fixture::app(120, 40);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    terminal
        .draw(|f| super::views::draw(f, &app))
        .expect("draw");
    let at = terminal
        .backend_mut()
        .get_cursor_position()
        .expect("cursor");
    // Row 3 (header 2, the pane's border 1), after the border, the label and a space.
    assert_eq!((at.x, at.y), (1 + 20 + "buyer@example.com".len() as u16, 3));
    update(&mut app, key(KeyCode::Home));
    terminal
        .draw(|f| super::views::draw(f, &app))
        .expect("draw");
    let at = terminal
        .backend_mut()
        .get_cursor_position()
        .expect("cursor");
    assert_eq!((at.x, at.y), (21, 3));
}

/// A state for the binding check: a name, the app, its context.
fn states() -> Vec<(&'static str, App)> {
    let normal = |mut app: App| {
        app.mode = Mode::Normal;
        app
    };
    let mut toggle = fixture::at_card_step(120, 40);
    toggle.card_form.focus = 9;
    toggle.mode = Mode::Normal;
    let mut history = fixture::with_history(120, 40, 60);
    history.pane = Pane::History;
    let mut scrolled = history.clone();
    for _ in 0..5 {
        update(&mut scrolled, key(KeyCode::Down));
    }
    let mut detail = fixture::pending(120, 40);
    detail.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    // `a` folds only as the second key of `za`.
    let mut after_z = detail.clone();
    update(&mut after_z, ch('z'));
    let mut picker = fixture::at_card_step(120, 40);
    picker.overlay = Some(Overlay::Cards(Default::default()));
    // ↑ moves only from below the first card.
    let mut picker_moved = picker.clone();
    update(&mut picker_moved, key(KeyCode::Down));
    let mut prompt = fixture::app(120, 40);
    update(&mut prompt, key(KeyCode::Esc));
    update(&mut prompt, ch('/'));
    let mut help = fixture::app(120, 40);
    help.overlay = Some(Overlay::Help { scroll: 0 });
    // Presenter mode: its keys act only there.
    let presenter = fixture::presenter(120, 40);
    let mut panels = Vec::new();
    for tab in [
        super::panel::Tab::Purchases,
        super::panel::Tab::ClockAndSettings,
        super::panel::Tab::Webhooks,
    ] {
        let mut p = fixture::panel(120, 40);
        p.panel.tab = tab;
        panels.push(("panel", p));
    }
    // Copy as code: the chooser over the purchase form (v toggles the form's values),
    // and a snippet shown (↑ scrolls once moved down).
    let mut code = normal(fixture::app(120, 40));
    update(&mut code, ch('C'));
    let mut code_shown = code.clone();
    update(&mut code_shown, key(KeyCode::Enter));
    update(&mut code_shown, key(KeyCode::Down));
    // A narrow snippet moved right once: ← and Home go back, → and End go further.
    let mut code_sideways = normal(fixture::at_card_step(80, 24));
    update(&mut code_sideways, ch('C'));
    update(&mut code_sideways, key(KeyCode::Enter));
    update(&mut code_sideways, key(KeyCode::Right));
    let mut states = vec![
        ("copy as code, chooser", code),
        ("copy as code, snippet scrolled sideways", code_sideways),
        ("copy as code, snippet", code_shown),
        ("purchase form, insert", fixture::app(120, 40)),
        ("purchase form, normal", normal(fixture::app(120, 40))),
        ("card form, insert", fixture::at_card_step(120, 40)),
        ("card form, normal", normal(fixture::at_card_step(120, 40))),
        ("card form, toggle", toggle),
        ("pending result", fixture::pending(120, 40)),
        ("coded error", fixture::blocked(120, 40)),
        ("history", history),
        ("history, scrolled", scrolled),
        ("detail", detail),
        ("detail, after z", after_z),
        ("picker", picker),
        ("picker, moved down", picker_moved),
        ("prompt", prompt),
        ("help", help),
        // On the current step (4 of 9): ↑ and ↓ both move, Enter opens nothing (no row)
        // but says so.
        (
            "flow map",
            fixture::with_flow_map(fixture::pending(120, 40)),
        ),
        ("presenter", presenter),
    ];
    states.extend(panels);
    states
}

fn event(k: &Key) -> KeyEvent {
    KeyEvent::new(k.code, k.mods)
}

#[test]
fn every_key_of_the_table_does_something_somewhere() {
    let states = states();
    for binding in BINDINGS {
        for k in binding.keys {
            let acted = states.iter().any(|(_, app)| {
                let context = app.context();
                if !(binding.contexts.is_empty() || binding.contexts.contains(&context)) {
                    return false;
                }
                let mut after = app.clone();
                let effects = update(&mut after, Msg::Key(event(k)));
                !effects.is_empty() || format!("{after:?}") != format!("{app:?}")
            });
            assert!(
                acted,
                "{} ({:?}) changes nothing and says nothing anywhere",
                k.label(),
                binding.action
            );
        }
    }
}

#[test]
fn help_names_places_in_user_words_and_marks_normal_mode_keys() {
    let mut app = fixture::app(120, 60);
    app.overlay = Some(Overlay::Help { scroll: 0 });
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 60)).expect("terminal");
    terminal
        .draw(|f| super::views::draw(f, &app))
        .expect("draw");
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .chunks(120)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    assert!(!screen.contains("PurchaseForm"), "{screen}");
    assert!(screen.contains("Esc, step by step"), "{screen}");
    assert!(screen.contains("normal mode"), "{screen}");
}

#[test]
fn ctrl_e_hands_the_step_json_to_the_editor_and_reads_it_back() {
    use super::app::Effect;
    for mode in [Mode::Insert, Mode::Normal] {
        let mut app = fixture::app(120, 40);
        app.mode = mode;
        let effects = update(&mut app, ctrl('e'));
        let [Effect::EditJson { text }] = effects.as_slice() else {
            panic!("{mode:?}: {effects:?}")
        };
        assert!(text.contains("\"buyer@example.com\""), "{text}");
        let edited = text.replace("buyer@example.com", "ed@example.com");
        update(&mut app, Msg::EditedJson(Ok(edited)));
        assert_eq!(value(&app, "client.email"), "ed@example.com");
        assert!(
            notice(&app).contains("1 field(s) changed"),
            "{}",
            notice(&app)
        );
    }
    // e in normal mode too; in insert mode e is text.
    let mut app = fixture::app(120, 40);
    update(&mut app, ch('e'));
    assert!(value(&app, "client.email").ends_with('e'));
    update(&mut app, key(KeyCode::Esc));
    assert!(matches!(
        update(&mut app, ch('e')).as_slice(),
        [Effect::EditJson { .. }]
    ));
}

#[test]
fn broken_edited_json_is_kept_for_the_next_ctrl_e_and_nothing_changes() {
    use super::app::Effect;
    let mut app = fixture::app(120, 40);
    let before = app.purchase_form.clone();
    let broken = "{\n  \"client\": {\"email\": \"x@y.z\",}\n}\n".to_string();
    update(&mut app, Msg::EditedJson(Ok(broken.clone())));
    assert_eq!(app.purchase_form, before, "nothing applied");
    assert!(notice(&app).contains("line 2, column"), "{}", notice(&app));
    assert!(
        notice(&app).contains("Ctrl+E or e reopens"),
        "{}",
        notice(&app)
    );
    let effects = update(&mut app, ctrl('e'));
    assert_eq!(
        effects,
        vec![Effect::EditJson { text: broken }],
        "the broken text comes back, not a fresh body"
    );
    // An editor that could not run says why.
    update(
        &mut app,
        Msg::EditedJson(Err("No editor: set $EDITOR".into())),
    );
    assert!(notice(&app).contains("No editor"), "{}", notice(&app));
}

/// r reads the status again after an answer and retries only a call that got none: the
/// footer names what it does now (it said "r retry" on a PAID screen).
#[test]
fn the_footer_says_what_r_does_in_this_state() {
    for app in [
        fixture::frictionless_paid(120, 40),
        fixture::blocked(120, 40),
    ] {
        let line = footer(&app);
        assert!(line.contains("r re-check"), "{line}");
        assert!(!line.contains("r retry"), "{line}");
    }
    // A create that got no answer: r sends it again, and the footer says so.
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        super::app::Answer::Created(Err(crate::api::ApiError::Transport {
            kind: crate::api::TransportKind::ConnectionRefused,
            http_status: None,
            detail: "refused".into(),
        })),
    );
    assert!(app.retry_repeats_a_call());
    let line = footer(&app);
    assert!(line.contains("r retry"), "{line}");
}

/// A create refused: the step track marks ① as failed, not as the step being filled in
/// beside a result pane that shows the error.
#[test]
fn a_refused_create_marks_step_one_failed() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        super::app::Answer::Created(Err(crate::api::ApiError::Coded {
            http_status: 400,
            code: "Invalid_Parameter".into(),
            message: "currency cannot be null".into(),
        })),
    );
    let screen = fixture::screen(&app);
    assert!(screen.contains("① Purchase ✘"), "{screen}");
    assert!(screen.contains("③ Result ○"), "{screen}");
}

/// A filter that matches nothing leaves no row to open or copy: the footer does not offer
/// Enter or C there (it did).
#[test]
fn an_empty_history_pane_offers_no_row_keys() {
    let mut app = fixture::with_history(120, 40, 5);
    app.pane = Pane::History;
    let line = footer(&app);
    assert!(line.contains("Enter open"), "{line}");
    app.history.set_filter("no such text anywhere");
    assert!(app.history.is_empty());
    let line = footer(&app);
    assert!(
        !line.contains("Enter open") && !line.contains("C code"),
        "{line}"
    );
}

/// At 60 columns the header has no room for the purchase: it is cut with "…" or left out,
/// never clipped mid-word (it ended `… 127.0.0.1:34363   pur`).
#[test]
fn a_narrow_header_never_clips_the_purchase_mid_word() {
    for width in [60u16, 64, 70, 76, 80] {
        let app = fixture::frictionless_paid(width, 16);
        let screen = fixture::screen(&app);
        let header = screen.lines().next().unwrap_or_default().to_string();
        for word in header.split_whitespace() {
            let clipped =
                word.len() < "purchase".len() && word.len() >= 2 && "purchase".starts_with(word);
            assert!(!clipped, "{width}: {header}");
        }
        if let Some(at) = header.find("purchase ") {
            let id = header[at + "purchase ".len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            assert!(
                id.ends_with('…') || id.len() >= 9,
                "{width}: a cut id is marked: {header}"
            );
        }
    }
}
