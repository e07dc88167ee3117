//! The test-card catalog (`sandbox-scenarios.md` §4, §6, §7): which card does what.
//! The emulator applies these tables and the explorer's test-card picker, `cards`,
//! scenarios and error diagnosis read them, so there is one source.

/// A final (or parked) outcome a test card leads to when the customer's browser completes
/// the payment (not `flow::machine::Outcome`, which is what one step of the flow returned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOutcome {
    /// `PAID`.
    Success,
    /// `ERROR` with this `errorMsg`.
    Declined(&'static str),
    /// `PAYMENT_IN_PROCESS` until settled through the control plane.
    Pending,
    /// `EXPIRED`.
    Expired,
    /// `PAID`, but a later refund is refused by the "PSP".
    RefundFails,
}

impl CardOutcome {
    /// Upper-case purchase status this outcome leads to.
    pub fn status(self) -> &'static str {
        match self {
            CardOutcome::Success | CardOutcome::RefundFails => "PAID",
            CardOutcome::Declined(_) => "ERROR",
            CardOutcome::Pending => "PAYMENT_IN_PROCESS",
            CardOutcome::Expired => "EXPIRED",
        }
    }
}

/// How the card authenticates at the callback URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Frictionless: the callback applies the outcome and redirects at once.
    Frictionless,
    /// Challenge: an OTP page first (OTP `123456`).
    Challenge,
}

/// One row of Paysecure's published sandbox cards (§6).
#[derive(Debug, Clone, Copy)]
pub struct OutcomeRow {
    /// Short name of the outcome, as the picker shows it.
    pub label: &'static str,
    /// One-line description.
    pub description: &'static str,
    /// What the callback applies.
    pub outcome: CardOutcome,
    /// Mastercard 2D, Mastercard 3D, Visa 2D, Visa 3D.
    pub cards: [&'static str; 4],
}

/// §6: Paysecure's published sandbox cards, outcome applied at the callback.
pub const OUTCOME_ROWS: &[OutcomeRow] = &[
    OutcomeRow {
        label: "Success",
        // Every success card also demonstrates pre-authorisation (§10.5): the purchase's
        // skip_capture decides, not the card. (Short: the picker shows one line.)
        description: "Pays PAID, PREAUTHORIZED with skip_capture",
        outcome: CardOutcome::Success,
        cards: [
            "5116213113429327",
            "5141922635866282",
            "4079722589318630",
            "4878397953290146",
        ],
    },
    OutcomeRow {
        label: "Authorisation failed",
        description: "Declined at the callback: ERROR, Transaction Failed",
        outcome: CardOutcome::Declined("Transaction Failed"),
        cards: [
            "5112857124909935",
            "5169811636324572",
            "4125485445527190",
            "4195258724913240",
        ],
    },
    OutcomeRow {
        label: "Insufficient funds",
        description: "Declined at the callback: ERROR, Insufficient fund",
        outcome: CardOutcome::Declined("Insufficient fund"),
        cards: [
            "5143312606271514",
            "5156216152193051",
            "4662922293431520",
            "4984823599573265",
        ],
    },
    OutcomeRow {
        label: "Pending",
        description: "Parks in PAYMENT_IN_PROCESS until settled via the control plane",
        outcome: CardOutcome::Pending,
        cards: [
            "5199805409482512",
            "5170361568993009",
            "4710793097358785",
            "4994455060632359",
        ],
    },
    OutcomeRow {
        label: "Bad expiry (issuer)",
        description: "Issuer rejects the expiry: ERROR, expiry_date_error",
        outcome: CardOutcome::Declined("expiry_date_error"),
        cards: [
            "5146669487735546",
            "5559161923541480",
            "4460652052832634",
            "4500682811540204",
        ],
    },
    OutcomeRow {
        label: "Bad CVV (issuer)",
        description: "Issuer rejects the CVV: ERROR, Cvv_error",
        outcome: CardOutcome::Declined("Cvv_error"),
        cards: [
            "5110339832985475",
            "5151735930865446",
            "4935648707390280",
            "4383025225665997",
        ],
    },
    OutcomeRow {
        label: "Processor timeout",
        description: "Processor times out: ERROR, Transaction declined - try again",
        outcome: CardOutcome::Declined("Transaction declined - try again"),
        cards: [
            "5136528486494418",
            "5185151885032695",
            "4568730114361775",
            "4163340122068617",
        ],
    },
    OutcomeRow {
        label: "Refund fails",
        description: "Pays, but a later refund is refused",
        outcome: CardOutcome::RefundFails,
        cards: [
            "5149446104369687",
            "5162164630471008",
            "4405935956954713",
            "4241214813524459",
        ],
    },
    OutcomeRow {
        label: "Expired",
        description: "Purchase ends EXPIRED",
        outcome: CardOutcome::Expired,
        cards: [
            "5140378358642890",
            "5127160683722580",
            "4945208335596614",
            "4566329901944380",
        ],
    },
    OutcomeRow {
        label: "Risk check failed",
        description: "Risk engine blocks: ERROR, Customer/Ip is Blocked",
        outcome: CardOutcome::Declined("Customer/Ip is Blocked"),
        cards: [
            "5192488343990234",
            "5159971600530380",
            "4588381711517694",
            "4342346318195134",
        ],
    },
    OutcomeRow {
        label: "Issuer decline",
        description: "Issuer declines: ERROR, Issuing bank - do not honer",
        outcome: CardOutcome::Declined("Issuing bank - do not honer"),
        cards: [
            "5198134892284199",
            "5115438560834809",
            "4401279985739470",
            "4618889598319798",
        ],
    },
];

/// The seed document's example card: a 3D success card, so the seed payload works as written.
pub const SEED_CARD: &str = "4444333322221111";

/// Card `4999000000000336` (slow success) behaves as this 2D success card after its delay.
const SLOW_SUCCESS_AS: &str = "5116213113429327";

/// What a card does at the S2S call once it is past the generic checks (§4 step 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardBehaviour {
    /// Accepted: 202 pending; the callback applies `outcome` after `auth`.
    Accepted { outcome: CardOutcome, auth: Auth },
    /// A synchronous coded 400 (`transaction_error`) with this message; `kills` moves the
    /// purchase to ERROR.
    Rejected { message: &'static str, kills: bool },
    /// A transport-level fault (§7).
    Fault(Fault),
}

/// The emulator-only fault cards of §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Hang for the configured timeout, then 504 `exception`.
    HangThenGatewayTimeout,
    /// 500 `exception` "something went wrong".
    InternalError,
    /// Close the connection without a response.
    DropConnection,
    /// 3 s delay, then as a 2D success card.
    SlowSuccess,
    /// 429 `too_many_requests`.
    TooManyRequests,
}

