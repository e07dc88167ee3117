//! The field guide on screen: two lines for the focused field under a form, a section
//! for every field of the form in the help overlay, and the lines of a refund or
//! capture prompt. The texts come from `paysecure::field_guide`.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::fit;
use crate::paysecure::field_guide::{FieldGuide, guide_for};
use crate::tui::form_model::{Field, Form};
use crate::tui::theme::Theme;
use crate::tui::wrap::Para;

/// `ⓘ email · required · name@domain.tld — what it is for` and
/// `  server checks …; wrong: 400 code "message"`, each cut to `width`.
pub fn guide_lines(field: &Field, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let muted = Style::default().fg(t.muted);
    let Some(g) = guide_for(&field.path) else {
        return vec![Line::styled(
            fit(&format!("ⓘ {}: no guide entry", field.label), width),
            muted,
        )];
    };
    let head = format!("ⓘ {} · {} · {} — ", field.label, g.need.words(), g.format);
    let first = fit(&format!("{head}{}", g.what), width);
    let (label, rest) = split_at_chars(&first, head.chars().count());
    vec![
        Line::from(vec![
            Span::styled(label, Style::default().fg(t.accent)),
            Span::styled(rest, Style::default().fg(t.text)),
        ]),
        Line::styled(fit(&format!("  {}", server_words(g)), width), muted),
    ]
}

/// `server checks: …; wrong: 400 code "message"`.
fn server_words(g: &FieldGuide) -> String {
    match g.error_line() {
        Some(error) => format!("server checks: {}; wrong: {error}", g.check),
        None => format!("server checks: {}", g.check),
    }
}

fn split_at_chars(text: &str, n: usize) -> (String, String) {
    let head: String = text.chars().take(n).collect();
    let tail: String = text.chars().skip(n).collect();
    (head, tail)
}

/// The help overlay's "Fields of this form" section: every field of `form`, its
/// entry wrapped under it.
pub fn form_section(form: &Form, title: &str, t: &Theme) -> Vec<Para> {
    let strong = Style::default().fg(t.accent).add_modifier(Modifier::BOLD);
    let mut paras = vec![Para::plain(Line::styled(
        format!("Fields of this form — {title}"),
        strong,
    ))];
    for field in &form.fields {
        paras.extend(entry_paras(&field.label, guide_for(&field.path), t));
    }
    paras.push(Para::plain(Line::raw("")));
    paras
}

/// The lines of one entry: `label  required · format — what`, then the server's check
/// and error, hanging under the text.
pub fn entry_paras(label: &str, g: Option<&FieldGuide>, t: &Theme) -> Vec<Para> {
    const HANG: usize = 20;
    let label_span = Span::styled(
        format!("{:<HANG$}", fit(label, HANG - 1)),
        Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
    );
    let Some(g) = g else {
        return vec![Para {
            line: Line::from(vec![label_span, Span::raw("no guide entry")]),
            hang: HANG,
            copy: None,
        }];
    };
    vec![
        Para {
            line: Line::from(vec![
                label_span,
                Span::styled(
                    format!("{} · {} — ", g.need.words(), g.format),
                    Style::default().fg(t.muted),
                ),
                Span::styled(g.what.to_string(), Style::default().fg(t.text)),
            ]),
            hang: HANG,
            copy: None,
        },
        Para {
            line: Line::from(vec![
                Span::raw(" ".repeat(HANG)),
                Span::styled(server_words(g), Style::default().fg(t.muted)),
            ]),
            hang: HANG,
            copy: None,
        },
    ]
}
