//! The readable output of `flow`: one line per exchange as it happens, then a summary
//! with the catalog's explanation under any coded error.

use crate::api::catalog::{self, Explanation};
use crate::api::{ApiError, Exchange, ExchangeKind};
use crate::flow::diagnosis::{self, SentFacts};
use crate::flow::runner::{FlowReport, landed_name};
use crate::flow::target::Target;
use crate::term_text::{amount, clean};

/// What the run is talking to.
pub fn header(target: &Target) -> String {
    let banner = target.banner();
    let mark = if banner.loud { "▲" } else { "●" };
    format!("{mark} {} {}\n", banner.text, target.base_url)
}

/// Names the steps of one run as their exchanges come. The first browser GET after the
/// S2S call is the callback URL being opened, wherever a server put it (the name was
/// guessed from `/payment/` in the path, and a callback elsewhere read "redirect landing").
#[derive(Debug, Default)]
pub struct StepNames {
    s2s_seen: bool,
    callback_opened: bool,
}

impl StepNames {
    /// `① create purchase   POST /api/v1/purchases/ → 202 (3 ms)`.
    pub fn line(&mut self, ex: &Exchange) -> String {
        let name = self.name(ex);
        exchange_line_named(ex, name)
    }

    fn name(&mut self, ex: &Exchange) -> &'static str {
        let path = ex.path();
        if ex.kind != ExchangeKind::Browser && path.contains("s2s=true") {
            self.s2s_seen = true;
        }
        let is_callback = ex.kind == ExchangeKind::Browser
            && ex.method == "GET"
            && self.s2s_seen
            && !self.callback_opened;
        if is_callback {
            self.callback_opened = true;
            return "③ open callback_url";
        }
        step_name(ex)
    }
}

fn step_name(ex: &Exchange) -> &'static str {
    let path = ex.path();
    match ex.kind {
        // `flow --checkout`: the hosted page stands in for the S2S call.
        ExchangeKind::Browser if path.contains("/payments/") && ex.method == "POST" => {
            "② hosted page: pay"
        }
        ExchangeKind::Browser if path.contains("/payments/") => "② open checkout_url",
        ExchangeKind::Browser if path.contains("/merchant/") || !path.contains("/payment/") => {
            "③ redirect landing"
        }
        ExchangeKind::Browser if ex.method == "POST" => "③ 3DS challenge answer",
        ExchangeKind::Browser => "③ open callback_url",
        _ if path.contains("s2s=true") => "② S2S payment",
        _ if path.ends_with("/purchases/") => "① create purchase",
        _ if ex.method == "POST" && path.ends_with("/capture/") => "   capture the hold",
        _ => "   status GET",
    }
}

fn exchange_line_named(ex: &Exchange, name: &str) -> String {
    let result = match (ex.status, &ex.error) {
        // An answer that came but could not be used (too large, not the API's JSON) is
        // no plain 200.
        (Some(s), Some(e)) => format!("{s}, not used: {}", clean(e)),
        (Some(s), None) => s.to_string(),
        (None, Some(e)) => format!("failed: {e}"),
        (None, None) => "no answer".into(),
    };
    format!(
        "{:<24} {} {} → {} ({:.0} ms)",
        name,
        ex.method,
        ex.path(),
        result,
        ex.latency_ms
    )
}

fn explanation_block(x: &Explanation) -> String {
    format!(
        "  {}\n  what it means : {}\n  likely cause  : {}\n  try next      : {}\n",
        x.title, x.meaning, x.cause, x.next
    )
}

/// A coded error explained from the facts (see [`diagnosis`]): the sandbox trigger first,
/// what fired in the request, the production meaning, and "still payable" from the
/// status GET that followed.
fn diagnosis_block(d: &diagnosis::Diagnosis) -> String {
    let mut out = String::new();
    if let Some(trigger) = &d.trigger {
        out.push_str(&format!("  {}\n", clean(trigger)));
    }
    if let Some(fired) = &d.fired {
        out.push_str(&format!("  in this request: {}\n", clean(fired)));
    }
    let x = &d.explanation;
    let (meaning, cause) = if d.trigger.is_some() {
        ("what it means", "usual cause  ")
    } else {
        ("what it means", "likely cause ")
    };
    let title = if d.trigger.is_some() {
        format!("In production: {}", x.title)
    } else {
        x.title.to_string()
    };
    out.push_str(&format!(
        "  {title}\n  {meaning} : {}\n  {cause} : {}\n  still payable : {}\n  try next      : {}\n",
        x.meaning,
        x.cause,
        d.payable.label(),
        diagnosis::try_next(d)
    ));
    out
}

