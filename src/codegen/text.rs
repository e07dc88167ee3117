//! String literals of each language, exact for any text (quotes, backslashes, `$`,
//! newlines, control characters, any Unicode), and the helpers the emitters share.
//!
//! Every literal is printable text: a character a terminal must not receive raw (see
//! [`crate::term_text::unsafe_char`]; line breaks and tabs aside) is written as an escape
//! in the language's own syntax. Printed code then passes the terminal sanitiser
//! unchanged, and still sends the exact bytes.

/// Whether `c` must be written as an escape in a literal: what the terminal sanitiser
/// would rewrite (it keeps line breaks and tabs).
fn escaped(c: char) -> bool {
    c != '\n' && c != '\t' && crate::term_text::unsafe_char(c)
}

/// `text` cut into runs written as they are (`(run, None)`) and single characters that
/// must be escaped (`("", Some(c))`); an empty text is one empty run.
fn runs(text: &str) -> Vec<(&str, Option<char>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if escaped(c) {
            if start < i {
                out.push((&text[start..i], None));
            }
            out.push(("", Some(c)));
            start = i + c.len_utf8();
        }
    }
    if start < text.len() || out.is_empty() {
        out.push((&text[start..], None));
    }
    out
}

/// A POSIX shell word: single-quoted runs (nothing inside is special but `'` itself),
/// and each character to escape as `"$(printf '\ooo')"`, its UTF-8 bytes in octal.
pub fn sh(text: &str) -> String {
    runs(text)
        .into_iter()
        .map(|(run, c)| match c {
            None => format!("'{}'", run.replace('\'', r"'\''")),
            Some(c) => {
                let mut bytes = [0u8; 4];
                let octal: String = c
                    .encode_utf8(&mut bytes)
                    .bytes()
                    .map(|b| format!("\\{b:03o}"))
                    .collect();
                format!("\"$(printf '{octal}')\"")
            }
        })
        .collect()
}

/// A JSON string, which is also a Python 3 and a JavaScript string literal (JSON's
/// escapes are a subset of both; `$` and `{` are plain in double quotes there). DEL, C1
/// controls and direction overrides, which JSON allows raw, are `\uXXXX` too.
pub fn json(text: &str) -> String {
    printable_json(serde_json::Value::String(text.to_string()).to_string())
}

/// Serialised JSON with DEL, C1 controls and direction overrides (which JSON allows raw
/// inside strings, the only place they can be) written as `\uXXXX`: the same value.
pub fn printable_json(serialized: String) -> String {
    if !serialized.chars().any(escaped) {
        return serialized;
    }
    let mut out = String::with_capacity(serialized.len() + 16);
    for c in serialized.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A PHP single-quoted literal (only `\` and `'` are special, so `$` never interpolates);
/// a character to escape is a double-quoted `"\u{…}"` joined on with `.`.
pub fn php(text: &str) -> String {
    runs(text)
        .into_iter()
        .map(|(run, c)| match c {
            None => format!("'{}'", run.replace('\\', r"\\").replace('\'', r"\'")),
            Some(c) => format!("\"\\u{{{:x}}}\"", c as u32),
        })
        .collect::<Vec<_>>()
        .join(" . ")
}

/// A Java string literal. Everything outside printable ASCII is a `\uXXXX` escape (one per
/// UTF-16 unit) so the source is ASCII whatever javac's encoding, except line breaks:
/// javac turns `\u000a` into a real newline before it reads the literal, so they are `\n`.
pub fn java(text: &str) -> String {
    c_like(text, |c, out| {
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.push_str(&format!("\\u{unit:04x}"));
        }
    })
}

/// A C# regular string literal: like Java's (C# also ends a line at U+0085, U+2028 and
/// U+2029, which would end the literal, so every non-ASCII character is escaped).
pub fn csharp(text: &str) -> String {
    java(text)
}

/// A Go interpreted string literal: UTF-8 stays as it is (Go source is UTF-8), control
/// characters and the byte-order mark are escaped.
pub fn go(text: &str) -> String {
    c_like(text, |c, out| {
        if c.is_control() || c == '\u{feff}' || escaped(c) {
            let code = c as u32;
            if code < 0x80 {
                out.push_str(&format!("\\x{code:02x}"));
            } else {
                out.push_str(&format!("\\u{code:04x}"));
            }
        } else {
            out.push(c);
        }
    })
}

/// `"…"` with `\"`, `\\`, `\n`, `\r`, `\t` escaped, printable ASCII as it is and every
/// other character handed to `other`.
fn c_like(text: &str, other: impl Fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => other(c, &mut out),
        }
    }
    out.push('"');
    out
}

/// A multi-line text as one literal per line (each with its line break) joined by `+`,
/// continued lines indented by `indent`: readable JSON bodies in Java, Go and C#.
pub fn concatenated(text: &str, quote: fn(&str) -> String, indent: &str) -> String {
    let pieces: Vec<String> = text.split_inclusive('\n').map(quote).collect();
    if pieces.is_empty() {
        return quote("");
    }
    pieces.join(&format!(" +\n{indent}"))
}

/// Comment lines, each behind `marker`.
pub fn comments(marker: &str, lines: &[String]) -> String {
    lines
        .iter()
        .map(|line| format!("{marker} {line}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_cannot_break_out_of_a_literal() {
        assert_eq!(sh("a'b $x"), r"'a'\''b $x'");
        assert_eq!(php(r"a'b\ $x"), r"'a\'b\\ $x'");
        assert_eq!(json("a\"b\n$"), r#""a\"b\n$""#);
        assert_eq!(java("a\"\\\n\u{e9}😀"), r#""a\"\\\n\u00e9\ud83d\ude00""#);
        assert_eq!(go("a\"\\\n\u{e9}\u{1}"), "\"a\\\"\\\\\\n\u{e9}\\x01\"");
        assert_eq!(csharp("\u{2028}"), r#""\u2028""#);
    }

    #[test]
    fn controls_are_escaped_in_each_languages_syntax() {
        let text = "a\u{1b}[2J\u{7f}\u{9b}\u{202e}\rb'\nc\td";
        for quoted in [sh(text), json(text), php(text), java(text), go(text)] {
            assert_eq!(
                crate::term_text::clean_lines(&quoted),
                quoted,
                "not printable: {quoted:?}"
            );
        }
        assert_eq!(sh("a\u{1b}b'"), r#"'a'"$(printf '\033')"'b'\'''"#);
        assert_eq!(sh("\u{9b}"), r#""$(printf '\302\233')""#);
        assert_eq!(sh(""), "''");
        assert_eq!(json("\u{1b}\u{7f}\u{202e}"), r#""\u001b\u007f\u202e""#);
        assert_eq!(php("a\u{1b}'"), r#"'a' . "\u{1b}" . '\''"#);
        assert_eq!(php(""), "''");
        assert_eq!(go("\u{202e}\u{7f}"), r#""\u202e\x7f""#);
    }

    #[test]
    fn lines_are_joined_with_their_breaks() {
        assert_eq!(concatenated("{\n}", json, "  "), "\"{\\n\" +\n  \"}\"");
        assert_eq!(concatenated("", json, "  "), "\"\"");
    }
}
