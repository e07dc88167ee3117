//! A hostile "Paysecure" on loopback answers with terminal escapes in every string it
//! can (OSC 52 clipboard writes, window titles, the alternate screen, a hidden cursor,
//! 8-bit CSI, direction overrides). Nothing the CLI prints — the readable `flow`
//! transcript, `--json`, `history` in every form, error messages — may carry one raw,
//! and `--json` output must stay valid JSON.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");
const ID: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";
/// What a hostile server would like the terminal to do (JSON-escaped, so the server's
/// bodies are valid JSON whose strings decode to the raw escapes).
const EVIL: &str =
    r"\u001b]52;c;SGVsbG8=\u0007\u001b]0;owned\u0007\u001b[?1049h\u001b[?25l\u009b2J\u202eevil";

/// Answers one request according to its path; bounded: one request per connection.
fn answer(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    let (status, reply) = if request_line.starts_with("POST")
        && request_line.contains("/purchases/")
    {
        (
            "202 Accepted",
            format!(r#"{{"purchaseId":"{ID}","status":"CREATED","errorMsg":"{EVIL}"}}"#),
        )
    } else if request_line.contains("s2s=true") {
        (
            "400 Bad Request",
            // A line break in a message must not forge a line of the summary.
            format!(
                r#"{{"message":"Card is Blocked {EVIL}\nstatus    PAID","code":"transaction_error{EVIL}"}}"#
            ),
        )
    } else {
        (
            "200 OK",
            format!(
                r#"{{"purchaseId":"{ID}","status":"CREATED","errorMsg":"{EVIL}","status_history":[{{"status":"created{EVIL}"}}]}}"#
            ),
        )
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-evil: \u{202e}rtl \u{9b}2J\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

/// Serves `connections` requests on a free loopback port, then stops.
fn hostile_server(connections: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().take(connections).flatten() {
            answer(&mut s);
        }
    });
    format!("http://127.0.0.1:{port}/api/v1")
}

struct Dirs(std::path::PathBuf);

impl Dirs {
    fn new(name: &str) -> Dirs {
        let d = std::env::temp_dir().join(format!("pse-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        Dirs(d)
    }

    fn run(&self, args: &[&str], base: &str) -> Output {
        Command::new(BIN)
            .args(args)
            .env("PAYSECURE_EXPLORER_DATA_DIR", self.0.join("data"))
            .env("PAYSECURE_EXPLORER_CONFIG_DIR", self.0.join("config"))
            .env("PAYSECURE_BASE_URL", base)
            .env("PAYSECURE_API_KEY", "sk_test_hostile")
            .env("PAYSECURE_BRAND_ID", "b")
            .output()
            .expect("binary runs")
    }
}

impl Drop for Dirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The raw bytes a terminal would act on: ESC, BEL, any other C0 control but tab and
/// line feed, 8-bit controls (U+0080-U+009F) and direction overrides.
fn terminal_unsafe(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices()
        .find(|(_, c)| {
            (c.is_control() && *c != '\n' && *c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .map(|(i, c)| {
            let from = i.saturating_sub(40);
            format!("{c:?} at byte {i}: …{}…", &text[from..i])
        })
}

fn assert_safe(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some(found) = terminal_unsafe(bytes) {
            panic!("{what}: {stream} carries a raw {found}");
        }
    }
}

#[test]
fn hostile_server_text_never_reaches_the_terminal_raw() {
    let dirs = Dirs::new("flow");
    // Readable flow: create (202), S2S (400 coded), status GET.
    let base = hostile_server(3);
    let out = dirs.run(&["flow"], &base);
    assert_safe("flow", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\\u001b]52;c;"), "escaped visibly:\n{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("status    PAID")),
        "a server's line break forged a summary line:\n{text}"
    );

    let base = hostile_server(3);
    let out = dirs.run(&["flow", "--json"], &base);
    assert_safe("flow --json", &out);
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(value.is_object());
    }

    // Everything the two runs recorded, read back in every form.
    for args in [
        vec!["history"],
        vec!["history", "--json"],
        vec!["history", "--curl", "2"],
        vec!["history", "--purchase", "aaaa"],
    ] {
        let out = dirs.run(&args, "http://127.0.0.1:9/api/v1");
        assert_safe(&args.join(" "), &out);
        if args.contains(&"--json") {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("history --json not JSON ({e}): {line}"));
            }
        }
    }
}

#[test]
fn error_messages_naming_hostile_input_are_escaped_too() {
    let dirs = Dirs::new("errors");
    // A base URL carrying escapes is quoted back in the error message.
    let out = dirs.run(&["flow"], "http://127.0.0.1:9/api/v1/\x1b]0;t\x07");
    assert_safe("flow with a hostile base URL", &out);
    let out = dirs.run(
        &["flow", "--scenario", "\x1b[2Jnot-a-name"],
        "http://127.0.0.1:9/api/v1",
    );
    assert_safe("flow --scenario with escapes", &out);
    assert_ne!(out.status.code(), Some(0));
}
