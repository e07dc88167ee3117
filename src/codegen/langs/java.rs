//! Java 11+ `java.net.http`, one source file (`java Snippet.java`); the webhook check
//! with `java.security.Signature`.

use crate::codegen::model::{API_KEY_ENV, RequestModel};
use crate::codegen::text::{comments, concatenated, java};
use crate::codegen::verify::VerifyModel;

/// `HttpClient.send` over HTTP/1.1 (a cleartext sandbox answers no h2c upgrade).
pub fn request(m: &RequestModel) -> String {
    let mut out = comments("//", &m.comment_lines());
    out.push_str(
        "import java.net.URI;\n\
         import java.net.http.HttpClient;\n\
         import java.net.http.HttpRequest;\n\
         import java.net.http.HttpResponse;\n\
         \n\
         public class Snippet {\n\
         \x20   public static void main(String[] args) throws Exception {\n",
    );
    out.push_str(&format!("        String url = {};\n", java(&m.url)));
    let publisher = match m.body_text() {
        Some(text) => {
            out.push_str(&format!(
                "        String body = {};\n",
                concatenated(&text, java, "            ")
            ));
            "HttpRequest.BodyPublishers.ofString(body)"
        }
        None => "HttpRequest.BodyPublishers.noBody()",
    };
    out.push_str(&format!(
        "        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))\n\
         \x20           .method({}, {publisher});\n",
        java(&m.method)
    ));
    if m.bearer_key {
        out.push_str(&format!(
            "        builder.header(\"Authorization\", \"Bearer \" + System.getenv({}));\n",
            java(API_KEY_ENV)
        ));
    }
    for (name, value) in &m.headers {
        out.push_str(&format!(
            "        builder.header({}, {});\n",
            java(name),
            java(value)
        ));
    }
    out.push_str(
        "        HttpClient client = HttpClient.newBuilder()\n\
         \x20           .version(HttpClient.Version.HTTP_1_1)\n\
         \x20           .build();\n\
         \x20       HttpResponse<String> response =\n\
         \x20           client.send(builder.build(), HttpResponse.BodyHandlers.ofString());\n\
         \x20       System.out.println(\"HTTP \" + response.statusCode());\n\
         \x20       System.out.println(response.body());\n\
         \x20   }\n\
         }\n",
    );
    out
}

/// `SHA256withRSA` over the signed string, the key read from its PEM.
pub fn verify(v: &VerifyModel) -> String {
    format!(
        "// Verify a Paysecure webhook's paysecure-sign in Java (no library): java VerifyWebhook.java\n\
         {note}\
         import java.nio.charset.StandardCharsets;\n\
         import java.security.KeyFactory;\n\
         import java.security.PublicKey;\n\
         import java.security.Signature;\n\
         import java.security.spec.X509EncodedKeySpec;\n\
         import java.util.Base64;\n\
         \n\
         public class VerifyWebhook {{\n\
         \x20   public static void main(String[] args) {{\n\
         \x20       String purchaseId = {id};\n\
         \x20       String status = {status};\n\
         \x20       String brandId = {brand};\n\
         \x20       String signatureB64 = {sig}; // the paysecure-sign header\n\
         \x20       String publicKeyPem = {pem};\n\
         \n\
         \x20       boolean ok;\n\
         \x20       try {{\n\
         \x20           String base64Key = publicKeyPem\n\
         \x20               .replaceAll(\"-----[A-Z ]+-----\", \"\")\n\
         \x20               .replaceAll(\"\\\\s\", \"\");\n\
         \x20           PublicKey key = KeyFactory.getInstance(\"RSA\")\n\
         \x20               .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64Key)));\n\
         \x20           Signature verifier = Signature.getInstance(\"SHA256withRSA\");\n\
         \x20           verifier.initVerify(key);\n\
         \x20           String message = purchaseId + \"|\" + status + \"|\" + brandId;\n\
         \x20           verifier.update(message.getBytes(StandardCharsets.UTF_8));\n\
         \x20           ok = verifier.verify(Base64.getDecoder().decode(signatureB64));\n\
         \x20       }} catch (Exception e) {{\n\
         \x20           ok = false;\n\
         \x20       }}\n\
         \x20       System.out.println(ok ? \"valid\" : \"invalid\");\n\
         \x20   }}\n\
         }}\n",
        note = comments("//", &v.comment_lines()),
        id = java(&v.purchase_id),
        status = java(&v.status),
        brand = java(&v.brand_id),
        sig = java(&v.signature_b64),
        pem = concatenated(&v.public_key_pem, java, "            "),
    )
}
