//! Signals to the explorer, mid-request too: the terminal it leaves is a usable shell.

use std::process::Command;
use std::time::{Duration, Instant};

use super::tmux::{BIN, shell_session, tmux_format};

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
