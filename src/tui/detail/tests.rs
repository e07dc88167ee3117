//! `update()` tests of the exchange detail: folding, search, jumps, the end clamp, copying.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::{DetailView, document};
use crate::tui::app::{App, Effect, Level, Msg, Overlay};
use crate::tui::fixture;
use crate::tui::keys::Context;
use crate::tui::update::update;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, ch(c));
    }
}

fn view(app: &App) -> DetailView {
    match &app.overlay {
        Some(Overlay::Detail { view, .. }) => view.clone(),
        other => panic!("no detail open: {other:?}"),
    }
}

/// The full-document row whose text is `text` (first one from `from` on).
fn row(app: &App, text: &str, from: usize) -> usize {
    let doc = document(app, 0, &view(app)).expect("doc");
    doc.rows
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, r)| r.para.line.to_string() == text)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no row {text:?}"))
}

fn set_cursor(app: &mut App, cursor: usize) {
    if let Some(Overlay::Detail { view, .. }) = &mut app.overlay {
        view.cursor = cursor;
    }
}

/// The pending fixture with its newest exchange (the S2S call) open in the detail.
fn open_s2s(width: u16, height: u16) -> App {
    let mut app = fixture::pending(width, height);
    update(&mut app, key(KeyCode::F(6)));
    update(&mut app, key(KeyCode::Home));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.context(), Context::Detail);
    app
}

/// An exchange whose response nests `"id"` three times, open in the detail.
fn open_nested(width: u16, height: u16) -> App {
    let mut app = fixture::app(width, height);
    app.history.push(fixture::exchange(
        "GET",
        "/nested/",
        200,
        0,
        r#"{"a":{"id":"x1"},"b":[{"id":"x2"},{"id":"x3"}],"c":"end"}"#,
    ));
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: DetailView::default(),
    });
    app
}

#[test]
fn space_and_za_fold_the_object_under_the_cursor() {
    let mut app = open_s2s(120, 40);
    let response = row(&app, "▾ response", 0);
    let open = row(&app, "  {", response);
    set_cursor(&mut app, open);
    update(&mut app, ch(' '));
    assert!(view(&app).folds.contains(&open));
    let doc = document(&app, 0, &view(&app)).expect("doc");
    assert_eq!(
        doc.shown(open, &view(&app).folds)
            .map(|p| p.line.to_string()),
        Some("  {…} 3 keys".into())
    );
    assert!(
        !doc.visible(&view(&app).folds).contains(&(open + 1)),
        "children hidden"
    );
    update(&mut app, ch(' '));
    assert!(view(&app).folds.is_empty(), "Space again unfolds");
    update(&mut app, ch('z'));
    assert!(view(&app).pending_z);
    update(&mut app, ch('a'));
    assert!(view(&app).folds.contains(&open), "za folds");
    update(&mut app, ch('a'));
    assert!(view(&app).folds.contains(&open), "a alone does nothing");
}

#[test]
fn left_and_right_close_open_and_walk_the_tree() {
    let mut app = open_s2s(120, 40);
    let response = row(&app, "▾ response", 0);
    let open = row(&app, "  {", response);
    let status = row(&app, "    \"status\": \"pending\",", response);
    set_cursor(&mut app, status);
    // On a value, ← goes to its object; on an open object, ← folds it.
    update(&mut app, key(KeyCode::Left));
    assert_eq!(view(&app).cursor, open);
    assert!(view(&app).folds.is_empty());
    update(&mut app, ch('h'));
    assert!(view(&app).folds.contains(&open));
    // → unfolds, then steps inside.
    update(&mut app, key(KeyCode::Right));
    assert!(view(&app).folds.is_empty());
    assert_eq!(view(&app).cursor, open);
    update(&mut app, ch('l'));
    assert_eq!(view(&app).cursor, status);
    // Space on a value folds the object around it, and the cursor follows.
    update(&mut app, ch(' '));
    assert_eq!(view(&app).cursor, open);
    assert!(view(&app).folds.contains(&open));
    // On a line outside JSON nothing folds, and the app says why.
    update(&mut app, ch('g'));
    update(&mut app, ch(' '));
    assert_eq!(view(&app).folds.len(), 1);
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|(_, n)| n.contains("Nothing to fold here"))
    );
}

