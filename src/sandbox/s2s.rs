//! `POST /p/{id}/?s2s=true`: the S2S check order of `sandbox-scenarios.md` §4, first
//! failure wins, then 202 pending (3D mode) or the outcome inline (2D mode).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::errors::{Coded, json_response};
use super::lifecycle::{update_aged_async, update_aged_queued};
use super::purchase::{ClientIds, KeyType, PendingPayment, Status, TrxType, field, text};
use super::request::{BodyUse, ConnInfo, extract};
use super::routes::PathParam;
use super::saved_cards;
use super::state::SandboxState;
use super::store::Pending;
use super::transitions::{AttemptRecord, apply_outcome, card_extra, record_attempt};
use super::webhook::notify;
use crate::card;
use crate::clock::year_month_of;
use crate::paysecure::test_cards::{self, CardBehaviour, CardOutcome, Fault};

/// "Only purchases that can be paid for can be initiated for payment."
pub const MSG_NOT_PAYABLE: &str =
    "Only purchases that can be paid for can be initiated for payment.";

/// "PurchaseId Not found." (400 on S2S, 404 on the status GET).
pub const MSG_PURCHASE_NOT_FOUND: &str = "PurchaseId Not found.";

/// Facts read under the lock before the body is judged.
struct Admitted {
    created_with: KeyType,
    payment_method: String,
    client_email: String,
    /// Whose card a `remember_card` saves (see `saved_cards::customer_key`).
    customer: String,
    mode_2d: bool,
    timeout_s: u64,
    now: i64,
}

/// The verdict on the body (steps 5-14).
enum Verdict {
    Reject { err: Coded, kills: bool },
    Accept(PendingPayment),
    Fault(Fault),
}

/// Clears the purchase's in-flight mark however the handler ends, even if the caller
/// disconnects and the future is dropped mid-hang.
struct InFlight {
    state: Arc<SandboxState>,
    id: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.state.store.end_in_flight(&self.id);
    }
}

/// Who is paying: the merchant's server calling S2S, or the customer's browser on the
/// hosted page (§10.4), which runs the same checks in the same order.
#[derive(Debug, Clone, Copy)]
pub struct Payer {
    /// The key type of the call; `None` on the hosted page, which pays as the key that
    /// created the purchase (there is no key in a browser).
    pub key_type: Option<KeyType>,
    /// The merchant server's IP, which `remote_ip` must differ from (step 6); `None` on
    /// the hosted page, where the customer's browser is the caller.
    pub merchant_ip: Option<IpAddr>,
}

/// How a payment attempt ended, before it is written as an S2S reply or a page.
pub enum Paid {
    /// A coded refusal (400/404/…, or a fault card's 5xx/429).
    Rejected(Coded),
    /// A response that must go out as it is (the dropped connection).
    Raw(Response),
    /// Accepted in 3D mode: the customer's browser must open `callback_url`.
    Pending { callback_url: String },
    /// 2D mode: the outcome was applied in the call; the purchase object (with
    /// `callback_url: "no_need"`).
    Inline(Value),
}

/// The S2S handler.
pub async fn s2s(
    State(state): State<Arc<SandboxState>>,
    PathParam(id): PathParam,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let call = match extract(&state.keys, &state.origin, &parts, body, BodyUse::Required).await {
        Ok(call) => call,
        Err(e) => return e.into_response(),
    };
    let is_s2s = form_urlencoded::parse(call.query.as_bytes())
        .any(|(k, v)| k == "s2s" && v.eq_ignore_ascii_case("true"));
    if !is_s2s {
        return Coded::new(
            StatusCode::BAD_REQUEST,
            "Invalid_Parameter",
            "s2s=true is required for a server-to-server payment",
        )
        .into_response();
    }
    let body = call.body.unwrap_or_default();
    let payer = Payer {
        key_type: Some(call.key_type),
        merchant_ip: Some(call.peer_ip),
    };
    match pay(&state, &id, &body, payer, &parts, &call.origin).await {
        Paid::Rejected(err) => err.into_response(),
        Paid::Raw(resp) => resp,
        Paid::Pending { callback_url } => json_response(
            StatusCode::ACCEPTED,
            &json!({"status": "pending", "callback_url": callback_url, "method": "GET"}),
        ),
        Paid::Inline(purchase) => json_response(StatusCode::ACCEPTED, &purchase),
    }
}

