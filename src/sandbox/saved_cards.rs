//! Saved cards (§10.8): `remember_card` on with a success issues a `token_reference`;
//! an S2S call with `token_reference` + `cvc` pays with that card; `GET /listSavedCards`
//! lists a customer's cards.
//!
//! Nothing here keeps a card number: a saved card is the original card's masked PAN and
//! behaviour (outcome and authentication), which is all the sandbox needs to pay with it
//! again. The saved cards live on the purchases that saved them, so a reset forgets them.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::after_pay::SavedCard;
use super::errors::{Coded, json_response};
use super::purchase::{ClientIds, KeyType, PendingPayment, Purchase, Status, text};
use super::request::{BodyUse, extract};
use super::state::SandboxState;
use super::store::StoreError;
use crate::card;
use crate::paysecure::test_cards;

/// Most saved cards `listSavedCards` lists for one customer (the oldest first), so one
/// answer stays small whatever a load test saved.
pub const MAX_LISTED: usize = 1000;

/// A token payment without `cvc` (reference §4.1).
pub const MSG_CVC_REQUIRED: &str = "cvc is required";

/// Whose saved cards these are: `client.customerId` when the merchant sent one, else the
/// client email (an emulator choice: the sandbox has no customer API to mint ids).
/// Takes the fields read from `client` (`ClientIds::of`: a payment reads them once).
pub fn customer_key_of(fields: &ClientIds) -> String {
    let field = |v: &Value| {
        match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("NA"))
    };
    field(&fields.customer_id)
        .or_else(|| field(&fields.email))
        .unwrap_or_default()
}

/// A fresh token: `tok_` and 24 letters. Letters only, so a token can never contain (or
/// be mistaken for) a card number, and it says nothing about the card.
fn new_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut random = [0u8; 12];
    // If the system RNG fails the counter still keeps tokens unique.
    let _ = crate::os_random::fill(&mut random);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes();
    let mut token = String::from("tok_");
    for (i, b) in random.iter().enumerate() {
        let b = b ^ count.get(i).copied().unwrap_or(0);
        token.push(char::from(b'a' + (b >> 4)));
        token.push(char::from(b'a' + (b & 0x0f)));
    }
    token
}

/// Called when a payment's outcome is applied: a success (PAID, or PREAUTHORIZED for a
/// hold) of a card to remember gets its token, and the attempt that paid shows it.
pub fn issue_on_success(p: &mut Purchase) {
    if !matches!(p.status, Status::Paid | Status::Preauthorized) {
        return;
    }
    if p.after.token_reference.is_none() && p.after.remember.is_some() {
        p.after.token_reference = Some(new_token());
    }
    let Some(token) = p.after.token_reference.clone() else {
        return;
    };
    let paying = p
        .attempts
        .iter_mut()
        .rev()
        .find(|a| a.get("type").and_then(Value::as_str) == Some("execute"));
    if let Some(Value::Object(extra)) = paying.and_then(|a| a.get_mut("extra")) {
        extra.insert("token_reference".into(), json!(token));
    }
}

/// Before an accepted S2S payment is applied: remember the card (`remember_card` on), or
/// note the token it is paid with. Part of the payment's own update of the purchase (one
/// write, not two: a separate update here was a whole read, encode and commit per S2S).
///
/// `customer` is whose card it is ([`customer_key_of`] the purchase's `client`, read when
/// the payment was admitted: a purchase's `client` never changes).
pub fn prepare(
    p: &mut Purchase,
    body: &Map<String, Value>,
    pending: &PendingPayment,
    customer: &str,
) {
    if let Some(token) = text(body, "token_reference") {
        p.after.token_reference = Some(token);
        p.after.remember = None;
        return;
    }
    // The backend saves on `on` or `true`; other non-empty values pay without saving.
    let remember = text(body, "remember_card")
        .is_some_and(|v| v.eq_ignore_ascii_case("on") || v.eq_ignore_ascii_case("true"));
    p.after.remember = remember.then(|| SavedCard {
        card: pending.clone(),
        customer: customer.to_string(),
        brand_id: p.brand_id.clone(),
    });
}

/// The saved card behind `token` for this brand, if any (an index lookup).
fn find(
    state: &SandboxState,
    token: &str,
    brand_id: &str,
) -> Result<Option<PendingPayment>, Coded> {
    state.store.saved_card(token, brand_id).map_err(Coded::from)
}

/// What the purchase being paid tells the token check.
pub struct Payer<'a> {
    pub created_with: KeyType,
    pub client_email: &'a str,
    pub brand_id: &'a str,
    /// The purchase's `paymentMethod` (§10.3 applies to saved cards too).
    pub payment_method: &'a str,
}

