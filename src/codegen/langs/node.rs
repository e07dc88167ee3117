//! Node.js 18+ with the built-in `fetch`; the webhook check with the built-in `crypto`.

use crate::codegen::model::{API_KEY_ENV, Body, RequestModel};
use crate::codegen::text::{comments, json, printable_json};
use crate::codegen::verify::VerifyModel;

/// `fetch(…)` in an async function; a JSON body is a JavaScript object literal (JSON is
/// JavaScript) sent through `JSON.stringify`.
pub fn request(m: &RequestModel) -> String {
    let mut out = String::new();
    out.push_str(&comments("//", &m.comment_lines()));
    out.push_str(&format!("const url = {};\n", json(&m.url)));
    out.push_str("const headers = {\n");
    if m.bearer_key {
        out.push_str(&format!(
            "  Authorization: \"Bearer \" + (process.env.{API_KEY_ENV} ?? \"\"),\n"
        ));
    }
    for (name, value) in &m.headers {
        out.push_str(&format!("  {}: {},\n", json(name), json(value)));
    }
    out.push_str("};\n");
    let body_option = match &m.body {
        Some(Body::Json(value)) => {
            let pretty = printable_json(serde_json::to_string_pretty(value).unwrap_or_default());
            out.push_str(&format!("const payload = {pretty};\n"));
            "\n    body: JSON.stringify(payload),"
        }
        Some(Body::Text(text)) => {
            out.push_str(&format!("const body = {};\n", json(text)));
            "\n    body,"
        }
        None => "",
    };
    out.push_str(&format!(
        "\n\
         async function main() {{\n\
         \x20 const response = await fetch(url, {{\n\
         \x20   method: {method},\n\
         \x20   headers,{body_option}\n\
         \x20 }});\n\
         \x20 console.log(`HTTP ${{response.status}}`);\n\
         \x20 console.log(await response.text());\n\
         }}\n\
         \n\
         main().catch((error) => {{\n\
         \x20 console.error(error);\n\
         \x20 process.exit(1);\n\
         }});\n",
        method = json(&m.method),
    ));
    out
}

/// `crypto.verify` with SHA-256 (PKCS#1 v1.5 padding for an RSA key).
pub fn verify(v: &VerifyModel) -> String {
    format!(
        "// Verify a Paysecure webhook's paysecure-sign in Node.js (built-in crypto, no package).\n\
         const crypto = require(\"crypto\");\n\
         \n\
         {note}\
         const purchaseId = {id};\n\
         const status = {status};\n\
         const brandId = {brand};\n\
         const signatureB64 = {sig}; // the paysecure-sign header\n\
         const publicKeyPem = {pem};\n\
         \n\
         let ok = false;\n\
         try {{\n\
         \x20 // An RSA key verifies with PKCS#1 v1.5 padding unless told otherwise.\n\
         \x20 ok = crypto.verify(\n\
         \x20   \"sha256\",\n\
         \x20   Buffer.from(`${{purchaseId}}|${{status}}|${{brandId}}`),\n\
         \x20   publicKeyPem,\n\
         \x20   Buffer.from(signatureB64, \"base64\"),\n\
         \x20 );\n\
         }} catch (e) {{\n\
         \x20 ok = false;\n\
         }}\n\
         console.log(ok ? \"valid\" : \"invalid\");\n",
        note = comments("//", &v.comment_lines()),
        id = json(&v.purchase_id),
        status = json(&v.status),
        brand = json(&v.brand_id),
        sig = json(&v.signature_b64),
        pem = json(&v.public_key_pem),
    )
}
