//! §5: 202 pending, the customer's browser at the callback URL, redirects, webhooks, 2D mode.

use paysecure_explorer::paysecure::webhook_signature::signed_string;
use paysecure_explorer::sandbox::signing::Verifier;
use reqwest::Method;
use serde_json::json;

use crate::common::Env;

const SEED: &str = "4444333322221111";
const VISA_2D_SUCCESS: &str = "4079722589318630";

#[tokio::test]
async fn accepted_card_gets_202_pending_and_pending_execute() {
    let env = Env::start().await;
    let (id, callback) = env.pending(SEED).await;
    assert_eq!(callback, format!("{}/api/v1/payment/{id}/", env.sb.origin));
    let p = env.status(&id).await;
    assert_eq!(p["status"], "PENDING_EXECUTE");
    let history: Vec<&str> = p["status_history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["status"].as_str().expect("s"))
        .collect();
    assert_eq!(history, ["created", "pending_execute"]);
}

#[tokio::test]
async fn challenge_page_then_otp_pays_and_redirects_to_success() {
    let env = Env::start().await;
    let (id, callback) = env.pending(SEED).await;
    let page = env.browser_get(&callback).await;
    assert_eq!(page.status, 200);
    for needle in [
        "id=\"otp\"",
        "id=\"submit\"",
        "id=\"cancel\"",
        "EUR 20.00",
        "•••• 1111",
        "Visa Secure",
        "<form method=\"post\"",
    ] {
        assert!(page.text.contains(needle), "{needle} missing");
    }
    assert!(!page.text.contains("<script"));
    assert!(!page.text.contains("4444333322221111"));
    assert!(
        !page.text.contains("444433"),
        "an issuer shows the last four only"
    );
    let done = env
        .browser_form(&callback, "otp=123456&action=submit")
        .await;
    assert_eq!(done.status, 302);
    assert_eq!(
        done.location(),
        format!("{}?purchaseId={id}", env.sb.merchant_return_url("success"))
    );
    assert_eq!(env.status_of(&id).await, "PAID");
}

#[tokio::test]
async fn wrong_otp_or_cancel_fails_authentication() {
    let env = Env::start().await;
    for form in ["otp=000000&action=submit", "otp=123456&action=cancel", ""] {
        let (id, callback) = env.pending(SEED).await;
        let done = env.browser_form(&callback, form).await;
        assert_eq!(done.status, 302);
        assert!(
            done.location()
                .starts_with(&env.sb.merchant_return_url("failure"))
        );
        let p = env.status(&id).await;
        assert_eq!(p["status"], "ERROR");
        assert_eq!(p["errorMsg"], "3DS authentication failed");
    }
}

#[tokio::test]
async fn frictionless_card_redirects_at_once() {
    let env = Env::start().await;
    let (id, callback) = env.pending(VISA_2D_SUCCESS).await;
    let a = env.browser_get(&callback).await;
    assert_eq!(a.status, 302);
    assert!(
        a.location()
            .starts_with(&env.sb.merchant_return_url("success"))
    );
    assert_eq!(env.status_of(&id).await, "PAID");
}

#[tokio::test]
async fn callback_for_unpayable_or_unknown_purchase() {
    let env = Env::start().await;
    let id = env.create().await;
    let url = format!("{}/api/v1/payment/{id}/", env.sb.origin);
    env.browser_get(&url).await.expect_error(
        400,
        "transaction_error",
        "Only purchases that can be paid for can be initiated for payment.",
    );
    let url = format!("{}/api/v1/payment/000000000000000000000000/", env.sb.origin);
    env.browser_get(&url)
        .await
        .expect_error(404, "transaction_error", "PurchaseId Not found.");
    // Already decided: a second visit is refused too.
    let (_, callback) = env.pending(VISA_2D_SUCCESS).await;
    assert_eq!(env.browser_get(&callback).await.status, 302);
    assert_eq!(env.browser_get(&callback).await.status, 400);
}

#[tokio::test]
async fn browser_errors_are_html_for_browsers_with_the_same_status() {
    let env = Env::start().await;
    let url = format!("{}/api/v1/payment/000000000000000000000000/", env.sb.origin);
    let resp = env
        .http
        .get(&url)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 404);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/html")
    );
    let html = resp.text().await.expect("body");
    assert!(html.contains("PurchaseId Not found."));
}

#[tokio::test]
async fn redirect_targets_follow_the_status() {
    let env = Env::start().await;
    // Pending outcome → pending_redirect; decline → failure; expired → failure.
    for (card, page) in [
        ("4710793097358785", "pending"),
        ("4125485445527190", "failure"),
        ("4945208335596614", "failure"),
    ] {
        let (_, callback) = env.pending(card).await;
        let a = env.browser_get(&callback).await;
        assert!(
            a.location().starts_with(&env.sb.merchant_return_url(page)),
            "{card}"
        );
    }
    // Without pending_redirect, the pending outcome goes to success_redirect.
    let mut body = env.purchase_body();
    body.as_object_mut().map(|m| m.remove("pending_redirect"));
    let id = env.create_with(body).await;
    let a = env.pay(&id, "4710793097358785").await;
    let callback = a.json()["callback_url"].as_str().expect("cb").to_string();
    assert!(
        env.browser_get(&callback)
            .await
            .location()
            .starts_with(&env.sb.merchant_return_url("success"))
    );
}

