//! A piece of JSON kept as its text: a purchase's `client` and `purchase` objects.
//!
//! Why: both are echoed whole and read back only for a field or two, but as
//! `serde_json::Value`s they were rebuilt key by key (an `IndexMap` insert, a hash and an
//! allocation per key) every time a stored record was read, and walked again every time
//! the record was written or a purchase answered. The full-flow profile had record
//! decoding at 8 % and encoding at 5 % of the sandbox's CPU. As text they are checked (not
//! built) when a record is read, and copied verbatim into the file and the create and
//! status answers (other answers rebuild them as values: the same JSON, since floats
//! round-trip exactly with serde_json's `float_roundtrip`). The stored record is the same
//! JSON either way, so state files need no migration; a record edited by hand is
//! answered as written there, spacing included.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// Valid JSON text, serialised as the JSON it holds (not as a string).
#[derive(Debug, Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// `value` as compact JSON text (`null` if it cannot be written as JSON, which a
    /// `Value` or a map with string keys never is).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> RawJson {
        let raw = serde_json::value::to_raw_value(value);
        debug_assert!(raw.is_ok(), "not writable as JSON");
        raw.map_or_else(|_| RawJson::default(), RawJson)
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The JSON as a value, for the rare caller that needs all of it.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.get()).unwrap_or(Value::Null)
    }

    /// The fields `T` names, read straight from the text (the others are skipped, not
    /// built); `None` when the JSON is not an object or the fields do not have `T`'s types.
    pub fn fields<T: DeserializeOwned>(&self) -> Option<T> {
        // Only an object has fields: a struct would also read an array, by position.
        if !self.get().trim_start().starts_with('{') {
            return None;
        }
        serde_json::from_str(self.get()).ok().or_else(|| {
            // A key written twice (a record edited by hand) fails a struct; as a map it
            // keeps the last value, as reading the whole object always did.
            serde_json::from_value(self.to_value()).ok()
        })
    }
}

impl Default for RawJson {
    /// `null`, as an unset `Value` was.
    fn default() -> Self {
        RawJson(RawValue::NULL.to_owned())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        RawJson::of(&value)
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(d).map(RawJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Serialize, Deserialize, PartialEq, Default)]
    #[serde(default)]
    struct Holder {
        name: String,
        client: RawJson,
    }

    #[test]
    fn it_writes_the_json_it_holds_and_reads_it_back_unchanged() {
        let client = json!({"email": "a@b.example", "cc": [], "zip_code": "10115"});
        let holder = Holder {
            name: "x".into(),
            client: RawJson::of(&client),
        };
        let text = serde_json::to_string(&holder).expect("encode");
        assert_eq!(
            text,
            r#"{"name":"x","client":{"email":"a@b.example","cc":[],"zip_code":"10115"}}"#
        );
        let back: Holder = serde_json::from_str(&text).expect("decode");
        assert_eq!(back, holder);
        assert_eq!(back.client.to_value(), client);
        // Read as a value it is the same object, keys in the same order.
        let as_value = serde_json::to_value(&holder).expect("value");
        assert_eq!(as_value["client"], client);
        assert_eq!(
            serde_json::to_string(&as_value["client"]).expect("text"),
            holder.client.get()
        );
    }

    #[test]
    fn unset_reads_and_writes_as_null() {
        let back: Holder = serde_json::from_str(r#"{"name":"y"}"#).expect("decode");
        assert_eq!(back.client.get(), "null");
        assert_eq!(back.client.to_value(), Value::Null);
        assert_eq!(
            serde_json::to_string(&back).expect("encode"),
            r#"{"name":"y","client":null}"#
        );
    }

    #[test]
    fn damaged_json_is_refused_when_read() {
        assert!(serde_json::from_str::<Holder>(r#"{"client":{"email":}"#).is_err());
    }

    #[test]
    fn a_float_reads_back_as_written() {
        // serde_json's default float parsing may land one bit off; with
        // `float_roundtrip` (Cargo.toml) a value read back from the text is the one
        // written, so an answer copied as text and one rebuilt as a value agree.
        let text = r#"{"discount":0.000038003450846204196,"price":1e-7}"#;
        let raw: RawJson = serde_json::from_str(text).expect("raw");
        assert_eq!(serde_json::to_string(&raw.to_value()).expect("text"), text);
        let value: Value = serde_json::from_str(text).expect("value");
        assert_eq!(raw.to_value(), value);
    }

    #[test]
    fn fields_reads_only_what_it_names() {
        #[derive(Deserialize)]
        struct Email {
            email: Option<String>,
        }
        let client = RawJson::of(&json!({"a": [1, {"b": 2}], "email": "e@x.example"}));
        let email: Email = client.fields().expect("shape");
        assert_eq!(email.email.as_deref(), Some("e@x.example"));
        assert!(RawJson::default().fields::<Email>().is_none());
        let array: RawJson = serde_json::from_str(r#"["e@x.example"]"#).expect("raw");
        assert!(array.fields::<Email>().is_none(), "an array has no fields");
        let twice: RawJson =
            serde_json::from_str(r#"{"email":"old@x.example","email":"new@x.example"}"#)
                .expect("raw");
        let email: Email = twice.fields().expect("the last one");
        assert_eq!(email.email.as_deref(), Some("new@x.example"));
    }
}
