//! Plain-words explanations of every Paysecure error code and message the reference
//! lists: what it means, the likely cause, whether the purchase can still be paid, and
//! what to try next. Both the CLI and the TUI show these.

/// Whether the purchase can still be paid after this error, as the reference says in
/// general; the real answer for one purchase comes from its status
/// (`flow::diagnosis::Payable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogPayable {
    /// Retry the S2S call on the same purchase (within the attempt limit).
    Yes,
    /// The purchase is finished for payment; create a new one.
    No,
    /// It depends on where the error came from (see the text).
    Depends,
}

impl CatalogPayable {
    /// One short line for display.
    pub fn label(self) -> &'static str {
        match self {
            CatalogPayable::Yes => "yes: fix the input and retry on the same purchase",
            CatalogPayable::No => "no: start a new purchase",
            CatalogPayable::Depends => "depends: see below",
        }
    }
}

/// One explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    pub title: &'static str,
    pub meaning: &'static str,
    pub cause: &'static str,
    pub payable: CatalogPayable,
    pub next: &'static str,
}

/// What an entry matches.
#[derive(Debug, Clone, Copy)]
pub enum Matcher {
    /// The message contains this text (compared case-insensitively, spaces folded).
    Message(&'static str),
    /// The code equals this (case-insensitively), whatever the message.
    Code(&'static str),
}

/// A catalog entry.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub matcher: Matcher,
    pub explanation: Explanation,
}

const fn e(
    matcher: Matcher,
    title: &'static str,
    meaning: &'static str,
    cause: &'static str,
    payable: CatalogPayable,
    next: &'static str,
) -> Entry {
    Entry {
        matcher,
        explanation: Explanation {
            title,
            meaning,
            cause,
            payable,
            next,
        },
    }
}

use CatalogPayable::{Depends, No, Yes};
use Matcher::{Code, Message as Msg};

/// Message entries first (most specific), then code entries as the fallback.
pub const ENTRIES: &[Entry] = &[
    // Authentication and transport.
    e(
        Msg("Authorization header missing"),
        "No API key sent",
        "The call had no `Authorization: Bearer <key>` header, or the `Bearer ` prefix was missing.",
        "The key was not configured, or a proxy stripped the header.",
        Depends,
        "Set PAYSECURE_API_KEY (or use the embedded sandbox) and send `Authorization: Bearer <key>`.",
    ),
    e(
        Msg("Incorrect secret_key"),
        "Unknown API key",
        "The key is not one Paysecure knows (or not valid for this merchant type).",
        "A typo, a revoked key, or a key from another account or environment.",
        Depends,
        "Copy the key again from the dashboard's API Keys tab; check sandbox vs live.",
    ),
    e(
        Msg("Request Body Not Found/MalFormed"),
        "Body is not a JSON object",
        "The body could not be parsed as a JSON object.",
        "Broken JSON (a trailing comma, a quote), an empty body, or an array instead of an object.",
        Yes,
        "Fix the JSON and send again; nothing changed on the purchase.",
    ),
    e(
        Msg("Request body too large"),
        "Body too large",
        "The body exceeded the server's size limit (64 KiB in the sandbox).",
        "A huge field, or a file pasted into a field.",
        Yes,
        "Send a smaller body.",
    ),
    e(
        Msg("Unsupported media type"),
        "Wrong Content-Type",
        "A body was sent without `Content-Type: application/json`.",
        "A form or plain-text body, or a missing header.",
        Yes,
        "Send JSON with `Content-Type: application/json`.",
    ),
    // S2S synchronous errors.
    e(
        Msg("cannot be null"),
        "A browser field is missing",
        "`remote_ip`, `user_agent` and `accept_header` are required for 3-D Secure.",
        "The field was left out, null or empty.",
        Yes,
        "Fill the named field (the customer's IP, their browser's User-Agent and Accept header) and retry.",
    ),
    e(
        Msg("cvc is required"),
        "CVC missing for a saved card",
        "Paying with `token_reference` still needs the CVC.",
        "The cvc field was empty.",
        Yes,
        "Ask the customer for the CVC and retry.",
    ),
    e(
        Msg("Client Ip could not be match"),
        "remote_ip is your server's IP",
        "`remote_ip` must be the customer's browser IP, and it equals the IP that made the API call.",
        "Sending the server's own address (or 127.0.0.1) instead of the customer's.",
        Yes,
        "Send the customer's real IP from the browser request (e.g. X-Forwarded-For at your edge).",
    ),
    e(
        Msg("Card Detail is missing"),
        "Card detail missing",
        "One of cardholder_name, card_number, cvc, expires, remember_card was missing or empty.",
        "An empty form field; `remember_card` must be \"on\" or \"off\", not empty.",
        No,
        "This moved the purchase to ERROR: create a new purchase and send every card field.",
    ),
    e(
        Msg("Invalid card Number"),
        "Card number fails the check",
        "The card number must be 10-20 digits and pass the Luhn check.",
        "A typo, spaces or dashes in the number, or a truncated PAN.",
        Yes,
        "Send digits only; check the number (the form shows a Luhn mark).",
    ),
    e(
        Msg("Invalid Card Information"),
        "Card information invalid",
        "The card data was rejected (in the sandbox: a CVC that is not 3-4 digits, or card 4999000000000112).",
        "A malformed CVC, or issuer data that does not match.",
        Yes,
        "Check the CVC and card details and retry.",
    ),
    e(
        Msg("Card is Blocked"),
        "Card is blocked",
        "The card is on a block list (in the sandbox: card 4999000000000120).",
        "A card reported lost or stolen, or blocked by risk rules.",
        Yes,
        "Ask the customer for another card; the purchase can still be paid.",
    ),
    e(
        Msg("Different Type of key"),
        "Sandbox and live keys mixed",
        "The purchase was created with one key type (sandbox/live) and paid with the other.",
        "Two environments configured on different servers, or a key swapped mid-flow.",
        Yes,
        "Use the same key for create and pay, or create a new purchase with the paying key.",
    ),
    e(
        Msg("charges setting is in"),
        "Merchant pricing incomplete",
        "The merchant account has no pricing (charges) set up for this method.",
        "Account onboarding not finished on Paysecure's side.",
        Depends,
        "Contact Paysecure support to complete the charges setting; nothing to fix in the request.",
    ),
    e(
        Msg("Allowed Attempt for this Transaction has been consumed"),
        "Attempt limit reached",
        "Each purchase accepts a limited number of S2S attempts (3 in the sandbox).",
        "Several failed tries on one purchase.",
        No,
        "Create a new purchase and pay that one.",
    ),
    e(
        Msg("Allowed Limit for this card"),
        "Card velocity limit",
        "This card was used too often in a short period.",
        "Repeated tests with one card, or card-testing fraud rules.",
        Depends,
        "Wait, or use another card.",
    ),
    e(
        Msg("Invalid Card Expiry"),
        "Expiry invalid or past",
        "`expires` must be MM/YY and later than the current month.",
        "MMYY without slash, MM/YYYY, a past date or the current month.",
        No,
        "This moved the purchase to ERROR: create a new purchase and send a future MM/YY.",
    ),
    e(
        Msg("Customer profile is Blocked"),
        "Customer blocked",
        "The customer profile (by email) is blocked (in the sandbox: an email at blocked.example).",
        "Risk rules or an earlier fraud report on this customer.",
        Depends,
        "The customer cannot pay with this profile; contact support if it is wrong.",
    ),
    e(
        Msg("Customer/Card not allowed"),
        "Customer/card not allowed",
        "This customer and card combination is not allowed (whitelist or risk rules).",
        "The card is not whitelisted for this customer, or risk rules refuse it.",
        Yes,
        "Try another card, or whitelist the card for the customer.",
    ),
    e(
        Msg("Customer not allowed"),
        "Customer not allowed",
        "The customer is not allowed to transact.",
        "Risk or whitelist rules.",
        Depends,
        "Contact support, or use another customer profile.",
    ),
    e(
        Msg("Invalid card details"),
        "Card not accepted",
        "The processor refused the card details (in the sandbox: a valid card number that is in no test table).",
        "A real card in the sandbox, or an unknown test card.",
        No,
        "This moved the purchase to ERROR: create a new purchase and use a test card (F2 in the explorer).",
    ),
    e(
        Msg("PurchaseId Not found"),
        "Unknown purchase",
        "No purchase with this id exists for your account.",
        "A typo in the id, a purchase from another environment, or one purged after 90 days.",
        No,
        "Check the id, or create a new purchase.",
    ),
    e(
        Msg("Only purchases that can be paid for can be initiated"),
        "Purchase not payable",
        "Payments can start only on CREATED purchases (or OVERDUE ones never sent to 3DS).",
        "The purchase was already paid, failed, cancelled, expired, or a payment is pending its callback.",
        No,
        "Check the status GET; create a new purchase to pay again.",
    ),
    e(
        Msg("Some Processing is running"),
        "Payment already in progress",
        "Another S2S call on this purchase is still being processed.",
        "A double submit or a retry that raced the first call.",
        Depends,
        "Wait for the first call's answer, then check the status.",
    ),
    e(
        Msg("is not Allowed!"),
        "Payment method not allowed",
        "The purchase's paymentMethod does not include this card's scheme (the method is taken from the card number: VISA, MASTER, …), or the scheme is not enabled for the merchant.",
        "A card on a purchase created for an APM (e.g. paymentMethod BANKTRANSFER), a Mastercard on a purchase pinned to VISA, or an AMEX card on a VISA/MASTER-only account.",
        Depends,
        "The purchase stays CREATED: pay it with a card of a scheme its paymentMethod lists (within the attempt limit), or create a new purchase with paymentMethod covering this scheme (e.g. VISA,MASTER).",
    ),
    // Fault cards and server errors.
    e(
        Msg("Gateway Timeout"),
        "Gateway timeout",
        "The gateway gave up waiting for the processor (sandbox: card 4999000000000302).",
        "A slow or unreachable processor.",
        Depends,
        "Do not retry blindly: check the status GET first, then retry or start a new purchase.",
    ),
    e(
        Msg("something went wrong"),
        "Server error",
        "Paysecure hit an internal error (sandbox: card 4999000000000310).",
        "A backend bug or outage (on the real API a missing card_number is known to cause it).",
        Depends,
        "Check the status GET; retry later with backoff.",
    ),
    e(
        Msg("Too many requests"),
        "Rate limited",
        "Too many calls in a short time (sandbox: card 4999000000000344).",
        "A burst above the account's rate limit.",
        Yes,
        "Back off and retry after a pause.",
    ),
    // Create purchase.
    e(
        Msg("brand_id is missing"),
        "brand_id missing",
        "Purchases carry the brand in the body's `brand_id`.",
        "The field was left out or sent as a header only.",
        Yes,
        "Send `brand_id` from the dashboard's Brands tab.",
    ),
    e(
        Msg("Brand not found"),
        "Unknown brand",
        "The brand_id is not one of this account's brands.",
        "A typo, or a brand from another account or environment.",
        Yes,
        "Copy the brand id again from the Brands tab.",
    ),
    e(
        Msg("purchase detail are missing"),
        "purchase object missing",
        "The body has no `purchase` object (currency and products).",
        "A flattened body or a misspelt key.",
        Yes,
        "Send `purchase: {currency, products: [{name, price}]}`.",
    ),
    e(
        Msg("client.email is missing"),
        "Client email missing",
        "`client.email` is required.",
        "The client object or its email was left out.",
        Yes,
        "Send the customer's email.",
    ),
    e(
        Msg("redirect is missing"),
        "Redirect URL missing",
        "`success_redirect` and `failure_redirect` are required by the backend (the docs call them optional).",
        "The fields were left out.",
        Yes,
        "Send both redirect URLs.",
    ),
    e(
        Msg("valid URL"),
        "Redirect or callback is not a URL",
        "Redirects and callbacks must be absolute http(s) URLs.",
        "A relative path or a typo.",
        Yes,
        "Send a full URL such as https://shop.example/pay/ok.",
    ),
    e(
        Msg("Invalid Email Format"),
        "Email format",
        "The email fails Paysecure's pattern (a dot-separated local part, a domain with a 2+ letter TLD).",
        "A typo, a missing TLD, or `+` after a dot in the local part.",
        Yes,
        "Fix the email.",
    ),
    e(
        Msg("Alpha2 Country Code"),
        "Country code",
        "`client.country` must be an upper-case ISO alpha-2 code.",
        "Lower case (`at`), a full name (`India`) or an unknown code.",
        Yes,
        "Send e.g. DE, IN, US.",
    ),
    e(
        Msg("Valid State Code"),
        "State code",
        "`client.stateCode` must be an upper-case code; it may be blank only for EUR/GBP.",
        "A blank state for a non-EUR/GBP purchase, or lower case.",
        Yes,
        "Send e.g. CA, BE, NA.",
    ),
    e(
        Msg("street address"),
        "Street address blank",
        "`client.street_address` must not be blank.",
        "The field was left empty.",
        Yes,
        "Send the street address.",
    ),
    e(
        Msg("city name"),
        "City blank",
        "`client.city` must not be blank.",
        "The field was left empty.",
        Yes,
        "Send the city.",
    ),
    e(
        Msg("postal Code"),
        "Zip code blank",
        "`client.zip_code` must not be blank.",
        "The field was left empty.",
        Yes,
        "Send the postal code.",
    ),
    e(
        Msg("Date_of_Birth"),
        "Date of birth format",
        "`client.date_of_birth` must be yyyy-mm-dd.",
        "Another date format.",
        Yes,
        "Send e.g. 1990-01-31.",
    ),
    e(
        Msg("Product"),
        "Product line invalid",
        "Each product needs a `name` and a numeric `price`.",
        "A missing name or a non-numeric price, or no products.",
        Yes,
        "Fix the product lines.",
    ),
    e(
        Msg("Currency is required"),
        "Currency missing",
        "`purchase.currency` is required.",
        "The field was left out.",
        Yes,
        "Send an ISO 4217 code such as EUR.",
    ),
    e(
        Msg("currency is allowed"),
        "Only one currency allowed",
        "The account accepts a single currency.",
        "A purchase in another currency.",
        Yes,
        "Use the currency named in the message.",
    ),
    e(
        Msg("not Allowed for Live"),
        "Live not enabled",
        "The account is not allowed to make live transactions yet.",
        "A live key on an account still in onboarding.",
        Depends,
        "Use a sandbox key, or ask Paysecure to enable live.",
    ),
    e(
        Msg("Currency"),
        "Currency not enabled",
        "The currency is not enabled for this merchant.",
        "An unsupported currency or a typo.",
        Yes,
        "Use an enabled currency (EUR, USD, GBP, … in the sandbox).",
    ),
    e(
        Msg("minimum trans amount"),
        "Amount too small",
        "The total is below the merchant's minimum.",
        "A zero or tiny total.",
        Yes,
        "Raise the product prices.",
    ),
    e(
        Msg("maximum trans amount"),
        "Amount too large",
        "The total is above the merchant's maximum.",
        "A large order or a price in minor units.",
        Yes,
        "Lower the total, or send major units (20.00, not 2000).",
    ),
    e(
        Msg("Limit is not set"),
        "Merchant limits not set",
        "The account has no transaction limits configured.",
        "Onboarding not finished.",
        Depends,
        "Contact Paysecure support.",
    ),
    e(
        Msg("Minimum amount is not set"),
        "Merchant minimum not set",
        "The account has no minimum amount configured.",
        "Onboarding not finished.",
        Depends,
        "Contact Paysecure support.",
    ),
    e(
        Msg("Duplicate merchantRef"),
        "merchantRef reused",
        "Each purchase needs a unique merchantRef (your order id).",
        "A retry that reused the order id, or a fixed test value.",
        Yes,
        "Send a fresh merchantRef, or look up the earlier purchase.",
    ),
    // Pre-authorisation and capture (they come before the refund entries, whose
    // shorter texts such as "greater than zero" would otherwise claim them).
    e(
        Msg("Capture amount exceeds the authorised total"),
        "Capture too large",
        "A capture can take at most the amount held by the pre-authorisation.",
        "An amount above the purchase total, or a second capture after a partial one.",
        Depends,
        "Capture at most the hold (omit `amount` to capture all of it).",
    ),
    e(
        Msg("Capture amount must"),
        "Capture amount not valid",
        "The capture amount must be a number above zero (it is booked in cents).",
        "0, a negative amount, an amount that rounds to 0.00, or text.",
        Depends,
        "Send a positive number, or no `amount` for the whole hold.",
    ),
    e(
        Msg("can be captured"),
        "Not a pre-authorisation hold",
        "Only a PREAUTHORIZED purchase (created with `skip_capture: true` and paid) can be captured, once.",
        "The purchase was not created with skip_capture, is not paid yet, or was already captured or voided.",
        No,
        "Check the status GET; create the purchase with skip_capture to hold funds first.",
    ),
    // Saved cards.
    e(
        Msg("customerId is required"),
        "customerId missing",
        "listSavedCards needs the customer whose cards to list.",
        "The query parameter was left out or empty.",
        Yes,
        "Send `?customerId=…&brandId=…` (the sandbox keys customers by client.customerId, else the client email).",
    ),
    e(
        Msg("brandId is required"),
        "brandId missing",
        "listSavedCards needs the brand the cards were saved under.",
        "The query parameter was left out or empty.",
        Yes,
        "Send `?customerId=…&brandId=…`.",
    ),
    // Refunds and cancel.
    e(
        Msg("Transaction not found"),
        "Unknown refund",
        "refundStatus found no refund with that refundId on this purchase.",
        "A refundId from another purchase, a typo, or a full refund (which has no refundId).",
        Depends,
        "Use the refundId from the partial refund's reply, with its own purchaseId.",
    ),
    e(
        Msg("can be refunded"),
        "Not refundable in this status",
        "Only PAID, PARTIALLY_CAPTURED or partially refunded purchases can be refunded.",
        "The purchase is not paid, or is still pending.",
        Depends,
        "Check the status GET; refund after it is PAID.",
    ),
    e(
        Msg("already fully refunded"),
        "Already refunded",
        "Nothing is left to refund.",
        "A second full refund.",
        No,
        "Nothing to do.",
    ),
    e(
        Msg("Previous Refund Request already in Process"),
        "Refund in progress",
        "An earlier refund is still being processed.",
        "A double refund request.",
        Depends,
        "Wait and check the status.",
    ),
    e(
        Msg("Max Time for Refund"),
        "Refund window closed",
        "The bank's refund period has passed (see refund_upto).",
        "An old payment.",
        No,
        "Refund outside Paysecure (e.g. a bank transfer).",
    ),
    e(
        Msg("Refund can not be initiated"),
        "Refund refused by the processor",
        "The processor refused the refund (sandbox: a 'Refund fails' card).",
        "A PSP-side failure.",
        Depends,
        "Contact Paysecure support.",
    ),
    e(
        Msg("greater than zero"),
        "Refund amount not positive",
        "The refund amount must be above zero.",
        "0 or a negative amount.",
        Depends,
        "Send a positive amount.",
    ),
    e(
        Msg("exceeds refundable amount"),
        "Refund too large",
        "The amount is more than what is left to refund.",
        "Earlier partial refunds, or a wrong amount.",
        Depends,
        "Refund at most the amount in the message.",
    ),
    e(
        Msg("amount is required"),
        "Refund amount missing",
        "A partial refund needs `amount`.",
        "The field was left out.",
        Depends,
        "Send `{amount, reason}`.",
    ),
    e(
        Msg("reason for refund is required"),
        "Refund reason missing",
        "The backend requires `reason` (the docs call it optional).",
        "The field was left out.",
        Depends,
        "Send a short reason.",
    ),
    e(
        Msg("must be a number"),
        "Refund amount not a number",
        "The refund amount must be numeric.",
        "Text in the amount field.",
        Depends,
        "Send a number such as 5.12.",
    ),
    e(
        Msg("can be canceled"),
        "Not cancellable",
        "Only CREATED purchases (or an un-captured pre-authorisation hold) can be cancelled.",
        "The purchase already moved on (pending, paid, failed).",
        No,
        "Refund a paid purchase instead.",
    ),
    e(
        Msg("can be cancelled"),
        "Not cancellable",
        "Only CREATED purchases (or an un-captured pre-authorisation hold) can be cancelled.",
        "The purchase already moved on (pending, paid, failed).",
        No,
        "Refund a paid purchase instead.",
    ),
    e(
        Msg("Cannot cancel a captured"),
        "Already captured",
        "A captured pre-authorisation cannot be voided: the money has moved.",
        "The hold was captured (in full or in part) before the cancel.",
        No,
        "Refund what was captured instead.",
    ),
    // Code fallbacks.
    e(
        Code("authentication_failed"),
        "Authentication failed",
        "The API key was missing or wrong.",
        "Configuration.",
        Depends,
        "Check PAYSECURE_API_KEY.",
    ),
    e(
        Code("unsupported_media_type"),
        "Wrong Content-Type",
        "A body was sent without a JSON content type.",
        "A form or text body.",
        Yes,
        "Send application/json.",
    ),
    e(
        Code("invalid_json"),
        "Malformed JSON",
        "The body is not a JSON object.",
        "Broken JSON.",
        Yes,
        "Fix the JSON.",
    ),
    e(
        Code("payload_too_large"),
        "Body too large",
        "The body exceeded the size limit.",
        "A huge field.",
        Yes,
        "Send less.",
    ),
    e(
        Code("already_in_process"),
        "Already in process",
        "A call on this purchase is still running.",
        "A double submit.",
        Depends,
        "Wait, then check the status.",
    ),
    e(
        Code("Invalid_Parameter"),
        "Invalid or missing parameter",
        "A mandatory parameter is missing or malformed.",
        "The field named in the message.",
        Yes,
        "Fix the named field.",
    ),
    e(
        Code("parameter_missing"),
        "Parameter missing",
        "A mandatory parameter is missing.",
        "The field named in the message.",
        Yes,
        "Send the named field.",
    ),
    e(
        Code("invalid_host_header"),
        "Host header refused",
        "The request's Host header is not allowed.",
        "A proxy rewriting Host.",
        Depends,
        "Call api.paysecure.net directly.",
    ),
    e(
        Code("IP_not_whitelisted"),
        "Server IP not whitelisted",
        "Your server's IP is not on the merchant's API whitelist.",
        "A new server or egress IP.",
        Depends,
        "Add the IP on the dashboard.",
    ),
    e(
        Code("payment_method_not_allowed"),
        "Payment method not allowed",
        "The method is not enabled for the merchant.",
        "An unsupported scheme or method.",
        Depends,
        "Use an enabled method.",
    ),
    e(
        Code("invalid_amount"),
        "Invalid amount",
        "The amount is not acceptable.",
        "Too large, negative or not a number.",
        Depends,
        "Fix the amount.",
    ),
    e(
        Code("validation_error"),
        "Validation error",
        "A field failed validation.",
        "The field named in the message.",
        Depends,
        "Fix the named field.",
    ),
    e(
        Code("payment_can_not_be_refunded"),
        "Refunds not allowed",
        "The MID does not allow (partial) refunds.",
        "Account configuration.",
        No,
        "Contact Paysecure support.",
    ),
    e(
        Code("exception"),
        "Server exception",
        "Paysecure failed internally.",
        "A backend error or timeout.",
        Depends,
        "Check the status GET, then retry with backoff.",
    ),
    e(
        Code("too_many_requests"),
        "Rate limited",
        "Too many requests.",
        "A burst over the limit.",
        Yes,
        "Back off and retry.",
    ),
    e(
        Code("not_found"),
        "No such endpoint",
        "The path does not exist.",
        "A typo in the URL or a missing /api/v1.",
        Depends,
        "Check the base URL and path.",
    ),
    e(
        Code("method_not_allowed"),
        "Wrong HTTP method",
        "The path exists but not with this method.",
        "GET vs POST mix-up.",
        Depends,
        "Use the documented method.",
    ),
    e(
        Code("forbidden"),
        "Forbidden",
        "The caller may not use this endpoint.",
        "The sandbox control plane called from another host.",
        Depends,
        "Call it from the same machine.",
    ),
    e(
        Code("transaction_error"),
        "Transaction error",
        "Paysecure refused the transaction.",
        "See the message.",
        Depends,
        "Read the message; check the status GET.",
    ),
];

/// Declines reported after the callback (`errorMsg`), by message.
pub const DECLINES: &[Entry] = &[
    e(
        Msg("3DS authentication failed"),
        "3-D Secure failed",
        "The customer failed or cancelled the issuer's challenge.",
        "A wrong OTP (the sandbox's is 123456) or Cancel pressed.",
        No,
        "Create a new purchase and retry the challenge.",
    ),
    e(
        Msg("Transaction Failed"),
        "Authorisation failed",
        "The issuer or processor declined the authorisation.",
        "A generic decline.",
        No,
        "Try another card on a new purchase.",
    ),
    e(
        Msg("Insufficient fund"),
        "Insufficient funds",
        "The card has not enough funds.",
        "Balance or credit limit.",
        No,
        "Try another card or a smaller amount on a new purchase.",
    ),
    e(
        Msg("expiry_date_error"),
        "Issuer rejected the expiry",
        "The expiry date does not match the issuer's records.",
        "A wrong expiry typed.",
        No,
        "Check the expiry; new purchase.",
    ),
    e(
        Msg("Expired card"),
        "Card expired",
        "The issuer says the card is expired.",
        "An old card.",
        No,
        "Use a current card on a new purchase.",
    ),
    e(
        Msg("Cvv_error"),
        "Issuer rejected the CVV",
        "The CVV does not match.",
        "A wrong CVV typed.",
        No,
        "Check the CVV; new purchase.",
    ),
    e(
        Msg("Transaction declined - try again"),
        "Processor timeout",
        "The processor did not answer in time.",
        "A processor outage.",
        No,
        "Retry later on a new purchase.",
    ),
    e(
        Msg("Customer/Ip is Blocked"),
        "Risk check failed",
        "Risk rules blocked the customer or IP.",
        "A risky IP or customer.",
        No,
        "Contact support if legitimate.",
    ),
    e(
        Msg("do not hon"),
        "Issuer declined (do not honour)",
        "The issuing bank declined without a reason.",
        "Issuer policy.",
        No,
        "The customer should call their bank or use another card.",
    ),
    e(
        Msg("Picking card"),
        "Pick-up card",
        "The issuer wants the card retained (lost/stolen).",
        "A blocked card.",
        No,
        "Do not retry this card.",
    ),
    e(
        Msg("Temp error - card blocked"),
        "Card temporarily blocked",
        "The card is temporarily blocked.",
        "Issuer risk rules.",
        No,
        "Retry later or use another card.",
    ),
    e(
        Msg("Invalid card number"),
        "Invalid card number",
        "The issuer does not know this card number.",
        "A typo.",
        No,
        "Check the number.",
    ),
    e(
        Msg("Transaction Expired"),
        "Purchase expired",
        "The purchase was not paid in time.",
        "The customer never finished.",
        No,
        "Create a new purchase.",
    ),
];

/// Lower case with runs of whitespace folded, for forgiving comparison.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

fn find(entries: &'static [Entry], code: &str, message: &str) -> Option<&'static Explanation> {
    let message = fold(message);
    let by_message = entries.iter().find(|entry| match entry.matcher {
        Matcher::Message(m) => message.contains(&fold(m)),
        Matcher::Code(_) => false,
    });
    by_message
        .or_else(|| {
            entries.iter().find(|entry| match entry.matcher {
                Matcher::Code(c) => c.eq_ignore_ascii_case(code.trim()),
                Matcher::Message(_) => false,
            })
        })
        .map(|entry| &entry.explanation)
}

/// The explanation of a coded API error; a generic one for anything unknown.
pub fn explain(code: &str, message: &str) -> Explanation {
    find(ENTRIES, code, message)
        .copied()
        .unwrap_or(Explanation {
            title: "Unlisted error",
            meaning: "This code and message are not in the explorer's catalog.",
            cause: "A newer or undocumented backend error.",
            payable: CatalogPayable::Depends,
            next: "Read the server's message above; where a purchase exists, its status GET shows what the call did.",
        })
}

/// The explanation of a decline reported in `errorMsg` after the callback.
pub fn explain_decline(error_msg: &str) -> Option<Explanation> {
    find(DECLINES, "", error_msg).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message the sandbox contract and the seed document name is explained by a
    /// message entry of its own, not a generic fallback.
    #[test]
    fn every_spec_message_has_a_specific_entry() {
        let messages = [
            "remote_ip cannot be null",
            "Client Ip could not be matched with Merchant Ip",
            "Client Ip could not be match with Merchant Ip",
            "Card Detail is missing",
            "Invalid card Number (Luhn algo)",
            "Invalid Card Information",
            "Card is Blocked",
            "Different Type of key used to create purchase and payment",
            "You charges setting is incomplete. Please Contact to administrator",
            "You charges setting is in complete .Please Contact to Administrator.",
            "Allowed Attempt for this Transaction has been consumed",
            "Invalid Card Expiry(Valid Format:MM/YY) must be greater than current month/year",
            "Customer profile is Blocked",
            "Customer/Card not allowed for transaction",
            "Invalid card details",
            "PurchaseId Not found.",
            "Only purchases that can be paid for can be initiated for payment.",
            "Some Processing is running on this purchaseId",
            "Gateway Timeout",
            "something went wrong",
            "Too many requests",
            "Authorization header missing",
            "Incorrect secret_key",
            "Request Body Not Found/MalFormed",
            "Request body too large",
            "Duplicate merchantRef Found!",
            "Brand not found!",
            "Refund can not be initiated .Please contact Administrator.",
            "Refund amount exceeds refundable amount: 3",
            "Only purchases that can be paid for can be canceled.",
            "Capture amount exceeds the authorised total",
            "Capture amount must be greater than zero.",
            "Only purchases with `status == (preauthorized)` can be captured.",
            "Cannot cancel a captured transaction",
            "Transaction not found",
            "Previous Refund Request already in Process",
            "Refund amount must be greater than zero.",
            "cvc is required",
            "customerId is required",
            "Payment Method VISA is not Allowed!",
            "Payment Method MASTER is not Allowed!",
        ];
        for m in messages {
            let x = explain("transaction_error", m);
            assert_ne!(
                x.title, "Transaction error",
                "{m} fell back to the code entry"
            );
            assert_ne!(x.title, "Unlisted error", "{m} unexplained");
        }
    }

    #[test]
    fn capture_texts_are_not_taken_for_refund_texts() {
        assert_eq!(
            explain(
                "transaction_error",
                "Capture amount must be greater than zero."
            )
            .title,
            "Capture amount not valid"
        );
        assert_eq!(
            explain(
                "transaction_error",
                "Refund amount must be greater than zero."
            )
            .title,
            "Refund amount not positive"
        );
    }

    #[test]
    fn codes_fall_back_and_unknowns_are_generic() {
        assert_eq!(
            explain("IP_not_whitelisted", "whatever").title,
            "Server IP not whitelisted"
        );
        assert_eq!(explain("zzz", "zzz").title, "Unlisted error");
        assert_eq!(
            explain("transaction_error", "Currency XYZ is Not Allowed").title,
            "Currency not enabled"
        );
        assert_eq!(
            explain(
                "transaction_error",
                "You are not Allowed for Live Transaction"
            )
            .title,
            "Live not enabled"
        );
        assert_eq!(
            explain("transaction_error", "Card Detail is missing").payable,
            CatalogPayable::No
        );
        assert_eq!(
            explain("transaction_error", "Card is Blocked").payable,
            CatalogPayable::Yes
        );
    }

    #[test]
    fn every_sandbox_decline_is_explained() {
        for row in crate::paysecure::test_cards::OUTCOME_ROWS {
            if let crate::paysecure::test_cards::CardOutcome::Declined(msg) = row.outcome {
                assert!(explain_decline(msg).is_some(), "{msg}");
            }
        }
        assert!(explain_decline("3DS authentication failed").is_some());
    }
}
