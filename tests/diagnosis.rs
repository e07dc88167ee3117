//! Every trigger of the sandbox contract (§4 and §7) fired against the embedded sandbox:
//! the explanation the result screen shows must name the trigger that actually fired,
//! and "still payable" must say what the status GET that follows says.

use std::time::Duration;

use paysecure_explorer::api::{ApiError, ClientConfig, PaysecureClient, PurchaseStatus};
use paysecure_explorer::flow::diagnosis::{self, Payable, SentFacts};
use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::sandbox::{self, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

/// One row: what to change in the seed payment (or the purchase), and what the
/// explanation must contain.
struct Case {
    name: &'static str,
    /// Overrides of the S2S body (`null` removes the field).
    payment: Value,
    /// The purchase's client email.
    email: &'static str,
    /// S2S calls made before the one that is checked (for the attempt limit).
    earlier_attempts: usize,
    /// Pay with the live-type key (the purchase is created with the sandbox-type key).
    live_key: bool,
    /// Text the trigger line, the "in this request" line or the message must contain.
    names: &'static str,
}

fn case(name: &'static str, payment: Value, names: &'static str) -> Case {
    Case {
        name,
        payment,
        email: "buyer@example.com",
        earlier_attempts: 0,
        live_key: false,
        names,
    }
}

fn card(number: &str) -> Value {
    json!({ "card_number": number })
}

fn cases() -> Vec<Case> {
    let mut all = vec![
        case(
            "remote_ip missing",
            json!({"remote_ip": null}),
            "remote_ip cannot be null",
        ),
        case(
            "user_agent missing",
            json!({"user_agent": ""}),
            "user_agent cannot be null",
        ),
        case(
            "accept_header missing",
            json!({"accept_header": null}),
            "accept_header cannot be null",
        ),
        case(
            "remote_ip is the caller",
            json!({"remote_ip": "127.0.0.1"}),
            "remote_ip sent: 127.0.0.1",
        ),
        case("cvc empty", json!({"cvc": ""}), "request sent: cvc"),
        case(
            "remember_card missing",
            json!({"remember_card": null}),
            "examples omit remember_card",
        ),
        case(
            "Luhn fails",
            card("4444333322221112"),
            "Invalid card Number (Luhn algo)",
        ),
        case(
            "expiry in the past",
            json!({"expires": "01/20"}),
            "expires sent: \"01/20\"",
        ),
        case(
            "cvc malformed",
            json!({"cvc": "12"}),
            "Invalid Card Information",
        ),
        case(
            "card in no table",
            card("4111111111111111"),
            "Invalid card details",
        ),
        Case {
            email: "someone@blocked.example",
            ..case(
                "blocked customer",
                json!({}),
                "email someone@blocked.example is at blocked.example",
            )
        },
        Case {
            earlier_attempts: 3,
            ..case(
                "fourth attempt",
                card("4999000000000120"),
                "Allowed Attempt for this Transaction has been consumed",
            )
        },
        Case {
            live_key: true,
            ..case(
                "key types mixed",
                json!({}),
                "Different Type of key used to create purchase and payment",
            )
        },
    ];
    for number in [
        "4999000000000104",
        "4999000000000112",
        "4999000000000120",
        "4999000000000138",
        "4999000000000146",
        "4999000000000153",
        "4999000000000161",
        "4999000000000179",
        "4999000000000187",
        "4999000000000302",
        "4999000000000310",
        "4999000000000344",
    ] {
        all.push(case("magic card", card(number), number));
    }
    all
}

fn client(base_url: &str, key: &str) -> PaysecureClient {
    PaysecureClient::new(ClientConfig {
        base_url: base_url.into(),
        api_key: key.into(),
        timeout: Duration::from_secs(10),
        max_body_bytes: paysecure_explorer::api::client::DEFAULT_MAX_BODY_BYTES,
    })
    .expect("client")
}

fn urls(sb: &SandboxHandle) -> MerchantUrls {
    MerchantUrls {
        success_redirect: sb.merchant_return_url("success"),
        failure_redirect: sb.merchant_return_url("failure"),
        pending_redirect: None,
        success_callback: None,
        failure_callback: None,
    }
}

fn payment(overrides: &Value) -> Value {
    let mut body = serde_json::to_value(seed_payment()).expect("seed");
    body["expires"] = json!("10/39");
    body["remote_ip"] = json!("157.38.242.7");
    if let (Some(body), Some(over)) = (body.as_object_mut(), overrides.as_object()) {
        for (k, v) in over {
            if v.is_null() {
                body.remove(k);
            } else {
                body.insert(k.clone(), v.clone());
            }
        }
    }
    body
}

#[tokio::test]
async fn every_trigger_is_named_and_payable_follows_the_status_get() {
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    // The hang card waits for this long before its 504.
    let settings = reqwest::Client::new()
        .put(format!("{}/settings", sb.control_url))
        .json(&json!({"timeout_s": 1, "attempt_limit": 3}))
        .send()
        .await
        .expect("settings");
    assert!(settings.status().is_success());
    let api = client(&sb.base_url, &sb.api_key);
    let live = client(&sb.base_url, &sb.live_api_key);
    for c in cases() {
        let mut purchase = default_purchase(&sb.brand_id, &urls(&sb));
        purchase.client.email = c.email.into();
        purchase.merchant_ref = None;
        let created = api.create_purchase(&purchase).await.expect("create");
        for _ in 0..c.earlier_attempts {
            let _ = api
                .s2s(&created.id, &payment(&card("4999000000000120")))
                .await;
        }
        let body = payment(&c.payment);
        let payer = if c.live_key { &live } else { &api };
        let err = match payer.s2s(&created.id, &body).await {
            Err(e @ ApiError::Coded { .. }) => e,
            other => panic!(
                "{} ({}): expected a coded error, got {other:?}",
                c.name, c.names
            ),
        };
        let ApiError::Coded { code, message, .. } = &err else {
            unreachable!()
        };
        let status = api.status(&created.id).await.expect("status GET");
        let sent = SentFacts::of(&body);
        let d = diagnosis::diagnose(
            code,
            message,
            diagnosis::Context {
                sent: Some(&sent),
                purchase: Some(&status),
                status: Some(&status.status()),
                checking: false,
                attempts_made: c.earlier_attempts as u32 + 1,
                attempt_limit: diagnosis::DEFAULT_ATTEMPT_LIMIT,
                sandbox: true,
            },
        );
        let shown = format!(
            "{} | {} | {}",
            d.trigger.clone().unwrap_or_default(),
            d.fired.clone().unwrap_or_default(),
            message
        );
        assert!(
            shown.contains(c.names),
            "{}: the explanation does not name {:?}: {shown}",
            c.name,
            c.names
        );
        if c.names.starts_with("4999") {
            assert!(
                d.trigger
                    .as_deref()
                    .is_some_and(|t| t.starts_with("Sandbox trigger: card")),
                "{}: the trigger comes first: {d:?}",
                c.name
            );
        } else {
            assert!(
                d.trigger
                    .as_deref()
                    .is_none_or(|t| !t.contains("card 4999")),
                "{}: no magic card was sent: {d:?}",
                c.name
            );
        }
        let now = status.status();
        match &d.payable {
            Payable::Yes(s, _) | Payable::No(s) => {
                assert_eq!(s, &now, "{}: payable must quote the status GET", c.name)
            }
            Payable::AttemptsUsedUp(_) => {
                assert_eq!(now, PurchaseStatus::Created, "{}", c.name);
                assert_eq!(c.name, "fourth attempt", "only a real attempt limit");
            }
            // Every call on it is refused, whatever the card: no retry can work.
            Payable::CustomerBlocked(s) => {
                assert_eq!(s, &now, "{}: payable must quote the status GET", c.name);
                assert_eq!(c.name, "blocked customer", "only the customer's email");
            }
            other => panic!("{}: {other:?}", c.name),
        }
        assert_eq!(
            d.payable.is_yes(),
            now == PurchaseStatus::Created
                && c.name != "fourth attempt"
                && c.name != "blocked customer",
            "{}: {:?} vs status {now:?}",
            c.name,
            d.payable
        );
    }
    sb.shutdown().await;
}
