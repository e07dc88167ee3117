//! Which purchase `history --purchase ID` means: ids are 24 hex digits, so a few leading
//! ones are enough to type; a prefix that fits several purchases is refused rather than
//! guessed, and the candidates are named.

use std::collections::BTreeSet;

use super::record::Record;

/// Why a prefix names no single purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No record's purchase id starts with it.
    NoMatch,
    /// Several do (sorted).
    Ambiguous(Vec<String>),
}

/// The one purchase id in `records` that starts with `prefix` (case-insensitive); an
/// exact id always wins.
pub fn resolve_purchase(records: &[Record], prefix: &str) -> Result<String, Lookup> {
    resolve_among(
        records.iter().filter_map(|r| r.purchase_id.as_deref()),
        prefix,
    )
}

/// The one id among `ids` that starts with `prefix` (case-insensitive); an exact id
/// always wins.
pub fn resolve_among<'a>(
    ids: impl IntoIterator<Item = &'a str>,
    prefix: &str,
) -> Result<String, Lookup> {
    let wanted = prefix.trim().to_ascii_lowercase();
    if wanted.is_empty() {
        return Err(Lookup::NoMatch);
    }
    let found: BTreeSet<&str> = ids
        .into_iter()
        .filter(|id| id.to_ascii_lowercase().starts_with(&wanted))
        .collect();
    if let Some(exact) = found.iter().find(|id| id.eq_ignore_ascii_case(&wanted)) {
        return Ok(exact.to_string());
    }
    let mut candidates = found.iter();
    match (candidates.next(), candidates.next()) {
        (None, _) => Err(Lookup::NoMatch),
        (Some(only), None) => Ok(only.to_string()),
        _ => Err(Lookup::Ambiguous(
            found.into_iter().map(str::to_string).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Exchange, ExchangeKind};

    fn record(id: u64, purchase: &str) -> Record {
        let url = format!("http://h/api/v1/purchases/{purchase}/");
        Record::new(id, Exchange::new(ExchangeKind::Api, "GET", &url, 0))
    }

    #[test]
    fn a_unique_prefix_resolves_and_an_ambiguous_one_names_the_candidates() {
        let a = "6b0e1058eae5d6bae9000000";
        let b = "6b0e1058eae5d6bae9000001";
        let c = "7c00000000000000000000aa";
        let records = [record(1, a), record(2, a), record(3, b), record(4, c)];
        assert_eq!(resolve_purchase(&records, "7c"), Ok(c.to_string()));
        assert_eq!(
            resolve_purchase(&records, "6B0E1058EAE5D6BAE9000001"),
            Ok(b.to_string())
        );
        assert_eq!(
            resolve_purchase(&records, "6b0e"),
            Err(Lookup::Ambiguous(vec![a.to_string(), b.to_string()]))
        );
        assert_eq!(resolve_purchase(&records, "ff"), Err(Lookup::NoMatch));
        assert_eq!(resolve_purchase(&records, " "), Err(Lookup::NoMatch));
    }
}