/// The S2S check chain of §4 (from step 2) and its outcome, shared by the S2S call and
/// the hosted payment page.
pub async fn pay(
    state: &Arc<SandboxState>,
    id: &str,
    body: &Map<String, Value>,
    payer: Payer,
    parts: &axum::http::request::Parts,
    origin: &str,
) -> Paid {
    // Admission marks the purchase in flight and queues its write without waiting for the
    // commit: the payment's own update (or the rejection's) is queued on top of it and
    // committed after it, usually in the same batch, so one commit is waited for, not two.
    // Nothing here awaits between the mark and the guard that clears it, so a client
    // hanging up cannot leave the mark behind.
    let marked = AtomicBool::new(false);
    let admission = admit(state, id, &marked);
    let guard = marked.load(Ordering::Relaxed).then(|| InFlight {
        state: Arc::clone(state),
        id: id.to_string(),
    });
    let (admitted, admission_committed) = match admission {
        Ok(admission) => admission,
        Err(e) => return Paid::Rejected(e),
    };
    let paid = match admitted {
        Ok(admitted) => decide(state, id, body, payer, parts, origin, &admitted).await,
        // Refused (the attempt may still count): answered once that is committed too.
        Err(e) => Paid::Rejected(e),
    };
    // An answer that wrote nothing after the admission must still not go out before the
    // admission is committed (or known to have failed); after another write it is.
    let paid = match admission_committed.await {
        Ok(Ok(())) => paid,
        Ok(Err(e)) => Paid::Rejected(Coded::from(e)),
        Err(_) => Paid::Rejected(Coded::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "exception",
            "The sandbox could not admit the payment; try again",
        )),
    };
    drop(guard);
    paid
}

/// What the admitted payment comes to: the body judged, then rejected, answered by a
/// fault, or accepted.
async fn decide(
    state: &Arc<SandboxState>,
    id: &str,
    body: &Map<String, Value>,
    payer: Payer,
    parts: &axum::http::request::Parts,
    origin: &str,
    admitted: &Admitted,
) -> Paid {
    let verdict = match text(body, "token_reference") {
        // A saved card (§10.8): the token stands in for the card fields.
        Some(token) => {
            let saved_payer = saved_cards::Payer {
                created_with: admitted.created_with,
                client_email: &admitted.client_email,
                brand_id: &state.brand_id,
                payment_method: &admitted.payment_method,
            };
            match saved_cards::judge(
                state,
                body,
                &token,
                payer.merchant_ip,
                payer.key_type,
                &saved_payer,
            ) {
                Ok(pending) => Verdict::Accept(pending),
                Err((err, kills)) => Verdict::Reject { err, kills },
            }
        }
        None => judge(body, admitted, payer),
    };
    let client_ip = text(body, "remote_ip").unwrap_or_default();
    let pending = match verdict {
        Verdict::Reject { err, kills } => {
            if let Err(failed) = reject(state, id, body, &client_ip, &err, kills, origin).await {
                return Paid::Rejected(failed);
            }
            return Paid::Rejected(err);
        }
        Verdict::Accept(pending) => pending,
        Verdict::Fault(fault) => match fault_response(admitted, fault, body, parts).await {
            FaultEnd::Answered(done) => return done,
            FaultEnd::GoesOn(pending) => pending,
        },
    };
    accept(state, id, body, pending, &client_ip, admitted, origin).await
}

/// Whether the purchase's `paymentMethod` (a comma list, e.g. `VISA,MASTER`, or an APM
/// such as `BANKTRANSFER`) lets a card of `scheme` pay.
pub fn method_allows(payment_method: &str, scheme: &str) -> bool {
    payment_method
        .split(',')
        .any(|m| m.trim().eq_ignore_ascii_case(scheme))
}

/// Steps 2-4, as one update of the purchase: exists, payable, not in flight, attempt
/// counted.
fn admit(
    state: &Arc<SandboxState>,
    id: &str,
    marked: &AtomicBool,
) -> Result<(Result<Admitted, Coded>, Pending<()>), Coded> {
    let settings = state.store.settings();
    let admitted = update_aged_queued(state, id, &state.origin, |p, now| {
        if p.in_flight && p.is_payable() {
            return Err(Coded::new(
                StatusCode::BAD_REQUEST,
                "already_in_process",
                "Some Processing is running on this purchaseId",
            ));
        }
        if !p.is_payable() {
            return Err(Coded::transaction(MSG_NOT_PAYABLE));
        }
        p.attempts_used += 1;
        if p.attempts_used > settings.attempt_limit {
            return Err(Coded::transaction(test_cards::MSG_ATTEMPTS));
        }
        p.in_flight = true;
        marked.store(true, Ordering::Relaxed);
        // `client` read once for both: its text is parsed for them.
        let client = ClientIds::of(&p.client);
        Ok(Admitted {
            created_with: p.key_type,
            payment_method: p.payment_method.clone(),
            client_email: client.email_text(),
            customer: saved_cards::customer_key_of(&client),
            mode_2d: settings.mode.eq_ignore_ascii_case("2d"),
            timeout_s: settings.timeout_s,
            now,
        })
    })?;
    // 400, not the status GET's 404: the real S2S answers so (§10.2).
    admitted.ok_or_else(|| Coded::transaction(MSG_PURCHASE_NOT_FOUND))
}

