//! What the terminal is sent for the graphemes terminals draw at widths of their own.
//!
//! The screen model (ratatui's buffer) gives a flag, a joined emoji (family, profession,
//! skin tone) or a tag flag one cell of two columns. Terminals disagree: tmux draws a
//! flag's two regional indicators as two cells and a family as three pictures, six
//! columns. The first left half a flag behind when the cell was redrawn (a stray 🇪
//! until a full redraw); the second pushed the rest of the row right. So such a grapheme
//! goes to the terminal as one code point every terminal draws at the model's width:
//! its first picture (👨 for a family, 👍 for a toned thumb), 🏴 for a flag, `?` for
//! what has no such stand-in. The model keeps the text as it is: what tests read, what
//! copy and export give, is unchanged; only the drawing is.

use std::borrow::Cow;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Cell, CellWidth};
use ratatui::layout::{Position, Size};

/// Code points whose drawn width depends on the terminal: regional indicators, the
/// zero-width joiner, variation selectors, skin-tone modifiers, the keycap mark and the
/// tag characters of subdivision flags.
fn width_varies(c: char) -> bool {
    matches!(c,
        '\u{1F1E6}'..='\u{1F1FF}'
        | '\u{200D}'
        | '\u{FE0E}' | '\u{FE0F}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{20E3}'
        | '\u{E0020}'..='\u{E007F}')
}

