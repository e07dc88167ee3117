//! Deterministic app states for tests, snapshots and benchmarks: fixed endpoint, ids,
//! times and expiry, reached through `update` the way the real loop reaches them.

use serde_json::json;

use super::app::{Answer, App, Effect, Endpoint, Msg};
use super::requests::{CheckReason, Purpose};
use super::theme;
use super::update::update;
use crate::api::{ApiError, Exchange, ExchangeKind, Purchase, S2sOutcome};
use crate::flow::presets::MerchantUrls;

/// The fixed origin used by fixtures.
pub const ORIGIN: &str = "http://127.0.0.1:41873";
/// The fixed purchase id used by fixtures.
pub const PURCHASE_ID: &str = "64bfdb7df63e36669499e82f";
/// 2026-11-25 00:01:03 UTC, in milliseconds.
pub const T0_MS: i64 = 1_795_996_863_000 - 5 * 86_400_000;

/// A fresh app at step ① with fixed values.
pub fn app(width: u16, height: u16) -> App {
    let urls = MerchantUrls {
        success_redirect: format!("{ORIGIN}/merchant/return/success"),
        failure_redirect: format!("{ORIGIN}/merchant/return/failure"),
        pending_redirect: Some(format!("{ORIGIN}/merchant/return/pending")),
        success_callback: Some(format!("{ORIGIN}/merchant/webhook")),
        failure_callback: Some(format!("{ORIGIN}/merchant/webhook")),
    };
    let mut app = App::new(
        Endpoint {
            base_url: format!("{ORIGIN}/api/v1"),
            embedded: true,
            local: true,
            banner: crate::flow::target::banner(true, true, "sk_test"),
        },
        "brd_sandbox_explorer",
        urls,
        theme::default_theme(),
        theme::SHIPPED.iter().map(|(n, _)| n.to_string()).collect(),
    );
    app.purchase_form.set("merchantRef", "order-1001");
    app.card_form.set("expires", "10/29");
    app.size = (width, height);
    app.control_url = Some(format!("{ORIGIN}/_sandbox"));
    // Times as recorded (UTC), whatever zone the machine running the tests is in.
    app.local_time = super::local_time::LocalTime::fixed(0);
    app
}

/// A purchase object with `status`.
pub fn purchase(status: &str) -> Purchase {
    serde_json::from_value(json!({
        "purchaseId": PURCHASE_ID, "status": status,
        "direct_post_url": format!("{ORIGIN}/api/v1/p/{PURCHASE_ID}/"),
    }))
    .unwrap_or_else(|_| unreachable_purchase())
}

fn unreachable_purchase() -> Purchase {
    Purchase {
        id: PURCHASE_ID.into(),
        status: String::new(),
        checkout_url: None,
        direct_post_url: None,
        status_history: vec![],
        error_msg: None,
        extra: Default::default(),
    }
}

/// An API exchange at `T0_MS + offset_ms`.
pub fn exchange(method: &str, path: &str, status: u16, offset_ms: i64, response: &str) -> Exchange {
    Exchange {
        kind: ExchangeKind::Api,
        started_at_ms: T0_MS + offset_ms,
        method: method.into(),
        url: format!("{ORIGIN}/api/v1{path}"),
        request_headers: vec![
            ("accept".into(), "application/json".into()),
            ("content-type".into(), "application/json".into()),
        ],
        request_body: Some(
            r#"{"card_number":"444433******1111","remote_ip":"157.38.242.7"}"#.into(),
        ),
        status: Some(status),
        response_headers: vec![("content-type".into(), "application/json".into())],
        response_body: Some(response.into()),
        latency_ms: 9.0,
        error: None,
        note: None,
    }
}

/// Step ② after a created purchase, with its history row.
pub fn at_card_step(width: u16, height: u16) -> App {
    let mut app = app(width, height);
    update(
        &mut app,
        Msg::Exchange(Box::new(exchange(
            "POST",
            "/purchases/",
            202,
            0,
            r#"{"purchaseId":"64bfdb7df63e36669499e82f","status":"CREATED"}"#,
        ))),
    );
    reply(&mut app, Answer::Created(Ok(purchase("CREATED"))));
    read_step_two(&mut app);
    app
}

