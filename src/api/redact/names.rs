//! Which field and header names carry secrets. Names are compared normalised (lower
//! case, letters and digits only), so `CVV`, `card_cvv`, `cardCvv` and `card-cvv` agree.

/// What a named field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A card security code: the field is removed.
    Cvc,
    /// A card number: the value is masked whatever it looks like.
    Pan,
    /// A credential (API key, password, token): the value is replaced.
    Credential,
    /// Anything else: the value is scanned like any text.
    Plain,
}

/// Header names never recorded (their values are credentials by definition).
const SECRET_HEADERS: &[&str] = &["authorization", "proxyauthorization", "cookie", "setcookie"];

/// Name endings of security-code fields (`cvc`, `card_cvv`, `cvv2`, `security_code`, …).
const CVC_ENDINGS: &[&str] = &[
    "cvc",
    "cvv",
    "cvc2",
    "cvv2",
    "cvn2",
    "securitycode",
    "verificationcode",
    "verificationvalue",
];

/// Whole names of security-code fields too short to match by ending.
const CVC_NAMES: &[&str] = &["csc", "cvn", "cid2"];

/// Names of card-number fields.
const PAN_NAMES: &[&str] = &["cardnumber", "pan", "cardnum", "cardno"];

/// Names of credential fields. `token_reference` is not one: it names a stored card and
/// is shown on purpose.
const CREDENTIAL_NAMES: &[&str] = &[
    "apikey",
    "xapikey",
    "secret",
    "secretkey",
    "clientsecret",
    "password",
    "accesstoken",
    "authorization",
    "bearer",
];

/// `CVV2` → `cvv2`, `card_security-code` → `cardsecuritycode`.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What the field `name` holds.
pub fn classify(name: &str) -> Field {
    let n = normalise(name);
    if CVC_NAMES.contains(&n.as_str()) || CVC_ENDINGS.iter().any(|e| n.ends_with(e)) {
        Field::Cvc
    } else if PAN_NAMES.contains(&n.as_str()) {
        Field::Pan
    } else if CREDENTIAL_NAMES.contains(&n.as_str()) || n.ends_with("apikey") {
        Field::Credential
    } else {
        Field::Plain
    }
}

/// Whether a header is dropped from records: credentials and security codes.
pub fn header_dropped(name: &str) -> bool {
    SECRET_HEADERS.contains(&normalise(name).as_str())
        || matches!(classify(name), Field::Cvc | Field::Credential)
}

/// Spellings of security-code names searched for in free text (`…?cvv=123` in an error).
pub const CVC_WORDS: &[&str] = &["cvc", "cvv", "cvn", "csc", "security_code", "securitycode"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_spelling_is_recognised() {
        for name in [
            "cvc",
            "cvv",
            "CVC",
            "Cvv",
            "card_cvv",
            "cvv2",
            "security_code",
            "cardCvc",
            "card-security-code",
        ] {
            assert_eq!(classify(name), Field::Cvc, "{name}");
        }
        for name in ["card_number", "cardNumber", "PAN"] {
            assert_eq!(classify(name), Field::Pan, "{name}");
        }
        for name in ["api_key", "X-Api-Key", "apiKey", "password"] {
            assert_eq!(classify(name), Field::Credential, "{name}");
        }
        for name in ["token_reference", "brand_id", "status", "cvc_result_note"] {
            assert_eq!(classify(name), Field::Plain, "{name}");
        }
        assert!(header_dropped("Set-Cookie") && header_dropped("x-api-key"));
        assert!(!header_dropped("content-type"));
    }
}
