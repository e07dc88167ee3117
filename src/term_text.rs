//! The one way text from a server (or anything not written by this program) reaches a
//! terminal: every control character and every invisible direction override is written
//! out visibly as a `\uXXXX` escape. A hostile `errorMsg` can then neither write the
//! clipboard (OSC 52), set the window title, switch screens, hide the cursor nor reorder
//! what is shown — and the escape is the JSON spelling, so a sanitised JSON line stays
//! valid JSON (these characters can only stand inside its strings).

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls (ESC, BEL, CSI as
/// U+009B, …), the Unicode direction overrides and isolates, and the characters that
/// are invisible and join nothing (zero-width space, word joiner, byte-order mark, the
/// invisible operators): an id holding one would look like another. The zero-width
/// joiner and non-joiner stay: emoji and scripts need them.
pub fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(
            c,
            '\u{180E}' | '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    out.push_str(&format!("\\u{:04x}", c as u32));
}

/// An amount as money is written (`5.00`); any other JSON value as it is, cleaned.
pub fn amount(v: &serde_json::Value) -> String {
    v.as_f64()
        .map_or_else(|| clean(&v.to_string()), |a| format!("{a:.2}"))
}

/// `text` for one line of a terminal: tabs become spaces, line breaks and every other
/// control are escaped visibly.
pub fn clean(text: &str) -> String {
    if !text.chars().any(|c| c == '\t' || unsafe_char(c)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            c if unsafe_char(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// [`clean`] for multi-line output: line breaks (`\n`) and tabs are kept, everything
/// else unsafe is escaped (a `\r` too, so a line cannot overwrite itself).
pub fn clean_lines(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c != '\n' && c != '\t' && unsafe_char(c))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if unsafe_char(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Prints an error or warning line on standard error through [`clean_lines`] (error
/// texts quote servers, URLs and files). Shared by the commands and the explorer, which
/// prints before it takes the terminal and after it gives it back.
pub fn eprint_line(line: &str) {
    use std::io::Write as _;
    // Nothing sensible is left to do when standard error itself is gone.
    let _ = std::io::stderr()
        .lock()
        .write_all(clean_lines(&format!("{line}\n")).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_that_join_nothing_are_written_out() {
        assert_eq!(clean("ab\u{200B}c"), "ab\\u200bc");
        assert_eq!(clean("\u{FEFF}id\u{2060}"), "\\ufeffid\\u2060");
        // A family emoji keeps its joiners.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(clean(family), family);
    }

    #[test]
    fn escapes_are_written_out_visibly() {
        assert_eq!(
            clean("ok\x1b[2Jbad\x07\ttab\r\n"),
            "ok\\u001b[2Jbad\\u0007 tab\\u000d\\u000a"
        );
        assert_eq!(clean("\u{9b}31m \u{202e}abc"), "\\u009b31m \\u202eabc");
    }

    #[test]
    fn clean_lines_keeps_line_breaks_and_tabs_only() {
        assert_eq!(
            clean_lines("a\x1b[1m\r\nb\n\tc"),
            "a\\u001b[1m\\u000d\nb\n\tc"
        );
        assert_eq!(clean_lines("plain\n"), "plain\n");
    }

    #[test]
    fn a_sanitised_json_line_stays_json_with_the_same_value() {
        let value = serde_json::json!({"m": "x\u{1b}]52;c;AAAA\u{7} \u{9b}2J \u{202e}"});
        let line = clean_lines(&value.to_string());
        assert!(!line.chars().any(|c| c.is_control()));
        let back: serde_json::Value = serde_json::from_str(&line).expect("still JSON");
        assert_eq!(back, value);
    }
}