/// Time passes after step ② appeared, as when a user reads it: their send key is then
/// not taken as typed ahead (see `TYPE_AHEAD`).
pub fn read_step_two(app: &mut App) {
    app.card_step_shown = app
        .card_step_shown
        .and_then(|shown| shown.checked_sub(super::app::TYPE_AHEAD));
}

/// Step ③ with 202 pending.
pub fn pending(width: u16, height: u16) -> App {
    let mut app = at_card_step(width, height);
    let callback = format!("{ORIGIN}/api/v1/payment/{PURCHASE_ID}/");
    update(
        &mut app,
        Msg::Exchange(Box::new(exchange(
            "POST",
            &format!("/p/{PURCHASE_ID}/?s2s=true"),
            202,
            6000,
            &format!(r#"{{"status":"pending","callback_url":"{callback}","method":"GET"}}"#),
        ))),
    );
    reply(
        &mut app,
        Answer::S2s(Ok(S2sOutcome::Pending {
            callback_url: callback,
            method: "GET".into(),
        })),
    );
    // The status GET the 202 is followed by (the status shown is the server's).
    reply(&mut app, Answer::Status(Ok(purchase("PENDING_EXECUTE"))));
    app
}

/// Step ③ with the coded "Card is Blocked" error.
pub fn blocked(width: u16, height: u16) -> App {
    let mut app = at_card_step(width, height);
    let body = r#"{"message":"Card is Blocked","code":"transaction_error"}"#;
    update(
        &mut app,
        Msg::Exchange(Box::new(exchange(
            "POST",
            &format!("/p/{PURCHASE_ID}/?s2s=true"),
            400,
            6000,
            body,
        ))),
    );
    app.sent = Some(crate::flow::diagnosis::SentFacts::of(
        &json!({"card_number": "4999000000000120"}),
    ));
    app.attempts = 1;
    reply_with(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into(),
        })),
        Some(exchange(
            "POST",
            &format!("/p/{PURCHASE_ID}/?s2s=true"),
            400,
            6000,
            body,
        )),
    );
    reply(&mut app, Answer::Status(Ok(purchase("CREATED"))));
    app
}

/// An app whose history holds `n` exchanges.
pub fn with_history(width: u16, height: u16, n: usize) -> App {
    let mut app = app(width, height);
    for i in 0..n {
        let path = if i % 2 == 0 {
            "/purchases/".to_string()
        } else {
            format!("/p/{PURCHASE_ID}/?s2s=true")
        };
        app.history.push(exchange(
            "POST",
            &path,
            202,
            i as i64 * 10,
            r#"{"status":"pending"}"#,
        ));
    }
    app
}

