//! Why an error fired, from the facts: the request that was actually sent, the sandbox
//! trigger it carried, and the purchase's real status after it. The catalog says what an
//! error means in production; this module says what caused *this* one, so the screen
//! never blames a field that was fine.

use serde_json::Value;

use crate::api::catalog::{self, Explanation};
use crate::api::{Purchase, PurchaseStatus, TransportKind};
use crate::paysecure::test_cards::{
    CardBehaviour, CardOutcome, Fault, MAGIC_CARDS, MSG_ATTEMPTS, MSG_CUSTOMER_BLOCKED,
    OUTCOME_ROWS,
};

/// The five card fields the S2S call requires (sandbox contract §4 step 7).
pub const CARD_FIELDS: [&str; 5] = [
    "cardholder_name",
    "card_number",
    "cvc",
    "expires",
    "remember_card",
];

/// The domain whose customers the sandbox blocks (§4 step 12).
const BLOCKED_DOMAIN: &str = "@blocked.example";

/// What the app remembers of a body it sent: enough to explain the answer, nothing
/// secret (no CVC; a card number only when it is a public sandbox test card).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentFacts {
    /// The card number, when it is one of the sandbox's published or magic test cards.
    pub test_card: Option<&'static str>,
    /// Which of [`CARD_FIELDS`] were absent, null or empty.
    pub missing_card_fields: Vec<&'static str>,
    /// `remote_ip` as sent.
    pub remote_ip: Option<String>,
    /// `expires` as sent.
    pub expires: Option<String>,
    /// The payment was made with a saved card (`token_reference` sent), not a card number.
    pub with_token: bool,
}

impl SentFacts {
    /// The facts of a create or S2S body.
    pub fn of(body: &Value) -> SentFacts {
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        let empty = |k: &str| match body.get(k) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(_) => false,
        };
        let digits: Option<String> = body.get("card_number").map(|v| match v {
            Value::String(s) => s.chars().filter(char::is_ascii_digit).collect(),
            other => other.to_string(),
        });
        SentFacts {
            with_token: !empty("token_reference"),
            test_card: digits.as_deref().and_then(public_test_card),
            missing_card_fields: if body.get("card_number").is_some()
                || body.get("cvc").is_some()
                || body.get("remote_ip").is_some()
            {
                CARD_FIELDS.into_iter().filter(|k| empty(k)).collect()
            } else {
                Vec::new()
            },
            remote_ip: text("remote_ip"),
            expires: text("expires"),
        }
    }
}

/// The number as a `&'static` entry of the sandbox's tables, if it is one.
fn public_test_card(number: &str) -> Option<&'static str> {
    MAGIC_CARDS
        .iter()
        .map(|m| m.number)
        .chain(OUTCOME_ROWS.iter().flat_map(|r| r.cards.iter().copied()))
        .find(|c| *c == number)
}

/// Whether the purchase can still be paid, as its real status says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payable {
    /// The error came at create time: there is no purchase.
    NoPurchase,
    /// The status GET is in flight.
    Checking,
    /// The status GET failed: nobody knows.
    Unknown,
    /// The status GET says CREATED (or OVERDUE never sent to 3DS): retry on it; the
    /// count is the S2S calls made on it from here so far.
    Yes(PurchaseStatus, u32),
    /// The status is payable but the purchase's attempts are used up.
    AttemptsUsedUp(PurchaseStatus),
    /// The status is payable, but the sandbox refuses every call for the purchase's
    /// customer (an email at blocked.example): no card can pay it.
    CustomerBlocked(PurchaseStatus),
    /// The status GET says the purchase moved on.
    No(PurchaseStatus),
}

