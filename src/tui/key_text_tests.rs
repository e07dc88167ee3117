//! Issue 12: every key a notice or hint names is bound, in the key table, where the text
//! sends the user. Each case drives `update()` to one notice and lists the places the
//! text points to; a key name that has no binding there fails the test.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Mode, Msg, Overlay};
use super::fixture;
use super::keys::{Action, BINDINGS, Context, label_of};
use super::panel::Tab;
use super::update::update;
use crate::api::PurchaseStatus;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}
fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Words written as keys: `Ctrl+S`, `F2`, `Esc`, `Enter`, arrows, and single letters or
/// `/`, `?` standing alone (not the article "a", not a unit after a number: "2 h").
fn key_names(text: &str) -> Vec<String> {
    const NAMED: &[&str] = &[
        "Esc",
        "Enter",
        "Tab",
        "Space",
        "PgUp",
        "PgDn",
        "Home",
        "End",
        "Backspace",
        "Delete",
    ];
    let mut names = Vec::new();
    let mut after_number = false;
    for word in text.split_whitespace() {
        let word = word.trim_matches(|c: char| "()[],.;:“”\"'`".contains(c));
        let number = word.chars().last().is_some_and(|c| c.is_ascii_digit());
        // URLs and paths are not keys: `/p/{id}/` has a one-letter segment.
        let parts: Vec<&str> = if word == "/" {
            vec!["/"]
        } else if word.contains("://") || (word.starts_with('/') && word.len() > 1) {
            vec![]
        } else {
            word.split('/').collect()
        };
        for part in parts {
            let arrows = !part.is_empty() && part.chars().all(|c| "↑↓←→".contains(c));
            if arrows {
                names.extend(part.chars().map(String::from));
                continue;
            }
            let mut chars = part.chars();
            let single = match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    (c.is_ascii_alphabetic() && c != 'a' && c != 'A' && c != 'I' && !after_number)
                        || c == '/'
                        || c == '?'
                }
                _ => false,
            };
            let f_key = part.len() > 1
                && part.starts_with('F')
                && part[1..].chars().all(|c| c.is_ascii_digit());
            if single || f_key || part.starts_with("Ctrl+") || NAMED.contains(&part) {
                names.push(part.to_string());
            }
        }
        after_number = number;
    }
    names
}

/// The key names in `text` that no binding of the table has in any of `contexts`.
fn unbound(text: &str, contexts: &[Context]) -> Vec<String> {
    key_names(text)
        .into_iter()
        .filter(|name| {
            !BINDINGS.iter().any(|b| {
                (b.contexts.is_empty() || contexts.iter().any(|c| b.contexts.contains(c)))
                    && b.keys.iter().any(|k| &k.label() == name)
            })
        })
        .collect()
}