/// The capture and the saved card, when the purchase has them (the card only for a
/// payment that went through; `with_token`: it was paid with that saved card).
fn after_pay_lines(report: &FlowReport, with_token: bool) -> String {
    let field = |key: &str| report.purchase_field(key);
    let mut out = String::new();
    if let Some(captured) = field("captured_amount").filter(|v| !v.is_null()) {
        let released = field("released_amount").unwrap_or_default();
        out.push_str(&format!(
            "captured  {} (released {})\n",
            amount(&captured),
            amount(&released)
        ));
    }
    if let Some(token) = report.flow.saved_card_token() {
        out.push_str(&if with_token {
            format!("token     {token} (paid with this saved card)\n")
        } else {
            format!("token     {token} (saved card: pay again with --token {token})\n")
        });
    }
    out
}

/// After a capture that failed: what the status GET that followed says of the hold, and
/// what to try next (the payment went through either way, so the S2S diagnosis, payable
/// or not, another card, does not apply).
fn capture_outcome_lines(report: &FlowReport) -> String {
    let held = report
        .flow
        .purchase
        .as_ref()
        .and_then(crate::api::Purchase::purchase_total)
        .map(amount);
    match report.status().map(|s| s.to_ascii_uppercase()) {
        Some(status) if status == "PREAUTHORIZED" => format!(
            "  the hold      : the status GET after it says PREAUTHORIZED: nothing was captured\n  try next      : capture again, at most the held amount{} (the explorer's k on this purchase), or void the hold (its cancel)\n",
            held.map_or_else(String::new, |h| format!(" of {h}"))
        ),
        Some(status) => format!(
            "  the hold      : the status GET after it says {}: the hold is no longer waiting for a capture\n  try next      : nothing to capture; read the purchase's status for what it became\n",
            clean(&status)
        ),
        None => "  the hold      : unknown: the status GET after the capture failed; a status GET of the purchase says whether it was captured (PREAUTHORIZED: it was not)\n".to_string(),
    }
}

