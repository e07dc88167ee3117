//! Arbitrary JSON values for the sandbox's property tests (the echoes are checked against
//! the code they replaced on values of every type, nested, with text that needs escaping).

use proptest::prelude::*;
use serde_json::{Value, json};

/// Any JSON value: scalars of every type, strings with quotes, backslashes, escapes and
/// non-ASCII letters, arrays and objects two levels deep.
pub fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e9f64..1e9).prop_map(|f| json!(f)),
        "[a-z0-9 @.\"\\\\\u{1b}é-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..3)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}