impl Payable {
    /// The line the result screen shows.
    pub fn label(&self) -> String {
        match self {
            Payable::NoPurchase => {
                "no purchase exists yet: fix the purchase form and send ① again".into()
            }
            Payable::Checking => "checking: the status GET is in flight…".into(),
            // Shared by `flow` and the explorer: no key is named (the explorer's footer
            // has r), and no GET is claimed (none may have been made).
            Payable::Unknown => "unknown: no status was read since this error".into(),
            Payable::Yes(s, attempts) => format!(
                "yes: the status GET says {}; retry on this purchase ({attempts} S2S {} made on it so far; Paysecure limits attempts per purchase)",
                s.as_upper(),
                if *attempts == 1 { "call" } else { "calls" }
            ),
            Payable::CustomerBlocked(s) => format!(
                "no: the status GET says {}, but its customer's email is at blocked.example, so every call is refused; start a new purchase with another email",
                s.as_upper()
            ),
            Payable::AttemptsUsedUp(s) => format!(
                "no: the status GET says {}, but this purchase's attempts are used up; start a new purchase",
                s.as_upper()
            ),
            Payable::No(s) => format!(
                "no: the status GET says {}; start a new purchase",
                s.as_upper()
            ),
        }
    }

    /// Whether a retry on the same purchase can work.
    pub fn is_yes(&self) -> bool {
        matches!(self, Payable::Yes(..))
    }
}

/// Which call a coded error answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `POST /purchases/`.
    Create,
    /// The S2S payment call.
    Payment,
    /// The customer's browser step: the callback page, the challenge, the redirect.
    BrowserStep,
}

impl Stage {
    /// The stage of an error shown: at create when no purchase exists, else the browser
    /// step when that failed, else the payment.
    pub fn of(purchase_exists: bool, browser_step_failed: bool) -> Stage {
        match (purchase_exists, browser_step_failed) {
            (false, _) => Stage::Create,
            (true, true) => Stage::BrowserStep,
            (true, false) => Stage::Payment,
        }
    }
}

/// The headline's verdict for a coded error: what the HTTP status says happened.
pub fn headline(http_status: u16, stage: Stage) -> &'static str {
    match (http_status, stage) {
        (429, _) => "rate limited: the call was not processed",
        (504, _) => "the gateway timed out waiting for the processor",
        (500..=599, _) => "the server failed while processing the call",
        (_, Stage::Create) => "the purchase was not created",
        (_, Stage::Payment) => "the payment call was refused",
        (_, Stage::BrowserStep) => {
            "the browser step (callback page, challenge or redirect) was refused"
        }
    }
}

/// What to try next: the catalog's advice is for production; after a sandbox trigger the
/// next step follows from the purchase's real state instead.
pub fn try_next(d: &Diagnosis) -> &'static str {
    match (&d.trigger, &d.payable) {
        (None, _) => d.explanation.next,
        // The email is checked before any card: no card can pay this purchase.
        (Some(_), _) if d.trigger_is_the_customer => {
            "the customer's email is the trigger, checked before any card: start a new purchase with an email outside blocked.example"
        }
        (Some(_), Payable::Yes(..)) => {
            "this was the test card: pick another card (F2 in the explorer) and retry on this purchase"
        }
        (Some(_), Payable::NoPurchase) => "fix the purchase and send it again",
        (Some(_), _) => "start a new purchase with another card",
    }
}

