//! The current step's JSON body as text for `$EDITOR`, and the edited text read back
//! into the form's fields. The card number and the CVC never go to the file (it is on
//! disk while the editor runs): a placeholder stands for them and keeps them as they are.

use serde_json::Value;

use super::form_model::{Form, Kind};
use super::step_forms;

/// Stands for a secret in the file; read back, it keeps the form's value.
pub const KEPT: &str = "(kept in the form, not written to disk)";

/// Fields whose value never goes to the file.
const SECRET_PATHS: [&str; 2] = ["card_number", "cvc"];

/// The body the form sends, pretty-printed, with the secrets replaced by [`KEPT`].
pub fn editable(form: &Form) -> String {
    let mut body = form.to_json();
    if let Value::Object(map) = &mut body {
        for path in SECRET_PATHS {
            if let Some(v) = map.get_mut(path) {
                *v = Value::String(KEPT.into());
            }
        }
    }
    serde_json::to_string_pretty(&body).unwrap_or_else(|_| "{}".into()) + "\n"
}

/// What reading the edited text back did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// Fields whose value changed.
    pub changed: usize,
    /// Keys of the text that no field of the form sends (left out).
    pub ignored: Vec<String>,
}

/// Reads `text` into `form`: every field takes the value at its path (a missing key
/// empties a text field; a toggle keeps its value), product rows follow the array's
/// length. Text that is not a JSON object changes nothing and says where it is wrong.
pub fn apply(form: &mut Form, text: &str) -> Result<Applied, String> {
    let body: Value = serde_json::from_str(text).map_err(|e| {
        // serde's message ends with its own "at line L column C": said first instead.
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        format!("line {}, column {}: {message}", e.line(), e.column())
    })?;
    if !body.is_object() {
        return Err("the body must be a JSON object ({ … })".into());
    }
    if step_forms::product_count(form) > 0
        && let Some(rows) = body
            .pointer("/purchase/products")
            .and_then(Value::as_array)
            .map(Vec::len)
    {
        let focus = form.focus;
        while step_forms::product_count(form) < rows {
            step_forms::add_product(form);
        }
        while step_forms::product_count(form) > rows.max(1) {
            step_forms::remove_product(form);
        }
        form.focus = focus.min(form.fields.len().saturating_sub(1));
    }
    let mut applied = Applied::default();
    for field in &mut form.fields {
        let pointer = format!("/{}", field.path.replace('.', "/"));
        let found = body.pointer(&pointer);
        // What the field sends already (20.00 is the 20.0 the file holds): left as typed.
        if found == field.json_value().as_ref() {
            continue;
        }
        let new = match (found, field.kind) {
            (Some(Value::String(s)), _) if s == KEPT => continue,
            (None | Some(Value::Null), Kind::Bool | Kind::OnOff) => continue,
            (None | Some(Value::Null), _) => String::new(),
            (Some(Value::String(s)), _) => s.chars().filter(|c| !c.is_control()).collect(),
            (Some(Value::Bool(b)), Kind::OnOff) => if *b { "on" } else { "off" }.to_string(),
            (Some(other), _) => other.to_string(),
        };
        if new != field.value() {
            field.set_value(new);
            applied.changed += 1;
        }
    }
    let known: Vec<&str> = form.fields.iter().map(|f| f.path.as_str()).collect();
    leaves(&body, String::new(), &mut |path| {
        if !known.contains(&path.as_str()) {
            applied.ignored.push(path);
        }
    });
    Ok(applied)
}

/// Calls `found` with the dotted path of every leaf of `value` (arrays by index).
fn leaves(value: &Value, path: String, found: &mut impl FnMut(String)) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                leaves(v, join(k), found);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, join(&i.to_string()), found);
            }
        }
        _ => found(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::presets::seed_payment;

    fn purchase_form() -> Form {
        crate::tui::fixture::app(120, 40).purchase_form
    }

    #[test]
    fn the_file_never_holds_the_card_number_or_the_cvc() {
        let form = step_forms::card_form(&seed_payment());
        let text = editable(&form);
        assert!(!text.contains("4444333322221111"), "{text}");
        assert!(text.contains(KEPT), "{text}");
        let cvc = form
            .get("cvc")
            .map(|f| f.value().to_string())
            .unwrap_or_default();
        assert!(!text.contains(&format!("\"{cvc}\"")), "{text}");
    }

    #[test]
    fn an_unchanged_file_changes_nothing_and_secrets_stay() {
        let mut form = step_forms::card_form(&seed_payment());
        let before = form.clone();
        let text = editable(&form);
        let applied = apply(&mut form, &text).expect("applies");
        assert_eq!(applied, Applied::default());
        assert_eq!(form.to_json(), before.to_json());
    }

    #[test]
    fn edited_values_go_into_their_fields_and_unknown_keys_are_named() {
        let mut form = purchase_form();
        let mut body: Value = serde_json::from_str(&editable(&form)).expect("json");
        body["client"]["email"] = "ed@example.com".into();
        body["skip_capture"] = true.into();
        body["purchase"]["products"]
            .as_array_mut()
            .expect("products")
            .push(serde_json::json!({"name": "Gift wrap", "quantity": 1, "price": 2.5}));
        body["notes"] = "hi".into();
        let applied = apply(&mut form, &body.to_string()).expect("applies");
        assert_eq!(applied.ignored, ["notes"]);
        assert_eq!(
            form.get("client.email").map(|f| f.value()),
            Some("ed@example.com")
        );
        assert_eq!(form.get("skip_capture").map(|f| f.value()), Some("true"));
        assert_eq!(step_forms::product_count(&form), 2);
        assert_eq!(
            form.get("purchase.products.1.name").map(|f| f.value()),
            Some("Gift wrap")
        );
        assert_eq!(form.to_json()["purchase"]["products"][1]["price"], 2.5);
    }

    #[test]
    fn broken_json_changes_nothing_and_says_where() {
        let mut form = purchase_form();
        let before = form.clone();
        let err = apply(&mut form, "{\n  \"client\": {\"email\": }\n}").expect_err("broken");
        assert!(err.starts_with("line 2, column"), "{err}");
        assert_eq!(form, before);
        assert!(apply(&mut form, "[1, 2]").is_err());
    }
}