fn is_regional(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// What to send the terminal for the cell symbol `symbol`: `None` for itself (nearly
/// every cell: the check is one pass over a few bytes).
pub fn drawable(symbol: &str) -> Option<&str> {
    if symbol.is_ascii() || !symbol.chars().any(width_varies) {
        return None;
    }
    let columns = symbol.cell_width();
    if symbol.chars().all(is_regional) {
        return Some(if columns >= 2 { "🏴" } else { "?" });
    }
    // The first picture: everything up to the first code point whose width varies.
    let end = symbol
        .char_indices()
        .find(|(_, c)| width_varies(*c))
        .map_or(symbol.len(), |(i, _)| i);
    let base = &symbol[..end];
    // A text symbol asked to look like an emoji (❤ + U+FE0F): the model gives it two
    // columns, terminals one or two. Sent without the selector it is one everywhere, and
    // ratatui writes the second column itself for a symbol with U+FE0F in it.
    if symbol[end..] == *"\u{FE0F}" && base.chars().count() == 1 && base.cell_width() == 1 {
        return Some(base);
    }
    let stand_in = STAND_INS.iter().find(|s| **s == base).copied();
    match (stand_in, columns) {
        (Some(s), _) if s.cell_width() == columns => Some(s),
        (_, 2) => Some("？"),
        _ => Some("?"),
    }
}

/// Pictures that stand for a sequence they start (the base of a family, a profession, a
/// toned hand or a tag flag), each one code point drawn two columns wide everywhere.
/// A base that is not here is drawn as `？` (full-width, two columns) or `?`.
const STAND_INS: &[&str] = &[
    "👨", "👩", "🧑", "👦", "👧", "👶", "🧒", "👴", "👵", "🧓", "👍", "👎", "👋", "👏", "🙏", "💪",
    "👌", "✋", "🤚", "🤞", "🤝", "👈", "👉", "👆", "👇", "🏴", "🐻", "🐈", "🐕", "🐦", "🔥", "⭐",
    "✅", "❌", "🙂", "😀", "😂", "😍", "👀", "🏃", "🚶", "🧍", "🧎", "🤷", "🙋", "💁", "🙅", "🙆",
    "🤦", "👮", "💂", "👷", "🧙", "🧚", "🧛", "🧜", "🧝", "🧞", "🧟", "🏄", "🏊", "🚴", "🤸", "🤽",
    "🤾", "🤹",
];

/// The explorer's terminal: standard output through [`SafeGlyphs`].
pub type Screen =
    ratatui::Terminal<SafeGlyphs<ratatui::backend::CrosstermBackend<std::io::Stdout>>>;

/// The explorer's terminal on standard output (already raw and on the alternate screen).
pub fn screen() -> std::io::Result<Screen> {
    ratatui::Terminal::new(SafeGlyphs::new(ratatui::backend::CrosstermBackend::new(
        std::io::stdout(),
    )))
}

/// A backend that draws through `inner`, each cell's symbol first through [`drawable`].
#[derive(Debug)]
pub struct SafeGlyphs<B> {
    inner: B,
}

impl<B> SafeGlyphs<B> {
    pub fn new(inner: B) -> SafeGlyphs<B> {
        SafeGlyphs { inner }
    }

    /// The backend drawn through (tests read what it was sent).
    pub fn inner(&self) -> &B {
        &self.inner
    }
}

impl<B: Backend> Backend for SafeGlyphs<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, Cow<'a, Cell>)> = content
            .map(|(x, y, cell)| match drawable(cell.symbol()) {
                None => (x, y, Cow::Borrowed(cell)),
                Some(stand_in) => {
                    let mut swapped = cell.clone();
                    swapped.set_symbol(stand_in);
                    (x, y, Cow::Owned(swapped))
                }
            })
            .collect();
        self.inner
            .draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell.as_ref())))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use ratatui::backend::TestBackend;
    use ratatui::text::Line;
    use ratatui::widgets::Paragraph;

    use super::*;

    #[test]
    fn every_stand_in_is_one_code_point_two_columns_wide() {
        for s in STAND_INS {
            assert_eq!((s.chars().count(), s.cell_width()), (1, 2), "{s}");
        }
    }

    #[test]
    fn plain_text_and_single_pictures_go_as_they_are() {
        for s in ["a", "…", "日", "€", "e\u{301}", "👍", "❤", "🏴"] {
            assert_eq!(drawable(s), None, "{s}");
        }
    }

    #[test]
    fn sequences_go_as_one_picture_of_the_same_width() {
        let cases = [
            ("🇩🇪", "🏴"),
            ("\u{1F1E9}", "?"),
            ("👨\u{200d}👩\u{200d}👧", "👨"),
            ("👍\u{1F3FD}", "👍"),
            (
                "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
                "🏴",
            ),
            ("🐦\u{200d}🔥", "🐦"),
        ];
        for (sequence, shown) in cases {
            assert_eq!(drawable(sequence), Some(shown), "{sequence:?}");
            assert_eq!(
                shown.cell_width(),
                sequence.cell_width(),
                "{sequence:?} keeps its columns"
            );
            assert_eq!(shown.chars().count(), 1, "one code point: {shown}");
        }
        // A text symbol with the emoji selector goes without it, one column: ratatui
        // writes the cell after it (see the backend test).
        assert_eq!(drawable("\u{2764}\u{FE0F}"), Some("\u{2764}"));
        // A base with no stand-in: a full-width question mark, two columns.
        let unknown = "🦩\u{200d}🔥";
        assert_eq!(unknown.cell_width(), 2);
        assert_eq!(drawable(unknown), Some("？"));
        assert_eq!("？".cell_width(), 2);
    }

    #[test]
    fn the_terminal_gets_stand_ins_and_the_model_keeps_the_text() {
        let mut terminal =
            ratatui::Terminal::new(SafeGlyphs::new(TestBackend::new(12, 1))).expect("terminal");
        let text = "a🇩🇪b👨\u{200d}👩\u{200d}👧c\u{2764}\u{FE0F}d";
        let model: String = terminal
            .draw(|f| f.render_widget(Paragraph::new(Line::raw(text)), f.area()))
            .expect("draw")
            .buffer
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(
            model.starts_with("a🇩🇪 b👨\u{200d}👩\u{200d}👧 c"),
            "{model:?}"
        );
        let sent: String = terminal
            .backend()
            .inner()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert_eq!(sent, "a🏴 b👨 c\u{2764} d  ");
        assert!(!sent.chars().any(width_varies), "{sent:?}");
    }
}
