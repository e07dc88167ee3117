//! C# top-level statements with `HttpClient` (.NET 6+); the webhook check with
//! `RSA.ImportFromPem`. Generated only: no .NET SDK comes from Debian's packages, so the
//! tests check its text, not a compile.

use crate::codegen::model::{API_KEY_ENV, RequestModel};
use crate::codegen::text::{comments, concatenated, csharp};
use crate::codegen::verify::VerifyModel;

/// `HttpClient.SendAsync`; the content type goes on the content, as .NET requires.
pub fn request(m: &RequestModel) -> String {
    let mut out = comments("//", &m.comment_lines());
    out.push_str(
        "using System;\n\
         using System.Net.Http;\n\
         using System.Net.Http.Headers;\n\
         using System.Text;\n\
         \n",
    );
    out.push_str(&format!("var url = {};\n", csharp(&m.url)));
    out.push_str(&format!(
        "using var request = new HttpRequestMessage(new HttpMethod({}), url);\n",
        csharp(&m.method)
    ));
    if m.bearer_key {
        out.push_str(&format!(
            "request.Headers.TryAddWithoutValidation(\"Authorization\", \"Bearer \" + Environment.GetEnvironmentVariable({}));\n",
            csharp(API_KEY_ENV)
        ));
    }
    for (name, value) in m.headers_but_content_type() {
        out.push_str(&format!(
            "request.Headers.TryAddWithoutValidation({}, {});\n",
            csharp(name),
            csharp(value)
        ));
    }
    if let Some(text) = m.body_text() {
        out.push_str(&format!(
            "var body = {};\n",
            concatenated(&text, csharp, "    ")
        ));
        out.push_str("request.Content = new StringContent(body, Encoding.UTF8);\n");
        if let Some(content_type) = m.content_type() {
            out.push_str(&format!(
                "request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse({});\n",
                csharp(content_type)
            ));
        }
    }
    out.push_str(
        "\n\
         using var client = new HttpClient();\n\
         using var response = await client.SendAsync(request);\n\
         Console.WriteLine(\"HTTP \" + (int)response.StatusCode);\n\
         Console.WriteLine(await response.Content.ReadAsStringAsync());\n",
    );
    out
}

/// `RSA.VerifyData` with SHA-256 and PKCS#1 v1.5 padding.
pub fn verify(v: &VerifyModel) -> String {
    format!(
        "// Verify a Paysecure webhook's paysecure-sign in C# (.NET 5+, no package).\n\
         {note}\
         using System;\n\
         using System.Security.Cryptography;\n\
         using System.Text;\n\
         \n\
         var purchaseId = {id};\n\
         var status = {status};\n\
         var brandId = {brand};\n\
         var signatureB64 = {sig}; // the paysecure-sign header\n\
         var publicKeyPem = {pem};\n\
         \n\
         bool ok;\n\
         try\n\
         {{\n\
         \x20   using var rsa = RSA.Create();\n\
         \x20   rsa.ImportFromPem(publicKeyPem);\n\
         \x20   ok = rsa.VerifyData(\n\
         \x20       Encoding.UTF8.GetBytes(purchaseId + \"|\" + status + \"|\" + brandId),\n\
         \x20       Convert.FromBase64String(signatureB64),\n\
         \x20       HashAlgorithmName.SHA256,\n\
         \x20       RSASignaturePadding.Pkcs1);\n\
         }}\n\
         catch (Exception)\n\
         {{\n\
         \x20   ok = false;\n\
         }}\n\
         Console.WriteLine(ok ? \"valid\" : \"invalid\");\n",
        note = comments("//", &v.comment_lines()),
        id = csharp(&v.purchase_id),
        status = csharp(&v.status),
        brand = csharp(&v.brand_id),
        sig = csharp(&v.signature_b64),
        pem = concatenated(&v.public_key_pem, csharp, "    "),
    )
}
