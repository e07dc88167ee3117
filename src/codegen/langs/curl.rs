//! curl in a POSIX shell; the webhook check with the openssl CLI.

use crate::codegen::model::{API_KEY_ENV, RequestModel};
use crate::codegen::text::{comments, sh};
use crate::codegen::verify::VerifyModel;

/// `curl … -w` printing the body, then `HTTP <status>` on its own line.
pub fn request(m: &RequestModel) -> String {
    let mut args = vec![
        "curl -sS".to_string(),
        format!("-X {}", sh(&m.method)),
        sh(&m.url),
    ];
    if m.bearer_key {
        // Double quotes: the shell expands the variable, so the key never sits in the text.
        args.push(format!("-H \"Authorization: Bearer ${API_KEY_ENV}\""));
    }
    for (name, value) in &m.headers {
        args.push(format!("-H {}", sh(&format!("{name}: {value}"))));
    }
    if let Some(body) = m.body_text() {
        args.push(format!("--data-raw {}", sh(&body)));
    }
    args.push(r"-w '\nHTTP %{http_code}\n'".into());
    format!(
        "#!/bin/sh\n{}{}\n",
        comments("#", &m.comment_lines()),
        args.join(" \\\n  ")
    )
}

/// A `sh` script verifying with `openssl dgst -sha256 -verify`.
pub fn verify(v: &VerifyModel) -> String {
    format!(
        "#!/bin/sh\n\
         # Verify a Paysecure webhook's paysecure-sign with the openssl CLI.\n\
         {note}\
         purchase_id={id}\n\
         status={status}\n\
         brand_id={brand}\n\
         signature={sig}   # the paysecure-sign header\n\
         dir=$(mktemp -d) || exit 2\n\
         trap 'rm -rf \"$dir\"' EXIT\n\
         printf '%s\\n' {pem} > \"$dir/key.pem\"\n\
         printf '%s' \"$signature\" | openssl base64 -d -A > \"$dir/sig.bin\" 2>/dev/null\n\
         if printf '%s|%s|%s' \"$purchase_id\" \"$status\" \"$brand_id\" |\n\
         \x20 openssl dgst -sha256 -verify \"$dir/key.pem\" -signature \"$dir/sig.bin\" >/dev/null 2>&1\n\
         then echo valid\n\
         else echo invalid\n\
         fi\n",
        note = comments("#", &v.comment_lines()),
        id = sh(&v.purchase_id),
        status = sh(&v.status),
        brand = sh(&v.brand_id),
        sig = sh(&v.signature_b64),
        pem = sh(v.public_key_pem.trim_end()),
    )
}
