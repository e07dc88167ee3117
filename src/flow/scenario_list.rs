//! The scenarios as `paysecure-explorer scenarios` lists them: shipped and saved, with the
//! status each is expected to end in under `flow --scenario`.
//!
//! A file's own `expect` wins (every shipped scenario has one, checked by running them in
//! `tests/history_cli.rs`). Without it, the status is derived from the card only when the
//! scenario overrides nothing but the card number: any other override (an email, an expiry,
//! an IP) can trip an earlier check of the S2S order, and guessing past that would lie.

use std::path::Path;

use serde::Serialize;

use crate::card::is_valid_pan;
use crate::flow::scenario::{self, SHIPPED, Scenario};
use crate::paysecure::test_cards::{self, Auth, CardBehaviour, Fault, SEED_CARD};

/// The OTP that passes the sandbox's challenge page.
const GOOD_OTP: &str = "123456";

/// Where a listed scenario comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Shipped,
    Saved,
    /// A saved file with a shipped scenario's name: it is the one `--scenario` loads.
    SavedOverridesShipped,
}

/// Where the expected status comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectFrom {
    /// The file's `expect` field.
    File,
    /// Derived from its card and OTP through the sandbox's card tables.
    Card,
}

/// One row of the listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub origin: Origin,
    pub description: String,
    /// Lower-case status, as `flow --json` reports it.
    pub expect: Option<String>,
    pub expect_from: Option<ExpectFrom>,
    /// Why the file could not be read (the other fields are then empty).
    pub error: Option<String>,
}

/// Every scenario `flow --scenario` can load from `dir` (the user's scenarios dir).
pub fn list(dir: Option<&Path>) -> Vec<ScenarioInfo> {
    scenario::names(dir)
        .into_iter()
        .map(|name| {
            // Any entry of that name is the user's, a broken link too (it was listed as
            // shipped, then failed to load as the user's).
            let saved = dir.is_some_and(|d| {
                std::fs::symlink_metadata(d.join(format!("{name}.toml"))).is_ok_and(|m| !m.is_dir())
            });
            let shipped = SHIPPED.iter().any(|(n, _)| *n == name);
            let origin = match (saved, shipped) {
                (true, true) => Origin::SavedOverridesShipped,
                (true, false) => Origin::Saved,
                (false, _) => Origin::Shipped,
            };
            match scenario::load(&name, dir) {
                Ok(s) => {
                    let (expect, expect_from) = expectation(&s);
                    ScenarioInfo {
                        name,
                        origin,
                        description: s.description,
                        expect,
                        expect_from,
                        error: None,
                    }
                }
                Err(e) => ScenarioInfo {
                    name,
                    origin,
                    description: String::new(),
                    expect: None,
                    expect_from: None,
                    error: Some(e),
                },
            }
        })
        .collect()
}

fn expectation(s: &Scenario) -> (Option<String>, Option<ExpectFrom>) {
    if let Some(e) = &s.expect {
        return (Some(e.to_ascii_lowercase()), Some(ExpectFrom::File));
    }
    match derived_expect(s) {
        Some(e) => (Some(e), Some(ExpectFrom::Card)),
        None => (None, None),
    }
}

/// The status `flow --scenario` ends in, from the card and OTP alone; `None` when the
/// scenario overrides anything else (see the module note) or the card's effect is unknown.
pub fn derived_expect(s: &Scenario) -> Option<String> {
    let card_only = s.purchase.is_empty() && s.payment.keys().all(|k| k == "card_number");
    if !card_only {
        return None;
    }
    let card = match s.payment.get("card_number") {
        Some(toml::Value::String(c)) => c.as_str(),
        Some(_) => return None,
        // `flow` pays with the seed card unless told otherwise.
        None => SEED_CARD,
    };
    let status = match test_cards::behaviour_of(card) {
        Some(CardBehaviour::Accepted { outcome, auth }) => after_callback(outcome, auth, s)?,
        Some(CardBehaviour::Fault(Fault::SlowSuccess)) => {
            match test_cards::behaviour_of(test_cards::slow_success_card())? {
                CardBehaviour::Accepted { outcome, auth } => after_callback(outcome, auth, s)?,
                _ => return None,
            }
        }
        Some(CardBehaviour::Rejected { kills: true, .. }) => "ERROR",
        // A synchronous error or a fault leaves the purchase as created.
        Some(CardBehaviour::Rejected { kills: false, .. } | CardBehaviour::Fault(_)) => "CREATED",
        // §4: a Luhn-valid card in no table kills the purchase; a Luhn failure does not.
        None if is_valid_pan(card) => "ERROR",
        None => "CREATED",
    };
    Some(status.to_ascii_lowercase())
}

