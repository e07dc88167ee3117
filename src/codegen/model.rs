//! The one request model every emitter renders: what to send, never the key's value.

use serde_json::Value;

use crate::api::redact::Redactor;
use crate::api::{Exchange, ExchangeKind};

/// The environment variable every snippet reads the API key from.
pub const API_KEY_ENV: &str = "PAYSECURE_API_KEY";

/// How a security code appears in a masked body (the field kept, so the shape shows).
const CODE_SHOWN_AS: &str = "***";

/// Headers a snippet never sets itself: its HTTP library computes them (Java's refuses
/// them outright), or they are credentials the snippet takes from the environment.
const LIBRARY_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "expect",
    "upgrade",
    "transfer-encoding",
    "authorization",
    "cookie",
];

/// What the body of a request is.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// JSON, rendered with each language's literals or as an escaped JSON string.
    Json(Value),
    /// Anything else (a browser's form post), sent byte for byte.
    Text(String),
}

/// Whether a body built from a form shows its card data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CardData {
    /// Card numbers masked to first 6 / last 4, security codes as `***` (the default).
    #[default]
    Masked,
    /// The form's own values, card number and code included: asked for explicitly.
    FormValues,
}

/// One HTTP request as code sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestModel {
    pub method: String,
    pub url: String,
    /// Sends `Authorization: Bearer $PAYSECURE_API_KEY`.
    pub bearer_key: bool,
    /// Other headers, in order (never a credential).
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
    /// The status this request is expected to get, for the snippet's comment.
    pub expected_status: Option<u16>,
    /// Lines the snippet opens with as comments (what it is, what was masked).
    pub notes: Vec<String>,
}

impl RequestModel {
    /// An authenticated API call to `base_url` + `path` with a JSON body. Card data is
    /// masked unless `card` says otherwise; any of `secrets` found in the body is masked
    /// either way (the key belongs in the environment, not in code).
    pub fn api(
        method: &str,
        base_url: &str,
        path: &str,
        body: Option<Value>,
        card: CardData,
        secrets: &[String],
    ) -> RequestModel {
        let redactor = Redactor::new(secrets.iter().cloned());
        // Whether the body holds card data at all: masking changes it then.
        let mut has_card = false;
        let body = body.map(|original| {
            let mut masked = original.clone();
            redactor.json_in_place_showing_codes_as(&mut masked, CODE_SHOWN_AS);
            has_card = masked != original;
            match card {
                CardData::Masked => Body::Json(masked),
                CardData::FormValues => {
                    let mut value = original;
                    without_secrets(&mut value, secrets, &redactor);
                    Body::Json(value)
                }
            }
        });
        let mut notes = vec![format!(
            "The API key is read from the environment: export {API_KEY_ENV}=..."
        )];
        match card {
            CardData::Masked if has_card => notes.push(
                "Card number masked (first 6 / last 4) and security code as ***: put a test card's in."
                    .into(),
            ),
            CardData::FormValues if has_card => notes.push(
                "WARNING: this holds the form's real card number and security code. Do not share it."
                    .into(),
            ),
            _ => {}
        }
        let headers = if body.is_some() {
            vec![("Content-Type".into(), "application/json".into())]
        } else {
            Vec::new()
        };
        RequestModel {
            // The callers name the method in code; a bad one is never put in a snippet.
            method: http_method(method).unwrap_or_else(|| "GET".into()),
            url: format!("{}{path}", base_url.trim_end_matches('/')),
            bearer_key: true,
            headers: [("Accept".to_string(), "application/json".to_string())]
                .into_iter()
                .chain(headers)
                .collect(),
            body,
            expected_status: None,
            notes,
        }
    }