/// What is known after a transport failure (no API answer), for the explorer and `flow`:
/// a refused connection never reached the server; otherwise the status GET decides.
/// `sandbox`: the server is this project's sandbox (see [`still_created_after_a_cut_call`]).
pub fn transport_known(
    kind: &TransportKind,
    purchase_exists: bool,
    status: Option<&PurchaseStatus>,
    checking: bool,
    sandbox: bool,
    attempts_used_up: bool,
) -> String {
    if *kind == TransportKind::ConnectionRefused {
        return "The connection was refused: the request never reached the server, so nothing changed. Check the endpoint, then retry.".into();
    }
    if !purchase_exists {
        return "If the server got the request, a purchase may exist, but no id was read.".into();
    }
    if checking {
        return "Asking the purchase's status to learn what the call did…".into();
    }
    match status {
        Some(s @ (PurchaseStatus::Created | PurchaseStatus::Overdue)) if attempts_used_up => format!(
            "The status GET says the purchase is still {}, but its S2S attempts are used up: another call is refused whatever it sends; start a new purchase.",
            s.as_upper()
        ),
        // The server did answer: the call is over, not cut off.
        Some(PurchaseStatus::Created) if *kind == TransportKind::NonJson => {
            "The status GET says the purchase is still CREATED: the server answered (not with the API's JSON), so the call is over and did not pay; a retry can work (the call may have used one of its attempts).".into()
        }
        // An answer too long to read: what it said is not known, only that it came.
        Some(PurchaseStatus::Created) if *kind == TransportKind::BodyTooLarge => {
            "The status GET says the purchase is still CREATED: the server answered (with a body too long to read), so the call is over and did not pay; a retry can work (the call may have used one of its attempts).".into()
        }
        Some(PurchaseStatus::Created) => still_created_after_a_cut_call(sandbox).into(),
        Some(s) => format!(
            "The status GET says the purchase is now {}: the call did reach the server.",
            s.as_upper()
        ),
        None => "The status GET failed too: nothing is known about the call's effect.".into(),
    }
}

/// A payment call cut off before its answer (a time-out, a dropped connection, Esc), and
/// the status GET then says CREATED. On this project's sandbox the call is over: it stops
/// a payment whose connection closed (`sandbox::s2s`, the in-flight mark). Elsewhere the
/// status does not say so: the call can still be running, and a retry meanwhile is refused
/// (`already_in_process`).
pub fn still_created_after_a_cut_call(sandbox: bool) -> &'static str {
    if sandbox {
        "The status GET says the purchase is still CREATED, and this sandbox stops a call whose connection closed: a retry can work (the call may have used one of its attempts)."
    } else {
        "The status GET says the purchase is still CREATED, but the call may still be running there: a retry before it ends is refused as already_in_process (the call may have used one of its attempts)."
    }
}

/// The sandbox fault card behind a transport failure, if one was sent.
pub fn transport_trigger(
    kind: &TransportKind,
    sent: Option<&SentFacts>,
    sandbox: bool,
) -> Option<String> {
    let card = sent?.test_card?;
    let magic = MAGIC_CARDS.iter().find(|m| m.number == card)?;
    let fires = match magic.behaviour {
        CardBehaviour::Fault(Fault::DropConnection) => *kind == TransportKind::ConnectionClosed,
        CardBehaviour::Fault(Fault::HangThenGatewayTimeout) => *kind == TransportKind::Timeout,
        _ => false,
    };
    (sandbox && fires).then(|| {
        format!(
            "Sandbox trigger: card {card} ({}) forces this failure.",
            magic.label
        )
    })
}

/// What the result screen says about a coded error.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    /// The sandbox trigger that forced it, said first when there is one.
    pub trigger: Option<String>,
    /// The trigger is the purchase's customer (its email), which no other card changes.
    pub trigger_is_the_customer: bool,
    /// What fired in the request itself, when the facts show it (named fields, values).
    pub fired: Option<String>,
    /// What the error means in production.
    pub explanation: Explanation,
    pub payable: Payable,
}

/// Where the error came from and what is known of the purchase since.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The body sent, as remembered.
    pub sent: Option<&'a SentFacts>,
    /// The purchase (its latest form) if one exists.
    pub purchase: Option<&'a Purchase>,
    /// The status the last status GET returned; `None` while unknown.
    pub status: Option<&'a PurchaseStatus>,
    /// A status GET is in flight.
    pub checking: bool,
    /// S2S calls made on this purchase from here (they count against its attempt limit).
    pub attempts_made: u32,
    /// S2S attempts a purchase allows ([`DEFAULT_ATTEMPT_LIMIT`] unless the sandbox's
    /// settings say otherwise).
    pub attempt_limit: u32,
    /// The endpoint is this project's sandbox (embedded, or `serve` on this machine),
    /// where the test cards are triggers.
    pub sandbox: bool,
}

