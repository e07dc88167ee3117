//! The real binary in a pseudo-terminal (tmux), driven by keystrokes, reading the screen.
//! Skips with a notice when tmux is missing, except under `CI=true`.

#[path = "support/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use std::process::Command;
use std::time::{Duration, Instant};

use tmux::{BIN, Tmux};

#[test]
fn happy_path_ends_paid_with_history_rows() {
    let Some(t) = Tmux::start("happy", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase", "embedded sandbox", "Ctrl+S/F5"]);
    t.keys(&["C-s"]);
    t.step_two_read(&["card_number"]);
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending", "callback_url"]);
    t.keys(&["b"]);
    // The prompt itself: the result screen also says "sandbox OTP: 123456".
    t.wait_for(&["OTP:", "Enter submits"]);
    t.literal("123456");
    t.keys(&["Enter"]);
    let screen = t.wait_for(&["✔ PAID", "webhook", "signature ✓"]);
    for row in [
        "POST /purchases/",
        "?s2s=true",
        "GET  /payment/",
        "POST /payment/",
        "⇐ webhook paid",
    ] {
        assert!(screen.contains(row), "history lacks {row:?}:\n{screen}");
    }
    t.keys(&["C-c"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.alive() {
        assert!(Instant::now() < deadline, "Ctrl+C did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn blocked_card_is_explained() {
    let Some(t) = Tmux::start("blocked", 120, 40) else {
        return;
    };
    t.purchase_with_card("4999000000000120");
    t.keys(&["C-s"]);
    let screen = t.wait_for(&[
        "Card is Blocked",
        "Sandbox trigger: card 4999000000000120",
        "still payable",
        "yes: the status GET says CREATED",
    ]);
    assert!(screen.contains("HTTP 400"), "{screen}");
    // v shows the failed exchange's own body, not the newest history row (the status GET).
    t.keys(&["v"]);
    t.wait_for(&["response body of POST", "\"code\"", "transaction_error"]);
    t.keys(&["q"]);
}

#[test]
fn small_terminal_shows_a_notice_and_resizing_recovers() {
    let Some(t) = Tmux::start("small", 50, 12) else {
        return;
    };
    t.wait_for(&["Terminal too small"]);
    assert!(
        Command::new("tmux")
            .args([
                "-L",
                &t.socket,
                "resize-window",
                "-t",
                "e2e",
                "-x",
                "100",
                "-y",
                "30"
            ])
            .status()
            .expect("resize")
            .success()
    );
    t.wait_for(&["① Purchase", "History"]);
    t.keys(&["F1"]);
    t.wait_for(&["Keys — Esc closes"]);
    t.keys(&["Escape"]);
    t.keys(&["C-c"]);
}

#[test]
fn profile_of_a_served_sandbox_shows_remote_sandbox_banner_and_completes_by_polling() {
    use std::io::BufRead as _;
    if Command::new("tmux").arg("-V").output().is_err() {
        let _ = Tmux::start("remote-probe", 80, 24); // prints the notice (or fails under CI)
        return;
    }
    // Killed however the test ends: a failed assertion left it running (and holding the
    // test run's output pipe open) before.
    let mut served = KilledOnDrop(
        Command::new(BIN)
            .args(["serve", "--port", "0", "--json"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("serve"),
    );
    let mut line = String::new();
    std::io::BufReader::new(served.0.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let facts: serde_json::Value = serde_json::from_str(&line).expect("json");
    let base = facts["base_url"].as_str().expect("base");
    let origin = base.trim_end_matches("/api/v1");
    let config = Tmux::dirs("remote").join("config");
    std::fs::create_dir_all(&config).expect("dir");
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[profiles.local]\nbase_url = \"{base}\"\nbrand_id = \"{}\"\napi_key_env = \"LOCAL_KEY\"\nsuccess_redirect = \"{origin}/merchant/return/success\"\nfailure_redirect = \"{origin}/merchant/return/failure\"\n",
            facts["brand_id"].as_str().expect("brand")
        ),
    )
    .expect("config");
    let env = format!("LOCAL_KEY={}", facts["api_key"].as_str().expect("key"));
    let t = Tmux::start_with("remote", 120, 40, &env, "--profile local").expect("tmux");
    let screen = t.wait_for(&["REMOTE SANDBOX (test key)", "① Purchase"]);
    assert!(
        !screen.contains("LIVE") && !screen.contains("real Paysecure"),
        "a loopback serve with the test key is no live endpoint:\n{screen}"
    );
    t.keys(&["C-s"]);
    t.step_two_read(&[]);
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    // The prompt itself: the result screen also says "sandbox OTP: 123456".
    t.wait_for(&["OTP:", "Enter submits"]);
    t.literal("123456");
    t.keys(&["Enter"]);
    let screen = t.wait_for(&["✔ PAID"]);
    assert!(
        !screen.contains("⇐ webhook"),
        "no merchant stub on a remote endpoint:\n{screen}"
    );
    t.keys(&["C-c"]);
    drop(served);
}

/// A child process killed and reaped when this is dropped (a panic included).
struct KilledOnDrop(std::process::Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn history_from_an_earlier_session_is_shown_and_filterable() {
    if Command::new("tmux").arg("-V").output().is_err() {
        let _ = Tmux::start("earlier-probe", 80, 24);
        return;
    }
    let dirs = Tmux::dirs("earlier");
    let out = Command::new(BIN)
        .args(["flow", "--json", "--card", "4999000000000120"])
        .env("PAYSECURE_EXPLORER_DATA_DIR", dirs.join("data"))
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", dirs.join("config"))
        .env_remove("PAYSECURE_API_KEY")
        .env_remove("PAYSECURE_BRAND_ID")
        .output()
        .expect("flow");
    assert_eq!(out.status.code(), Some(1));
    let t = Tmux::start("earlier", 120, 40).expect("tmux");
    t.wait_for(&["exchanges from earlier sessions", "?s2s=true"]);
    t.keys(&["F6", "/"]);
    t.wait_for(&["Filter history"]);
    t.literal("0120");
    t.keys(&["Enter"]);
    // The S2S call (masked card in its request) and the status GET (masked_pan in its attempts).
    t.wait_for(&["History · 2 ", "of 3 rows"]);
    t.keys(&["C-c"]);
}

#[test]
fn hang_card_then_esc_is_editable_within_a_second() {
    let Some(t) = Tmux::start_with("hang", 120, 40, "", "--timeout 40") else {
        return;
    };
    t.purchase_with_card("4999000000000302");
    t.keys(&["C-s"]);
    t.wait_for(&["sending card…", "/ 40 s", "Esc cancels"]);
    let pressed = Instant::now();
    t.keys(&["Escape"]);
    // The form is back and the cut-off call is recorded (the notice may already have
    // moved on to what the status GET said).
    let screen = t.wait_for(&["② Card & device ●", "CXL"]);
    assert!(
        pressed.elapsed() < Duration::from_secs(1),
        "Esc took {:?}:\n{screen}",
        pressed.elapsed()
    );
    // The status GET that follows says what is known, then nothing is in flight.
    let screen = t.wait_for(&["this sandbox stops a call", "CXL"]);
    assert!(!screen.contains("Esc cancels"), "{screen}");
    t.keys(&["C-c"]);
}

#[test]
fn frictionless_card_reaches_paid_without_an_otp_prompt() {
    let Some(t) = Tmux::start("frictionless", 120, 40) else {
        return;
    };
    t.purchase_with_card("5116213113429327");
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    let screen = t.wait_for(&["✔ PAID", "frictionless: the issuer did not challenge"]);
    // The prompt's own words: a capture taken mid-frame may still hold the pending
    // screen's "sandbox OTP: 123456" line below the new headline.
    assert!(
        !screen.contains("Enter submits"),
        "no OTP prompt:\n{screen}"
    );
    t.keys(&["C-c"]);
}

#[test]
fn ctrl_u_on_remember_card_sends_on_or_off() {
    let Some(t) = Tmux::start("remember", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase"]);
    t.keys(&["C-s"]);
    t.wait_for(&["② Card & device ●"]);
    t.keys(&["Tab", "Tab", "Tab", "Tab", "C-u", "C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["C-c"]);
    let dirs = Tmux::dirs("remember");
    let out = Command::new(BIN)
        .args(["history", "--json"])
        .env("PAYSECURE_EXPLORER_DATA_DIR", dirs.join("data"))
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", dirs.join("config"))
        .output()
        .expect("history");
    let history = String::from_utf8_lossy(&out.stdout).into_owned();
    let sent = history
        .lines()
        .find(|l| l.contains("s2s=true"))
        .expect("the S2S call is in history");
    assert!(
        sent.contains(r#"\"remember_card\":\"on\""#)
            || sent.contains(r#"\"remember_card\":\"off\""#),
        "{sent}"
    );
}
#[test]
fn pending_card_settled_from_the_panel_reads_paid_without_leaving() {
    let Some(t) = Tmux::start("settle", 120, 40) else {
        return;
    };
    t.purchase_with_card("4994455060632359");
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    // The prompt itself: the result screen also says "sandbox OTP: 123456".
    t.wait_for(&["OTP:", "Enter submits"]);
    t.literal("123456");
    t.keys(&["Enter"]);
    t.wait_for(&["PAYMENT_IN_PROCESS — waiting for the processor"]);
    t.keys(&["C-p"]);
    // The panel's own list, not the result screen behind it (which shows the status and
    // the card too): under load the list may answer after a status poll has started, and
    // the spinner then names the poll, not the list's read.
    t.wait_for(&["Sandbox panel", "1 of 1 purchases", "499445******2359"]);
    t.keys(&["p"]);
    t.wait_for(&["/settle -H 'content-type", "Settled; the webhook follows."]);
    t.keys(&["Escape"]);
    t.wait_for(&["✔ PAID", "webhook         paid · signature ✓"]);
    t.keys(&["C-c"]);
}

#[test]
fn partial_then_full_refund_from_the_result_screen() {
    let Some(t) = Tmux::start("refund", 120, 40) else {
        return;
    };
    t.purchase_with_card("5116213113429327");
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    t.wait_for(&["✔ PAID", "f refund in full"]);
    t.keys(&["p"]);
    t.wait_for(&["Partial refund", "refundable now: 20.00"]);
    t.literal("5.00 damaged item");
    t.keys(&["Enter"]);
    t.wait_for(&["PARTIAL_REFUNDED — paid, then refunded in part"]);
    t.keys(&["f"]);
    t.wait_for(&["REFUNDED — paid, then refunded in full"]);
    t.keys(&["C-c"]);
}

#[test]
fn the_webhook_detail_shows_what_a_merchant_must_verify() {
    let Some(t) = Tmux::start("webhook", 120, 40) else {
        return;
    };
    t.purchase_with_card("5116213113429327");
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    t.wait_for(&["✔ PAID", "signature ✓"]);
    t.keys(&["F6", "/"]);
    // The webhook row's note carries its signature verdict; purchase bodies do not.
    t.literal("signature");
    t.keys(&["Enter"]);
    t.wait_for(&["History · 1 "]);
    t.keys(&["Enter"]);
    let screen = t.wait_for(&[
        "verify it",
        "paysecure-sign",
        "|PAID|brd_sandbox_explorer",
        "RSA-SHA256, PKCS#1 v1.5",
        "BEGIN PUBLIC KEY",
    ]);
    assert!(screen.contains("✓ valid"), "{screen}");
    t.keys(&["C-c"]);
}

#[test]
fn a_preauthorisation_is_held_then_captured_from_the_result_screen() {
    let Some(t) = Tmux::start("preauth", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase"]);
    t.keys(&["F7"]);
    t.wait_for(&["preauth-capture"]);
    // The picker lists scenarios in order; preauth-capture is the last shipped one.
    for _ in 0..20 {
        t.keys(&["Down"]);
    }
    t.keys(&["Enter"]);
    t.wait_for(&["Scenario preauth-capture"]);
    t.keys(&["C-s"]);
    t.step_two_read(&["4079 7225 8931 8630"]);
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    t.wait_for(&["PREAUTHORIZED — the amount is held", "k capture"]);
    t.keys(&["k"]);
    t.wait_for(&["Capture the hold", "held: 20.00"]);
    t.keys(&["Enter"]);
    t.wait_for(&["✔ PAID — the payment went through"]);
    t.keys(&["C-c"]);
}

#[test]
fn a_bracketed_paste_of_two_lines_stays_in_its_field() {
    let Some(t) = Tmux::start("paste", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase"]);
    t.keys(&["C-s"]);
    t.wait_for(&["② Card & device ●"]);
    // cardholder_name has the focus: clear it, then paste two lines as a terminal would.
    t.keys(&["C-u"]);
    let socket = t.socket.clone();
    assert!(
        Command::new("tmux")
            .args(["-L", &socket, "set-buffer", "Ada\nLovelace"])
            .status()
            .expect("set-buffer")
            .success()
    );
    assert!(
        Command::new("tmux")
            .args(["-L", &socket, "paste-buffer", "-p", "-t", "e2e"])
            .status()
            .expect("paste-buffer")
            .success()
    );
    let screen = t.wait_for(&["Ada Lovelace"]);
    assert!(
        screen.contains("cardholder_name     Ada Lovelace "),
        "pasted into its field, the line break as a space:\n{screen}"
    );
    // The terminal's cursor stays in the field it was pasted into, after the text: row 3
    // (header, border), column 1 + 20 (border, label) + 12.
    assert_eq!(
        tmux::tmux_format(&t, "#{cursor_flag} #{cursor_x} #{cursor_y}"),
        "1 33 3",
        "{screen}"
    );
    t.keys(&["C-c"]);
}

#[test]
fn at_start_esc_then_h_focuses_history_and_the_email_is_unchanged() {
    let Some(t) = Tmux::start("modes", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase", " INSERT ", "buyer@example.com"]);
    t.keys(&["Escape"]);
    // Esc alone, then h: sent together they would read as Alt+h.
    t.wait_for(&[" NORMAL ", "q quit"]);
    t.keys(&["h"]);
    let screen = t.wait_for(&["Enter open", "x export"]);
    assert!(
        screen.contains("email               buyer@example.com "),
        "the email is unchanged (h was a command, not text):\n{screen}"
    );
    assert!(
        !screen.contains(" NORMAL ") && !screen.contains(" INSERT "),
        "{screen}"
    );
    t.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.alive() {
        assert!(
            Instant::now() < deadline,
            "q in the history pane did not quit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn typing_at_the_end_of_a_long_redirect_shows_it_with_the_start_cut() {
    let Some(t) = Tmux::start("longfield", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase", " INSERT "]);
    // success_redirect is the 17th field of the purchase form.
    t.keys(&["Tab"; 16]);
    t.wait_for(&["success_redirect    …"]);
    t.keys(&["End"]);
    t.literal("X");
    let screen = t.wait_for(&["return/successX"]);
    let row = screen
        .lines()
        .find(|l| l.contains("success_redirect"))
        .unwrap_or_default();
    assert!(
        row.contains("success_redirect    …") && row.contains("/merchant/return/successX "),
        "the view follows the cursor, … where the start is cut:\n{screen}"
    );
    t.keys(&["C-c"]);
}

#[test]
fn ctrl_e_edits_the_step_json_in_editor_and_the_screen_comes_back() {
    if Command::new("tmux").arg("-V").output().is_err() {
        let _ = Tmux::start("editor-probe", 80, 24); // prints the notice (or fails under CI)
        return;
    }
    // An "editor" that changes the email in the file it is given, as a user would.
    let dir = Tmux::dirs("editor");
    std::fs::create_dir_all(&dir).expect("dir");
    let script = dir.join("edit.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsed -i 's/buyer@example.com/ed@example.com/' \"$1\"\n",
    )
    .expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let env = format!("EDITOR={}", script.display());
    let t = Tmux::start_with("editor", 120, 40, &env, "").expect("tmux");
    t.wait_for(&["① Purchase", " INSERT ", "buyer@example.com"]);
    t.keys(&["C-e"]);
    let screen = t.wait_for(&["Edited JSON applied: 1 field(s) changed", "ed@example.com"]);
    assert!(
        screen.contains("email               ed@example.com")
            && screen.contains("History")
            && screen.contains(" INSERT "),
        "the explorer's screen is whole again:\n{screen}"
    );
    // The keys go to the explorer again.
    t.keys(&["Escape"]);
    t.wait_for(&[" NORMAL "]);
    t.keys(&["C-c"]);
}

#[test]
fn ctrl_e_without_an_editor_or_with_a_failing_one_says_so_and_keeps_the_form() {
    for (name, env, says) in [
        ("noeditor", "EDITOR= VISUAL=", "No editor: set $EDITOR"),
        (
            "badeditor",
            "VISUAL= EDITOR=false",
            "exited with exit status: 1; nothing changed",
        ),
    ] {
        let Some(t) = Tmux::start_with(name, 120, 40, env, "") else {
            return;
        };
        t.wait_for(&["① Purchase", " INSERT ", "buyer@example.com"]);
        t.keys(&["C-e"]);
        let screen = t.wait_for(&[says]);
        assert!(
            screen.contains("email               buyer@example.com ")
                && screen.contains(" INSERT "),
            "{name}: the form is as it was, the screen whole:\n{screen}"
        );
        t.keys(&["C-c"]);
    }
}

/// The history's row count once no row has arrived for a second (bounded wait).
fn settled_history_count(t: &Tmux) -> usize {
    let count = |screen: &str| {
        screen.split("History · ").nth(1).and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse::<usize>().ok())
        })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = (count(&t.screen()), Instant::now());
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let now = count(&t.screen());
        if now != last.0 {
            last = (now, Instant::now());
        } else if let Some(n) = now
            && last.1.elapsed() >= Duration::from_secs(1)
        {
            return n;
        }
        assert!(
            Instant::now() < deadline,
            "history never settled:\n{}",
            t.screen()
        );
    }
}

/// Issue 12: scrolled away from the newest row, the pane keeps the selection where it is
/// and counts what arrives above it; `g` jumps back to the newest. The 20 exchanges are
/// real: `r` on the result screen reads the purchase's status, one GET row each.
/// Keys: F6 switches between the step and the history pane, ↓ selects an older row.
#[test]
fn history_scrolled_away_counts_20_new_rows_and_g_shows_them() {
    let Some(t) = Tmux::start("sticky", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase"]);
    t.keys(&["C-s"]);
    t.step_two_read(&[]);
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    // The prompt itself: the result screen also says "sandbox OTP: 123456", so waiting
    // for "OTP:" alone could type before the prompt opened.
    t.wait_for(&["OTP:", "Enter submits"]);
    t.literal("123456");
    t.keys(&["Enter"]);
    t.wait_for(&["✔ PAID", "signature ✓"]);
    // Webhook, landing and their status GETs arrive in any order: start from a still pane.
    let before = settled_history_count(&t);
    let selected_row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains('▶'))
            .and_then(|l| l.split('▶').nth(1))
            .unwrap_or_default()
            // Without the pane's border, thick while it has the focus.
            .trim_end_matches(['│', '┃'])
            .to_string()
    };
    // Focus the pane and select the third row, seen on screen before going back.
    t.keys(&["F6", "Down", "Down"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let chosen = loop {
        let screen = t.screen();
        let third = screen
            .lines()
            .skip_while(|l| !l.contains("History · "))
            .nth(3)
            .unwrap_or_default();
        if screen.contains("Enter opens") && third.contains('▶') {
            break selected_row(&screen);
        }
        assert!(
            Instant::now() < deadline,
            "no third row selected:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    t.keys(&["F6"]);
    t.wait_for(&["h to focus"]);
    for n in 1..=20 {
        t.keys(&["r"]);
        t.wait_for(&[&format!("↑ {n} new (g)")]);
    }
    let screen = t.wait_for(&["↑ 20 new (g)", &format!("History · {} ", before + 20)]);
    assert_eq!(
        selected_row(&screen),
        chosen,
        "the older row stays selected:\n{screen}"
    );
    t.keys(&["F6", "g"]);
    let screen = t.wait_for(&["local time · newest first, Enter opens"]);
    assert!(!screen.contains("new (g)"), "{screen}");
    let mut history = screen.lines().skip_while(|l| !l.contains("History · "));
    let title = history.next().unwrap_or_default();
    let top = history.next().unwrap_or_default();
    assert!(
        top.contains('▶') && top.contains("GET status ×1"),
        "the newest row is shown and selected under {title:?}: {top}\n{screen}"
    );
    t.keys(&["C-c"]);
}

#[test]
fn the_flow_map_after_a_paid_flow_opens_a_steps_history_row() {
    let Some(t) = Tmux::start("flowmap", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase", "Ctrl+S/F5"]);
    t.keys(&["C-s"]);
    t.step_two_read(&[]);
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    t.wait_for(&["OTP:", "Enter submits"]);
    t.literal("123456");
    t.keys(&["Enter"]);
    t.wait_for(&["✔ PAID", "signature ✓"]);
    t.keys(&["C-f"]);
    // Every step of a challenged payment is done, the frictionless one skipped.
    let screen = t.wait_for(&[
        "Flow map",
        "your webhook",
        "✓ 1 create purchase",
        "✓ 6 3DS challenge",
        "– 5 frictionless 302",
        "✓ 8 webhook",
        "✓ 9 status GET",
    ]);
    for n in 1..=9 {
        assert!(
            !screen.contains(&format!("✗ {n} ")),
            "nothing failed:\n{screen}"
        );
    }
    // From the status GET (selected: the last step reached) up to the S2S call.
    for _ in 0..7 {
        t.keys(&["Up"]);
    }
    t.wait_for(&["▸✓ 2 S2S card payment", "history row: 202"]);
    t.keys(&["Enter"]);
    t.wait_for(&["Exchange — ", "s2s=true", "callback_url"]);
    // Esc goes back to the map, on the same arrow.
    t.keys(&["Escape"]);
    t.wait_for(&["Flow map", "▸✓ 2 S2S card payment"]);
    t.keys(&["C-c"]);
}