/// Steps 5-14 (with the payment-method check of §10.3 first), pure: what the body
/// deserves.
fn judge(body: &Map<String, Value>, a: &Admitted, payer: Payer) -> Verdict {
    let reject = |err: Coded, kills: bool| Verdict::Reject { err, kills };
    // §10.3, right after the attempt count: the method comes from the card's scheme. A
    // number with no known scheme is left to the card checks below.
    // As sent, untrimmed: digits only (§4 step 8), so " 4444…" is no card number.
    let number = match field(body, "card_number") {
        Some(Value::String(raw)) => raw.clone(),
        _ => text(body, "card_number").unwrap_or_default(),
    };
    let scheme = card::brand(&number);
    if scheme != "UNKNOWN" && !method_allows(&a.payment_method, scheme) {
        let err = Coded::transaction(format!("Payment Method {scheme} is not Allowed!"));
        return reject(err, false);
    }
    for field in ["remote_ip", "user_agent", "accept_header"] {
        if text(body, field).is_none() {
            let err = Coded::new(
                StatusCode::BAD_REQUEST,
                "Invalid_Parameter",
                format!("{field} cannot be null"),
            );
            return reject(err, false);
        }
    }
    let remote_ip = text(body, "remote_ip").unwrap_or_default();
    let same_ip = payer.merchant_ip.is_some_and(|peer| {
        remote_ip
            .parse::<IpAddr>()
            // `::ffff:127.0.0.1` is 127.0.0.1 (the peer is folded the same way).
            .map(|ip| ip.to_canonical() == peer)
            .unwrap_or(remote_ip == peer.to_string())
    });
    if same_ip {
        return reject(Coded::transaction(test_cards::MSG_IP_MATCH), false);
    }
    let card_fields = [
        "cardholder_name",
        "card_number",
        "cvc",
        "expires",
        "remember_card",
    ];
    if card_fields.iter().any(|f| text(body, f).is_none()) {
        return reject(Coded::transaction("Card Detail is missing"), true);
    }
    if !card::is_valid_pan(&number) {
        return reject(Coded::transaction("Invalid card Number (Luhn algo)"), false);
    }
    if !card::cvc_is_valid(&text(body, "cvc").unwrap_or_default()) {
        return reject(Coded::transaction(test_cards::MSG_INVALID_CARD_INFO), false);
    }
    let expires = text(body, "expires").unwrap_or_default();
    if !card::expiry_is_valid(&expires, year_month_of(a.now)) {
        return reject(Coded::transaction(test_cards::MSG_BAD_EXPIRY), true);
    }
    if payer.key_type.is_some_and(|key| key != a.created_with) {
        return reject(Coded::transaction(test_cards::MSG_KEY_TYPE), false);
    }
    let domain = a.client_email.rsplit('@').next().unwrap_or("");
    if domain.eq_ignore_ascii_case("blocked.example") {
        return reject(Coded::transaction(test_cards::MSG_CUSTOMER_BLOCKED), false);
    }
    match test_cards::behaviour_of(&number) {
        Some(CardBehaviour::Rejected { message, kills }) => {
            reject(Coded::transaction(message), kills)
        }
        Some(CardBehaviour::Fault(fault)) => Verdict::Fault(fault),
        Some(CardBehaviour::Accepted { outcome, auth }) => Verdict::Accept(PendingPayment {
            masked_pan: card::mask_pan(&number),
            card_brand: card::brand(&number).to_string(),
            cardholder_name: text(body, "cardholder_name").unwrap_or_default(),
            expires,
            outcome,
            auth,
        }),
        None => reject(Coded::transaction("Invalid card details"), true),
    }
}

/// Records a rejected attempt; `kills` moves the purchase to ERROR (with its webhook).
/// `Err` when the state store failed (the attempt is not recorded).
async fn reject(
    state: &Arc<SandboxState>,
    id: &str,
    body: &Map<String, Value>,
    client_ip: &str,
    err: &Coded,
    kills: bool,
    origin: &str,
) -> Result<(), Coded> {
    let number = text(body, "card_number").unwrap_or_default();
    let holder = text(body, "cardholder_name").unwrap_or_default();
    let expires = text(body, "expires").unwrap_or_default();
    let now = state.store.now();
    state
        .store
        .update_async(id, |p| {
            record_attempt(
                p,
                AttemptRecord {
                    card_brand: card::brand(&number),
                    masked_pan: &card::mask_pan(&number),
                    cardholder_name: &holder,
                    expires: &expires,
                    client_ip,
                    successful: Some(false),
                    error: Some((err.code, &err.message)),
                    now,
                },
            );
            // Only a purchase that is still payable moves to ERROR (never an EXPIRED one).
            if kills && p.is_payable() {
                p.error_msg = err.message.clone();
                p.set_status(Status::Error, now);
                notify(state, p, origin);
            }
        })
        .await
        .map(drop)
        .map_err(Coded::from)
}