/// Explains a coded error (`code`, `message`) with the facts of `ctx`.
pub fn diagnose(code: &str, message: &str, ctx: Context) -> Diagnosis {
    let explanation = catalog::explain(code, message);
    let (trigger, trigger_is_the_customer) = match ctx.sandbox.then(|| trigger(message, ctx)) {
        Some(Some((text, customer))) => (Some(text), customer),
        _ => (None, false),
    };
    let fired = fired(message, ctx);
    let payable = match (ctx.purchase, ctx.status) {
        (None, _) => Payable::NoPurchase,
        (Some(_), None) if ctx.checking => Payable::Checking,
        (Some(_), None) => Payable::Unknown,
        (Some(_), Some(status)) if payable_status(status) => {
            // The attempt-limit message is true (attempts are used up) unless the magic
            // card that only says it fired; and with as many attempts used as the limit,
            // the next call gets that message whatever it sends.
            let said_used_up = message.contains(MSG_ATTEMPTS) && trigger.is_none();
            if trigger_is_the_customer {
                Payable::CustomerBlocked(status.clone())
            } else if said_used_up
                || attempts_used_up(ctx.purchase, ctx.attempts_made, ctx.attempt_limit)
            {
                Payable::AttemptsUsedUp(status.clone())
            } else {
                Payable::Yes(status.clone(), ctx.attempts_made)
            }
        }
        (Some(_), Some(status)) => Payable::No(status.clone()),
    };
    Diagnosis {
        trigger,
        trigger_is_the_customer,
        fired,
        explanation,
        payable,
    }
}

/// Paysecure's limit of S2S attempts per purchase (the sandbox's default too, §4).
pub const DEFAULT_ATTEMPT_LIMIT: u32 = 3;

/// Whether `purchase` has used all `limit` of its S2S attempts: the next call is refused
/// whatever it sends.
pub fn attempts_used_up(purchase: Option<&Purchase>, attempts_made: u32, limit: u32) -> bool {
    attempts_used(purchase, attempts_made) >= limit
}

/// The S2S attempts a purchase has used, as far as is known: those made from here, or
/// those its `transaction_data.attempts` lists (made elsewhere), whichever is more.
fn attempts_used(purchase: Option<&Purchase>, attempts_made: u32) -> u32 {
    let listed = purchase
        .and_then(|p| p.extra.get("transaction_data"))
        .and_then(|t| t.get("attempts"))
        .and_then(Value::as_array)
        .map_or(0, |attempts| {
            attempts
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) == Some("execute"))
                .count()
        });
    attempts_made.max(u32::try_from(listed).unwrap_or(u32::MAX))
}

fn payable_status(status: &PurchaseStatus) -> bool {
    matches!(status, PurchaseStatus::Created | PurchaseStatus::Overdue)
}

/// The sandbox trigger behind `message`, if the request carried one, and whether it is
/// the purchase's customer rather than the card.
fn trigger(message: &str, ctx: Context) -> Option<(String, bool)> {
    let card = ctx.sent.and_then(|s| s.test_card);
    if let Some(card) = card
        && let Some(magic) = MAGIC_CARDS.iter().find(|m| m.number == card)
    {
        let fires = match magic.behaviour {
            CardBehaviour::Rejected { message: m, .. } => message.contains(m),
            CardBehaviour::Fault(Fault::HangThenGatewayTimeout) => {
                message.contains("Gateway Timeout")
            }
            CardBehaviour::Fault(Fault::InternalError) => message.contains("something went wrong"),
            CardBehaviour::Fault(Fault::TooManyRequests) => message.contains("Too many requests"),
            _ => false,
        };
        if fires {
            return Some((
                format!(
                    "Sandbox trigger: card {card} ({}) forces this error.",
                    magic.label
                ),
                false,
            ));
        }
    }
    if message.contains(MSG_CUSTOMER_BLOCKED)
        && let Some(email) = ctx.purchase.and_then(blocked_email)
    {
        return Some((
            format!(
                "Sandbox trigger: the purchase's email {email} is at blocked.example, which forces this error."
            ),
            true,
        ));
    }
    None
}

