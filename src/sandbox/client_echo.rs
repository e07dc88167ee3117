//! `client` as Paysecure echoes it (§10.1), written straight from the request's map.
//!
//! Every value comes back a string (a zip code sent as a number comes back as text),
//! `cc`/`bcc` as lists, `customerId` `"NA"` unless sent, and the full field set with the
//! unsent fields as `""`. Why it is serialised rather than built: the create profile had
//! the copy of the request's map, the echoed map (a hash, an insert and an allocation per
//! key, 25 keys) and its serialisation at 6 % of the sandbox's CPU; the record keeps the
//! echo as JSON text anyway (`raw_json`).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::purchase::{as_text, has_field};
use super::raw_json::RawJson;

/// The `client` fields the real API always echoes; unsent ones come back as `""`.
const CLIENT_FIELDS: &[&str] = &[
    "email",
    "full_name",
    "phone",
    "street_address",
    "city",
    "zip_code",
    "country",
    "stateCode",
    "date_of_birth",
    "shipping_street_address",
    "shipping_country",
    "shipping_city",
    "shipping_zip_code",
    "shipping_stateCode",
    "legal_name",
    "brand_name",
    "personal_code",
    "bank_account",
    "bank_code",
    "registration_number",
    "tax_number",
];

/// The echo of `client`. With `state_code_na`, `stateCode` reads `"NA"` (Paysecure's
/// default for EUR and GBP when none was sent), where the client had it or else after
/// the client's own fields.
pub fn echo_client(client: &Map<String, Value>, state_code_na: bool) -> RawJson {
    RawJson::of(&ClientEcho {
        client,
        state_code_na,
    })
}

struct ClientEcho<'a> {
    client: &'a Map<String, Value>,
    state_code_na: bool,
}

impl Serialize for ClientEcho<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let client = self.client;
        let mut m = s.serialize_map(None)?;
        for (key, value) in client {
            match (key.as_str(), value) {
                ("stateCode", _) if self.state_code_na => m.serialize_entry(key, "NA")?,
                ("cc" | "bcc", Value::Array(list)) => m.serialize_entry(key, &TextList(list))?,
                ("cc" | "bcc", other) => {
                    let one = as_text(other);
                    let list: &[String] = if one.is_empty() {
                        &[]
                    } else {
                        std::slice::from_ref(&one)
                    };
                    m.serialize_entry(key, list)?;
                }
                (_, other) => m.serialize_entry(key, &AsText(other))?,
            }
        }
        let sent = |key: &str| has_field(client, key);
        let state_code_added = self.state_code_na && !sent("stateCode");
        if state_code_added {
            m.serialize_entry("stateCode", "NA")?;
        }
        if !sent("customerId") {
            m.serialize_entry("customerId", "NA")?;
        }
        for list in ["cc", "bcc"] {
            if !sent(list) {
                m.serialize_entry(list, &[] as &[&str])?;
            }
        }
        for field in CLIENT_FIELDS {
            let written = sent(field) || (state_code_added && *field == "stateCode");
            if !written {
                m.serialize_entry(field, "")?;
            }
        }
        m.end()
    }
}

/// A value as the string a text field echoes (see [`as_text`]), without a copy for the
/// strings.
struct AsText<'a>(&'a Value);

impl Serialize for AsText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::String(text) => s.serialize_str(text),
            other => s.serialize_str(&as_text(other)),
        }
    }
}

/// A list whose items echo as text.
struct TextList<'a>(&'a [Value]);

impl Serialize for TextList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&AsText(item))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::any_json::any_value;
    use proptest::prelude::*;
    use serde_json::json;

    /// The echo as it was built before (a map, then serialised): the reference the
    /// serialiser must match byte for byte.
    fn echo_as_a_map(client: &Map<String, Value>, state_code_na: bool) -> String {
        let mut client = client.clone();
        if state_code_na {
            client.insert("stateCode".into(), json!("NA"));
        }
        let mut c: Map<String, Value> = Map::new();
        c.extend(client.iter().map(|(k, v)| {
            let echoed = match (k.as_str(), v) {
                ("cc" | "bcc", Value::Array(list)) => {
                    Value::Array(list.iter().map(|x| Value::String(as_text(x))).collect())
                }
                ("cc" | "bcc", other) => {
                    let one = as_text(other);
                    json!(if one.is_empty() { vec![] } else { vec![one] })
                }
                (_, other) => Value::String(as_text(other)),
            };
            (k.clone(), echoed)
        }));
        c.entry("customerId").or_insert(json!("NA"));
        c.entry("cc").or_insert(json!([]));
        c.entry("bcc").or_insert(json!([]));
        for field in CLIENT_FIELDS {
            c.entry(*field).or_insert(json!(""));
        }
        serde_json::to_string(&Value::Object(c)).expect("text")
    }

    #[test]
    fn a_typical_client_is_echoed_with_every_field() {
        let client = json!({"email": "a@b.example", "zip_code": 10115, "cc": "x@y.example"});
        let Value::Object(client) = client else {
            unreachable!()
        };
        let echo = echo_client(&client, true).to_value();
        assert_eq!(echo["zip_code"], "10115", "numbers come back as text");
        assert_eq!(echo["cc"], json!(["x@y.example"]));
        assert_eq!(echo["bcc"], json!([]));
        assert_eq!(echo["customerId"], "NA");
        assert_eq!(echo["stateCode"], "NA");
        assert_eq!(echo["tax_number"], "");
        let keys: Vec<&String> = echo.as_object().expect("object").keys().collect();
        assert_eq!(keys[..4], ["email", "zip_code", "cc", "stateCode"]);
    }

    fn any_key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(CLIENT_FIELDS.to_vec()).prop_map(str::to_string),
            prop::sample::select(vec!["cc", "bcc", "customerId", "stateCode"])
                .prop_map(str::to_string),
            "[a-zA-Z_]{1,10}",
        ]
    }

    proptest! {
        #[test]
        fn the_echo_is_byte_for_byte_the_map_built_before(
            pairs in prop::collection::vec((any_key(), any_value()), 0..30),
            state_code_na in any::<bool>(),
        ) {
            let client: Map<String, Value> = pairs.into_iter().collect();
            let echo = echo_client(&client, state_code_na);
            prop_assert_eq!(echo.get(), echo_as_a_map(&client, state_code_na));
        }
    }
}
