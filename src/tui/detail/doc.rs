//! An exchange as rows: the request line, the webhook's verification facts, headers and
//! bodies — JSON as a foldable tree, HTML as readable text (or raw), anything else as
//! text. The overlay, the summary pane and `update` all read the same rows, so what the
//! keys move over is what is drawn.

use std::collections::BTreeSet;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::{html, json_rows};
use crate::api::{Exchange, ExchangeKind};
use crate::tui::columns::width as width_of;
use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;
use crate::tui::wrap::Para;

/// Bodies longer than this are shown cut, as text: drawing stays fast whatever a server
/// sent (the record keeps the whole body; `c` copies it as curl).
pub const MAX_SHOWN_BODY: usize = 256 * 1024;

/// One logical row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub para: Para,
    /// The row that opens the JSON container this row sits in.
    pub parent: Option<usize>,
    /// Set on the row that opens a foldable container.
    pub fold: Option<Fold>,
    /// The row closes its parent container (`}` or `]`).
    pub closes: bool,
}

/// A foldable container.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fold {
    /// Its closing row.
    pub end: usize,
    /// How its opening row reads while folded.
    pub folded: Para,
}

/// The rows of an exchange.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub rows: Vec<Row>,
    /// A body is HTML (so the raw toggle means something).
    pub has_html: bool,
}

/// What to include.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Headers and the webhook's verification facts (the full overlay).
    pub full: bool,
    /// HTML bodies as their source instead of readable text.
    pub raw_html: bool,
    pub public_key_pem: Option<&'a str>,
    /// The zone the exchange's time is shown in (no time line without one).
    pub zone: Option<&'a crate::tui::local_time::LocalTime>,
}

impl Doc {
    /// Full-document indices of the rows shown with `folds` folded, in order.
    pub fn visible(&self, folds: &BTreeSet<usize>) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.rows.len());
        let mut i = 0;
        while i < self.rows.len() {
            out.push(i);
            i = match &self.rows[i].fold {
                Some(f) if folds.contains(&i) => f.end + 1,
                _ => i + 1,
            };
        }
        out
    }

    /// Row `i` as shown: its folded form when folded.
    pub fn shown(&self, i: usize, folds: &BTreeSet<usize>) -> Option<&Para> {
        let row = self.rows.get(i)?;
        Some(match &row.fold {
            Some(f) if folds.contains(&i) => &f.folded,
            _ => &row.para,
        })
    }

    /// The containers row `i` sits in, innermost first.
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = self.rows.get(i).and_then(|r| r.parent);
        while let Some(p) = at {
            out.push(p);
            at = self.rows.get(p).and_then(|r| r.parent);
        }
        out
    }
}

fn push_line(rows: &mut Vec<Row>, para: Para) {
    rows.push(Row {
        para,
        ..Row::default()
    });
}

fn content_type(headers: &[(String, String)]) -> Option<&str> {
    crate::api::exchange::header_value(headers, "content-type")
}

