//! The sandbox keeps no whole card number anywhere but where it judges one: a number
//! written into a name, a product, a note or `extraParam` is masked before it is stored,
//! so the answers, the status GET and the webhooks show it masked too; the values the
//! sandbox acts on (URLs, the email, the merchantRef) are left as sent.

use serde_json::json;

use crate::common::Env;

/// What a card number must never appear as, in any spelling a client may have used.
const LEAKS: [&str; 6] = [
    "4444333322221111",
    "3333 2222",
    "3333-2222",
    "5500000000000004",
    "0000 0000 0004",
    "5500 0000",
];

fn assert_masked(what: &str, text: &str) {
    for leak in LEAKS {
        assert!(!text.contains(leak), "{what} holds {leak}: {text}");
    }
}

#[tokio::test]
async fn card_numbers_in_free_text_are_stored_masked() {
    let env = Env::start().await;
    let mut body = env.purchase_body();
    body["client"]["full_name"] = json!("4444 3333 2222 1111");
    body["purchase"]["notes"] = json!("card 4444-3333-2222-1111 please");
    body["purchase"]["products"][0]["name"] = json!("4444333322221111");
    body["extraParam"] = json!({"4444333322221111": ["5500 0000 0000 0004"]});
    let created = env
        .api(reqwest::Method::POST, "/purchases/", Some(&body))
        .await;
    assert_eq!(created.status.as_u16(), 202, "{}", created.text);
    assert_masked("the create answer", &created.text);
    assert!(
        created.text.contains("444433******1111"),
        "{}",
        created.text
    );
    let id = created.json()["purchaseId"]
        .as_str()
        .expect("id")
        .to_string();
    // Values the sandbox acts on are left as sent: an order number that passes Luhn is
    // no card (masked, the merchantRef would collide and the address break).
    let mut kept = env.purchase_body();
    kept["merchantRef"] = json!("1700000000004");
    kept["client"]["email"] = json!("4915112345678@example.com");
    let answer = env
        .api(reqwest::Method::POST, "/purchases/", Some(&kept))
        .await;
    assert_eq!(answer.status.as_u16(), 202, "{}", answer.text);
    assert_eq!(answer.json()["merchantRef"], json!("1700000000004"));
    assert_eq!(
        answer.json()["client"]["email"],
        json!("4915112345678@example.com")
    );
    let mut card = env.card_body("4444333322221111");
    card["cardholder_name"] = json!("5500 0000 0000 0004");
    let paid = env.s2s(&id, &card).await;
    assert_masked("the S2S answer", &paid.text);
    let status = env.status(&id).await.to_string();
    assert_masked("the status GET", &status);
    assert!(status.contains("550000******0004"), "{status}");
}
