//! A webhook receiver for tests: a plain loopback TCP listener on its own thread that
//! answers every request 200 and hands over what it got (path, `paysecure-sign`, body).
//! Blocking std I/O, so both the async tests and the ones driving the binary can use it.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

/// Requests the receiver answers before its thread ends (tests send a handful).
const MAX_REQUESTS: usize = 64;
/// Largest body read (webhook bodies are a few kilobytes).
const MAX_BODY: usize = 1 << 20;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub signature: Option<String>,
    pub body: serde_json::Value,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    rx: mpsc::Receiver<Received>,
}

impl Receiver {
    /// Listens on 127.0.0.1 (a free port); `url` is `http://127.0.0.1:PORT/hooks/paysecure`.
    pub fn start() -> Receiver {
        Receiver::answering_after(Duration::ZERO)
    }

    /// [`Receiver::start`], answering each request `delay` after reading it (one at a
    /// time: a slow merchant).
    pub fn answering_after(delay: Duration) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
        let url = format!(
            "http://{}/hooks/paysecure",
            listener.local_addr().expect("addr")
        );
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(MAX_REQUESTS) {
                let Ok(stream) = stream else { continue };
                if let Some(got) = answer(stream, delay)
                    && tx.send(got).is_err()
                {
                    return;
                }
            }
        });
        Receiver { url, rx }
    }

    /// The next request, waiting up to `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Received> {
        self.rx.recv_timeout(timeout).ok()
    }
}

/// Reads one request (head and `content-length` body) and answers 200 after `delay`.
fn answer(mut stream: TcpStream, delay: Duration) -> Option<Received> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let path = request_line.split(' ').nth(1)?.to_string();
    let mut length = 0usize;
    let mut signature = None;
    for _ in 0..100 {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line.trim().is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        let value = value.trim().to_string();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().ok()?,
            "paysecure-sign" => signature = Some(value),
            _ => {}
        }
    }
    let mut body = vec![0u8; length.min(MAX_BODY)];
    reader.read_exact(&mut body).ok()?;
    std::thread::sleep(delay);
    let _ = stream.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
    );
    Some(Received {
        path,
        signature,
        body: serde_json::from_slice(&body).ok()?,
    })
}
