//! Unit tests of `update()`: each step transition, validation and error path.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::{Answer, Call, Effect, Msg, Overlay, Pane};
use super::fixture::{self, PURCHASE_ID};
use super::keys::Context;
use super::requests::Purpose;
use super::update::update;
use crate::api::MerchantEvent;
use crate::api::{ApiError, ExchangeKind, PurchaseStatus, TransportKind};
use crate::flow::browser::{BrowserResult, CallbackPage, Landed};
use crate::flow::machine::{Outcome, Step};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}
fn typed(app: &mut super::app::App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

#[test]
fn ctrl_s_on_step_one_creates_the_purchase_from_the_form() {
    let mut app = fixture::app(120, 40);
    let effects = update(&mut app, ctrl('s'));
    let [
        Effect::Call {
            call: Call::CreatePurchase(body),
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(body["client"]["email"], "buyer@example.com");
    assert_eq!(body["merchantRef"], "order-1001");
    assert!(app.requests.find(|p| p == Purpose::Create).is_some());
    assert!(
        update(&mut app, ctrl('s')).is_empty(),
        "no double send while in flight"
    );
}

#[test]
fn ctrl_s_typed_ahead_while_creating_does_not_pay() {
    let mut app = fixture::app(120, 40);
    // Four quick presses: the first creates, the second meets the create in flight, the
    // last two land on step ② just after it appeared.
    assert_eq!(update(&mut app, ctrl('s')).len(), 1, "the create is sent");
    assert!(update(&mut app, ctrl('s')).is_empty(), "in flight");
    fixture::reply(&mut app, Answer::Created(Ok(fixture::purchase("CREATED"))));
    for _ in 0..2 {
        assert!(
            update(&mut app, ctrl('s')).is_empty(),
            "typed ahead: not paid"
        );
        let notice = app.notice.clone().map(|(_, t)| t).unwrap_or_default();
        assert!(
            notice.starts_with("Not paid: Ctrl+S came ")
                && notice.ends_with("Ctrl+S pays from 400 ms on, or at once after any other key."),
            "{notice}"
        );
        assert!(fixture::screen(&app).contains("Not paid"), "said on screen");
    }
    assert_eq!(app.attempts, 0, "no attempt counted");
    // Once the step has been on screen longer than a reaction time, Ctrl+S pays.
    fixture::read_step_two(&mut app);
    let effects = update(&mut app, ctrl('s'));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Call {
                call: Call::S2s { .. },
                ..
            }]
        ),
        "{effects:?}"
    );
}

#[test]
fn ctrl_s_right_after_editing_step_two_pays_however_soon() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(&mut app, Answer::Created(Ok(fixture::purchase("CREATED"))));
    // The card typed at once (a script, a fast typist): the step was seen.
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, ctrl('u'));
    typed(&mut app, "4444333322221111");
    let effects = update(&mut app, ctrl('s'));
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::S2s { body, .. }, .. }] if body["card_number"] == "4444333322221111"),
        "{effects:?}"
    );
}

#[test]
fn created_moves_to_step_two_and_refreshes_merchant_ref() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(&mut app, Answer::Created(Ok(fixture::purchase("CREATED"))));
    assert_eq!(app.flow.step, Step::Card);
    assert_eq!(app.context(), Context::CardForm);
    assert!(app.requests.is_empty(), "{:?}", app.requests);
    assert_ne!(
        app.purchase_form.get("merchantRef").map(|f| f.value()),
        Some("order-1001")
    );
}

#[test]
fn f5_on_step_two_pays_the_created_purchase() {
    let mut app = fixture::at_card_step(120, 40);
    let effects = update(&mut app, key(KeyCode::F(5)));
    let [
        Effect::Call {
            call: Call::S2s { purchase_id, body },
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(purchase_id, PURCHASE_ID);
    assert_eq!(body["card_number"], "4444333322221111");
    assert_eq!(body["java_enabled"], false);
    assert_eq!(body["color_depth"], 24);
}

#[test]
fn warnings_ask_before_sending_anyway() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, ctrl('u'));
    typed(&mut app, "4444333322221112");
    assert!(update(&mut app, ctrl('s')).is_empty(), "first Ctrl+S warns");
    let notice = app.notice.clone().map(|(_, t)| t).unwrap_or_default();
    assert!(notice.contains("card_number: fails Luhn"), "{notice}");
    let effects = update(&mut app, ctrl('s'));
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::S2s { body, .. }, .. }] if body["card_number"] == "4444333322221112")
    );
}

#[test]
fn typing_goes_into_fields_and_q_is_text_there() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('u'));
    typed(&mut app, "q@x.io");
    assert!(!app.quit);
    assert_eq!(
        app.purchase_form.get("client.email").map(|f| f.value()),
        Some("q@x.io")
    );
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(
        app.purchase_form.get("client.email").map(|f| f.value()),
        Some("q@x.i")
    );
}

#[test]
fn tab_shift_tab_enter_move_between_fields() {
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.purchase_form.focus, 2);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(app.purchase_form.focus, 1);
}

#[test]
fn toggles_take_space_and_q_quits_there() {
    let mut app = fixture::at_card_step(120, 40);
    app.card_form.focus = 9; // java_enabled
    update(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(
        app.card_form.get("java_enabled").map(|f| f.value()),
        Some("true")
    );
    update(&mut app, key(KeyCode::Char('q')));
    assert!(
        !app.quit,
        "in insert mode a letter is never a command, even on a toggle"
    );
    assert!(
        notice(&app).contains("java_enabled is a toggle"),
        "{}",
        notice(&app)
    );
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(
        app.card_form.get("java_enabled").map(|f| f.value()),
        Some("false"),
        "Space toggles in normal mode too"
    );
    update(&mut app, key(KeyCode::Char('q')));
    assert!(app.quit, "q quits in normal mode");
}

#[test]
fn pending_then_b_and_otp_completes_in_terminal_and_polls_to_paid() {
    let mut app = fixture::pending(120, 40);
    assert_eq!(app.context(), Context::Result);
    let effects = update(&mut app, key(KeyCode::Char('b')));
    let [
        Effect::Call {
            call: Call::OpenCallback { url },
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("b opens the callback first: {effects:?}")
    };
    assert_eq!(app.overlay, None, "no OTP before the issuer challenges");
    let form_url = url.clone();
    fixture::reply(
        &mut app,
        Answer::Callback(Ok(CallbackPage::Challenge { form_url })),
    );
    assert!(matches!(app.overlay, Some(Overlay::Otp { .. })));
    update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(app.overlay, Some(Overlay::Otp { .. })),
        "an empty OTP is not sent"
    );
    typed(&mut app, "123456");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [
        Effect::Call {
            call: Call::AnswerChallenge { otp, form_url },
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(otp, "123456");
    assert!(form_url.ends_with(&format!("/payment/{PURCHASE_ID}/")));
    let effects = fixture::reply(
        &mut app,
        Answer::Browser(Ok(BrowserResult {
            landing_url: "x".into(),
            landed: Some(Landed::Success),
            challenged: true,
            landing_loaded: true,
        })),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::PollStatus { after, .. }, .. }] if *after == Duration::ZERO)
    );
    let effects = fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PENDING_EXECUTE"))),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::PollStatus { after, .. }, .. }] if *after > Duration::ZERO),
        "keeps polling"
    );
    let effects = fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    assert!(effects.is_empty());
    assert_eq!(
        app.flow.outcome,
        Some(Outcome::Settled {
            status: PurchaseStatus::Paid
        })
    );
    assert!(app.requests.is_empty(), "{:?}", app.requests);
}

#[test]
fn a_202_pending_shows_the_status_the_server_reads_not_one_inferred() {
    let mut app = fixture::at_card_step(120, 40);
    let effects = fixture::reply(
        &mut app,
        Answer::S2s(Ok(crate::api::S2sOutcome::Pending {
            callback_url: format!("{}/api/v1/payment/{PURCHASE_ID}/", fixture::ORIGIN),
            method: "GET".into(),
        })),
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Call {
                call: Call::PollStatus { .. },
                ..
            }]
        ),
        "the status is read: {effects:?}"
    );
    assert_eq!(app.flow.status, None, "the 202 says pending, not a status");
    let screen = fixture::screen(&app);
    assert!(screen.contains("reading…"), "{screen}");
    assert!(!screen.contains("PENDING_EXECUTE"), "{screen}");
    // The sandbox clock had moved: the purchase is already OVERDUE, and that is shown.
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("OVERDUE"))));
    let screen = fixture::screen(&app);
    assert!(screen.contains("OVERDUE"), "{screen}");
    assert!(
        matches!(app.flow.outcome, Some(Outcome::Pending { .. })),
        "its callback still completes it"
    );
}

#[test]
fn a_purchase_the_sandbox_no_longer_has_is_left_not_shown_as_a_refused_payment() {
    // On step ②, the sandbox is reset from the panel: its refresh reads a 404.
    let mut app = fixture::at_card_step(120, 40);
    let effects = super::update::check_status(&mut app, super::requests::CheckReason::Refresh);
    assert_eq!(effects.len(), 1);
    fixture::reply(
        &mut app,
        Answer::Status(Err(ApiError::Coded {
            http_status: 404,
            code: "transaction_error".into(),
            message: "PurchaseId Not found.".into(),
        })),
    );
    assert_eq!(app.flow.step, Step::Purchase);
    assert_eq!(app.flow.purchase_id(), None);
    assert!(
        notice(&app).contains("no longer exists"),
        "{}",
        notice(&app)
    );
    let screen = fixture::screen(&app);
    assert!(!screen.contains("payment call was refused"), "{screen}");
    assert!(!screen.contains("still payable"), "{screen}");
}

#[test]
fn polling_is_bounded() {
    let mut app = fixture::pending(120, 40);
    fixture::reply(
        &mut app,
        Answer::Browser(Ok(BrowserResult {
            landing_url: "x".into(),
            landed: None,
            challenged: false,
            landing_loaded: true,
        })),
    );
    let mut polls = 0;
    loop {
        let effects = fixture::reply(
            &mut app,
            Answer::Status(Ok(fixture::purchase("PENDING_EXECUTE"))),
        );
        if effects.is_empty() {
            break;
        }
        polls += 1;
        assert!(polls < 100, "unbounded");
    }
    assert!(app.requests.is_empty(), "{:?}", app.requests);
    assert!(app.notice.is_some(), "says it gave up waiting");
}

/// A callback the URL parser writes back otherwise (`HTTP://`, a space) is opened in that
/// form; the opener's answer about it is still said (it was dropped as "another URL").
#[test]
fn the_openers_answer_is_said_for_a_callback_written_back_otherwise() {
    let mut app = fixture::pending(120, 40);
    let odd = "HTTP://127.0.0.1:9/api/v1/payment/x/?lang=en US";
    app.flow.callback_url = Some(odd.into());
    app.flow.outcome = Some(Outcome::Pending {
        callback_url: odd.into(),
    });
    let effects = update(&mut app, key(KeyCode::Char('o')));
    let Some(Effect::OpenBrowser(opened)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(opened, "http://127.0.0.1:9/api/v1/payment/x/?lang=en%20US");
    let effects = update(
        &mut app,
        Msg::Opened {
            url: opened.clone(),
            result: Err("no browser".into()),
        },
    );
    assert!(matches!(effects.as_slice(), [Effect::Copy(u)] if u == opened));
    assert!(notice(&app).contains("no browser"), "{}", notice(&app));
}

/// A coded error from the browser step (the callback page answered 404) is headlined as
/// that step's, not as a refused payment call.
#[test]
fn a_coded_error_from_the_browser_step_is_headlined_as_that_step() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('b')));
    fixture::reply(
        &mut app,
        Answer::Callback(Err(ApiError::Coded {
            http_status: 404,
            code: "not_found".into(),
            message: "Not found".into(),
        })),
    );
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("not_found — the browser step (callback page,"),
        "{screen}"
    );
    assert!(!screen.contains("payment call was refused"), "{screen}");
}

/// A status GET that fails while the purchase is followed is said beside the status it
/// could not read ("reading…" alone hid an answer too large at every poll).
#[test]
fn a_failing_status_read_is_said_beside_the_status() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('o')));
    fixture::reply(
        &mut app,
        Answer::Status(Err(ApiError::Transport {
            kind: TransportKind::BodyTooLarge,
            http_status: Some(200),
            detail: "response body over 8 MiB".into(),
        })),
    );
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("PENDING_EXECUTE (the last read failed:")
            && screen.contains("response too large)"),
        "{screen}"
    );
    fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PENDING_EXECUTE"))),
    );
    assert!(!fixture::screen(&app).contains("the last read failed"));
}

/// After a failed browser step, a new payment's refusal is the payment's: its headline
/// does not name the browser step that failed before it.
#[test]
fn a_new_payments_refusal_is_not_headlined_as_the_earlier_browser_step() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('b')));
    fixture::reply(
        &mut app,
        Answer::Callback(Err(ApiError::Coded {
            http_status: 404,
            code: "not_found".into(),
            message: "Not found".into(),
        })),
    );
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    app.requests.end_where(|_| true);
    app.flow.edit_card();
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into(),
        })),
    );
    let screen = fixture::screen(&app);
    assert!(screen.contains("— the payment call was"), "{screen}");
    assert!(!screen.contains("browser step"), "{screen}");
}

