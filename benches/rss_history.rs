//! The release binary in a 120x40 tmux pane: resident memory and time to first frame with
//! 0, 10,000, 100,000 and 1,000,000 history rows in `history.sqlite3` (seeded once under
//! `target/bench-history/`, reused), CPU used over 10 s of idling, and CPU used
//! while the mouse moves across the screen for 5 s (60 motion reports a second, as a
//! terminal sends them).
//!
//! `cargo build --release && cargo bench --bench rss_history` (needs tmux).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod history_seed;

const BIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/target/release/paysecure-explorer"
);

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}

fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Clock ticks the explorer uses while 300 SGR mouse-motion reports (no button held)
/// sweep the 120x40 pane over 5 s. tmux passes them to the app as the terminal would.
fn mouse_motion_ticks(socket: &str, pid: &str) -> u64 {
    let before = ticks(pid);
    let started = Instant::now();
    for n in 0..300u32 {
        let (x, y) = (1 + n % 120, 1 + (n / 3) % 40);
        tmux(
            socket,
            &["send-keys", "-t", "r", "-l", &format!("\x1b[<35;{x};{y}M")],
        );
        let due = Duration::from_millis(u64::from(n + 1) * 5000 / 300);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    ticks(pid) - before
}

fn main() {
    if Command::new("tmux").arg("-V").output().is_err() || !Path::new(BIN).exists() {
        println!("skipped: needs tmux and `cargo build --release`");
        return;
    }
    for rows in [0usize, 10_000, 100_000, 1_000_000] {
        let dir = history_seed::seeded(rows);
        let size_mb = std::fs::metadata(dir.join("history.sqlite3"))
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0);
        // One server per run: a new session on a server still shutting down would die with it.
        let socket = format!("pse-rss-{}-{rows}", std::process::id());
        let command = format!(
            "env -u PAYSECURE_API_KEY PAYSECURE_EXPLORER_DATA_DIR={d} PAYSECURE_EXPLORER_CONFIG_DIR={d}/config {BIN}",
            d = dir.display()
        );
        let started = Instant::now();
        tmux(
            &socket,
            &[
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "40",
                "-s",
                "r",
                &command,
            ],
        );
        while !tmux(&socket, &["capture-pane", "-p", "-t", "r"]).contains("① Purchase") {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no first frame"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let first_frame = started.elapsed().as_secs_f64() * 1e3;
        let pid = tmux(&socket, &["display", "-p", "-t", "r", "#{pane_pid}"])
            .trim()
            .to_string();
        // Wait until the background load has put every row in the pane's title.
        let title = format!("History · {rows} ");
        while !tmux(&socket, &["capture-pane", "-p", "-t", "r"]).contains(&title) {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "history never loaded"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let loaded = started.elapsed().as_secs_f64() * 1e3;
        std::thread::sleep(Duration::from_millis(300));
        let rss = rss_kib(&pid) as f64 / 1024.0;
        let idle = if rows == 0 {
            let before = ticks(&pid);
            std::thread::sleep(Duration::from_secs(10));
            let idle = ticks(&pid) - before;
            let moving = mouse_motion_ticks(&socket, &pid);
            format!(
                ", idle CPU over 10 s: {idle} clock ticks, CPU while the mouse moves for 5 s: {moving} clock ticks"
            )
        } else {
            String::new()
        };
        // Scroll to the oldest row and back, filter, then read the resident memory again.
        tmux(&socket, &["send-keys", "-t", "r", "F6", "End"]);
        std::thread::sleep(Duration::from_millis(500));
        tmux(&socket, &["send-keys", "-t", "r", "Home", "/"]);
        std::thread::sleep(Duration::from_millis(200));
        tmux(&socket, &["send-keys", "-t", "r", "-l", "buyer@example"]);
        tmux(&socket, &["send-keys", "-t", "r", "Enter"]);
        std::thread::sleep(Duration::from_millis(1500));
        let rss_after = rss_kib(&pid) as f64 / 1024.0;
        println!(
            "{rows:>7} history rows ({size_mb:.0} MB on disk): first frame {first_frame:.0} ms, all rows loaded {loaded:.0} ms (tmux upper bounds), RSS {rss:.1} MiB, after End, Home and a filter {rss_after:.1} MiB{idle}"
        );
        tmux(&socket, &["kill-server"]);
    }
}
