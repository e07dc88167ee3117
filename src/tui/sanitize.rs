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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_are_removed() {
        assert_eq!(clean("ok\x1b[2Jbad\x07\ttab\r\n"), "ok[2Jbad tab");
    }
}
