//! Snapshots of each screen at 120x40 and 80x24 (ratatui's TestBackend + insta); the
//! test-card picker and the sticky history also at 200x60.
//! Fixtures fix ids, times, ports and the expiry, so snapshots are stable.

use paysecure_explorer::tui::app::{Answer, App, Msg, Overlay};
use paysecure_explorer::tui::update::update;
use paysecure_explorer::tui::views;
use paysecure_explorer::tui::{detail, fixture};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn render(app: &App) -> String {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| views::draw(f, app)).expect("draw");
    format!("{}", terminal.backend())
}

fn both(name: &str, build: impl Fn(u16, u16) -> App) {
    for (w, h) in [(120, 40), (80, 24)] {
        let app = build(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app));
    }
}

/// The smallest usual terminal, the design's size and a large one.
fn three(name: &str, build: impl Fn(u16, u16) -> App) {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let app = build(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app));
    }
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

#[test]
fn purchase_form() {
    both("purchase_form", fixture::app);
}

#[test]
fn card_form_with_picker_open() {
    three("card_form_picker", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        press(&mut app, KeyCode::F(2));
        app
    });
}

#[test]
fn card_picker_searching() {
    three("card_picker_search", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        press(&mut app, KeyCode::F(2));
        type_text(&mut app, "blocked");
        press(&mut app, KeyCode::Down);
        app
    });
}

#[test]
fn card_picker_says_when_no_card_matches() {
    let mut app = fixture::at_card_step(80, 24);
    press(&mut app, KeyCode::F(2));
    type_text(&mut app, "4111");
    let screen = render(&app);
    assert!(screen.contains("search \"4111\" · 0 of 59"), "{screen}");
    assert!(screen.contains("No card matches \"4111\""), "{screen}");
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.overlay, Some(Overlay::Cards(_))),
        "Enter with no match keeps the picker open"
    );
}

#[test]
fn card_picker_keeps_outcome_and_number_whole_at_80x24() {
    let mut app = fixture::at_card_step(80, 24);
    press(&mut app, KeyCode::F(2));
    let screen = render(&app);
    for needle in [
        "→ PAID",
        "4444 3333 2222 1111",
        "→ ERROR Insufficient fund",
        "5143 3126 0627 1514",
    ] {
        assert!(screen.contains(needle), "{needle}: {screen}");
    }
    type_text(&mut app, "4999 0000 0000 0120");
    let screen = render(&app);
    assert!(screen.contains("→ 400 Card is Blocked"), "{screen}");
    assert!(screen.contains("4999 0000 0000 0120"), "{screen}");
}

/// 30 exchanges, the pane focused with an older row selected, then 20 more arrive.
fn scrolled_away_while_20_arrive(w: u16, h: u16) -> App {
    let mut app = fixture::with_history(w, h, 30);
    press(&mut app, KeyCode::F(6));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    for i in 0..20 {
        update(
            &mut app,
            Msg::Exchange(Box::new(fixture::exchange(
                "GET",
                &format!("/purchases/{}/", fixture::PURCHASE_ID),
                200,
                60_000 + i * 1000,
                r#"{"status":"CREATED"}"#,
            ))),
        );
    }
    app
}

#[test]
fn sticky_history_counts_new_rows_while_scrolled_away() {
    three("sticky_history_new_above", scrolled_away_while_20_arrive);
    let mut app = scrolled_away_while_20_arrive(120, 40);
    assert!(render(&app).contains("↑ 20 new (g)"));
    press(&mut app, KeyCode::Char('g'));
    let screen = render(&app);
    assert!(!screen.contains("new (g)"), "{screen}");
    assert!(
        screen.contains("▶00:02:22 GET"),
        "the newest row, selected: {screen}"
    );
}

