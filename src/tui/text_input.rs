//! One line of editable text — a form field or a prompt — on the `tui-input` crate, which
//! moves and deletes by grapheme and by word; and the window of it that fits a width,
//! following the cursor, with `…` where the text is cut.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};
use unicode_segmentation::UnicodeSegmentation;

/// The most characters one line holds: typing stops and a paste is cut there.
pub const MAX_CHARS: usize = 4096;

/// An editable line: its text (what a form sends) and a cursor.
#[derive(Debug, Clone, Default)]
pub struct TextInput(Input);

impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value() && self.cursor() == other.cursor()
    }
}

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved (or the key was an editing key with nothing to do).
    Moved,
    /// Not an editing key.
    Ignored,
}

/// What a paste put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pasted {
    pub inserted: usize,
    /// Line breaks and other control characters left out.
    pub dropped_controls: usize,
    /// Characters past [`MAX_CHARS`] left out.
    pub cut: usize,
}

impl TextInput {
    /// A line holding `value`, the cursor at its end.
    pub fn new(value: impl Into<String>) -> TextInput {
        TextInput(Input::new(value.into()))
    }

    /// The text.
    pub fn value(&self) -> &str {
        self.0.value()
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set(&mut self, value: impl Into<String>) {
        self.0 = Input::new(value.into());
    }

    /// Characters (code points) before the cursor.
    pub fn cursor(&self) -> usize {
        self.0.cursor()
    }

    /// Applies an editing key: characters, Backspace/Delete, ←/→, Home/End, word motions
    /// (Ctrl+←/→, Alt+b/f), word deletion (Ctrl+W, Alt+Backspace, Alt+d), Ctrl+K (to the
    /// end), Ctrl+A/Ctrl+E (start/end, where the key table leaves them), Ctrl+U (all).
    pub fn edit(&mut self, key: &KeyEvent) -> Edit {
        let Some(request) = request_for(key) else {
            return Edit::Ignored;
        };
        if matches!(request, InputRequest::InsertChar(_))
            && self.value().chars().count() >= MAX_CHARS
        {
            return Edit::Moved;
        }
        match self.0.handle(request) {
            Some(changed) if changed.value => Edit::Changed,
            _ => Edit::Moved,
        }
    }

    /// Inserts `text` at the cursor as one piece: a line holds one line, so each run of
    /// line breaks and tabs becomes one space between the words it separated (a pasted
    /// "Anna⏎Maria" is "Anna Maria"), other control characters are left out, and nothing
    /// goes past [`MAX_CHARS`].
    pub fn paste(&mut self, text: &str) -> Pasted {
        let mut pasted = Pasted::default();
        let room = MAX_CHARS.saturating_sub(self.value().chars().count());
        let mut gap = false;
        let mut last = None;
        for c in text.chars() {
            if matches!(c, '\n' | '\r' | '\t') {
                gap = last.is_some_and(|l: char| l != ' ');
            } else if is_dropped(c) {
                pasted.dropped_controls += 1;
            } else if pasted.inserted + usize::from(gap && c != ' ') < room {
                if std::mem::take(&mut gap) && c != ' ' {
                    self.0.handle(InputRequest::InsertChar(' '));
                    pasted.inserted += 1;
                }
                self.0.handle(InputRequest::InsertChar(c));
                pasted.inserted += 1;
                last = Some(c);
            } else {
                pasted.cut += 1;
            }
        }
        pasted
    }
}

/// Whether `c` never goes into a field: what must not reach a terminal as it is (control
/// characters, the Unicode direction controls, invisible characters): U+202E makes the
/// text after it show reversed, so what a field shows would not be what it sends.
fn is_dropped(c: char) -> bool {
    crate::term_text::unsafe_char(c)
}

/// The editing request a key stands for.
fn request_for(key: &KeyEvent) -> Option<InputRequest> {
    use InputRequest::*;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // Terminals report Alt as ALT, some as META.
    let alt = key
        .modifiers
        .intersects(KeyModifiers::ALT | KeyModifiers::META);
    Some(match key.code {
        KeyCode::Char('b') if alt && !ctrl => GoToPrevWord,
        KeyCode::Char('f') if alt && !ctrl => GoToNextWord,
        KeyCode::Char('d') if alt && !ctrl => DeleteNextWord,
        KeyCode::Char('w') if ctrl => DeletePrevWord,
        KeyCode::Char('h') if ctrl => DeletePrevChar,
        KeyCode::Char('k') if ctrl => DeleteTillEnd,
        KeyCode::Char('u') if ctrl => DeleteLine,
        KeyCode::Char('a') if ctrl => GoToStart,
        KeyCode::Char('e') if ctrl => GoToEnd,
        KeyCode::Char(c) if !ctrl && !alt && !is_dropped(c) => InsertChar(c),
        KeyCode::Backspace if ctrl || alt => DeletePrevWord,
        KeyCode::Backspace => DeletePrevChar,
        KeyCode::Delete if ctrl => DeleteNextWord,
        KeyCode::Delete => DeleteNextChar,
        KeyCode::Left if ctrl || alt => GoToPrevWord,
        KeyCode::Left => GoToPrevChar,
        KeyCode::Right if ctrl || alt => GoToNextWord,
        KeyCode::Right => GoToNextChar,
        KeyCode::Home => GoToStart,
        KeyCode::End => GoToEnd,
        _ => return None,
    })
}

/// The part of a line that fits a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// What to draw: at most `width` columns, `…` first when the start is cut off and
    /// last when the end is.
    pub text: String,
    /// The cursor's column in `text`.
    pub cursor: usize,
}

