//! The `purchase` object of a new purchase: its products checked and the total
//! recomputed, then echoed as Paysecure echoes it (§10.1), written straight from the
//! request's map into JSON text.
//!
//! Why it is serialised rather than built: like the `client` echo (`client_echo`), a copy
//! of the request's map with a dozen keys set and every product copied and re-keyed, then
//! serialised, cost a hash, an insert and an allocation per key on every create.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::create::text;
use super::errors::Coded;
use super::purchase::{as_text, round2};
use super::raw_json::RawJson;

/// One product as checked: the request's item and the values its echo overrides.
pub struct Product<'a> {
    item: &'a Map<String, Value>,
    price: f64,
    name: String,
    quantity: u64,
    discount: f64,
    tax_percent: String,
}

/// Checks the products and recomputes the total (the sum of prices, as Paysecure does;
/// `quantity` is echoed, not multiplied).
pub fn products(details: &Map<String, Value>) -> Result<(Vec<Product<'_>>, f64), Coded> {
    let Some(Value::Array(items)) = details.get("products") else {
        return Err(Coded::transaction("Product detail is missing"));
    };
    if items.is_empty() {
        return Err(Coded::transaction("Product detail is missing"));
    }
    let mut out = Vec::with_capacity(items.len());
    let mut total = 0.0;
    for item in items {
        let Value::Object(item) = item else {
            return Err(Coded::transaction("Product detail is missing"));
        };
        let Some(name) = text(item, "name") else {
            return Err(Coded::transaction("Product name is required"));
        };
        let number = |key: &str| match item.get(key) {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        let price = number("price")
            .filter(|p| p.is_finite() && *p >= 0.0)
            .ok_or_else(|| Coded::transaction("Product price is required"))?;
        total += price;
        // Typed as the captures type them, whatever was sent (quantity is echoed, not
        // multiplied, so a bad one costs nothing).
        let quantity = number("quantity")
            .filter(|q| q.is_finite() && *q >= 1.0 && q.fract() == 0.0 && *q <= 1e9)
            .map_or(1, |q| q as u64);
        out.push(Product {
            item,
            price,
            name,
            quantity,
            discount: number("discount").filter(|d| d.is_finite()).unwrap_or(0.0),
            tax_percent: item.get("tax_percent").map_or("0.00".into(), as_text),
        });
    }
    Ok((out, round2(total)))
}

/// The echo of `details` with its checked `products` and `total`.
pub fn echo_purchase(
    details: &Map<String, Value>,
    products: &[Product<'_>],
    total: f64,
) -> RawJson {
    RawJson::of(&PurchaseEcho {
        details,
        products,
        total,
    })
}

/// Keys the echo sets, in the order they are added when the request lacks them.
const SET_KEYS: [&str; 12] = [
    "products",
    "total",
    "requestAmount",
    // A number in the real captures (§10.1), not the "20.00" text its name suggests.
    "total_formatted",
    "debt",
    "taxAmount",
    "taxPercent",
    "request_client_details",
    // Echoed text fields stay strings whatever type was sent; defaults as captured.
    "language",
    "notes",
    "timezone",
    "email_message",
];

struct PurchaseEcho<'a> {
    details: &'a Map<String, Value>,
    products: &'a [Product<'a>],
    total: f64,
}

impl PurchaseEcho<'_> {
    /// The echoed value of a key the echo sets (one of [`SET_KEYS`]).
    fn set_value<M: SerializeMap>(&self, m: &mut M, key: &str) -> Result<(), M::Error> {
        let text_or = |default: &str| {
            self.details
                .get(key)
                .map_or_else(|| default.to_string(), as_text)
        };
        match key {
            "products" => m.serialize_entry(key, &Products(self.products)),
            "total" | "requestAmount" | "total_formatted" => m.serialize_entry(key, &self.total),
            "debt" | "taxAmount" | "taxPercent" => m.serialize_entry(key, &0),
            "request_client_details" => m.serialize_entry(key, &[] as &[u8]),
            "language" => m.serialize_entry(key, &text_or("en")),
            "timezone" => m.serialize_entry(key, &text_or("UTC")),
            _ => m.serialize_entry(key, &text_or("")),
        }
    }
}

impl Serialize for PurchaseEcho<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        // The request's keys keep their places, with the echo's values where it sets
        // them; the keys it sets that were not sent follow.
        for (key, value) in self.details {
            if SET_KEYS.contains(&key.as_str()) {
                self.set_value(&mut m, key)?;
            } else {
                m.serialize_entry(key, value)?;
            }
        }
        for key in SET_KEYS {
            if !self.details.contains_key(key) {
                self.set_value(&mut m, key)?;
            }
        }
        m.end()
    }
}

struct Products<'a>(&'a [Product<'a>]);

impl Serialize for Products<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for product in self.0 {
            seq.serialize_element(product)?;
        }
        seq.end()
    }
}

/// Keys a product's echo sets, in the order they are added when the item lacks them.
const PRODUCT_SET_KEYS: [&str; 5] = ["price", "name", "quantity", "discount", "tax_percent"];