/// The closing summary, with `note` (see [`super::pending_note`]) last.
/// `sent` is what the failing call carried; `sandbox` says whether test cards are
/// triggers here (this project's sandbox, embedded or served on this machine);
/// `embedded`, that the server is known to be it (it ends a call whose connection closed).
pub fn summary(
    report: &FlowReport,
    note: Option<&str>,
    sent: Option<&SentFacts>,
    sandbox: bool,
    embedded: bool,
) -> String {
    let mut out = String::from("\n");
    if let Some(id) = report.flow.purchase_id() {
        out.push_str(&format!("purchase  {}\n", clean(id)));
    }
    if let Some(url) = &report.flow.callback_url {
        out.push_str(&format!("callback  {}\n", clean(url)));
    }
    if let Some(status) = &report.flow.status {
        out.push_str(&format!("status    {}\n", clean(&status.as_upper())));
    }
    out.push_str(&after_pay_lines(report, sent.is_some_and(|s| s.with_token)));
    if let Some(landed) = landed_name(report.flow.landed) {
        out.push_str(&format!("landed    {landed} redirect\n"));
    }
    if let Some(w) = &report.webhook {
        let verdict = if w.signature_valid {
            "valid"
        } else {
            "INVALID"
        };
        out.push_str(&format!(
            "webhook   {} (signature {verdict})\n",
            clean(&w.status)
        ));
    }
    if let Some(decline) = report
        .flow
        .purchase
        .as_ref()
        .and_then(|p| p.error_msg.as_deref())
        .filter(|m| !m.is_empty())
        // A synchronous error that killed the purchase is explained once, below.
        .filter(|m| !matches!(&report.error, Some(ApiError::Coded { message, .. }) if message == m))
    {
        out.push_str(&format!("errorMsg  {}\n", clean(decline)));
        if let Some(x) = catalog::explain_decline(decline) {
            out.push_str(&explanation_block(&x));
        }
    }
    match &report.error {
        Some(ApiError::Coded {
            http_status,
            code,
            message,
        }) => {
            let headline = if report.capture_refused {
                "the capture call was refused"
            } else {
                let stage = diagnosis::Stage::of(
                    report.flow.purchase.is_some(),
                    report.flow.failed_in_the_browser_step(),
                );
                diagnosis::headline(*http_status, stage)
            };
            out.push_str(&format!(
                "\nerror     HTTP {http_status} {}: {}\n          {headline}\n",
                clean(code),
                clean(message),
            ));
            if report.capture_refused {
                let x = catalog::explain(code, message);
                out.push_str(&format!(
                    "  {}\n  what it means : {}\n  likely cause  : {}\n",
                    x.title, x.meaning, x.cause
                ));
                out.push_str(&capture_outcome_lines(report));
                return finish_summary(out, note);
            }
            let d = diagnosis::diagnose(
                code,
                message,
                diagnosis::Context {
                    sent,
                    purchase: report.flow.purchase.as_ref(),
                    status: report.flow.status.as_ref(),
                    checking: false,
                    attempts_made: 1,
                    attempt_limit: diagnosis::DEFAULT_ATTEMPT_LIMIT,
                    sandbox,
                },
            );
            out.push_str(&diagnosis_block(&d));
        }
        Some(err @ ApiError::Transport { kind, .. }) => {
            out.push_str(&format!(
                "\ntransport failure: {}\n",
                clean(&err.to_string())
            ));
            if report.capture_refused {
                // No answer to the capture: the status GET after it says what happened.
                out.push_str(&capture_outcome_lines(report));
                return finish_summary(out, note);
            }
            if let Some(trigger) = diagnosis::transport_trigger(kind, sent, sandbox) {
                out.push_str(&format!("  {trigger}\n"));
            }
            out.push_str(&format!(
                "  {}\n",
                clean(&diagnosis::transport_known(
                    kind,
                    report.flow.purchase.is_some(),
                    report.flow.status.as_ref(),
                    false,
                    embedded,
                    // The attempts the purchase's record lists (one run pays once).
                    diagnosis::attempts_used_up(
                        report.flow.purchase.as_ref(),
                        0,
                        diagnosis::DEFAULT_ATTEMPT_LIMIT
                    )
                ))
            ));
        }
        None => {}
    }
    finish_summary(out, note)
}

fn finish_summary(mut out: String, note: Option<&str>) -> String {
    if let Some(note) = note {
        out.push_str(&format!("\n{note}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixture;

    fn browser(method: &str, url: &str) -> Exchange {
        let mut ex = fixture::exchange(method, "/x/", 200, 0, "");
        ex.kind = ExchangeKind::Browser;
        ex.url = url.into();
        ex
    }

    /// The first browser GET after the S2S call is the callback being opened, wherever
    /// the server put it; what follows is named from its path as before.
    #[test]
    fn the_callback_is_named_wherever_it_points() {
        let mut names = StepNames::default();
        let create = fixture::exchange("POST", "/purchases/", 202, 0, "{}");
        assert!(names.line(&create).starts_with("① create purchase"));
        let s2s = fixture::exchange("POST", "/p/abc/?s2s=true", 202, 0, "{}");
        assert!(names.line(&s2s).starts_with("② S2S payment"));
        let callback = browser("GET", "http://127.0.0.1:9/cb");
        assert!(names.line(&callback).starts_with("③ open callback_url"));
        let landing = browser("GET", "http://127.0.0.1:9/shop/return?ok=1");
        assert!(names.line(&landing).starts_with("③ redirect landing"));
        // Before any S2S call (a hosted-page run) a browser GET is not the callback.
        let mut hosted = StepNames::default();
        let page = browser("GET", "http://127.0.0.1:9/api/v1/payments/abc/");
        assert!(hosted.line(&page).starts_with("② open checkout_url"));
    }
}
