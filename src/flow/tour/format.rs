//! The tour file: readable TOML a presenter can write. A bad file is a clear message
//! naming the file, the line and the column (from toml's spans), never a panic.
//!
//! ```toml
//! title = "Card payments with Paysecure"
//!
//! [[stop]]
//! scenario = "happy-3ds"        # a shipped (or saved) scenario
//! title = "A 3-D Secure payment"
//! expect = "paid"               # the status the stop must end in
//! then = "refund"               # optional: refund, settle or verify-webhook
//! intro = "What this stop shows."
//! [stop.narration]              # optional, per step: create, s2s, callback, challenge,
//! create = "…"                  # redirect, webhook, status, refund, settle, verify
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::step::StepKind;
use crate::api::PurchaseStatus;
use crate::flow::scenario::{self, Scenario};
use crate::term_text::clean;

/// The tour shipped with the binary (`demo` without `--tour`).
pub const DEFAULT_TOUR: &str = include_str!("../tours/default.toml");

/// A tour file larger than this is refused (a tour is a page of text).
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// At most this many stops.
pub const MAX_STOPS: usize = 40;
/// Narration, titles and intros are cut to this many characters.
pub const MAX_TEXT_CHARS: usize = 600;

/// What a stop does after the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Extra {
    /// Refund the whole amount, then read the status.
    Refund,
    /// Settle a payment in process as paid (the sandbox's control plane), then follow it.
    Settle,
    /// Show how the merchant checks the webhook's signature.
    VerifyWebhook,
}

/// A parsed tour.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    pub title: String,
    pub intro: String,
    pub stops: Vec<Stop>,
}

/// One stop: a scenario, its narration and the status it must reach.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// The scenario's name (as the file names it).
    pub scenario_name: String,
    pub scenario: Scenario,
    pub title: String,
    pub intro: String,
    /// Lower-case status the stop must end in.
    pub expect: String,
    pub then: Option<Extra>,
    pub narration: BTreeMap<StepKind, String>,
}

