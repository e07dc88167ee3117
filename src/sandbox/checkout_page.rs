//! The hosted payment page's HTML (§10.4): a cashier-style card form that works without
//! JavaScript, with stable ids (`cardholder_name`, `card_number`, `expires`, `cvc`, `pay`).

use super::errors::Coded;
use super::pages::{escape, page};
use super::payment_methods::CARD_METHODS;

/// What the hosted page shows.
pub struct CheckoutView<'a> {
    pub purchase_id: &'a str,
    pub merchant: &'a str,
    /// `EUR 20.00`.
    pub amount: String,
    pub merchant_ref: &'a str,
    /// The purchase's `paymentMethod` (comma list).
    pub payment_method: &'a str,
    /// Kept in the form after a refusal (never the card number or CVC).
    pub cardholder_name: &'a str,
    pub expires: &'a str,
    /// The refusal to show above the form.
    pub error: Option<&'a Coded>,
    /// Where "Cancel" leads (`cancel_redirect`, else `failure_redirect`).
    pub cancel_url: Option<&'a str>,
    /// Set once the purchase can no longer be paid: the form is replaced by this link
    /// back to the merchant.
    pub return_url: Option<&'a str>,
}

/// The methods of `payment_method` as badges, card schemes by their names.
fn badges(payment_method: &str) -> String {
    payment_method
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| {
            let name = CARD_METHODS
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(m))
                .map_or(m, |(_, name)| name);
            format!("<span class=\"badge\">{}</span>", escape(name))
        })
        .collect()
}

/// The hosted payment page.
pub fn checkout_page(view: &CheckoutView<'_>) -> String {
    let error = view.error.map_or(String::new(), |e| {
        format!(
            "<div id=\"error\" class=\"alert\" role=\"alert\"><strong id=\"error-message\">{}</strong>\
             <br><small>code <code id=\"error-code\">{}</code>, HTTP {}</small></div>",
            escape(&e.message),
            escape(e.code),
            e.status.as_u16()
        )
    });
    let action = match view.return_url {
        Some(url) => format!(
            "<p>This payment can no longer be completed.</p>\
             <a id=\"return\" class=\"btn primary\" href=\"{}\">Return to the merchant</a>",
            escape(url)
        ),
        None => form(view),
    };
    let body = format!(
        "<div class=\"bar\"><span id=\"merchant\">{merchant}</span>\
         <span class=\"muted\">Secure checkout</span></div>\
         <section class=\"card\"><div class=\"muted\">Order <span id=\"order-ref\">{order}</span></div>\
         <div class=\"amount\" id=\"amount\">{amount}</div>\
         <div class=\"muted\">Pay by card{badges}</div>{error}{action}</section>\
         <p class=\"note\">Paysecure sandbox (paysecure-explorer). Test cards: 4444 3333 2222 1111 \
         (3-D Secure, code 123456), 4079 7225 8931 8630 (frictionless); any future expiry and any \
         CVC. No real card is charged.</p>",
        merchant = escape(view.merchant),
        order = escape(view.merchant_ref),
        amount = escape(&view.amount),
        badges = badges(view.payment_method),
    );
    page(&format!("Pay {} · {}", view.amount, view.merchant), &body)
}

fn form(view: &CheckoutView<'_>) -> String {
    let cancel = view.cancel_url.map_or(String::new(), |url| {
        format!(
            "<a id=\"cancel\" class=\"btn secondary\" href=\"{}\">Cancel and return</a>",
            escape(url)
        )
    });
    format!(
        "<form id=\"checkout\" method=\"post\" action=\"/payments/{id}/\" autocomplete=\"on\">\
         <label for=\"cardholder_name\">Name on card</label>\
         <input id=\"cardholder_name\" name=\"cardholder_name\" autocomplete=\"cc-name\" \
         maxlength=\"256\" value=\"{name}\" required>\
         <label for=\"card_number\">Card number</label>\
         <input id=\"card_number\" name=\"card_number\" inputmode=\"numeric\" \
         autocomplete=\"cc-number\" maxlength=\"23\" placeholder=\"1234 5678 9012 3456\" required>\
         <div class=\"row\"><div><label for=\"expires\">Expiry (MM/YY)</label>\
         <input id=\"expires\" name=\"expires\" inputmode=\"numeric\" autocomplete=\"cc-exp\" \
         maxlength=\"5\" placeholder=\"MM/YY\" value=\"{expires}\" required></div>\
         <div><label for=\"cvc\">CVC</label>\
         <input id=\"cvc\" name=\"cvc\" inputmode=\"numeric\" autocomplete=\"cc-csc\" \
         maxlength=\"4\" placeholder=\"123\" required></div></div>\
         <input type=\"hidden\" name=\"remember_card\" value=\"off\">\
         <button id=\"pay\" class=\"btn primary\" type=\"submit\">Pay {amount}</button>\
         {cancel}</form>",
        id = escape(view.purchase_id),
        name = escape(view.cardholder_name),
        expires = escape(view.expires),
        amount = escape(&view.amount),
    )
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    fn view<'a>(error: Option<&'a Coded>, return_url: Option<&'a str>) -> CheckoutView<'a> {
        CheckoutView {
            purchase_id: "p1",
            merchant: "<Shop>",
            amount: "EUR 20.00".into(),
            merchant_ref: "order\"1",
            payment_method: "VISA,MASTER,<x>",
            cardholder_name: "A \"B\"",
            expires: "12/30",
            error,
            cancel_url: Some("http://h/c?a=1&b=2"),
            return_url,
        }
    }

    #[test]
    fn the_form_has_the_stable_ids_and_no_script() {
        let html = checkout_page(&view(None, None));
        for id in ["cardholder_name", "card_number", "expires", "cvc", "pay"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
        }
        assert!(!html.contains("<script"));
        assert!(html.contains("action=\"/payments/p1/\""));
        assert!(html.contains(">Visa<") && html.contains(">Mastercard<"));
    }

    #[test]
    fn every_server_value_is_escaped() {
        let err = Coded::transaction("Payment Method <VISA> is not Allowed!");
        let html = checkout_page(&view(Some(&err), None));
        assert!(html.contains("&lt;Shop&gt;"));
        assert!(html.contains("order&quot;1"));
        assert!(html.contains("A &quot;B&quot;"));
        assert!(html.contains("&lt;x&gt;"));
        assert!(html.contains("Payment Method &lt;VISA&gt; is not Allowed!"));
        assert!(html.contains("http://h/c?a=1&amp;b=2"));
        assert!(!html.contains("<VISA>") && !html.contains("<Shop>"));
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn a_closed_purchase_offers_the_way_back_instead_of_the_form() {
        let err = Coded::transaction("Invalid card details");
        let html = checkout_page(&view(Some(&err), Some("http://h/fail?purchaseId=p1")));
        assert!(!html.contains("id=\"pay\""));
        assert!(html.contains("id=\"return\""));
    }
}
