//! What the `speed_*` benches share: an nginx floor (one worker, a fixed 202), a release
//! `serve`, `wrk` runs parsed into figures, resident memory, start-up timing.
//!
//! Every figure is measured against the floor in the same run, because the machine's two
//! cores are shared with the load generator (and, on a developer's machine, with builds).

#![allow(dead_code)] // each bench uses a subset

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The release binary (`PSE_BIN` overrides, e.g. to measure an older build).
pub fn bin() -> PathBuf {
    std::env::var_os("PSE_BIN").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/target/release/paysecure-explorer"
            ))
        },
        PathBuf::from,
    )
}

/// The wrk scripts' directory.
pub fn scripts() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/wrk"))
}

/// Stops the bench with a message saying what to do.
pub fn fail(why: &str) -> ! {
    eprintln!("BENCH FAILED: {why}");
    std::process::exit(1);
}

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| fail(&format!("no free port: {e}")))
}

/// Waits until something answers on `port` (at most `limit`).
fn wait_listening(port: u16, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// nginx with one worker answering every request with a fixed 202: the floor.
pub struct Nginx {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Nginx {
    pub fn start() -> Nginx {
        let exe = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or_else(|| {
                fail("nginx is not installed (the floor): apt-get install nginx-light")
            });
        let dir = tempfile::tempdir().unwrap_or_else(|e| fail(&format!("temp dir: {e}")));
        let port = free_port();
        let d = dir.path().display();
        let conf = format!(
            "master_process off;\nworker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log crit;\n\
             events {{ worker_connections 4096; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
               server {{\n    listen 127.0.0.1:{port};\n    location / {{ return 202 '{{\"ok\":true}}'; }}\n  }}\n}}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap_or_else(|e| fail(&format!("nginx.conf: {e}")));
        let child = Command::new(exe)
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| fail(&format!("nginx: {e}")));
        let nginx = Nginx {
            child,
            port,
            _dir: dir,
        };
        if !wait_listening(port, Duration::from_secs(5)) {
            fail("nginx did not start listening");
        }
        nginx
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // `daemon off` and `master_process off`: the one process that answers is our
        // child, so killing it leaves nothing behind. (With a master, its worker outlived
        // a killed master: every bench run left one nginx worker behind.)
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A release `serve` on a free port.
pub struct Serve {
    pub child: Child,
    pub facts: Value,
    pub port: u16,
}

impl Serve {
    /// Starts `serve` with `extra` options; its per-request log goes to /dev/null (still
    /// formatted: the default a user runs).
    pub fn start(extra: &[&str]) -> Serve {
        let port = free_port();
        let mut child = Command::new(bin())
            .args(["serve", "--port", &port.to_string(), "--json"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(serve_stderr())
            .spawn()
            .unwrap_or_else(|e| {
                fail(&format!(
                    "{}: {e} (run `cargo build --release` first)",
                    bin().display()
                ))
            });
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        let facts: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| fail("serve printed no facts line"));
        Serve { child, facts, port }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Resident memory now, in MiB.
    pub fn rss_mib(&self) -> f64 {
        rss_mib(self.child.id())
    }

    /// Stops it (SIGKILL: as a crash would; the state file must cope).
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` of a process, in MiB (0 when unreadable).
pub fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The 1-minute load average (how busy the shared machine was).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// One plain HTTP/1.1 exchange on loopback: status and body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Authorization: Bearer sk_test_sandbox_paysecure_explorer\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.take(64 * 1024 * 1024).read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Time from spawning `serve` with `extra` to its first 200 (a GET of the settings,
/// retried every 0.5 ms), in ms; the process is killed after.
pub fn first_answer_ms(extra: &[&str]) -> f64 {
    let port = free_port();
    let started = Instant::now();
    let mut child = Command::new(bin())
        .args(["serve", "--quiet", "--port", &port.to_string()])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| fail(&format!("serve: {e}")));
    let mut ms = f64::NAN;
    while started.elapsed() < Duration::from_secs(10) {
        if let Some((200, _)) = http(port, "GET", "/_sandbox/settings", "") {
            ms = started.elapsed().as_secs_f64() * 1e3;
            break;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let _ = child.kill();
    let _ = child.wait();
    ms
}

/// What one `wrk` run measured.
#[derive(Debug, Clone, Default)]
pub struct Wrk {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    /// What the script's `done` printed (e.g. `flows N errors E`).
    pub script_out: String,
    pub non_2xx: u64,
}

/// Runs `wrk -t2 -cCONNS -dSECS --latency -s SCRIPT URL` with `env`.
pub fn wrk(url: &str, script: &str, secs: u64, conns: u32, env: &[(&str, &str)]) -> Wrk {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{conns}"),
            &format!("-d{secs}s"),
            "--latency",
        ])
        .arg("-s")
        .arg(scripts().join(script))
        .arg(url)
        .env("PER_THREAD", "1000000000")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| fail(&format!("wrk: {e} (apt-get install wrk)")));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    parse_wrk(&text)
}

fn parse_wrk(text: &str) -> Wrk {
    let mut w = Wrk::default();
    for line in text.lines() {
        let t = line.trim();
        let mut words = t.split_whitespace();
        match words.next() {
            Some("Requests/sec:") => {
                w.rps = words.next().and_then(|v| v.parse().ok()).unwrap_or(0.0)
            }
            Some("50%") => w.p50_ms = words.next().map_or(f64::NAN, ms_of),
            Some("99%") => w.p99_ms = words.next().map_or(f64::NAN, ms_of),
            Some("Non-2xx") => {
                w.non_2xx = t
                    .rsplit(' ')
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            }
            Some("flows") => w.script_out = t.to_string(),
            Some(n) if t.contains(" requests in ") => w.requests = n.parse().unwrap_or(0),
            _ => {}
        }
    }
    w
}

/// `1.23ms`, `850.00us`, `1.02s` → milliseconds.
fn ms_of(v: &str) -> f64 {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 1e-3)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1e3)
    } else {
        (v, 1.0)
    };
    num.parse::<f64>().map_or(f64::NAN, |n| n * scale)
}

/// A create body for `serve` on `port` (the one `create_purchase.lua` sends), with a
/// signed webhook to the sandbox's merchant stub when `webhook`.
pub fn create_body(port: u16, webhook: bool) -> String {
    let hook = if webhook {
        format!(",\"success_callback\":\"http://127.0.0.1:{port}/merchant/webhook\"")
    } else {
        String::new()
    };
    format!(
        "{{\"client\":{{\"email\":\"buyer@example.com\",\"street_address\":\"1 Test St\",\"city\":\"Berlin\",\"zip_code\":\"10115\",\"country\":\"DE\",\"stateCode\":\"BE\"}},\"purchase\":{{\"currency\":\"EUR\",\"products\":[{{\"name\":\"Order 1001\",\"price\":20.0}}]}},\"brand_id\":\"brd_sandbox_explorer\",\"success_redirect\":\"http://127.0.0.1:{port}/merchant/return/success\",\"failure_redirect\":\"http://127.0.0.1:{port}/merchant/return/failure\"{hook}}}"
    )
}

/// `a / b`, or 0 when `b` is 0.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// `met` / `MISSED` against a target.
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// Where a served sandbox's log goes: the file `PSE_SERVE_STDERR` names (appended, to see
/// e.g. why webhooks were not delivered), or nowhere.
fn serve_stderr() -> Stdio {
    std::env::var_os("PSE_SERVE_STDERR")
        .and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        })
        .map_or_else(Stdio::null, Stdio::from)
}