#[test]
fn open_browser_failure_shows_and_copies_the_url() {
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, key(KeyCode::Char('o')));
    assert!(matches!(effects.first(), Some(Effect::OpenBrowser(u)) if u.contains("/payment/")));
    assert!(
        matches!(
            effects.get(1),
            Some(Effect::Call {
                call: Call::PollStatus { .. },
                ..
            })
        ),
        "follows the purchase"
    );
    let url = app.flow.callback_url.clone().unwrap_or_default();
    let effects = update(
        &mut app,
        Msg::Opened {
            url,
            result: Err("no browser".into()),
        },
    );
    assert!(matches!(effects.as_slice(), [Effect::Copy(u)] if u.contains("/payment/")));
    let told = notice(&app);
    assert!(
        told.contains("no browser") && told.contains("/payment/"),
        "{told}"
    );
    assert_eq!(
        app.open_failure.as_deref(),
        Some("no browser"),
        "the result screen says it too"
    );
    // Paid elsewhere (the URL pasted into another machine's browser): the notice that
    // asked for that is over once the follow-up reads a final status.
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    assert_eq!(app.flow.status, Some(PurchaseStatus::Paid));
    assert!(!notice(&app).contains("No browser"), "{}", notice(&app));
}

#[test]
fn the_normal_mode_notice_goes_when_insert_mode_comes_back() {
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.mode, super::app::Mode::Normal);
    update(&mut app, key(KeyCode::Char('z')));
    assert!(notice(&app).starts_with("Normal mode"), "{}", notice(&app));
    update(&mut app, key(KeyCode::Char('i')));
    assert_eq!(app.mode, super::app::Mode::Insert);
    assert_eq!(notice(&app), "");
}

#[test]
fn coded_error_asks_for_status_then_edit_retry_returns_to_the_card() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    let effects = fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into(),
        })),
    );
    // The status GET first (and the sandbox's settings, read once at a refusal).
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::Call {
                call: Call::PollStatus { .. },
                ..
            },
            ..
        ]
    ));
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    assert!(matches!(app.flow.outcome, Some(Outcome::Coded(_))));
    update(&mut app, key(KeyCode::Char('v')));
    assert!(app.show_raw);
    update(&mut app, key(KeyCode::Char('e')));
    assert_eq!(app.context(), Context::CardForm);
    assert!(app.flow.can_retry_same_purchase());
}

#[test]
fn transport_failure_retries_with_r_and_new_purchase_with_n() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::Created(Err(ApiError::Transport {
            kind: TransportKind::ConnectionRefused,
            http_status: None,
            detail: "refused".into(),
        })),
    );
    assert_eq!(app.context(), Context::Result);
    let effects = update(&mut app, key(KeyCode::Char('r')));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Call {
            call: Call::CreatePurchase(_),
            ..
        }]
    ));
    fixture::reply(
        &mut app,
        Answer::Created(Err(ApiError::Transport {
            kind: TransportKind::Timeout,
            http_status: None,
            detail: "t".into(),
        })),
    );
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.context(), Context::PurchaseForm);
    assert_eq!(app.flow.outcome, None);
}

/// A payment cut off whose status GET then says PAID (or anything but payable): r reads
/// the status, as the screen says; sending the card again could pay twice.
#[test]
fn a_cut_payment_that_may_have_paid_is_not_sent_again_by_r() {
    for status in ["PAID", "PENDING_EXECUTE", "ERROR"] {
        let mut app = fixture::at_card_step(120, 40);
        update(&mut app, ctrl('s'));
        fixture::reply(
            &mut app,
            Answer::S2s(Err(ApiError::Transport {
                kind: TransportKind::Timeout,
                http_status: None,
                detail: "timed out".into(),
            })),
        );
        fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase(status))));
        assert!(!app.retry_repeats_a_call(), "{status}");
        let effects = update(&mut app, key(KeyCode::Char('r')));
        assert!(
            !effects.iter().any(|e| matches!(
                e,
                Effect::Call {
                    call: Call::S2s { .. },
                    ..
                }
            )),
            "{status}: r sent the card again"
        );
        assert!(
            effects.iter().any(|e| matches!(
                e,
                Effect::Call {
                    call: Call::PollStatus { .. },
                    ..
                }
            )),
            "{status}: r reads the status"
        );
    }
    // Still CREATED with attempts left: r sends the payment again.
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Transport {
            kind: TransportKind::ConnectionClosed,
            http_status: None,
            detail: "closed".into(),
        })),
    );
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    assert!(app.retry_repeats_a_call());
}

/// With its attempts used up a CREATED purchase cannot be paid: e says so and stays, the
/// footer offers no e, and r reads the status instead of a fourth call.
#[test]
fn a_purchase_with_its_attempts_used_up_is_not_offered_for_another_payment() {
    let mut app = fixture::at_card_step(120, 40);
    for _ in 0..3 {
        app.flow.edit_card();
        update(&mut app, ctrl('s'));
        fixture::reply(
            &mut app,
            Answer::S2s(Err(ApiError::Transport {
                kind: TransportKind::ConnectionClosed,
                http_status: None,
                detail: "closed".into(),
            })),
        );
        fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    }
    assert_eq!(app.attempts, 3);
    assert!(!app.may_pay_again());
    assert!(!app.retry_repeats_a_call());
    let screen = fixture::screen(&app);
    assert!(screen.contains("attempts are used up"), "{screen}");
    assert!(!screen.contains("e edit"), "{screen}");
    update(&mut app, key(KeyCode::Char('e')));
    assert_eq!(app.context(), Context::Result);
    assert!(
        notice(&app).contains("attempts are used up"),
        "{}",
        notice(&app)
    );
}

/// A refused payment reads the sandbox's settings (once): a sandbox that allows more
/// attempts than Paysecure's three (set on the panel, or kept from an earlier run) is not
/// said to be used up after three.
#[test]
fn a_refused_payment_reads_the_sandboxs_attempt_limit() {
    let mut app = fixture::at_card_step(120, 40);
    let mut settings_reads = 0;
    for attempt in 1..=3 {
        app.flow.edit_card();
        let sent = update(&mut app, ctrl('s'));
        assert!(
            !sent.iter().any(|e| matches!(
                e,
                Effect::Call {
                    call: Call::Control { .. },
                    ..
                }
            )),
            "a payment itself reads nothing"
        );
        let effects = fixture::reply(
            &mut app,
            Answer::S2s(Err(ApiError::Transport {
                kind: TransportKind::ConnectionClosed,
                http_status: None,
                detail: "closed".into(),
            })),
        );
        let reads_settings = effects.iter().any(|e| {
            matches!(e, Effect::Call { call: Call::Control { url, .. }, .. } if url.ends_with("/settings"))
        });
        assert_eq!(reads_settings, attempt == 1, "attempt {attempt}");
        if reads_settings {
            settings_reads += 1;
            answer_control(
                &mut app,
                &effects,
                "/settings",
                serde_json::json!({"mode": "2d", "attempt_limit": 5, "latency_ms": 0, "timeout_s": 30.0}),
            );
        }
        fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    }
    assert_eq!(settings_reads, 1);
    assert_eq!(app.attempt_limit(), 5);
    assert!(app.may_pay_again(), "3 of the sandbox's 5 attempts used");
    let screen = fixture::screen(&app);
    assert!(!screen.contains("attempts are used up"), "{screen}");
}

/// Another server on loopback (not this project's sandbox: no published key) is asked
/// for no `/_sandbox/settings` after a refusal.
#[test]
fn a_refusal_from_another_local_server_reads_no_sandbox_settings() {
    let mut app = fixture::at_card_step(120, 40);
    app.endpoint.embedded = false;
    app.public_key_pem = None;
    assert!(app.endpoint.local);
    update(&mut app, ctrl('s'));
    let effects = fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into(),
        })),
    );
    assert!(
        !effects.iter().any(|e| matches!(
            e,
            Effect::Call {
                call: Call::Control { .. },
                ..
            }
        )),
        "{effects:?}"
    );
}

/// A settings read of the result screen's own that fails says nothing (the default limit
/// stands, as before it); the panel's own reads say their failures.
#[test]
fn a_failed_settings_read_for_the_result_is_quiet() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    let effects = fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into(),
        })),
    );
    let before = notice(&app);
    control_times_out(&mut app, &effects, "/settings");
    assert_eq!(notice(&app), before);
    assert_eq!(app.attempt_limit(), 3);
}

/// A signed webhook announcing `status` for `purchase_id` at the merchant stub.
fn webhook(purchase_id: &str, status: &str) -> Msg {
    Msg::Merchant(Box::new(MerchantEvent::Webhook {
        purchase_id: purchase_id.into(),
        status: status.into(),
        signature_valid: true,
        received_at_ms: 0,
        url: "http://127.0.0.1:1/merchant/webhook".into(),
        signature: None,
        content_type: None,
        body: serde_json::json!({}),
    }))
}

/// A success landing at the merchant stub, for a purchase not shown.
fn success_landing_of_another_purchase() -> Msg {
    Msg::Merchant(Box::new(MerchantEvent::Landing {
        page: "success".into(),
        purchase_id: Some("other".into()),
        received_at_ms: 0,
        url: "http://127.0.0.1:1/merchant/return/success?purchaseId=other".into(),
    }))
}

#[test]
fn webhooks_for_this_purchase_are_shown_and_all_events_reach_history() {
    let mut app = fixture::pending(120, 40);
    let before = app.history.len();
    update(&mut app, webhook(PURCHASE_ID, "paid"));
    update(&mut app, success_landing_of_another_purchase());
    assert_eq!(app.history.len(), before + 2);
    assert_eq!(
        app.webhook
            .as_ref()
            .map(|w| (w.status.as_str(), w.signature_valid)),
        Some(("paid", true))
    );
}

#[test]
fn history_focus_detail_copy_and_resend() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::F(6)));
    assert_eq!(app.pane, Pane::History);
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.history.selected, 1);
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(
        app.overlay,
        Some(Overlay::Detail { index: 1, .. })
    ));
    let effects = update(&mut app, key(KeyCode::Char('c')));
    assert!(
        matches!(effects.as_slice(), [Effect::Copy(c)] if c.starts_with("curl") && c.contains("$PAYSECURE_API_KEY"))
    );
    let effects = update(&mut app, key(KeyCode::Char('r')));
    assert!(
        effects.is_empty()
            && app
                .notice
                .as_ref()
                .is_some_and(|(_, t)| t.contains("cannot be replayed as recorded")),
        "a create record is not replayed with a masked card: {effects:?}"
    );
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, None);
}

#[test]
fn an_open_detail_keeps_showing_its_exchange_while_new_rows_arrive() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::F(6)));
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Enter));
    let shown = |app: &super::app::App| match &app.overlay {
        Some(Overlay::Detail { index, .. }) => app.history.newest(*index).map(|e| e.url.clone()),
        _ => None,
    };
    let before = shown(&app).expect("a detail is open");
    // What r said about this exchange closes with its detail.
    app.notice = Some((super::app::Level::Warn, "about this row".into()));
    // Said by a key on the detail (a copy, a refusal to resend).
    app.notice_by_user = true;
    for n in 0..3 {
        let ex = fixture::exchange("GET", &format!("/purchases/other-{n}/"), 200, 5, "{}");
        update(&mut app, Msg::Exchange(Box::new(ex)));
    }
    assert_eq!(
        shown(&app),
        Some(before.clone()),
        "the detail moved to another exchange"
    );
    // What the merchant stub receives too: a webhook (after a resent refund, say) and a
    // landing.
    update(&mut app, webhook("other", "paid"));
    update(&mut app, success_landing_of_another_purchase());
    assert_eq!(
        shown(&app),
        Some(before),
        "a webhook or a landing moved the detail to another exchange"
    );
    assert_eq!(notice(&app), "about this row");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(notice(&app), "", "the detail's notice closes with it");
}

/// What a key did is about the screen it was pressed on: moving to the flow map, or back
/// from it, takes it away; a picker over the form leaves it read.
#[test]
fn a_keys_notice_does_not_follow_the_user_to_another_screen() {
    let mut app = fixture::at_card_step(120, 40);
    // The first Esc leaves the field; the second has nothing to cancel.
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Esc));
    let nothing = notice(&app);
    assert!(nothing.contains("nothing in flight to cancel"), "{nothing}");
    update(&mut app, ctrl('f'));
    assert!(matches!(app.overlay, Some(Overlay::FlowMap { .. })));
    assert_eq!(notice(&app), "", "the Esc's notice followed into the map");
    // Enter on the current step, which has no row yet, says so on the map.
    update(&mut app, key(KeyCode::Enter));
    assert!(notice(&app).contains("no history row"), "{}", notice(&app));
    update(&mut app, ctrl('f'));
    assert!(app.overlay.is_none());
    assert_eq!(notice(&app), "", "the map's notice outlived the map");
    // The card picker serves the form under it.
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(notice(&app), nothing);
    update(&mut app, key(KeyCode::F(2)));
    assert!(matches!(app.overlay, Some(Overlay::Cards(_))));
    assert_eq!(notice(&app), nothing);
}

