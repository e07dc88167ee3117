//! §10.4: `checkout_url` is served. The hosted page's POST is the S2S call plus the
//! callback, with the customer's IP, User-Agent and Accept taken from the browser request.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{Answer, Env};

const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";
const UA: &str = "Mozilla/5.0 (X11; Linux x86_64) sandbox-test";
/// A Visa 2D success card, typed grouped as people do (the page strips the spaces).
const FRICTIONLESS: &str = "4079 7225 8931 8630";
const CHALLENGE: &str = "4444333322221111";

/// Creates a purchase and returns (id, checkout_url).
async fn checkout(env: &Env, method: Option<&str>) -> (String, String) {
    let mut body = env.purchase_body();
    if let Some(m) = method {
        body["paymentMethod"] = json!(m);
    }
    let a = env.api(Method::POST, "/purchases/", Some(&body)).await;
    let v = a.json();
    (
        v["purchaseId"].as_str().expect("id").to_string(),
        v["checkout_url"]
            .as_str()
            .expect("checkout_url")
            .to_string(),
    )
}

fn card_form(card: &str, expires: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("cardholder_name", "Jane <Doe>")
        .append_pair("card_number", card)
        .append_pair("expires", expires)
        .append_pair("cvc", "123")
        .finish()
}

/// Posts the page's form as a browser does (HTML first in Accept, a User-Agent).
async fn post_as_browser(env: &Env, url: &str, form: &str, accept: &str) -> Answer {
    let resp = env
        .http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", accept)
        .header("user-agent", UA)
        .body(form.to_string())
        .send()
        .await
        .expect("form post");
    Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        text: resp.text().await.expect("body"),
    }
}

async fn get_as_browser(env: &Env, url: &str) -> Answer {
    let resp = env
        .http
        .get(url)
        .header("accept", HTML)
        .send()
        .await
        .expect("get");
    Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        text: resp.text().await.expect("body"),
    }
}

fn far_expiry() -> String {
    "12/49".into()
}

#[tokio::test]
async fn the_hosted_page_is_served_with_its_stable_ids() {
    let env = Env::start().await;
    let (id, url) = checkout(&env, None).await;
    assert!(url.starts_with(&env.sb.origin) && url.ends_with(&format!("/payments/{id}/")));
    let page = get_as_browser(&env, &url).await;
    assert_eq!(page.status, StatusCode::OK);
    for el in ["cardholder_name", "card_number", "expires", "cvc", "pay"] {
        assert!(page.text.contains(&format!("id=\"{el}\"")), "{el}");
    }
    assert!(!page.text.contains("<script"));
    assert!(page.text.contains("EUR"));
    // Opening the page does not change the status: it stays payable by S2S too.
    assert_eq!(env.status_of(&id).await, "CREATED");
    let unknown = format!("{}/payments/000000000000000000000000/", env.sb.origin);
    assert_eq!(get_as_browser(&env, &unknown).await.status, 404);
    env.browser_get(&unknown)
        .await
        .expect_error(404, "transaction_error", "PurchaseId Not found.");
}

#[tokio::test]
async fn a_frictionless_card_redirects_to_success_and_sends_the_webhook() {
    let env = Env::start().await;
    let (id, url) = checkout(&env, None).await;
    let a = post_as_browser(&env, &url, &card_form(FRICTIONLESS, &far_expiry()), HTML).await;
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text);
    assert_eq!(
        a.location(),
        format!("{}?purchaseId={id}", env.sb.merchant_return_url("success"))
    );
    let status = env.status(&id).await;
    assert_eq!(status["status"], "PAID");
    let attempt = &status["transaction_data"]["attempts"][0];
    // The customer's IP is the browser's: here the loopback address.
    assert_eq!(attempt["client_ip"], "127.0.0.1");
    assert_eq!(attempt["extra"]["cardholder_name"], "Jane <Doe>");
    assert_eq!(attempt["extra"]["masked_pan"], "407972******8630");
    let (wh, valid, _) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((wh.as_str(), valid), ("paid", true));
}

#[tokio::test]
async fn a_challenge_card_shows_the_challenge_then_the_otp_pays() {
    let env = Env::start().await;
    let (id, url) = checkout(&env, None).await;
    let a = post_as_browser(&env, &url, &card_form(CHALLENGE, &far_expiry()), HTML).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert!(a.text.contains("id=\"otp\"") && a.text.contains("Visa Secure"));
    assert_eq!(env.status_of(&id).await, "PENDING_EXECUTE");
    let callback = format!("{}/api/v1/payment/{id}/", env.sb.origin);
    let done = env
        .browser_form(&callback, "otp=123456&action=submit")
        .await;
    assert_eq!(done.status, StatusCode::FOUND);
    assert!(
        done.location()
            .starts_with(&env.sb.merchant_return_url("success"))
    );
    assert_eq!(env.status_of(&id).await, "PAID");
}

#[tokio::test]
async fn refusals_are_shown_on_the_page_escaped_or_as_coded_json() {
    let env = Env::start().await;
    let (id, url) = checkout(&env, None).await;
    let a = post_as_browser(
        &env,
        &url,
        &card_form("4444333322221112", &far_expiry()),
        HTML,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text.contains("Invalid card Number (Luhn algo)"));
    assert!(a.text.contains("transaction_error"));
    assert!(a.text.contains("id=\"pay\""), "the form stays for a retry");
    assert!(
        a.text.contains("Jane &lt;Doe&gt;"),
        "the name is kept, escaped"
    );
    assert!(
        !a.text.contains("4444333322221112"),
        "the card number is not echoed"
    );
    // A client that prefers JSON gets the coded error, as on every browser path.
    post_as_browser(
        &env,
        &url,
        &card_form("4444333322221112", &far_expiry()),
        "application/json",
    )
    .await
    .expect_error(400, "transaction_error", "Invalid card Number (Luhn algo)");
    // No User-Agent from the browser: the S2S check on the field says so.
    env.browser_form(&url, &card_form(CHALLENGE, &far_expiry()))
        .await
        .expect_error(400, "Invalid_Parameter", "user_agent cannot be null");
    assert_eq!(env.status_of(&id).await, "CREATED");
}

#[tokio::test]
async fn the_method_check_and_a_fatal_refusal_on_the_page() {
    let env = Env::start().await;
    let (_, url) = checkout(&env, Some("BANKTRANSFER")).await;
    let a = post_as_browser(&env, &url, &card_form(CHALLENGE, &far_expiry()), HTML).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text.contains("Payment Method VISA is not Allowed!"));

    let (id, url) = checkout(&env, None).await;
    let a = post_as_browser(&env, &url, &card_form(CHALLENGE, "13/99"), HTML).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(env.status_of(&id).await, "ERROR");
    assert!(
        !a.text.contains("id=\"pay\""),
        "no form for a purchase that cannot be paid"
    );
    assert!(a.text.contains("id=\"return\""));
    assert!(a.text.contains(&format!("purchaseId={id}")));
    // The page itself now refuses, as the callback does.
    assert_eq!(get_as_browser(&env, &url).await.status, 400);
}

#[tokio::test]
async fn in_2d_mode_the_page_redirects_at_once() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    let (id, url) = checkout(&env, None).await;
    let a = post_as_browser(&env, &url, &card_form(CHALLENGE, &far_expiry()), HTML).await;
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text);
    assert!(
        a.location()
            .starts_with(&env.sb.merchant_return_url("success"))
    );
    assert_eq!(env.status_of(&id).await, "PAID");
}