/// The window of `text` (as displayed) that keeps the cursor — `cursor` characters in —
/// on screen in `width` columns. The start is shown while the cursor is near it, the end
/// while the cursor is near that; in between the cursor sits mid-window. One column is
/// kept for the cursor after the last character.
pub fn window(text: &str, cursor: usize, width: usize) -> Shown {
    let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
    let cursor_byte = text
        .char_indices()
        .nth(cursor)
        .map_or(text.len(), |(i, _)| i);
    // Columns before each grapheme, and the cursor's column in the whole text.
    let widths: Vec<usize> = graphemes
        .iter()
        .map(|(_, g)| super::columns::width(g))
        .collect();
    let total: usize = widths.iter().sum();
    let at_cursor = graphemes
        .iter()
        .position(|(i, _)| *i >= cursor_byte)
        .unwrap_or(graphemes.len());
    let column: usize = widths[..at_cursor].iter().sum();
    let at_end = at_cursor == graphemes.len();
    if total + usize::from(at_end) <= width || width < 3 {
        return Shown {
            text: text.to_string(),
            cursor: column,
        };
    }
    // The start, with `…` in the last column: the cursor must be before that column.
    if column < width - 1 {
        return Shown {
            text: take(&graphemes, &widths, 0, width - 1, true),
            cursor: column,
        };
    }
    // The end, after a leading `…`.
    let tail_room = width - 1;
    let needed = total + usize::from(at_end);
    let mut start = 0;
    let mut skipped = 0;
    while needed - skipped > tail_room && start < graphemes.len() {
        skipped += widths[start];
        start += 1;
    }
    if start <= at_cursor {
        let mut shown = String::from("…");
        shown.push_str(&take(&graphemes, &widths, start, tail_room, false));
        return Shown {
            text: shown,
            cursor: 1 + column - skipped,
        };
    }
    // The middle: `…` at both ends, the cursor halfway.
    let room = width - 2;
    let mut start = at_cursor;
    let mut before = 0;
    while start > 0 && before + widths[start - 1] <= room / 2 {
        start -= 1;
        before += widths[start];
    }
    let mut shown = String::from("…");
    shown.push_str(&take(&graphemes, &widths, start, room, true));
    Shown {
        text: shown,
        cursor: 1 + before,
    }
}

