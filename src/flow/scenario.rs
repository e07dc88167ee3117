//! Saved scenarios: a purchase and card/device payload under a name, as readable TOML.
//! Shipped ones tour the API; user ones live in `scenarios/` in the config dir.
//!
//! No secrets: no API key, no CVC, and a card number only when it is a public sandbox test
//! card (any other number is saved masked and must be typed again).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::card::mask_pan;
use crate::paysecure::test_cards::{MAGIC_CARDS, OUTCOME_ROWS, SEED_CARD};

/// The scenarios shipped with the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    ("happy-3ds", include_str!("scenarios/happy-3ds.toml")),
    ("frictionless", include_str!("scenarios/frictionless.toml")),
    (
        "insufficient-funds",
        include_str!("scenarios/insufficient-funds.toml"),
    ),
    ("wrong-otp", include_str!("scenarios/wrong-otp.toml")),
    ("blocked-card", include_str!("scenarios/blocked-card.toml")),
    ("expired-card", include_str!("scenarios/expired-card.toml")),
    (
        "attempts-consumed",
        include_str!("scenarios/attempts-consumed.toml"),
    ),
    (
        "blocked-customer",
        include_str!("scenarios/blocked-customer.toml"),
    ),
    ("fault-500", include_str!("scenarios/fault-500.toml")),
    (
        "fault-dropped-connection",
        include_str!("scenarios/fault-dropped-connection.toml"),
    ),
    (
        "pending-settlement",
        include_str!("scenarios/pending-settlement.toml"),
    ),
    (
        "issuer-decline",
        include_str!("scenarios/issuer-decline.toml"),
    ),
    (
        "preauth-capture",
        include_str!("scenarios/preauth-capture.toml"),
    ),
];

/// A scenario file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub description: String,
    /// Complete the callback with this OTP (headless runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    /// The status this scenario is expected to end in (documentation and tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
    /// Overrides merged onto the default purchase body.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub purchase: toml::Table,
    /// Overrides merged onto the default card/device body.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub payment: toml::Table,
}

/// Whether `number` is one of the sandbox's public test cards.
pub fn is_test_card(number: &str) -> bool {
    number == SEED_CARD
        || MAGIC_CARDS.iter().any(|m| m.number == number)
        || OUTCOME_ROWS.iter().any(|r| r.cards.contains(&number))
}

/// Where user scenarios live.
pub fn user_dir() -> Option<PathBuf> {
    crate::config::paths::config_dir().map(|d| d.join("scenarios"))
}

/// Names: shipped, then the user's (a user file of a shipped name overrides it).
pub fn names(dir: Option<&Path>) -> Vec<String> {
    names_with(&saved_names(dir))
}

/// [`names`] from the user's saved names, already read (see [`saved_names`]).
pub fn names_with(saved: &[String]) -> Vec<String> {
    let mut names: Vec<String> = SHIPPED.iter().map(|(n, _)| n.to_string()).collect();
    let extra: Vec<String> = saved
        .iter()
        .filter(|n| !names.contains(n))
        .cloned()
        .collect();
    names.extend(extra);
    names
}

/// The names of the user's scenario files in `dir`, sorted (shipped names included when
/// a file overrides one).
pub fn saved_names(dir: Option<&Path>) -> Vec<String> {
    let Some(Ok(entries)) = dir.map(std::fs::read_dir) else {
        return Vec::new();
    };
    let mut saved: Vec<String> = entries
        .filter_map(|e| {
            e.ok()?
                .path()
                .file_name()?
                .to_str()?
                .strip_suffix(".toml")
                .map(str::to_string)
        })
        .collect();
    saved.sort();
    saved
}

/// Loads `name`: the user's file first, then a shipped one.
pub fn load(name: &str, dir: Option<&Path>) -> Result<Scenario, String> {
    // A name is a plain file name: no path can be smuggled in (`../x`, `/etc/y`).
    if !valid_name(name) {
        return Err(format!(
            // Quoted with its controls written as `\u001b`, like every other text quoted
            // on a terminal (Debug's `\u{1b}` was the odd one out).
            "a scenario name is letters, digits, - and _ (not \"{}\")",
            crate::term_text::clean(&name.chars().take(64).collect::<String>())
        ));
    }
    if let Some(path) = dir.map(|d| d.join(format!("{name}.toml"))) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return toml::from_str(&text).map_err(|e| {
                    format!(
                        "scenario {}: {}",
                        path.display(),
                        crate::config::toml_error(&text, &e)
                    )
                });
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("scenario {}: {e}", path.display()));
            }
            // A file of that name that leads nowhere is the user's, broken: said as such,
            // not "no scenario named" (nor the shipped one of that name loaded instead).
            Err(_) => {
                if let Some(why) = crate::dir_create::link_to_nothing(&path) {
                    return Err(format!("scenario {}: {why}", path.display()));
                }
            }
        }
    }
    let (_, text) = SHIPPED.iter().find(|(n, _)| *n == name).ok_or_else(|| {
        format!(
            "no scenario named \"{name}\" (try: {})",
            names(dir).join(", ")
        )
    })?;
    toml::from_str(text).map_err(|e| format!("shipped scenario {name}: {e}"))
}

