//! `POST /purchases/`: validation in the reference's order (`paysecure-api.md` §3.3) and
//! the new purchase record.

use serde_json::{Map, Value};

use super::client_echo::echo_client;
use super::errors::Coded;
use super::purchase::{KeyType, Purchase, Status, field, text};
use super::purchase_echo::{echo_purchase, products};
use crate::paysecure::field_rules::{is_country, is_email, is_http_url, is_iso_date};

/// Currencies the sandbox merchant has enabled.
pub const CURRENCIES: &[&str] = &[
    "EUR", "USD", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
    "INR", "JPY", "SGD", "HKD", "AED", "BRL", "MXN", "ZAR", "TRY",
];

/// The sandbox merchant's per-transaction limits, in major units.
pub const MIN_AMOUNT: f64 = 0.01;
/// See [`MIN_AMOUNT`].
pub const MAX_AMOUNT: f64 = 1_000_000.0;

/// Facts about the caller that go into the record.
pub struct Caller<'a> {
    pub key_type: KeyType,
    pub ip: String,
    pub brand_id: &'a str,
    pub now: i64,
    pub id: String,
    /// `reference_generated`.
    pub reference: String,
    /// `sessionId`.
    pub session_id: String,
}

/// Validates a create-purchase body and builds the record (not yet stored; the caller
/// checks `merchantRef` uniqueness under the store's lock).
pub fn build_purchase(body: &Map<String, Value>, caller: Caller<'_>) -> Result<Purchase, Coded> {
    let brand_id = text(body, "brand_id").ok_or_else(|| Coded::missing("brand_id is missing"))?;
    if brand_id != caller.brand_id {
        return Err(Coded::transaction("Brand not found!"));
    }
    let Some(Value::Object(details)) = field(body, "purchase") else {
        return Err(Coded::missing("purchase detail are missing"));
    };
    let empty = Map::new();
    let client = match field(body, "client") {
        Some(Value::Object(c)) => c,
        _ => &empty,
    };
    let email = text(client, "email").ok_or_else(|| Coded::missing("client.email is missing"))?;
    // Checked as sent: the backend's pattern has no room for spaces around the address.
    let padded =
        matches!(field(client, "email"), Some(Value::String(raw)) if raw.len() != email.len());
    if padded || !is_email(&email) {
        return Err(Coded::transaction("Invalid Email Format"));
    }
    let country = text(client, "country").unwrap_or_default();
    if !is_country(&country) {
        return Err(Coded::transaction(
            "Please submit Valid Alpha2 Country Code Ex:(AF,IN) in \"country\" parameter",
        ));
    }
    let currency =
        text(details, "currency").ok_or_else(|| Coded::transaction("Currency is required"))?;
    // Paysecure fills in "NA" for EUR and GBP when none was sent.
    let state_code_na = match text(client, "stateCode") {
        None if matches!(currency.as_str(), "EUR" | "GBP") => true,
        Some(s)
            if (1..=3).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
        {
            false
        }
        _ => return Err(Coded::transaction("Please pass Valid State Code")),
    };
    let required = [
        (
            "street_address",
            "Please pass valid street address in \"street_address\" parameter",
        ),
        ("city", "Please pass valid city name in \"city\" parameter"),
        (
            "zip_code",
            "Please pass valid postal Code name in \"zip_code\" parameter",
        ),
    ];
    for (field, message) in required {
        if text(client, field).is_none() {
            return Err(Coded::transaction(message));
        }
    }
    if let Some(dob) = text(client, "date_of_birth")
        && !is_iso_date(&dob)
    {
        return Err(Coded::transaction(
            "Invalid format of Date_of_Birth[allowed format: yyyy-mm-dd]",
        ));
    }
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(Coded::transaction(format!(
            "Currency {currency} is Not Allowed"
        )));
    }
    let (products, total) = products(details)?;
    if total < MIN_AMOUNT {
        return Err(Coded::transaction(BELOW_MINIMUM));
    }
    if total > MAX_AMOUNT {
        return Err(Coded::transaction(
            "Transaction amount must not be greater to maximum trans amount",
        ));
    }
    let success_redirect = redirect(body, "success_redirect", true)?.unwrap_or_default();
    let failure_redirect = redirect(body, "failure_redirect", true)?.unwrap_or_default();
    let pending_redirect = redirect(body, "pending_redirect", false)?;
    let cancel_redirect = redirect(body, "cancel_redirect", false)?;
    let success_callback = redirect(body, "success_callback", false)?;
    let failure_callback = redirect(body, "failure_callback", false)?;
    let extra_param = match field(body, "extraParam") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(_) => return Err(Coded::invalid_json()),
    };
    let payment_method = text(body, "paymentMethod").unwrap_or_else(|| "VISA,MASTER".into());
    let merchant_ref = text(body, "merchantRef").unwrap_or_else(|| caller.id.clone());
    Ok(Purchase {
        id: caller.id,
        reference: caller.reference,
        status: Status::Created,
        history: vec![("created".into(), caller.now)],
        created_on: caller.now,
        updated_on: caller.now,
        key_type: caller.key_type,
        brand_id,
        merchant_ref,
        payment_method,
        client: echo_client(client, state_code_na),
        purchase: echo_purchase(details, &products, total),
        currency,
        total,
        success_redirect,
        failure_redirect,
        pending_redirect,
        cancel_redirect,
        success_callback,
        failure_callback,
        extra_param,
        skip_capture: field(body, "skip_capture")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        created_from_ip: caller.ip,
        attempts_used: 0,
        had_pending: false,
        in_flight: false,
        pending: None,
        attempts: Vec::new(),
        card_extra: None,
        error_msg: String::new(),
        trx_type: None,
        paid_on: None,
        viewed_on: None,
        refunded_amount: 0.0,
        refund_fails: false,
        refunds: Vec::new(),
        after: Default::default(),
        platform: text(body, "platform").unwrap_or_else(|| "API".into()),
        session_id: caller.session_id,
    })
}

