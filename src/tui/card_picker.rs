//! The test-card picker (F2): every card of the sandbox's catalog, what it does first,
//! searchable as you type. The rows are `flow::card_list`'s facts (the catalog read
//! through `flow::presets::test_cards`), so nothing here restates what a card does.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Level, Overlay};
use crate::card::group_in_fours;
use crate::flow::card_list::{self, CardFacts};

/// The picker's state: the search typed so far and the highlighted match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardPicker {
    /// What the user typed. Plain text with no cursor: typing appends, Backspace erases,
    /// Ctrl+U clears (a search is short; the editing crate may take it over later).
    pub query: String,
    /// Index into [`CardPicker::matches`].
    pub selected: usize,
}

impl CardPicker {
    /// The cards the search keeps, in the catalog's order.
    pub fn matches(&self) -> Vec<CardFacts> {
        card_list::all()
            .into_iter()
            .filter(|card| matches(card, &self.query))
            .collect()
    }

    /// The highlighted card, if any card matches.
    pub fn chosen(&self) -> Option<CardFacts> {
        self.matches().into_iter().nth(self.selected)
    }

    /// Moves the highlight by `delta` rows, staying on a match.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.matches().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Typing edits the search; the highlight goes back to the first match, since the
    /// list under it changed. Other keys are left alone.
    pub fn type_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.query.clear()
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && !c.is_control() =>
            {
                self.query.push(c)
            }
            KeyCode::Backspace => {
                self.query.pop();
            }
            _ => return,
        }
        self.selected = 0;
    }
}

/// Whether `card` matches `query`. Digits, with or without the spaces of a grouped
/// number, search the card number; anything else must find each of its words in the
/// card's outcome, group, description, authentication or number (case ignored).
pub fn matches(card: &CardFacts, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return true;
    }
    if query
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace())
    {
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        return card.number.contains(&digits);
    }
    let haystack = format!(
        "{} {} {} {} {} {} {}",
        card.expected,
        card.group,
        card.description,
        card.outcome,
        card.auth.unwrap_or(""),
        card.number,
        group_in_fours(card.number)
    )
    .to_lowercase();
    query.split_whitespace().all(|word| haystack.contains(word))
}

/// The picker's short word for how a card authenticates at the callback: `OTP` for a
/// 3-D Secure challenge, `none` for frictionless, empty when the S2S call itself answers.
pub fn auth_word(card: &CardFacts) -> &'static str {
    match card.auth {
        Some("challenge") => "OTP",
        Some(_) => "none",
        None => "",
    }
}

/// Enter: the highlighted card goes into the card form; with no match the picker stays
/// open (it says so itself).
pub fn choose(app: &mut App, picker: &CardPicker) {
    let Some(card) = picker.chosen() else {
        return;
    };
    app.card_form.set("card_number", card.number);
    app.send_anyway = false;
    app.notice = Some((
        Level::Info,
        format!(
            "Card {} — expect {} ({}): {}",
            card.number, card.expected, card.group, card.description
        ),
    ));
    app.overlay = None;
}