#[test]
fn search_counts_opens_folds_and_cycles_with_n_and_shift_n() {
    let mut app = open_nested(120, 40);
    let response = row(&app, "▾ response", 0);
    let root = row(&app, "  {", response);
    set_cursor(&mut app, root);
    update(&mut app, ch(' '));
    assert!(view(&app).folds.contains(&root));
    update(&mut app, ch('/'));
    assert_eq!(
        app.context(),
        Context::Prompt,
        "the query is typed like a prompt"
    );
    typed(&mut app, "\"ID\"");
    assert_eq!(view(&app).search.query.value(), "\"ID\"");
    update(&mut app, key(KeyCode::Enter));
    let v = view(&app);
    assert!(!v.search.typing);
    assert!(
        v.folds.is_empty(),
        "the folded object holding matches opened"
    );
    let first = row(&app, "      \"id\": \"x1\"", response);
    let second = row(&app, "        \"id\": \"x2\"", response);
    let third = row(&app, "        \"id\": \"x3\"", response);
    assert_eq!((v.cursor, v.search.current), (first, Some(0)));
    update(&mut app, ch('n'));
    assert_eq!(view(&app).cursor, second);
    update(&mut app, ch('n'));
    assert_eq!(
        (view(&app).cursor, view(&app).search.current),
        (third, Some(2))
    );
    update(&mut app, ch('n'));
    assert_eq!(view(&app).cursor, first, "wraps to the top");
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|(_, n)| n.contains("wrapped to the top"))
    );
    update(&mut app, ch('N'));
    assert_eq!(view(&app).cursor, third, "N goes back, wrapping");
    // A match inside a folded container is revealed by n.
    let b_open = row(&app, "    \"b\": [", response);
    if let Some(Overlay::Detail { view, .. }) = &mut app.overlay {
        view.folds.insert(b_open);
    }
    update(&mut app, ch('N'));
    assert_eq!(view(&app).cursor, second);
    assert!(!view(&app).folds.contains(&b_open));
}

#[test]
fn no_match_is_said_plainly_and_esc_closes_only_the_prompt() {
    let mut app = open_nested(120, 40);
    update(&mut app, ch('/'));
    typed(&mut app, "zzz");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.notice,
        Some((Level::Warn, "No match for “zzz” in this exchange.".into()))
    );
    assert_eq!(view(&app).search.current, None);
    update(&mut app, ch('/'));
    typed(&mut app, "x");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.context(), Context::Detail, "the detail stays open");
    assert!(view(&app).search.query.value().is_empty());
    update(&mut app, ch('n'));
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|(_, n)| n.contains("Nothing searched yet"))
    );
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, None);
}

#[test]
fn scrolling_stops_with_the_last_line_at_the_bottom() {
    let mut app = fixture::app(80, 24);
    let items: Vec<String> = (0..200).map(|i| format!("\"item {i}\"")).collect();
    let body = format!("[{}]", items.join(","));
    app.history
        .push(fixture::exchange("GET", "/long/", 200, 0, &body));
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: DetailView::default(),
    });
    let height = crate::tui::layout::detail_box(app.size, &app).text.height as usize;
    let doc = document(&app, 0, &view(&app)).expect("doc");
    let width = crate::tui::layout::detail_box(app.size, &app).text.width as usize - super::GUTTER;
    let total = view(&app).lay(&doc, width).total();
    assert!(total > height * 3);
    update(&mut app, key(KeyCode::End));
    let v = view(&app);
    assert_eq!(v.scroll, total - height, "End: the last line at the bottom");
    assert_eq!(v.cursor, doc.rows.len() - 1);
    for _ in 0..3 {
        update(&mut app, key(KeyCode::PageDown));
        update(&mut app, key(KeyCode::Down));
    }
    assert_eq!(view(&app).scroll, total - height, "never past the end");
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut app, wheel(MouseEventKind::ScrollDown));
    assert_eq!(
        view(&app).scroll,
        total - height,
        "the wheel obeys the clamp"
    );
    update(&mut app, wheel(MouseEventKind::ScrollUp));
    let v = view(&app);
    assert_eq!(v.scroll, total - height - 3);
    let laid = v.lay(&doc, width);
    let p = laid.position(v.cursor);
    assert!(
        laid.starts[p] >= v.scroll && laid.starts[p] < v.scroll + height,
        "the cursor stays on screen"
    );
    update(&mut app, key(KeyCode::Home));
    assert_eq!((view(&app).scroll, view(&app).cursor), (0, 0));
    update(&mut app, ch('G'));
    update(&mut app, ch('g'));
    assert_eq!(view(&app).scroll, 0);
    // The cursor walks down one line at a time and the view follows it.
    for _ in 0..height + 5 {
        update(&mut app, key(KeyCode::Down));
    }
    let v = view(&app);
    assert_eq!(v.cursor, height + 5);
    assert_eq!(v.scroll, 6, "the cursor's line is the bottom one");
}

