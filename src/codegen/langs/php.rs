//! PHP with the curl extension; the webhook check with `openssl_verify`.

use crate::codegen::model::{API_KEY_ENV, RequestModel};
use crate::codegen::text::{comments, php};
use crate::codegen::verify::VerifyModel;

/// `curl_exec` with the body as a single-quoted string (sent byte for byte).
pub fn request(m: &RequestModel) -> String {
    let mut out = String::from("<?php\n");
    out.push_str(&comments("//", &m.comment_lines()));
    out.push_str(&format!("$url = {};\n", php(&m.url)));
    out.push_str("$headers = [\n");
    if m.bearer_key {
        out.push_str(&format!(
            "    'Authorization: Bearer ' . getenv({}),\n",
            php(API_KEY_ENV)
        ));
    }
    for (name, value) in &m.headers {
        out.push_str(&format!("    {},\n", php(&format!("{name}: {value}"))));
    }
    out.push_str("];\n");
    let body_option = match m.body_text() {
        Some(text) => {
            out.push_str(&format!("$body = {};\n", php(&text)));
            "    CURLOPT_POSTFIELDS => $body,\n"
        }
        None => "",
    };
    out.push_str(&format!(
        "\n\
         $ch = curl_init($url);\n\
         curl_setopt_array($ch, [\n\
         \x20   CURLOPT_CUSTOMREQUEST => {method},\n\
         \x20   CURLOPT_HTTPHEADER => $headers,\n\
         {body_option}\
         \x20   CURLOPT_RETURNTRANSFER => true,\n\
         ]);\n\
         $response = curl_exec($ch);\n\
         if ($response === false) {{\n\
         \x20   fwrite(STDERR, curl_error($ch) . \"\\n\");\n\
         \x20   exit(1);\n\
         }}\n\
         echo 'HTTP ' . curl_getinfo($ch, CURLINFO_RESPONSE_CODE) . \"\\n\";\n\
         echo $response . \"\\n\";\n",
        method = php(&m.method),
    ));
    out
}

/// `openssl_verify` with SHA-256.
pub fn verify(v: &VerifyModel) -> String {
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
        note = comments("//", &v.comment_lines()),
        id = php(&v.purchase_id),
        status = php(&v.status),
        brand = php(&v.brand_id),
        sig = php(&v.signature_b64),
        pem = php(&v.public_key_pem),
    )
}
