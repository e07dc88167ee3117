//! Credentials and security codes in free text: the key in use wherever it is echoed
//! (as is, percent- or form-encoded, JSON-escaped), any `Bearer` token, and a security
//! code written next to its name (`…?cvv=123` in an error message).

use super::names::CVC_WORDS;

/// What a credential is replaced with.
pub const MASK: &str = "[REDACTED]";

/// Keys shorter than this are replaced only where a whole value equals them: replacing
/// every `abc` in a record would garble it without protecting anything.
const MIN_SUBSTRING_LEN: usize = 4;

/// The secrets known to the caller (the API key in use).
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// Every spelling of every secret long enough to search for, longest first.
    spellings: Vec<String>,
    /// The secrets themselves, for whole-value comparison.
    exact: Vec<String>,
}

impl Secrets {
    /// Secrets to remove; blank ones are ignored.
    pub fn new<I: IntoIterator<Item = String>>(secrets: I) -> Secrets {
        let exact: Vec<String> = secrets
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let mut spellings: Vec<String> = exact
            .iter()
            .filter(|s| s.len() >= MIN_SUBSTRING_LEN)
            .flat_map(|s| spellings_of(s))
            .collect();
        spellings.sort_by_key(|s| std::cmp::Reverse(s.len()));
        spellings.dedup();
        Secrets { spellings, exact }
    }

    /// `text` with every spelling of every secret replaced by [`MASK`].
    pub fn replace(&self, text: &str) -> String {
        if self.exact.iter().any(|s| s == text.trim()) {
            return MASK.to_string();
        }
        let mut out = text.to_string();
        for s in &self.spellings {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        out
    }
}

/// The ways a secret is written in a URL, a form, a JSON document or a header.
fn spellings_of(secret: &str) -> Vec<String> {
    let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).unwrap_or_default();
    vec![
        secret.to_string(),
        form,
        percent_encoded(secret, false),
        percent_encoded(secret, true),
        json.trim_matches('"').to_string(),
    ]
}

/// Every byte but the unreserved ones as `%XX` (or `%xx`).
fn percent_encoded(text: &str, lower: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else if lower {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Masks the token after any `Bearer` (any case), whoever's key it is.
pub fn mask_bearer(text: &str) -> String {
    if !contains_any_ignoring_case(text, &["bearer"]) {
        return text.to_string();
    }
    mask_bearer_scanning(text)
}

/// [`mask_bearer`] without its first check.
fn mask_bearer_scanning(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("bearer") {
        let mut i = from + found + "bearer".len();
        from = i;
        let spaces = i;
        while lower[i..].starts_with(' ')
            || lower[i..].starts_with("%20")
            || lower[i..].starts_with('+')
        {
            i += if lower[i..].starts_with("%20") { 3 } else { 1 };
        }
        if i == spaces {
            continue;
        }
        let token_len = lower[i..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(b))
            .count();
        if token_len >= 6 {
            out.push_str(&text[at..i]);
            out.push_str(MASK);
            at = i + token_len;
            from = at;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// Masks a 3-4 digit code written right after a security-code name (`cvv=123`,
/// `"cvc":"123"`, `cvv2: 1234`, `cvv%3D123`).
pub fn mask_cvc_text(text: &str) -> String {
    if !contains_any_ignoring_case(text, CVC_WORDS) {
        return text.to_string();
    }
    mask_cvc_scanning(text)
}

/// [`mask_cvc_text`] without its first check.
fn mask_cvc_scanning(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for word in CVC_WORDS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(word) {
            let mut i = from + found + word.len();
            from = i;
            if bytes.get(i) == Some(&b'2') {
                i += 1;
            }
            // At most a few quote, colon, equals or space characters (or their escapes).
            let mut skipped = 0;
            while skipped < 4 {
                if lower[i..].starts_with("%3d") || lower[i..].starts_with("%22") {
                    i += 3;
                } else if bytes.get(i).is_some_and(|b| b"\"'\\:= ".contains(b)) {
                    i += 1;
                } else {
                    break;
                }
                skipped += 1;
            }
            if skipped == 0 {
                continue;
            }
            let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if (3..=4).contains(&digits) {
                hits.push((i, i + digits));
            }
        }
    }
    if hits.is_empty() {
        return text.to_string();
    }
    hits.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in hits {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str("***");
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Whether `text` contains any of `words` (ASCII lower case, not empty) in any case: what
/// a search of the lowered text finds, without lowering it. The maskers use it to leave
/// text that has nothing to mask alone without an allocation (most text: every logged
/// URL). One pass: a word is compared only where its first letter is, which a table of
/// the words' first letters tells (a window-by-window comparison per word was 3,000
/// instructions for a logged path).
fn contains_any_ignoring_case(text: &str, words: &[&str]) -> bool {
    let mut first_letters = [false; 256];
    for word in words {
        if let Some(&first) = word.as_bytes().first() {
            first_letters[usize::from(first)] = true;
        }
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, byte)| {
        first_letters[usize::from(byte.to_ascii_lowercase())]
            && words.iter().any(|word| {
                let word = word.as_bytes();
                !word.is_empty()
                    && bytes
                        .get(at..at + word.len())
                        .is_some_and(|window| window.eq_ignore_ascii_case(word))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_replaced_in_every_spelling() {
        let s = Secrets::new(["sk test/é".to_string(), " ".to_string()]);
        for text in [
            "x sk test/é y",
            "x sk+test%2F%C3%A9 y",
            "x sk%20test%2F%C3%A9 y",
            "x sk%20test%2f%c3%a9 y",
        ] {
            assert_eq!(s.replace(text), format!("x {MASK} y"), "{text}");
        }
        let short = Secrets::new(["ab".to_string()]);
        assert_eq!(short.replace("ab"), MASK);
        assert_eq!(short.replace("table"), "table");
    }

    #[test]
    fn bearer_tokens_and_named_codes_are_masked() {
        assert_eq!(
            mask_bearer("echo: Bearer sk_live_abc123, ok"),
            format!("echo: Bearer {MASK}, ok")
        );
        assert_eq!(mask_bearer("the bearer of"), "the bearer of");
        assert_eq!(
            mask_cvc_text(r#"url (http://h/p?cvv=123&x=1) {"CVC":"9876"} cvv2: 555"#),
            r#"url (http://h/p?cvv=***&x=1) {"CVC":"***"} cvv2: ***"#
        );
        assert_eq!(mask_cvc_text("cvc_result 12345"), "cvc_result 12345");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The first checks never skip text the full scans would change. The pieces
        /// include every word followed by what it needs to be masked, so that each word
        /// is masked in many of the texts (a check that missed one word fails here).
        #[test]
        fn the_first_checks_skip_only_text_without_a_bearer_or_a_code(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "Bearer", "bEaReR ", "Bearer%20", "bear", "er", " ", "%20", "+", "sk_live_abc123",
                "tok", "cvv", "CVC", "cvn", "Csc", "cv", "v", "2", "=", ":", "\"", "'", "%3D",
                "%22", "123", "9876", "12345", "securitycode", "Security_Code", "security", "é",
                "x", "cvv=", "CVC\":\"", "cvn: ", "csc%3D", "SecurityCode=", "security_code:",
            ]), 0..20),
        ) {
            let text: String = pieces.concat();
            proptest::prop_assert_eq!(mask_bearer(&text), mask_bearer_scanning(&text));
            proptest::prop_assert_eq!(mask_cvc_text(&text), mask_cvc_scanning(&text));
        }
    }
}