/// Whole graphemes from `start` filling at most `room` columns, padded to `room`; then a
/// `…` when `cut_end` (the rest of the text is not shown).
fn take(
    graphemes: &[(usize, &str)],
    widths: &[usize],
    start: usize,
    room: usize,
    cut_end: bool,
) -> String {
    let mut out = String::new();
    let mut used = 0;
    for (i, (_, g)) in graphemes.iter().enumerate().skip(start) {
        if used + widths[i] > room {
            break;
        }
        used += widths[i];
        out.push_str(g);
    }
    out.push_str(&" ".repeat(room - used));
    if cut_end {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn press(input: &mut TextInput, code: KeyCode, mods: KeyModifiers) -> Edit {
        input.edit(&KeyEvent::new(code, mods))
    }

    fn type_text(input: &mut TextInput, text: &str) {
        for c in text.chars() {
            press(input, KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    #[test]
    fn the_cursor_moves_one_grapheme_over_composed_decomposed_and_emoji() {
        // é composed, e + combining acute, a family emoji (one grapheme of 5 code points).
        let mut input = TextInput::new("");
        type_text(&mut input, "a\u{e9}e\u{301}👨‍👩‍👧b");
        let len = input.value().chars().count();
        assert_eq!(input.cursor(), len);
        press(&mut input, KeyCode::Left, KeyModifiers::NONE); // before b
        press(&mut input, KeyCode::Left, KeyModifiers::NONE); // before the emoji
        assert_eq!(input.cursor(), len - 1 - 5);
        press(&mut input, KeyCode::Left, KeyModifiers::NONE); // before e + ◌́
        assert_eq!(input.cursor(), len - 1 - 5 - 2);
        press(&mut input, KeyCode::Backspace, KeyModifiers::NONE); // erases é, whole
        assert_eq!(input.value(), "ae\u{301}👨‍👩‍👧b");
        press(&mut input, KeyCode::Delete, KeyModifiers::NONE); // erases e + ◌́, whole
        assert_eq!(input.value(), "a👨‍👩‍👧b");
        press(&mut input, KeyCode::Delete, KeyModifiers::NONE); // the whole emoji
        assert_eq!(input.value(), "ab");
    }

    #[test]
    fn word_motions_and_word_deletion() {
        let mut input = TextInput::new("https://merchant.example/return ok");
        press(&mut input, KeyCode::Left, KeyModifiers::CONTROL);
        assert_eq!(input.cursor(), "https://merchant.example/return ".len());
        press(&mut input, KeyCode::Char('b'), KeyModifiers::ALT);
        assert_eq!(input.cursor(), "https://merchant.example/".len());
        press(&mut input, KeyCode::Char('f'), KeyModifiers::ALT);
        press(&mut input, KeyCode::End, KeyModifiers::NONE);
        assert_eq!(
            press(&mut input, KeyCode::Char('w'), KeyModifiers::CONTROL),
            Edit::Changed
        );
        assert_eq!(input.value(), "https://merchant.example/return ");
        press(&mut input, KeyCode::Home, KeyModifiers::NONE);
        assert_eq!(input.cursor(), 0);
        press(&mut input, KeyCode::Char('k'), KeyModifiers::CONTROL);
        assert_eq!(input.value(), "");
    }

    #[test]
    fn typing_stops_at_the_bound_and_a_paste_is_cut_there() {
        let mut input = TextInput::new("x".repeat(MAX_CHARS - 2));
        let pasted = input.paste("ab\ncd");
        assert_eq!(
            pasted,
            Pasted {
                inserted: 2,
                dropped_controls: 0,
                cut: 2
            }
        );
        assert_eq!(input.value().chars().count(), MAX_CHARS);
        assert_eq!(
            press(&mut input, KeyCode::Char('z'), KeyModifiers::NONE),
            Edit::Moved
        );
        assert_eq!(input.value().chars().count(), MAX_CHARS);
    }

    #[test]
    fn a_paste_goes_in_at_the_cursor_with_its_line_breaks_as_spaces() {
        let mut input = TextInput::new("AB");
        press(&mut input, KeyCode::Left, KeyModifiers::NONE);
        input.paste("x\r\ny\tz");
        assert_eq!(input.value(), "Ax y zB");
        assert_eq!(input.cursor(), 6);
        // Breaks at either end, or beside a space, add none.
        let mut input = TextInput::new("");
        input.paste("\nAnna\r\n\tMaria \nSmith\n");
        assert_eq!(input.value(), "Anna Maria Smith");
        // A zero-width space is invisible: never in a field.
        input.paste("\u{200B}");
        assert_eq!(input.value(), "Anna Maria Smith");
    }

    #[test]
    fn direction_controls_never_go_into_a_field_pasted_or_typed() {
        let mut input = TextInput::new("");
        let pasted = input.paste("Jo\u{202E}hn \u{2066}Doe\u{2069}");
        assert_eq!(input.value(), "John Doe");
        assert_eq!(pasted.dropped_controls, 3);
        press(&mut input, KeyCode::Char('\u{202E}'), KeyModifiers::NONE);
        assert_eq!(input.value(), "John Doe");
        // Other non-ASCII text goes in as typed.
        input.paste(" Müller 🇩🇪");
        assert_eq!(input.value(), "John Doe Müller 🇩🇪");
    }

    #[test]
    fn a_short_text_is_shown_whole() {
        assert_eq!(
            window("abc", 3, 10),
            Shown {
                text: "abc".into(),
                cursor: 3
            }
        );
    }

    #[test]
    fn the_window_follows_the_cursor_with_markers_at_cut_edges() {
        let text = "0123456789abcdefghij"; // 20 columns
        // Cursor at the start: the start, the end cut.
        assert_eq!(
            window(text, 0, 10),
            Shown {
                text: "012345678…".into(),
                cursor: 0
            }
        );
        // Cursor at the end: the end (and a free column for the cursor), the start cut.
        assert_eq!(
            window(text, 20, 10),
            Shown {
                text: "…cdefghij ".into(),
                cursor: 9
            }
        );
        // Cursor in the middle: both cut, the cursor mid-window on its character.
        let mid = window(text, 10, 10);
        assert_eq!(mid.text.chars().count(), 10);
        assert!(
            mid.text.starts_with('…') && mid.text.ends_with('…'),
            "{mid:?}"
        );
        assert_eq!(mid.text.chars().nth(mid.cursor), Some('a'), "{mid:?}");
    }

    #[test]
    fn wide_graphemes_are_never_split() {
        let text = "日本語のテキスト"; // 8 graphemes, 16 columns
        let shown = window(text, 8, 9);
        assert!(shown.text.starts_with('…'), "{shown:?}");
        assert!(shown.text.width() <= 9, "{shown:?}");
        assert!(shown.text.contains("スト"), "{shown:?}");
        assert_eq!(shown.cursor, shown.text.trim_end().width());
    }
}
