//! Card numbers in free text and in JSON numbers.
//!
//! A PAN is 13-19 digits passing Luhn. It may be written in one run (`4444333322221111`),
//! in groups joined by one separator each (space, `-`, `+` or `%20`: how forms and URLs
//! write a space), glued to letters (`a5500000000000004@example.com`), or as a JSON
//! number (integer, negative, float). A 24-hex-digit purchase id holds digit runs that
//! may pass Luhn by chance; it is recognised as a whole word and left intact.

use serde_json::{Map, Number, Value};

use crate::card::{luhn_ok, mask_pan};

/// A maximal run of ASCII digits, as byte offsets `[start, end)`.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
}

/// Separators that may join the groups of one card number.
const SEPARATORS: &[&[u8]] = &[b" ", b"-", b"+", b"%20", b"%2B", b"%2b", b"%2D", b"%2d"];

/// Masks every card number in `text` (first six and last four digits kept).
pub fn mask_in_text(text: &str) -> String {
    let bytes = text.as_bytes();
    if !may_hold_a_card(bytes) {
        return text.to_string();
    }
    mask_scanning(text)
}

/// [`mask_in_text`] without its first check: every chain of digit runs is scanned.
fn mask_scanning(text: &str) -> String {
    let bytes = text.as_bytes();
    let runs: Vec<Run> = DigitRuns::new(bytes).collect();
    if runs.is_empty() {
        return text.to_string();
    }
    let mut covered = vec![false; runs.len()];
    for chain in chains(bytes, &runs) {
        mark_pans(text, &runs, chain, &mut covered);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut i = 0;
    while i < runs.len() {
        if !covered[i] {
            i += 1;
            continue;
        }
        // Covered runs next to each other belong to one chain (see `mark_pans`): the
        // span from the first to the last is one masked region.
        let mut j = i;
        while j + 1 < runs.len() && covered[j + 1] && joined(bytes, runs[j], runs[j + 1]) {
            j += 1;
        }
        let digits: String = runs[i..=j].iter().map(|r| &text[r.start..r.end]).collect();
        out.push_str(&text[at..runs[i].start]);
        out.push_str(&mask_pan(&digits));
        at = runs[j].end;
        i = j + 1;
    }
    out.push_str(&text[at..]);
    out
}

/// The masked form of a JSON number that is a card number (integer, negative or float).
pub fn masked_number(n: &Number) -> Option<String> {
    let digits = if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(i) = n.as_i64() {
        i.unsigned_abs().to_string()
    } else {
        // `4444333322221111.0` and `4.444333322221111e15` are the same f64: its integer
        // part, written out, is what a reader of the record would recover.
        let f = n.as_f64()?.abs().trunc();
        if !(1e12..1e20).contains(&f) {
            return None;
        }
        format!("{f:.0}")
    };
    ((13..=19).contains(&digits.len()) && luhn_ok(&digits)).then(|| mask_pan(&digits))
}

/// Replaces a JSON number that is a card number by its masked string.
pub fn mask_number_in_place(value: &mut Value) {
    // Below 13 digits, without writing the number out (most numbers are prices).
    let too_small = |n: &Number| {
        n.as_u64()
            .map(|u| u < 1_000_000_000_000)
            .or_else(|| n.as_i64().map(|i| i.unsigned_abs() < 1_000_000_000_000))
            .unwrap_or(false)
    };
    if let Value::Number(n) = value
        && !too_small(n)
        && let Some(masked) = masked_number(n)
    {
        *value = Value::String(masked);
    }
}

/// Masks every card number in the strings and numbers of `map`, keys and nested values
/// included, except the values of the fields named in `top_kept` (at the top level: the
/// S2S call's `card_number`, which the sandbox must read whole) and in `kept` (at any
/// depth: values the sandbox acts on, such as a callback URL or a `merchantRef`, where a
/// 13-19 digit order number passing Luhn would otherwise be broken). Allocates only where
/// something is masked.
pub fn mask_in_object(map: &mut Map<String, Value>, top_kept: &[&str], kept: &[&str]) {
    if map.keys().any(|k| may_hold_a_card(k.as_bytes())) {
        *map = std::mem::take(map)
            .into_iter()
            .map(|(k, v)| (mask_in_text(&k), v))
            .collect();
    }
    for (key, value) in map.iter_mut() {
        if !top_kept.contains(&key.as_str()) && !kept.contains(&key.as_str()) {
            mask_in_value(value, kept);
        }
    }
}

fn mask_in_value(value: &mut Value, kept: &[&str]) {
    match value {
        Value::String(s) if may_hold_a_card(s.as_bytes()) => *s = mask_scanning(s),
        Value::Number(_) => mask_number_in_place(value),
        Value::Array(items) => items.iter_mut().for_each(|v| mask_in_value(v, kept)),
        Value::Object(map) => mask_in_object(map, &[], kept),
        _ => {}
    }
}

/// Whether `bytes` has a card number's worth of digits (13) in runs joined by single
/// separators. A chain (see [`chains`]) is such a sequence or a part of one, and every
/// card number found lies in a chain, so text without one is left as it is, unscanned:
/// the common case (a path with an id, a query) costs one pass and no allocation.
fn may_hold_a_card(bytes: &[u8]) -> bool {
    // Most text has fewer than 13 digits in all: a count the compiler vectorises settles
    // it before any run is walked (the sandbox asks this of every string of every body).
    if bytes.iter().filter(|b| b.is_ascii_digit()).count() < 13 {
        return false;
    }
    let mut digits = 0;
    let mut previous: Option<Run> = None;
    for run in DigitRuns::new(bytes) {
        let len = run.end - run.start;
        digits = match previous {
            Some(p) if joined(bytes, p, run) => digits + len,
            _ => len,
        };
        if digits >= 13 {
            return true;
        }
        previous = Some(run);
    }
    false
}

/// The maximal runs of ASCII digits in `bytes`, in order; a percent escape (`%20`,
/// `%2F`, …) is skipped whole: it is an escape, not digits (`4444%203333` is two groups).
struct DigitRuns<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> DigitRuns<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        DigitRuns { bytes, at: 0 }
    }
}