/// How a fault card ends: answered, or (the slow-success card, after its delay) going on
/// as an accepted card.
enum FaultEnd {
    Answered(Paid),
    GoesOn(PendingPayment),
}

/// The fault cards.
async fn fault_response(
    admitted: &Admitted,
    fault: Fault,
    body: &Map<String, Value>,
    parts: &axum::http::request::Parts,
) -> FaultEnd {
    let coded = |status, code, message| {
        FaultEnd::Answered(Paid::Rejected(Coded::new(status, code, message)))
    };
    match fault {
        Fault::HangThenGatewayTimeout => {
            tokio::time::sleep(Duration::from_secs(admitted.timeout_s)).await;
            coded(StatusCode::GATEWAY_TIMEOUT, "exception", "Gateway Timeout")
        }
        Fault::InternalError => coded(
            StatusCode::INTERNAL_SERVER_ERROR,
            "exception",
            "something went wrong",
        ),
        Fault::TooManyRequests => coded(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many requests",
        ),
        Fault::DropConnection => {
            if let Some(conn) = parts.extensions.get::<ConnInfo>() {
                conn.kill.notify_one();
                // The connection task drops us; never answer.
                std::future::pending::<()>().await;
            }
            // Not served by our loop (an in-process test): the closest we can do.
            FaultEnd::Answered(Paid::Raw(
                Response::builder()
                    .status(StatusCode::BAD_GATEWAY)
                    .body(Body::empty())
                    .unwrap_or_default(),
            ))
        }
        Fault::SlowSuccess => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let as_card = test_cards::slow_success_card();
            match test_cards::accepted_card(as_card) {
                Some(CardBehaviour::Accepted { outcome, auth }) => {
                    FaultEnd::GoesOn(PendingPayment {
                        masked_pan: card::mask_pan("4999000000000336"),
                        card_brand: card::brand(as_card).to_string(),
                        cardholder_name: text(body, "cardholder_name").unwrap_or_default(),
                        expires: text(body, "expires").unwrap_or_default(),
                        outcome,
                        auth,
                    })
                }
                _ => FaultEnd::Answered(Paid::Rejected(Coded::transaction("Invalid card details"))),
            }
        }
    }
}

/// Accepts the payment: pending (3D mode) or the outcome inline (2D mode).
async fn accept(
    state: &Arc<SandboxState>,
    id: &str,
    body: &Map<String, Value>,
    pending: PendingPayment,
    client_ip: &str,
    admitted: &Admitted,
    origin: &str,
) -> Paid {
    // The slow card awaited before getting here: the clock may have moved (EXPIRED) or the
    // purchase been decided meanwhile. It is aged and judged again in the update.
    let paid = update_aged_async(state, id, origin, |p, now| {
        saved_cards::prepare(p, body, &pending, &admitted.customer);
        let attempt = |successful, error| AttemptRecord {
            card_brand: &pending.card_brand,
            masked_pan: &pending.masked_pan,
            cardholder_name: &pending.cardholder_name,
            expires: &pending.expires,
            client_ip,
            successful,
            error,
            now,
        };
        if !p.is_payable() {
            let err = Coded::transaction(MSG_NOT_PAYABLE);
            record_attempt(p, attempt(Some(false), Some((err.code, &err.message))));
            return Paid::Rejected(err);
        }
        record_attempt(p, attempt(None, None));
        p.card_extra = Some(card_extra(
            &pending.masked_pan,
            &pending.card_brand,
            &pending.cardholder_name,
            &pending.expires,
            p.total,
        ));
        p.had_pending = true;
        if admitted.mode_2d {
            let outcome: CardOutcome = pending.outcome;
            p.set_status(Status::PendingExecute, now);
            apply_outcome(p, outcome, now);
            p.trx_type = Some(TrxType::TwoD);
            let mut body = p.to_json(origin);
            if let Some(map) = body.as_object_mut() {
                map.insert("callback_url".into(), json!("no_need"));
            }
            notify(state, p, origin);
            return Paid::Inline(body);
        }
        p.trx_type = Some(TrxType::ThreeD);
        p.set_status(Status::PendingExecute, now);
        p.pending = Some(pending.clone());
        Paid::Pending {
            callback_url: format!("{origin}/api/v1/payment/{id}/"),
        }
    })
    .await;
    match paid {
        Ok(Some(paid)) => paid,
        Ok(None) => Paid::Rejected(Coded::transaction(MSG_PURCHASE_NOT_FOUND)),
        Err(e) => Paid::Rejected(e),
    }
}
