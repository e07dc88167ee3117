//! The HTML the customer's browser sees: the 3DS challenge, merchant landings and errors.
//! Plain forms, no JavaScript, stable element ids (`otp`, `submit`, `cancel`) for tests.
//! One stylesheet, phone first: everything fits a 390 px wide screen.

use super::errors::Coded;
use super::purchase::Purchase;

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

/// Shared by every page. Long values (ids, URLs, messages) wrap instead of widening the
/// page, so nothing scrolls sideways on a phone.
const STYLE: &str = "*{box-sizing:border-box}\
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#eef1f6;\
color:#1d2433;line-height:1.45}\
main{max-width:27rem;margin:0 auto;padding:1rem}\
.card{background:#fff;border-radius:14px;box-shadow:0 4px 18px #1d24331a;padding:1.25rem;\
margin-top:.75rem;overflow-wrap:anywhere}\
h1{font-size:1.25rem;margin:.2rem 0 .6rem}\
.bar{display:flex;align-items:center;justify-content:space-between;gap:.5rem;flex-wrap:wrap;\
font-weight:600}\
.amount{font-size:1.8rem;font-weight:700;margin:.2rem 0}\
.muted{color:#5b6475;font-size:.85rem}\
dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem .9rem;margin:.8rem 0}\
dt{color:#5b6475;font-size:.85rem}dd{margin:0;font-weight:600;min-width:0}\
label{display:block;font-size:.85rem;font-weight:600;margin:.9rem 0 .3rem}\
input{width:100%;font-size:1.05rem;padding:.7rem .8rem;border:1px solid #c3cad8;border-radius:8px;\
background:#fff;color:inherit}\
input:focus{outline:2px solid #2f6fed;outline-offset:1px}\
.row{display:flex;gap:.75rem}.row>div{flex:1;min-width:0}\
.btn{display:block;width:100%;font-size:1.05rem;font-weight:600;padding:.85rem;border-radius:10px;\
margin-top:1rem;cursor:pointer;text-align:center;text-decoration:none}\
.primary{background:#2f6fed;color:#fff;border:0}\
.secondary{background:#fff;color:#2f6fed;border:1px solid #c3cad8}\
.alert{border-radius:8px;padding:.7rem .8rem;background:#fdecec;color:#8a1c1c;\
border:1px solid #f0b3b3;margin:.8rem 0}\
.badge{display:inline-block;font-size:.72rem;font-weight:700;padding:.12rem .45rem;\
border:1px solid #c3cad8;border-radius:4px;margin-left:.25rem}\
.note{color:#5b6475;font-size:.8rem;margin-top:1rem}\
code{font-size:.85em}\
.scheme{color:#fff;border-radius:14px 14px 0 0;margin:-1.25rem -1.25rem 1rem;padding:.8rem 1.25rem;\
font-weight:700;display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap}\
.visa{background:#1a1f71}.master{background:#231f20;border-bottom:4px solid #f79e1b}\
.other{background:#3c4556}\
.result{text-align:center}\
.icon{width:3.5rem;height:3.5rem;border-radius:50%;margin:.3rem auto .6rem;display:flex;\
align-items:center;justify-content:center;font-size:2rem;font-weight:700;color:#fff}\
.success .icon{background:#1f9d55}.success{border-top:6px solid #1f9d55}\
.failure .icon{background:#d64545}.failure{border-top:6px solid #d64545}\
.pending .icon{background:#d99a00}.pending{border-top:6px solid #d99a00}\
.result dl{text-align:left}";

/// A whole page around `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
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

/// The card's 3-D Secure programme as the scheme brands it, and the header's class.
pub fn programme(card_brand: &str) -> (&'static str, &'static str) {
    match card_brand {
        "VISA" => ("Visa Secure", "visa"),
        "MASTER" => ("Mastercard Identity Check", "master"),
        _ => ("3-D Secure", "other"),
    }
}

/// `•••• 1111`: the last four digits of a masked card, the way issuers show it.
pub fn last_four(masked_pan: &str) -> String {
    let digits: Vec<char> = masked_pan.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("•••• {tail}")
}

