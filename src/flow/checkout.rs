//! `flow --checkout`: the customer's browser on the hosted payment page (§10.4). Open
//! `checkout_url`, post the card form, then follow the frictionless redirect or answer
//! the challenge with the OTP, as [`super::browser`] does for the S2S flow's callback.

use serde_json::Value;

use super::browser::{self, BrowserResult, challenge_action, land, page_error, resolve};
use super::machine::{Flow, Step};
use super::presets::MerchantUrls;
use super::runner::{FlowPlan, poll_status};
use crate::api::{ApiError, PaysecureClient, S2sOutcome, TransportKind};

/// What posting the hosted page's form led to.
#[derive(Debug, Clone, PartialEq)]
pub enum HostedPage {
    /// Frictionless (or 2D): the redirect was followed.
    Redirected(BrowserResult),
    /// The issuer's challenge page, whose form posts to `form_url`.
    Challenge { form_url: String },
}

/// The hosted page's card form `action` (the form with id `checkout`).
fn checkout_action(html: &str) -> Option<String> {
    let form = html.find("<form id=\"checkout\"")?;
    let rest = &html[form..];
    let start = rest.find("action=\"")? + "action=\"".len();
    let end = rest[start..].find('"')? + start;
    Some(rest[start..end].replace("&amp;", "&"))
}

/// A field of the S2S body as the text a customer would type.
fn typed(payment: &Value, key: &str) -> String {
    match payment.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Opens `checkout_url` and submits the card of `payment` (the S2S body's card fields;
/// the browser fields come from this client's own request, as a browser's would).
pub async fn submit_card(
    client: &PaysecureClient,
    checkout_url: &str,
    payment: &Value,
    urls: &MerchantUrls,
    fetch_landing: bool,
) -> Result<HostedPage, ApiError> {
    let page = client.browser_get(checkout_url).await?;
    let action = match (page.status, checkout_action(&page.body)) {
        (200, Some(action)) => action,
        (status, _) => return Err(page_error(status, &page.body)),
    };
    let form_url = resolve(checkout_url, &action)?;
    let fields = ["cardholder_name", "card_number", "expires", "cvc"];
    let values: Vec<String> = fields.iter().map(|k| typed(payment, k)).collect();
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .zip(&values)
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let remember = typed(payment, "remember_card");
    if !remember.is_empty() {
        pairs.push(("remember_card", &remember));
    }
    let answer = client.browser_post_form(&form_url, &pairs).await?;
    match (answer.status, answer.location.as_deref()) {
        (301..=303 | 307 | 308, Some(loc)) => {
            let location = resolve(&form_url, loc)?;
            Ok(HostedPage::Redirected(
                land(client, location, urls, fetch_landing, false).await,
            ))
        }
        (200, _) => match challenge_action(&answer.body) {
            Some(action) => Ok(HostedPage::Challenge {
                form_url: resolve(&form_url, &action)?,
            }),
            None => Err(page_error(answer.status, &answer.body)),
        },
        (status, _) => Err(page_error(status, &answer.body)),
    }
}

/// The run's step ② and ③ through the hosted page: the flow ends settled (after a status
/// poll), pending at an unanswered challenge, or with the page's coded refusal.
pub async fn pay_on_hosted_page(client: &PaysecureClient, plan: &FlowPlan, flow: &mut Flow) {
    let (Some(id), Some(url)) = (
        flow.purchase_id().map(str::to_string),
        flow.purchase.as_ref().and_then(|p| p.checkout_url.clone()),
    ) else {
        flow.step = Step::Result;
        flow.on_browser(Err(ApiError::Transport {
            kind: TransportKind::NonJson,
            http_status: None,
            detail: "the purchase came back without a checkout_url".into(),
        }));
        return;
    };
    flow.step = Step::Result;
    let done = match submit_card(client, &url, &plan.payment, &plan.urls, plan.fetch_landing).await
    {
        Ok(HostedPage::Redirected(done)) => Ok(done),
        Ok(HostedPage::Challenge { form_url }) => {
            // The challenge form posts to the callback URL: shown as the S2S flow shows it.
            flow.on_s2s(Ok(S2sOutcome::Pending {
                callback_url: form_url.clone(),
                method: "GET".into(),
            }));
            let Some(otp) = &plan.otp else {
                return;
            };
            browser::answer_challenge(client, &form_url, otp, &plan.urls, plan.fetch_landing).await
        }
        Err(e) => Err(e),
    };
    let failed = done.is_err();
    flow.on_browser(done);
    if !failed {
        poll_status(client, &id, flow).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkout_form_action_is_found_and_other_forms_are_not() {
        let html = r#"<form id="checkout" method="post" action="/payments/a&amp;b/">"#;
        assert_eq!(checkout_action(html).as_deref(), Some("/payments/a&b/"));
        let challenge = r#"<form method="post" action="/api/v1/payment/x/">"#;
        assert_eq!(checkout_action(challenge), None);
    }

    #[test]
    fn typed_fields_are_text() {
        let body = serde_json::json!({"card_number": "4444", "cvc": 123, "name": null});
        assert_eq!(typed(&body, "card_number"), "4444");
        assert_eq!(typed(&body, "cvc"), "123");
        assert_eq!(typed(&body, "name"), "");
        assert_eq!(typed(&body, "missing"), "");
    }
}
