//! Redaction before anything is recorded: card numbers masked to first 6 / last 4, CVC
//! removed, the Authorization header dropped. `token_reference` is kept (it is not a PAN).

use serde_json::Value;

use crate::card::{luhn_ok, mask_pan};

/// Header names never recorded.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// JSON keys whose values are card numbers.
const PAN_KEYS: &[&str] = &["card_number", "cardNumber", "pan", "card_num"];

/// JSON keys whose values are card security codes (removed).
const CVC_KEYS: &[&str] = &["cvc", "cvv", "cvv2", "card_cvc", "security_code"];

/// Headers without secrets.
pub fn headers(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(k, _)| !SECRET_HEADERS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| (k.clone(), redact_text(v)))
        .collect()
}

/// A body (JSON or not) with card data masked and CVCs removed.
pub fn body(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(mut value) => {
            json_in_place(&mut value);
            serde_json::to_string(&value).unwrap_or_default()
        }
        Err(_) => redact_form_or_text(text),
    }
}

/// Masks card numbers and removes CVCs anywhere in a JSON value.
pub fn json_in_place(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !CVC_KEYS.contains(&k.as_str()));
            for (key, v) in map.iter_mut() {
                if PAN_KEYS.contains(&key.as_str()) {
                    if let Some(s) = v.as_str() {
                        *v = Value::String(mask_pan(s));
                    } else if v.is_number() {
                        *v = Value::String(mask_pan(&v.to_string()));
                    }
                } else {
                    json_in_place(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(json_in_place),
        Value::String(s) => *s = redact_text(s),
        // A card number sent as a bare JSON number (13-19 digits, Luhn-valid).
        Value::Number(n) if n.is_u64() => {
            let digits = n.to_string();
            if (13..=19).contains(&digits.len()) && luhn_ok(&digits) {
                *value = Value::String(mask_pan(&digits));
            }
        }
        _ => {}
    }
}

/// Form bodies (`a=1&cvc=123`) lose their CVC fields; then free text is scanned.
fn redact_form_or_text(text: &str) -> String {
    let looks_like_form = text.contains('=') && !text.contains(' ') && !text.contains('\n');
    if !looks_like_form {
        return redact_text(text);
    }
    let kept: Vec<String> = text
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            !CVC_KEYS.contains(&key)
        })
        .map(redact_text)
        .collect();
    kept.join("&")
}

/// Masks any run of 13-19 digits that passes Luhn (a PAN in free text). A run touching a
/// letter is part of a longer token (a hex purchase id, a reference) and is left alone.
pub fn redact_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            let touches_letter = start
                .checked_sub(1)
                .and_then(|j| bytes.get(j))
                .is_some_and(u8::is_ascii_alphabetic)
                || bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
            if (13..=19).contains(&run.len()) && luhn_ok(run) && !touches_letter {
                out.push_str(&mask_pan(run));
            } else {
                out.push_str(run);
            }
        } else {
            let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + ch_len]);
            i += ch_len;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_lose_pan_and_cvc() {
        let out = body(
            r#"{"card_number":"4444333322221111","cvc":"345","token_reference":"tok_1","nested":{"cvv":"1"}}"#,
        );
        assert!(out.contains("444433******1111"));
        assert!(!out.contains("4444333322221111"));
        assert!(!out.contains("345"));
        assert!(out.contains("tok_1"));
        assert!(!out.contains("cvv"));
    }

    #[test]
    fn free_text_and_forms_are_scanned() {
        assert_eq!(
            redact_text("card 4444333322221111 ok"),
            "card 444433******1111 ok"
        );
        // A timestamp is not a card (fails Luhn or length).
        assert_eq!(redact_text("1690295205"), "1690295205");
        // Digits inside a hex id are not a card, even when they happen to pass Luhn.
        assert_eq!(
            redact_text("/p/6b05a4444333322221111f/"),
            "/p/6b05a4444333322221111f/"
        );
        assert_eq!(redact_text("/p/4444333322221111/"), "/p/444433******1111/");
        assert_eq!(
            body("otp=123456&cvc=999&action=submit"),
            "otp=123456&action=submit"
        );
    }

    #[test]
    fn secret_headers_are_dropped() {
        let h = headers(&[
            ("Authorization".into(), "Bearer sk".into()),
            ("content-type".into(), "application/json".into()),
        ]);
        assert_eq!(
            h,
            vec![("content-type".to_string(), "application/json".to_string())]
        );
    }
}
