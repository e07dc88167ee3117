//! A form is a list of typed text fields. Values stay text while edited (so anything can
//! be typed and sent — watching the server reject bad input is part of learning); each
//! kind knows how to check its text and how to put it into the JSON body.

use serde_json::{Map, Value, json};

use super::text_input::TextInput;
use crate::card;
use crate::clock::{now_epoch, year_month_of};

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text, sent as a string; empty is left out.
    Text,
    /// Required text: a warning when empty.
    Required,
    /// Decimal number.
    Decimal,
    /// Whole number (may be negative).
    Integer,
    /// `true` / `false`, toggled with Space.
    Bool,
    /// `on` / `off` (remember_card), toggled with Space.
    OnOff,
    /// Card number: grouped in fours, brand and Luhn shown.
    CardNumber,
    /// `MM/YY`.
    Expiry,
    /// 3-4 digits, shown as bullets.
    Cvc,
    /// Email address.
    Email,
    /// ISO alpha-2 country.
    Country,
    /// Absolute http(s) URL; optional when `Text`-like emptiness is allowed.
    Url { required: bool },
}

/// One field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Dotted JSON path, e.g. `client.email`; `purchase.products.0.price` for rows.
    pub path: String,
    /// What the user sees.
    pub label: String,
    pub kind: Kind,
    /// The text and its cursor: the text is what the form sends, nothing else is.
    pub input: TextInput,
    /// What a toggle goes back to on Ctrl+U (a toggle never holds a value it cannot show).
    pub default: String,
}

impl Field {
    /// A field.
    pub fn new(
        path: impl Into<String>,
        label: impl Into<String>,
        kind: Kind,
        value: impl Into<String>,
    ) -> Field {
        let value: String = value.into();
        let default = match (kind, value.as_str()) {
            (Kind::Bool, "true" | "false") | (Kind::OnOff, "on" | "off") => value.clone(),
            (Kind::Bool, _) => "false".into(),
            (Kind::OnOff, _) => "off".into(),
            _ => String::new(),
        };
        Field {
            path: path.into(),
            label: label.into(),
            kind,
            input: TextInput::new(value),
            default,
        }
    }

    /// The text (what the form sends).
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set_value(&mut self, value: impl Into<String>) {
        self.input.set(value);
    }

    /// Ctrl+U: text is emptied; a toggle goes back to its default.
    pub fn clear(&mut self) {
        self.input.set(self.default.clone());
    }

    /// Whether Space toggles instead of typing.
    pub fn is_toggle(&self) -> bool {
        matches!(self.kind, Kind::Bool | Kind::OnOff)
    }

    /// Flips a toggle.
    pub fn toggle(&mut self) {
        let flipped = match (self.kind, self.value()) {
            (Kind::Bool, "true") => "false",
            (Kind::Bool, _) => "true",
            (Kind::OnOff, "on") => "off",
            (Kind::OnOff, _) => "on",
            _ => return,
        };
        self.input.set(flipped);
    }