impl Iterator for DigitRuns<'_> {
    type Item = Run;

    fn next(&mut self) -> Option<Run> {
        let bytes = self.bytes;
        while self.at < bytes.len() {
            if is_triplet(bytes, self.at) {
                self.at += 3;
            } else if bytes[self.at].is_ascii_digit() {
                let start = self.at;
                while self.at < bytes.len() && bytes[self.at].is_ascii_digit() {
                    self.at += 1;
                }
                return Some(Run {
                    start,
                    end: self.at,
                });
            } else {
                self.at += 1;
            }
        }
        None
    }
}

/// Whether a percent escape (`%` and two hex digits) starts at `i`.
fn is_triplet(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&b'%')
        && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
        && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
}

/// Whether the run lies inside a purchase id: a word of exactly 24 hex digits (a word
/// ends at a percent escape too: `%2F6b05…` is a slash and an id).
fn in_hex_id(bytes: &[u8], run: Run) -> bool {
    let mut start = run.start;
    while start > 0
        && bytes[start - 1].is_ascii_alphanumeric()
        && !(start >= 3 && is_triplet(bytes, start - 3))
    {
        start -= 1;
    }
    let mut end = run.end;
    while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
        end += 1;
    }
    end - start == 24 && bytes[start..end].iter().all(u8::is_ascii_hexdigit)
}

/// Whether a letter comes right before the run (the hex digit ending a percent escape,
/// as in `%2B4444`, is no letter: it is part of a separator).
fn touches_letter_before(bytes: &[u8], run: Run) -> bool {
    run.start > 0
        && bytes[run.start - 1].is_ascii_alphabetic()
        && !(run.start >= 3 && is_triplet(bytes, run.start - 3))
}

fn touches_letter_after(bytes: &[u8], run: Run) -> bool {
    bytes.get(run.end).is_some_and(u8::is_ascii_alphabetic)
}

/// Whether exactly one separator lies between two runs.
fn joined(bytes: &[u8], a: Run, b: Run) -> bool {
    SEPARATORS.contains(&&bytes[a.end..b.start])
}

