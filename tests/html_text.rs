//! The explorer's HTML-as-text reading of the sandbox's real challenge page. Here, not
//! beside the converter: the explorer (`tui`) must not name the sandbox, a test may.

use paysecure_explorer::tui::detail::html::{Kind, readable};

#[test]
fn the_sandbox_challenge_page_reads_as_text_and_fields() {
    let page = paysecure_explorer::sandbox::pages::challenge_page(
        &paysecure_explorer::sandbox::pages::ChallengeView {
            purchase_id: "64bfdb7df63e36669499e82f",
            merchant: "Sandbox Shop & Co",
            amount: "EUR 20.00".into(),
            masked_pan: "444433******1111",
            card_brand: "VISA",
        },
    );
    let lines = readable(&page);
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        text,
        [
            "Visa Secure · Sandbox Bank",
            "Visa Secure Sandbox Bank",
            "Confirm your payment",
            "Enter the one-time code sent to your phone to approve this payment.",
            "Merchant: Sandbox Shop & Co",
            "Amount: EUR 20.00",
            "Card: •••• 1111",
            "[form POST /api/v1/payment/64bfdb7df63e36669499e82f/]",
            "One-time code [input otp] [button Submit] [button Cancel payment]",
            "Sandbox: the code is 123456. Any other code, or Cancel, fails the authentication.",
        ]
    );
    assert_eq!(lines[0].kind, Kind::Heading);
    assert_eq!(lines[2].kind, Kind::Heading);
    assert!(!text.iter().any(|t| t.contains("box-sizing")), "no style");
}
