//! Server-supplied text is stripped of control characters before it is drawn, so a
//! hostile or broken response cannot move the cursor or change the terminal.

/// `text` without control characters (tabs become spaces; other controls are dropped).
pub fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// [`clean`] line by line, keeping the line breaks (multi-line CLI output).
pub fn clean_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(body) => format!("{}\n", clean(body)),
            None => clean(line),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_are_removed() {
        assert_eq!(clean("ok\x1b[2Jbad\x07\ttab\r\n"), "ok[2Jbad tab");
    }

    #[test]
    fn clean_lines_keeps_line_breaks_only() {
        assert_eq!(clean_lines("a\x1b[1m\r\nb\n\nc"), "a[1m\nb\n\nc");
    }
}
