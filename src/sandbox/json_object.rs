//! A JSON object written with its keys as literals: the purchase answer's writer.
//!
//! Why not serde's `SerializeMap` alone: serde_json writes every key as a string it must
//! check for escapes, a byte at a time, through three small writes (quote, text, quote).
//! The create profile (callgrind, BENCHMARKS round 14) counted 117 keys a create, at
//! ≈ 136 instructions each: 15 % of a create's instructions for text known when the
//! code was compiled. Here a key is one copy of `"key":`; values still go through
//! serde_json, so the text is byte for byte what serde_json writes (compact, same
//! escapes, same float digits).

use serde::Serialize;

/// An open `{`; [`ObjectWriter::close`] writes the `}`.
pub struct ObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn open(out: &'a mut Vec<u8>) -> ObjectWriter<'a> {
        out.push(b'{');
        ObjectWriter { out, empty: true }
    }

    /// `"key":` (after a comma unless first). `key` is a literal that needs no escape.
    fn key(&mut self, key: &'static str) -> &mut Vec<u8> {
        debug_assert!(
            key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'),
            "{key:?} needs escaping"
        );
        self.out.reserve(key.len() + 4);
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    /// `"key":<value as serde_json writes it>`.
    pub fn entry<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        serde_json::to_writer(self.key(key), value)
    }

    /// `"key":"text"` for a literal string that needs no escape (a fixed value).
    pub fn fixed_str(&mut self, key: &'static str, text: &'static str) {
        debug_assert!(
            text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'),
            "{text:?} needs escaping"
        );
        let out = self.key(key);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }

    /// `"key":json` for JSON text written before (`true`, `0`, a constant object).
    pub fn raw(&mut self, key: &'static str, json: &str) {
        self.key(key).extend_from_slice(json.as_bytes());
    }

    /// `"key":` followed by what `write` writes (a nested object).
    pub fn nested(
        &mut self,
        key: &'static str,
        write: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
    ) -> serde_json::Result<()> {
        write(self.key(key))
    }

    pub fn close(self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::ser::{SerializeMap as _, Serializer as _};
    use serde_json::Value;

    use super::*;
    use crate::sandbox::any_json::any_value;

    const KEYS: [&str; 4] = ["a", "purchaseId", "x y", "é"];

    proptest! {
        /// The same text as serde_json's own map writer, for values of every type.
        #[test]
        fn entries_are_what_serde_json_writes(values in prop::collection::vec(any_value(), 0..4)) {
            let mut ours = Vec::new();
            let mut object = ObjectWriter::open(&mut ours);
            for (key, value) in KEYS.iter().zip(&values) {
                object.entry(key, value).expect("write");
            }
            object.close();
            let mut theirs = Vec::new();
            let mut ser = serde_json::Serializer::new(&mut theirs);
            let mut map = ser.serialize_map(None).expect("map");
            for (key, value) in KEYS.iter().zip(&values) {
                map.serialize_entry(key, value).expect("entry");
            }
            map.end().expect("end");
            prop_assert_eq!(String::from_utf8(ours), String::from_utf8(theirs));
        }
    }

    #[test]
    fn fixed_and_nested_entries() {
        let mut out = Vec::new();
        let mut object = ObjectWriter::open(&mut out);
        object.fixed_str("type", "purchase");
        object.raw("t", "true");
        object
            .nested("inner", |out| {
                let mut inner = ObjectWriter::open(out);
                inner.entry("n", &1.5)?;
                inner.close();
                Ok(())
            })
            .expect("nested");
        object.entry("s", "q\"\u{1b}").expect("entry");
        object.close();
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            text,
            r#"{"type":"purchase","t":true,"inner":{"n":1.5},"s":"q\"\u001b"}"#
        );
        let _: Value = serde_json::from_str(&text).expect("valid JSON");
    }
}