impl Product<'_> {
    fn set_value<M: SerializeMap>(&self, m: &mut M, key: &str) -> Result<(), M::Error> {
        match key {
            "price" => m.serialize_entry(key, &self.price),
            "name" => m.serialize_entry(key, &self.name),
            "quantity" => m.serialize_entry(key, &self.quantity),
            "discount" => m.serialize_entry(key, &self.discount),
            _ => m.serialize_entry(key, &self.tax_percent),
        }
    }
}

impl Serialize for Product<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (key, value) in self.item {
            if PRODUCT_SET_KEYS.contains(&key.as_str()) {
                self.set_value(&mut m, key)?;
            } else {
                m.serialize_entry(key, value)?;
            }
        }
        for key in PRODUCT_SET_KEYS {
            if !self.item.contains_key(key) {
                self.set_value(&mut m, key)?;
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The echo as it was built before (a copy of the map with keys set, then
    /// serialised): the reference the serialiser must match byte for byte.
    fn echo_as_a_map(details: &Map<String, Value>) -> Option<String> {
        let (products, total) = products(details).ok()?;
        let products: Vec<Value> = products
            .iter()
            .map(|p| {
                let mut echoed = p.item.clone();
                echoed.insert("price".into(), json!(p.price));
                echoed.insert(
                    "name".into(),
                    json!(text(p.item, "name").unwrap_or_default()),
                );
                echoed.insert("quantity".into(), json!(p.quantity));
                echoed.insert("discount".into(), json!(p.discount));
                echoed.insert("tax_percent".into(), json!(p.tax_percent));
                Value::Object(echoed)
            })
            .collect();
        let mut echo = details.clone();
        echo.insert("products".into(), Value::Array(products));
        echo.insert("total".into(), json!(total));
        echo.insert("requestAmount".into(), json!(total));
        echo.insert("total_formatted".into(), json!(total));
        echo.insert("debt".into(), json!(0));
        echo.insert("taxAmount".into(), json!(0));
        echo.insert("taxPercent".into(), json!(0));
        echo.insert("request_client_details".into(), json!([]));
        for (key, default) in [
            ("language", "en"),
            ("notes", ""),
            ("timezone", "UTC"),
            ("email_message", ""),
        ] {
            let value = echo.get(key).map_or(default.to_string(), as_text);
            echo.insert(key.into(), json!(value));
        }
        serde_json::to_string(&Value::Object(echo)).ok()
    }

    fn echo_of(details: &Map<String, Value>) -> Option<String> {
        let (products, total) = products(details).ok()?;
        Some(echo_purchase(details, &products, total).get().to_string())
    }

    #[test]
    fn a_typical_purchase_is_echoed_with_its_total() {
        let Value::Object(details) = json!({
            "currency": "EUR",
            "products": [{"name": "A", "price": "20.5", "quantity": "2"}, {"name": "B", "price": 1}],
            "language": 7,
        }) else {
            unreachable!()
        };
        let echo: Value = serde_json::from_str(&echo_of(&details).expect("valid")).expect("json");
        assert_eq!(echo["total"], json!(21.5));
        assert_eq!(echo["products"][0]["price"], json!(20.5));
        assert_eq!(echo["products"][0]["quantity"], json!(2));
        assert_eq!(echo["products"][1]["tax_percent"], "0.00");
        assert_eq!(echo["language"], "7");
        assert_eq!(echo["timezone"], "UTC");
        assert_eq!(echo["debt"], json!(0));
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            "[a-z0-9 .\"\\\\é-]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(2, 6, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec(("[a-z]{1,3}", inner), 0..3)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    fn any_product() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            prop::sample::select(PRODUCT_SET_KEYS.to_vec()).prop_map(str::to_string),
            "[a-z_]{1,6}",
        ];
        let number = prop_oneof![
            (0u32..100_000).prop_map(|n| json!(n)),
            (0.0f64..1e5).prop_map(|f| json!(f)),
            (0u32..1000).prop_map(|n| json!(format!("{n}.5"))),
            any_value(),
        ];
        (
            prop::collection::vec((key, any_value()), 0..5),
            number,
            "[a-zA-Z ]{0,6}",
        )
            .prop_map(|(pairs, price, name)| {
                let mut item: Map<String, Value> = pairs.into_iter().collect();
                item.insert("price".into(), price);
                item.entry("name").or_insert(json!(name));
                Value::Object(item)
            })
    }

    proptest! {
        #[test]
        fn the_echo_is_byte_for_byte_the_map_built_before(
            pairs in prop::collection::vec((
                prop_oneof![
                    prop::sample::select(SET_KEYS.to_vec()).prop_map(str::to_string),
                    "[a-z_]{1,8}",
                ],
                any_value(),
            ), 0..12),
            items in prop::collection::vec(any_product(), 1..4),
        ) {
            let mut details: Map<String, Value> = pairs.into_iter().collect();
            details.insert("products".into(), Value::Array(items));
            prop_assert_eq!(echo_of(&details), echo_as_a_map(&details));
        }
    }
}