/// The issuer-style OTP challenge. It posts back to its own URL.
pub fn challenge_page(view: &ChallengeView<'_>) -> String {
    let (programme, class) = programme(view.card_brand);
    let body = format!(
        "<section class=\"card\"><div class=\"scheme {class}\"><span id=\"programme\">{programme}</span>\
         <span>Sandbox Bank</span></div>\
         <h1>Confirm your payment</h1>\
         <p class=\"muted\">Enter the one-time code sent to your phone to approve this payment.</p>\
         <dl><dt>Merchant</dt><dd id=\"merchant\">{merchant}</dd>\
         <dt>Amount</dt><dd id=\"amount\">{amount}</dd>\
         <dt>Card</dt><dd id=\"card\">{card}</dd></dl>\
         <form method=\"post\" action=\"/api/v1/payment/{id}/\">\
         <label for=\"otp\">One-time code</label>\
         <input id=\"otp\" name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" \
         maxlength=\"12\" autofocus>\
         <button id=\"submit\" class=\"btn primary\" type=\"submit\" name=\"action\" value=\"submit\">Submit</button>\
         <button id=\"cancel\" class=\"btn secondary\" type=\"submit\" name=\"action\" value=\"cancel\">Cancel payment</button>\
         </form><p class=\"note\">Sandbox: the code is 123456. Any other code, or Cancel, fails \
         the authentication.</p></section>",
        merchant = escape(view.merchant),
        amount = escape(&view.amount),
        card = escape(&last_four(view.masked_pan)),
        id = escape(view.purchase_id),
    );
    page(&format!("{programme} · Sandbox Bank"), &body)
}

/// What the merchant stub knows about the purchase a landing page is for, read from the
/// sandbox's record (what a status GET would return), not from the redirect.
#[derive(Clone)]
pub struct LandingFacts {
    pub merchant: String,
    pub amount: String,
    pub merchant_ref: String,
    pub status: String,
    pub error_msg: String,
}

impl LandingFacts {
    /// The facts of `p`.
    pub fn of(p: &Purchase, merchant: &str) -> LandingFacts {
        LandingFacts {
            merchant: merchant.to_string(),
            amount: format!("{} {:.2}", p.currency, p.total),
            merchant_ref: p.merchant_ref.clone(),
            status: p.status.upper().to_string(),
            error_msg: p.error_msg.clone(),
        }
    }
}

/// The statuses a success page may confirm an order for: the money was taken or held.
const SETTLED_AS_PAID: [&str; 4] = [
    "PAID",
    "PREAUTHORIZED",
    "CAPTURE_IN_PROCESS",
    "PARTIALLY_CAPTURED",
];

/// A merchant-stub landing page after the redirect: success, failure and pending differ
/// in colour, icon and wording at a glance.
pub fn landing_page(kind: &str, purchase_id: Option<&str>, facts: Option<&LandingFacts>) -> String {
    let (title, icon, line) = match kind {
        "success" => (
            "Payment successful",
            "✓",
            "Thank you: your order is confirmed.",
        ),
        "failure" => ("Payment failed", "✕", "The payment did not go through."),
        _ => (
            "Payment pending",
            "…",
            "Your payment is still being processed; we will email you once it settles.",
        ),
    };
    let mut class = match kind {
        "success" | "failure" => kind,
        _ => "pending",
    };
    // The redirect's word is not the purchase's: the page says what the record says.
    let unconfirmed;
    let (title, icon, line) = match facts {
        None => {
            class = "pending";
            unconfirmed = format!(
                "The redirect says \"{}\", but the sandbox has no record of this purchase: \
                 nothing is confirmed.",
                title.to_lowercase()
            );
            ("Payment not confirmed", "?", unconfirmed.as_str())
        }
        Some(f) if kind == "success" && !SETTLED_AS_PAID.contains(&f.status.as_str()) => {
            class = "pending";
            unconfirmed = format!(
                "The redirect says the payment succeeded, but the sandbox's record says {}: \
                 the order is not confirmed.",
                escape(&f.status)
            );
            ("Payment not confirmed", "?", unconfirmed.as_str())
        }
        Some(f) if kind == "failure" && SETTLED_AS_PAID.contains(&f.status.as_str()) => {
            class = "pending";
            unconfirmed = format!(
                "The redirect says the payment failed, but the sandbox's record says {}: the \
                 money was taken or held.",
                escape(&f.status)
            );
            ("Payment result differs", "?", unconfirmed.as_str())
        }
        Some(_) => (title, icon, line),
    };
    let mut rows = String::new();
    if let Some(f) = facts {
        rows.push_str(&format!(
            "<dt>Amount</dt><dd id=\"amount\">{}</dd><dt>Order</dt><dd id=\"order-ref\">{}</dd>",
            escape(&f.amount),
            escape(&f.merchant_ref)
        ));
        if kind == "failure" && !f.error_msg.is_empty() {
            rows.push_str(&format!(
                "<dt>Reason</dt><dd id=\"reason\">{}</dd>",
                escape(&f.error_msg)
            ));
        }
        rows.push_str(&format!(
            "<dt>Status</dt><dd><code id=\"status\">{}</code></dd>",
            escape(&f.status)
        ));
    }
    if let Some(id) = purchase_id {
        rows.push_str(&format!(
            "<dt>Purchase</dt><dd><code id=\"purchase-id\">{}</code></dd>",
            escape(id)
        ));
    }
    let merchant = facts.map_or("Merchant", |f| f.merchant.as_str());
    let body = format!(
        "<div class=\"muted\">{merchant}</div>\
         <section class=\"card result {class}\"><div class=\"icon\" aria-hidden=\"true\">{icon}</div>\
         <h1 id=\"result\" data-result=\"{kind}\">{title}</h1><p>{line}</p>\
         <dl>{rows}</dl>\
         <p class=\"note\">paysecure-explorer merchant stub. A redirect carries no \
         trustworthy state: confirm with the webhook or the status GET. {source}</p></section>",
        source = if facts.is_some() {
            "The status above is the sandbox's record, not anything the redirect said."
        } else {
            "The sandbox has no purchase by this id, so no status is shown."
        },
        merchant = escape(merchant),
        kind = escape(kind)
    );
    page(title, &body)
}

