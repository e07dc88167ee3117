//! The test-card picker overlay: the expected outcome first, then the number grouped in
//! fours, then the description, under their catalog group; the search in the title.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fit;
use crate::card::group_in_fours;
use crate::flow::card_list::CardFacts;
use crate::tui::app::App;
use crate::tui::card_picker::{CardPicker, auth_word};
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::theme::Theme;

/// Marker, number and authentication columns with their gaps: what the outcome and the
/// description share the rest of the width around.
const FIXED: usize = 2 + 1 + 4 + 1 + 19 + 2;
/// The outcome column never gets narrower than this (`→ ERROR Customer/Ip is Blocked`)
/// while the number still fits beside it…
const OUTCOME_MIN: usize = 30;
/// …nor wider than this, so the description keeps room on wide screens.
const OUTCOME_MAX: usize = 46;

/// The outcome column's heading.
const HEADING: &str = "expected outcome";

/// One line of the list: a group's heading or a card (its index among the matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Heading(usize),
    Card(usize),
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, picker: &CardPicker) {
    let t = &app.theme;
    let cards = picker.matches();
    let total = crate::flow::card_list::all().len();
    let choose = label_of(Action::Select, Context::Picker);
    let close = label_of(Action::Close, Context::Picker);
    let title = if picker.query.is_empty() {
        format!("Test cards · {total} · type to search · {choose} fills the card · {close}")
    } else {
        format!(
            "Test cards · search \"{}\" · {} of {total} · {choose} fills · {close}",
            picker.query,
            cards.len()
        )
    };
    let inner = super::overlays::frame_box(
        frame,
        area,
        app,
        &title,
        area.width.saturating_sub(2).min(150),
        // `area` reaches two rows past the notice's top (see `views::draw`); centred, a
        // box four shorter ends above it, so what a key did stays readable (as help's).
        area.height.saturating_sub(4),
    );
    let width = inner.width as usize;
    let rest = width.saturating_sub(FIXED);
    // As wide as the longest outcome the search kept, within bounds, so a narrow result
    // set leaves its room to the description.
    let longest = cards
        .iter()
        // "→ " before it and a blank column after it, so it never runs into the 3DS word.
        .map(|c| crate::tui::columns::width(&c.expected) + 3)
        .max()
        .unwrap_or(OUTCOME_MIN);
    let outcome_width = (rest * 55 / 100)
        .clamp(OUTCOME_MIN, OUTCOME_MAX)
        .min(longest.max(HEADING.len()))
        .min(rest);
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "  {:<outcome_width$} {:<4} {:<19}  about",
                HEADING, "3DS", "card number"
            ),
            width,
        ),
        Style::default().fg(t.muted),
    )];
    let list_height = (inner.height as usize).saturating_sub(2);
    if cards.is_empty() {
        lines.push(Line::styled(
            fit(
                &format!(
                    "No card matches \"{}\": edit the search, or {close} closes.",
                    picker.query
                ),
                width,
            ),
            Style::default().fg(t.warn),
        ));
    } else {
        let entries = entries(&cards);
        let offset = offset(&entries, picker.selected, list_height);
        for entry in entries.iter().skip(offset).take(list_height) {
            lines.push(match *entry {
                Entry::Heading(i) => Line::styled(
                    fit(cards[i].group, width),
                    Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
                ),
                Entry::Card(i) => row(&cards[i], i == picker.selected, width, outcome_width, t),
            });
        }
    }
    while lines.len() < list_height + 1 {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        fit(
            "3DS: OTP = challenge (code 123456) · none = frictionless · blank = the S2S call answers",
            width,
        ),
        Style::default().fg(t.muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The list's lines: each group's heading before its first card.
fn entries(cards: &[CardFacts]) -> Vec<Entry> {
    let mut out = Vec::with_capacity(cards.len() + 16);
    for (i, card) in cards.iter().enumerate() {
        if i == 0 || cards[i - 1].group != card.group {
            out.push(Entry::Heading(i));
        }
        out.push(Entry::Card(i));
    }
    out
}

/// The first line shown: the list scrolls only once the highlighted card would leave it,
/// and then keeps it on the last line, so a group's heading just above it stays in view.
fn offset(entries: &[Entry], selected: usize, height: usize) -> usize {
    let at = entries
        .iter()
        .position(|e| *e == Entry::Card(selected))
        .unwrap_or(0);
    (at + 1).saturating_sub(height.max(1))
}

/// A card's row; the highlight covers the whole width.
fn row(
    card: &CardFacts,
    selected: bool,
    width: usize,
    outcome_width: usize,
    t: &Theme,
) -> Line<'static> {
    let outcome_colour = match card.status {
        Some("PAID") => t.ok,
        Some("PAYMENT_IN_PROCESS" | "EXPIRED") => t.warn,
        _ => t.error,
    };
    let style = |colour| {
        if selected {
            t.row(true)
        } else {
            Style::default().fg(colour)
        }
    };
    let marker = if selected { "▶ " } else { "  " };
    let outcome = fit(&format!("→ {}", card.expected), outcome_width);
    let described = width.saturating_sub(FIXED + outcome_width);
    let description = fit(&card.description, described);
    let spans = vec![
        Span::styled(marker, style(t.accent)),
        Span::styled(format!("{outcome:<outcome_width$} "), style(outcome_colour)),
        Span::styled(format!("{:<4} ", auth_word(card)), style(t.muted)),
        Span::styled(format!("{}  ", group_in_fours(card.number)), style(t.text)),
        Span::styled(format!("{description:<described$}"), style(t.muted)),
    ];
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_group_gets_one_heading_before_its_first_card() {
        let cards = crate::flow::card_list::all();
        let entries = entries(&cards);
        let headings = entries
            .iter()
            .filter(|e| matches!(e, Entry::Heading(_)))
            .count();
        let groups = crate::flow::card_list::grouped(&cards).len();
        assert_eq!(headings, groups);
        assert_eq!(entries.len(), cards.len() + groups);
        assert_eq!(entries[0], Entry::Heading(0));
    }

    #[test]
    fn the_highlight_is_always_in_view_with_its_heading_when_it_fits() {
        let cards = crate::flow::card_list::all();
        let entries = entries(&cards);
        for height in [1, 2, 5, 18] {
            for selected in 0..cards.len() {
                let top = offset(&entries, selected, height);
                let shown = &entries[top..(top + height).min(entries.len())];
                let at = entries
                    .iter()
                    .position(|e| *e == Entry::Card(selected))
                    .expect("listed");
                assert!(
                    shown.contains(&Entry::Card(selected)),
                    "{selected} at {height}"
                );
                if height > 1 && matches!(entries[at - 1], Entry::Heading(_)) {
                    assert!(shown.contains(&entries[at - 1]), "{selected} at {height}");
                }
            }
        }
    }
}