fn notice(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

/// Checks the notice `app` shows against the places it sends the user, and that it names
/// at least one key (a case that names none tests nothing).
fn check(case: &str, app: &App, contexts: &[Context]) {
    let text = notice(app);
    assert!(
        !key_names(&text).is_empty(),
        "{case}: no key named in {text:?}"
    );
    let bad = unbound(&text, contexts);
    assert!(
        bad.is_empty(),
        "{case}: {bad:?} not bound in {contexts:?}: {text:?}"
    );
}

#[test]
fn the_checker_finds_key_names_and_skips_words() {
    assert_eq!(
        key_names("n starts a new purchase; Ctrl+S/F5 sends, 2 h later, / then Enter"),
        ["n", "Ctrl+S", "F5", "/", "Enter"]
    );
    assert_eq!(
        key_names("GET /p/64bf/?s2s=true at http://h/a/b"),
        Vec::<String>::new()
    );
    assert_eq!(key_names("↑↓ move · ←→ fold"), ["↑", "↓", "←", "→"]);
    assert_eq!(
        unbound("n starts a new purchase", &[Context::Result]),
        Vec::<String>::new()
    );
    assert_eq!(unbound("n starts a new purchase", &[Context::Panel]), ["n"]);
    assert_eq!(unbound("F2 other card", &[Context::PurchaseForm]), ["F2"]);
    assert_eq!(
        unbound("Backspace edits", &[Context::Picker]),
        ["Backspace"]
    );
}

#[test]
fn result_notices_name_keys_of_the_result() {
    // A purchase that can no longer be paid: e stays, and says n.
    let mut app = fixture::pending(120, 40);
    app.flow.status = Some(PurchaseStatus::Expired);
    update(&mut app, ch('e'));
    check("edit on a final purchase", &app, &[Context::Result]);
    assert!(notice(&app).contains(&label_of(Action::NewPurchase, Context::Result)));

    // A remote endpoint's challenge: o, not b.
    let mut app = fixture::pending(120, 40);
    app.endpoint.local = false;
    update(&mut app, ch('b'));
    check("remote challenge", &app, &[Context::Result]);
    assert!(notice(&app).contains(&label_of(Action::OpenBrowser, Context::Result)));

    // A second b while the first is in flight: Esc cancels.
    let mut app = fixture::pending(120, 40);
    update(&mut app, ch('b'));
    update(&mut app, ch('b'));
    check("already in flight", &app, &[Context::Result]);
    assert!(notice(&app).contains(&label_of(Action::Cancel, Context::Result)));

    // y with nothing to copy.
    let mut app = fixture::blocked(120, 40);
    update(&mut app, ch('y'));
    check("nothing to copy", &app, &[Context::Result]);
}

#[test]
fn a_new_purchase_names_f2_only_with_the_step_it_works_on() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, ch('n'));
    let text = notice(&app);
    // F7 works where the user now is; F2 only on step ②, and the notice says so.
    check(
        "new purchase",
        &app,
        &[Context::PurchaseForm, Context::CardForm],
    );
    assert!(
        text.contains(&format!(
            "{} on step ②",
            label_of(Action::TestCards, Context::CardForm)
        )),
        "{text}"
    );
    assert!(text.contains(&label_of(Action::Scenarios, Context::PurchaseForm)));
}

#[test]
fn form_and_prompt_notices_name_their_keys() {
    // Warnings: the second Ctrl+S sends anyway.
    let mut app = fixture::at_card_step(120, 40);
    app.card_form.set("cvc", "1");
    update(&mut app, ctrl('s'));
    check("send anyway", &app, &[Context::CardForm]);
    assert!(notice(&app).contains(&format!(
        "{} again",
        label_of(Action::Send, Context::CardForm)
    )));

    // An empty OTP: Esc leaves the challenge.
    let mut app = fixture::pending(120, 40);
    app.overlay = Some(Overlay::Otp {
        input: Default::default(),
        form_url: "http://127.0.0.1/challenge".into(),
    });
    update(&mut app, key(KeyCode::Enter));
    check("empty otp", &app, &[Context::Prompt]);

    // A history filter: / then Enter clears it.
    let mut app = fixture::with_history(120, 40, 5);
    app.mode = Mode::Normal;
    update(&mut app, ch('/'));
    for c in "GET".chars() {
        update(&mut app, ch(c));
    }
    update(&mut app, key(KeyCode::Enter));
    check("filter", &app, &[Context::History, Context::Prompt]);
}

#[test]
fn detail_and_panel_notices_name_their_keys() {
    // A create/S2S row is not resent: close the detail, then the result's keys.
    let mut app = fixture::pending(120, 40);
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    update(&mut app, ch('r'));
    check(
        "no replay of a card call",
        &app,
        &[Context::Detail, Context::Result, Context::CardForm],
    );
    assert!(notice(&app).contains(&label_of(Action::Close, Context::Detail)));

    // n with nothing searched.
    let mut app = fixture::pending(120, 40);
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    update(&mut app, ch('n'));
    check("nothing searched", &app, &[Context::Detail]);

    // Reset asks first, naming its own key; a key of another tab names Tab.
    let mut app = fixture::panel(120, 40);
    app.panel.tab = Tab::ClockAndSettings;
    update(&mut app, ch('X'));
    check("reset", &app, &[Context::Panel]);
    assert!(notice(&app).contains(&label_of(Action::Reset, Context::Panel)));
    let mut app = fixture::panel(120, 40);
    app.panel.tab = Tab::Purchases;
    update(&mut app, ch('u'));
    check("other tab", &app, &[Context::Panel]);
}