    /// The request of a recorded exchange, as history holds it (already redacted: cards
    /// masked, security codes removed).
    pub fn from_exchange(ex: &Exchange) -> RequestModel {
        let headers: Vec<(String, String)> = ex
            .request_headers
            .iter()
            .filter(|(name, _)| !LIBRARY_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
            .cloned()
            .collect();
        let body = ex
            .request_body
            .as_ref()
            .map(|text| match serde_json::from_str::<Value>(text) {
                Ok(value) if value.is_object() || value.is_array() => Body::Json(value),
                _ => Body::Text(text.clone()),
            });
        let bearer_key = ex.kind == ExchangeKind::Api;
        let mut notes = Vec::new();
        if bearer_key {
            notes.push(format!(
                "The API key is read from the environment: export {API_KEY_ENV}=..."
            ));
        }
        if body.is_some() {
            notes.push(
                "Body as history keeps it: card numbers masked, security codes removed.".into(),
            );
        }
        let method = match http_method(&ex.method) {
            Some(method) => method,
            None => {
                // A method from disk (an imported or edited history) that is no HTTP
                // token would break out of the code's literal or comment: never used.
                let sent = if body.is_some() { "POST" } else { "GET" };
                notes.push(format!(
                    "The recorded method \"{}\" is not a valid HTTP method: {sent} is sent instead.",
                    for_comment(&ex.method)
                ));
                sent.to_string()
            }
        };
        let mut model = RequestModel {
            method,
            url: ex.url.clone(),
            bearer_key,
            headers,
            body,
            expected_status: ex.status,
            notes,
        };
        model.ensure_json_content_type();
        model
    }

    /// The model with the status it should get noted.
    pub fn expecting(mut self, status: u16) -> RequestModel {
        self.expected_status = Some(status);
        self
    }

    /// The content type, if a header names it.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.as_str())
    }

    /// Headers other than the content type (C# sets that one on the content).
    pub fn headers_but_content_type(&self) -> impl Iterator<Item = &(String, String)> {
        self.headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
    }

    /// The body as the text sent: JSON pretty-printed (the order of its fields kept).
    pub fn body_text(&self) -> Option<String> {
        self.body.as_ref().map(|body| match body {
            Body::Json(value) => serde_json::to_string_pretty(value).unwrap_or_default(),
            Body::Text(text) => text.clone(),
        })
    }

    /// The comment lines of a snippet: the notes, then the expected status.
    pub fn comment_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = vec![format!(
            "{} {}",
            for_comment(&self.method),
            self.url_for_comment()
        )];
        lines.extend(self.notes.iter().map(|n| for_comment(n)));
        if let Some(status) = self.expected_status {
            lines.push(format!(
                "Expected status: {status}. Prints the status, then the body."
            ));
        } else {
            lines.push("Prints the status, then the body.".into());
        }
        lines
    }

    /// The path for a comment: printable ASCII only (a comment must not end early).
    fn url_for_comment(&self) -> String {
        let path = match self.url.find("://") {
            Some(i) => self.url[i + 3..]
                .find('/')
                .map_or("/", |j| &self.url[i + 3 + j..]),
            None => self.url.as_str(),
        };
        for_comment(&path.replace(' ', "?"))
    }

    fn ensure_json_content_type(&mut self) {
        if matches!(self.body, Some(Body::Json(_))) && self.content_type().is_none() {
            self.headers
                .push(("Content-Type".into(), "application/json".into()));
        }
    }
}

/// `text` for a comment line: printable ASCII and spaces only (a line break would end the
/// comment early); javac reads `\u` escapes even in comments, PHP's `?>` ends its code.
fn for_comment(text: &str) -> String {
    text.chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && c != '\\' {
                c
            } else {
                '?'
            }
        })
        .collect::<String>()
        .replace("?>", "? >")
}