/// One magic or fault card, for the picker and the sandbox.
#[derive(Debug, Clone, Copy)]
pub struct MagicCard {
    /// The PAN.
    pub number: &'static str,
    /// Short label.
    pub label: &'static str,
    /// What it does.
    pub behaviour: CardBehaviour,
}

/// Message of the expiry rejection, shared by the natural check and its magic card.
pub const MSG_BAD_EXPIRY: &str =
    "Invalid Card Expiry(Valid Format:MM/YY) must be greater than current month/year";
/// Message of the IP check, shared by the natural check and its magic card.
pub const MSG_IP_MATCH: &str = "Client Ip could not be matched with Merchant Ip";
/// Message of the key-type check, shared by the natural check and its magic card.
pub const MSG_KEY_TYPE: &str = "Different Type of key used to create purchase and payment";
/// Message of the attempt limit, shared by the natural check and its magic card.
pub const MSG_ATTEMPTS: &str = "Allowed Attempt for this Transaction has been consumed";
/// Message of the blocked-customer check, shared by the natural check and its magic card.
pub const MSG_CUSTOMER_BLOCKED: &str = "Customer profile is Blocked";
/// Message for a bad CVC and for magic card `…0112`.
pub const MSG_INVALID_CARD_INFO: &str = "Invalid Card Information";

const fn rejected(message: &'static str, kills: bool) -> CardBehaviour {
    CardBehaviour::Rejected { message, kills }
}

