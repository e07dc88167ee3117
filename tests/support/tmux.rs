//! A tmux server of the tests' own, driving the real binary: shared by the end-to-end
//! tests (tests/tui_e2e.rs) and the hostile-input suite (signals, tests/hostile/).

use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

#[path = "run_dirs.rs"]
mod run_dirs;

/// Start of the name of every test's dirs (`pse-e2e-NAME-PID`).
const DIRS_PREFIX: &str = "pse-e2e-";

/// A tmux server of our own (private socket), killed on drop.
pub struct Tmux {
    pub socket: String,
}

impl Tmux {
    pub fn start(name: &str, width: u16, height: u16) -> Option<Tmux> {
        Tmux::start_with(name, width, height, "", "")
    }

    /// The dirs of test `name` (config and data), so a test can prepare a config file.
    /// They stay after the run, for a look after a failure; the next run removes them.
    pub fn dirs(name: &str) -> std::path::PathBuf {
        run_dirs::run_dir(DIRS_PREFIX, name)
    }

    pub fn start_with(name: &str, width: u16, height: u16, env: &str, args: &str) -> Option<Tmux> {
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

    pub fn keys(&self, keys: &[&str]) {
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

    pub fn literal(&self, text: &str) {
        assert!(
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "e2e", "-l", text])
                .status()
                .expect("send-keys")
                .success()
        );
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "e2e"])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen contains every needle; panics with the screen otherwise.
    /// The screen returned is a second read, taken a moment after the needles were first
    /// seen: tmux can be read while a frame is half drawn over the last one (seen in CI),
    /// and a caller asserting on more than the needles wants the whole frame.
    pub fn wait_for(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let has_all = |screen: &str| needles.iter().all(|n| screen.contains(n));
        loop {
            let screen = self.screen();
            if has_all(&screen) {
                std::thread::sleep(Duration::from_millis(60));
                let settled = self.screen();
                if has_all(&settled) {
                    return settled;
                }
            }
            assert!(
                Instant::now() < deadline,
                "waited for {needles:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for step ② (and `more`), then as long as a person takes to read it: a send
    /// key within 0.4 s of the step appearing, before any other key, is taken as typed
    /// ahead and does not pay (`TYPE_AHEAD` in the explorer).
    pub fn step_two_read(&self, more: &[&str]) -> String {
        let mut needles = vec!["② Card & device ●"];
        needles.extend_from_slice(more);
        let screen = self.wait_for(&needles);
        std::thread::sleep(std::time::Duration::from_millis(500));
        screen
    }

    /// Creates the purchase from the pre-filled form and types `card` on step ②, ready
    /// for Ctrl+S (the card field shows the digits while it is edited, with its brand and
    /// Luhn mark: every card these tests type passes Luhn).
    pub fn purchase_with_card(&self, card: &str) {
        self.wait_for(&["① Purchase"]);
        self.keys(&["C-s"]);
        self.wait_for(&["② Card & device ●"]);
        self.keys(&["Tab", "C-u"]);
        self.literal(card);
        self.wait_for(&[card, "✓ Luhn"]);
    }

    pub fn alive(&self) -> bool {
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

/// The explorer started from a shell in tmux, so what is left after it ends can be seen.
pub fn shell_session(name: &str) -> Option<(Tmux, std::path::PathBuf)> {
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

pub fn tmux_format(t: &Tmux, format: &str) -> String {
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
