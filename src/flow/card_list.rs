//! The test cards as `paysecure-explorer cards` lists them: the explorer's F2 picker entries
//! ([`test_cards`]) with what the sandbox's own tables say each one does. Nothing here is a
//! second table: scheme comes from the number, the rest from `paysecure::test_cards`.

use serde::Serialize;

use crate::card::brand;
use crate::flow::presets::{TestCard, test_cards};
use crate::paysecure::test_cards::{self, Auth, CardBehaviour, CardOutcome, Fault};

/// One test card with its behaviour spelled out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardFacts {
    pub number: &'static str,
    /// `VISA` or `MASTER`, from the number's prefix.
    pub scheme: &'static str,
    /// `2D` or `3D`; `None` for cards whose S2S call never reaches the callback.
    pub secure: Option<&'static str>,
    /// `frictionless` or `challenge` (OTP `123456`), alongside `secure`.
    pub auth: Option<&'static str>,
    /// The picker's group (the outcome's short name).
    pub group: &'static str,
    /// The upper-case status the purchase ends in when the card is used as it is meant.
    pub status: Option<&'static str>,
    /// What happens, in one line.
    pub outcome: String,
    /// What to expect, in a few words (the picker's first column): `PAID`,
    /// `ERROR Insufficient fund`, `400 Card is Blocked`.
    pub expected: String,
    /// The picker's description.
    pub description: String,
}

/// Every picker card, in the picker's order.
pub fn all() -> Vec<CardFacts> {
    test_cards().iter().map(facts).collect()
}

/// The groups in the order they first appear, each with its cards.
pub fn grouped(cards: &[CardFacts]) -> Vec<(&'static str, Vec<&CardFacts>)> {
    let mut groups: Vec<(&'static str, Vec<&CardFacts>)> = Vec::new();
    for card in cards {
        match groups.iter_mut().find(|(g, _)| *g == card.group) {
            Some((_, members)) => members.push(card),
            None => groups.push((card.group, vec![card])),
        }
    }
    groups
}

fn facts(card: &TestCard) -> CardFacts {
    let mut facts = CardFacts {
        number: card.number,
        scheme: brand(card.number),
        secure: None,
        auth: None,
        group: card.group,
        status: None,
        outcome: String::new(),
        expected: String::new(),
        description: card.description.clone(),
    };
    match test_cards::behaviour_of(card.number) {
        Some(CardBehaviour::Accepted { outcome, auth }) => {
            set_accepted(&mut facts, outcome, auth, "");
        }
        Some(CardBehaviour::Rejected { message, kills }) => {
            let (status, after) = if kills {
                ("ERROR", "purchase → ERROR")
            } else {
                ("CREATED", "purchase stays CREATED")
            };
            facts.status = Some(status);
            facts.outcome = format!("S2S answers 400 \"{message}\"; {after}");
            facts.expected = format!("400 {message}");
        }
        // The slow card is a real 2D success card once its delay is over.
        Some(CardBehaviour::Fault(Fault::SlowSuccess)) => {
            if let Some(CardBehaviour::Accepted { outcome, auth }) =
                test_cards::behaviour_of(test_cards::slow_success_card())
            {
                set_accepted(&mut facts, outcome, auth, "after 3 s: ");
            }
        }
        Some(CardBehaviour::Fault(fault)) => {
            facts.status = Some("CREATED");
            facts.outcome = format!("{}; purchase stays CREATED", fault_text(fault));
            facts.expected = fault_expected(fault).into();
        }
        // Every picker card is in the tables (a unit test holds this); say so if one is not.
        None => {
            facts.outcome = "not in the sandbox's tables".into();
            facts.expected = "unknown card".into();
        }
    }
    facts
}

fn set_accepted(facts: &mut CardFacts, outcome: CardOutcome, auth: Auth, prefix: &str) {
    let (secure, how) = match auth {
        Auth::Frictionless => ("2D", "frictionless"),
        Auth::Challenge => ("3D", "challenge"),
    };
    facts.secure = Some(secure);
    facts.auth = Some(how);
    facts.status = Some(outcome.status());
    let what = match outcome {
        // Any success card also shows a pre-authorisation (§10.5).
        CardOutcome::Success => "PAID (PREAUTHORIZED with skip_capture)".to_string(),
        CardOutcome::Declined(msg) => format!("ERROR \"{msg}\""),
        CardOutcome::Pending => "PAYMENT_IN_PROCESS until settled (control plane)".into(),
        CardOutcome::Expired => "EXPIRED".into(),
        CardOutcome::RefundFails => "PAID; a later refund is refused".into(),
    };
    facts.outcome = format!("{prefix}{what}");
    let expected = match outcome {
        CardOutcome::Success => "PAID".to_string(),
        CardOutcome::Declined(msg) => format!("ERROR {msg}"),
        CardOutcome::RefundFails => "PAID, refund refused".into(),
        CardOutcome::Pending | CardOutcome::Expired => outcome.status().into(),
    };
    facts.expected = if prefix.is_empty() {
        expected
    } else {
        format!("{expected} ({})", prefix.trim_end_matches(": "))
    };
}

fn fault_text(fault: Fault) -> &'static str {
    match fault {
        Fault::HangThenGatewayTimeout => "S2S hangs for the sandbox's timeout, then 504",
        Fault::InternalError => "S2S answers 500 \"something went wrong\"",
        Fault::DropConnection => "S2S connection closed without a response",
        Fault::TooManyRequests => "S2S answers 429 \"Too many requests\"",
        Fault::SlowSuccess => "S2S answers after 3 s as a 2D success card",
    }
}