/// A scenario name must be a plain file name.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Saves `scenario` as `dir/NAME.toml`.
pub fn save(name: &str, scenario: &Scenario, dir: &Path) -> Result<PathBuf, String> {
    if !valid_name(name) {
        return Err("a scenario name is letters, digits, - and _ (up to 64)".into());
    }
    let text = toml::to_string_pretty(scenario).map_err(|e| e.to_string())?;
    crate::dir_create::create_dir_all_said(dir)?;
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Builds a scenario from request bodies: drops what is per-run or per-endpoint
/// (merchantRef, brand, redirects and callbacks) and every secret (CVC; a real card).
pub fn from_bodies(description: &str, purchase: &Value, payment: &Value) -> Scenario {
    let mut purchase = purchase.as_object().cloned().unwrap_or_default();
    for key in [
        "merchantRef",
        "brand_id",
        "success_redirect",
        "failure_redirect",
        "pending_redirect",
        "success_callback",
        "failure_callback",
    ] {
        purchase.remove(key);
    }
    let mut payment = payment.as_object().cloned().unwrap_or_default();
    payment.remove("cvc");
    if let Some(Value::String(card)) = payment.get("card_number")
        && !is_test_card(card)
    {
        let masked = mask_pan(card);
        payment.insert("card_number".into(), Value::String(masked));
    }
    Scenario {
        description: description.to_string(),
        otp: None,
        expect: None,
        purchase: to_table(purchase),
        payment: to_table(payment),
    }
}

fn to_table(map: Map<String, Value>) -> toml::Table {
    toml::Table::try_from(Value::Object(map)).unwrap_or_default()
}

/// Deep-merges TOML overrides onto a JSON body.
pub fn apply(body: &mut Value, overrides: &toml::Table) {
    let Ok(Value::Object(over)) = serde_json::to_value(overrides) else {
        return;
    };
    merge(body, Value::Object(over));
}

fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_plain_names_are_loaded() {
        let dir = std::env::temp_dir().join(format!("pse-scn-{}", std::process::id()));
        for name in ["../secret", "/etc/passwd", "a/b", "..", "", "x.toml"] {
            let err = load(name, Some(&dir)).expect_err(name);
            assert!(err.starts_with("a scenario name is"), "{name}: {err}");
        }
        assert!(load("happy-3ds", Some(&dir)).is_ok());
    }

    #[test]
    fn shipped_scenarios_parse_and_name_known_cards() {
        for (name, _) in SHIPPED {
            let s = load(name, None).unwrap_or_else(|e| panic!("{e}"));
            assert!(!s.description.is_empty(), "{name}");
            if let Some(toml::Value::String(card)) = s.payment.get("card_number") {
                assert!(is_test_card(card), "{name}: {card}");
            }
        }
    }

    #[test]
    fn saving_drops_secrets_and_per_run_values() {
        let purchase = json!({"client": {"email": "a@b.co"}, "merchantRef": "o-1", "brand_id": "b", "success_redirect": "http://x"});
        let s = from_bodies(
            "d",
            &purchase,
            &json!({"card_number": "5500000000000004", "cvc": "123", "expires": "10/29"}),
        );
        assert_eq!(
            s.payment.get("card_number").and_then(|v| v.as_str()),
            Some("550000******0004")
        );
        assert!(s.payment.get("cvc").is_none());
        assert!(
            s.purchase.get("merchantRef").is_none() && s.purchase.get("success_redirect").is_none()
        );
        let kept = from_bodies("d", &purchase, &json!({"card_number": "4444333322221111"}));
        assert_eq!(
            kept.payment.get("card_number").and_then(|v| v.as_str()),
            Some("4444333322221111")
        );
    }

    #[test]
    fn overrides_merge_deeply() {
        let mut body =
            json!({"client": {"email": "a@b.co", "city": "X"}, "purchase": {"currency": "EUR"}});
        let s: Scenario =
            toml::from_str("[purchase.client]\nemail = \"z@blocked.example\"\n").expect("toml");
        apply(&mut body, &s.purchase);
        assert_eq!(
            body["client"],
            json!({"email": "z@blocked.example", "city": "X"})
        );
    }

    #[test]
    fn save_and_load_round_trip() {
        let dir = std::env::temp_dir().join(format!("pse-scen-{}", std::process::id()));
        let s = from_bodies(
            "mine",
            &json!({"client": {"email": "a@b.co"}}),
            &json!({"card_number": "4444333322221111"}),
        );
        save("my-case", &s, &dir).expect("save");
        assert_eq!(load("my-case", Some(&dir)).expect("load"), s);
        assert!(names(Some(&dir)).contains(&"my-case".to_string()));
        assert!(save("../evil", &s, &dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