/// §4's `4999…` magic cards and §7's fault cards.
pub const MAGIC_CARDS: &[MagicCard] = &[
    MagicCard {
        number: "4999000000000104",
        label: "IP mismatch",
        behaviour: rejected(MSG_IP_MATCH, false),
    },
    MagicCard {
        number: "4999000000000112",
        label: "Invalid card information",
        behaviour: rejected(MSG_INVALID_CARD_INFO, false),
    },
    MagicCard {
        number: "4999000000000120",
        label: "Card is blocked",
        behaviour: rejected("Card is Blocked", false),
    },
    MagicCard {
        number: "4999000000000138",
        label: "Different key type",
        behaviour: rejected(MSG_KEY_TYPE, false),
    },
    MagicCard {
        number: "4999000000000146",
        label: "Charges setting incomplete",
        behaviour: rejected(
            "You charges setting is incomplete. Please Contact to administrator",
            false,
        ),
    },
    MagicCard {
        number: "4999000000000153",
        label: "Attempts consumed (message only)",
        behaviour: rejected(MSG_ATTEMPTS, false),
    },
    MagicCard {
        number: "4999000000000161",
        label: "Invalid expiry",
        behaviour: rejected(MSG_BAD_EXPIRY, true),
    },
    MagicCard {
        number: "4999000000000179",
        label: "Customer profile blocked",
        behaviour: rejected(MSG_CUSTOMER_BLOCKED, false),
    },
    MagicCard {
        number: "4999000000000187",
        label: "Customer/card not allowed",
        behaviour: rejected("Customer/Card not allowed for transaction", false),
    },
    MagicCard {
        number: "4999000000000302",
        label: "Fault: hang then 504",
        behaviour: CardBehaviour::Fault(Fault::HangThenGatewayTimeout),
    },
    MagicCard {
        number: "4999000000000310",
        label: "Fault: 500 exception",
        behaviour: CardBehaviour::Fault(Fault::InternalError),
    },
    MagicCard {
        number: "4999000000000328",
        label: "Fault: connection dropped",
        behaviour: CardBehaviour::Fault(Fault::DropConnection),
    },
    MagicCard {
        number: "4999000000000336",
        label: "Fault: slow success (3 s)",
        behaviour: CardBehaviour::Fault(Fault::SlowSuccess),
    },
    MagicCard {
        number: "4999000000000344",
        label: "Fault: 429 too many requests",
        behaviour: CardBehaviour::Fault(Fault::TooManyRequests),
    },
];

/// What the sandbox does with `number` at step 13-14 of the S2S check order.
/// `None` means "a Luhn-valid card in no table" (→ `Invalid card details`).
pub fn behaviour_of(number: &str) -> Option<CardBehaviour> {
    if let Some(magic) = MAGIC_CARDS.iter().find(|m| m.number == number) {
        return Some(magic.behaviour);
    }
    accepted_card(number)
}

/// The outcome and authentication of a §6 card (or the seed card), if it is one.
pub fn accepted_card(number: &str) -> Option<CardBehaviour> {
    if number == SEED_CARD {
        return Some(CardBehaviour::Accepted {
            outcome: CardOutcome::Success,
            auth: Auth::Challenge,
        });
    }
    OUTCOME_ROWS.iter().find_map(|row| {
        let column = row.cards.iter().position(|c| *c == number)?;
        let auth = if column % 2 == 0 {
            Auth::Frictionless
        } else {
            Auth::Challenge
        };
        Some(CardBehaviour::Accepted {
            outcome: row.outcome,
            auth,
        })
    })
}

/// Whether `number` is a test card the issuer never challenges (frictionless 3-D
/// Secure): no one-time code is asked for it.
pub fn is_frictionless(number: &str) -> bool {
    matches!(
        accepted_card(number),
        Some(CardBehaviour::Accepted {
            auth: Auth::Frictionless,
            ..
        })
    )
}

/// The card the slow-success fault card turns into after its delay.
pub fn slow_success_card() -> &'static str {
    SLOW_SUCCESS_AS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::is_valid_pan;

    #[test]
    fn every_catalog_card_passes_luhn() {
        let all = OUTCOME_ROWS
            .iter()
            .flat_map(|r| r.cards.iter().copied())
            .chain(MAGIC_CARDS.iter().map(|m| m.number))
            .chain([SEED_CARD]);
        for card in all {
            assert!(is_valid_pan(card), "{card} fails Luhn");
        }
    }

    #[test]
    fn columns_map_to_auth() {
        assert_eq!(
            behaviour_of("5141922635866282"),
            Some(CardBehaviour::Accepted {
                outcome: CardOutcome::Success,
                auth: Auth::Challenge
            })
        );
        assert_eq!(
            behaviour_of("4662922293431520"),
            Some(CardBehaviour::Accepted {
                outcome: CardOutcome::Declined("Insufficient fund"),
                auth: Auth::Frictionless
            })
        );
        assert_eq!(behaviour_of("4111111111111111"), None);
    }
}
