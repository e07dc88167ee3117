//! The field guide: what every field of the explorer's two forms and of its refund and
//! capture prompts is for, in the reference's words (`paysecure-api.md` §3.1, §4.1, §6),
//! whether it is required, its format, what the server checks and the error it answers
//! when the value is wrong. One table beside the test-card catalog; the explorer shows it
//! for the focused field and for a whole form, and `tests/sandbox/field_guide.rs` checks
//! that every error written here is the one the sandbox's own rule answers.

use super::test_cards::{MSG_BAD_EXPIRY, MSG_INVALID_CARD_INFO};

/// Whether a field must be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    /// Optional for the server, but a merchant should send it.
    Recommended,
    /// Required only in one variant of the call.
    Conditional,
}

impl Need {
    /// In user words.
    pub fn words(self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::Optional => "optional",
            Need::Recommended => "recommended",
            Need::Conditional => "conditional",
        }
    }
}

/// The coded error the server answers when a field is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerError {
    /// HTTP status.
    pub status: u16,
    /// The `code` field.
    pub code: &'static str,
    /// The `message` field; `{value}` stands for the value at fault (the one sent, or for
    /// `paymentMethod` the card's scheme), `{field}` for the field's name on the wire.
    pub message: &'static str,
}

impl ServerError {
    /// The message as the server words it for `value` of the field named `field`.
    pub fn message_for(&self, field: &str, value: &str) -> String {
        self.message
            .replace("{field}", field)
            .replace("{value}", value)
    }
}

/// One field's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldGuide {
    /// The field's path: the form's dotted JSON path with `*` for a row number
    /// (`purchase.products.*.price`); prompts use `refund.amount`, `capture.amount`.
    pub key: &'static str,
    /// What it is for.
    pub what: &'static str,
    pub need: Need,
    /// What a valid value looks like.
    pub format: &'static str,
    /// What the server checks (`—` when it checks nothing).
    pub check: &'static str,
    /// The error when the check fails, if the server has one.
    pub error: Option<ServerError>,
    /// A value that breaks the check, sent alone: the sandbox must answer `error` for it.
    pub bad: Option<&'static str>,
}

impl FieldGuide {
    /// The error in one line: `400 transaction_error "Invalid Email Format"`.
    pub fn error_line(&self) -> Option<String> {
        let wire = self.key.rsplit('.').next().unwrap_or(self.key);
        self.error
            .map(|e| format!("{} {} \"{}\"", e.status, e.code, e.message_for(wire, "X")))
    }
}

const fn tx(message: &'static str) -> Option<ServerError> {
    Some(ServerError {
        status: 400,
        code: "transaction_error",
        message,
    })
}

const fn invalid_parameter(message: &'static str) -> Option<ServerError> {
    Some(ServerError {
        status: 400,
        code: "Invalid_Parameter",
        message,
    })
}

/// A plain optional field the server only echoes.
const fn echoed(key: &'static str, what: &'static str, format: &'static str) -> FieldGuide {
    FieldGuide {
        key,
        what,
        need: Need::Optional,
        format,
        check: "—",
        error: None,
        bad: None,
    }
}

/// An optional browser field of the S2S body (a 3-D Secure 2 device signal).
const fn device(key: &'static str, what: &'static str, format: &'static str) -> FieldGuide {
    FieldGuide {
        key,
        what,
        need: Need::Optional,
        format,
        check: "not checked; the issuer's 3DS2 risk engine reads it",
        error: None,
        bad: None,
    }
}

const URL_CHECK: &str = "an absolute http(s) URL";
const URL_ERROR: Option<ServerError> = tx("Please pass valid URL in \"{field}\" parameter");

