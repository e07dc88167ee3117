//! A piece of JSON kept as its text: a purchase's `client` and `purchase` objects.
//!
//! Why: both are echoed whole and read back only for a field or two, but as
//! `serde_json::Value`s they were rebuilt key by key (an `IndexMap` insert, a hash and an
//! allocation per key) every time a stored record was read, and walked again every time
//! the record was written or a purchase answered. The full-flow profile had record
//! decoding at 8 % and encoding at 5 % of the sandbox's CPU. As text they are checked (not
//! built) when a record is read and copied verbatim when it is written or answered. The
//! stored record is the same JSON either way, so state files need no migration.

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
        serde_json::value::to_raw_value(value).map_or_else(|_| RawJson::default(), RawJson)
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
    /// built); `None` when the JSON does not have that shape.
    pub fn fields<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_str(self.get()).ok()
    }
}

impl Default for RawJson {
    /// `null`, as an unset `Value` was.
    fn default() -> Self {
        RawJson(
            RawValue::from_string("null".to_string())
                .unwrap_or_else(|_| unreachable!("`null` is valid JSON")),
        )
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
    fn fields_reads_only_what_it_names() {
        #[derive(Deserialize)]
        struct Email {
            email: Option<String>,
        }
        let client = RawJson::of(&json!({"a": [1, {"b": 2}], "email": "e@x.example"}));
        let email: Email = client.fields().expect("shape");
        assert_eq!(email.email.as_deref(), Some("e@x.example"));
        assert!(RawJson::default().fields::<Email>().is_none());
    }
}