/// F2: the picker with an empty search.
pub fn open(app: &mut App) {
    app.overlay = Some(Overlay::Cards(CardPicker::default()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(text: &str) -> CardPicker {
        let mut picker = CardPicker::default();
        for c in text.chars() {
            picker.type_key(key(KeyCode::Char(c)));
        }
        picker
    }

    fn numbers(picker: &CardPicker) -> Vec<&'static str> {
        picker.matches().iter().map(|c| c.number).collect()
    }

    #[test]
    fn an_empty_search_lists_every_catalog_card() {
        assert_eq!(
            CardPicker::default().matches().len(),
            card_list::all().len()
        );
        assert_eq!(card_list::all().len(), 59);
    }

    #[test]
    fn digits_search_the_number_with_or_without_spaces() {
        assert_eq!(numbers(&typed("4999000000000120")), ["4999000000000120"]);
        assert_eq!(numbers(&typed("4999 0000 0000 0120")), ["4999000000000120"]);
        let magic = numbers(&typed("4999 0000"));
        assert_eq!(magic.len(), 14, "every magic and fault card: {magic:?}");
        assert!(typed("4111").matches().is_empty(), "4111… is in no table");
    }

    #[test]
    fn words_search_outcome_group_and_description_case_ignored() {
        let insufficient = typed("INSUFFICIENT").matches();
        assert_eq!(insufficient.len(), 4);
        assert!(
            insufficient
                .iter()
                .all(|c| c.expected == "ERROR Insufficient fund")
        );
        let blocked = typed("400 blocked").matches();
        assert!(
            blocked.iter().any(|c| c.number == "4999000000000120"),
            "{blocked:?}"
        );
        assert!(blocked.iter().all(|c| c.expected.starts_with("400 ")));
        let challenge_declines = typed("insufficient challenge").matches();
        assert_eq!(challenge_declines.len(), 2, "the two 3D columns");
        assert!(typed("no such card anywhere").matches().is_empty());
    }

    #[test]
    fn typing_resets_the_highlight_and_backspace_edits_the_search() {
        let mut picker = CardPicker::default();
        picker.move_by(5);
        assert_eq!(picker.selected, 5);
        picker.type_key(key(KeyCode::Char('z')));
        assert_eq!((picker.query.as_str(), picker.selected), ("z", 0));
        picker.type_key(key(KeyCode::Backspace));
        assert_eq!(picker.query, "");
        picker.type_key(key(KeyCode::Char('x')));
        picker.type_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(picker.query, "", "Ctrl+U clears");
        picker.type_key(key(KeyCode::Left));
        assert_eq!(picker.query, "");
    }

    #[test]
    fn the_highlight_stays_on_a_match() {
        let mut picker = typed("insufficient");
        picker.move_by(100);
        assert_eq!(picker.selected, 3);
        picker.move_by(-100);
        assert_eq!(picker.selected, 0);
        let mut none = typed("zzz");
        none.move_by(1);
        assert_eq!((none.selected, none.chosen()), (0, None));
    }

    /// Through `update`, as keys arrive from the terminal.
    #[test]
    fn typed_keys_search_arrows_move_and_enter_fills_the_card() {
        use crate::tui::app::Msg;
        use crate::tui::update::update;
        let mut app = crate::tui::fixture::at_card_step(80, 24);
        let press = |app: &mut App, code| {
            update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        };
        press(&mut app, KeyCode::F(2));
        // Letters that are commands elsewhere (j, k, ?, q) are search text here.
        for c in "jk?q".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        let Some(Overlay::Cards(picker)) = &app.overlay else {
            panic!("picker closed: {:?}", app.overlay)
        };
        assert_eq!(picker.query, "jk?q");
        for _ in 0..4 {
            press(&mut app, KeyCode::Backspace);
        }
        // A pasted number searches like a typed one.
        update(&mut app, Msg::Paste("4999 0000 0000 01".into()));
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Up);
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.overlay, None);
        assert_eq!(
            app.card_form.get("card_number").map(|f| f.value()),
            Some("4999000000000112"),
            "the second match of the pasted digits"
        );
        let notice = app.notice.as_ref().map(|(_, t)| t.as_str()).unwrap_or("");
        assert!(
            notice.starts_with("Card 4999000000000112 — expect 400 Invalid Card Information"),
            "{notice}"
        );
    }

    #[test]
    fn the_wheel_moves_the_highlight() {
        use crate::tui::app::Msg;
        use crate::tui::update::update;
        use ratatui::crossterm::event::{MouseEvent, MouseEventKind};
        let mut app = crate::tui::fixture::at_card_step(120, 40);
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)),
        );
        update(
            &mut app,
            Msg::Mouse(MouseEvent {
                kind: MouseEventKind::ScrollDown,
                column: 60,
                row: 20,
                modifiers: KeyModifiers::NONE,
            }),
        );
        let Some(Overlay::Cards(picker)) = &app.overlay else {
            panic!("picker closed: {:?}", app.overlay)
        };
        assert_eq!(picker.selected, 3, "the wheel's three rows");
    }

    #[test]
    fn auth_words_follow_the_catalog() {
        let all = card_list::all();
        let word = |n: &str| all.iter().find(|c| c.number == n).map(auth_word);
        assert_eq!(word("4444333322221111"), Some("OTP"));
        assert_eq!(word("5116213113429327"), Some("none"));
        assert_eq!(word("4999000000000120"), Some(""));
    }
}
