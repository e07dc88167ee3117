//! Go's `net/http` (`go run main.go`); the webhook check with `crypto/rsa`. The output
//! is gofmt-formatted (tabs, one import per line, sorted), checked by `gofmt -l`.

use crate::codegen::model::{API_KEY_ENV, RequestModel};
use crate::codegen::text::{comments, concatenated, go};
use crate::codegen::verify::VerifyModel;

/// `http.DefaultClient.Do` with a `strings.Reader` body.
pub fn request(m: &RequestModel) -> String {
    let body = m.body_text();
    let mut out = comments("//", &m.comment_lines());
    out.push_str("package main\n\nimport (\n\t\"fmt\"\n\t\"io\"\n\t\"net/http\"\n\t\"os\"\n");
    if body.is_some() {
        out.push_str("\t\"strings\"\n");
    }
    out.push_str(")\n\nfunc main() {\n");
    out.push_str(&format!("\turl := {}\n", go(&m.url)));
    let reader = match &body {
        Some(text) => {
            out.push_str(&format!("\tbody := {}\n", concatenated(text, go, "\t\t")));
            "strings.NewReader(body)"
        }
        None => "nil",
    };
    out.push_str(&format!(
        "\treq, err := http.NewRequest({}, url, {reader})\n\
         \tif err != nil {{\n\
         \t\tfmt.Fprintln(os.Stderr, err)\n\
         \t\tos.Exit(1)\n\
         \t}}\n",
        go(&m.method)
    ));
    if m.bearer_key {
        out.push_str(&format!(
            "\treq.Header.Set(\"Authorization\", \"Bearer \"+os.Getenv({}))\n",
            go(API_KEY_ENV)
        ));
    }
    for (name, value) in &m.headers {
        out.push_str(&format!("\treq.Header.Set({}, {})\n", go(name), go(value)));
    }
    out.push_str(
        "\tresp, err := http.DefaultClient.Do(req)\n\
         \tif err != nil {\n\
         \t\tfmt.Fprintln(os.Stderr, err)\n\
         \t\tos.Exit(1)\n\
         \t}\n\
         \tdefer resp.Body.Close()\n\
         \tdata, err := io.ReadAll(resp.Body)\n\
         \tif err != nil {\n\
         \t\tfmt.Fprintln(os.Stderr, err)\n\
         \t\tos.Exit(1)\n\
         \t}\n\
         \tfmt.Println(\"HTTP\", resp.StatusCode)\n\
         \tfmt.Println(string(data))\n\
         }\n",
    );
    out
}

/// `rsa.VerifyPKCS1v15` over the SHA-256 of the signed string.
pub fn verify(v: &VerifyModel) -> String {
    format!(
        "// Verify a Paysecure webhook's paysecure-sign in Go (standard library): go run main.go\n\
         {note}\
         package main\n\
         \n\
         import (\n\
         \t\"crypto\"\n\
         \t\"crypto/rsa\"\n\
         \t\"crypto/sha256\"\n\
         \t\"crypto/x509\"\n\
         \t\"encoding/base64\"\n\
         \t\"encoding/pem\"\n\
         \t\"fmt\"\n\
         )\n\
         \n\
         func main() {{\n\
         \tpurchaseID := {id}\n\
         \tstatus := {status}\n\
         \tbrandID := {brand}\n\
         \tsignatureB64 := {sig} // the paysecure-sign header\n\
         \tpublicKeyPEM := {pem}\n\
         \n\
         \tif verify(purchaseID+\"|\"+status+\"|\"+brandID, signatureB64, publicKeyPEM) {{\n\
         \t\tfmt.Println(\"valid\")\n\
         \t}} else {{\n\
         \t\tfmt.Println(\"invalid\")\n\
         \t}}\n\
         }}\n\
         \n\
         func verify(message, signatureB64, publicKeyPEM string) bool {{\n\
         \tblock, _ := pem.Decode([]byte(publicKeyPEM))\n\
         \tif block == nil {{\n\
         \t\treturn false\n\
         \t}}\n\
         \tparsed, err := x509.ParsePKIXPublicKey(block.Bytes)\n\
         \tif err != nil {{\n\
         \t\treturn false\n\
         \t}}\n\
         \tkey, ok := parsed.(*rsa.PublicKey)\n\
         \tif !ok {{\n\
         \t\treturn false\n\
         \t}}\n\
         \tsignature, err := base64.StdEncoding.DecodeString(signatureB64)\n\
         \tif err != nil {{\n\
         \t\treturn false\n\
         \t}}\n\
         \tdigest := sha256.Sum256([]byte(message))\n\
         \treturn rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], signature) == nil\n\
         }}\n",
        note = comments("//", &v.comment_lines()),
        id = go(&v.purchase_id),
        status = go(&v.status),
        brand = go(&v.brand_id),
        sig = go(&v.signature_b64),
        pem = concatenated(&v.public_key_pem, go, "\t\t"),
    )
}