/// Drives one whole flow through `update` with synthesized results (no network): create,
/// pay, complete 3DS in the terminal, poll to PAID, receive the webhook, start over.
/// Every effect is answered, so every request ends.
pub fn scripted_flow(app: &mut App, n: u64) {
    use crate::api::MerchantEvent;
    use crate::flow::browser::{BrowserResult, CallbackPage, Landed};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let ctrl_s = Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let t = T0_MS + n as i64 * 1000;
    update(app, ctrl_s);
    update(
        app,
        Msg::Exchange(Box::new(exchange(
            "POST",
            "/purchases/",
            202,
            t - T0_MS,
            r#"{"status":"CREATED"}"#,
        ))),
    );
    reply(app, Answer::Created(Ok(purchase("CREATED"))));
    read_step_two(app);
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let callback = format!("{ORIGIN}/api/v1/payment/{PURCHASE_ID}/");
    update(
        app,
        Msg::Exchange(Box::new(exchange(
            "POST",
            &format!("/p/{PURCHASE_ID}/?s2s=true"),
            202,
            t - T0_MS + 1,
            r#"{"status":"pending"}"#,
        ))),
    );
    reply(
        app,
        Answer::S2s(Ok(S2sOutcome::Pending {
            callback_url: callback.clone(),
            method: "GET".into(),
        })),
    );
    update(app, key(KeyCode::Char('b')));
    reply(
        app,
        Answer::Callback(Ok(CallbackPage::Challenge { form_url: callback })),
    );
    for c in "123456".chars() {
        update(app, key(KeyCode::Char(c)));
    }
    update(app, key(KeyCode::Enter));
    reply(
        app,
        Answer::Browser(Ok(BrowserResult {
            landing_url: "x".into(),
            landed: Some(Landed::Success),
            challenged: true,
            landing_loaded: true,
        })),
    );
    reply(app, Answer::Status(Ok(purchase("PAID"))));
    update(
        app,
        Msg::Merchant(Box::new(MerchantEvent::Webhook {
            purchase_id: PURCHASE_ID.into(),
            status: "paid".into(),
            signature_valid: true,
            received_at_ms: t + 2,
            url: "http://127.0.0.1:1/merchant/webhook".into(),
            signature: None,
            content_type: None,
            body: json!({}),
        })),
    );
    update(app, key(KeyCode::Char('n')));
}

/// The purpose of the request an answer belongs to.
fn purpose_of(answer: &Answer) -> &'static [Purpose] {
    match answer {
        Answer::Created(_) => &[Purpose::Create],
        Answer::S2s(_) => &[Purpose::Pay],
        Answer::Callback(_) => &[Purpose::Callback],
        Answer::Browser(_) => &[Purpose::Challenge],
        Answer::Resent(_) => &[Purpose::Resend],
        Answer::Acted(_) => &[Purpose::Act, Purpose::RefundFollow],
        Answer::Control(_) => &[],
        Answer::Status(_) => &[
            Purpose::Follow(super::app::PollPlan::InTerminal),
            Purpose::Follow(super::app::PollPlan::ExternalBrowser),
            Purpose::Check(CheckReason::AfterFailure),
            Purpose::Check(CheckReason::AfterCancel),
            Purpose::Check(CheckReason::Refresh),
            Purpose::Check(CheckReason::AfterLever),
        ],
    }
}