/// What in the request caused the error, when the remembered facts show it.
fn fired(message: &str, ctx: Context) -> Option<String> {
    let sent = ctx.sent?;
    if message.contains("Card Detail is missing") && !sent.missing_card_fields.is_empty() {
        let names = sent.missing_card_fields.join(", ");
        let mut text = format!("Missing or empty in the request sent: {names}.");
        if sent.missing_card_fields.contains(&"remember_card") {
            text.push_str(" Paysecure's own request examples omit remember_card, but the backend requires it (\"on\" or \"off\").");
        }
        return Some(text);
    }
    if message.contains("Client Ip could not be match")
        && sent.test_card.is_none_or(|c| !c.starts_with("4999"))
        && let Some(ip) = &sent.remote_ip
    {
        return Some(format!(
            "remote_ip sent: {ip}, the address the API call itself came from."
        ));
    }
    if message.contains("Invalid Card Expiry")
        && sent.test_card.is_none_or(|c| !c.starts_with("4999"))
        && let Some(expires) = &sent.expires
    {
        return Some(format!(
            "expires sent: \"{expires}\" (MM/YY, later than this month)."
        ));
    }
    None
}

/// Whether the purchase's customer is one the sandbox blocks (an email at
/// blocked.example): every S2S call on it is refused, whatever the card.
pub fn customer_is_blocked(purchase: &Purchase) -> bool {
    blocked_email(purchase).is_some()
}

/// The purchase's customer email, when it is one the sandbox blocks.
fn blocked_email(purchase: &Purchase) -> Option<String> {
    client_email(purchase).filter(|e| e.to_ascii_lowercase().ends_with(BLOCKED_DOMAIN))
}