/// `raw` upper-cased when it is an HTTP method token (RFC 9110: `tchar`s only), else `None`.
fn http_method(raw: &str) -> Option<String> {
    let token = !raw.is_empty()
        && raw.len() <= 32
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+.^_`|~-".contains(c));
    token.then(|| raw.to_ascii_uppercase())
}

/// Replaces any of `secrets` in the strings of `value` (through the redactor, which
/// knows their spellings); strings holding none are left exactly as typed.
fn without_secrets(value: &mut Value, secrets: &[String], redactor: &Redactor) {
    match value {
        Value::String(text)
            if secrets
                .iter()
                .any(|s| !s.is_empty() && text.contains(s.as_str())) =>
        {
            *text = redactor.text(text);
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| without_secrets(v, secrets, redactor)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| without_secrets(v, secrets, redactor)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_recorded_method_never_reaches_code_or_its_comment() {
        use crate::codegen::{Lang, request_code};
        for method in [
            "GET\nrm -rf /",
            "GET\r\n// x",
            "X?>",
            "GET\\u000a",
            "PO ST",
            "",
            "G\u{1b}[2J",
        ] {
            let mut ex = Exchange::new(ExchangeKind::Api, method, "http://h/api/v1/purchases/", 0);
            ex.request_body = Some("{}".into());
            let m = RequestModel::from_exchange(&ex);
            assert_eq!(m.method, "POST", "{method:?}");
            let first = &m.comment_lines()[0];
            assert!(
                first.chars().all(|c| c.is_ascii_graphic() || c == ' '),
                "{first:?}"
            );
            let said = m.comment_lines().join("\n");
            assert!(said.contains("not a valid HTTP method"), "{said}");
            for lang in Lang::ALL {
                let code = request_code(lang, &m);
                assert_eq!(crate::term_text::clean_lines(&code), code, "{lang:?}");
                assert!(!code.contains("\nrm -rf"), "{lang:?}: {code}");
                assert!(!code.contains("\n// x"), "{lang:?}: {code}");
                assert!(!code.contains("X?>"), "{lang:?}: {code}");
                assert!(!code.contains("\\u000a"), "{lang:?}: {code}");
            }
        }
        let ex = Exchange::new(ExchangeKind::Api, "patch", "http://h/x", 0);
        assert_eq!(RequestModel::from_exchange(&ex).method, "PATCH");
        assert_eq!(http_method("M-SEARCH").as_deref(), Some("M-SEARCH"));
    }

    #[test]
    fn an_exchange_keeps_its_headers_but_credentials_and_computed_ones() {
        let mut ex = Exchange::new(ExchangeKind::Api, "post", "http://h/api/v1/purchases/", 0);
        ex.request_headers = vec![
            ("content-length".into(), "12".into()),
            ("Authorization".into(), "Bearer [REDACTED]".into()),
            ("accept".into(), "application/json".into()),
        ];
        ex.request_body = Some(r#"{"a":1}"#.into());
        ex.status = Some(202);
        let m = RequestModel::from_exchange(&ex);
        assert_eq!(m.method, "POST");
        assert!(m.bearer_key);
        assert_eq!(
            m.headers,
            [
                ("accept".to_string(), "application/json".to_string()),
                ("Content-Type".to_string(), "application/json".to_string()),
            ]
        );
        assert_eq!(m.expected_status, Some(202));
        assert_eq!(m.body, Some(Body::Json(serde_json::json!({"a": 1}))));
    }

    #[test]
    fn a_form_body_is_masked_unless_its_values_are_asked_for() {
        let body = serde_json::json!({"card_number": "4444333322221111", "cvc": "123", "n": "x"});
        let m = RequestModel::api(
            "post",
            "http://h/",
            "/p/1/",
            Some(body.clone()),
            CardData::Masked,
            &[],
        );
        assert_eq!(m.url, "http://h/p/1/");
        assert_eq!(
            m.body,
            Some(Body::Json(
                serde_json::json!({"card_number": "444433******1111", "cvc": "***", "n": "x"})
            ))
        );
        assert!(m.notes.iter().any(|n| n.contains("masked")));
        let m = RequestModel::api(
            "POST",
            "http://h",
            "/p/1/",
            Some(body.clone()),
            CardData::FormValues,
            &[],
        );
        assert_eq!(m.body, Some(Body::Json(body)));
        assert!(m.notes.iter().any(|n| n.starts_with("WARNING")));
        // No card in the body: no card note either way.
        let m = RequestModel::api(
            "POST",
            "http://h",
            "/",
            Some(serde_json::json!({"a": 1})),
            CardData::Masked,
            &[],
        );
        assert_eq!(m.notes.len(), 1);
    }
}