/// Where the flow stands is no key's answer: it stays read over help and over a detail,
/// and after they close.
#[test]
fn where_the_flow_stands_stays_over_help_and_a_detail() {
    type Opens = fn(&mut super::app::App);
    let help: Opens = |app| {
        update(app, key(KeyCode::F(1)));
    };
    let detail: Opens = |app| {
        app.pane = Pane::History;
        update(app, key(KeyCode::Enter));
    };
    type Opened = fn(&Overlay) -> bool;
    let is_help: Opened = |o| matches!(o, Overlay::Help { .. });
    let is_detail: Opened = |o| matches!(o, Overlay::Detail { .. });
    let cases = [
        (fixture::at_card_step(120, 40), "Step ②", help, is_help),
        (fixture::pending(120, 40), "202 pending", detail, is_detail),
    ];
    for (mut app, stands, opens, opened) in cases {
        let said = notice(&app);
        assert!(said.contains(stands), "{said}");
        opens(&mut app);
        assert!(
            app.overlay.as_ref().is_some_and(opened),
            "{stands}: {:?}",
            app.overlay
        );
        assert_eq!(notice(&app), said);
        update(&mut app, key(KeyCode::Esc));
        assert!(app.overlay.is_none(), "{stands}");
        assert_eq!(notice(&app), said);
    }
}

/// The test-card picker ends above the notice line: what the last key did stays read.
#[test]
fn the_card_picker_leaves_the_notice_line_visible() {
    for (w, h) in [(120, 40), (118, 22), (80, 24)] {
        let mut app = fixture::at_card_step(w, h);
        app.notice = Some((
            super::app::Level::Info,
            "Purchase created. Step two.".into(),
        ));
        update(&mut app, key(KeyCode::F(2)));
        assert!(matches!(app.overlay, Some(Overlay::Cards(_))));
        let screen = fixture::screen(&app);
        assert!(
            screen.contains("Purchase created. Step two."),
            "{w}x{h}: {screen}"
        );
    }
}

#[test]
fn picker_fills_the_card_and_presets_fill_the_device() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, key(KeyCode::F(2)));
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.card_form.get("card_number").map(|f| f.value()),
        Some("5116213113429327")
    );
    update(&mut app, key(KeyCode::F(3)));
    for _ in 0..3 {
        update(&mut app, key(KeyCode::Down));
    }
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.card_form.get("screen_width").map(|f| f.value()),
        Some("390")
    );
}

#[test]
fn help_opens_with_f1_anywhere_and_question_mark_outside_text() {
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::Char('?')));
    assert_eq!(app.overlay, None, "? is text in a field");
    update(&mut app, key(KeyCode::F(1)));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ctrl('c'));
    assert!(app.quit);
}

#[test]
fn theme_switches_at_run_time() {
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::F(9)));
    assert_eq!(app.theme.name, "light");
}

#[test]
fn mouse_clicks_focus_fields_and_history_rows() {
    let mut app = fixture::pending(120, 40);
    app.flow.edit_card();
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row: 5,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.card_form.focus, 2, "third field row");
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 80,
            row: 4,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.pane, Pane::History);
    assert_eq!(app.history.selected, 1);
}

#[test]
fn product_rows_are_added_and_removed() {
    let mut app = fixture::app(120, 40);
    update(&mut app, key(KeyCode::F(4)));
    assert_eq!(super::step_forms::product_count(&app.purchase_form), 2);
    update(&mut app, key(KeyCode::F(8)));
    assert_eq!(super::step_forms::product_count(&app.purchase_form), 1);
}

#[test]
fn slash_filters_history_and_x_exports_what_is_shown() {
    let mut app = fixture::pending(120, 40);
    app.export_dir = Some(std::path::PathBuf::from("/tmp/pse-exports"));
    update(&mut app, key(KeyCode::F(6)));
    update(&mut app, key(KeyCode::Char('/')));
    assert!(matches!(app.overlay, Some(Overlay::Filter { .. })));
    typed(&mut app, "s2s");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.history.len(), 1);
    assert_eq!(app.history.total(), 2);
    let effects = update(&mut app, key(KeyCode::Char('x')));
    let [Effect::ExportHar { path, export }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(export.exchanges.len(), 1);
    assert_eq!(export.earlier, None, "no earlier rows in this fixture");
    assert!(
        path.to_string_lossy().contains("paysecure-s2s-"),
        "{}",
        path.display()
    );
    update(&mut app, key(KeyCode::Char('/')));
    update(&mut app, ctrl('u'));
    for _ in 0..3 {
        update(&mut app, key(KeyCode::Backspace));
    }
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.history.len(), 2, "an empty filter clears");
}

#[test]
fn scenarios_load_into_the_forms_and_save_without_secrets() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, key(KeyCode::F(7)));
    assert!(matches!(app.overlay, Some(Overlay::Scenarios { .. })));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::LoadScenario("happy-3ds".into())]);
    let blocked = crate::flow::scenario::load("blocked-customer", None).expect("shipped");
    update(
        &mut app,
        Msg::ScenarioLoaded(Ok(("blocked-customer".into(), blocked))),
    );
    assert_eq!(
        app.flow.step,
        Step::Purchase,
        "a scenario starts over at step one"
    );
    assert_eq!(
        app.purchase_form.get("client.email").map(|f| f.value()),
        Some("someone@blocked.example")
    );
    update(&mut app, key(KeyCode::F(10)));
    typed(&mut app, "my-case");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::SaveScenario { name, scenario }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(name, "my-case");
    assert!(scenario.payment.get("cvc").is_none());
    assert!(scenario.purchase.get("merchantRef").is_none());
    assert!(app.scenario_names.contains(&"my-case".to_string()));
    // The same name again, or a shipped one's: asked first, saved on the second Enter.
    for (name, says) in [
        ("my-case", "is saved already"),
        ("blocked-customer", "is a shipped scenario"),
    ] {
        update(&mut app, key(KeyCode::F(10)));
        typed(&mut app, name);
        assert!(update(&mut app, key(KeyCode::Enter)).is_empty(), "{name}");
        assert!(notice(&app).contains(says), "{name}: {}", notice(&app));
        let effects = update(&mut app, key(KeyCode::Enter));
        assert!(
            matches!(effects.as_slice(), [Effect::SaveScenario { name: saved, .. }] if saved == name),
            "{name}: {effects:?}"
        );
    }
    // The picker says the saved file replaces the shipped scenario of its name.
    update(&mut app, key(KeyCode::F(7)));
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("yours (replaces the shipped one)"),
        "{screen}"
    );
    update(&mut app, key(KeyCode::Esc));
    // Esc on the question closes it with its notice; the name asks again next time.
    update(&mut app, key(KeyCode::F(10)));
    typed(&mut app, "my-case");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(notice(&app), "");
    update(&mut app, key(KeyCode::F(10)));
    typed(&mut app, "my-case");
    assert!(
        update(&mut app, key(KeyCode::Enter)).is_empty(),
        "asked again"
    );
}

#[test]
fn in_terminal_3ds_is_offered_only_where_it_can_work() {
    let mut app = fixture::pending(120, 40);
    app.endpoint.local = false;
    app.endpoint.embedded = false;
    update(&mut app, key(KeyCode::Char('b')));
    assert_eq!(app.overlay, None);
    let notice = app.notice.clone().map(|(_, t)| t).unwrap_or_default();
    assert!(notice.contains("press o"), "{notice}");
}

#[test]
fn scripted_flows_end_every_request_and_keep_memory_bounded() {
    let mut app = fixture::app(120, 40);
    app.history = super::history::History::with_cap(500);
    for n in 0..300 {
        fixture::scripted_flow(&mut app, n);
        assert!(app.requests.is_empty(), "flow {n} left a request in flight");
    }
    assert!(app.history.total() <= 550, "{}", app.history.total());
    assert_eq!(app.context(), Context::PurchaseForm);
}

mod properties {
    use proptest::prelude::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::api::{Purchase, S2sOutcome};
    use crate::tui::app::App;

    /// A user action or a network outcome.
    #[derive(Debug, Clone)]
    enum Step {
        Key(KeyCode, bool),
        Resolve { ok: bool, which: usize },
        Resize(u16, u16),
    }

    fn keys() -> impl Strategy<Value = (KeyCode, bool)> {
        let codes = prop_oneof![
            Just(KeyCode::Tab),
            Just(KeyCode::BackTab),
            Just(KeyCode::Enter),
            Just(KeyCode::Esc),
            Just(KeyCode::Up),
            Just(KeyCode::Down),
            Just(KeyCode::PageDown),
            Just(KeyCode::Backspace),
            Just(KeyCode::F(1)),
            Just(KeyCode::F(2)),
            Just(KeyCode::F(3)),
            Just(KeyCode::F(4)),
            Just(KeyCode::F(5)),
            Just(KeyCode::F(6)),
            Just(KeyCode::F(7)),
            Just(KeyCode::F(8)),
            Just(KeyCode::F(9)),
            Just(KeyCode::F(10)),
            prop::char::range(' ', '~').prop_map(KeyCode::Char),
        ];
        (codes, prop::bool::weighted(0.1))
    }

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        prop::collection::vec(
            prop_oneof![
                6 => keys().prop_map(|(k, ctrl)| Step::Key(k, ctrl)),
                3 => (any::<bool>(), 0usize..4).prop_map(|(ok, which)| Step::Resolve { ok, which }),
                1 => (20u16..160, 8u16..60).prop_map(|(w, h)| Step::Resize(w, h)),
            ],
            0..80,
        )
    }

    fn purchase(status: &str) -> Purchase {
        fixture::purchase(status)
    }

    /// The message a finished effect sends back, good or bad.
    fn answer(effect: &Effect, ok: bool) -> Option<Msg> {
        let fail = || ApiError::Transport {
            kind: TransportKind::Timeout,
            http_status: None,
            detail: "t".into(),
        };
        let reply = |id: u64, answer: Answer| Msg::Answer {
            id,
            answer,
            exchange: None,
        };
        Some(match effect {
            Effect::Call { id, call } => reply(
                *id,
                match call {
                    Call::CreatePurchase(_) => Answer::Created(if ok {
                        Ok(purchase("CREATED"))
                    } else {
                        Err(fail())
                    }),
                    Call::S2s { .. } => Answer::S2s(if ok {
                        Ok(S2sOutcome::Pending {
                            callback_url: "http://127.0.0.1:9/api/v1/payment/x/".into(),
                            method: "GET".into(),
                        })
                    } else {
                        Err(ApiError::Coded {
                            http_status: 400,
                            code: "transaction_error".into(),
                            message: "Card is Blocked".into(),
                        })
                    }),
                    Call::OpenCallback { url } => Answer::Callback(if ok {
                        Ok(CallbackPage::Challenge {
                            form_url: url.clone(),
                        })
                    } else {
                        Err(fail())
                    }),
                    Call::AnswerChallenge { .. } => Answer::Browser(if ok {
                        Ok(BrowserResult {
                            landing_url: "x".into(),
                            landed: Some(Landed::Success),
                            challenged: true,
                            landing_loaded: true,
                        })
                    } else {
                        Err(fail())
                    }),
                    Call::PollStatus { .. } => Answer::Status(if ok {
                        Ok(purchase("PAID"))
                    } else {
                        Ok(purchase("PENDING_EXECUTE"))
                    }),
                    Call::Resend { .. } => Answer::Resent(if ok {
                        Ok(serde_json::json!({}))
                    } else {
                        Err(fail())
                    }),
                    Call::Act { .. } => Answer::Acted(if ok {
                        Ok(serde_json::json!({"purchaseId": "x", "status": "REFUNDED"}))
                    } else {
                        Err(fail())
                    }),
                    Call::Control { .. } => Answer::Control(if ok {
                        Ok(serde_json::json!([]))
                    } else {
                        Err(fail())
                    }),
                },
            ),
            Effect::OpenBrowser(url) => Msg::Opened {
                url: url.clone(),
                result: if ok { Ok(()) } else { Err("no browser".into()) },
            },
            Effect::ExportHar { .. } | Effect::SaveScenario { .. } => Msg::Saved(if ok {
                Ok("ok".into())
            } else {
                Err("disk full".into())
            }),
            Effect::LoadScenario(name) => Msg::ScenarioLoaded(
                crate::flow::scenario::load(name, None).map(|s| (name.clone(), s)),
            ),
            // The editor leaves the text as it was, or could not run.
            Effect::EditJson { text } => Msg::EditedJson(if ok {
                Ok(text.clone())
            } else {
                Err("the editor failed".into())
            }),
            Effect::Copy(_) | Effect::Cancel(_) | Effect::Record(_) => return None,
            // The tour's engine answers with views; presenter tests feed those directly.
            Effect::TourStart { .. } | Effect::TourAdvance | Effect::TourEnd => return None,
        })
    }

    fn draw(app: &App) {
        let (w, h) = app.size;
        let mut terminal = Terminal::new(TestBackend::new(w.max(1), h.max(1))).expect("terminal");
        terminal
            .draw(|f| crate::tui::views::draw(f, app))
            .expect("draw");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Any sequence of user actions and network outcomes leaves a drawable state, and
        /// once every outstanding request is answered nothing is left in flight.
        #[test]
        fn any_sequence_stays_drawable_and_every_request_ends(steps in steps()) {
            let mut app = fixture::app(120, 40);
            let mut pending: Vec<Effect> = Vec::new();
            for step in steps {
                let effects = match step {
                    Step::Key(code, ctrl_mod) => {
                        let mods = if ctrl_mod { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
                        update(&mut app, Msg::Key(KeyEvent::new(code, mods)))
                    }
                    Step::Resolve { ok, which } if !pending.is_empty() => {
                        let effect = pending.remove(which % pending.len());
                        match answer(&effect, ok) {
                            Some(msg) => update(&mut app, msg),
                            None => vec![],
                        }
                    }
                    Step::Resolve { .. } => vec![],
                    Step::Resize(w, h) => update(&mut app, Msg::Resize(w, h)),
                };
                pending.extend(effects);
                if app.quit {
                    return Ok(());
                }
                draw(&app);
            }
            // Answer everything still outstanding (and what those answers start).
            let mut rounds = 0;
            while let Some(effect) = pending.pop() {
                rounds += 1;
                prop_assert!(rounds < 1000, "requests never end");
                if let Some(msg) = answer(&effect, true) {
                    pending.extend(update(&mut app, msg));
                }
            }
            prop_assert!(app.requests.is_empty(), "{:?}", app.requests);
            draw(&app);
        }
    }
}