#[test]
fn the_light_theme_paints_every_cell() {
    use ratatui::style::Color;
    type Build = fn(u16, u16) -> App;
    let screens: [(&str, Build); 4] = [
        ("purchase form", fixture::app),
        ("pending", fixture::pending),
        ("panel", fixture::panel),
        ("too small", |_, _| fixture::app(40, 10)),
    ];
    for (what, build) in screens {
        let mut app = build(120, 40);
        app.theme = paysecure_explorer::tui::theme::load("light", None).expect("light");
        let (w, h) = app.size;
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        let buffer = terminal.backend().buffer();
        for y in 0..h {
            for x in 0..w {
                let bg = buffer[(x, y)].bg;
                // Reset would show the terminal's own (dark) background: a stripe.
                assert_ne!(bg, Color::Reset, "{what}: cell {x},{y} is unpainted");
            }
        }
        // A screen region with nothing in it is the theme's background, exactly.
        let notice_row = h - 2;
        if what == "purchase form" {
            for x in 0..w {
                assert_eq!(
                    buffer[(x, notice_row)].bg,
                    app.theme.background,
                    "{what}: cell {x},{notice_row}"
                );
            }
        }
    }
}

#[test]
fn card_form() {
    both("card_form", fixture::at_card_step);
}

#[test]
fn pending_result() {
    both("pending_result", fixture::pending);
}

#[test]
fn coded_error() {
    both("coded_error", fixture::blocked);
}

#[test]
fn history_detail() {
    both("history_detail", |w, h| {
        let mut app = fixture::pending(w, h);
        app.overlay = Some(Overlay::Detail {
            index: 0,
            view: Default::default(),
        });
        app
    });
}

#[test]
fn sandbox_panel() {
    both("sandbox_panel", fixture::panel);
}

#[test]
fn help() {
    both("help", |w, h| {
        let mut app = fixture::app(w, h);
        app.overlay = Some(Overlay::Help { scroll: 0 });
        app
    });
}

#[test]
fn too_small_terminal_shows_a_notice() {
    let app = fixture::app(40, 10);
    let screen = render(&app);
    assert!(screen.contains("Terminal too small"), "{screen}");
}

#[test]
fn server_text_cannot_inject_control_characters() {
    let mut app = fixture::at_card_step(120, 40);
    fixture::reply(
        &mut app,
        Answer::S2s(Err(paysecure_explorer::api::ApiError::Coded {
            http_status: 400,
            code: "x\u{1b}[2J".into(),
            message: "evil\u{1b}]52;c;AAAA\u{7}text".into(),
        })),
    );
    let screen = render(&app);
    assert!(!screen.contains('\u{1b}'));
    assert!(
        screen.contains("evil\\u001b]52;c;AAAA\\u0007text"),
        "{screen}"
    );
}

#[test]
fn every_theme_renders() {
    for name in ["dark", "light", "high-contrast", "colorblind"] {
        let mut app = fixture::pending(120, 40);
        app.theme = paysecure_explorer::tui::theme::load(name, None).expect("theme");
        let screen = render(&app);
        assert!(
            screen.contains(&format!("theme: {name}")),
            "{name}: {screen}"
        );
    }
}

#[test]
fn insert_mode() {
    // At start: the first field is being edited; the footer says INSERT and offers Esc.
    three("mode_insert", fixture::app);
}

#[test]
fn normal_mode() {
    // After Esc: the footer says NORMAL and offers the letter commands.
    three("mode_normal", |w, h| {
        let mut app = fixture::app(w, h);
        press(&mut app, KeyCode::Esc);
        app
    });
}

#[test]
fn a_long_field_scrolled_to_its_end() {
    // success_redirect, End, X: the view follows the cursor, `…` where the start is cut.
    three("long_field_end", |w, h| {
        let mut app = fixture::app(w, h);
        let at = app
            .purchase_form
            .fields
            .iter()
            .position(|f| f.path == "success_redirect")
            .expect("field");
        app.purchase_form.focus = at;
        let value = app.purchase_form.fields[at].value().to_string();
        let session = "abcdef0123".repeat(12);
        app.purchase_form.fields[at]
            .set_value(format!("{value}?order=order-1001&session={session}"));
        press(&mut app, KeyCode::End);
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)),
        );
        app
    });
}

#[test]
fn a_long_field_in_the_middle_is_cut_at_both_ends() {
    three("long_field_middle", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        let at = app
            .card_form
            .fields
            .iter()
            .position(|f| f.path == "user_agent")
            .expect("field");
        app.card_form.focus = at;
        for _ in 0..60 {
            press(&mut app, KeyCode::Left);
        }
        app
    });
}