fn looks_like_html(headers: &[(String, String)], body: &str) -> bool {
    if let Some(ct) = content_type(headers) {
        return ct.to_ascii_lowercase().contains("html");
    }
    let start = body
        .trim_start()
        .get(..15)
        .unwrap_or("")
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// The rows of `ex`.
pub fn build(ex: &Exchange, t: &Theme, opts: &Options) -> Doc {
    let mut doc = Doc::default();
    let rows = &mut doc.rows;
    if opts.full && ex.kind == ExchangeKind::Webhook {
        // What a merchant must check comes first; the raw exchange follows.
        let verify = crate::tui::views::webhook::lines(ex, t, opts.public_key_pem);
        if !verify.is_empty() {
            for para in verify {
                push_line(rows, para);
            }
            push_line(rows, Para::default());
        }
    }
    push_line(rows, request_line(ex, t, opts.full));
    if let Some(zone) = opts.zone {
        push_line(
            rows,
            Para::plain(Line::styled(
                zone.date_time(ex.started_at_ms),
                Style::default().fg(t.muted),
            )),
        );
    }
    if let Some(note) = &ex.note {
        push_line(
            rows,
            Para::plain(Line::styled(clean(note), Style::default().fg(t.muted))),
        );
    }
    if let Some(err) = &ex.error {
        push_line(
            rows,
            Para::plain(Line::styled(
                format!("transport failure: {}", clean(err)),
                Style::default().fg(t.error),
            )),
        );
    }
    for (title, headers, body) in [
        ("request", &ex.request_headers, &ex.request_body),
        ("response", &ex.response_headers, &ex.response_body),
    ] {
        push_line(
            rows,
            Para::plain(Line::styled(
                format!("▾ {title}"),
                Style::default().fg(t.muted),
            )),
        );
        if opts.full {
            for (k, v) in headers.iter() {
                let label = format!("  {}: ", clean(k));
                let hang = width_of(&label);
                push_line(
                    rows,
                    Para {
                        line: Line::from(vec![
                            Span::styled(label, Style::default().fg(t.json_key)),
                            Span::raw(clean(v)),
                        ]),
                        hang,
                        copy: Some(clean(v)),
                    },
                );
            }
        }
        match body.as_deref() {
            Some(b) if !b.is_empty() => {
                let html = looks_like_html(headers, b);
                doc.has_html |= html;
                body_rows(rows, b, html && !opts.raw_html, t);
            }
            _ => push_line(
                rows,
                Para::plain(Line::styled("  (no body)", Style::default().fg(t.muted))),
            ),
        }
    }
    doc
}

/// `GET http://…/purchases/…/  200 · 9.0 ms`: the URL is one token, so it never breaks,
/// and the status keeps its parts together (no-break spaces). The summary pane shows the
/// path only.
fn request_line(ex: &Exchange, t: &Theme, full_url: bool) -> Para {
    let status = ex
        .status
        .map_or_else(|| "no\u{a0}response".to_string(), |s| s.to_string());
    let url = clean(if full_url { &ex.url } else { ex.path() });
    let bold = Style::default().fg(t.accent).add_modifier(Modifier::BOLD);
    Para {
        line: Line::from(vec![
            Span::styled(format!("{} ", ex.method), bold),
            Span::styled(url.clone(), bold),
            Span::raw("  "),
            Span::styled(
                format!("{status}\u{a0}·\u{a0}{:.1}\u{a0}ms", ex.latency_ms),
                Style::default().fg(t.text),
            ),
        ]),
        hang: width_of(&ex.method) + 1,
        copy: Some(url),
    }
}

/// The rows of one body, indented two columns.
fn body_rows(rows: &mut Vec<Row>, body: &str, readable_html: bool, t: &Theme) {
    if body.len() > MAX_SHOWN_BODY {
        let mut cut = MAX_SHOWN_BODY;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        text_rows(rows, &body[..cut], t);
        push_line(
            rows,
            Para::plain(Line::styled(
                format!(
                    "  … {} more bytes not shown here ({} copies the whole exchange as curl)",
                    body.len() - cut,
                    crate::tui::keys::detail_key(crate::tui::keys::Action::CopyCurl)
                ),
                Style::default().fg(t.warn),
            )),
        );
        return;
    }
    if readable_html {
        for line in html::readable(body) {
            let style = match line.kind {
                html::Kind::Heading => Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
                html::Kind::Field => Style::default().fg(t.json_key),
                html::Kind::Text => Style::default().fg(t.text),
            };
            push_line(
                rows,
                Para {
                    line: Line::styled(format!("  {}", clean(&line.text)), style),
                    hang: 2,
                    copy: Some(clean(&line.text)),
                },
            );
        }
        return;
    }
    match serde_json::from_str::<Value>(body) {
        Ok(value) => json_rows::push(rows, &value, 2, t),
        Err(_) => text_rows(rows, body, t),
    }
}

fn text_rows(rows: &mut Vec<Row>, text: &str, t: &Theme) {
    for l in text.lines() {
        let line = clean(l);
        push_line(
            rows,
            Para {
                line: Line::styled(format!("  {line}"), Style::default().fg(t.text)),
                hang: 2 + line.chars().take_while(|c| *c == ' ').count(),
                copy: Some(line),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixture;

    fn texts(doc: &Doc) -> Vec<String> {
        doc.rows.iter().map(|r| r.para.line.to_string()).collect()
    }

    #[test]
    fn an_api_exchange_reads_head_then_bodies() {
        let theme = crate::tui::theme::default_theme();
        let ex = fixture::exchange("GET", "/purchases/x/", 200, 0, r#"{"status":"paid"}"#);
        let doc = build(&ex, &theme, &Options::default());
        assert_eq!(
            texts(&doc),
            [
                "GET /api/v1/purchases/x/  200\u{a0}·\u{a0}9.0\u{a0}ms",
                "▾ request",
                "  {",
                "    \"card_number\": \"444433******1111\",",
                "    \"remote_ip\": \"157.38.242.7\"",
                "  }",
                "▾ response",
                "  {",
                "    \"status\": \"paid\"",
                "  }",
            ]
        );
        let folds = BTreeSet::from([2]);
        assert_eq!(doc.visible(&folds), [0, 1, 2, 6, 7, 8, 9]);
        assert_eq!(
            doc.shown(2, &folds).map(|p| p.line.to_string()),
            Some("  {…} 2 keys".into())
        );
        assert_eq!(doc.ancestors(3), [2]);
    }

    #[test]
    fn an_html_body_is_readable_or_raw() {
        let theme = crate::tui::theme::default_theme();
        let mut ex = fixture::exchange(
            "GET",
            "/payment/x/",
            200,
            0,
            "<!doctype html><title>Pay</title><h1>Confirm</h1><input name=otp>",
        );
        ex.response_headers = vec![("content-type".into(), "text/html; charset=utf-8".into())];
        let doc = build(&ex, &theme, &Options::default());
        assert!(doc.has_html);
        let text = texts(&doc);
        assert_eq!(
            &text[text.len() - 3..],
            ["  Pay", "  Confirm", "  [input otp]"]
        );
        let raw = build(
            &ex,
            &theme,
            &Options {
                raw_html: true,
                ..Options::default()
            },
        );
        assert!(
            texts(&raw)
                .last()
                .is_some_and(|l| l.contains("<h1>Confirm</h1>"))
        );
    }

    #[test]
    fn a_huge_body_is_cut_with_a_note() {
        let theme = crate::tui::theme::default_theme();
        let big = "x".repeat(MAX_SHOWN_BODY + 10);
        let ex = fixture::exchange("GET", "/big/", 200, 0, &big);
        let doc = build(&ex, &theme, &Options::default());
        assert!(
            texts(&doc)
                .last()
                .is_some_and(|l| l.contains("10 more bytes not shown"))
        );
    }
}