fn client_email(purchase: &Purchase) -> Option<String> {
    purchase
        .extra
        .get("client")
        .and_then(|c| c.get("email"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Why a purchase ended as it did, when a sandbox test card decided it (`Expired`,
/// `Pending`, a decline row): said before the production meaning. Only when what the card
/// forces is what `purchase` shows: a wrong OTP fails a decline card's challenge before
/// its outcome is applied, and then the card did not decide it. In 2D mode (`two_d`) the
/// outcome is applied inside the S2S call, not at a callback.
pub fn outcome_trigger(
    sent: Option<&SentFacts>,
    sandbox: bool,
    purchase: Option<&Purchase>,
    two_d: bool,
) -> Option<String> {
    let card = sent?.test_card?;
    if !sandbox {
        return None;
    }
    let row = OUTCOME_ROWS.iter().find(|r| r.cards.contains(&card))?;
    if row.outcome == CardOutcome::Success || !outcome_shown(row.outcome, purchase?) {
        return None;
    }
    let (when, description) = if two_d {
        (
            "inside the S2S call (2D mode)",
            row.description.replace(" at the callback", ""),
        )
    } else {
        ("at the callback", row.description.to_string())
    };
    Some(format!(
        "Sandbox trigger: test card {card} (row \"{}\") forces this outcome {when}: {description}.",
        row.label
    ))
}

/// Whether `purchase` shows what `outcome` makes of it (its status, and for a decline its
/// `errorMsg`).
fn outcome_shown(outcome: CardOutcome, purchase: &Purchase) -> bool {
    let status = purchase.status();
    match outcome {
        CardOutcome::Declined(message) => {
            status == PurchaseStatus::Error && purchase.error_msg.as_deref() == Some(message)
        }
        CardOutcome::Pending => status == PurchaseStatus::PaymentInProcess,
        CardOutcome::Expired => status == PurchaseStatus::Expired,
        // Paid: the refusal comes with a refund later.
        CardOutcome::RefundFails | CardOutcome::Success => !matches!(
            status,
            PurchaseStatus::Error | PurchaseStatus::Expired | PurchaseStatus::Created
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A coded error's context on this project's sandbox: the body sent, the purchase
    /// read, its status, one S2S call made.
    fn sandbox_ctx<'a>(
        sent: &'a SentFacts,
        purchase: &'a Purchase,
        status: &'a PurchaseStatus,
    ) -> Context<'a> {
        Context {
            sent: Some(sent),
            purchase: Some(purchase),
            status: Some(status),
            checking: false,
            attempts_made: 1,
            attempt_limit: DEFAULT_ATTEMPT_LIMIT,
            sandbox: true,
        }
    }

    fn purchase(email: &str) -> Purchase {
        serde_json::from_value(
            json!({"purchaseId": "p1", "status": "CREATED", "client": {"email": email}}),
        )
        .expect("purchase")
    }

    #[test]
    fn missing_card_fields_are_named_with_remember_card_noted() {
        let sent = SentFacts::of(&json!({
            "cardholder_name": "A", "card_number": "4444333322221111", "cvc": "",
            "expires": "10/29", "remote_ip": "1.2.3.4"
        }));
        assert_eq!(sent.missing_card_fields, vec!["cvc", "remember_card"]);
        let p = purchase("a@b.io");
        let d = diagnose(
            "transaction_error",
            "Card Detail is missing",
            sandbox_ctx(&sent, &p, &PurchaseStatus::Error),
        );
        let fired = d.fired.clone().unwrap_or_default();
        assert!(fired.contains("cvc, remember_card"), "{fired}");
        assert!(fired.contains("examples omit remember_card"), "{fired}");
        assert_eq!(d.payable, Payable::No(PurchaseStatus::Error));
        assert_eq!(d.trigger, None);
        assert_eq!(
            try_next(&d),
            d.explanation.next,
            "no trigger: the catalog's advice"
        );
    }

    #[test]
    fn a_purchase_with_its_attempts_used_is_not_called_payable_whatever_the_error() {
        let sent = SentFacts::of(&json!({"card_number": "4999000000000120"}));
        let p = purchase("a@b.io");
        let ctx = Context {
            attempts_made: 2,
            ..sandbox_ctx(&sent, &p, &PurchaseStatus::Created)
        };
        let d = diagnose("transaction_error", "Card is Blocked", ctx);
        assert!(d.payable.is_yes(), "one attempt left: {:?}", d.payable);
        let third = Context {
            attempts_made: 3,
            ..ctx
        };
        let d = diagnose("transaction_error", "Card is Blocked", third);
        assert_eq!(d.payable, Payable::AttemptsUsedUp(PurchaseStatus::Created));
        assert!(
            !try_next(&d).contains("retry on this purchase"),
            "{}",
            try_next(&d)
        );
        // A sandbox set to allow more: still payable.
        let d = diagnose(
            "transaction_error",
            "Card is Blocked",
            Context {
                attempt_limit: 5,
                ..third
            },
        );
        assert!(d.payable.is_yes(), "{:?}", d.payable);
        // Attempts made elsewhere (another session) count too: the purchase lists them.
        let attempt = json!({"type": "execute", "successful": false});
        let listed: Purchase = serde_json::from_value(json!({
            "purchaseId": "p1", "status": "CREATED",
            "transaction_data": {"attempts": [attempt, attempt, attempt]}
        }))
        .expect("purchase");
        let d = diagnose(
            "transaction_error",
            "Card is Blocked",
            Context {
                purchase: Some(&listed),
                attempts_made: 0,
                ..ctx
            },
        );
        assert_eq!(d.payable, Payable::AttemptsUsedUp(PurchaseStatus::Created));
    }

    #[test]
    fn magic_card_is_named_and_attempt_message_does_not_lie() {
        let sent = SentFacts::of(&json!({"card_number": "4999 0000 0000 0153"}));
        assert_eq!(sent.test_card, Some("4999000000000153"));
        let p = purchase("a@b.io");
        let ctx = sandbox_ctx(&sent, &p, &PurchaseStatus::Created);
        let d = diagnose("transaction_error", MSG_ATTEMPTS, ctx);
        assert!(
            d.trigger
                .as_deref()
                .is_some_and(|t| t.contains("card 4999000000000153"))
        );
        assert!(d.payable.is_yes(), "{:?}", d.payable);
        assert!(
            try_next(&d).contains("retry on this purchase"),
            "after a trigger the next step follows the real state"
        );
        // Without the trigger, the same message means what it says.
        let real = SentFacts::of(&json!({"card_number": "4444333322221111"}));
        let d = diagnose(
            "transaction_error",
            MSG_ATTEMPTS,
            Context {
                sent: Some(&real),
                ..ctx
            },
        );
        assert_eq!(d.payable, Payable::AttemptsUsedUp(PurchaseStatus::Created));
        // Against a real endpoint the test cards are no triggers.
        let d = diagnose(
            "transaction_error",
            MSG_ATTEMPTS,
            Context {
                sandbox: false,
                ..ctx
            },
        );
        assert_eq!(d.trigger, None);
    }

    #[test]
    fn blocked_email_is_the_trigger_only_when_it_was_used() {
        let sent = SentFacts::of(&json!({"card_number": "4444333322221111"}));
        let blocked = purchase("x@blocked.example");
        let ctx = sandbox_ctx(&sent, &blocked, &PurchaseStatus::Created);
        let d = diagnose("transaction_error", MSG_CUSTOMER_BLOCKED, ctx);
        assert!(
            d.trigger
                .as_deref()
                .is_some_and(|t| t.contains("x@blocked.example"))
        );
        let fine = purchase("a@b.io");
        let magic = SentFacts::of(&json!({"card_number": "4999000000000179"}));
        let d = diagnose(
            "transaction_error",
            MSG_CUSTOMER_BLOCKED,
            Context {
                sent: Some(&magic),
                purchase: Some(&fine),
                ..ctx
            },
        );
        assert!(!d.trigger_is_the_customer);
        assert!(try_next(&d).contains("another card"), "{}", try_next(&d));
        let t = d.trigger.unwrap_or_default();
        assert!(
            t.contains("4999000000000179") && !t.contains("email"),
            "{t}"
        );
    }

    /// Another card cannot help a purchase whose customer is blocked: the advice is a new
    /// purchase with another email, whatever the purchase's status.
    #[test]
    fn a_blocked_customer_is_advised_a_new_purchase_not_another_card() {
        let sent = SentFacts::of(&json!({"card_number": "4444333322221111"}));
        let blocked = purchase("x@blocked.example");
        let ctx = sandbox_ctx(&sent, &blocked, &PurchaseStatus::Created);
        let d = diagnose("transaction_error", MSG_CUSTOMER_BLOCKED, ctx);
        assert!(d.trigger_is_the_customer);
        assert_eq!(d.payable, Payable::CustomerBlocked(PurchaseStatus::Created));
        assert!(!d.payable.is_yes());
        let next = try_next(&d);
        assert!(
            next.contains("new purchase")
                && next.contains("email")
                && !next.contains("another card"),
            "{next}"
        );
    }

    #[test]
    fn create_time_errors_have_no_purchase() {
        let d = diagnose(
            "Invalid_Parameter",
            "client.email is missing",
            Context {
                sent: None,
                purchase: None,
                status: None,
                checking: false,
                attempts_made: 1,
                attempt_limit: DEFAULT_ATTEMPT_LIMIT,
                sandbox: true,
            },
        );
        assert_eq!(d.payable, Payable::NoPurchase);
    }

    #[test]
    fn transport_failures_say_what_is_known_and_name_fault_cards() {
        let refused = transport_known(
            &TransportKind::ConnectionRefused,
            true,
            None,
            false,
            false,
            false,
        );
        assert!(refused.contains("never reached the server"));
        let closed = |sandbox| {
            transport_known(
                &TransportKind::ConnectionClosed,
                true,
                Some(&PurchaseStatus::Created),
                false,
                sandbox,
                false,
            )
        };
        // Elsewhere the call may still run; this sandbox ends it with its connection.
        let remote = closed(false);
        assert!(
            remote.contains("still CREATED")
                && remote.contains("already_in_process")
                && !remote.contains("safe"),
            "{remote}"
        );
        // With its attempts used up no retry works, whatever the call did.
        let used_up = transport_known(
            &TransportKind::ConnectionClosed,
            true,
            Some(&PurchaseStatus::Created),
            false,
            true,
            true,
        );
        assert!(
            used_up.contains("attempts are used up") && !used_up.contains("retry can work"),
            "{used_up}"
        );
        let here = closed(true);
        assert!(
            here.contains("still CREATED")
                && here.contains("a retry can work")
                && !here.contains("already_in_process"),
            "{here}"
        );
        // An answer that was not JSON ended the call, on any server.
        for kind in [TransportKind::NonJson, TransportKind::BodyTooLarge] {
            for sandbox in [false, true] {
                let answered = transport_known(
                    &kind,
                    true,
                    Some(&PurchaseStatus::Created),
                    false,
                    sandbox,
                    false,
                );
                assert!(
                    answered.contains("the call is over") && !answered.contains("still be running"),
                    "{answered}"
                );
            }
        }
        let sent = SentFacts::of(&json!({"card_number": "4999000000000328"}));
        let t = transport_trigger(&TransportKind::ConnectionClosed, Some(&sent), true)
            .unwrap_or_default();
        assert!(t.contains("4999000000000328"), "{t}");
        assert_eq!(
            transport_trigger(&TransportKind::Timeout, Some(&sent), true),
            None,
            "the dropped-connection card does not time out"
        );
    }

    fn ended(status: &str, error_msg: Option<&str>) -> Purchase {
        serde_json::from_value(json!({"purchaseId": "p1", "status": status, "errorMsg": error_msg}))
            .expect("purchase")
    }

    #[test]
    fn expired_row_card_names_itself() {
        let sent = SentFacts::of(&json!({"card_number": "5140378358642890"}));
        let expired = ended("EXPIRED", None);
        let t = outcome_trigger(Some(&sent), true, Some(&expired), false).unwrap_or_default();
        assert!(
            t.contains("5140378358642890")
                && t.contains("Expired")
                && t.contains("at the callback"),
            "{t}"
        );
        let paid = SentFacts::of(&json!({"card_number": "5116213113429327"}));
        let p = ended("PAID", None);
        assert_eq!(outcome_trigger(Some(&paid), true, Some(&p), false), None);
    }

    #[test]
    fn a_decline_card_is_named_only_when_its_decline_is_what_happened() {
        // Insufficient funds, Mastercard 3D.
        let sent = SentFacts::of(&json!({"card_number": "5156216152193051"}));
        let declined = ended("ERROR", Some("Insufficient fund"));
        let t = outcome_trigger(Some(&sent), true, Some(&declined), false).unwrap_or_default();
        assert!(t.contains("Insufficient fund"), "{t}");
        // A wrong OTP failed the challenge first: the card's row did not decide it.
        let wrong_otp = ended("ERROR", Some("3DS authentication failed"));
        assert_eq!(
            outcome_trigger(Some(&sent), true, Some(&wrong_otp), false),
            None
        );
        // Not decided yet (still waiting for its callback): nothing claimed.
        let waiting = ended("PENDING_EXECUTE", None);
        assert_eq!(
            outcome_trigger(Some(&sent), true, Some(&waiting), false),
            None
        );
        // No purchase read: nothing claimed either.
        assert_eq!(outcome_trigger(Some(&sent), true, None, false), None);
    }

    #[test]
    fn in_2d_mode_the_trigger_fires_inside_the_s2s_call_not_at_a_callback() {
        let sent = SentFacts::of(&json!({"card_number": "5156216152193051"}));
        let declined = ended("ERROR", Some("Insufficient fund"));
        let t = outcome_trigger(Some(&sent), true, Some(&declined), true).unwrap_or_default();
        assert!(t.contains("inside the S2S call"), "{t}");
        assert!(!t.contains("callback"), "{t}");
    }
}
