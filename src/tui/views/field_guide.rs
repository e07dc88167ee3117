//! The field guide on screen: two lines for the focused field under a form, a section
//! for every field of the form in the help overlay, and the lines of a refund or
//! capture prompt. The texts come from `paysecure::field_guide`.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::fit;
use crate::paysecure::field_guide::{FieldGuide, guide_for};
use crate::tui::form_model::{Field, Form};
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::theme::Theme;
use crate::tui::wrap::{Para, wrap_all};

/// The focused field's guide in `width` columns and at most `rows` lines: wrapped when
/// it fits, else two lines cut with `…` (`email · required · format — what it is for`,
/// then what the server checks and its error).
pub fn guide_lines(field: &Field, width: usize, rows: usize, t: &Theme) -> Vec<Line<'static>> {
    let muted = Style::default().fg(t.muted);
    let Some(g) = guide_for(&field.path) else {
        return vec![Line::styled(
            fit(&format!("{}: no guide entry", field.label), width),
            muted,
        )];
    };
    let head = format!("{} · {} · {} — ", field.label, g.need.words(), g.format);
    let paras = [
        Para {
            line: Line::from(vec![
                Span::styled(head.clone(), Style::default().fg(t.accent)),
                Span::styled(g.what.to_string(), Style::default().fg(t.text)),
            ]),
            hang: 2,
            copy: None,
        },
        Para {
            line: Line::styled(format!("  {}", server_words(g)), muted),
            hang: 2,
            copy: None,
        },
    ];
    let wrapped = wrap_all(&paras, width).lines;
    if wrapped.len() <= rows {
        return wrapped;
    }
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
        Some(error) => format!("server checks: {}; when wrong: {error}", g.check),
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
        format!(
            "Fields of this form — {title} (modes and editing keys: {} above)",
            label_of(Action::Up, Context::Help)
        ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paysecure::field_guide::{GUIDE, key_of};
    use crate::tui::app::InputFor;
    use crate::tui::{fixture, step_forms};

    /// Every field path the explorer can show: both forms (with a second product row)
    /// and the purchase prompts.
    fn every_field() -> Vec<String> {
        let app = fixture::app(120, 40);
        let mut purchase = app.purchase_form.clone();
        step_forms::add_product(&mut purchase);
        let mut paths: Vec<String> = purchase
            .fields
            .iter()
            .chain(&app.card_form.fields)
            .map(|f| f.path.clone())
            .collect();
        for what in InputFor::ALL {
            paths.extend(what.guide_fields().iter().map(|k| k.to_string()));
        }
        paths
    }

    #[test]
    fn every_field_of_every_form_and_prompt_has_an_entry() {
        let paths = every_field();
        for path in &paths {
            assert!(guide_for(path).is_some(), "{path} has no field-guide entry");
        }
        // And no entry is left over from a field that went away.
        for g in GUIDE {
            assert!(
                paths.iter().any(|p| key_of(p) == g.key),
                "{} matches no field",
                g.key
            );
        }
        assert_eq!(InputFor::PartialRefund.guide_fields().len(), 2);
        assert_eq!(InputFor::CaptureAmount.guide_fields().len(), 1);
    }

    #[test]
    fn the_guide_line_wraps_when_there_is_room_and_is_cut_when_not() {
        let app = fixture::app(120, 40);
        let email = app.purchase_form.get("client.email").expect("email");
        let t = &app.theme;
        let text = |lines: &[Line]| -> String {
            lines
                .iter()
                .map(|l| {
                    l.spans
                        .iter()
                        .map(|s| s.content.as_ref())
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let roomy = guide_lines(email, 50, 10, t);
        assert!(roomy.len() > 2, "{roomy:?}");
        assert!(text(&roomy).contains("\"Invalid Email Format\""));
        let cut = guide_lines(email, 50, 2, t);
        assert_eq!(cut.len(), 2);
        assert!(text(&cut).contains('…'));
    }
}