#[test]
fn y_copies_the_value_under_the_cursor_and_the_result_url() {
    let mut app = open_s2s(120, 40);
    let callback = format!(
        "{}/api/v1/payment/{}/",
        fixture::ORIGIN,
        fixture::PURCHASE_ID
    );
    let at = row(&app, &format!("    \"callback_url\": \"{callback}\","), 0);
    set_cursor(&mut app, at);
    let effects = update(&mut app, ch('y'));
    assert_eq!(effects, [Effect::Copy(callback.clone())]);
    update(&mut app, ch('g'));
    let effects = update(&mut app, ch('y'));
    assert_eq!(
        effects,
        [Effect::Copy(format!(
            "{}/api/v1/p/{}/?s2s=true",
            fixture::ORIGIN,
            fixture::PURCHASE_ID
        ))],
        "the request line copies its URL"
    );
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.context(), Context::Result);
    let effects = update(&mut app, ch('y'));
    assert_eq!(effects, [Effect::Copy(callback)]);
}

#[test]
fn v_switches_an_html_body_between_readable_and_source() {
    let mut app = fixture::app(120, 40);
    let mut ex = fixture::exchange("GET", "/payment/x/", 200, 0, "");
    ex.response_headers = vec![("content-type".into(), "text/html".into())];
    ex.response_body = Some("<h1>Confirm</h1><script>x()</script><input name=otp>".into());
    app.history.push(ex);
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: DetailView::default(),
    });
    let text = |app: &App| {
        let doc = document(app, 0, &view(app)).expect("doc");
        doc.rows
            .iter()
            .map(|r| r.para.line.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(text(&app).contains("  [input otp]"));
    assert!(!text(&app).contains("x()"));
    update(&mut app, ch('v'));
    assert!(view(&app).raw);
    assert!(text(&app).contains("<script>x()</script>"));
    update(&mut app, ch('v'));
    assert!(!view(&app).raw);
}

#[test]
fn a_webhook_signature_is_cut_on_screen_and_copied_whole() {
    let mut app = fixture::app(80, 24);
    let signature = "QUJD".repeat(86); // 344 Base64 characters, like an RSA-2048 one
    let mut ex = crate::api::Exchange::new(
        crate::api::ExchangeKind::Webhook,
        "POST",
        "http://127.0.0.1:41873/merchant/webhook",
        fixture::T0_MS,
    );
    ex.request_headers = vec![("paysecure-sign".into(), signature.clone())];
    ex.request_body = Some(format!(
        r#"{{"status":"paid","message":{{"purchaseId":"{}","brandId":"brd"}}}}"#,
        fixture::PURCHASE_ID
    ));
    ex.status = Some(200);
    ex.note = Some("signature ✓".into());
    app.history.push(ex);
    app.overlay = Some(Overlay::Detail {
        index: 0,
        view: DetailView::default(),
    });
    let at = {
        let doc = document(&app, 0, &view(&app)).expect("doc");
        doc.rows
            .iter()
            .position(|r| r.para.line.to_string().starts_with("  paysecure-sign"))
            .expect("the signature row")
    };
    set_cursor(&mut app, at);
    assert_eq!(update(&mut app, ch('y')), [Effect::Copy(signature.clone())]);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|f| crate::tui::views::draw(f, &app))
        .expect("draw");
    let screen = format!("{}", terminal.backend());
    // Cut where it stands (the verify section, the header, the notice), never continued
    // on a following line.
    let shown: Vec<&str> = screen.lines().filter(|l| l.contains("QUJD")).collect();
    assert!(!shown.is_empty(), "{screen}");
    assert!(shown.iter().all(|l| l.contains('…')), "{screen}");
}

/// After a resize the cursor's row is on screen for the new size at once, not after the
/// next key (at the last line, shrinking and growing the window left it off screen).
#[test]
fn a_resize_keeps_the_cursor_row_on_screen() {
    let mut app = open_s2s(120, 40);
    update(&mut app, key(KeyCode::End));
    let at_end = view(&app);
    update(&mut app, Msg::Resize(60, 16));
    update(&mut app, Msg::Resize(80, 24));
    let after = view(&app);
    assert_eq!(after.cursor, at_end.cursor, "the cursor stays on its row");
    let (width, height) = {
        let r = crate::tui::layout::detail_box(app.size, &app).text;
        (
            (r.width as usize).saturating_sub(super::GUTTER),
            r.height as usize,
        )
    };
    let doc = document(&app, 0, &after).expect("doc");
    let laid = after.lay(&doc, width);
    let top = laid.starts[laid.position(after.cursor)];
    assert!(
        top >= after.scroll && top < after.scroll + height,
        "cursor row at line {top}, view {}..{}",
        after.scroll,
        after.scroll + height
    );
}