#[test]
fn the_cursor_moves_and_edits_in_the_middle() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('u'));
    typed(&mut app, "ab@x.io");
    for _ in 0..5 {
        update(&mut app, key(KeyCode::Left));
    }
    typed(&mut app, "Z");
    update(&mut app, key(KeyCode::Delete));
    assert_eq!(
        app.purchase_form.get("client.email").map(|f| f.value()),
        Some("abZx.io")
    );
    update(&mut app, key(KeyCode::Home));
    update(&mut app, key(KeyCode::Backspace));
    typed(&mut app, ">");
    update(&mut app, key(KeyCode::End));
    typed(&mut app, "!");
    assert_eq!(
        app.purchase_form.get("client.email").map(|f| f.value()),
        Some(">abZx.io!")
    );
}

#[test]
fn late_answers_about_a_left_purchase_are_dropped() {
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, key(KeyCode::Char('o')));
    let Some(follow) = effects.iter().find_map(|e| match e {
        Effect::Call {
            id,
            call: Call::PollStatus { .. },
        } => Some(*id),
        _ => None,
    }) else {
        panic!("{effects:?}")
    };
    let effects = update(&mut app, key(KeyCode::Char('n')));
    assert!(
        effects.contains(&Effect::Cancel(follow)),
        "following stops with the new purchase: {effects:?}"
    );
    assert!(app.requests.is_empty());
    let effects = update(
        &mut app,
        Msg::Answer {
            id: follow,
            answer: Answer::Status(Ok(fixture::purchase("PAID"))),
            exchange: None,
        },
    );
    assert!(effects.is_empty());
    assert_eq!(
        app.context(),
        Context::PurchaseForm,
        "the stale PAID does not take over the screen"
    );
    assert_eq!(app.flow.purchase, None);
    assert!(
        !update(&mut app, ctrl('s')).is_empty(),
        "a new purchase can be sent"
    );
}

fn s2s_id(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Call {
                id,
                call: Call::S2s { .. },
            } => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no S2S call in {effects:?}"))
}

fn notice(app: &super::app::App) -> String {
    app.notice.clone().map(|(_, t)| t).unwrap_or_default()
}

#[test]
fn esc_cancels_the_payment_records_it_and_asks_the_status() {
    let mut app = fixture::at_card_step(120, 40);
    let effects = update(&mut app, ctrl('s'));
    let pay = s2s_id(&effects);
    let line = {
        let r = app.requests.newest().expect("in flight");
        r.progress(r.started)
    };
    assert_eq!(line, "0.0 s / 40 s");
    let effects = update(&mut app, key(KeyCode::Esc));
    assert!(effects.contains(&Effect::Cancel(pay)), "{effects:?}");
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Record(r)
            if r.error.as_deref().is_some_and(|t| t.starts_with("cancelled"))
            && r.url.ends_with("?s2s=true")
            && r.request_body.as_deref().is_some_and(|b| b.contains("444433******1111")))),
        "the cut-off call is recorded, card masked: {effects:?}"
    );
    assert_eq!(app.context(), Context::CardForm, "editable at once");
    assert!(
        app.requests.find(|p| p == Purpose::Pay).is_none(),
        "the payment is no longer in flight"
    );
    // A late answer of the cancelled call changes nothing.
    update(
        &mut app,
        Msg::Answer {
            id: pay,
            answer: Answer::S2s(Err(ApiError::Coded {
                http_status: 504,
                code: "exception".into(),
                message: "Gateway Timeout".into(),
            })),
            exchange: None,
        },
    );
    assert_eq!(app.flow.outcome, None);
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    // This project's sandbox stops a call whose connection closed: the retry can work.
    assert!(
        notice(&app).contains("still CREATED, and this sandbox stops a call")
            && notice(&app).contains("a retry can work"),
        "{}",
        notice(&app)
    );
    // Read whole at 80 columns: its last words are on the screen, not cut off.
    app.size = (80, 24);
    let screen = fixture::screen(&app);
    assert!(screen.contains("its attempts)."), "{screen}");
    assert!(app.requests.is_empty());
}

#[test]
fn esc_on_a_payment_to_another_server_says_the_call_may_still_be_running() {
    // A server on this machine that is not known to be this project's sandbox.
    let mut app = fixture::at_card_step(80, 24);
    app.endpoint.embedded = false;
    app.public_key_pem = None;
    update(&mut app, ctrl('s'));
    update(&mut app, key(KeyCode::Esc));
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    assert!(
        notice(&app).contains("may still be running")
            && notice(&app).contains("already_in_process"),
        "{}",
        notice(&app)
    );
    let screen = fixture::screen(&app);
    assert!(screen.contains("its attempts)."), "read whole: {screen}");
}

#[test]
fn a_resend_during_the_follow_up_does_not_end_it() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('o')));
    let follow = app
        .requests
        .find(|p| matches!(p, Purpose::Follow(_)))
        .map(|r| r.id)
        .expect("following");
    // A status GET recorded against another endpoint (an earlier session's row).
    app.history.push(fixture::exchange(
        "GET",
        &format!("/purchases/{PURCHASE_ID}/"),
        200,
        9000,
        "{}",
    ));
    let mut old = fixture::exchange("GET", "/purchases/x/", 200, 9500, "{}");
    old.url = "http://127.0.0.1:1/api/v1/purchases/x/".into();
    app.history.push(old);
    let url = resend_newest_row(&mut app);
    assert_eq!(
        url,
        format!("{}/purchases/x/", app.endpoint.base_url),
        "rebased on the current endpoint, not concatenated"
    );
    assert!(notice(&app).contains("resending to the current one"));
    fixture::reply(&mut app, Answer::Resent(Ok(serde_json::json!({}))));
    assert!(app.requests.get(follow).is_some(), "the follow-up goes on");
}

/// Opens the newest history row's detail and presses r: the URL the resend goes to.
fn resend_newest_row(app: &mut super::app::App) -> String {
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    match update(app, key(KeyCode::Char('r'))).as_slice() {
        [
            Effect::Call {
                call: Call::Resend { url, .. },
                ..
            },
        ] => url.clone(),
        effects => panic!("{effects:?}"),
    }
}

/// r in the history list opens the selected row's detail and resends from there (it did
/// nothing before: r was bound in the detail only); a call that acts asks there first.
#[test]
fn r_in_the_history_list_resends_the_selected_row_from_its_detail() {
    let mut app = fixture::app(120, 40);
    let mut refund = fixture::exchange("POST", "/x", 202, 9000, "{}");
    refund.url = format!("{}/purchases/{PURCHASE_ID}/refund/", app.endpoint.base_url);
    app.history.push(refund);
    let mut status = fixture::exchange("GET", "/x", 200, 9100, "{}");
    status.url = format!("{}/purchases/{PURCHASE_ID}/", app.endpoint.base_url);
    app.history.push(status);
    app.pane = Pane::History;
    let effects = update(&mut app, key(KeyCode::Char('r')));
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::Resend { url, .. }, .. }] if url.ends_with(&format!("/purchases/{PURCHASE_ID}/"))),
        "{effects:?}"
    );
    assert!(matches!(
        app.overlay,
        Some(Overlay::Detail { index: 0, .. })
    ));
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Down));
    assert!(update(&mut app, key(KeyCode::Char('r'))).is_empty());
    assert!(
        notice(&app).contains("again resends POST"),
        "{}",
        notice(&app)
    );
    assert!(matches!(
        app.overlay,
        Some(Overlay::Detail { index: 1, .. })
    ));
    let effects = update(&mut app, key(KeyCode::Char('r')));
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::Resend { url, .. }, .. }] if url.ends_with("/refund/")),
        "{effects:?}"
    );
}

/// The exchange overlay's title says what r does to the row it shows.
#[test]
fn the_detail_title_says_what_r_does_to_its_row() {
    let mut app = fixture::app(120, 40);
    let base = app.endpoint.base_url.clone();
    for (method, path, kind, title) in [
        (
            "GET",
            format!("/purchases/{PURCHASE_ID}/"),
            ExchangeKind::Api,
            "Exchange — r resend · c copy",
        ),
        (
            "POST",
            format!("/purchases/{PURCHASE_ID}/refund/"),
            ExchangeKind::Api,
            "Exchange — r resend (asks first: it acts) · c",
        ),
        (
            "POST",
            "/merchant/webhook".to_string(),
            ExchangeKind::Webhook,
            "Exchange — r replay (asks first) · c",
        ),
        (
            "POST",
            "/purchases/".to_string(),
            ExchangeKind::Api,
            "Exchange — c copy as curl",
        ),
        // A POST that only reads a refund's status is resent at once.
        (
            "POST",
            format!("/refundStatus/{PURCHASE_ID}/"),
            ExchangeKind::Api,
            "Exchange — r resend · c copy",
        ),
    ] {
        let mut row = fixture::exchange(method, "/x", 200, 9000, "{}");
        row.url = format!("{base}{path}");
        row.kind = kind;
        app.history.push(row);
        app.overlay = Some(Overlay::Detail {
            index: 0,
            view: Default::default(),
        });
        let screen = fixture::screen(&app);
        assert!(screen.contains(title), "{path}: {screen}");
        // The footer says the same.
        let footer = screen.lines().last().unwrap_or_default().to_string();
        let offer = title
            .split(" — ")
            .nth(1)
            .filter(|t| t.starts_with("r "))
            .and_then(|t| t.split_whitespace().nth(1));
        match offer {
            Some(word) => assert!(footer.contains(&format!("r {word}")), "{path}: {footer}"),
            None => assert!(!footer.contains("r resend"), "{path}: {footer}"),
        }
    }
}

/// On a narrow terminal the detail's title is shortened by whole words, not cut at the
/// border.
#[test]
fn a_narrow_detail_title_is_shortened_by_words() {
    let mut app = fixture::app(60, 18);
    let mut row = fixture::exchange("POST", "/x", 202, 9000, "{}");
    row.url = format!("{}/purchases/{PURCHASE_ID}/refund/", app.endpoint.base_url);
    app.history.push(row);
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    let screen = fixture::screen(&app);
    assert!(
        screen.contains(" Exchange — r resend · c curl · Esc "),
        "{screen}"
    );
}

/// A refund resent refunds again: r asks first and only a second r, as the very next
/// key, sends it.
#[test]
fn a_call_that_acts_is_resent_only_on_a_second_r() {
    let mut app = fixture::app(120, 40);
    let mut row = fixture::exchange("POST", "/x", 202, 9000, "{}");
    row.url = format!("{}/purchases/{PURCHASE_ID}/refund/", app.endpoint.base_url);
    row.request_body = Some(r#"{"amount":5,"reason":"x"}"#.into());
    app.history.push(row);
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    assert!(update(&mut app, key(KeyCode::Char('r'))).is_empty());
    assert!(
        notice(&app).contains("again resends POST"),
        "{}",
        notice(&app)
    );
    // Another key in between: the question goes from the screen, the next r asks again.
    update(&mut app, key(KeyCode::Down));
    assert!(!notice(&app).contains("again resends"), "{}", notice(&app));
    assert!(update(&mut app, key(KeyCode::Char('r'))).is_empty());
    let url = resend_newest_row(&mut app);
    assert!(url.ends_with("/refund/"), "{url}");
    // Paysecure's full refund and cancel are GETs, and act all the same.
    for path in ["refund", "cancel"] {
        let mut row = fixture::exchange("GET", "/x", 200, 9100, "{}");
        row.url = format!("{}/purchases/{PURCHASE_ID}/{path}/", app.endpoint.base_url);
        app.history.push(row);
        app.overlay = Some(Overlay::Detail {
            index: 0,
            view: Default::default(),
        });
        assert!(
            update(&mut app, key(KeyCode::Char('r'))).is_empty(),
            "{path}"
        );
        assert!(notice(&app).contains("it acts again"), "{}", notice(&app));
        // A held r's repeats are no second press: nothing is sent while it is held.
        let mut held = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE);
        held.kind = ratatui::crossterm::event::KeyEventKind::Repeat;
        for _ in 0..3 {
            assert!(update(&mut app, Msg::Key(held)).is_empty(), "{path}");
        }
        assert!(resend_newest_row(&mut app).ends_with(&format!("/{path}/")));
    }
}

