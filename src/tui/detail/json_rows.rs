//! A JSON value as pretty, coloured rows that know their tree: each object or array opens
//! on a row that can fold it (`{…} 12 keys`, `[…] 3 items`) and closes on a row of its
//! own; every row knows the container it sits in.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::doc::{Fold, Row};
use crate::tui::columns::width as width_of;
use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;
use crate::tui::wrap::Para;

/// Appends the rows of `value` to `rows`, indented by `indent` columns.
pub fn push(rows: &mut Vec<Row>, value: &Value, indent: usize, theme: &Theme) {
    node(rows, None, value, indent, None, false, theme);
}

/// How a folded container reads: `{…} 1 key`, `[…] 3 items`.
fn summary(value: &Value) -> String {
    match value {
        Value::Object(m) if m.len() == 1 => "{…} 1 key".into(),
        Value::Object(m) => format!("{{…}} {} keys", m.len()),
        Value::Array(a) if a.len() == 1 => "[…] 1 item".into(),
        Value::Array(a) => format!("[…] {} items", a.len()),
        _ => String::new(),
    }
}

/// The key part of a row (`"name": `) and its width.
fn key_spans(key: Option<&str>, theme: &Theme) -> (Vec<Span<'static>>, usize) {
    match key {
        Some(k) => {
            let quoted = clean(&serde_json::to_string(k).unwrap_or_default());
            let width = width_of(&quoted) + 2;
            (
                vec![
                    Span::styled(quoted, Style::default().fg(theme.json_key)),
                    Span::styled(": ", Style::default().fg(theme.text)),
                ],
                width,
            )
        }
        None => (vec![], 0),
    }
}

/// A scalar as shown (JSON spelling, sanitised), its colour, and what copying it gives.
fn scalar(value: &Value, theme: &Theme) -> (String, Style, String) {
    match value {
        Value::String(s) => (
            clean(&serde_json::to_string(s).unwrap_or_default()),
            Style::default().fg(theme.json_string),
            clean(s),
        ),
        Value::Number(n) => (
            n.to_string(),
            Style::default().fg(theme.json_number),
            n.to_string(),
        ),
        Value::Bool(_) | Value::Null => {
            let text = value.to_string();
            (text.clone(), Style::default().fg(theme.json_literal), text)
        }
        Value::Array(_) => ("[]".into(), Style::default().fg(theme.text), "[]".into()),
        Value::Object(_) => ("{}".into(), Style::default().fg(theme.text), "{}".into()),
    }
}

fn is_container(value: &Value) -> bool {
    match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn node(
    rows: &mut Vec<Row>,
    key: Option<&str>,
    value: &Value,
    indent: usize,
    parent: Option<usize>,
    comma: bool,
    theme: &Theme,
) {
    let punct = Style::default().fg(theme.text);
    let pad = Span::raw(" ".repeat(indent));
    let (mut spans, key_width) = key_spans(key, theme);
    spans.insert(0, pad.clone());
    let comma_span = || Span::styled(if comma { "," } else { "" }, punct);
    // Continuation lines of a long value start under the value, unless that is far right.
    let hang = indent + key_width;
    if !is_container(value) {
        let (text, style, copy) = scalar(value, theme);
        spans.push(Span::styled(text, style));
        spans.push(comma_span());
        rows.push(Row {
            para: Para {
                line: Line::from(spans),
                hang,
                copy: Some(copy),
            },
            parent,
            ..Row::default()
        });
        return;
    }
    let (open, close) = if value.is_object() {
        ("{", "}")
    } else {
        ("[", "]")
    };
    let at = rows.len();
    let mut folded = spans.clone();
    folded.push(Span::styled(
        summary(value),
        Style::default().fg(theme.muted),
    ));
    folded.push(comma_span());
    spans.push(Span::styled(open, punct));
    rows.push(Row {
        para: Para {
            line: Line::from(spans),
            hang,
            copy: None,
        },
        parent,
        ..Row::default()
    });
    match value {
        Value::Object(map) => {
            let last = map.len().saturating_sub(1);
            for (i, (k, v)) in map.iter().enumerate() {
                node(rows, Some(k), v, indent + 2, Some(at), i < last, theme);
            }
        }
        Value::Array(items) => {
            let last = items.len().saturating_sub(1);
            for (i, v) in items.iter().enumerate() {
                node(rows, None, v, indent + 2, Some(at), i < last, theme);
            }
        }
        _ => {}
    }
    rows.push(Row {
        para: Para {
            line: Line::from(vec![pad, Span::styled(close, punct), comma_span()]),
            hang: indent,
            copy: None,
        },
        parent: Some(at),
        closes: true,
        ..Row::default()
    });
    let end = rows.len() - 1;
    rows[at].fold = Some(Fold {
        end,
        folded: Para {
            line: Line::from(folded),
            hang,
            copy: None,
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(json: &str) -> Vec<Row> {
        let theme = crate::tui::theme::default_theme();
        let value: Value = serde_json::from_str(json).expect("json");
        let mut rows = Vec::new();
        push(&mut rows, &value, 0, &theme);
        rows
    }

    #[test]
    fn rows_are_serde_json_pretty_printing() {
        let json = r#"{"a":1,"b":{"c":[true,null,"x\"y"],"d":{}},"e":[]}"#;
        let rows = rows_of(json);
        let text: Vec<String> = rows.iter().map(|r| r.para.line.to_string()).collect();
        let value: Value = serde_json::from_str(json).expect("json");
        let pretty = serde_json::to_string_pretty(&value).expect("pretty");
        assert_eq!(text, pretty.lines().collect::<Vec<_>>());
    }

    #[test]
    fn containers_know_their_rows() {
        let rows = rows_of(r#"{"a":1,"b":{"c":[1,2]}}"#);
        // 0 {  1 "a"  2 "b": {  3 "c": [  4 1  5 2  6 ]  7 }  8 }
        let root = rows[0].fold.as_ref().expect("root folds");
        assert_eq!(root.end, 8);
        assert_eq!(root.folded.line.to_string(), "{…} 2 keys");
        let b = rows[2].fold.as_ref().expect("b folds");
        assert_eq!(
            (b.end, b.folded.line.to_string()),
            (7, "  \"b\": {…} 1 key".into())
        );
        assert_eq!(
            rows[3].fold.as_ref().map(|f| f.folded.line.to_string()),
            Some("    \"c\": […] 2 items".into())
        );
        assert_eq!(rows[4].parent, Some(3));
        assert!(rows[6].closes && rows[6].parent == Some(3));
        assert_eq!(rows[1].para.copy.as_deref(), Some("1"));
    }
}
