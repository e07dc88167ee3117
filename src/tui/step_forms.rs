//! The two step forms: ① the purchase and ② the card & device payload, built from the
//! flow's presets so that sending them as-is works.

use super::form_model::{Field, Form, Kind};
use crate::api::{CreatePurchase, S2sPayment};
use crate::flow::presets::{DevicePreset, fresh_merchant_ref};

/// Fields of a product row, by column.
const PRODUCT_COLUMNS: [(&str, Kind); 3] = [
    ("name", Kind::Required),
    ("quantity", Kind::Integer),
    ("price", Kind::Decimal),
];

/// Step ①: every card-relevant field of `POST /purchases/`.
pub fn purchase_form(p: &CreatePurchase) -> Form {
    let c = &p.client;
    let mut fields = vec![
        Field::new("client.email", "email", Kind::Email, &c.email),
        Field::new("client.full_name", "full name", Kind::Text, &c.full_name),
        Field::new("client.phone", "phone", Kind::Text, &c.phone),
        Field::new(
            "client.street_address",
            "street",
            Kind::Required,
            &c.street_address,
        ),
        Field::new("client.city", "city", Kind::Required, &c.city),
        Field::new("client.zip_code", "zip", Kind::Required, &c.zip_code),
        Field::new("client.country", "country", Kind::Country, &c.country),
        Field::new("client.stateCode", "state code", Kind::Text, &c.state_code),
        Field::new(
            "purchase.currency",
            "currency",
            Kind::Required,
            &p.purchase.currency,
        ),
    ];
    for (i, product) in p.purchase.products.iter().enumerate() {
        fields.extend(product_row(
            i,
            &product.name,
            &product.quantity.to_string(),
            &format!("{:.2}", product.price),
        ));
    }
    fields.extend([
        Field::new("brand_id", "brand_id", Kind::Required, &p.brand_id),
        Field::new(
            "merchantRef",
            "merchantRef",
            Kind::Text,
            p.merchant_ref.clone().unwrap_or_default(),
        ),
        Field::new(
            "paymentMethod",
            "paymentMethod",
            Kind::Text,
            p.payment_method.clone().unwrap_or_default(),
        ),
        // Pre-authorisation (§10.5): a successful payment then ends PREAUTHORIZED and waits
        // for a capture (k) or a cancel (c) on the result screen.
        Field::new(
            "skip_capture",
            "skip_capture",
            Kind::Bool,
            if p.extra
                .get("skip_capture")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
            {
                "true"
            } else {
                "false"
            },
        ),
        Field::new(
            "success_redirect",
            "success_redirect",
            Kind::Url { required: true },
            &p.success_redirect,
        ),
        Field::new(
            "failure_redirect",
            "failure_redirect",
            Kind::Url { required: true },
            &p.failure_redirect,
        ),
        Field::new(
            "pending_redirect",
            "pending_redirect",
            Kind::Url { required: false },
            p.pending_redirect.clone().unwrap_or_default(),
        ),
        Field::new(
            "success_callback",
            "success_callback",
            Kind::Url { required: false },
            p.success_callback.clone().unwrap_or_default(),
        ),
        Field::new(
            "failure_callback",
            "failure_callback",
            Kind::Url { required: false },
            p.failure_callback.clone().unwrap_or_default(),
        ),
    ]);
    Form::new(fields)
}

fn product_row(index: usize, name: &str, quantity: &str, price: &str) -> Vec<Field> {
    let values = [name, quantity, price];
    PRODUCT_COLUMNS
        .iter()
        .zip(values)
        .map(|((column, kind), value)| {
            Field::new(
                format!("purchase.products.{index}.{column}"),
                format!("product {} {column}", index + 1),
                *kind,
                value,
            )
        })
        .collect()
}

/// Number of product rows in the form.
pub fn product_count(form: &Form) -> usize {
    form.fields
        .iter()
        .filter(|f| f.path.starts_with("purchase.products.") && f.path.ends_with(".name"))
        .count()
}

/// Adds a product row after the last one and focuses its name.
pub fn add_product(form: &mut Form) {
    let n = product_count(form);
    let insert_at = form
        .fields
        .iter()
        .rposition(|f| f.path.starts_with("purchase.products."))
        .map_or(form.fields.len(), |i| i + 1);
    let row = product_row(n, &format!("Item {}", n + 1), "1", "1.00");
    form.fields.splice(insert_at..insert_at, row);
    form.focus = insert_at;
}

/// Removes the last product row (one always stays).
pub fn remove_product(form: &mut Form) {
    let n = product_count(form);
    if n <= 1 {
        return;
    }
    let prefix = format!("purchase.products.{}.", n - 1);
    form.fields.retain(|f| !f.path.starts_with(&prefix));
    form.focus = form.focus.min(form.fields.len().saturating_sub(1));
}

