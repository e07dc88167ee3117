//! The real binary in a pseudo-terminal (tmux), driven by keystrokes, reading the screen.
//! Skips with a notice when tmux is missing, except under `CI=true`.

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

/// A tmux server of our own (private socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, width: u16, height: u16) -> Option<Tmux> {
        Tmux::start_with(name, width, height, "", "")
    }

    /// The dirs of test `name` (config and data), so a test can prepare a config file.
    fn dirs(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("pse-e2e-{name}-{}", std::process::id()))
    }

    fn start_with(name: &str, width: u16, height: u16, env: &str, args: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var("CI").map(|v| v != "true").unwrap_or(true),
                "CI=true: tmux must be installed (.ci/run installs it)"
            );
            eprintln!(
                "NOTICE: tmux not found; skipping the end-to-end TUI test (apt-get install tmux)"
            );
            return None;
        }
        let socket = format!("pse-{name}-{}", std::process::id());
        let dirs = Tmux::dirs(name);
        let command = format!(
            "env -u PAYSECURE_API_KEY -u PAYSECURE_BRAND_ID -u PAYSECURE_BASE_URL TERM=xterm-256color PAYSECURE_EXPLORER_DATA_DIR={d}/data PAYSECURE_EXPLORER_CONFIG_DIR={d}/config {env} {BIN} {args}",
            d = dirs.display()
        );
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                "-s",
                "e2e",
                &command,
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success());
        Some(Tmux { socket })
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-L", &self.socket, "send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(
            Command::new("tmux")
                .args(&args)
                .status()
                .expect("send-keys")
                .success()
        );
    }

    fn literal(&self, text: &str) {
        assert!(
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "e2e", "-l", text])
                .status()
                .expect("send-keys")
                .success()
        );
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "e2e"])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen contains every needle; panics with the screen otherwise.
    fn wait_for(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if needles.iter().all(|n| screen.contains(n)) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {needles:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Creates the purchase from the pre-filled form and types `card` on step ②, ready
    /// for Ctrl+S (the card field shows the digits while it is edited, with its brand and
    /// Luhn mark: every card these tests type passes Luhn).
    fn purchase_with_card(&self, card: &str) {
        self.wait_for(&["① Purchase"]);
        self.keys(&["C-s"]);
        self.wait_for(&["② Card & device ●"]);
        self.keys(&["Tab", "C-u"]);
        self.literal(card);
        self.wait_for(&[card, "✓ Luhn"]);
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", "e2e"])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn happy_path_ends_paid_with_history_rows() {
    let Some(t) = Tmux::start("happy", 120, 40) else {
        return;
    };
    t.wait_for(&["① Purchase", "embedded sandbox", "Ctrl+S/F5"]);
    t.keys(&["C-s"]);
    t.wait_for(&["② Card & device ●", "card_number"]);
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending", "callback_url"]);
    t.keys(&["b"]);
    t.wait_for(&["OTP:"]);
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
    let mut served = Command::new(BIN)
        .args(["serve", "--port", "0", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufReader::new(served.stdout.take().expect("stdout"))
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
    t.wait_for(&["② Card & device ●"]);
    t.keys(&["C-s"]);
    t.wait_for(&["202 pending"]);
    t.keys(&["b"]);
    t.wait_for(&["OTP:"]);
    t.literal("123456");
    t.keys(&["Enter"]);
    let screen = t.wait_for(&["✔ PAID"]);
    assert!(
        !screen.contains("⇐ webhook"),
        "no merchant stub on a remote endpoint:\n{screen}"
    );
    t.keys(&["C-c"]);
    let _ = served.kill();
    let _ = served.wait();
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
    let screen = t.wait_for(&["still CREATED: a retry can work", "CXL"]);
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
    assert!(!screen.contains("OTP:"), "no OTP prompt:\n{screen}");
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
    let history = std::fs::read_dir(Tmux::dirs("remember").join("data"))
        .expect("data dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
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

/// The explorer started from a shell in tmux, so what is left after it ends can be seen.
fn shell_session(name: &str) -> Option<(Tmux, std::path::PathBuf)> {
    if Command::new("tmux").arg("-V").output().is_err() {
        let _ = Tmux::start(name, 80, 24); // prints the notice (or fails under CI)
        return None;
    }
    let socket = format!("pse-{name}-{}", std::process::id());
    let dirs = Tmux::dirs(name);
    let status = Command::new("tmux")
        .args([
            "-L",
            &socket,
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "e2e",
            "env -i PATH=/usr/bin:/bin TERM=xterm-256color PS1='$ ' bash --norc --noprofile",
        ])
        .status()
        .expect("tmux runs");
    assert!(status.success());
    Some((Tmux { socket }, dirs))
}

fn tmux_format(t: &Tmux, format: &str) -> String {
    let out = Command::new("tmux")
        .args([
            "-L",
            &t.socket,
            "display-message",
            "-p",
            "-t",
            "e2e",
            format,
        ])
        .output()
        .expect("display-message");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn signals_restore_the_terminal_and_exit_conventionally() {
    for (signal, number, mid_request) in [("TERM", 15, true), ("INT", 2, false), ("HUP", 1, false)]
    {
        let name = format!("sig{signal}");
        let Some((t, dirs)) = shell_session(&name) else {
            return;
        };
        let marker = dirs.join("data");
        t.literal(&format!(
            "PAYSECURE_EXPLORER_DATA_DIR={} PAYSECURE_EXPLORER_CONFIG_DIR={} {BIN} --timeout 40; echo \"status=$?\"",
            marker.display(),
            dirs.join("config").display()
        ));
        t.keys(&["Enter"]);
        t.wait_for(&["① Purchase"]);
        if mid_request {
            t.keys(&["C-s"]);
            t.wait_for(&["② Card & device ●"]);
            t.keys(&["Tab", "C-u"]);
            t.literal("4999000000000302");
            t.keys(&["C-s"]);
            t.wait_for(&["sending card…"]);
        }
        assert_eq!(tmux_format(&t, "#{alternate_on}"), "1", "full screen first");
        let killed = Command::new("pkill")
            .args([
                &format!("-{signal}"),
                "-f",
                &format!("PAYSECURE_EXPLORER_DATA_DIR={}", marker.display()),
            ])
            .status();
        // pkill matches the environment only on some systems; fall back to the binary's
        // pid found through the tmux pane's process tree.
        if !killed.is_ok_and(|s| s.success()) {
            let pane_pid = tmux_format(&t, "#{pane_pid}");
            let child = Command::new("pgrep")
                .args(["-P", &pane_pid])
                .output()
                .expect("pgrep");
            let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
            assert!(!pid.is_empty(), "the explorer runs under the shell");
            assert!(
                Command::new("kill")
                    .args([&format!("-{signal}"), &pid])
                    .status()
                    .expect("kill")
                    .success()
            );
        }
        t.wait_for(&[&format!("status={}", 128 + number)]);
        t.literal("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo");
        t.keys(&["Enter"]);
        let screen = t.wait_for(&["status="]);
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut screen = screen;
        // The line stty printed: cooked mode and echo back on (not "-icanon -echo").
        while !screen.lines().any(|l| l.trim() == "icanon echo") {
            assert!(
                Instant::now() < deadline,
                "SIG{signal}: terminal not restored:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
            screen = t.screen();
        }
        assert_eq!(
            tmux_format(&t, "#{alternate_on}"),
            "0",
            "SIG{signal}: alternate screen left"
        );
        assert_eq!(
            tmux_format(&t, "#{mouse_any_flag}"),
            "0",
            "SIG{signal}: mouse reporting off"
        );
        assert_eq!(
            tmux_format(&t, "#{cursor_flag}"),
            "1",
            "SIG{signal}: cursor shown"
        );
    }
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
    t.wait_for(&["OTP:"]);
    t.literal("123456");
    t.keys(&["Enter"]);
    t.wait_for(&["PAYMENT_IN_PROCESS — waiting for the processor"]);
    t.keys(&["C-p"]);
    t.wait_for(&["Sandbox panel", "PAYMENT_IN_PROCESS", "499445******2359"]);
    // Every read of the panel answered (under load the last may still be in flight).
    let deadline = Instant::now() + Duration::from_secs(20);
    while t.screen().contains("reading the sandbox") {
        assert!(Instant::now() < deadline, "the panel's reads never ended");
        std::thread::sleep(Duration::from_millis(50));
    }
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
    t.wait_for(&["② Card & device ●", "4079 7225 8931 8630"]);
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
