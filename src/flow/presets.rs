//! Ready-made payloads: the default purchase, the seed document's card payload (with a
//! future expiry), device presets and the test-card groups for the picker.

use serde_json::Map;

use crate::api::{Client, CreatePurchase, Product, PurchaseDetails, S2sPayment};
use crate::clock::{now_epoch, now_epoch_millis, year_month_of};
use crate::paysecure::test_cards::{self, CardBehaviour, MAGIC_CARDS, OUTCOME_ROWS};

/// The seed document's example browser (Chrome 51 on Linux).
pub const SEED_USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36";

/// The seed document's example customer IP.
pub const SEED_REMOTE_IP: &str = "157.38.242.7";

/// Redirect and callback URLs of a purchase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MerchantUrls {
    pub success_redirect: String,
    pub failure_redirect: String,
    pub pending_redirect: Option<String>,
    pub success_callback: Option<String>,
    pub failure_callback: Option<String>,
}

/// A fresh, unique merchantRef (Paysecure refuses duplicates). No run of 13 or more
/// digits, so history's card-number scan never mistakes it for a PAN.
pub fn fresh_merchant_ref() -> String {
    let mut random = [0u8; 3];
    let _ = crate::os_random::fill(&mut random);
    let ms = now_epoch_millis();
    format!(
        "order-{}-{:03}-{:02x}{:02x}{:02x}",
        ms / 1000,
        ms % 1000,
        random[0],
        random[1],
        random[2]
    )
}

/// The default purchase: sending it as-is works against the embedded sandbox.
pub fn default_purchase(brand_id: &str, urls: &MerchantUrls) -> CreatePurchase {
    CreatePurchase {
        client: Client {
            email: "buyer@example.com".into(),
            full_name: "Test Buyer".into(),
            phone: "+15555550123".into(),
            street_address: "1 Test St".into(),
            city: "Berlin".into(),
            zip_code: "10115".into(),
            country: "DE".into(),
            state_code: "BE".into(),
            extra: Map::new(),
        },
        purchase: PurchaseDetails {
            currency: "EUR".into(),
            products: vec![Product {
                name: "Order 1001".into(),
                quantity: 1,
                price: 20.0,
                extra: Map::new(),
            }],
            extra: Map::new(),
        },
        brand_id: brand_id.into(),
        merchant_ref: Some(fresh_merchant_ref()),
        payment_method: None,
        success_redirect: urls.success_redirect.clone(),
        failure_redirect: urls.failure_redirect.clone(),
        pending_redirect: urls.pending_redirect.clone(),
        success_callback: urls.success_callback.clone(),
        failure_callback: urls.failure_callback.clone(),
        extra: Map::new(),
    }
}

/// An expiry three years ahead, in `MM/YY`.
pub fn future_expiry() -> String {
    year_month_of(now_epoch()).plus_months(36).as_expiry()
}

/// The seed document's card payload, with a future expiry.
pub fn seed_payment() -> S2sPayment {
    let mut payment = S2sPayment {
        cardholder_name: "dk".into(),
        card_number: test_cards::SEED_CARD.into(),
        expires: future_expiry(),
        cvc: "345".into(),
        remember_card: "on".into(),
        remote_ip: SEED_REMOTE_IP.into(),
        ..S2sPayment::default()
    };
    SEED_DEVICE.apply(&mut payment);
    payment
}

/// A browser profile for the device fields.
#[derive(Debug, Clone, Copy)]
pub struct DevicePreset {
    pub name: &'static str,
    pub user_agent: &'static str,
    pub accept_header: &'static str,
    pub language: &'static str,
    pub java_enabled: bool,
    pub javascript_enabled: bool,
    pub color_depth: i64,
    pub utc_offset: i64,
    pub screen_width: i64,
    pub screen_height: i64,
}

/// The seed document's browser.
pub const SEED_DEVICE: DevicePreset = DevicePreset {
    name: "Seed example (Chrome 51, Linux)",
    user_agent: SEED_USER_AGENT,
    accept_header: "text/html",
    language: "en-US",
    java_enabled: false,
    javascript_enabled: true,
    color_depth: 24,
    utc_offset: 0,
    screen_width: 1920,
    screen_height: 1080,
};