impl Stop {
    /// The narration for `kind`: the file's, else a plain default.
    pub fn narration_for(&self, kind: StepKind) -> &str {
        self.narration
            .get(&kind)
            .map(String::as_str)
            .unwrap_or(kind.default_narration())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTour {
    title: String,
    #[serde(default)]
    intro: String,
    stop: Spanned<Vec<RawStop>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStop {
    scenario: Spanned<String>,
    title: String,
    expect: Spanned<String>,
    #[serde(default)]
    intro: String,
    #[serde(default)]
    then: Option<Extra>,
    #[serde(default)]
    narration: BTreeMap<StepKind, String>,
}

/// The statuses a purchase can end a stop in, as the API spells them (lower case); a
/// tour's `expect` must be one of them, or the stop could never match.
pub const KNOWN_STATUSES: &[&str] = &[
    "created",
    "viewed",
    "pending_execute",
    "overdue",
    "payment_in_process",
    "paid",
    "error",
    "cancelled",
    "expired",
    "refund_in_process",
    "refunded",
    "partial_refunded",
    "preauthorized",
    "capture_in_process",
    "partially_captured",
    "void_in_process",
];

/// `text` as a known status in its canonical lower-case spelling (any casing, and the
/// aliases the API accepts such as `hold`); `None` for anything else.
fn known_status(text: &str) -> Option<String> {
    let text = text.trim();
    // The parser ignores spaces and dashes; a tour spells a status as one word.
    if !text.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') {
        return None;
    }
    let status = PurchaseStatus::parse(text);
    let lower = status.as_lower();
    (!matches!(status, PurchaseStatus::Other(_)) && KNOWN_STATUSES.contains(&lower.as_str()))
        .then_some(lower)
}

/// Line and column (1-based) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(1, |l| l.chars().count() + 1);
    (line, column)
}

fn at(source: &str, text: &str, offset: usize, message: &str) -> String {
    let (line, column) = line_col(text, offset);
    format!("tour {source}: line {line}, column {column}: {message}")
}

fn bounded(text: &str) -> String {
    let cleaned = clean(text.trim());
    if cleaned.chars().count() > MAX_TEXT_CHARS {
        let mut cut: String = cleaned.chars().take(MAX_TEXT_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        cleaned
    }
}

/// Parses a tour; `source` names it in messages (a path, or `default`); scenarios are
/// looked up in `scenario_dir` (the user's), then among the shipped ones.
pub fn parse(text: &str, source: &str, scenario_dir: Option<&Path>) -> Result<Tour, String> {
    let raw: RawTour = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        match e.span() {
            Some(span) => at(source, text, span.start, &message),
            None => format!("tour {source}: {message}"),
        }
    })?;
    let stops_span = raw.stop.span();
    let raw_stops = raw.stop.into_inner();
    if raw_stops.is_empty() {
        return Err(at(
            source,
            text,
            stops_span.start,
            "a tour needs at least one [[stop]]",
        ));
    }
    if raw_stops.len() > MAX_STOPS {
        return Err(at(
            source,
            text,
            stops_span.start,
            &format!("at most {MAX_STOPS} stops ({} given)", raw_stops.len()),
        ));
    }
    let mut stops = Vec::with_capacity(raw_stops.len());
    for (i, raw) in raw_stops.into_iter().enumerate() {
        let name = raw.scenario.get_ref().trim().to_string();
        let scenario = scenario::load(&name, scenario_dir).map_err(|e| {
            at(
                source,
                text,
                raw.scenario.span().start,
                &format!("stop {} names scenario \"{}\": {e}", i + 1, clean(&name)),
            )
        })?;
        let Some(expect) = known_status(raw.expect.get_ref()) else {
            return Err(at(
                source,
                text,
                raw.expect.span().start,
                &format!(
                    "stop {}: expect = \"{}\" is not a purchase status; one of {}",
                    i + 1,
                    bounded(raw.expect.get_ref()),
                    KNOWN_STATUSES.join(", ")
                ),
            ));
        };
        stops.push(Stop {
            scenario_name: name,
            scenario,
            title: bounded(&raw.title),
            intro: bounded(&raw.intro),
            expect,
            then: raw.then,
            narration: raw
                .narration
                .into_iter()
                .map(|(k, v)| (k, bounded(&v)))
                .collect(),
        });
    }
    Ok(Tour {
        title: bounded(&raw.title),
        intro: bounded(&raw.intro),
        stops,
    })
}

/// Reads and parses a tour file (bounded in size).
pub fn load_file(path: &Path, scenario_dir: Option<&Path>) -> Result<Tour, String> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| format!("tour {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("tour {shown}: not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "tour {shown}: {} bytes is more than a tour can be ({MAX_FILE_BYTES})",
            meta.len()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("tour {shown}: {e}"))?;
    parse(&text, &shown, scenario_dir)
}

