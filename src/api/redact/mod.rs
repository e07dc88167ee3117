//! Redaction before anything is recorded or exported: card numbers masked to first 6 /
//! last 4, security codes removed, credentials (the key in use, `Bearer` tokens, the
//! `Authorization` and cookie headers) dropped or replaced. One [`Redactor`] serves every
//! field of an [`Exchange`]: URL, headers, bodies (JSON, form or text), error and note.
//! `token_reference` is kept (it is not a PAN).

mod names;
mod pan;
mod secrets;

use serde_json::Value;

use super::error::ApiError;
use super::exchange::Exchange;
use crate::card::mask_pan;
use names::Field;
pub use pan::mask_in_object as mask_cards_in_object;
pub use pan::mask_in_text as mask_cards_in_text;
pub use secrets::MASK;

/// Redacts text, bodies, headers, URLs, errors and whole exchanges. Built with the
/// secrets in use (the API key), it also removes every echo of them.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: secrets::Secrets,
}

impl Redactor {
    /// A redactor that also removes every spelling of each of `secrets`.
    pub fn new<I: IntoIterator<Item = String>>(secrets: I) -> Redactor {
        Redactor {
            secrets: secrets::Secrets::new(secrets),
        }
    }

    /// Free text: secrets, `Bearer` tokens, card numbers and named security codes.
    pub fn text(&self, text: &str) -> String {
        let text = self.secrets.replace(text);
        let text = secrets::mask_bearer(&text);
        let text = pan::mask_in_text(&text);
        secrets::mask_cvc_text(&text)
    }