/// Device presets the card form offers.
pub const DEVICE_PRESETS: &[DevicePreset] = &[
    SEED_DEVICE,
    DevicePreset {
        name: "Desktop Chrome (Windows)",
        user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        accept_header: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        language: "en-GB",
        java_enabled: false,
        javascript_enabled: true,
        color_depth: 24,
        utc_offset: -60,
        screen_width: 1920,
        screen_height: 1080,
    },
    DevicePreset {
        name: "Desktop Firefox (macOS)",
        user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0",
        accept_header: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        language: "de-DE",
        java_enabled: false,
        javascript_enabled: true,
        color_depth: 30,
        utc_offset: -60,
        screen_width: 2560,
        screen_height: 1440,
    },
    DevicePreset {
        name: "Mobile Safari (iPhone)",
        user_agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        accept_header: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        language: "en-US",
        java_enabled: false,
        javascript_enabled: true,
        color_depth: 32,
        utc_offset: 300,
        screen_width: 390,
        screen_height: 844,
    },
    DevicePreset {
        name: "Mobile Chrome (Android)",
        user_agent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        accept_header: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        language: "hi-IN",
        java_enabled: false,
        javascript_enabled: true,
        color_depth: 24,
        utc_offset: -330,
        screen_width: 412,
        screen_height: 915,
    },
];

impl DevicePreset {
    /// Copies the preset's browser fields into a payment.
    pub fn apply(&self, payment: &mut S2sPayment) {
        payment.user_agent = self.user_agent.into();
        payment.accept_header = self.accept_header.into();
        payment.language = self.language.into();
        payment.java_enabled = self.java_enabled;
        payment.javascript_enabled = self.javascript_enabled;
        payment.color_depth = self.color_depth;
        payment.utc_offset = self.utc_offset;
        payment.screen_width = self.screen_width;
        payment.screen_height = self.screen_height;
    }
}

/// One entry of the test-card picker.
#[derive(Debug, Clone)]
pub struct TestCard {
    pub number: &'static str,
    pub group: &'static str,
    pub description: String,
}

/// What any success card also shows, by the purchase and payload it is used with
/// (§10.5, §10.8): a rule, so it is said once per card rather than as more cards.
pub const SUCCESS_CARD_NOTE: &str = "with skip_capture it ends PREAUTHORIZED (capture or void it); \
remember_card \"on\" saves it as a token_reference";

/// Every card of the sandbox's §4, §6 and §7 tables, grouped by outcome.
pub fn test_cards() -> Vec<TestCard> {
    let mut cards = vec![TestCard {
        number: test_cards::SEED_CARD,
        group: "Success",
        description: format!(
            "Seed document's example card: Visa 3D, challenge with OTP 123456; {SUCCESS_CARD_NOTE}"
        ),
    }];
    const COLUMNS: [&str; 4] = ["Mastercard 2D", "Mastercard 3D", "Visa 2D", "Visa 3D"];
    for row in OUTCOME_ROWS {
        for (number, column) in row.cards.iter().zip(COLUMNS) {
            cards.push(TestCard {
                number,
                group: row.label,
                description: format!("{column}: {}", row.description),
            });
        }
    }
    for magic in MAGIC_CARDS {
        let (group, detail) = match magic.behaviour {
            CardBehaviour::Rejected { message, kills } => (
                "Synchronous error",
                format!(
                    "400 \"{message}\"{}",
                    if kills { ", purchase → ERROR" } else { "" }
                ),
            ),
            CardBehaviour::Fault(_) => ("Fault (emulator only)", magic.label.to_string()),
            CardBehaviour::Accepted { .. } => ("Success", magic.label.to_string()),
        };
        cards.push(TestCard {
            number: magic.number,
            group,
            description: detail,
        });
    }
    cards
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::expiry_is_valid;

    #[test]
    fn seed_payment_is_valid_now() {
        let p = seed_payment();
        assert!(expiry_is_valid(&p.expires, year_month_of(now_epoch())));
        assert_eq!(p.card_number, "4444333322221111");
    }

    #[test]
    fn picker_lists_every_catalog_card_once() {
        let cards = test_cards();
        assert_eq!(cards.len(), 1 + OUTCOME_ROWS.len() * 4 + MAGIC_CARDS.len());
        let mut numbers: Vec<_> = cards.iter().map(|c| c.number).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), cards.len());
    }

    #[test]
    fn success_cards_say_they_demonstrate_pre_auth_and_saved_cards() {
        for card in test_cards() {
            let pays = matches!(
                test_cards::behaviour_of(card.number),
                Some(CardBehaviour::Accepted {
                    outcome: test_cards::CardOutcome::Success,
                    ..
                })
            );
            let noted = card.description.contains("skip_capture");
            assert_eq!(noted, pays && card.group == "Success", "{card:?}");
        }
    }

    #[test]
    fn merchant_refs_are_fresh() {
        assert_ne!(fresh_merchant_ref(), fresh_merchant_ref());
    }
}