/// The pending fixture with its newest exchange (the S2S call) open in the detail.
fn detail_of_s2s(w: u16, h: u16) -> App {
    let mut app = fixture::pending(w, h);
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    app
}

/// Moves the detail's cursor to the first row reading `text` (from row `from` on).
fn cursor_to(app: &mut App, text: &str, from: usize) -> usize {
    let Some(Overlay::Detail { view, .. }) = &app.overlay else {
        panic!("no detail open")
    };
    let doc = detail::document(app, 0, view).expect("doc");
    let row = doc
        .rows
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, r)| r.para.line.to_string() == text)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no row {text:?}"));
    if let Some(Overlay::Detail { view, .. }) = &mut app.overlay {
        view.cursor = row;
    }
    row
}

#[test]
fn detail_with_a_folded_object() {
    both("detail_folded", |w, h| {
        let mut app = detail_of_s2s(w, h);
        let request = cursor_to(&mut app, "▾ request", 0);
        cursor_to(&mut app, "  {", request);
        press(&mut app, KeyCode::Char(' '));
        app
    });
}

#[test]
fn detail_search_matches() {
    both("detail_search", |w, h| {
        let mut app = detail_of_s2s(w, h);
        press(&mut app, KeyCode::Char('/'));
        for c in "64bf".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char('n'));
        app
    });
}

#[test]
fn detail_of_an_html_body() {
    both("detail_html", |w, h| {
        let mut app = fixture::pending(w, h);
        let page = paysecure_explorer::sandbox::pages::challenge_page(
            &paysecure_explorer::sandbox::pages::ChallengeView {
                purchase_id: fixture::PURCHASE_ID,
                merchant: "Sandbox Shop",
                amount: "EUR 20.00".into(),
                masked_pan: "444433******1111",
                card_brand: "VISA",
            },
        );
        let mut ex = fixture::exchange(
            "GET",
            &format!("/payment/{}/", fixture::PURCHASE_ID),
            200,
            7000,
            &page,
        );
        ex.kind = paysecure_explorer::api::ExchangeKind::Browser;
        ex.request_body = None;
        ex.request_headers = vec![("accept".into(), "text/html".into())];
        ex.response_headers = vec![("content-type".into(), "text/html; charset=utf-8".into())];
        update(&mut app, Msg::Exchange(Box::new(ex)));
        app.overlay = Some(Overlay::Detail {
            index: 0,
            view: Default::default(),
        });
        app
    });
}

#[test]
fn result_with_the_settle_command() {
    both("result_settle_command", |w, h| {
        let mut app = fixture::pending(w, h);
        fixture::reply(
            &mut app,
            Answer::Status(Ok(fixture::purchase("PAYMENT_IN_PROCESS"))),
        );
        app.requests.end_where(|_| true);
        app
    });
}

#[test]
fn otp_prompt() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut app = fixture::pending(w, h);
        press(&mut app, KeyCode::Char('b'));
        fixture::reply(
            &mut app,
            Answer::Callback(Ok(
                paysecure_explorer::flow::browser::CallbackPage::Challenge {
                    form_url: format!(
                        "{}/api/v1/payment/{}/",
                        fixture::ORIGIN,
                        fixture::PURCHASE_ID
                    ),
                },
            )),
        );
        for c in "1234".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        app.requests.end_where(|_| true);
        insta::assert_snapshot!(format!("otp_prompt_{w}x{h}"), render(&app));
    }
}

#[test]
fn copy_as_code_chooser_with_the_form_values_warning() {
    both("copy_as_code_chooser", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('C'));
        press(&mut app, KeyCode::Char('v'));
        app
    });
}

#[test]
fn copy_as_code_snippet() {
    both("copy_as_code_snippet", |w, h| {
        let mut app = fixture::app(w, h);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('C'));
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        app
    });
}

#[test]
fn presenter_step() {
    // Presenter mode, stop 4 of 8 after its status GET: the server's ERROR and reason
    // large, the narration, what the step did, the step list on the right.
    both("presenter_step", fixture::presenter);
}