    /// Headers without credentials or security codes; the rest scanned as text.
    pub fn headers(&self, pairs: &[(String, String)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .filter(|(k, _)| !names::header_dropped(k))
            .map(|(k, v)| (self.text(k), self.text(v)))
            .collect()
    }

    /// A body: JSON walked field by field, a form pair by pair, anything else as text.
    pub fn body(&self, text: &str) -> String {
        match serde_json::from_str::<Value>(text) {
            Ok(mut value) => {
                self.json_in_place(&mut value);
                serde_json::to_string(&value).unwrap_or_default()
            }
            Err(_) => {
                let looks_like_form =
                    text.contains('=') && !text.contains(' ') && !text.contains('\n');
                if looks_like_form {
                    self.form(text)
                } else {
                    self.text(text)
                }
            }
        }
    }

    /// Redacts a JSON value: security-code fields removed, card-number and credential
    /// fields masked, every other string, number and object key scanned.
    pub fn json_in_place(&self, value: &mut Value) {
        self.walk_json(value, None)
    }

    /// As [`Redactor::json_in_place`], but a security code's value is replaced by `shown`
    /// instead of the field being removed: generated code keeps the body's shape.
    pub fn json_in_place_showing_codes_as(&self, value: &mut Value, shown: &str) {
        self.walk_json(value, Some(shown))
    }

    fn walk_json(&self, value: &mut Value, code_shown_as: Option<&str>) {
        match value {
            Value::Object(map) => {
                for (key, mut v) in std::mem::take(map) {
                    match names::classify(&key) {
                        Field::Cvc => match code_shown_as {
                            Some(shown) => v = Value::String(shown.into()),
                            None => continue,
                        },
                        Field::Pan => mask_pan_value(&mut v),
                        Field::Credential if !v.is_null() => v = Value::String(MASK.into()),
                        _ => self.walk_json(&mut v, code_shown_as),
                    }
                    map.insert(self.text(&key), v);
                }
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|v| self.walk_json(v, code_shown_as)),
            Value::String(s) => *s = self.text(s),
            Value::Number(_) => pan::mask_number_in_place(value),
            _ => {}
        }
    }

    /// `a=1&cvc=123&api_key=sk`: security codes dropped, credentials and cards masked,
    /// the rest scanned as text. Names are compared decoded (`card%5Fcvv` is `card_cvv`).
    fn form(&self, text: &str) -> String {
        let kept: Vec<String> = text
            .split('&')
            .filter_map(|pair| {
                let raw_name = pair.split('=').next().unwrap_or("");
                let name = form_urlencoded::parse(pair.as_bytes())
                    .next()
                    .map(|(k, _)| k.into_owned())
                    .unwrap_or_default();
                match names::classify(&name) {
                    Field::Cvc => None,
                    Field::Credential => Some(format!("{}={MASK}", self.text(raw_name))),
                    Field::Pan => {
                        let value = form_urlencoded::parse(pair.as_bytes())
                            .next()
                            .map(|(_, v)| v.into_owned())
                            .unwrap_or_default();
                        let masked: String =
                            form_urlencoded::byte_serialize(mask_pan(&value).as_bytes()).collect();
                        Some(format!("{}={masked}", self.text(raw_name)))
                    }
                    Field::Plain => Some(self.text(pair)),
                }
            })
            .collect();
        kept.join("&")
    }

    /// A URL: its path scanned as text, its query handled like a form. Escaped letters,
    /// digits and `-._~` are read decoded first (`4444%2D3333…`, `sk%5Ftest…` hid a card or
    /// the key from the scans); by RFC 3986 §6.2.2.2 that is the same URL.
    pub fn url(&self, url: &str) -> String {
        let url = decode_unreserved(url);
        match url.split_once('?') {
            Some((path, query)) => format!("{}?{}", self.text(path), self.form(query)),
            None => self.text(&url),
        }
    }

    /// An error as it may be shown or stored (reqwest repeats the whole URL).
    pub fn error(&self, error: ApiError) -> ApiError {
        match error {
            ApiError::Coded {
                http_status,
                code,
                message,
            } => ApiError::Coded {
                http_status,
                code: self.text(&code),
                message: self.text(&message),
            },
            ApiError::Transport {
                kind,
                http_status,
                detail,
            } => ApiError::Transport {
                kind,
                http_status,
                detail: self.text(&detail),
            },
        }
    }

    /// Every field of an exchange that can hold data: URL, headers, bodies, error, note.
    pub fn exchange(&self, ex: &mut Exchange) {
        ex.url = self.url(&ex.url);
        ex.request_headers = self.headers(&ex.request_headers);
        ex.response_headers = self.headers(&ex.response_headers);
        ex.request_body = ex.request_body.as_deref().map(|b| self.body(b));
        ex.response_body = ex.response_body.as_deref().map(|b| self.body(b));
        ex.error = ex.error.as_deref().map(|e| self.text(e));
        ex.note = ex.note.as_deref().map(|n| self.text(n));
    }
}

/// `url` with every `%XX` that stands for an unreserved character (a letter, a digit,
/// `-`, `.`, `_`, `~`) replaced by that character; other escapes kept as sent.
fn decode_unreserved(url: &str) -> std::borrow::Cow<'_, str> {
    if !url.contains('%') {
        return std::borrow::Cow::Borrowed(url);
    }
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let mut rest = 0;
    let mut i = 0;
    while i < bytes.len() {
        let decoded = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(|b| b.is_ascii_alphanumeric() || b"-._~".contains(b));
        match decoded {
            Some(b) => {
                out.push_str(&url[rest..i]);
                out.push(char::from(b));
                i += 3;
                rest = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&url[rest..]);
    std::borrow::Cow::Owned(out)
}

/// The value of a card-number field, masked whatever it looks like.
fn mask_pan_value(v: &mut Value) {
    match v {
        Value::String(s) => *s = mask_pan(s),
        Value::Number(n) => {
            let masked = pan::masked_number(n).unwrap_or_else(|| mask_pan(&n.to_string()));
            *v = Value::String(masked);
        }
        Value::Array(items) => items.iter_mut().for_each(mask_pan_value),
        Value::Object(map) => map.values_mut().for_each(mask_pan_value),
        _ => {}
    }
}

/// Headers without secrets (no key known: see [`Redactor`]).
pub fn headers(pairs: &[(String, String)]) -> Vec<(String, String)> {
    Redactor::default().headers(pairs)
}

/// A body (JSON or not) with card data masked and CVCs removed (no key known).
pub fn body(text: &str) -> String {
    Redactor::default().body(text)
}

/// Masks card numbers and removes CVCs anywhere in a JSON value (no key known).
pub fn json_in_place(value: &mut Value) {
    Redactor::default().json_in_place(value)
}

/// Masks card numbers, `Bearer` tokens and named security codes in free text.
pub fn redact_text(text: &str) -> String {
    Redactor::default().text(text)
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
    fn a_card_field_in_groups_is_masked_as_its_digits_whatever_the_separator() {
        for grouped in [
            "4444 3333 2222 1111",
            "4444-3333-2222-1111",
            "4444+3333+2222+1111",
        ] {
            let out = body(&format!(r#"{{"card_number":"{grouped}"}}"#));
            assert_eq!(out, r#"{"card_number":"444433******1111"}"#, "{grouped}");
        }
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
            redact_text("/p/6b05a4444333322221111f00/"),
            "/p/6b05a4444333322221111f00/"
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

    #[test]
    fn the_key_in_use_and_every_cvc_spelling_leave_every_field() {
        let key = "sk_test_k3y_0000";
        let r = Redactor::new([key.to_string()]);
        let mut ex = Exchange {
            request_headers: vec![("x-echo".into(), format!("key={key}"))],
            request_body: Some(format!(
                r#"{{"Cvv":"123","card_cvv":"1234","cvv2":"12","security_code":"1","k":"{key}","n":-4444333322221111,"f":4.444333322221111e15}}"#
            )),
            response_headers: vec![
                ("x-card".into(), "4444 3333 2222 1111".into()),
                ("X-Api-Key".into(), "other".into()),
            ],
            response_body: Some(format!("CVC=321&card%5Fcvv=4321&api_key=zz&echo={key}")),
            error: Some(format!(
                "error sending request for url (http://h/p/4444-3333-2222-1111/?cvv=999&k={key})"
            )),
            ..Exchange::new(
                crate::api::ExchangeKind::Api,
                "POST",
                &format!(
                    "http://h/p/6b05a4444333322221111f00/?Cvv=123&key={key}&e=a5500000000000004%40x.com"
                ),
                0,
            )
        };
        r.exchange(&mut ex);
        assert!(
            ex.url.contains("/p/6b05a4444333322221111f00/"),
            "{}",
            ex.url
        );
        let all = serde_json::to_string(&ex)
            .expect("json")
            .replace("6b05a4444333322221111f00", "");
        for leak in [
            key,
            "4444333322221111",
            "3333 2222",
            "3333-2222",
            "5500000000000004",
            "\"123\"",
            "1234",
            "321",
            "999",
            "other",
            "zz",
        ] {
            assert!(!all.contains(leak), "{leak} in {all}");
        }
        assert!(!all.to_ascii_lowercase().contains("cvv\":"), "{all}");
    }

    #[test]
    fn escaped_letters_digits_and_dashes_in_a_url_are_read_as_what_they_stand_for() {
        let r = Redactor::new(["sk_test_fake_key_123".to_string()]);
        assert_eq!(
            r.url("/api/v1/purchases/4444%2D3333%2D2222%2D1111/"),
            "/api/v1/purchases/444433******1111/"
        );
        // `%34` is `4`: sixteen digits, not a run of fifteen beside an escape.
        assert_eq!(
            r.url("/api/v1/purchases/4%34%344333322221111"),
            "/api/v1/purchases/444433******1111"
        );
        assert_eq!(
            r.url("/x?k=sk%5Ftest%5Ffake%5Fkey%5F123"),
            format!("/x?k={MASK}")
        );
        // Other escapes stay as sent (they are not the same URL decoded), and a stray
        // or short `%` is text.
        assert_eq!(
            r.url("/p/%1b%5b2J?a=%26b%3D&c=%"),
            "/p/%1b%5b2J?a=%26b%3D&c=%"
        );
        assert_eq!(r.url("/p/100%"), "/p/100%");
        // `+` and `-` escaped as separators, in a path and in a form body.
        assert_eq!(
            r.url("/api/v1/purchases/4444%2B3333%2b2222%2B1111/"),
            "/api/v1/purchases/444433******1111/"
        );
        assert_eq!(
            r.body("name=4444%2D3333%2D2222%2D1111&a=1"),
            "name=444433******1111&a=1"
        );
        assert_eq!(r.url("/p/%e2%82%ac%4"), "/p/%e2%82%ac%4");
    }
}