/// The app's screen as a terminal of its size shows it, one line per row: what the
/// tests read to check that the screen says what the state is.
pub fn screen(app: &App) -> String {
    let (width, height) = app.size;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
        .expect("a test terminal");
    terminal
        .draw(|f| super::views::draw(f, app))
        .expect("a test terminal draws");
    let buffer = terminal.backend().buffer().clone();
    buffer
        .content()
        .chunks(usize::from(width.max(1)))
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

/// Answers the request in flight that `answer` belongs to, as the runner would; when
/// none is in flight (a fixture that skips the key press), one is started first.
pub fn reply_with(app: &mut App, answer: Answer, exchange: Option<Exchange>) -> Vec<Effect> {
    let purposes = purpose_of(&answer);
    let control = matches!(answer, Answer::Control(_));
    let id = match app
        .requests
        .find(|p| purposes.contains(&p) || (control && matches!(p, Purpose::Control(_))))
    {
        Some(request) => request.id,
        None => app.requests.start(
            purposes
                .first()
                .copied()
                .unwrap_or(Purpose::Control(super::requests::ControlOp::ListPurchases)),
            std::time::Duration::from_secs(40),
        ),
    };
    update(
        app,
        Msg::Answer {
            id,
            answer,
            exchange: exchange.map(Box::new),
        },
    )
}

/// [`reply_with`] without an exchange.
pub fn reply(app: &mut App, answer: Answer) -> Vec<Effect> {
    reply_with(app, answer, None)
}

/// The sandbox panel open over a pending purchase, with a fixed list and settings.
pub fn panel(width: u16, height: u16) -> App {
    let mut app = pending(width, height);
    app.overlay = Some(super::app::Overlay::Panel);
    // Two hours old, so the age column reads the same whatever second the test runs.
    let two_hours_ago = crate::clock::now_epoch() - 7200;
    let purchases = [
        (PURCHASE_ID, "PAYMENT_IN_PROCESS", "499445******2359"),
        ("6b0e1237dbd8dad2bf000000", "PAID", "444433******1111"),
        ("6b0e11ba1df5470629000000", "EXPIRED", ""),
    ];
    app.panel.rows = purchases
        .iter()
        .filter_map(|(id, status, card)| {
            super::panel::Row::of(&json!({
                "purchaseId": id, "status": status, "created_on": two_hours_ago,
                "purchase": {"total": 20.0, "currency": "EUR"},
                "transaction_data": {"attempts": [{"extra": {"masked_pan": card}}]}
            }))
        })
        .collect();
    // As the control plane answered them: the lists were read (the delivery log empty).
    app.panel.rows_read = true;
    app.panel.deliveries_read = true;
    app.panel.settings_read = true;
    app.panel.settings =
        Some(json!({"mode": "3d", "attempt_limit": 3, "latency_ms": 0, "timeout_s": 30.0}));
    app.panel.curl = Some(format!(
        "curl -X POST {ORIGIN}/_sandbox/purchases/{PURCHASE_ID}/settle -H 'content-type: application/json' -d '{{\"status\":\"paid\"}}'"
    ));
    app
}

/// The presenter on stop 4 of 8 (insufficient funds) after its status GET: the stop's
/// intro and challenge seen before it (← goes back to them).
pub fn presenter(width: u16, height: u16) -> App {
    use crate::flow::tour::TourView;
    use crate::flow::tour::engine::{Phase, StepLine};
    use crate::flow::tour::{StepKind, StepState};
    let mut app = app(width, height);
    let kinds = [
        StepKind::Create,
        StepKind::S2s,
        StepKind::Callback,
        StepKind::Challenge,
        StepKind::Redirect,
        StepKind::Webhook,
        StepKind::Status,
    ];
    let view = |step: usize, narration: &str, status: Option<&str>| TourView {
        tour_title: "Card payments with Paysecure, server to server".into(),
        phase: if step == 0 { Phase::Intro } else { Phase::Step },
        stop_index: 3,
        stop_count: 8,
        stop_title: "Insufficient funds".into(),
        scenario: "insufficient-funds".into(),
        expect: "error".into(),
        step_number: step,
        steps: kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| StepLine {
                kind: *kind,
                state: if i < step {
                    StepState::Done
                } else {
                    StepState::Pending
                },
                // What the sandbox answers at each step of this scenario.
                note: (i < step).then(|| {
                    [
                        "CREATED",
                        "202 pending",
                        "200 challenge page",
                        "302",
                        "failure page",
                        "signature ✓",
                        "ERROR",
                    ][i]
                        .to_string()
                }),
            })
            .collect(),
        narration: narration.into(),
        status: status.map(str::to_string),
        reason: (step == 7).then(|| "Insufficient fund".to_string()),
        facts: if step == 7 {
            vec![format!("GET /purchases/{PURCHASE_ID}/ → ERROR")]
        } else {
            vec![]
        },
        otp: (step == 3 || step == 4).then(|| "123456".to_string()),
        next: kinds.get(step).copied(),
        // The issuer challenged this card: its callback answered with the OTP page.
        frictionless: (step >= 3).then_some(false),
        purchase_id: (step > 0).then(|| PURCHASE_ID.to_string()),
        results: vec![],
    };
    let views = vec![
        view(
            0,
            "The customer passes 3-D Secure, but the account cannot cover the amount.",
            None,
        ),
        view(
            3,
            "Paysecure answers with a link the customer's browser must open.",
            Some("pending"),
        ),
        view(
            7,
            "ERROR with \"Insufficient fund\": suggest a smaller basket or another card, not a retry of the same one.",
            Some("error"),
        ),
    ];
    app.presenter = Some(Box::new(crate::tui::presenter::Presenter {
        shown: views.len() - 1,
        views,
        auto: false,
        pace: std::time::Duration::from_millis(200),
        busy: false,
        typed: None,
        leave_quits: false,
        note: None,
        since: std::time::Instant::now(),
    }));
    app
}

