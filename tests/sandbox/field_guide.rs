//! The field guide says, for every field with a rule, which error the server answers
//! when the value is wrong. Each entry's bad value is sent here, alone, in the body the
//! explorer's own form builds, and the sandbox's answer must be the guide's words.

use paysecure_explorer::flow::presets::{default_purchase, seed_payment};
use paysecure_explorer::paysecure::field_guide::{FieldGuide, GUIDE};
use paysecure_explorer::tui::step_forms;
use reqwest::Method;
use serde_json::{Value, json};

use super::common::Env;

/// Sets a dotted path (`client.email`, `purchase.products.0.name`) in a JSON body.
fn set_path(body: &mut Value, path: &str, value: &str) {
    let mut at = body;
    for part in path.split('.') {
        at = match part.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[part],
        };
    }
    *at = json!(value);
}

/// The wire name of an entry (`client.email` → `email`) as the error names it.
fn wire_name(g: &FieldGuide) -> &str {
    g.key.rsplit('.').next().unwrap_or(g.key)
}

fn expect(g: &FieldGuide, bad: &str, answer: &super::common::Answer) {
    let Some(error) = g.error else {
        panic!("{}: a bad value but no error", g.key)
    };
    assert_eq!(
        answer.status.as_u16(),
        error.status,
        "{}={bad:?}: {}",
        g.key,
        answer.text
    );
    assert_eq!(
        answer.coded(),
        (error.message_for(wire_name(g), bad), error.code.to_string()),
        "{}={bad:?}",
        g.key
    );
}

/// The purchase form the explorer opens with, as the JSON it sends, for this sandbox.
fn purchase_body(env: &Env) -> Value {
    step_forms::purchase_form(&default_purchase(&env.sb.brand_id, &env.urls())).to_json()
}

/// The card form the explorer opens with, as the JSON it sends.
fn card_body() -> Value {
    step_forms::card_form(&seed_payment()).to_json()
}

/// Whether the entry is a field of `body` (row numbers as row 0).
fn is_in(body: &Value, g: &FieldGuide) -> bool {
    let pointer = format!("/{}", g.key.replace('*', "0").replace('.', "/"));
    body.pointer(&pointer).is_some()
}

#[tokio::test]
async fn every_create_rule_answers_the_guides_error() {
    let env = Env::start().await;
    let mut checked = 0;
    for g in GUIDE.iter().filter(|g| g.bad.is_some()) {
        let bad = g.bad.unwrap_or_default();
        let path = g.key.replace('*', "0");
        if !is_in(&purchase_body(&env), g) {
            continue;
        }
        let mut body = purchase_body(&env);
        set_path(&mut body, &path, bad);
        let answer = env.api(Method::POST, "/purchases/", Some(&body)).await;
        expect(g, bad, &answer);
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} create rules checked");
}

#[tokio::test]
async fn every_s2s_rule_answers_the_guides_error() {
    let env = Env::start().await;
    let mut checked = 0;
    for g in GUIDE.iter().filter(|g| g.bad.is_some()) {
        let bad = g.bad.unwrap_or_default();
        if !is_in(&card_body(), g) {
            continue;
        }
        // A fresh purchase each time: some of these errors end the purchase.
        let id = env.create_with(purchase_body(&env)).await;
        let mut body = card_body();
        set_path(&mut body, g.key, bad);
        // The customer's IP must not be the caller's (127.0.0.1) for the other checks.
        if g.key != "remote_ip" {
            body["remote_ip"] = json!("203.0.113.10");
        }
        let answer = env.s2s(&id, &body).await;
        expect(g, bad, &answer);
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} S2S rules checked");
}

#[tokio::test]
async fn the_refund_and_capture_prompts_rules_answer_the_guides_error() {
    let env = Env::start().await;
    let paid = |skip_capture: bool| {
        let env = &env;
        async move {
            let mut body = purchase_body(env);
            body["skip_capture"] = json!(skip_capture);
            let id = env.create_with(body).await;
            let mut card = card_body();
            card["remote_ip"] = json!("203.0.113.10");
            let a = env.s2s(&id, &card).await;
            let callback = a.json()["callback_url"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            env.complete(&callback, "123456").await;
            id
        }
    };
    let guide = |key: &str| GUIDE.iter().find(|g| g.key == key).expect("entry");
    let id = paid(false).await;
    for (key, body) in [
        ("refund.amount", json!({"amount": 0, "reason": "test"})),
        ("refund.reason", json!({"amount": 1, "reason": ""})),
    ] {
        let g = guide(key);
        let answer = env
            .api(
                Method::POST,
                &format!("/purchases/{id}/refund/"),
                Some(&body),
            )
            .await;
        expect(g, g.bad.unwrap_or_default(), &answer);
    }
    let held = paid(true).await;
    let g = guide("capture.amount");
    let answer = env
        .api(
            Method::POST,
            &format!("/purchases/{held}/capture/"),
            Some(&json!({"amount": 0})),
        )
        .await;
    expect(g, g.bad.unwrap_or_default(), &answer);
}

/// Entries whose rule needs more than one wrong value: a repeated merchantRef, a card
/// whose scheme paymentMethod does not allow, a saved-card payment without its cvc.
#[tokio::test]
async fn the_rules_across_fields_answer_the_guides_error() {
    let env = Env::start().await;
    let guide = |key: &str| GUIDE.iter().find(|g| g.key == key).expect("entry");
    let expect_message = |g: &FieldGuide, value: &str, answer: &super::common::Answer| {
        let error = g.error.expect("error");
        assert_eq!(
            answer.status.as_u16(),
            error.status,
            "{}: {}",
            g.key,
            answer.text
        );
        assert_eq!(
            answer.coded(),
            (
                error.message_for(wire_name(g), value),
                error.code.to_string()
            ),
            "{}",
            g.key
        );
    };
    // merchantRef: the same one twice.
    let mut body = purchase_body(&env);
    body["merchantRef"] = json!("guide-dup-1");
    env.create_with(body.clone()).await;
    let again = env.api(Method::POST, "/purchases/", Some(&body)).await;
    expect_message(guide("merchantRef"), "guide-dup-1", &again);
    // paymentMethod: MASTER only, then the seed's VISA card.
    let mut body = purchase_body(&env);
    body["paymentMethod"] = json!("MASTER");
    let id = env.create_with(body).await;
    let mut card = card_body();
    card["remote_ip"] = json!("203.0.113.10");
    let answer = env.s2s(&id, &card).await;
    expect_message(guide("paymentMethod"), "VISA", &answer);
    // token_reference: a saved-card payment still needs the cvc.
    let id = env.create_with(purchase_body(&env)).await;
    let mut card = card_body();
    card["remote_ip"] = json!("203.0.113.10");
    card["token_reference"] = json!("tok_guide");
    if let Some(o) = card.as_object_mut() {
        o.remove("cvc");
    }
    let answer = env.s2s(&id, &card).await;
    expect_message(guide("token_reference"), "", &answer);
}
