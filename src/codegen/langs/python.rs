//! Python 3 with `requests`; the webhook check with `cryptography`.

use serde_json::Value;

use crate::codegen::model::{API_KEY_ENV, Body, RequestModel};
use crate::codegen::text::{comments, json};
use crate::codegen::verify::VerifyModel;

/// `requests.request(…)`, the JSON body as a Python literal sent with `json=`.
pub fn request(m: &RequestModel) -> String {
    let mut out = String::new();
    out.push_str(&comments("#", &m.comment_lines()));
    out.push_str("import os\n\nimport requests\n\n");
    out.push_str(&format!("url = {}\n", json(&m.url)));
    out.push_str("headers = {\n");
    if m.bearer_key {
        out.push_str(&format!(
            "    \"Authorization\": \"Bearer \" + os.environ[{}],\n",
            json(API_KEY_ENV)
        ));
    }
    for (name, value) in &m.headers {
        out.push_str(&format!("    {}: {},\n", json(name), json(value)));
    }
    out.push_str("}\n");
    let body_arg = match &m.body {
        Some(Body::Json(value)) => {
            out.push_str(&format!("payload = {}\n", literal(value, 0)));
            ", json=payload"
        }
        Some(Body::Text(text)) => {
            out.push_str(&format!("data = {}\n", json(text)));
            ", data=data.encode(\"utf-8\")"
        }
        None => "",
    };
    out.push_str(&format!(
        "\nresponse = requests.request({}, url, headers=headers{body_arg}, timeout=30)\n\
         print(\"HTTP\", response.status_code)\n\
         print(response.text)\n",
        json(&m.method)
    ));
    out
}

/// A JSON value as a Python literal (`True`, `None`, dicts and lists), indented.
fn literal(value: &Value, depth: usize) -> String {
    let pad = "    ".repeat(depth + 1);
    let close = "    ".repeat(depth);
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => json(s),
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Array(items) => {
            let inner: String = items
                .iter()
                .map(|v| format!("{pad}{},\n", literal(v, depth + 1)))
                .collect();
            format!("[\n{inner}{close}]")
        }
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Object(map) => {
            let inner: String = map
                .iter()
                .map(|(k, v)| format!("{pad}{}: {},\n", json(k), literal(v, depth + 1)))
                .collect();
            format!("{{\n{inner}{close}}}")
        }
    }
}

/// `cryptography`'s PKCS#1 v1.5 + SHA-256 check.
pub fn verify(v: &VerifyModel) -> String {
    format!(
        "# Verify a Paysecure webhook's paysecure-sign in Python (package `cryptography`:\n\
         # pip install cryptography, or apt install python3-cryptography).\n\
         import base64\n\
         import binascii\n\
         \n\
         from cryptography.exceptions import InvalidSignature\n\
         from cryptography.hazmat.primitives import hashes, serialization\n\
         from cryptography.hazmat.primitives.asymmetric import padding\n\
         \n\
         {note}\
         purchase_id = {id}\n\
         status = {status}\n\
         brand_id = {brand}\n\
         signature_b64 = {sig}  # the paysecure-sign header\n\
         public_key_pem = {pem}\n\
         \n\
         message = f\"{{purchase_id}}|{{status}}|{{brand_id}}\".encode()\n\
         try:\n\
         \x20   key = serialization.load_pem_public_key(public_key_pem.encode())\n\
         \x20   signature = base64.b64decode(signature_b64, validate=True)\n\
         \x20   key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())\n\
         \x20   print(\"valid\")\n\
         except (InvalidSignature, binascii.Error, ValueError):\n\
         \x20   print(\"invalid\")\n",
        note = comments("#", &v.comment_lines()),
        id = json(&v.purchase_id),
        status = json(&v.status),
        brand = json(&v.brand_id),
        sig = json(&v.signature_b64),
        pem = json(&v.public_key_pem),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_becomes_a_python_literal() {
        let v = serde_json::json!({"a": [true, null, 1.5], "b": {}, "c": "x\"y"});
        assert_eq!(
            literal(&v, 0),
            "{\n    \"a\": [\n        True,\n        None,\n        1.5,\n    ],\n    \"b\": {},\n    \"c\": \"x\\\"y\",\n}"
        );
    }
}