    /// A warning for the current text, or `None` when it looks right. Never blocks.
    pub fn warning(&self) -> Option<String> {
        let v = self.value().trim();
        let now = year_month_of(now_epoch());
        match self.kind {
            Kind::Bool if !matches!(v, "true" | "false") => Some("true or false".into()),
            Kind::OnOff if !matches!(v, "on" | "off") => Some("on or off".into()),
            Kind::Text | Kind::Bool | Kind::OnOff => None,
            Kind::Required if v.is_empty() => Some("required".into()),
            Kind::Required => None,
            Kind::Decimal if v.parse::<f64>().map(f64::is_finite) != Ok(true) => {
                Some("not a number".into())
            }
            Kind::Integer if v.parse::<i64>().is_err() => Some("not a whole number".into()),
            // A product's quantity counts items: the field guide says a whole number ≥ 1.
            Kind::Integer
                if self.path.ends_with(".quantity") && v.parse::<i64>().is_ok_and(|q| q < 1) =>
            {
                Some("whole number ≥ 1".into())
            }
            Kind::Decimal | Kind::Integer => None,
            Kind::CardNumber if v.is_empty() => Some("required".into()),
            Kind::CardNumber if !v.bytes().all(|b| b.is_ascii_digit()) => {
                Some("digits only".into())
            }
            Kind::CardNumber if !(10..=20).contains(&v.len()) => Some("10-20 digits".into()),
            Kind::CardNumber if !card::luhn_ok(v) => Some("fails Luhn".into()),
            Kind::CardNumber => None,
            Kind::Expiry if card::parse_expiry(v).is_none() => Some("MM/YY".into()),
            Kind::Expiry if !card::expiry_is_valid(v, now) => Some("not in the future".into()),
            Kind::Expiry => None,
            Kind::Cvc if !card::cvc_is_valid(v) => Some("3-4 digits".into()),
            Kind::Cvc => None,
            Kind::Email if !crate::paysecure::field_rules::is_email(v) => {
                Some("not an email".into())
            }
            Kind::Email => None,
            Kind::Country if !crate::paysecure::field_rules::is_country(v) => {
                Some("ISO alpha-2, upper case".into())
            }
            Kind::Country => None,
            Kind::Url { required } if v.is_empty() => required.then(|| "required".into()),
            Kind::Url { .. } => {
                let ok = reqwest::Url::parse(v)
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
                (!ok).then(|| "not an http(s) URL".into())
            }
        }
    }

    /// The JSON value to send, or `None` to leave the field out. Text that does not parse
    /// as the kind's type is sent as text, so the server's own check can be seen.
    pub fn json_value(&self) -> Option<Value> {
        let v = self.value().trim();
        match self.kind {
            Kind::Text | Kind::Url { required: false } if v.is_empty() => None,
            Kind::Decimal => Some(
                v.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map_or_else(|| json!(v), |f| json!(f)),
            ),
            Kind::Integer => Some(v.parse::<i64>().map_or_else(|_| json!(v), |i| json!(i))),
            Kind::Bool => Some(json!(v == "true")),
            _ => Some(json!(v)),
        }
    }

    /// Text for display: the CVC hidden, the card grouped in fours.
    pub fn display(&self) -> String {
        match self.kind {
            Kind::Cvc => "•".repeat(self.value().chars().count()),
            Kind::CardNumber if self.value().bytes().all(|b| b.is_ascii_digit()) => {
                card::group_in_fours(self.value())
            }
            _ => self.value().to_string(),
        }
    }

    /// A note shown beside the value when it looks right (e.g. `VISA ✓ Luhn`).
    pub fn hint(&self) -> Option<String> {
        match self.kind {
            Kind::CardNumber if self.warning().is_none() => {
                Some(format!("{} ✓ Luhn", card::brand(self.value().trim())))
            }
            Kind::Expiry | Kind::Cvc if self.warning().is_none() => Some("✓".into()),
            _ => None,
        }
    }
}

/// A list of fields with a focused one.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Form {
    /// A form focused on its first field.
    pub fn new(fields: Vec<Field>) -> Form {
        Form { fields, focus: 0 }
    }

    /// The focused field.
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// The focused field, mutably.
    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// Next field (wraps).
    pub fn next(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    /// Previous field (wraps).
    pub fn prev(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    /// The field at `path`.
    pub fn get(&self, path: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.path == path)
    }

    /// Sets the text of the field at `path` (no-op if absent).
    pub fn set(&mut self, path: &str, value: impl Into<String>) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.path == path) {
            f.set_value(value);
        }
    }

    /// `(label, warning)` for every field that looks wrong.
    pub fn warnings(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter_map(|f| f.warning().map(|w| (f.label.clone(), w)))
            .collect()
    }

    /// The JSON body: dotted paths become nested objects; numeric segments become arrays.
    pub fn to_json(&self) -> Value {
        let mut root = Value::Object(Map::new());
        for field in &self.fields {
            if let Some(value) = field.json_value() {
                insert_path(&mut root, &field.path, value);
            }
        }
        root
    }
}