/// The sandbox's signature of `{PURCHASE_ID}|PAID|brd_fixture` (made once with its
/// published test key and `openssl dgst -sha256 -sign`; PKCS#1 v1.5 is deterministic).
const FIXTURE_SIGNATURE: &str = "oQ8b0RUUUv2sLfdzVk5kzxq10cDD6B/Cfch6Dw+gMBo2jPeincJ9+ceLmD8O76NrsY2hENLB/OP5cg0td8pqHYZp6QzqZOFmu5X6ZPsJ85AKv/K8wHJrPS8VunPZgk5L8HMg/4OBLEoGGacYpgzCWFPipHB5bcWm4orXy3mvNSDTqCBXJEcFuAdXd/c7HQNbk7a2+jSGwOJeFNJuaVHRJeVxm9Pt9rHaeEp2FtJoOVUHFH+LFsrFtllLk/rgE9RSsnrbsWGEw96rK+S3P64/3YFby/bcboUmT43yfU9U9bMkbNGgYlRWHlvWVm3sNJsK6ABbZ05YX/YCeiGj7tq27w==";

/// Presenter mode at the last stop's signature check: every step done, the check made
/// here (the real verification of a real signature) beside the merchant stub's verdict.
pub fn presenter_verify(width: u16, height: u16) -> App {
    use crate::flow::tour::engine::StepLine;
    use crate::flow::tour::{StepKind, StepState, signature_check};
    let mut app = presenter(width, height);
    let public_key = include_str!("../sandbox/keys/webhook-signing-key.pub.pem");
    let check = signature_check::check(
        Ok(public_key),
        PURCHASE_ID,
        "paid",
        "brd_fixture",
        Some(FIXTURE_SIGNATURE),
        Some(true),
    );
    if let Some(view) = app.presenter.as_mut().and_then(|p| p.views.last_mut()) {
        view.stop_index = 7;
        view.stop_title = "Checking the webhook's signature".into();
        view.scenario = "happy-3ds".into();
        view.expect = "paid".into();
        view.status = Some("paid".into());
        view.reason = None;
        view.steps = [
            StepKind::Create,
            StepKind::S2s,
            StepKind::Callback,
            StepKind::Challenge,
            StepKind::Redirect,
            StepKind::Webhook,
            StepKind::Status,
            StepKind::Verify,
        ]
        .into_iter()
        .map(|kind| StepLine {
            kind,
            state: StepState::Done,
            note: None,
        })
        .collect();
        view.step_number = 8;
        view.next = None;
        view.narration = "Your server checks that signature with Paysecure's public key before trusting the status. A forged webhook fails this check.".into();
        view.facts = check.lines;
    }
    app
}

/// A browser exchange (the app acting as the customer's browser) at `T0_MS + offset_ms`.
fn browser_exchange(method: &str, url: &str, status: u16, offset_ms: i64) -> Exchange {
    Exchange {
        kind: ExchangeKind::Browser,
        ..exchange(method, "", status, offset_ms, "")
    }
    .with_url(url)
}

trait WithUrl {
    fn with_url(self, url: &str) -> Exchange;
}

impl WithUrl for Exchange {
    fn with_url(mut self, url: &str) -> Exchange {
        self.url = url.to_string();
        self
    }
}