/// A control-plane row of the current endpoint (`/_sandbox/…`, outside the API's base) is
/// resent to the URL it was sent to, without a word about another endpoint.
#[test]
fn a_control_plane_row_is_resent_to_its_own_url() {
    let mut app = fixture::app(120, 40);
    let origin = app
        .endpoint
        .base_url
        .trim_end_matches("/api/v1")
        .to_string();
    let mut row = fixture::exchange("GET", "/x", 200, 9000, "{}");
    row.url = format!("{origin}/_sandbox/purchases?limit=100");
    app.history.push(row);
    let url = resend_newest_row(&mut app);
    assert_eq!(url, format!("{origin}/_sandbox/purchases?limit=100"));
    assert!(
        !notice(&app).contains("another endpoint"),
        "{}",
        notice(&app)
    );
}

/// b loads only a web page on the endpoint's host: anything else is not fetched, the
/// notice says why and names o, and the pending payment stays on screen.
#[test]
fn b_refuses_a_callback_it_must_not_load_and_keeps_the_pending_payment() {
    for callback in [
        "javascript:alert(document.cookie)",
        "http://127.0.0.1@10.1.2.3/payment/x/",
    ] {
        let mut app = fixture::pending(120, 40);
        app.flow.callback_url = Some(callback.into());
        app.flow.outcome = Some(Outcome::Pending {
            callback_url: callback.into(),
        });
        let effects = update(&mut app, key(KeyCode::Char('b')));
        assert!(effects.is_empty(), "{callback}: {effects:?}");
        assert!(
            notice(&app).starts_with("Not loaded here"),
            "{}",
            notice(&app)
        );
        assert!(matches!(app.flow.outcome, Some(Outcome::Pending { .. })));
        assert_eq!(app.failed_step, None);
    }
}

/// An answer that is not the API's JSON is an answer: the headline gives its HTTP status
/// and does not say no answer came.
#[test]
fn an_answer_that_is_not_the_apis_json_is_headlined_as_an_answer() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Transport {
            kind: TransportKind::NonJson,
            http_status: Some(502),
            detail: "body starts: <html>Bad gateway".into(),
        })),
    );
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("HTTP 502, not the API's answer: unexpected body"),
        "{screen}"
    );
    assert!(!screen.contains("No API answer"), "{screen}");
}

#[test]
fn transport_failures_say_what_is_known() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    let effects = fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Transport {
            kind: TransportKind::ConnectionClosed,
            http_status: None,
            detail: "closed".into(),
        })),
    );
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::Call {
                    call: Call::PollStatus { .. },
                    ..
                },
                ..
            ]
        ),
        "a dropped call is followed by a status GET: {effects:?}"
    );
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    assert_eq!(app.flow.status, Some(PurchaseStatus::Created));
    let screen = fixture::screen(&app);
    assert!(screen.contains("still CREATED, and this"), "{screen}");

    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    let effects = fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Transport {
            kind: TransportKind::ConnectionRefused,
            http_status: None,
            detail: "refused".into(),
        })),
    );
    assert!(effects.is_empty(), "nothing to ask a server never reached");
    let screen = fixture::screen(&app);
    assert!(screen.contains("never reached the"), "{screen}");
}

#[test]
fn ctrl_u_on_a_toggle_restores_its_default() {
    let mut app = fixture::at_card_step(120, 40);
    app.card_form.focus = app
        .card_form
        .fields
        .iter()
        .position(|f| f.path == "remember_card")
        .expect("remember_card");
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, ctrl('u'));
    let value = app.card_form.to_json()["remember_card"].clone();
    assert!(value == "on" || value == "off", "{value}");
    assert_eq!(
        value,
        app.card_form.fields[app.card_form.focus].default.as_str()
    );
}

#[test]
fn frictionless_callback_asks_no_otp_and_says_so() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('b')));
    let effects = fixture::reply(
        &mut app,
        Answer::Callback(Ok(CallbackPage::Redirected(BrowserResult {
            landing_url: "x".into(),
            landed: Some(Landed::Success),
            challenged: false,
            landing_loaded: true,
        }))),
    );
    assert_eq!(app.overlay, None, "no OTP prompt");
    assert!(matches!(
        effects.as_slice(),
        [Effect::Call {
            call: Call::PollStatus { .. },
            ..
        }]
    ));
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("frictionless: the issuer did not challenge"),
        "{screen}"
    );
}

#[test]
fn a_webhook_refreshes_the_headline_and_polls_fold_into_one_row() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('o')));
    let rows = app.history.total();
    for i in 0..3 {
        update(
            &mut app,
            Msg::Exchange(Box::new(fixture::exchange(
                "GET",
                &format!("/purchases/{PURCHASE_ID}/"),
                200,
                10_000 + i,
                "{}",
            ))),
        );
    }
    assert_eq!(app.history.total(), rows + 1, "three polls, one row");
    let note = app
        .history
        .newest(0)
        .and_then(|e| e.note.clone())
        .unwrap_or_default();
    assert!(note.starts_with("GET status ×3 · last "), "{note}");
    assert!(note.contains("left"), "{note}");
    update(&mut app, key(KeyCode::Char('n')));
    let mut app = fixture::pending(120, 40);
    fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PAYMENT_IN_PROCESS"))),
    );
    // The follow-up gave up (parked in process); the settlement comes later.
    app.requests.end_where(|_| true);
    let effects = update(&mut app, webhook(PURCHASE_ID, "paid"));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Call {
            call: Call::PollStatus { .. },
            ..
        }]
    ));
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    assert_eq!(app.flow.status, Some(PurchaseStatus::Paid));
}

#[test]
fn new_purchase_says_the_card_form_was_kept() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('n')));
    let text = notice(&app);
    assert!(
        text.contains("Card form kept") && text.contains("444433******1111"),
        "{text}"
    );
}

#[test]
fn o_opens_only_http_and_https_urls() {
    for hostile in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "--new-window=evil",
        "-e http://x",
        "not a url",
    ] {
        let mut app = fixture::pending(120, 40);
        app.flow.callback_url = Some(hostile.into());
        app.flow.outcome = Some(Outcome::Pending {
            callback_url: hostile.into(),
        });
        let effects = update(&mut app, key(KeyCode::Char('o')));
        assert!(effects.is_empty(), "{hostile}: {effects:?}");
        let text = notice(&app);
        assert!(
            text.starts_with("Not opened:") && text.contains(hostile),
            "{hostile}: {text}"
        );
    }
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, key(KeyCode::Char('o')));
    assert!(
        matches!(effects.first(), Some(Effect::OpenBrowser(u)) if u.starts_with("http://127.0.0.1"))
    );
}

#[test]
fn e_on_a_purchase_that_cannot_be_paid_stays_where_n_works() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message:
                "Invalid Card Expiry(Valid Format:MM/YY) must be greater than current month/year"
                    .into(),
        })),
    );
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("ERROR"))));
    update(&mut app, key(KeyCode::Char('e')));
    assert_eq!(
        app.context(),
        Context::Result,
        "no trap in a form whose Ctrl+S must fail"
    );
    assert!(
        notice(&app).contains("is ERROR: it can no longer be paid"),
        "{}",
        notice(&app)
    );
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.context(), Context::PurchaseForm);
}

/// A pending purchase whose callback was opened (`o`), its status followed, one status
/// GET folded into the history row so far.
fn following_after_one_poll() -> super::app::App {
    let mut app = fixture::pending(120, 40);
    update(&mut app, key(KeyCode::Char('o')));
    update(
        &mut app,
        Msg::Exchange(Box::new(fixture::exchange(
            "GET",
            &format!("/purchases/{PURCHASE_ID}/"),
            200,
            10_000,
            "{}",
        ))),
    );
    app
}

#[test]
fn a_finished_follow_up_shows_no_countdown_and_esc_in_history_goes_back() {
    let mut app = following_after_one_poll();
    update(&mut app, key(KeyCode::F(6)));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.pane, Pane::Step, "Esc in history goes back");
    assert!(
        app.requests
            .find(|p| matches!(p, Purpose::Follow(_)))
            .is_some(),
        "and does not cancel the follow-up"
    );
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    let note = app
        .history
        .newest(0)
        .and_then(|e| e.note.clone())
        .unwrap_or_default();
    assert!(
        note.ends_with("· final") && !note.contains("left"),
        "{note}"
    );
}

fn control_calls(effects: &[Effect]) -> Vec<(String, String, Option<serde_json::Value>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call {
                call: Call::Control { method, url, body },
                ..
            } => Some((method.clone(), url.clone(), body.clone())),
            _ => None,
        })
        .collect()
}

fn answer_control(
    app: &mut super::app::App,
    effects: &[Effect],
    path: &str,
    body: serde_json::Value,
) -> Vec<Effect> {
    answer_control_with(app, effects, path, Ok(body))
}

/// The notice after the key `c` is pressed.
fn notice_after(app: &mut super::app::App, c: char) -> String {
    update(app, key(KeyCode::Char(c)));
    notice(app)
}

/// The control call to `path` among `effects` times out.
fn control_times_out(app: &mut super::app::App, effects: &[Effect], path: &str) {
    let timed_out = ApiError::Transport {
        kind: TransportKind::Timeout,
        http_status: None,
        detail: "timed out".into(),
    };
    answer_control_with(app, effects, path, Err(timed_out));
}

/// Answers the control call to `path` among `effects` with `result`.
fn answer_control_with(
    app: &mut super::app::App,
    effects: &[Effect],
    path: &str,
    result: Result<serde_json::Value, ApiError>,
) -> Vec<Effect> {
    let id = effects
        .iter()
        .find_map(|e| match e {
            Effect::Call {
                id,
                call: Call::Control { url, .. },
            } if url.ends_with(path) => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no control call to {path}: {effects:?}"));
    update(
        app,
        Msg::Answer {
            id,
            answer: Answer::Control(result),
            exchange: None,
        },
    )
}

/// `y` in the panel before any action has no curl to copy, and says so (it said nothing).
#[test]
fn the_panels_copy_key_says_when_there_is_no_curl_yet() {
    let mut app = fixture::pending(120, 40);
    update(&mut app, ctrl('p'));
    assert_eq!(app.overlay, Some(Overlay::Panel));
    assert!(app.panel.curl.is_none());
    let effects = update(&mut app, key(KeyCode::Char('y')));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Copy(_))));
    assert!(
        notice(&app).starts_with("No curl to copy yet"),
        "{}",
        notice(&app)
    );
}

#[test]
fn the_panel_lists_purchases_and_settles_one_with_its_curl() {
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, ctrl('p'));
    assert_eq!(app.overlay, Some(Overlay::Panel));
    let calls = control_calls(&effects);
    assert!(
        calls
            .iter()
            .any(|(m, u, _)| m == "GET" && u.ends_with("/_sandbox/purchases")),
        "{calls:?}"
    );
    answer_control(
        &mut app,
        &effects,
        "/purchases",
        serde_json::json!([
            {"purchaseId": PURCHASE_ID, "status": "PAYMENT_IN_PROCESS", "created_on": 0,
             "purchase": {"total": 20.0, "currency": "EUR"}},
            {"purchaseId": "bbbbbbbbbbbbbbbbbbbbbbbb", "status": "PAID", "created_on": 0}
        ]),
    );
    assert_eq!(app.panel.rows.len(), 2);
    let settle = update(&mut app, key(KeyCode::Char('p')));
    let calls = control_calls(&settle);
    assert_eq!(
        calls,
        vec![(
            "POST".to_string(),
            format!(
                "{}/_sandbox/purchases/{PURCHASE_ID}/settle",
                fixture::ORIGIN
            ),
            Some(serde_json::json!({"status": "paid"}))
        )]
    );
    let curl = app.panel.curl.clone().unwrap_or_default();
    assert!(
        curl.starts_with("curl -X POST http://127.0.0.1:41873/_sandbox/purchases/")
            && curl.contains(r#"{"status":"paid"}"#),
        "the real id and port: {curl}"
    );
    // After the settle, the panel reloads and the purchase shown is read again.
    let effects = answer_control(&mut app, &settle, "/settle", serde_json::json!({}));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Call {
            call: Call::PollStatus { .. },
            ..
        }
    )));
    // A PAID row cannot be settled: said, nothing sent.
    app.panel.selected = 1;
    assert!(control_calls(&update(&mut app, key(KeyCode::Char('p')))).is_empty());
    assert!(notice(&app).contains("Only a PAYMENT_IN_PROCESS purchase can be settled"));
}

