//! String literals of each language, exact for any text (quotes, backslashes, `$`,
//! newlines, control characters, any Unicode), and the helpers the emitters share.

/// A POSIX shell single-quoted word: nothing inside is special but `'` itself.
pub fn sh(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A JSON string, which is also a Python 3 and a JavaScript string literal (JSON's
/// escapes are a subset of both; `$` and `{` are plain in double quotes there).
pub fn json(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// A PHP single-quoted literal: only `\` and `'` are special, so `$` never interpolates.
pub fn php(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
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
        if c.is_control() || c == '\u{feff}' {
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
    fn lines_are_joined_with_their_breaks() {
        assert_eq!(concatenated("{\n}", json, "  "), "\"{\\n\" +\n  \"}\"");
        assert_eq!(concatenated("", json, "  "), "\"\"");
    }
}
