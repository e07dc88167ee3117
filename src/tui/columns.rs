//! Terminal columns of text, counted the way the screen buffer counts them: by grapheme
//! (a flag is two code points and one picture, a family emoji five), each as wide as
//! ratatui's `CellWidth` says. Every cut and every padding in the panes goes through
//! here: one that counted `char`s left half a flag on screen (a lone regional indicator,
//! which terminals draw at their own width, so the row drifted until a full redraw), and
//! one that padded by `char`s pushed the next column right by one per wide character.

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// Columns grapheme `g` takes; none for one with a control in it, which the buffer drops
/// (text from servers reaches the panes through `term_text`, which writes controls out).
fn grapheme_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        0
    } else {
        usize::from(g.cell_width())
    }
}

/// Columns `text` takes on the screen.
pub fn width(text: &str) -> usize {
    if text.is_ascii() {
        return text.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    text.graphemes(true).map(grapheme_width).sum()
}

/// `text` in at most `columns` columns: whole graphemes, and `…` in the last column
/// when some were left out.
pub fn fit(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    if columns == 0 {
        return String::new();
    }
    let mut out = take(text, columns - 1);
    out.push('…');
    out
}

/// The whole graphemes of `text` that fit in `columns` columns, from its start.
fn take(text: &str, columns: usize) -> String {
    let mut out = String::with_capacity(columns + 2);
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > columns {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out
}

/// `text`, then spaces up to `columns` columns (what `{:<N$}` does for ASCII only);
/// a wider text is left whole, as `{:<N$}` leaves it.
pub fn pad(text: &str, columns: usize) -> String {
    let mut out = text.to_string();
    let used = width(&out);
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(used)));
    out
}

/// The columns of `text` from column `from`, at most `columns` wide, with `…` in the
/// edge column on a side where the text goes on. A wide grapheme the left edge falls
/// inside is left out (its column is part of the marker or a space), never drawn half.
pub fn window(text: &str, from: usize, columns: usize) -> String {
    if columns == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut at = 0;
    let mut used = 0;
    let mut more_right = false;
    for g in text.graphemes(true) {
        let w = grapheme_width(g);
        if at < from {
            at += w;
            if at > from {
                // The grapheme straddles the left edge: its visible part becomes blanks.
                let blanks = (at - from).min(columns);
                out.extend(std::iter::repeat_n(' ', blanks));
                used += blanks;
            }
            continue;
        }
        if used + w > columns {
            more_right = true;
            break;
        }
        out.push_str(g);
        used += w;
        at += w;
    }
    if from > 0 && at > from {
        out = format!("…{}", drop_first_column(&out));
    }
    if more_right {
        out = take(&out, columns - 1);
        let room = (columns - 1).saturating_sub(width(&out));
        out.extend(std::iter::repeat_n(' ', room));
        out.push('…');
    }
    out
}

/// `text` without its first column: a wide first grapheme leaves a space for its rest.
fn drop_first_column(text: &str) -> String {
    let mut graphemes = text.graphemes(true);
    let Some(first) = graphemes.next() else {
        return String::new();
    };
    let rest = graphemes.as_str();
    match grapheme_width(first) {
        0 => drop_first_column(rest),
        1 => rest.to_string(),
        w => format!("{}{rest}", " ".repeat(w - 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAG: &str = "🇩🇪";
    const FAMILY: &str = "👨\u{200d}👩\u{200d}👧";

    #[test]
    fn widths_count_pictures_not_code_points() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width(FLAG), 2);
        assert_eq!(width(FAMILY), 2);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("e\u{301}"), 1, "a combining accent takes no column");
        assert_eq!(
            width("a\u{7}b"),
            2,
            "a control is dropped, as the buffer does"
        );
    }

    #[test]
    fn a_cut_never_splits_a_flag() {
        let flags = FLAG.repeat(5);
        for columns in 0..=12 {
            let cut = fit(&flags, columns);
            assert!(width(&cut) <= columns, "{columns}: {cut}");
            let body = cut.trim_end_matches('…');
            assert_eq!(
                body.chars().count() % 2,
                0,
                "{columns}: half a flag in {cut:?}"
            );
        }
        assert_eq!(fit(&flags, 10), flags, "it fits whole");
        assert_eq!(fit(&flags, 9), format!("{}…", FLAG.repeat(4)));
        assert_eq!(fit(&flags, 8), format!("{}…", FLAG.repeat(3)));
        assert_eq!(fit(&format!("ab{FAMILY}cd"), 4), "ab…");
    }

    #[test]
    fn padding_counts_columns() {
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(pad("日本語です", 5), "日本語です");
        assert_eq!(width(&pad(&fit("日本語です", 5), 5)), 5);
        assert_eq!(pad(FLAG, 3), format!("{FLAG} "));
        assert_eq!(pad("abc", 3), "abc");
    }

    #[test]
    fn a_window_marks_both_edges_and_keeps_graphemes_whole() {
        assert_eq!(window("abcdefgh", 0, 8), "abcdefgh");
        assert_eq!(window("abcdefgh", 0, 5), "abcd…");
        assert_eq!(window("abcdefgh", 2, 4), "…de…");
        assert_eq!(window("abcdefgh", 5, 4), "…gh");
        let flags = FLAG.repeat(6);
        for from in 0..12 {
            for columns in 1..10 {
                let shown = window(&flags, from, columns);
                assert!(width(&shown) <= columns, "{from}/{columns}: {shown:?}");
                let regional = shown
                    .chars()
                    .filter(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(c));
                assert_eq!(
                    regional.count() % 2,
                    0,
                    "{from}/{columns}: half a flag in {shown:?}"
                );
            }
        }
        assert_eq!(window("日本語", 1, 4), "…本…");
        assert_eq!(window("日本語", 1, 5), "…本語");
        assert_eq!(window("日本語", 3, 3), "…語");
    }
}