/// A fault's answer in a few words, status code first.
fn fault_expected(fault: Fault) -> &'static str {
    match fault {
        Fault::HangThenGatewayTimeout => "504 after a hang",
        Fault::InternalError => "500 something went wrong",
        Fault::DropConnection => "no answer (connection dropped)",
        Fault::TooManyRequests => "429 Too many requests",
        Fault::SlowSuccess => "PAID (after 3 s)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_picker_card_is_listed_with_a_known_behaviour() {
        let cards = all();
        assert_eq!(cards.len(), test_cards().len());
        for c in &cards {
            assert!(matches!(c.scheme, "VISA" | "MASTER"), "{c:?}");
            assert!(c.status.is_some(), "{c:?}");
            assert!(!c.outcome.is_empty(), "{c:?}");
            assert!(!c.expected.is_empty(), "{c:?}");
            assert_eq!(c.secure.is_some(), c.auth.is_some(), "{c:?}");
        }
    }

    #[test]
    fn columns_and_magic_cards_read_as_the_tables_say() {
        let cards = all();
        let find = |n: &str| cards.iter().find(|c| c.number == n).expect(n);
        let seed = find(test_cards::SEED_CARD);
        assert_eq!(
            (seed.scheme, seed.secure, seed.status),
            ("VISA", Some("3D"), Some("PAID"))
        );
        let mc2d = find("5112857124909935");
        assert_eq!((mc2d.scheme, mc2d.auth), ("MASTER", Some("frictionless")));
        assert_eq!(mc2d.outcome, "ERROR \"Transaction Failed\"");
        let blocked = find("4999000000000120");
        assert_eq!((blocked.secure, blocked.status), (None, Some("CREATED")));
        assert!(blocked.outcome.contains("Card is Blocked"));
        assert_eq!(find("4999000000000161").status, Some("ERROR"));
        assert_eq!(seed.outcome, "PAID (PREAUTHORIZED with skip_capture)");
        let slow = find("4999000000000336");
        assert_eq!((slow.secure, slow.status), (Some("2D"), Some("PAID")));
    }

    #[test]
    fn expected_outcomes_say_status_or_code_first() {
        let cards = all();
        let expected = |n: &str| {
            cards
                .iter()
                .find(|c| c.number == n)
                .map(|c| c.expected.as_str())
                .expect(n)
        };
        assert_eq!(expected(test_cards::SEED_CARD), "PAID");
        assert_eq!(expected("5143312606271514"), "ERROR Insufficient fund");
        assert_eq!(expected("4999000000000120"), "400 Card is Blocked");
        assert_eq!(expected("5199805409482512"), "PAYMENT_IN_PROCESS");
        assert_eq!(expected("4999000000000302"), "504 after a hang");
        assert_eq!(expected("4999000000000336"), "PAID (after 3 s)");
        assert_eq!(expected("5149446104369687"), "PAID, refund refused");
    }

    #[test]
    fn groups_keep_first_appearance_order_and_every_card() {
        let cards = all();
        let groups = grouped(&cards);
        assert_eq!(groups.first().map(|g| g.0), Some("Success"));
        let total: usize = groups.iter().map(|g| g.1.len()).sum();
        assert_eq!(total, cards.len());
        let mut names: Vec<_> = groups.iter().map(|g| g.0).collect();
        names.dedup();
        assert_eq!(names.len(), groups.len());
    }
}