/// A coded error as a page.
pub fn error_page(err: &Coded) -> String {
    let body = format!(
        "<section class=\"card\"><h1>Payment page error</h1>\
         <p id=\"message\" class=\"alert\">{}</p><p class=\"note\">code \
         <code id=\"code\">{}</code>, HTTP {}</p></section>",
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

    fn challenge(brand: &str) -> String {
        challenge_page(&ChallengeView {
            purchase_id: "abc",
            merchant: "<Shop>",
            amount: "EUR 20.00".into(),
            masked_pan: "444433******1111",
            card_brand: brand,
        })
    }

    #[test]
    fn challenge_page_has_stable_ids_and_no_script() {
        let html = challenge("VISA");
        for id in ["id=\"otp\"", "id=\"submit\"", "id=\"cancel\""] {
            assert!(html.contains(id), "{id} missing");
        }
        assert!(!html.contains("<script"));
        assert!(html.contains("&lt;Shop&gt;"));
    }

    #[test]
    fn challenge_page_names_the_programme_and_shows_only_the_last_four() {
        assert!(challenge("VISA").contains(">Visa Secure<"));
        assert!(challenge("MASTER").contains(">Mastercard Identity Check<"));
        let html = challenge("VISA");
        assert!(html.contains("•••• 1111"));
        assert!(!html.contains("444433"), "only the last four are shown");
        assert!(html.contains("class=\"btn primary\""));
    }

    #[test]
    fn landing_pages_differ_and_escape_what_the_server_holds() {
        let facts = LandingFacts {
            merchant: "Shop".into(),
            amount: "EUR 20.00".into(),
            merchant_ref: "<order>".into(),
            status: "ERROR".into(),
            error_msg: "Insufficient fund <b>".into(),
        };
        let ok = landing_page("success", Some("p1"), Some(&facts));
        let bad = landing_page("failure", Some("p1"), Some(&facts));
        let wait = landing_page("pending", Some("p1"), Some(&facts));
        // The record says ERROR: a success redirect does not confirm the order.
        assert!(ok.contains("result pending") && ok.contains("Payment not confirmed"));
        assert!(ok.contains("the sandbox's record says ERROR"));
        let paid = LandingFacts {
            status: "PAID".into(),
            ..facts.clone()
        };
        let ok = landing_page("success", Some("p1"), Some(&paid));
        assert!(ok.contains("result success") && ok.contains('✓'));
        assert!(ok.contains("your order is confirmed"));
        let contradicted = landing_page("failure", Some("p1"), Some(&paid));
        assert!(
            contradicted.contains("Payment result differs"),
            "{contradicted}"
        );
        assert!(contradicted.contains("the sandbox's record says PAID"));
        let unknown = landing_page("success", Some("nope"), None);
        assert!(unknown.contains("Payment not confirmed"), "{unknown}");
        assert!(unknown.contains("no record of this purchase"));
        assert!(!unknown.contains("order is confirmed"));
        assert!(!unknown.contains("The status above"));
        assert!(bad.contains("result failure") && bad.contains('✕'));
        assert!(wait.contains("result pending"));
        assert!(bad.contains("Insufficient fund &lt;b&gt;"));
        assert!(!ok.contains("id=\"reason\""), "a reason only on failure");
        for html in [&ok, &bad, &wait] {
            assert!(html.contains("&lt;order&gt;") && html.contains("EUR 20.00"));
            assert!(html.contains("A redirect carries no trustworthy state"));
        }
    }
}