/// The shipped tour.
pub fn default_tour(scenario_dir: Option<&Path>) -> Result<Tour, String> {
    parse(DEFAULT_TOUR, "default", scenario_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"title = "T"

[[stop]]
scenario = "frictionless"
title = "No challenge"
expect = "PAID"
then = "verify-webhook"
[stop.narration]
create = "We create it."
"#;

    #[test]
    fn a_good_tour_parses_with_defaults_for_missing_narration() {
        let tour = parse(GOOD, "t.toml", None).expect("parses");
        assert_eq!(tour.title, "T");
        let stop = &tour.stops[0];
        assert_eq!(stop.expect, "paid");
        assert_eq!(stop.then, Some(Extra::VerifyWebhook));
        assert_eq!(stop.narration_for(StepKind::Create), "We create it.");
        assert_eq!(
            stop.narration_for(StepKind::S2s),
            StepKind::S2s.default_narration()
        );
        assert_eq!(stop.scenario.expect.as_deref(), Some("paid"));
    }

    #[test]
    fn the_shipped_tour_parses_and_covers_the_issue_list() {
        let tour = default_tour(None).expect("default tour");
        assert_eq!(tour.stops.len(), 8);
        let thens: Vec<Option<Extra>> = tour.stops.iter().map(|s| s.then).collect();
        for extra in [Extra::Refund, Extra::Settle, Extra::VerifyWebhook] {
            assert!(thens.contains(&Some(extra)), "{extra:?}");
        }
        for stop in &tour.stops {
            assert!(!stop.intro.is_empty(), "{} has an intro", stop.title);
            assert!(stop.narration.len() >= 2, "{} is narrated", stop.title);
        }
    }

    #[test]
    fn a_syntax_error_names_the_file_line_and_column() {
        let bad = "title = \"T\"\n\n[[stop]]\nscenario = \"frictionless\"\ntitle = oops\n";
        let err = parse(bad, "my.toml", None).expect_err("bad");
        assert!(err.starts_with("tour my.toml: line 5, column 9:"), "{err}");
    }

    #[test]
    fn an_unknown_step_key_is_reported_on_its_line() {
        let bad = GOOD.replace("create = ", "creat = ");
        let err = parse(&bad, "my.toml", None).expect_err("bad");
        assert!(err.contains("line 9, column 1"), "{err}");
        assert!(err.contains("creat"), "{err}");
    }

    #[test]
    fn an_unknown_scenario_is_named_with_its_line() {
        let bad = GOOD.replace("\"frictionless\"", "\"no-such-card\"");
        let err = parse(&bad, "my.toml", None).expect_err("bad");
        assert!(
            err.starts_with(
                "tour my.toml: line 4, column 12: stop 1 names scenario \"no-such-card\""
            ),
            "{err}"
        );
        assert!(
            err.contains("frictionless"),
            "the known names are offered: {err}"
        );
    }

    #[test]
    fn every_known_status_parses_to_itself() {
        for name in KNOWN_STATUSES {
            assert_eq!(known_status(name).as_deref(), Some(*name));
            assert_eq!(
                known_status(&name.to_ascii_uppercase()).as_deref(),
                Some(*name)
            );
        }
        assert_eq!(known_status("paidd"), None);
    }

    #[test]
    fn missing_fields_empty_tours_and_bad_expects_are_refused() {
        let err = parse("title = \"T\"\n", "x", None).expect_err("no stops");
        assert!(err.contains("stop"), "{err}");
        let err = parse("title = \"T\"\nstop = []\n", "x", None).expect_err("empty");
        assert!(
            err.contains("line 2") && err.contains("at least one"),
            "{err}"
        );
        let bad = GOOD.replace("\"PAID\"", "\"pa id\"");
        let err = parse(&bad, "x", None).expect_err("expect");
        assert!(err.contains("line 6") && err.contains("expect"), "{err}");
        let bad = GOOD.replace("\"PAID\"", "\"paidd\"");
        let err = parse(&bad, "x", None).expect_err("a status that does not exist");
        assert!(
            err.contains("line 6, column 10") && err.contains("\"paidd\" is not a purchase status"),
            "{err}"
        );
        assert!(
            err.contains("paid, error") && err.contains("preauthorized"),
            "{err}"
        );
        let hold = GOOD.replace("\"PAID\"", "\"hold\"");
        assert_eq!(
            parse(&hold, "x", None).expect("alias").stops[0].expect,
            "preauthorized"
        );
        let bad = GOOD.replace("verify-webhook", "dance");
        assert!(parse(&bad, "x", None).expect_err("then").contains("line 7"));
    }

    #[test]
    fn a_missing_or_huge_file_is_a_message() {
        let dir = tempfile::tempdir().expect("dir");
        let missing = dir.path().join("nope.toml");
        assert!(
            load_file(&missing, None)
                .expect_err("missing")
                .contains("nope.toml")
        );
        let big = dir.path().join("big.toml");
        std::fs::write(&big, "#".repeat(MAX_FILE_BYTES as usize + 1)).expect("write");
        assert!(
            load_file(&big, None)
                .expect_err("big")
                .contains("more than")
        );
        let good = dir.path().join("good.toml");
        std::fs::write(&good, GOOD).expect("write");
        assert_eq!(load_file(&good, None).expect("good").stops.len(), 1);
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("", 9), (1, 1));
    }
}
