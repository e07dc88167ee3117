//! Text that is not one column per `char` (flags, family emoji, CJK) on the real screen:
//! every cut keeps whole graphemes and every padded column stays where it belongs.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::Msg;
use super::columns::width;
use super::fixture;
use super::local_time::LocalTime;
use super::update::update;
use super::views::history::row_text;
use crate::api::exchange::ExchangeKind;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn regional_indicators(text: &str) -> usize {
    text.chars()
        .filter(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(c))
        .count()
}

#[test]
fn a_long_name_of_flags_is_cut_between_flags_focused_or_not() {
    // Both parities of where the cut falls: one of them split a flag when cuts counted
    // code points.
    for ((w, h), lead) in [(120, 40), (80, 24)]
        .into_iter()
        .flat_map(|s| [(s, " "), (s, " x")])
    {
        let mut app = fixture::app(w, h);
        update(&mut app, key(KeyCode::Tab));
        update(&mut app, key(KeyCode::End));
        for c in format!("{lead}{}", "🇩🇪".repeat(40)).chars() {
            update(&mut app, key(KeyCode::Char(c)));
        }
        let focused = fixture::screen(&app);
        update(&mut app, key(KeyCode::Tab));
        let unfocused = fixture::screen(&app);
        for screen in [&focused, &unfocused] {
            let row = screen
                .lines()
                .find(|l| l.contains("full name"))
                .unwrap_or_else(|| panic!("no full name row:\n{screen}"));
            assert!(row.contains('…'), "the name is cut: {row}");
            assert_eq!(
                regional_indicators(row) % 2,
                0,
                "half a flag on screen: {row}"
            );
        }
    }
}

#[test]
fn a_history_row_keeps_its_status_column_with_wide_notes() {
    let zone = LocalTime::fixed(0);
    let mut plain = fixture::exchange("POST", "/p/x/?s2s=true", 200, 0, "{}");
    plain.kind = ExchangeKind::Webhook;
    plain.note = Some("purchase.paid to the shop".into());
    let (left, _) = row_text(&plain, 60, &zone);
    for note in [
        "支払い済み 支払い済み 支払い済み 支払い済み",
        "🇩🇪 paid 🇫🇷 paid 👨\u{200d}👩\u{200d}👧 x",
        "e\u{301}te\u{301}",
    ] {
        let mut wide = plain.clone();
        wide.note = Some(note.into());
        let (shown, _) = row_text(&wide, 60, &zone);
        assert_eq!(
            width(&shown),
            width(&left),
            "the status column moved: {shown:?}"
        );
        assert_eq!(regional_indicators(&shown) % 2, 0, "half a flag: {shown:?}");
    }
}
