//! Raw-socket helpers: a started sandbox with chosen limits, one-shot exchanges over a
//! plain `TcpStream`, and the open-file limit these tests need.

use std::net::SocketAddr;
use std::time::Duration;

use paysecure_explorer::sandbox::limits::Limits;
use paysecure_explorer::sandbox::{self, SandboxConfig};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::common::Env;

/// A sandbox with `limits`, wrapped like the sandbox tests' `Env`.
pub async fn env_with(limits: Limits) -> Env {
    env_with_config(SandboxConfig {
        limits,
        ..SandboxConfig::default()
    })
    .await
}

pub async fn env_with_config(config: SandboxConfig) -> Env {
    let sb = sandbox::start(config).await.expect("sandbox starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Env { sb, http }
}

/// One raw answer: status code, lower-cased head, body.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl RawAnswer {
    /// Asserts `status` and a `{"message","code"}` JSON body with `code`.
    pub fn expect_coded(&self, status: u16, code: &str, what: &str) {
        assert_eq!(self.status, status, "{what}: {self:?}");
        assert!(
            self.head.contains("content-type: application/json"),
            "{what}: {self:?}"
        );
        let v: Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{what}: body not JSON ({e}): {self:?}"));
        assert!(v["message"].is_string(), "{what}: {v}");
        assert_eq!(v["code"], code, "{what}: {v}");
    }
}

/// Parses the first HTTP response in `bytes`, if a whole head is there.
pub fn parse_answer(bytes: &[u8]) -> Option<RawAnswer> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let status = head.get(9..12)?.parse().ok()?;
    let body = String::from_utf8_lossy(&bytes[end + 4..]).to_string();
    Some(RawAnswer { status, head, body })
}

/// Sends `request` on a fresh connection and reads until the server closes (or `wait`).
pub async fn exchange(addr: SocketAddr, request: &[u8], wait: Duration) -> Option<RawAnswer> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may answer and close before all of a huge request is written.
    let _ = stream.write_all(request).await;
    parse_answer(&read_to_close(&mut stream, wait).await)
}

/// Reads until EOF, an error, or `wait` elapses; returns what arrived.
pub async fn read_to_close(stream: &mut TcpStream, wait: Duration) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    out
}

/// Raises this process's soft open-file limit towards `want` (bounded by the hard limit)
/// and returns the limit now in force. The flood tests hold both ends of every
/// connection, so they need about twice as many descriptors as connections.
pub fn open_files_for(want: u64) -> u64 {
    rlimit::increase_nofile_limit(want).unwrap_or(1024)
}