/// The merchant stub's records of the redirect landing and the webhook, `page` and
/// `status` as the sandbox words them.
fn merchant_records(app: &mut App, page: &str, status: &str, offset_ms: i64) {
    use crate::api::MerchantEvent;
    update(
        app,
        Msg::Merchant(Box::new(MerchantEvent::Webhook {
            purchase_id: PURCHASE_ID.into(),
            status: status.into(),
            signature_valid: true,
            received_at_ms: T0_MS + offset_ms,
            url: format!("{ORIGIN}/merchant/webhook"),
            signature: None,
            content_type: Some("application/json".into()),
            body: json!({"purchaseId": PURCHASE_ID, "status": status}),
        })),
    );
    update(
        app,
        Msg::Merchant(Box::new(MerchantEvent::Landing {
            page: page.into(),
            purchase_id: Some(PURCHASE_ID.into()),
            received_at_ms: T0_MS + offset_ms + 1,
            url: format!("{ORIGIN}/merchant/return/{page}?purchaseId={PURCHASE_ID}"),
        })),
    );
}

/// A frictionless card paid: the callback answered 302 at once, the webhook and the
/// landing arrived, the status GET read PAID.
pub fn frictionless_paid(width: u16, height: u16) -> App {
    use crate::flow::browser::{BrowserResult, CallbackPage, Landed};
    let mut app = pending(width, height);
    let callback = format!("{ORIGIN}/api/v1/payment/{PURCHASE_ID}/");
    update(
        &mut app,
        Msg::Exchange(Box::new(browser_exchange("GET", &callback, 302, 7000))),
    );
    reply(
        &mut app,
        Answer::Callback(Ok(CallbackPage::Redirected(BrowserResult {
            landing_url: format!("{ORIGIN}/merchant/return/success?purchaseId={PURCHASE_ID}"),
            landed: Some(Landed::Success),
            challenged: false,
            landing_loaded: true,
        }))),
    );
    update(
        &mut app,
        Msg::Exchange(Box::new(exchange(
            "GET",
            &format!("/purchases/{PURCHASE_ID}/"),
            200,
            7100,
            r#"{"purchaseId":"64bfdb7df63e36669499e82f","status":"PAID"}"#,
        ))),
    );
    reply(&mut app, Answer::Status(Ok(purchase("PAID"))));
    merchant_records(&mut app, "success", "paid", 7002);
    // The webhook makes the app read the status once more.
    reply(&mut app, Answer::Status(Ok(purchase("PAID"))));
    app
}

/// A challenge answered wrong: the issuer's page, the OTP refused, the failure redirect,
/// the error webhook and the status GET reading ERROR.
pub fn challenge_failed(width: u16, height: u16) -> App {
    use crate::flow::browser::{BrowserResult, CallbackPage, Landed};
    let mut app = pending(width, height);
    let callback = format!("{ORIGIN}/api/v1/payment/{PURCHASE_ID}/");
    update(
        &mut app,
        Msg::Exchange(Box::new(browser_exchange("GET", &callback, 200, 7000))),
    );
    reply(
        &mut app,
        Answer::Callback(Ok(CallbackPage::Challenge {
            form_url: callback.clone(),
        })),
    );
    update(
        &mut app,
        Msg::Exchange(Box::new(browser_exchange("POST", &callback, 302, 9000))),
    );
    merchant_records(&mut app, "failure", "error", 9002);
    reply(
        &mut app,
        Answer::Browser(Ok(BrowserResult {
            landing_url: format!("{ORIGIN}/merchant/return/failure?purchaseId={PURCHASE_ID}"),
            landed: Some(Landed::Failure),
            challenged: true,
            landing_loaded: true,
        })),
    );
    update(
        &mut app,
        Msg::Exchange(Box::new(exchange(
            "GET",
            &format!("/purchases/{PURCHASE_ID}/"),
            200,
            9100,
            r#"{"purchaseId":"64bfdb7df63e36669499e82f","status":"ERROR"}"#,
        ))),
    );
    reply(&mut app, Answer::Status(Ok(purchase("ERROR"))));
    app
}

/// `app` with the flow map open on its current step (or the last one reached).
pub fn with_flow_map(mut app: App) -> App {
    super::flow_map::toggle(&mut app);
    app
}
