//! The HTML the customer's browser sees: the 3DS challenge, merchant landings and errors.
//! Plain forms, no JavaScript, stable element ids (`otp`, `submit`, `cancel`) for tests.

use super::errors::Coded;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#eef1f5;margin:0}\
main{max-width:26rem;margin:3rem auto;background:#fff;border-radius:10px;padding:1.5rem 2rem;\
box-shadow:0 2px 12px #0002}h1{font-size:1.2rem}dt{color:#667;font-size:.8rem}dd{margin:0 0 .6rem}\
input{font-size:1.3rem;letter-spacing:.3rem;width:9rem;padding:.3rem}button{font-size:1rem;\
padding:.4rem 1rem;margin:.8rem .4rem 0 0}.note{color:#667;font-size:.8rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title>\
         <style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

/// What the challenge page shows.
pub struct ChallengeView<'a> {
    pub purchase_id: &'a str,
    pub merchant: &'a str,
    pub amount: String,
    pub masked_pan: &'a str,
    pub card_brand: &'a str,
}

/// The issuer-style OTP challenge. It posts back to its own URL.
pub fn challenge_page(view: &ChallengeView<'_>) -> String {
    let body = format!(
        "<h1>{brand} SecureCode · Sandbox Bank</h1>\
         <p>Confirm this payment with the one-time code sent to your phone.</p>\
         <dl><dt>Merchant</dt><dd id=\"merchant\">{merchant}</dd>\
         <dt>Amount</dt><dd id=\"amount\">{amount}</dd>\
         <dt>Card</dt><dd id=\"card\">{pan}</dd></dl>\
         <form method=\"post\" action=\"/api/v1/payment/{id}/\">\
         <label for=\"otp\">One-time code</label><br>\
         <input id=\"otp\" name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" autofocus>\
         <br><button id=\"submit\" type=\"submit\" name=\"action\" value=\"submit\">Submit</button>\
         <button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button>\
         </form><p class=\"note\">Sandbox: the code is 123456. Any other code, or Cancel, fails \
         the authentication.</p>",
        brand = escape(card_brand_name(view.card_brand)),
        merchant = escape(view.merchant),
        amount = escape(&view.amount),
        pan = escape(view.masked_pan),
        id = escape(view.purchase_id),
    );
    page("3-D Secure challenge", &body)
}

fn card_brand_name(brand: &str) -> &str {
    match brand {
        "VISA" => "Visa",
        "MASTER" => "Mastercard",
        other => other,
    }
}

/// A merchant-stub landing page after the redirect.
pub fn landing_page(kind: &str, purchase_id: Option<&str>) -> String {
    let (title, line) = match kind {
        "success" => ("Payment successful", "Thank you: the payment went through."),
        "failure" => ("Payment failed", "The payment did not go through."),
        _ => ("Payment pending", "The payment is still being processed."),
    };
    let id = purchase_id.map_or(String::new(), |id| {
        format!(
            "<p>Purchase <code id=\"purchase-id\">{}</code></p>",
            escape(id)
        )
    });
    let body = format!(
        "<h1 id=\"result\" data-result=\"{kind}\">{title}</h1><p>{line}</p>{id}\
         <p class=\"note\">paysecure-explorer merchant stub. A redirect carries no \
         trustworthy state: confirm with the webhook or the status GET.</p>",
        kind = escape(kind)
    );
    page(title, &body)
}

/// A coded error as a page.
pub fn error_page(err: &Coded) -> String {
    let body = format!(
        "<h1>Payment page error</h1><p id=\"message\">{}</p><p class=\"note\">code \
         <code id=\"code\">{}</code>, HTTP {}</p>",
        escape(&err.message),
        escape(err.code),
        err.status.as_u16()
    );
    page("Payment page error", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn challenge_page_has_stable_ids_and_no_script() {
        let html = challenge_page(&ChallengeView {
            purchase_id: "abc",
            merchant: "<Shop>",
            amount: "EUR 20.00".into(),
            masked_pan: "444433******1111",
            card_brand: "VISA",
        });
        for id in ["id=\"otp\"", "id=\"submit\"", "id=\"cancel\""] {
            assert!(html.contains(id), "{id} missing");
        }
        assert!(!html.contains("<script"));
        assert!(html.contains("&lt;Shop&gt;"));
    }
}