#[test]
fn purchase_ages_count_on_the_sandbox_clock() {
    // The fixture's purchases were created two hours ago by the machine's clock.
    let mut app = fixture::panel(120, 40);
    assert!(fixture::screen(&app).contains("120 min"));
    // The sandbox clock runs two hours ahead (read from GET /_sandbox/clock): they are
    // four hours old on it, which is what makes them OVERDUE.
    let effects = update(&mut app, key(KeyCode::Char('R')));
    answer_control(
        &mut app,
        &effects,
        "/clock",
        serde_json::json!({"clock_offset_minutes": 120, "now": 0}),
    );
    let screen = fixture::screen(&app);
    assert!(screen.contains("240 min"), "{screen}");
    // A server's absurd offsets draw, not overflow.
    for absurd in [i64::MAX, i64::MIN] {
        app.panel.clock = Some(serde_json::json!({"clock_offset_minutes": absurd}));
        fixture::screen(&app);
    }
    app.panel.clock = Some(serde_json::json!({"clock_offset_minutes": 120}));
    app.panel.tab = super::panel::Tab::ClockAndSettings;
    assert!(fixture::screen(&app).contains("120 minutes ahead"));
}

#[test]
fn reopening_the_panel_mid_read_replaces_its_reads_instead_of_adding_more() {
    let mut app = fixture::pending(120, 40);
    let first = update(&mut app, ctrl('p'));
    let in_flight = app.requests.len();
    assert_eq!(
        control_calls(&first).len(),
        4,
        "purchases, webhooks, settings, clock"
    );
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, None);
    let second = update(&mut app, ctrl('p'));
    assert_eq!(control_calls(&second).len(), 4);
    let cancelled = second
        .iter()
        .filter(|e| matches!(e, Effect::Cancel(_)))
        .count();
    assert_eq!(cancelled, 4, "the first reads are aborted: {second:?}");
    assert_eq!(app.requests.len(), in_flight, "one read per list, not two");
    // A late answer to a replaced read is not shown; the new read's answer is.
    answer_control(
        &mut app,
        &first,
        "/purchases",
        serde_json::json!([{"purchaseId": "bbbbbbbbbbbbbbbbbbbbbbbb", "status": "PAID", "created_on": 0}]),
    );
    assert!(
        app.panel.rows.is_empty(),
        "the replaced read's rows are dropped"
    );
    answer_control(
        &mut app,
        &second,
        "/purchases",
        serde_json::json!([{"purchaseId": PURCHASE_ID, "status": "PAYMENT_IN_PROCESS", "created_on": 0}]),
    );
    assert_eq!(app.panel.rows.len(), 1);
    assert_eq!(app.panel.rows[0].id, PURCHASE_ID);
}

#[test]
fn a_settle_key_before_the_panel_list_arrives_says_why_nothing_happened() {
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, ctrl('p'));
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("Reading the sandbox's purchases"),
        "{screen}"
    );
    assert!(
        !screen.contains("No purchases in the sandbox yet"),
        "{screen}"
    );
    assert!(
        !screen.contains("0 of 0 purchases"),
        "no count before the list: {screen}"
    );
    assert!(control_calls(&update(&mut app, key(KeyCode::Char('p')))).is_empty());
    assert!(
        notice(&app).contains("still being read"),
        "{}",
        notice(&app)
    );
    // The list arrives: the rows show and the notice that they were coming goes.
    answer_control(
        &mut app,
        &effects,
        "/purchases",
        serde_json::json!([{"purchaseId": PURCHASE_ID, "status": "PAYMENT_IN_PROCESS", "created_on": 0}]),
    );
    assert_eq!(notice(&app), "");
    let screen = fixture::screen(&app);
    assert!(screen.contains("1 of 1 purchases"), "{screen}");
    // A filter that hides every row says so, and so does a settle key then.
    app.panel.filter = "refunded".into();
    assert!(fixture::screen(&app).contains("No purchase matches the filter."));
    let told = notice_after(&mut app, 'x');
    assert!(told.contains("no purchase matches the filter"), "{told}");
}

#[test]
fn an_empty_sandbox_and_a_failed_read_of_the_panel_list_are_told_apart() {
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, ctrl('p'));
    answer_control(&mut app, &effects, "/purchases", serde_json::json!([]));
    assert!(fixture::screen(&app).contains("No purchases in the sandbox yet"));
    let told = notice_after(&mut app, 'x');
    assert!(told.contains("the sandbox has no purchases"), "{told}");
    // A reload whose read fails: not an empty sandbox.
    let effects = update(&mut app, key(KeyCode::Char('R')));
    control_times_out(&mut app, &effects, "/purchases");
    let screen = fixture::screen(&app);
    assert!(screen.contains("could not be read"), "{screen}");
    assert!(
        !screen.contains("No purchases in the sandbox yet"),
        "{screen}"
    );
    let told = notice_after(&mut app, 'p');
    assert!(told.contains("could not be read"), "{told}");
    // A server that answers the list's read with an object has not said "no purchases".
    let effects = update(&mut app, key(KeyCode::Char('R')));
    answer_control(
        &mut app,
        &effects,
        "/purchases",
        serde_json::json!({"not": "a list"}),
    );
    let screen = fixture::screen(&app);
    assert!(screen.contains("could not be read"), "{screen}");
    assert!(notice(&app).contains("not a list"), "{}", notice(&app));
}

#[test]
fn the_settings_tab_says_when_its_values_are_being_read_or_may_be_stale() {
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, ctrl('p'));
    app.panel.tab = super::panel::Tab::ClockAndSettings;
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("Reading the sandbox's settings"),
        "{screen}"
    );
    answer_control(
        &mut app,
        &effects,
        "/settings",
        serde_json::json!({"mode": "2d", "attempt_limit": 3, "latency_ms": 0, "timeout_s": 30.0}),
    );
    let screen = fixture::screen(&app);
    assert!(
        !screen.contains("Reading the sandbox's settings"),
        "{screen}"
    );
    assert!(!screen.contains("last read failed"), "{screen}");
    // A reload whose settings read fails: the values shown are marked as the old ones.
    let effects = update(&mut app, key(KeyCode::Char('R')));
    control_times_out(&mut app, &effects, "/settings");
    let screen = fixture::screen(&app);
    assert!(screen.contains("Their last read failed"), "{screen}");
    assert!(
        screen.contains("2d"),
        "the values read before stay: {screen}"
    );
    // Read again: the mark goes.
    let effects = update(&mut app, key(KeyCode::Char('R')));
    answer_control(
        &mut app,
        &effects,
        "/settings",
        serde_json::json!({"mode": "3d"}),
    );
    assert!(!fixture::screen(&app).contains("last read failed"));
}

#[test]
fn the_delivery_log_says_when_it_could_not_be_read_and_replay_keys_say_why_nothing_happened() {
    let mut app = fixture::pending(120, 40);
    let effects = update(&mut app, ctrl('p'));
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, key(KeyCode::Tab));
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("Reading the sandbox's delivery log"),
        "{screen}"
    );
    assert!(
        !screen.contains("0 deliveries"),
        "no count before the log: {screen}"
    );
    let told = notice_after(&mut app, 'r');
    assert!(told.contains("still being read"), "{told}");
    answer_control(&mut app, &effects, "/webhooks", serde_json::json!([]));
    assert_eq!(notice(&app), "", "the log has come: the notice goes");
    assert!(fixture::screen(&app).contains("No webhook yet"));
    let told = notice_after(&mut app, 'u');
    assert!(told.contains("no webhook has been sent yet"), "{told}");
    assert_eq!(
        app.overlay,
        Some(Overlay::Panel),
        "no URL prompt for nothing"
    );
    // A reload whose read of the log fails: not "no webhook yet".
    let effects = update(&mut app, key(KeyCode::Char('R')));
    control_times_out(&mut app, &effects, "/webhooks");
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("delivery log could not be read"),
        "{screen}"
    );
    assert!(!screen.contains("No webhook yet"), "{screen}");
    let told = notice_after(&mut app, 'r');
    assert!(told.contains("could not be read"), "{told}");
}

#[test]
fn clock_settings_reset_and_redelivery_from_the_panel() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('p'));
    update(&mut app, key(KeyCode::Tab));
    let calls = control_calls(&update(&mut app, key(KeyCode::Char('2'))));
    assert_eq!(
        calls[0].2,
        Some(serde_json::json!({"advance_minutes": 120}))
    );
    update(&mut app, key(KeyCode::Char('t')));
    typed(&mut app, "90");
    let calls = control_calls(&update(&mut app, key(KeyCode::Enter)));
    assert_eq!(calls[0].2, Some(serde_json::json!({"advance_minutes": 90})));
    assert_eq!(app.overlay, Some(Overlay::Panel), "back to the panel");
    let calls = control_calls(&update(&mut app, key(KeyCode::Char('m'))));
    assert_eq!(calls[0].0, "PUT");
    assert!(
        control_calls(&update(&mut app, key(KeyCode::Char('X')))).is_empty(),
        "asks first"
    );
    let calls = control_calls(&update(&mut app, key(KeyCode::Char('X'))));
    assert!(calls[0].1.ends_with("/_sandbox/reset"));
    update(&mut app, key(KeyCode::Tab));
    app.panel.deliveries = vec![super::panel::Delivery {
        n: 4,
        purchase_id: PURCHASE_ID.into(),
        url: "http://x/hook".into(),
        status: "paid".into(),
        brand_id: "brd".into(),
        signature: "sig".into(),
        response_status: Some(200),
        error: None,
    }];
    update(&mut app, key(KeyCode::Char('u')));
    typed(&mut app, "file:///etc/passwd");
    assert!(control_calls(&update(&mut app, key(KeyCode::Enter))).is_empty());
    assert!(notice(&app).contains("an http:// or https:// URL"));
    update(&mut app, ctrl('u'));
    typed(&mut app, "http://127.0.0.1:9999/mine");
    let effects = update(&mut app, key(KeyCode::Enter));
    let calls = control_calls(&effects);
    assert!(calls[0].1.ends_with("/_sandbox/webhooks/4/replay"));
    assert_eq!(
        calls[0].2,
        Some(serde_json::json!({"url": "http://127.0.0.1:9999/mine"}))
    );
    // Nobody listens there: the notice says it failed, not "Delivered".
    answer_control(
        &mut app,
        &effects,
        "/webhooks/4/replay",
        serde_json::json!({"n": 5, "url": "http://127.0.0.1:9999/mine", "status": "paid",
                           "response_status": null, "error": "connection refused"}),
    );
    let told = notice(&app);
    assert!(
        told.contains(
            "Redelivered as #5 to http://127.0.0.1:9999/mine: failed, connection refused"
        ),
        "{told}"
    );
}

/// The token a successful payment saved is shown as such; a payment made with a token
/// says it paid with it; a purchase that did not go through shows none.
#[test]
fn the_saved_card_line_says_what_the_token_is() {
    let with_token = |status: &str| {
        let mut p = fixture::purchase(status);
        p.extra
            .insert("token_reference".into(), serde_json::json!("tok_abc"));
        p
    };
    let mut app = fixture::pending(120, 40);
    fixture::reply(&mut app, Answer::Status(Ok(with_token("PAID"))));
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("saved card      tok_abc (remember_card on): token_reference"),
        "{screen}"
    );
    app.sent = Some(crate::flow::diagnosis::SentFacts::of(
        &serde_json::json!({"token_reference": "tok_abc", "cvc": "123"}),
    ));
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("saved card      paid with the saved card token_reference"),
        "{screen}"
    );
    let mut app = fixture::pending(120, 40);
    fixture::reply(&mut app, Answer::Status(Ok(with_token("ERROR"))));
    assert!(!fixture::screen(&app).contains("saved card"));
}

/// A refusal that moved the purchase to ERROR (an expired card) is announced by a webhook:
/// the coded error's screen shows it as the settled one does.
#[test]
fn a_coded_errors_webhook_is_shown() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message:
                "Invalid Card Expiry(Valid Format:MM/YY) must be greater than current month/year"
                    .into(),
        })),
    );
    update(&mut app, webhook(PURCHASE_ID, "error"));
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("webhook         error · signature ✓ valid"),
        "{screen}"
    );
}

/// A notice about the result (a lever the status does not allow) goes when e opens the
/// card form: it is about a screen no longer shown.
#[test]
fn e_leaves_the_results_notice_behind() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Card is Blocked".into(),
        })),
    );
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("OVERDUE"))));
    update(&mut app, key(KeyCode::Char('f')));
    assert!(notice(&app).contains("only a PAID"), "{}", notice(&app));
    update(&mut app, key(KeyCode::Char('e')));
    assert_eq!(app.context(), Context::CardForm);
    assert_eq!(notice(&app), "");
}

