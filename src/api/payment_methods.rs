//! The reply of `GET /payment_methods?brand_id=` (`paysecure-api.md` §6.5), typed. Lives
//! beside `types.rs` rather than in it: it is a helper call, not part of the payment flow.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The methods a brand has enabled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethods {
    /// Every enabled method code (`VISA`, `MASTER`, APM codes, …).
    #[serde(default)]
    pub available_payment_methods: Vec<String>,
    /// Method codes per country code; `any` applies everywhere.
    #[serde(default)]
    pub by_country: BTreeMap<String, Vec<String>>,
    /// Display names of the `by_country` keys (`any` → `Other`).
    #[serde(default)]
    pub country_names: BTreeMap<String, String>,
    /// Display name per method code (`MASTER` → `Mastercard`).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// The card schemes among them: what `paymentMethod` may name for a card S2S.
    #[serde(default)]
    pub card_methods: Vec<String>,
    /// Anything else the server sends, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PaymentMethods {
    /// The display name of `code`, or the code itself.
    pub fn name_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.names.get(code).map_or(code, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_shape_parses_and_unknown_fields_survive() {
        let body = serde_json::json!({
            "available_payment_methods": ["VISA", "MASTER", "PIX"],
            "by_country": {"any": ["VISA", "MASTER"], "BR": ["PIX"]},
            "country_names": {"any": "Other", "BR": "Brazil"},
            "names": {"VISA": "Visa", "MASTER": "Mastercard", "PIX": "Pix"},
            "card_methods": ["VISA", "MASTER"],
            "regions": []
        });
        let m: PaymentMethods = serde_json::from_value(body).expect("parses");
        assert_eq!(m.card_methods, ["VISA", "MASTER"]);
        assert_eq!(m.name_of("MASTER"), "Mastercard");
        assert_eq!(m.name_of("AMEX"), "AMEX");
        assert_eq!(m.by_country["BR"], ["PIX"]);
        assert!(m.extra.contains_key("regions"));
    }
}
