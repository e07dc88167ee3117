//! Pretty, coloured JSON (or plain text) as wrappable lines for scrolling views: the same
//! rows the exchange detail folds, all open.

use ratatui::text::Line;
use serde_json::Value;

use crate::tui::detail::json_rows;
use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;
use crate::tui::wrap::Para;

/// Lines of a body: pretty-printed and coloured when it is JSON, as text otherwise.
pub fn body_lines(body: &str, theme: &Theme) -> Vec<Para> {
    match serde_json::from_str::<Value>(body) {
        Ok(value) => {
            let mut rows = Vec::new();
            json_rows::push(&mut rows, &value, 0, theme);
            rows.into_iter().map(|r| r.para).collect()
        }
        Err(_) => body
            .lines()
            .map(|l| Para::plain(Line::from(clean(l))))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pretty_and_text_is_kept() {
        let theme = crate::tui::theme::default_theme();
        let lines = body_lines(r#"{"a":1,"b":"x\"y"}"#, &theme);
        let text: Vec<String> = lines.iter().map(|l| l.line.to_string()).collect();
        assert_eq!(text, ["{", "  \"a\": 1,", "  \"b\": \"x\\\"y\"", "}"]);
        let plain = body_lines("<h1>\x1b[31mhi</h1>", &theme);
        assert_eq!(plain[0].line.to_string(), "<h1>\\u001b[31mhi</h1>");
    }
}