/// Every entry. Order follows the forms.
pub const GUIDE: &[FieldGuide] = &[
    // ① POST /purchases/ (§3.1, §3.3)
    FieldGuide {
        key: "client.email",
        what: "The customer's email: receipts, and the fraud checks' identity",
        need: Need::Required,
        format: "name@domain.tld",
        check: "the backend's email regex (blank: 400 parameter_missing \"client.email is missing\")",
        error: tx("Invalid Email Format"),
        bad: Some("buyer-at-example.com"),
    },
    echoed(
        "client.full_name",
        "The customer's name; some methods and PSPs need it",
        "free text",
    ),
    echoed(
        "client.phone",
        "The customer's phone, with its country code",
        "e.g. +15555550123",
    ),
    FieldGuide {
        key: "client.street_address",
        what: "The customer's billing street (AVS and 3DS data)",
        need: Need::Required,
        format: "free text",
        check: "only blank is refused",
        error: tx("Please pass valid street address in \"street_address\" parameter"),
        bad: Some(""),
    },
    FieldGuide {
        key: "client.city",
        what: "The customer's billing city",
        need: Need::Required,
        format: "free text",
        check: "only blank is refused",
        error: tx("Please pass valid city name in \"city\" parameter"),
        bad: Some(""),
    },
    FieldGuide {
        key: "client.zip_code",
        what: "The customer's postal code",
        need: Need::Required,
        format: "free text (the docs: US NNNNN or NNNNN-NNNN)",
        check: "only blank is refused",
        error: tx("Please pass valid postal Code name in \"zip_code\" parameter"),
        bad: Some(""),
    },
    FieldGuide {
        key: "client.country",
        what: "The customer's billing country",
        need: Need::Required,
        format: "ISO 3166-1 alpha-2, upper case (DE, IN)",
        check: "a known alpha-2 code in upper case (\"at\" and \"India\" are refused)",
        error: tx("Please submit Valid Alpha2 Country Code Ex:(AF,IN) in \"country\" parameter"),
        bad: Some("India"),
    },
    FieldGuide {
        key: "client.stateCode",
        what: "The customer's state or region",
        need: Need::Required,
        format: "1-3 upper-case letters or digits (BE, NY)",
        check: "upper case; blank is set to NA for EUR and GBP, refused otherwise",
        error: tx("Please pass Valid State Code"),
        bad: Some("be"),
    },
    FieldGuide {
        key: "purchase.currency",
        what: "The purchase's currency",
        need: Need::Required,
        format: "ISO 4217 (EUR, USD)",
        check: "enabled for the merchant",
        error: tx("Currency {value} is Not Allowed"),
        bad: Some("XYZ"),
    },
    FieldGuide {
        key: "purchase.products.*.name",
        what: "What the customer buys (shown on the cashier and receipts)",
        need: Need::Required,
        format: "free text",
        check: "present in every product",
        error: tx("Product name is required"),
        bad: Some(""),
    },
    echoed(
        "purchase.products.*.quantity",
        "How many; echoed (the total is the sum of prices, not multiplied)",
        "whole number ≥ 1",
    ),
    FieldGuide {
        key: "purchase.products.*.price",
        what: "The product's price; the total is the sum of prices",
        need: Need::Required,
        format: "decimal, major units (20.00 = EUR 20)",
        check: "a number ≥ 0 (below 0 is answered as below the minimum); the total within the merchant's limits",
        error: tx("Product price is required"),
        bad: Some("twenty"),
    },
    FieldGuide {
        key: "brand_id",
        what: "Your brand, from the dashboard's Brands tab",
        need: Need::Required,
        format: "the dashboard's id",
        check: "one of the merchant's brands (blank: 400 parameter_missing \"brand_id is missing\")",
        error: tx("Brand not found!"),
        bad: Some("brd_unknown"),
    },
    FieldGuide {
        key: "merchantRef",
        what: "Your order id; defaults to the purchaseId",
        need: Need::Recommended,
        format: "free text, unique per purchase",
        check: "not used by an earlier purchase",
        error: tx("Duplicate merchantRef Found!"),
        bad: None,
    },
    FieldGuide {
        key: "paymentMethod",
        what: "Pins a method (VISA, MASTER, …); absent, every enabled method is allowed",
        need: Need::Optional,
        format: "a method name, or a comma list",
        check: "at S2S time: the card's scheme must be allowed",
        error: tx("Payment Method {value} is not Allowed!"),
        bad: None,
    },
    echoed(
        "skip_capture",
        "true makes it a pre-authorisation: the payment ends PREAUTHORIZED, a hold to capture",
        "true or false",
    ),
    FieldGuide {
        key: "success_redirect",
        what: "Where the customer's browser goes after a successful payment",
        need: Need::Required,
        format: URL_CHECK,
        check: "present (blank: 400 parameter_missing \"success_redirect is missing\") and a URL",
        error: URL_ERROR,
        bad: Some("shop.example/ok"),
    },
    FieldGuide {
        key: "failure_redirect",
        what: "Where the customer's browser goes after a failed payment",
        need: Need::Required,
        format: URL_CHECK,
        check: "present (blank: 400 parameter_missing \"failure_redirect is missing\") and a URL",
        error: URL_ERROR,
        bad: Some("shop.example/fail"),
    },
    FieldGuide {
        key: "pending_redirect",
        what: "Where the browser goes while the payment is still in process",
        need: Need::Optional,
        format: URL_CHECK,
        check: "a URL when present",
        error: URL_ERROR,
        bad: Some("ftp://shop.example/pending"),
    },
    FieldGuide {
        key: "success_callback",
        what: "Your webhook URL for paid purchases (overrides the dashboard's)",
        need: Need::Optional,
        format: URL_CHECK,
        check: "a URL when present",
        error: URL_ERROR,
        bad: Some("hooks"),
    },
    FieldGuide {
        key: "failure_callback",
        what: "Your webhook URL for failed and expired purchases",
        need: Need::Optional,
        format: URL_CHECK,
        check: "a URL when present",
        error: URL_ERROR,
        bad: Some("hooks"),
    },
    // ② POST /p/{id}/?s2s=true (§4.1, §4.2)
    FieldGuide {
        key: "cardholder_name",
        what: "The name on the card",
        need: Need::Required,
        format: "free text",
        check: "present (missing ends the purchase: ERROR)",
        error: tx("Card Detail is missing"),
        bad: Some(""),
    },
    FieldGuide {
        key: "card_number",
        what: "The card's number (PAN); masked to first 6 / last 4 wherever stored",
        need: Need::Required,
        format: "10-20 digits, no spaces",
        check: "digits and the Luhn checksum; then the scheme against paymentMethod",
        error: tx("Invalid card Number (Luhn algo)"),
        bad: Some("4444333322221112"),
    },
    FieldGuide {
        key: "expires",
        what: "The card's expiry",
        need: Need::Required,
        format: "MM/YY",
        check: "MM/YY, later than the current month (a wrong one ends the purchase: ERROR)",
        error: tx(MSG_BAD_EXPIRY),
        bad: Some("01/20"),
    },
    FieldGuide {
        key: "cvc",
        what: "The card's security code; never stored or logged",
        need: Need::Required,
        format: "3-4 digits",
        check: "3-4 digits (missing: \"Card Detail is missing\")",
        error: tx(MSG_INVALID_CARD_INFO),
        bad: Some("12"),
    },
    FieldGuide {
        key: "remember_card",
        what: "on saves (tokenises) the card for later CIT/MIT payments",
        need: Need::Required,
        format: "on or off (always send one)",
        check: "not empty (empty ends the purchase: ERROR)",
        error: tx("Card Detail is missing"),
        bad: Some(""),
    },
    FieldGuide {
        key: "remote_ip",
        what: "The customer's IP address, as your server saw it",
        need: Need::Required,
        format: "IPv4 or IPv6",
        check: "present, and not the IP calling the API (\"Client Ip could not be matched with Merchant Ip\")",
        error: invalid_parameter("{field} cannot be null"),
        bad: Some(""),
    },
    FieldGuide {
        key: "user_agent",
        what: "The customer's browser User-Agent (3DS2 device data)",
        need: Need::Required,
        format: "the header's text",
        check: "present",
        error: invalid_parameter("{field} cannot be null"),
        bad: Some(""),
    },
    FieldGuide {
        key: "accept_header",
        what: "The customer's browser Accept header (3DS2 device data)",
        need: Need::Required,
        format: "the header's text",
        check: "present",
        error: invalid_parameter("{field} cannot be null"),
        bad: Some(""),
    },
    device(
        "language",
        "The browser's language (3DS2 device data)",
        "a language tag, e.g. en-US",
    ),
    device(
        "java_enabled",
        "Whether the browser runs Java (3DS2 device data)",
        "true or false",
    ),
    device(
        "javascript_enabled",
        "Whether the browser runs JavaScript (3DS2 device data)",
        "true or false",
    ),
    device(
        "color_depth",
        "The screen's colour depth in bits",
        "whole number, e.g. 24",
    ),
    device(
        "utc_offset",
        "The browser's offset from UTC, in minutes",
        "whole number, e.g. -330 or 0",
    ),
    device(
        "screen_width",
        "The screen's width in pixels",
        "whole number (0 is accepted)",
    ),
    device(
        "screen_height",
        "The screen's height in pixels",
        "whole number (0 is accepted)",
    ),
    FieldGuide {
        key: "token_reference",
        what: "Pays with a saved card instead of the number, expiry and name",
        need: Need::Conditional,
        format: "a token from listSavedCards",
        check: "a saved card of this customer; cvc is still required",
        error: invalid_parameter("cvc is required"),
        bad: None,
    },
    // Prompts after payment (§6.2, §6.4)
    FieldGuide {
        key: "refund.amount",
        what: "How much to give back (POST /purchases/{id}/refund/); the whole rest takes the full-refund path",
        need: Need::Required,
        format: "decimal, major units",
        check: "above zero and at most the refundable amount",
        error: tx("Refund amount must be greater than zero."),
        bad: Some("0"),
    },
    FieldGuide {
        key: "refund.reason",
        what: "Why; shown on the refund record (the docs call it optional, the backend requires it)",
        need: Need::Required,
        format: "free text",
        check: "present",
        error: tx("reason for refund is required"),
        bad: Some(""),
    },
    FieldGuide {
        key: "capture.amount",
        what: "How much of the hold to take (POST /purchases/{id}/capture/); empty takes all, the rest is released",
        need: Need::Optional,
        format: "decimal, major units",
        check: "above zero and at most the authorised total",
        error: tx("Capture amount must be greater than zero."),
        bad: Some("0"),
    },
];

