//! Copy as curl: the exchange as a shell command, the key replaced by `$PAYSECURE_API_KEY`.

use crate::api::{Exchange, ExchangeKind};

/// Single-quotes text for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The curl command for an exchange.
pub fn to_curl(ex: &Exchange) -> String {
    let mut parts = vec![
        "curl".to_string(),
        "-sS".into(),
        "-X".into(),
        ex.method.clone(),
        shell_quote(&ex.url),
    ];
    if ex.kind == ExchangeKind::Api {
        parts.push("-H".into());
        parts.push("\"Authorization: Bearer $PAYSECURE_API_KEY\"".into());
    }
    for (name, value) in &ex.request_headers {
        parts.push("-H".into());
        parts.push(shell_quote(&format!("{name}: {value}")));
    }
    if let Some(body) = &ex.request_body {
        parts.push("--data-raw".into());
        parts.push(shell_quote(body));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_uses_the_env_key_and_quotes_safely() {
        let ex = Exchange {
            request_headers: vec![("content-type".into(), "application/json".into())],
            request_body: Some(r#"{"name":"O'Brien"}"#.into()),
            status: Some(202),
            ..Exchange::new(ExchangeKind::Api, "POST", "http://h/api/v1/purchases/", 0)
        };
        let curl = to_curl(&ex);
        assert!(curl.contains("\"Authorization: Bearer $PAYSECURE_API_KEY\""));
        assert!(
            curl.contains(r#"--data-raw '{"name":"O'\''Brien"}'"#),
            "{curl}"
        );
    }
}