/// The purchase total as Paysecure computes it (sum of prices), if every price parses
/// as a finite number and so does the sum (`1e400` parses, as infinity).
pub fn total(form: &Form) -> Option<f64> {
    form.fields
        .iter()
        .filter(|f| f.path.starts_with("purchase.products.") && f.path.ends_with(".price"))
        .map(|f| {
            f.value()
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite())
        })
        .sum::<Option<f64>>()
        .map(|t| (t * 100.0).round() / 100.0)
        .filter(|t| t.is_finite())
}

/// A fresh merchantRef for the next purchase (Paysecure refuses duplicates).
pub fn refresh_merchant_ref(form: &mut Form) {
    form.set("merchantRef", fresh_merchant_ref());
}

/// Step ②: the seed document's 16 fields plus the optional `token_reference`.
pub fn card_form(p: &S2sPayment) -> Form {
    Form::new(vec![
        Field::new(
            "cardholder_name",
            "cardholder_name",
            Kind::Required,
            &p.cardholder_name,
        ),
        Field::new(
            "card_number",
            "card_number",
            Kind::CardNumber,
            &p.card_number,
        ),
        Field::new("expires", "expires", Kind::Expiry, &p.expires),
        Field::new("cvc", "cvc", Kind::Cvc, &p.cvc),
        Field::new(
            "remember_card",
            "remember_card",
            Kind::OnOff,
            &p.remember_card,
        ),
        Field::new("remote_ip", "remote_ip", Kind::Required, &p.remote_ip),
        Field::new("user_agent", "user_agent", Kind::Required, &p.user_agent),
        Field::new(
            "accept_header",
            "accept_header",
            Kind::Required,
            &p.accept_header,
        ),
        Field::new("language", "language", Kind::Text, &p.language),
        Field::new(
            "java_enabled",
            "java_enabled",
            Kind::Bool,
            p.java_enabled.to_string(),
        ),
        Field::new(
            "javascript_enabled",
            "javascript_enabled",
            Kind::Bool,
            p.javascript_enabled.to_string(),
        ),
        Field::new(
            "color_depth",
            "color_depth",
            Kind::Integer,
            p.color_depth.to_string(),
        ),
        Field::new(
            "utc_offset",
            "utc_offset",
            Kind::Integer,
            p.utc_offset.to_string(),
        ),
        Field::new(
            "screen_width",
            "screen_width",
            Kind::Integer,
            p.screen_width.to_string(),
        ),
        Field::new(
            "screen_height",
            "screen_height",
            Kind::Integer,
            p.screen_height.to_string(),
        ),
        Field::new(
            "token_reference",
            "token_reference",
            Kind::Text,
            p.token_reference.clone().unwrap_or_default(),
        ),
    ])
}

/// Copies a device preset's browser fields into the card form.
pub fn apply_device(form: &mut Form, d: &DevicePreset) {
    form.set("user_agent", d.user_agent);
    form.set("accept_header", d.accept_header);
    form.set("language", d.language);
    form.set("java_enabled", d.java_enabled.to_string());
    form.set("javascript_enabled", d.javascript_enabled.to_string());
    form.set("color_depth", d.color_depth.to_string());
    form.set("utc_offset", d.utc_offset.to_string());
    form.set("screen_width", d.screen_width.to_string());
    form.set("screen_height", d.screen_height.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::presets::{MerchantUrls, default_purchase, seed_payment};
    use serde_json::json;

    fn urls() -> MerchantUrls {
        MerchantUrls {
            success_redirect: "http://h/ok".into(),
            failure_redirect: "http://h/fail".into(),
            ..MerchantUrls::default()
        }
    }

    #[test]
    fn default_forms_have_no_warnings_and_round_trip_the_presets() {
        let purchase = default_purchase("brd", &urls());
        let form = purchase_form(&purchase);
        assert_eq!(form.warnings(), vec![]);
        let json = form.to_json();
        assert_eq!(json["client"]["email"], "buyer@example.com");
        assert_eq!(
            json["purchase"]["products"][0],
            json!({"name": "Order 1001", "quantity": 1, "price": 20.0})
        );
        assert_eq!(json["brand_id"], "brd");
        assert!(
            json.get("pending_redirect").is_none(),
            "empty optional URLs are left out"
        );
        let card = card_form(&seed_payment());
        assert_eq!(card.warnings(), vec![]);
        assert_eq!(
            card.to_json(),
            serde_json::to_value(seed_payment()).expect("json")
        );
    }

    #[test]
    fn product_rows_add_remove_and_total() {
        let mut form = purchase_form(&default_purchase("brd", &urls()));
        add_product(&mut form);
        assert_eq!(product_count(&form), 2);
        assert_eq!(total(&form), Some(21.0));
        assert_eq!(
            form.focused().map(|f| f.path.as_str()),
            Some("purchase.products.1.name")
        );
        remove_product(&mut form);
        remove_product(&mut form);
        assert_eq!(product_count(&form), 1, "one row always stays");
        form.set("purchase.products.0.price", "x");
        assert_eq!(total(&form), None);
        // Parses, as infinity: no total is better than "EUR inf".
        form.set("purchase.products.0.price", "1e400");
        assert_eq!(total(&form), None);
    }
}