/// A field path with row numbers replaced by `*` (`purchase.products.2.name` →
/// `purchase.products.*.name`).
pub fn key_of(path: &str) -> String {
    path.split('.')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The entry for a field path (row numbers are any row).
pub fn guide_for(path: &str) -> Option<&'static FieldGuide> {
    let key = key_of(path);
    GUIDE.iter().find(|g| g.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_share_one_entry_and_keys_are_unique() {
        assert_eq!(
            guide_for("purchase.products.7.price").map(|g| g.key),
            Some("purchase.products.*.price")
        );
        assert!(guide_for("no.such.field").is_none());
        let mut keys: Vec<&str> = GUIDE.iter().map(|g| g.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), GUIDE.len(), "one entry per field");
    }

    #[test]
    fn every_bad_example_names_an_error_and_texts_are_filled() {
        for g in GUIDE {
            assert!(g.bad.is_none() || g.error.is_some(), "{}", g.key);
            assert!(!g.what.is_empty() && !g.format.is_empty() && !g.check.is_empty());
        }
        let email = guide_for("client.email").and_then(FieldGuide::error_line);
        assert_eq!(
            email.as_deref(),
            Some("400 transaction_error \"Invalid Email Format\"")
        );
        let ip = guide_for("remote_ip").and_then(|g| g.error);
        assert_eq!(
            ip.map(|e| e.message_for("remote_ip", "")).as_deref(),
            Some("remote_ip cannot be null")
        );
    }
}
