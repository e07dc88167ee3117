//! Pretty, coloured JSON (or plain text) as lines for scrolling views.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;

/// Lines of a body: pretty-printed and coloured when it is JSON, as text otherwise.
pub fn body_lines(body: &str, theme: &Theme) -> Vec<Line<'static>> {
    match serde_json::from_str::<Value>(body) {
        Ok(value) => serde_json::to_string_pretty(&value)
            .unwrap_or_default()
            .lines()
            .map(|l| colour_line(&clean(l), theme))
            .collect(),
        Err(_) => body.lines().map(|l| Line::from(clean(l))).collect(),
    }
}

/// Colours one line of pretty JSON: keys, strings, numbers, literals.
fn colour_line(line: &str, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let indent_len = line.len() - line.trim_start().len();
    spans.push(Span::raw(line[..indent_len].to_string()));
    let rest = &line[indent_len..];
    let (key, value) = match split_key(rest) {
        Some((k, v)) => (Some(k), v),
        None => (None, rest),
    };
    if let Some(k) = key {
        spans.push(Span::styled(
            k.to_string(),
            Style::default().fg(theme.json_key),
        ));
        spans.push(Span::raw(": "));
    }
    let trimmed = value.trim_end_matches(',');
    let comma = &value[trimmed.len()..];
    let style = if trimmed.starts_with('"') {
        Style::default().fg(theme.json_string)
    } else if trimmed.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        Style::default().fg(theme.json_number)
    } else if matches!(trimmed, "true" | "false" | "null") {
        Style::default().fg(theme.json_literal)
    } else {
        Style::default().fg(theme.text)
    };
    spans.push(Span::styled(trimmed.to_string(), style));
    spans.push(Span::raw(comma.to_string()));
    Line::from(spans)
}

/// `"key": value` → (`"key"`, `value`), honouring escaped quotes in the key.
fn split_key(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with('"') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                let after = &text[i + 1..];
                return after.strip_prefix(": ").map(|v| (&text[..=i], v));
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pretty_and_text_is_kept() {
        let theme = crate::tui::theme::default_theme();
        let lines = body_lines(r#"{"a":1,"b":"x\"y"}"#, &theme);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["{", "  \"a\": 1,", "  \"b\": \"x\\\"y\"", "}"]);
        let plain = body_lines("<h1>\x1b[31mhi</h1>", &theme);
        assert_eq!(plain[0].to_string(), "<h1>\\u001b[31mhi</h1>");
    }
}