/// A partial refund the prompt cannot send says what is wrong with it and keeps the
/// prompt open with what was typed; a missing reason is sent (the server's refusal says
/// why).
#[test]
fn a_refund_entry_that_cannot_be_sent_says_why_and_stays_to_be_corrected() {
    let mut app = fixture::pending(120, 40);
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    app.requests.end_where(|_| true);
    for (entry, says) in [
        ("5,00 damaged", "\"5,00\" is not an amount"),
        ("-5 damaged", "-5 is below zero"),
        ("", "Type an amount, then a reason"),
    ] {
        update(&mut app, key(KeyCode::Char('p')));
        typed(&mut app, entry);
        assert!(update(&mut app, key(KeyCode::Enter)).is_empty(), "{entry}");
        assert!(notice(&app).contains(says), "{entry}: {}", notice(&app));
        match &app.overlay {
            Some(Overlay::Input { input, .. }) => assert_eq!(input.value(), entry),
            other => panic!("{entry}: the prompt closed: {other:?}"),
        }
        update(&mut app, key(KeyCode::Esc));
        assert!(app.overlay.is_none(), "Esc closes the kept prompt");
        assert_eq!(notice(&app), "", "and what it said");
    }
    update(&mut app, key(KeyCode::Char('p')));
    typed(&mut app, "5.00");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::Act { act: super::app::Act::RefundPartial { reason, .. }, .. }, .. }] if reason.is_empty()),
        "{effects:?}"
    );
}

/// A panel prompt given what it cannot send stays open, back on the panel after Esc.
#[test]
fn a_panel_prompt_given_a_bad_value_stays_open_with_it() {
    let mut app = fixture::pending(120, 40);
    app.overlay = Some(Overlay::Input {
        what: super::app::InputFor::ClockMinutes,
        input: Default::default(),
    });
    typed(&mut app, "ten");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(notice(&app).contains("Expected a whole number of minutes above 0, not \"ten\""));
    assert!(matches!(&app.overlay, Some(Overlay::Input { input, .. }) if input.value() == "ten"));
    update(&mut app, key(KeyCode::Esc));
    assert!(matches!(app.overlay, Some(Overlay::Panel)));
}

#[test]
fn refunds_and_cancel_follow_the_real_status() {
    let mut app = fixture::pending(120, 40);
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    app.requests.end_where(|_| true);
    assert!(update(&mut app, key(KeyCode::Char('c'))).is_empty());
    assert!(
        notice(&app).contains("only a CREATED or PREAUTHORIZED purchase can be cancelled"),
        "{}",
        notice(&app)
    );
    update(&mut app, key(KeyCode::Char('p')));
    assert!(matches!(app.overlay, Some(Overlay::Input { .. })));
    typed(&mut app, "5.00 damaged item");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Call { call: Call::Act { act: super::app::Act::RefundPartial { amount, reason }, .. }, .. }]
            if *amount == 5.0 && reason == "damaged item"),
        "{effects:?}"
    );
    let effects = fixture::reply(
        &mut app,
        Answer::Acted(Ok(
            serde_json::json!({"refundId": "r1", "status": "REFUND_IN_PROCESS"}),
        )),
    );
    assert!(notice(&app).contains("REFUND_IN_PROCESS"));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Call {
            call: Call::PollStatus { .. },
            ..
        }
    )));
    fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PARTIAL_REFUNDED"))),
    );
    // The notice no longer says the status is being read: it says what was read.
    let told = notice(&app);
    assert!(
        told.ends_with("(refundStatus); the status GET says PARTIAL_REFUNDED."),
        "{told}"
    );
    // The refundStatus follow-up has settled.
    app.requests.end_where(|_| true);
    let effects = update(&mut app, key(KeyCode::Char('f')));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Call {
            call: Call::Act {
                act: super::app::Act::RefundFull,
                ..
            },
            ..
        }]
    ));
    // Against a real endpoint there is no panel, and it says why.
    let mut remote = fixture::app(120, 40);
    remote.control_url = None;
    assert!(update(&mut remote, ctrl('p')).is_empty());
    assert!(notice(&remote).contains("no control plane"));
}

/// A capture's notice ends with what its own status GET read: a webhook's read answering
/// first (another server may send the webhook before the change is readable) does not
/// fill it in with the hold's status.
#[test]
fn a_levers_notice_is_finished_by_its_own_status_read() {
    use super::requests::CheckReason;
    let mut app = fixture::pending(120, 40);
    fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PREAUTHORIZED"))),
    );
    app.requests.end_where(|_| true);
    update(&mut app, key(KeyCode::Char('k')));
    typed(&mut app, "5");
    update(&mut app, key(KeyCode::Enter));
    fixture::reply(
        &mut app,
        Answer::Acted(Ok(
            serde_json::json!({"purchaseId": PURCHASE_ID, "status": "PARTIALLY_CAPTURED", "captured_amount": 5.0}),
        )),
    );
    let own = app
        .requests
        .find(|p| p == Purpose::Check(CheckReason::AfterLever))
        .map(|r| r.id)
        .expect("the lever's status read");
    let webhooks = app.requests.start(
        Purpose::Check(CheckReason::Refresh),
        Duration::from_secs(40),
    );
    let answer = |app: &mut super::app::App, id, status| {
        update(
            app,
            Msg::Answer {
                id,
                answer: Answer::Status(Ok(fixture::purchase(status))),
                exchange: None,
            },
        )
    };
    answer(&mut app, webhooks, "PREAUTHORIZED");
    assert!(
        notice(&app).ends_with("reading the purchase's status…"),
        "{}",
        notice(&app)
    );
    answer(&mut app, own, "PARTIALLY_CAPTURED");
    assert_eq!(
        notice(&app),
        "Captured 5.00; the status GET says PARTIALLY_CAPTURED."
    );
}

/// "press b or o" goes once the status GET says the purchase no longer waits for them.
#[test]
fn the_pending_notice_goes_when_the_status_says_the_purchase_no_longer_waits() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Ok(crate::api::S2sOutcome::Pending {
            callback_url: format!("http://127.0.0.1:1/api/v1/payment/{PURCHASE_ID}/"),
            method: "GET".into(),
        })),
    );
    assert!(notice(&app).starts_with("202 pending:"), "{}", notice(&app));
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    assert!(
        !notice(&app).starts_with("202 pending:"),
        "{}",
        notice(&app)
    );
}

/// A create answered with a status other than CREATED says so: the purchase exists (its
/// id was read), but it was not announced as a plain success.
#[test]
fn a_create_answered_with_another_status_says_which() {
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('s'));
    let odd: crate::api::Purchase = serde_json::from_value(serde_json::json!({
        "purchaseId": PURCHASE_ID, "status": "error", "errorMsg": "Something is off"
    }))
    .expect("purchase");
    fixture::reply(&mut app, Answer::Created(Ok(odd)));
    let told = notice(&app);
    assert!(
        told.contains("status is ERROR (errorMsg: Something is off)"),
        "{told}"
    );
    let mut app = fixture::app(120, 40);
    update(&mut app, ctrl('s'));
    fixture::reply(&mut app, Answer::Created(Ok(fixture::purchase("CREATED"))));
    assert!(
        notice(&app).starts_with("Purchase created. Step"),
        "{}",
        notice(&app)
    );
}

#[test]
fn a_hold_is_captured_and_a_refund_is_followed_until_it_settles() {
    let mut app = fixture::pending(120, 40);
    fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PREAUTHORIZED"))),
    );
    app.requests.end_where(|_| true);
    assert!(
        !app.flow.awaits_final_status(),
        "a hold is not followed forever"
    );
    update(&mut app, key(KeyCode::Char('k')));
    assert!(matches!(
        app.overlay,
        Some(Overlay::Input {
            what: super::app::InputFor::CaptureAmount,
            ..
        })
    ));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Call {
                call: Call::Act {
                    act: super::app::Act::Capture { amount: None },
                    ..
                },
                ..
            }]
        ),
        "empty: all of the hold: {effects:?}"
    );
    fixture::reply(
        &mut app,
        Answer::Acted(Ok(
            serde_json::json!({"purchaseId": PURCHASE_ID, "status": "PAID", "captured_amount": 20.0}),
        )),
    );
    assert!(notice(&app).contains("Captured 20.00;"), "{}", notice(&app));
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("PAID"))));
    app.requests.end_where(|_| true);
    // A partial refund in process is followed with refundStatus until it settles.
    update(&mut app, key(KeyCode::Char('p')));
    typed(&mut app, "5 test");
    update(&mut app, key(KeyCode::Enter));
    let effects = fixture::reply(
        &mut app,
        Answer::Acted(Ok(
            serde_json::json!({"refundId": "r1", "purchaseId": PURCHASE_ID, "status": "REFUND_IN_PROCESS"}),
        )),
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Call { call: Call::Act { act: super::app::Act::RefundStatus { refund_id }, .. }, .. } if refund_id == "r1")),
        "{effects:?}"
    );
    assert_eq!(
        app.flow.status,
        Some(PurchaseStatus::Paid),
        "a refund object is no purchase"
    );
    let effects = fixture::reply(
        &mut app,
        Answer::Acted(Ok(
            serde_json::json!({"refundId": "r1", "purchaseId": PURCHASE_ID, "status": "REFUNDED"}),
        )),
    );
    assert!(
        notice(&app).contains("Refund r1: REFUNDED"),
        "{}",
        notice(&app)
    );
    assert!(!effects.iter().any(|e| matches!(
        e,
        Effect::Call {
            call: Call::Act { .. },
            ..
        }
    )));
    // A full refund answers the purchase, which still carries the earlier capture's
    // amount: that is no capture of this lever's (found in tmux: "Captured 5.00").
    app.requests.end_where(|_| true);
    update(&mut app, key(KeyCode::Char('f')));
    fixture::reply(
        &mut app,
        Answer::Acted(Ok(
            serde_json::json!({"purchaseId": PURCHASE_ID, "status": "REFUNDED", "captured_amount": 20.0}),
        )),
    );
    let told = notice(&app);
    assert!(
        told.starts_with("Done;") && !told.contains("Captured"),
        "{told}"
    );
}

#[test]
fn a_bracketed_paste_fills_the_field_without_moving_the_focus() {
    let mut app = fixture::at_card_step(120, 40);
    let focus = app.card_form.focus;
    update(&mut app, ctrl('u'));
    update(&mut app, Msg::Paste("Ada\nLovelace\r\n".into()));
    assert_eq!(app.card_form.focus, focus, "a pasted newline is no Enter");
    assert_eq!(
        app.card_form.fields[focus].value(),
        "Ada Lovelace",
        "a line break is a space in a one-line field"
    );
}

#[test]
fn a_webhook_replay_looks_up_only_its_purchases_deliveries() {
    let mut app = fixture::pending(120, 40);
    let mut hook = fixture::exchange("POST", "/merchant/webhook", 200, 9000, "");
    hook.kind = crate::api::ExchangeKind::Webhook;
    hook.request_body = Some(
        serde_json::json!({"status": "paid", "message": {"purchaseId": "id&x=1", "brandId": "brd"}})
            .to_string(),
    );
    update(&mut app, Msg::Exchange(Box::new(hook)));
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: Default::default(),
    });
    // A replay delivers the webhook again: it asks first.
    assert!(update(&mut app, key(KeyCode::Char('r'))).is_empty());
    assert!(
        notice(&app).contains("again replays this webhook"),
        "{}",
        notice(&app)
    );
    let calls = control_calls(&update(&mut app, key(KeyCode::Char('r'))));
    // The log's default page holds the newest 1,000 deliveries of every purchase; the
    // purchase's own are asked for, its id encoded (it comes from a webhook body).
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        calls[0]
            .1
            .ends_with("/_sandbox/webhooks?purchase_id=id%26x%3D1"),
        "{}",
        calls[0].1
    );
}

#[test]
fn a_result_or_a_new_purchase_brings_the_history_back_to_the_newest_row() {
    // The user picked an older row in the history pane, then went back to the flow.
    let mut app = fixture::pending(120, 40);
    assert!(app.history.len() >= 2);
    app.history.selected = 1;
    app.pane = Pane::History;
    let challenged = || {
        Answer::Browser(Ok(BrowserResult {
            landing_url: "x".into(),
            landed: Some(Landed::Success),
            challenged: true,
            landing_loaded: true,
        }))
    };
    // While in the pane, a result leaves their choice alone.
    fixture::reply(&mut app, challenged());
    assert_eq!(app.history.selected, 1);
    // A status re-read (`r`'s follow-up) moves nothing: the choice stays too.
    app.pane = Pane::Step;
    fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PENDING_EXECUTE"))),
    );
    assert_eq!(app.history.selected, 1);
    // The current purchase's next step selects the newest row, so the Detail pane and
    // `C` are about this purchase.
    fixture::reply(&mut app, challenged());
    assert_eq!((app.history.selected, app.history.new_above), (0, 0));

    let mut app = fixture::frictionless_paid(120, 40);
    assert_eq!(app.context(), Context::Result);
    app.history.selected = 2;
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.history.selected, 0, "n starts from the newest row");
}

#[test]
fn help_pages_by_a_screen_and_home_end_jump_to_its_ends() {
    let mut app = fixture::app(120, 40);
    app.overlay = Some(Overlay::Help { scroll: 0 });
    let scroll = |app: &super::app::App| match app.overlay {
        Some(Overlay::Help { scroll }) => scroll,
        _ => u16::MAX,
    };
    let rows = crate::tui::views::help_rows(&app) as u16;
    let end = crate::tui::views::help_max_scroll(&app);
    assert!(rows > 10 && end > rows, "rows {rows}, end {end}");
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(scroll(&app), rows - 1, "a page keeps one line of context");
    update(&mut app, key(KeyCode::PageUp));
    assert_eq!(scroll(&app), 0);
    update(&mut app, key(KeyCode::End));
    assert_eq!(scroll(&app), end);
    update(&mut app, key(KeyCode::Char('g')));
    assert_eq!(scroll(&app), 0);
    update(&mut app, key(KeyCode::Char('G')));
    assert_eq!(scroll(&app), end);
    update(&mut app, key(KeyCode::Home));
    assert_eq!(scroll(&app), 0);
}

