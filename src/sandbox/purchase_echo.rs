//! The `purchase` object of a new purchase: its products checked and the total
//! recomputed, then echoed as Paysecure echoes it (§10.1), written straight from the
//! request's map into JSON text.
//!
//! Why it is serialised rather than built: like the `client` echo (`client_echo`), a copy
//! of the request's map with a dozen keys set and every product copied and re-keyed, then
//! serialised, cost a hash, an insert and an allocation per key on every create.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::errors::Coded;
use super::purchase::{as_text, field, has_field, round2, text};
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
    let Some(Value::Array(items)) = field(details, "products") else {
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
        let number = |key: &str| match field(item, key) {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        let price = number("price")
            .filter(|p| p.is_finite())
            .ok_or_else(|| Coded::transaction("Product price is required"))?;
        // A price below zero was given, so "required" would be untrue; the reference has
        // no text for it, and an amount below nothing is below the minimum.
        if price < 0.0 {
            return Err(Coded::transaction(super::create::BELOW_MINIMUM));
        }
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
            tax_percent: field(item, "tax_percent").map_or("0.00".into(), as_text),
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

/// What the echo writes for a key it sets.
#[derive(Clone, Copy)]
enum Set {
    /// The checked products.
    Products,
    /// The recomputed total.
    Total,
    /// The integer 0.
    Zero,
    /// `[]`.
    EmptyList,
    /// The sent value as text (whatever its type), else this default.
    Text(&'static str),
}

/// Keys the echo sets, in the order they are added when the request lacks them.
const SET_KEYS: [(&str, Set); 12] = [
    ("products", Set::Products),
    ("total", Set::Total),
    ("requestAmount", Set::Total),
    // A number in the real captures (§10.1), not the "20.00" text its name suggests.
    ("total_formatted", Set::Total),
    ("debt", Set::Zero),
    ("taxAmount", Set::Zero),
    ("taxPercent", Set::Zero),
    ("request_client_details", Set::EmptyList),
    // Echoed text fields stay strings whatever type was sent; defaults as captured.
    ("language", Set::Text("en")),
    ("notes", Set::Text("")),
    ("timezone", Set::Text("UTC")),
    ("email_message", Set::Text("")),
];

/// Writes `map` as an echo does: its own keys keep their places, with `set`'s value where
/// `set` names the key; the keys `set` names that `map` lacks follow, in `set`'s order.
/// The purchase and each of its products are echoed so.
fn serialize_with_set<S: Serializer, How: Copy>(
    s: S,
    map: &Map<String, Value>,
    set: &[(&str, How)],
    mut write: impl FnMut(&mut S::SerializeMap, &str, How) -> Result<(), S::Error>,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(None)?;
    for (key, value) in map {
        match set.iter().find(|(k, _)| k == key) {
            Some((_, how)) => write(&mut m, key, *how)?,
            None => m.serialize_entry(key, value)?,
        }
    }
    for (key, how) in set {
        if !has_field(map, key) {
            write(&mut m, key, *how)?;
        }
    }
    m.end()
}

struct PurchaseEcho<'a> {
    details: &'a Map<String, Value>,
    products: &'a [Product<'a>],
    total: f64,
}

impl PurchaseEcho<'_> {
    /// Writes `key` as the echo sets it.
    fn set_value<M: SerializeMap>(&self, m: &mut M, key: &str, how: Set) -> Result<(), M::Error> {
        match how {
            Set::Products => m.serialize_entry(key, &Products(self.products)),
            Set::Total => m.serialize_entry(key, &self.total),
            Set::Zero => m.serialize_entry(key, &0),
            Set::EmptyList => m.serialize_entry(key, &[] as &[u8]),
            Set::Text(default) => {
                let text = field(self.details, key).map_or_else(|| default.to_string(), as_text);
                m.serialize_entry(key, &text)
            }
        }
    }
}

impl Serialize for PurchaseEcho<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_with_set(s, self.details, &SET_KEYS, |m, key, how| {
            self.set_value(m, key, how)
        })
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

/// A product field the echo sets.
#[derive(Clone, Copy)]
enum ProductField {
    Price,
    Name,
    Quantity,
    Discount,
    TaxPercent,
}

/// Keys a product's echo sets, in the order they are added when the item lacks them.
const PRODUCT_SET_KEYS: [(&str, ProductField); 5] = [
    ("price", ProductField::Price),
    ("name", ProductField::Name),
    ("quantity", ProductField::Quantity),
    ("discount", ProductField::Discount),
    ("tax_percent", ProductField::TaxPercent),
];

impl Product<'_> {
    fn set_value<M: SerializeMap>(
        &self,
        m: &mut M,
        key: &str,
        field: ProductField,
    ) -> Result<(), M::Error> {
        match field {
            ProductField::Price => m.serialize_entry(key, &self.price),
            ProductField::Name => m.serialize_entry(key, &self.name),
            ProductField::Quantity => m.serialize_entry(key, &self.quantity),
            ProductField::Discount => m.serialize_entry(key, &self.discount),
            ProductField::TaxPercent => m.serialize_entry(key, &self.tax_percent),
        }
    }
}

impl Serialize for Product<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_with_set(s, self.item, &PRODUCT_SET_KEYS, |m, key, field| {
            self.set_value(m, key, field)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::any_json::any_value;
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

    fn any_product() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            prop::sample::select(PRODUCT_SET_KEYS.map(|(k, _)| k).to_vec())
                .prop_map(str::to_string),
            "[a-z_]{1,6}",
        ];
        // Mostly prices the check accepts, so most cases compare two echoes rather
        // than two refusals.
        let number = prop_oneof![
            3 => (0u32..100_000).prop_map(|n| json!(n)),
            3 => (0.0f64..1e5).prop_map(|f| json!(f)),
            3 => (0u32..1000).prop_map(|n| json!(format!(" {n}.5"))),
            1 => any_value(),
        ];
        (
            prop::collection::vec((key, any_value()), 0..5),
            number,
            "[a-zA-Z][a-zA-Z ]{0,5}",
        )
            .prop_map(|(pairs, price, name)| {
                let mut item: Map<String, Value> = pairs.into_iter().collect();
                item.insert("price".into(), price);
                // Where a generated `name` stood, if one did: the key's place is kept.
                item.insert("name".into(), json!(name));
                Value::Object(item)
            })
    }

    proptest! {
        #[test]
        fn the_echo_is_byte_for_byte_the_map_built_before(
            pairs in prop::collection::vec((
                prop_oneof![
                    prop::sample::select(SET_KEYS.map(|(k, _)| k).to_vec()).prop_map(str::to_string),
                    "[a-z_]{1,8}",
                ],
                any_value(),
            ), 0..12),
            items in prop::collection::vec(any_product(), 1..4),
        ) {
            let mut details: Map<String, Value> = pairs.into_iter().collect();
            details.insert("products".into(), Value::Array(items));
            let echo = echo_of(&details);
            // Refused products refuse both ways (`None`): only an echo compares anything.
            prop_assume!(echo.is_some());
            prop_assert_eq!(echo, echo_as_a_map(&details));
        }
    }
}