#[test]
fn presenter_verify() {
    // The webhook stop's last step: the signature checked here with the published key,
    // what the merchant stub said, a forged status failing; the map beside it, the
    // verify step listed under the map (it has no arrow).
    both("presenter_verify", fixture::presenter_verify);
}

#[test]
fn presenter_renders_in_every_theme() {
    for name in ["dark", "light", "high-contrast", "colorblind"] {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = fixture::presenter(w, h);
            app.theme = paysecure_explorer::tui::theme::load(name, None).expect("theme");
            let screen = render(&app);
            assert!(screen.contains("E R R O R"), "{name}: {screen}");
            assert!(
                screen.contains("Flow map · insufficient-funds"),
                "{name}: {screen}"
            );
            assert!(screen.contains("▸✓ 9 status GET"), "{name}: {screen}");
        }
    }
}

#[test]
fn field_guide_line_under_the_forms() {
    both("guide_line_purchase", fixture::app);
    both("guide_line_card", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        // The CVC: a field whose guide names the server's coded error.
        for _ in 0..3 {
            press(&mut app, KeyCode::Tab);
        }
        app
    });
}

#[test]
fn fields_of_this_form_in_help() {
    both("help_fields_card_form", |w, h| {
        let mut app = fixture::at_card_step(w, h);
        press(&mut app, KeyCode::F(1));
        app
    });
}

#[test]
fn flow_map_pending() {
    both("flow_map_pending", |w, h| {
        fixture::with_flow_map(fixture::pending(w, h))
    });
}

#[test]
fn flow_map_frictionless_paid() {
    both("flow_map_frictionless_paid", |w, h| {
        fixture::with_flow_map(fixture::frictionless_paid(w, h))
    });
}

#[test]
fn flow_map_challenge_failed() {
    both("flow_map_challenge_failed", |w, h| {
        let mut app = fixture::with_flow_map(fixture::challenge_failed(w, h));
        // The failed challenge, selected: its row is named under the diagram.
        for _ in 0..3 {
            press(&mut app, KeyCode::Up);
        }
        app
    });
}

#[test]
fn flow_map_in_the_light_theme() {
    let mut app = fixture::with_flow_map(fixture::challenge_failed(120, 40));
    app.theme = paysecure_explorer::tui::theme::load("light", None).expect("light");
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| views::draw(f, &app)).expect("draw");
    let buffer = terminal.backend().buffer();
    for y in 0..h {
        for x in 0..w {
            assert_ne!(
                buffer[(x, y)].bg,
                ratatui::style::Color::Reset,
                "cell {x},{y} is unpainted"
            );
        }
    }
    // Text and colours: the states read by colour as well as by symbol.
    insta::assert_debug_snapshot!("flow_map_light_120x40", buffer);
}

#[test]
fn flow_map_reads_in_every_theme() {
    for name in ["dark", "light", "high-contrast", "colorblind"] {
        for (w, h) in [(120, 40), (80, 24)] {
            let mut app = fixture::with_flow_map(fixture::challenge_failed(w, h));
            app.theme = paysecure_explorer::tui::theme::load(name, None).expect("theme");
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            terminal.draw(|f| views::draw(f, &app)).expect("draw");
            let buffer = terminal.backend().buffer();
            // The state symbols of the step list (second column of the map's box).
            let find = |symbol: &str| {
                (0..h).find_map(|y| {
                    (0..w)
                        .find(|x| buffer[(*x, y)].symbol() == symbol && *x < 8)
                        .map(|x| buffer[(x, y)].clone())
                })
            };
            let done = find("✓").unwrap_or_else(|| panic!("{name} {w}x{h}: no done step"));
            let failed = find("✗").unwrap_or_else(|| panic!("{name} {w}x{h}: no failed step"));
            assert_ne!(
                done.fg, failed.fg,
                "{name} {w}x{h}: done and failed look alike"
            );
            assert_ne!(done.fg, app.theme.background, "{name}: done is invisible");
            assert_ne!(
                failed.fg, app.theme.background,
                "{name}: failed is invisible"
            );
        }
    }
}

#[test]
fn the_refund_prompt_guides_its_fields() {
    both("refund_prompt_guide", |w, h| {
        let mut app = fixture::frictionless_paid(w, h);
        press(&mut app, KeyCode::Char('p'));
        app
    });
}