#[test]
fn the_help_key_table_keeps_a_gap_between_its_columns() {
    let mut app = fixture::app(200, 60);
    app.overlay = Some(Overlay::Help { scroll: 0 });
    let text = crate::tui::views::help_text_for_tests(&app);
    let row = text
        .lines()
        .find(|l| l.contains("move down (test cards, while searching)"))
        .expect("the row");
    assert!(
        row.contains("while searching)  "),
        "the help runs into where it works: {row}"
    );
}

#[test]
fn a_too_small_terminal_takes_no_key_that_would_act_unseen_but_quits() {
    let mut app = fixture::blocked(120, 40);
    update(&mut app, Msg::Resize(59, 15));
    let step = app.flow.step;
    assert!(update(&mut app, key(KeyCode::Char('e'))).is_empty());
    assert!(update(&mut app, ctrl('s')).is_empty());
    assert_eq!(
        app.flow.step, step,
        "nothing moved behind the too-small screen"
    );
    update(&mut app, ctrl('c'));
    assert!(app.quit);
}

#[test]
fn a_function_key_of_another_step_says_where_it_works() {
    let mut app = fixture::at_card_step(120, 40);
    assert!(update(&mut app, key(KeyCode::F(4))).is_empty());
    let told = notice(&app);
    assert!(
        told.contains("F4 (add product) works on the purchase form"),
        "{told}"
    );
}

/// The delivery list's columns line up whatever the statuses' lengths: the URL starts in
/// the same column on every row.
#[test]
fn the_delivery_lists_columns_line_up_with_long_statuses() {
    let mut app = fixture::panel(120, 40);
    app.panel.tab = super::panel::Tab::Webhooks;
    let delivery = |n: u64, status: &str| super::panel::Delivery {
        n,
        purchase_id: PURCHASE_ID.into(),
        url: "http://x/hook".into(),
        status: status.into(),
        brand_id: "brd".into(),
        signature: "sig".into(),
        response_status: Some(200),
        error: None,
    };
    app.panel.deliveries = vec![
        delivery(1, "paid"),
        delivery(2, "partially_captured"),
        delivery(3, "refund_in_process"),
    ];
    let screen = fixture::screen(&app);
    let arrows: Vec<usize> = screen
        .lines()
        .filter(|l| l.contains("→ http://x/hook"))
        .filter_map(|l| l.find("→ http://x/hook").map(|at| l[..at].chars().count()))
        .collect();
    assert_eq!(arrows.len(), 3, "{screen}");
    assert!(
        arrows.windows(2).all(|w| w[0] == w[1]),
        "{arrows:?}\n{screen}"
    );
}

#[test]
fn enter_on_a_panel_tab_with_nothing_to_open_says_so_and_is_not_offered() {
    let mut app = fixture::panel(120, 40);
    app.panel.tab = super::panel::Tab::Webhooks;
    assert!(!fixture::screen(&app).contains("Enter open"));
    update(&mut app, key(KeyCode::Enter));
    assert!(notice(&app).contains("Enter opens a purchase on the Purchases tab"));
    app.panel.tab = super::panel::Tab::Purchases;
    assert!(fixture::screen(&app).contains("Enter open"));
}

#[test]
fn a_created_purchase_opened_from_the_panel_opens_on_its_card_form() {
    let mut app = fixture::panel(120, 40);
    app.panel.set_rows(
        [
            serde_json::json!({"purchaseId": "cccccccccccccccccccccccc", "status": "CREATED", "created_on": 0}),
            serde_json::json!({"purchaseId": PURCHASE_ID, "status": "PAID", "created_on": 0}),
        ]
        .iter()
        .filter_map(super::panel::Row::of)
        .collect(),
    );
    app.panel.selected = 0;
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Call {
                call: Call::PollStatus { .. },
                ..
            }]
        ),
        "its status is read: {effects:?}"
    );
    assert_eq!(app.flow.step, Step::Card, "never paid: not at a result");
    assert_eq!(app.flow.outcome, None);
    assert!(notice(&app).contains("still CREATED"), "{}", notice(&app));
    // A paid one opens at its result.
    update(&mut app, ctrl('p'));
    app.panel.selected = 1;
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.flow.step, Step::Result);
    assert_eq!(
        app.flow.outcome,
        Some(Outcome::Settled {
            status: PurchaseStatus::Paid
        })
    );
}

#[test]
fn a_setting_out_of_the_sandboxs_range_is_refused_with_the_range() {
    let mut app = fixture::panel(120, 40);
    app.panel.tab = super::panel::Tab::ClockAndSettings;
    update(&mut app, key(KeyCode::Char('a')));
    typed(&mut app, "99999999999999999999");
    assert!(control_calls(&update(&mut app, key(KeyCode::Enter))).is_empty());
    assert!(notice(&app).contains("from 1 to 1000"), "{}", notice(&app));
    // The prompt stays, with what was typed, to be corrected.
    update(&mut app, ctrl('u'));
    typed(&mut app, "5");
    let calls = control_calls(&update(&mut app, key(KeyCode::Enter)));
    assert_eq!(calls[0].2, Some(serde_json::json!({"attempt_limit": 5})));
}

/// On the narrowest terminal the app draws (60 columns) a form's footer keeps its send
/// key: the step's own action is never dropped for room.
#[test]
fn a_forms_footer_keeps_ctrl_s_at_sixty_columns() {
    for mut app in [fixture::app(60, 18), fixture::at_card_step(60, 18)] {
        let screen = fixture::screen(&app);
        let footer = screen.lines().last().unwrap_or_default().to_string();
        assert!(footer.contains("Ctrl+S"), "{footer}");
        update(&mut app, key(KeyCode::Esc));
        let screen = fixture::screen(&app);
        let footer = screen.lines().last().unwrap_or_default().to_string();
        assert!(footer.contains("Ctrl+S"), "normal mode: {footer}");
    }
}

#[test]
fn a_header_too_narrow_for_the_endpoint_cuts_it_with_an_ellipsis() {
    let mut app = fixture::app(60, 18);
    app.endpoint.base_url = "http://127.0.0.1:33625/api/v1".into();
    app.endpoint.banner.text = "REMOTE SANDBOX (test key)";
    let screen = fixture::screen(&app);
    let first = screen
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_string();
    assert!(first.ends_with('…'), "cut, and marked as cut: {first}");
}

#[test]
fn a_scenario_with_a_frictionless_card_does_not_ask_for_a_challenge_answer() {
    let mut app = fixture::app(120, 40);
    let name = "preauth-capture".to_string();
    let scenario = crate::flow::scenario::load(&name, None).expect("built in");
    assert!(scenario.otp.is_some(), "the scenario carries an OTP");
    update(&mut app, Msg::ScenarioLoaded(Ok((name, scenario))));
    let told = notice(&app);
    assert!(told.starts_with("Scenario preauth-capture"), "{told}");
    assert!(!told.contains("answer the challenge"), "{told}");
}

/// A result longer than its pane (a server's long message) scrolls with PgDn/PgUp, its
/// title says where more is, and a new outcome is read from its top.
#[test]
fn a_long_result_scrolls_and_says_there_is_more() {
    let mut app = fixture::at_card_step(80, 24);
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: format!("Declined because {}long", "very ".repeat(400)),
        })),
    );
    fixture::reply(&mut app, Answer::Status(Ok(fixture::purchase("CREATED"))));
    let screen = fixture::screen(&app);
    assert!(screen.contains("③ Result · ↓ more (PgDn)"), "{screen}");
    assert!(!screen.contains("still payable"), "{screen}");
    for _ in 0..40 {
        update(&mut app, key(KeyCode::PageDown));
    }
    let screen = fixture::screen(&app);
    assert!(screen.contains("③ Result · ↑ more (PgUp)"), "{screen}");
    assert!(screen.contains("still payable"), "{screen}");
    update(&mut app, key(KeyCode::PageUp));
    assert!(fixture::screen(&app).contains("↑↓ more"));
    // A new outcome starts at its top.
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.result_scroll, 0);
}

/// A 429's Retry-After is said beside the explanation: how long the server asked to wait.
#[test]
fn a_refusal_with_retry_after_says_how_long_to_wait() {
    let mut app = fixture::at_card_step(120, 40);
    update(&mut app, ctrl('s'));
    let mut refused = fixture::exchange(
        "POST",
        &format!("/p/{PURCHASE_ID}/?s2s=true"),
        429,
        9000,
        r#"{"message":"Too many requests","code":"rate_limit"}"#,
    );
    refused.response_headers = vec![("Retry-After".into(), "37".into())];
    fixture::reply_with(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 429,
            code: "rate_limit".into(),
            message: "Too many requests".into(),
        })),
        Some(refused),
    );
    let screen = fixture::screen(&app);
    assert!(
        screen.contains("37 s (the server's Retry-After)"),
        "{screen}"
    );
}

/// On a sandbox whose clock was moved, the timeline's times are said to be its clock's.
#[test]
fn the_timeline_names_a_moved_sandbox_clock() {
    let mut app = fixture::pending(120, 40);
    let paid: crate::api::Purchase = serde_json::from_value(serde_json::json!({
        "purchaseId": PURCHASE_ID, "status": "PAID",
        "status_history": [{"status": "created", "timestamp": 1_700_000_000}]
    }))
    .expect("purchase");
    fixture::reply(&mut app, Answer::Status(Ok(paid)));
    assert!(fixture::screen(&app).contains("timeline (local time)"));
    app.panel.clock = Some(serde_json::json!({"clock_offset_minutes": 120}));
    assert!(fixture::screen(&app).contains("timeline (sandbox clock, 120 min ahead)"));
}

/// A purchase whose customer the sandbox blocks is not offered e: no card can pay it, and
/// e says so instead of opening a form whose Ctrl+S can only be refused again.
#[test]
fn a_blocked_customers_purchase_is_not_offered_another_card() {
    let mut app = fixture::at_card_step(120, 40);
    if let Some(p) = app.flow.purchase.as_mut() {
        p.extra.insert(
            "client".into(),
            serde_json::json!({"email": "someone@blocked.example"}),
        );
    }
    update(&mut app, ctrl('s'));
    fixture::reply(
        &mut app,
        Answer::S2s(Err(ApiError::Coded {
            http_status: 400,
            code: "transaction_error".into(),
            message: "Customer profile is Blocked".into(),
        })),
    );
    let mut created = fixture::purchase("CREATED");
    created.extra.insert(
        "client".into(),
        serde_json::json!({"email": "someone@blocked.example"}),
    );
    fixture::reply(&mut app, Answer::Status(Ok(created)));
    assert!(!app.may_pay_again());
    let screen = fixture::screen(&app);
    assert!(!screen.contains("e edit"), "{screen}");
    update(&mut app, key(KeyCode::Char('e')));
    assert_eq!(app.context(), Context::Result);
    assert!(notice(&app).contains("blocked.example"), "{}", notice(&app));
}

/// Following a purchase that stops short of a final status (a hold, or a payment parked
/// waiting to be settled) closes its status rows with where it stopped, not "final".
#[test]
fn a_follow_up_that_stops_short_of_a_final_status_does_not_say_final() {
    let mut app = following_after_one_poll();
    fixture::reply(
        &mut app,
        Answer::Status(Ok(fixture::purchase("PREAUTHORIZED"))),
    );
    let note = app
        .history
        .newest(0)
        .and_then(|e| e.note.clone())
        .unwrap_or_default();
    assert!(note.ends_with("· stopped at PREAUTHORIZED"), "{note}");
}

/// A key that works elsewhere says so for that one press: the next key (opening the flow
/// map, or a key that does nothing in the detail) takes the notice away.
#[test]
fn a_works_elsewhere_notice_lasts_one_key() {
    let mut app = fixture::frictionless_paid(120, 40);
    update(&mut app, key(KeyCode::F(2)));
    let said = app
        .notice
        .as_ref()
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    assert!(said.contains("works on the card form"), "{said}");
    update(&mut app, ctrl('f'));
    assert_eq!(app.notice, None, "the map does not inherit it");
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::BackTab));
    assert!(
        app.notice.is_some(),
        "Shift+Tab in the detail says where it works"
    );
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.notice, None, "the next key takes it away");
}

/// A purchase an answer left at PENDING_EXECUTE with no callback_url does not promise a
/// browser step that `b` and `o` then refuse.
#[test]
fn pending_execute_without_a_callback_url_promises_no_browser() {
    let mut app = fixture::frictionless_paid(120, 40);
    app.flow.callback_url = None;
    app.flow.status = Some(PurchaseStatus::PendingExecute);
    app.flow.outcome = Some(Outcome::Settled {
        status: PurchaseStatus::PendingExecute,
    });
    let screen = fixture::screen(&app);
    assert!(screen.contains("no callback_url"), "{screen}");
    assert!(
        !screen.contains("waiting for the customer's browser"),
        "{screen}"
    );
}
