//! A tiny hostile HTTP/1.1 server on 127.0.0.1 for the client's tests: hand-written
//! answers that echo the key, carry card numbers in headers and bodies, or stream far
//! more than any client should hold.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// What the server answers.
pub enum Reply {
    /// A complete response with `content-length`.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// `bytes` of `x` in 1 MiB writes, the length declared or not (then the end of
    /// the body is the end of the connection).
    Stream { bytes: usize, declare_length: bool },
}

/// The handler sees the request target (path and query) and the request body.
pub type Handler = dyn Fn(&str, &[u8]) -> Reply + Send + Sync;

/// Starts the server; it answers every connection with `handler`'s reply.
pub async fn start(handler: Arc<Handler>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer(socket, handler.clone()));
        }
    });
    addr
}

/// A port with nothing listening.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

async fn answer(mut socket: TcpStream, handler: Arc<Handler>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    // The head, then as much body as `content-length` says (both bounded).
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match socket.read(&mut chunk).await {
            Ok(n) if n > 0 && buf.len() < 64 * 1024 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let target = head.split(' ').nth(1).unwrap_or("/").to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
        .min(1024 * 1024);
    while buf.len() < head_end + length {
        match socket.read(&mut chunk).await {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let body = &buf[head_end..buf.len().min(head_end + length)];
    match handler(&target, body) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status} Hostile\r\n");
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str(&format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            ));
            let _ = socket.write_all(out.as_bytes()).await;
            let _ = socket.write_all(&body).await;
        }
        Reply::Stream {
            bytes,
            declare_length,
        } => {
            let mut out = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n".to_string();
            if declare_length {
                out.push_str(&format!("content-length: {bytes}\r\n"));
            }
            out.push_str("connection: close\r\n\r\n");
            if socket.write_all(out.as_bytes()).await.is_err() {
                return;
            }
            let block = vec![b'x'; 1024 * 1024];
            // Bounded: `bytes` / 1 MiB writes, stopping when the client hangs up.
            for _ in 0..bytes.div_ceil(block.len()) {
                if socket.write_all(&block).await.is_err() {
                    return;
                }
            }
        }
    }
    let _ = socket.shutdown().await;
}