fn after_callback(
    outcome: test_cards::CardOutcome,
    auth: Auth,
    s: &Scenario,
) -> Option<&'static str> {
    match (s.otp.as_deref(), auth) {
        // Without an OTP `flow` stops once the S2S call is accepted.
        (None, _) => Some("PENDING_EXECUTE"),
        (Some(_), Auth::Frictionless) => Some(outcome.status()),
        (Some(GOOD_OTP), Auth::Challenge) => Some(outcome.status()),
        // §5: any other OTP fails the challenge.
        (Some(_), Auth::Challenge) => Some("ERROR"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_agrees_with_every_shipped_expect_it_can_make() {
        let mut derived = 0;
        for (name, _) in SHIPPED {
            let s = scenario::load(name, None).unwrap_or_else(|e| panic!("{e}"));
            let stated = s
                .expect
                .clone()
                .unwrap_or_else(|| panic!("{name} has no expect"));
            if let Some(d) = derived_expect(&s) {
                assert_eq!(d, stated, "{name}");
                derived += 1;
            }
        }
        assert!(
            derived >= 5,
            "most shipped scenarios are card-only ({derived})"
        );
    }

    #[test]
    fn other_overrides_are_not_guessed_past() {
        let s: Scenario =
            toml::from_str("[purchase.client]\nemail = \"x@blocked.example\"\n").expect("toml");
        assert_eq!(derived_expect(&s), None);
        let s: Scenario = toml::from_str("[payment]\nexpires = \"01/20\"\n").expect("toml");
        assert_eq!(derived_expect(&s), None);
    }

    #[test]
    fn card_and_otp_decide_when_nothing_else_is_overridden() {
        let parse = |t: &str| toml::from_str::<Scenario>(t).expect("toml");
        let seed_no_otp = parse("");
        assert_eq!(
            derived_expect(&seed_no_otp).as_deref(),
            Some("pending_execute")
        );
        let wrong = parse("otp = \"1\"\n[payment]\ncard_number = \"4878397953290146\"\n");
        assert_eq!(derived_expect(&wrong).as_deref(), Some("error"));
        let expired = parse("otp = \"123456\"\n[payment]\ncard_number = \"4945208335596614\"\n");
        assert_eq!(derived_expect(&expired).as_deref(), Some("expired"));
        let unknown = parse("[payment]\ncard_number = \"4111111111111111\"\n");
        assert_eq!(derived_expect(&unknown).as_deref(), Some("error"));
    }

    #[test]
    fn saved_files_are_listed_with_their_origin() {
        let dir = std::env::temp_dir().join(format!("pse-scnlist-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("mine.toml"), "description = \"m\"\n").expect("write");
        std::fs::write(dir.join("happy-3ds.toml"), "description = \"mine now\"\n").expect("write");
        std::fs::write(dir.join("broken.toml"), "description = \n").expect("write");
        let rows = list(Some(&dir));
        let row = |n: &str| rows.iter().find(|r| r.name == n).expect(n).clone();
        assert_eq!(row("mine").origin, Origin::Saved);
        assert_eq!(row("mine").expect_from, Some(ExpectFrom::Card));
        assert_eq!(row("happy-3ds").origin, Origin::SavedOverridesShipped);
        assert_eq!(row("happy-3ds").description, "mine now");
        assert!(row("broken").error.is_some());
        assert_eq!(row("frictionless").origin, Origin::Shipped);
        assert_eq!(row("frictionless").expect.as_deref(), Some("paid"));
        // A link to nothing is the user's, broken, and says why (it was "shipped").
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("gone.toml"), dir.join("dang.toml")).expect("link");
            let rows = list(Some(&dir));
            let dang = rows.iter().find(|r| r.name == "dang").expect("listed");
            assert_eq!(dang.origin, Origin::Saved);
            let why = dang.error.clone().unwrap_or_default();
            assert!(why.contains("is a symbolic link to"), "{why}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