/// The S2S checks for a token payment, in the card path's order with the card fields
/// replaced by the token: `Err((error, moves the purchase to ERROR))`.
pub fn judge(
    state: &SandboxState,
    body: &Map<String, Value>,
    token: &str,
    // The merchant server's IP and key type; `None` on the hosted page (the browser is
    // the caller and pays as the key that created the purchase).
    peer: Option<IpAddr>,
    key: Option<KeyType>,
    payer: &Payer<'_>,
) -> Result<PendingPayment, (Coded, bool)> {
    // §10.3 right after the attempt count, as for a card: the saved card's scheme.
    let saved = find(state, token, payer.brand_id).map_err(|e| (e, false))?;
    if let Some(saved) = &saved
        && !super::s2s::method_allows(payer.payment_method, &saved.card_brand)
    {
        let err = Coded::transaction(format!(
            "Payment Method {} is not Allowed!",
            saved.card_brand
        ));
        return Err((err, false));
    }
    for field in ["remote_ip", "user_agent", "accept_header"] {
        if text(body, field).is_none() {
            let err = Coded::new(
                StatusCode::BAD_REQUEST,
                "Invalid_Parameter",
                format!("{field} cannot be null"),
            );
            return Err((err, false));
        }
    }
    let remote_ip = text(body, "remote_ip").unwrap_or_default();
    let same_ip = peer.is_some_and(|peer| {
        remote_ip
            .parse::<IpAddr>()
            .map(|ip| ip == peer)
            .unwrap_or(remote_ip == peer.to_string())
    });
    if same_ip {
        return Err((Coded::transaction(test_cards::MSG_IP_MATCH), false));
    }
    let Some(cvc) = text(body, "cvc") else {
        let err = Coded::new(
            StatusCode::BAD_REQUEST,
            "Invalid_Parameter",
            MSG_CVC_REQUIRED,
        );
        return Err((err, false));
    };
    if !card::cvc_is_valid(&cvc) {
        return Err((Coded::transaction(test_cards::MSG_INVALID_CARD_INFO), false));
    }
    if key.is_some_and(|key| key != payer.created_with) {
        return Err((Coded::transaction(test_cards::MSG_KEY_TYPE), false));
    }
    let domain = payer.client_email.rsplit('@').next().unwrap_or("");
    if domain.eq_ignore_ascii_case("blocked.example") {
        return Err((Coded::transaction(test_cards::MSG_CUSTOMER_BLOCKED), false));
    }
    saved.ok_or_else(|| (Coded::transaction("Invalid card details"), true))
}

/// `GET /listSavedCards?customerId=&brandId=`: `[{card_last_four, token_reference}]`,
/// oldest first.
pub async fn list(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let call = match extract(&state.keys, &state.origin, &parts, body, BodyUse::Ignored).await {
        Ok(call) => call,
        Err(e) => return e.into_response(),
    };
    let param = |name: &str| {
        form_urlencoded::parse(call.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    // The reference notes a lower-case `invalid_parameter` code on this endpoint.
    let missing = |name: &str| {
        Coded::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            format!("{name} is required"),
        )
        .into_response()
    };
    let Some(customer) = param("customerId") else {
        return missing("customerId");
    };
    let Some(brand) = param("brandId") else {
        return missing("brandId");
    };
    let found = tokio::task::spawn_blocking({
        let state = Arc::clone(&state);
        move || {
            state
                .store
                .backend()
                .saved_cards(&customer, &brand, MAX_LISTED)
        }
    })
    .await;
    let saved = match found {
        Ok(Ok(saved)) => saved,
        Ok(Err(e)) => return Coded::from(e).into_response(),
        Err(e) => return Coded::from(StoreError(e.to_string())).into_response(),
    };
    let cards: Vec<Value> = saved
        .into_iter()
        .map(|(last_four, token)| json!({"card_last_four": last_four, "token_reference": token}))
        .collect();
    json_response(StatusCode::OK, &Value::Array(cards))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::raw_json::RawJson;

    #[test]
    fn tokens_are_opaque_letters_and_unique() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 28);
        assert!(a.starts_with("tok_"));
        assert!(a[4..].bytes().all(|c| (b'a'..=b'p').contains(&c)), "{a}");
        assert!(!a.bytes().any(|c| c.is_ascii_digit()), "no digits: {a}");
    }

    #[test]
    fn customer_is_the_customer_id_else_the_email() {
        let customer_key = |client: &RawJson| customer_key_of(&ClientIds::of(client));
        let with_id = json!({"customerId": "cus_1", "email": "a@b.example"}).into();
        assert_eq!(customer_key(&with_id), "cus_1");
        let echoed_na = json!({"customerId": "NA", "email": "a@b.example"}).into();
        assert_eq!(customer_key(&echoed_na), "a@b.example");
        assert_eq!(
            customer_key(&json!({"email": "a@b.example"}).into()),
            "a@b.example"
        );
        let numeric_id = json!({"customerId": 42, "zip_code": "10115"}).into();
        assert_eq!(customer_key(&numeric_id), "42");
        assert_eq!(customer_key(&RawJson::default()), "", "no client");
    }
}