/// Puts `value` at a dotted path, creating objects and arrays on the way.
fn insert_path(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let segments: Vec<&str> = path.split('.').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let next_is_index = segments
            .get(i + 1)
            .is_some_and(|s| s.parse::<usize>().is_ok());
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        node = match seg.parse::<usize>() {
            Ok(index) => {
                let Value::Array(items) = node else { return };
                while items.len() <= index {
                    items.push(Value::Object(Map::new()));
                }
                if last {
                    items[index] = value;
                    return;
                }
                &mut items[index]
            }
            Err(_) => {
                let Value::Object(map) = node else { return };
                if last {
                    map.insert((*seg).to_string(), value);
                    return;
                }
                map.entry((*seg).to_string()).or_insert_with(fresh)
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_build_nested_objects_and_arrays() {
        let form = Form::new(vec![
            Field::new("client.email", "email", Kind::Email, "a@b.co"),
            Field::new("purchase.products.0.name", "name", Kind::Required, "A"),
            Field::new("purchase.products.0.price", "price", Kind::Decimal, "2.5"),
            Field::new("purchase.products.1.price", "price", Kind::Decimal, "abc"),
            Field::new("note", "note", Kind::Text, ""),
        ]);
        assert_eq!(
            form.to_json(),
            json!({"client": {"email": "a@b.co"}, "purchase": {"products": [{"name": "A", "price": 2.5}, {"price": "abc"}]}})
        );
    }

    #[test]
    fn warnings_never_block_but_are_listed() {
        let mut f = Field::new(
            "card_number",
            "card_number",
            Kind::CardNumber,
            "4444333322221111",
        );
        assert_eq!(f.warning(), None);
        assert_eq!(f.hint().as_deref(), Some("VISA ✓ Luhn"));
        assert_eq!(f.display(), "4444 3333 2222 1111");
        f.set_value("4444333322221112");
        assert_eq!(f.warning().as_deref(), Some("fails Luhn"));
        assert_eq!(f.json_value(), Some(json!("4444333322221112")));
        let cvc = Field::new("cvc", "cvc", Kind::Cvc, "12");
        assert_eq!(cvc.display(), "••");
        assert_eq!(cvc.warning().as_deref(), Some("3-4 digits"));
        let e = Field::new("expires", "expires", Kind::Expiry, "01/20");
        assert_eq!(e.warning().as_deref(), Some("not in the future"));
        let n = Field::new("color_depth", "color_depth", Kind::Integer, "24x");
        assert_eq!(n.warning().as_deref(), Some("not a whole number"));
        assert_eq!(n.json_value(), Some(json!("24x")));
        let mut q = Field::new(
            "purchase.products.0.quantity",
            "quantity",
            Kind::Integer,
            "-3",
        );
        assert_eq!(q.warning().as_deref(), Some("whole number ≥ 1"));
        q.set_value("2");
        assert_eq!(q.warning(), None);
        let offset = Field::new("utc_offset", "utc_offset", Kind::Integer, "-120");
        assert_eq!(offset.warning(), None, "only a quantity must be positive");
    }

    #[test]
    fn toggles_flip() {
        let mut b = Field::new("java_enabled", "java_enabled", Kind::Bool, "false");
        b.toggle();
        assert_eq!(b.json_value(), Some(json!(true)));
        let mut o = Field::new("remember_card", "remember_card", Kind::OnOff, "on");
        o.toggle();
        assert_eq!(o.value(), "off");
    }

    #[test]
    fn focus_wraps() {
        let mut form = Form::new(vec![
            Field::new("a", "a", Kind::Text, ""),
            Field::new("b", "b", Kind::Text, ""),
        ]);
        form.prev();
        assert_eq!(form.focus, 1);
        form.next();
        assert_eq!(form.focus, 0);
    }
}
