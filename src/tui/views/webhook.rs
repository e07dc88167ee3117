//! What a merchant's code must check on a webhook, shown under the webhook's detail: the
//! raw `paysecure-sign` value, the exact signed string, the algorithm, the public key,
//! the verdict and ready verification snippets.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

use crate::api::Exchange;
use crate::tui::keys::{Action, Context, label_of};
use crate::tui::sanitize::clean;
use crate::tui::theme::Theme;
use crate::tui::wrap::Para;

/// The facts of a recorded webhook needed to verify it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookFacts {
    pub purchase_id: String,
    /// As the body says it (lower case).
    pub status: String,
    pub brand_id: String,
    pub signature: Option<String>,
}

impl WebhookFacts {
    /// Reads a webhook exchange (the merchant stub's record).
    pub fn of(ex: &Exchange) -> Option<WebhookFacts> {
        let body: Value = serde_json::from_str(ex.request_body.as_deref()?).ok()?;
        let text = |p: &str| body.pointer(p).and_then(Value::as_str).map(str::to_string);
        Some(WebhookFacts {
            purchase_id: text("/message/purchaseId")?,
            status: text("/status").or_else(|| text("/message/status"))?,
            brand_id: text("/message/brandId")
                .or_else(|| text("/message/brand_id"))
                .unwrap_or_default(),
            signature: crate::api::exchange::header_value(&ex.request_headers, "paysecure-sign")
                .map(str::to_string),
        })
    }

    /// `{purchaseId}|{STATUS}|{brandId}`: what the signature covers.
    pub fn signed_string(&self) -> String {
        crate::flow::webhook_verify::signed_string(&self.purchase_id, &self.status, &self.brand_id)
    }
}

/// The verification section of a webhook's detail. Each value is copied whole by the
/// copy key (a signature is one long token: cut on a narrow screen, never broken).
pub fn lines(ex: &Exchange, t: &Theme, public_key_pem: Option<&str>) -> Vec<Para> {
    let Some(facts) = WebhookFacts::of(ex) else {
        return vec![];
    };
    let kv = |k: &str, v: String, style: Style| {
        let value = clean(&v);
        Para::kv(
            &format!("  {k}"),
            17,
            Style::default().fg(t.muted),
            vec![Span::styled(value.clone(), style)],
        )
        .copying(value)
    };
    let line = |l: Line<'static>| Para::plain(l);
    let text = Style::default().fg(t.text);
    let mut out = vec![
        line(Line::styled(
            "▾ verify it (what your merchant code must check)",
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        )),
        kv(
            "paysecure-sign",
            facts
                .signature
                .clone()
                .unwrap_or_else(|| "(missing)".into()),
            text,
        ),
        kv("signed string", facts.signed_string(), text),
        kv(
            "note",
            format!(
                "the STATUS is upper case in the signed string although the body says \"{}\": lower case fails verification",
                facts.status
            ),
            Style::default().fg(t.warn),
        ),
        kv(
            "algorithm",
            "RSA-SHA256, PKCS#1 v1.5, signature Base64".into(),
            text,
        ),
    ];
    let verdict = ex.note.as_deref().unwrap_or("");
    let (v, style) = if verdict.contains('✓') {
        ("✓ valid (checked by the merchant stub)", t.ok)
    } else {
        ("✗ INVALID (the merchant stub answered 401)", t.error)
    };
    out.push(kv("verdict", v.into(), Style::default().fg(style)));
    match public_key_pem {
        Some(pem) => {
            out.push(line(Line::styled(
                format!(
                    "  public key ({} copies it):",
                    label_of(Action::CopyKey, Context::Detail)
                ),
                Style::default().fg(t.muted),
            )));
            out.extend(
                pem.lines()
                    .map(|l| line(Line::styled(format!("    {}", clean(l)), text))),
            );
            // The snippets take the status as signed: upper case.
            for snippet in crate::flow::webhook_verify::snippets(
                &facts.purchase_id,
                &facts.status.to_ascii_uppercase(),
                &facts.brand_id,
                facts.signature.as_deref().unwrap_or(""),
                pem,
            ) {
                out.push(line(Line::styled(
                    format!(
                        "  ▸ {} (prints valid or invalid)",
                        verify_label(snippet.lang)
                    ),
                    Style::default().fg(t.accent),
                )));
                // A code line is copied as it is, to be pasted into a shell or a file.
                out.extend(snippet.code.lines().map(|l| {
                    line(Line::styled(format!("    {}", clean(l)), text)).copying(clean(l))
                }));
            }
        }
        None => out.push(line(Line::styled(
            "  public key: GET /_sandbox/public-key of the sandbox that signed it",
            Style::default().fg(t.muted),
        ))),
    }
    out
}

/// The heading of a verification snippet: curl's is the openssl CLI in `sh`.
fn verify_label(lang: crate::codegen::Lang) -> &'static str {
    match lang {
        crate::codegen::Lang::Curl => "sh + openssl",
        other => other.label(),
    }
}