/// A redirect or callback URL: required ones must be present; present ones must be URLs.
fn redirect(body: &Map<String, Value>, key: &str, required: bool) -> Result<Option<String>, Coded> {
    match text(body, key) {
        None if required => Err(Coded::missing(format!("{key} is missing"))),
        None => Ok(None),
        Some(url) if accepted_url(&url) => Ok(Some(url)),
        Some(_) => Err(Coded::transaction(format!(
            "Please pass valid URL in \"{key}\" parameter"
        ))),
    }
}

/// Redirect URLs accepted lately, on this thread. A merchant sends the same few on every
/// create, and checking one (`url::Url::parse`, host and all) was 2 % of a create's CPU;
/// a URL found here passed that same check before, so the answer cannot differ. Bounded:
/// a few entries, each of a few hundred bytes at most; refused URLs are not kept.
const ACCEPTED_URLS_KEPT: usize = 8;
/// Longer URLs are checked every time.
const ACCEPTED_URL_MAX_LEN: usize = 512;

thread_local! {
    static ACCEPTED_URLS: std::cell::RefCell<std::collections::VecDeque<String>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// [`is_http_url`], remembering the URLs it accepted.
fn accepted_url(url: &str) -> bool {
    if ACCEPTED_URLS.with_borrow(|kept| kept.iter().any(|u| u == url)) {
        return true;
    }
    let accepted = is_http_url(url);
    if accepted && url.len() <= ACCEPTED_URL_MAX_LEN {
        ACCEPTED_URLS.with_borrow_mut(|kept| {
            if kept.len() == ACCEPTED_URLS_KEPT {
                kept.pop_front();
            }
            kept.push_back(url.to_string());
        });
    }
    accepted
}

/// Paysecure's answer to an amount under the merchant's minimum (reference §"Limits").
pub const BELOW_MINIMUM: &str =
    "Transaction amount must be equal or greater to minimum trans amount";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_urls_get_the_answer_the_check_gives() {
        let long = format!("https://shop.example/{}", "a".repeat(600));
        let urls = [
            "https://shop.example/ok",
            "http://127.0.0.1:8089/merchant/return/success",
            "ftp://shop.example/",
            "not a url",
            "https://",
            "http://exa mple.com/",
            long.as_str(),
        ];
        for round in 0..3 {
            for url in urls {
                assert_eq!(accepted_url(url), is_http_url(url), "{url}, round {round}");
            }
        }
        for n in 0..50 {
            assert!(accepted_url(&format!("https://shop{n}.example/")));
        }
        ACCEPTED_URLS.with_borrow(|kept| {
            assert_eq!(kept.len(), ACCEPTED_URLS_KEPT, "bounded");
            assert!(kept.iter().all(|u| u.len() <= ACCEPTED_URL_MAX_LEN));
            assert!(kept.iter().all(|u| is_http_url(u)), "only accepted ones");
        });
    }
}
