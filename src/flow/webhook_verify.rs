//! Ready-to-run code that verifies one webhook's `paysecure-sign` the way a merchant would:
//! the openssl CLI, Python (`cryptography`), Node (built-in `crypto`) and PHP
//! (`openssl_verify`). Each prints exactly `valid` or `invalid`. No terminal code here.
//!
//! The values are embedded as literals of each language (escaped for it), so a snippet runs
//! as it is; `tests/webhook_verify.rs` runs every one against a real sandbox delivery.

/// One language's verification code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// `openssl`, `python`, `node` or `php`.
    pub lang: &'static str,
    pub code: String,
}

impl Snippet {
    /// The program that runs the code from a file.
    pub fn interpreter(&self) -> &'static str {
        match self.lang {
            "python" => "python3",
            "node" => "node",
            "php" => "php",
            _ => "sh",
        }
    }

    /// A file extension for the code.
    pub fn extension(&self) -> &'static str {
        match self.lang {
            "python" => "py",
            "node" => "js",
            "php" => "php",
            _ => "sh",
        }
    }
}

/// The string Paysecure signs, re-exported here because the snippets are built around it.
pub use crate::paysecure::webhook_signature::signed_string;

/// The comment every snippet carries (in its own comment syntax): the one detail that makes
/// a correct-looking verification fail.
const STATUS_NOTE: [&str; 3] = [
    "STATUS must be UPPER case (PAID, ERROR, EXPIRED): the webhook body's \"status\" is lower",
    "case (\"paid\"), but the signature covers {purchaseId}|{STATUS}|{brandId} with it upper-cased.",
    "Upper-case the body's status before verifying; \"paid\" as it is never verifies.",
];

/// Verification code in each language for these values. `status` is embedded as given,
/// as a merchant's code holds it after upper-casing: pass the upper-case STATUS.
pub fn snippets(
    purchase_id: &str,
    status: &str,
    brand_id: &str,
    signature_b64: &str,
    public_key_pem: &str,
) -> Vec<Snippet> {
    let v = Values {
        purchase_id,
        status,
        brand_id,
        signature_b64,
        public_key_pem,
    };
    vec![
        Snippet {
            lang: "openssl",
            code: openssl(&v),
        },
        Snippet {
            lang: "python",
            code: python(&v),
        },
        Snippet {
            lang: "node",
            code: node(&v),
        },
        Snippet {
            lang: "php",
            code: php(&v),
        },
    ]
}

struct Values<'a> {
    purchase_id: &'a str,
    status: &'a str,
    brand_id: &'a str,
    signature_b64: &'a str,
    public_key_pem: &'a str,
}

fn note(prefix: &str) -> String {
    STATUS_NOTE
        .iter()
        .map(|l| format!("{prefix} {l}\n"))
        .collect()
}

/// A POSIX shell single-quoted literal: nothing inside is special but `'` itself.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A double-quoted literal valid in Python and JavaScript alike (JSON's escapes are a
/// subset of both).
fn json_quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A PHP single-quoted literal: only `\` and `'` are special.
fn php_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', r"\\").replace('\'', r"\'"))
}

fn openssl(v: &Values) -> String {
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
        note = note("#"),
        id = sh_quote(v.purchase_id),
        status = sh_quote(v.status),
        brand = sh_quote(v.brand_id),
        sig = sh_quote(v.signature_b64),
        pem = sh_quote(v.public_key_pem.trim_end()),
    )
}

fn python(v: &Values) -> String {
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
         key = serialization.load_pem_public_key(public_key_pem.encode())\n\
         try:\n\
         \x20   signature = base64.b64decode(signature_b64, validate=True)\n\
         \x20   key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())\n\
         \x20   print(\"valid\")\n\
         except (InvalidSignature, binascii.Error, ValueError):\n\
         \x20   print(\"invalid\")\n",
        note = note("#"),
        id = json_quote(v.purchase_id),
        status = json_quote(v.status),
        brand = json_quote(v.brand_id),
        sig = json_quote(v.signature_b64),
        pem = json_quote(v.public_key_pem),
    )
}

fn node(v: &Values) -> String {
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
        note = note("//"),
        id = json_quote(v.purchase_id),
        status = json_quote(v.status),
        brand = json_quote(v.brand_id),
        sig = json_quote(v.signature_b64),
        pem = json_quote(v.public_key_pem),
    )
}

fn php(v: &Values) -> String {
    format!(
        "<?php\n\
         // Verify a Paysecure webhook's paysecure-sign in PHP (the openssl extension).\n\
         {note}\
         $purchaseId = {id};\n\
         $status = {status};\n\
         $brandId = {brand};\n\
         $signatureB64 = {sig}; // the paysecure-sign header\n\
         $publicKeyPem = {pem};\n\
         \n\
         $message = $purchaseId . '|' . $status . '|' . $brandId;\n\
         $signature = base64_decode($signatureB64, true);\n\
         $key = openssl_pkey_get_public($publicKeyPem);\n\
         $ok = $signature !== false && $key !== false\n\
         \x20   && openssl_verify($message, $signature, $key, OPENSSL_ALGO_SHA256) === 1;\n\
         echo $ok ? \"valid\\n\" : \"invalid\\n\";\n",
        note = note("//"),
        id = php_quote(v.purchase_id),
        status = php_quote(v.status),
        brand = php_quote(v.brand_id),
        sig = php_quote(v.signature_b64),
        pem = php_quote(v.public_key_pem),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_snippet_embeds_the_values_and_says_status_is_upper_case() {
        let all = snippets(
            "pid",
            "PAID",
            "brd",
            "c2ln",
            "-----BEGIN PUBLIC KEY-----\nAA\n",
        );
        let langs: Vec<_> = all.iter().map(|s| s.lang).collect();
        assert_eq!(langs, ["openssl", "python", "node", "php"]);
        for s in &all {
            for value in ["pid", "PAID", "brd", "c2ln", "BEGIN PUBLIC KEY"] {
                assert!(s.code.contains(value), "{}: {value}", s.lang);
            }
            assert!(s.code.contains("STATUS must be UPPER case"), "{}", s.lang);
            assert!(
                s.code.contains("valid") && s.code.contains("invalid"),
                "{}",
                s.lang
            );
        }
    }

    #[test]
    fn quotes_cannot_break_out_of_a_literal() {
        assert_eq!(sh_quote("a'b"), r"'a'\''b'");
        assert_eq!(php_quote(r"a'b\"), r"'a\'b\\'");
        assert_eq!(json_quote("a\"b\n"), r#""a\"b\n""#);
    }
}