#[tokio::test]
async fn final_outcomes_send_signed_webhooks_verifiable_with_the_public_key() {
    let env = Env::start().await;
    let verifier = Verifier::from_pem(&env.sb.public_key_pem).expect("pem");
    let (id, callback) = env.pending(SEED).await;
    env.complete(&callback, "123456").await;
    let (status, valid, body) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!(status, "paid");
    assert!(valid, "merchant stub verified the signature");
    assert_eq!(body["status"], "paid");
    assert_eq!(body["message"]["brandId"], env.sb.brand_id);
    assert_eq!(body["message"]["brand_id"], env.sb.brand_id);
    assert_eq!(body["message"]["purchaseId"], id);
    let deliveries = env.deliveries_for(&id, 1).await;
    let d = &deliveries[0];
    assert_eq!(d["url"], env.sb.merchant_webhook_url());
    assert_eq!(d["response_status"], 200);
    let sig = d["signature"].as_str().expect("signature");
    assert!(verifier.verify(&signed_string(&id, "PAID", &env.sb.brand_id), sig));
    assert!(!verifier.verify(&signed_string(&id, "ERROR", &env.sb.brand_id), sig));
}

#[tokio::test]
async fn declines_go_to_failure_callback_and_moves_to_error_send_error_webhooks() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["success_callback"] = json!(format!("{}?which=success", env.sb.merchant_webhook_url()));
    body["failure_callback"] = json!(format!("{}?which=failure", env.sb.merchant_webhook_url()));
    let id = env.create_with(body.clone()).await;
    let a = env.pay(&id, "4662922293431520").await;
    let cb = a.json()["callback_url"].as_str().expect("cb").to_string();
    env.browser_get(&cb).await;
    let d = env.deliveries_for(&id, 1).await;
    assert_eq!(d[0]["status"], "error");
    assert!(
        d[0]["url"]
            .as_str()
            .expect("url")
            .ends_with("which=failure")
    );
    // A synchronous move to ERROR (bad expiry) sends the error webhook too.
    body["merchantRef"] = json!("order-sync-error");
    let id = env.create_with(body).await;
    let mut card = env.card_body(SEED);
    card["expires"] = json!("01/20");
    env.s2s(&id, &card).await;
    let d = env.deliveries_for(&id, 1).await;
    assert_eq!(d[0]["status"], "error");
    let (status, valid, _) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((status.as_str(), valid), ("error", true));
}

#[tokio::test]
async fn two_d_mode_applies_the_outcome_inside_the_call() {
    let env = Env::start().await;
    env.control(Method::PUT, "/settings", Some(json!({"mode": "2d"})))
        .await;
    let id = env.create().await;
    let a = env.pay(&id, SEED).await;
    assert_eq!(a.status, 202);
    let p = a.json();
    assert_eq!(p["purchaseId"], id);
    assert_eq!(p["status"], "PAID");
    assert_eq!(p["trxType"], "2D");
    assert_eq!(p["callback_url"], "no_need");
    let (status, valid, _) = env.webhook_for(&id).await.expect("webhook");
    assert_eq!((status.as_str(), valid), ("paid", true));
    let id = env.create().await;
    let p = env.pay(&id, "4195258724913240").await.json();
    assert_eq!(p["status"], "ERROR");
    assert_eq!(p["errorMsg"], "Transaction Failed");
}

#[tokio::test]
async fn overdue_pending_purchase_can_still_complete_but_not_restart() {
    let env = Env::start().await;
    let (id, callback) = env.pending(SEED).await;
    let created = env.create().await;
    env.control(
        Method::POST,
        "/clock",
        Some(json!({"advance_minutes": 121})),
    )
    .await;
    assert_eq!(env.status_of(&id).await, "OVERDUE");
    assert_eq!(env.status_of(&created).await, "OVERDUE");
    // OVERDUE after a 202: no new S2S, but the callback completes.
    env.pay(&id, SEED).await.expect_error(
        400,
        "transaction_error",
        "Only purchases that can be paid for can be initiated for payment.",
    );
    let done = env.complete(&callback, "123456").await;
    assert_eq!(done.status, 302);
    assert_eq!(env.status_of(&id).await, "PAID");
    // OVERDUE without a 202 is still payable.
    assert_eq!(env.pay(&created, SEED).await.status, 202);
}

#[tokio::test]
async fn landing_pages_answer_html_or_json() {
    let env = Env::start().await;
    let a = env
        .browser_get(&format!(
            "{}?purchaseId=abc",
            env.sb.merchant_return_url("success")
        ))
        .await;
    assert_eq!(a.json(), json!({"page": "success", "purchaseId": "abc"}));
    let resp = env
        .http
        .get(env.sb.merchant_return_url("failure"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("get");
    let html = resp.text().await.expect("html");
    assert!(html.contains("data-result=\"failure\""));
    let a = env
        .browser_get(&env.sb.merchant_return_url("elsewhere"))
        .await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn merchant_stub_refuses_unsigned_or_forged_webhooks() {
    let env = Env::start().await;
    let body =
        json!({"message": {"purchaseId": "abc", "brandId": env.sb.brand_id}, "status": "paid"});
    for signature in [None, Some("Zm9yZ2Vk")] {
        let mut req = env.http.post(env.sb.merchant_webhook_url()).json(&body);
        if let Some(sig) = signature {
            req = req.header("paysecure-sign", sig);
        }
        let resp = req.send().await.expect("post");
        assert_eq!(resp.status(), 401);
    }
    let (status, valid, _) = env.webhook_for("abc").await.expect("recorded anyway");
    assert_eq!((status.as_str(), valid), ("paid", false));
}