/// Runs grouped into chains (index ranges) of runs joined by single separators. A run in
/// a hex id stands alone and is never a candidate.
fn chains(bytes: &[u8], runs: &[Run]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        if in_hex_id(bytes, runs[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < runs.len()
            && joined(bytes, runs[j - 1], runs[j])
            && !touches_letter_after(bytes, runs[j - 1])
            && !touches_letter_before(bytes, runs[j])
            && !in_hex_id(bytes, runs[j])
        {
            j += 1;
        }
        out.push(i..j);
        i = j;
    }
    out
}

/// Marks every run of every sub-chain whose digits form a card number. A sub-chain of
/// several runs must not be glued to letters at its ends (`a716-446655440000` in a UUID
/// is not a grouped card); a single run may be (an email's local part).
fn mark_pans(text: &str, runs: &[Run], chain: std::ops::Range<usize>, covered: &mut [bool]) {
    let bytes = text.as_bytes();
    for i in chain.clone() {
        let mut digits = String::new();
        for j in i..chain.end {
            digits.push_str(&text[runs[j].start..runs[j].end]);
            if digits.len() > 19 {
                break;
            }
            let grouped = j > i;
            let glued =
                touches_letter_before(bytes, runs[i]) || touches_letter_after(bytes, runs[j]);
            if digits.len() >= 13
                && luhn_ok(&digits)
                && !(grouped && (glued || !card_like_groups(&runs[i..=j])))
            {
                covered[i..=j].iter_mut().for_each(|c| *c = true);
            }
        }
    }
}

/// Whether groups are sized as people write card numbers (4-4-4-4, 4-6-5, 4-4-4-4-3,
/// 4-4-4-1, 8-8): a first group of 4 to 8 digits, middle ones of 3 to 8, a last one of 1
/// to 8. A reference such as `order-1796105536-116` joins a 10-digit and a 3-digit run
/// that may pass Luhn by chance, and is not a card: masking it would change what the
/// history says was sent.
fn card_like_groups(runs: &[Run]) -> bool {
    let len = |r: &Run| r.end - r.start;
    let Some((last, rest)) = runs.split_last() else {
        return false;
    };
    let Some((first, middle)) = rest.split_first() else {
        return false;
    };
    (4..=8).contains(&len(first))
        && middle.iter().all(|r| (3..=8).contains(&len(r)))
        && (1..=8).contains(&len(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_glued_and_plain_cards_are_masked() {
        for (text, want) in [
            ("card 4444333322221111 ok", "card 444433******1111 ok"),
            ("4444 3333 2222 1111", "444433******1111"),
            ("4444-3333-2222-1111.", "444433******1111."),
            ("4444%203333%202222%201111", "444433******1111"),
            ("4444+3333+2222+1111", "444433******1111"),
            ("3782 822463 10005", "378282*****0005"),
            ("44443333 22221111", "444433******1111"),
            ("4444 3333 2222 1111 125", "444433*********1125"),
            (
                "a5500000000000004@example.com",
                "a550000******0004@example.com",
            ),
            ("-4444333322221111", "-444433******1111"),
            ("4444333322221111.0", "444433******1111.0"),
        ] {
            assert_eq!(mask_in_text(text), want, "{text}");
        }
    }

    #[test]
    fn hex_ids_timestamps_and_dates_are_left_alone() {
        for text in [
            "/p/6b05a4444333322221111f00/",
            "/p/6B05A4444333322221111F00/",
            "/p%2F6b05a4444333322221111f00%2F",
            "1690295205",
            "2023-07-25 14:26:45",
            "550e8400-e29b-41d4-a716-446655440000",
            // The explorer's own merchantRef: 1796105536 and 116 pass Luhn together.
            "order-1796105536-116-c2785a",
            "\"merchantRef\": \"order-1796105536-116-c2785a\"",
        ] {
            assert_eq!(mask_in_text(text), text);
        }
        // Next to a hex id (a separator apart), a card is still a card.
        assert_eq!(
            mask_in_text("6b05a4444333322221111f00 4444333322221111"),
            "6b05a4444333322221111f00 444433******1111"
        );
    }

    #[test]
    fn two_cards_in_one_chain_are_both_hidden() {
        let out = mask_in_text("4444 3333 2222 1111 5555 5555 5555 4444");
        assert!(!out.contains("3333") && !out.contains("5555 4444"), "{out}");
    }

    #[test]
    fn numbers_of_every_json_kind() {
        for text in [
            "4444333322221111",
            "-4444333322221111",
            "4444333322221111.0",
            "4.444333322221111e15",
        ] {
            let n: Number = serde_json::from_str(text).expect("number");
            assert_eq!(
                masked_number(&n).as_deref(),
                Some("444433******1111"),
                "{text}"
            );
        }
        let n: Number = serde_json::from_str("1690295205.5").expect("number");
        assert_eq!(masked_number(&n), None);
    }

    proptest::proptest! {
        /// The first check never skips text the full scan would change.
        #[test]
        fn the_first_check_skips_only_text_without_a_card(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "4444", "3333", "2222", "1111", "4444333322221111", "378282246310005",
                "5500000000000004", "1", "12", "125", "0", "12345678", " ", "-", "+",
                "%20", "%2F", "%", "a", "f", "x", "Z", "@", "/", ".", "6b05a4444333322221111f00",
            ]), 0..24),
        ) {
            let text: String = pieces.concat();
            proptest::prop_assert_eq!(mask_in_text(&text), mask_scanning(&text));
        }
    }
}
