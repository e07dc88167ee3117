//! Protocol-level refusals in the coded shape. hyper parses each request head and, when it
//! cannot, writes a bare `400`/`414`/`431` with an empty body (or nothing at all for an
//! HTTP/2 preface or a head that never arrives). The connection's I/O goes through
//! [`RefusalFilter`], which holds such a bare answer back; when hyper then returns its
//! error, [`coded_refusal`] says what the client should hear instead and
//! [`answer_and_close`] writes it as `{"message","code"}` JSON.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::TcpStream;

use super::errors::Coded;

/// Logs a refusal made before the router saw the request (hyper's, or a head over the
/// bound): the access log's one line per answer, which the router's layer cannot write.
pub fn log_refusal(coded: &Coded) {
    tracing::info!(
        target: super::access_log::REQUEST_TARGET,
        status = coded.status.as_u16(),
        code = %coded.code,
        "refused before routing"
    );
}

/// The coded 431: a head over [`MAX_HEAD_BYTES`] or with more than [`MAX_HEADERS`] fields.
pub fn head_too_large() -> Coded {
    Coded::new(
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "header_too_large",
        format!(
            "Request header too large: at most {MAX_HEADERS} fields and {} KiB",
            MAX_HEAD_BYTES / 1024
        ),
    )
}

/// Header fields a request may carry.
pub const MAX_HEADERS: usize = 100;
/// Bytes hyper buffers for a request head (and per body read).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long writing a refusal and draining what the client still sends may take.
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// A pause this long in what the client sends ends the draining after a refusal: a client
/// still writing its request keeps it going, one that sent a byte and stopped (a slow
/// attacker) costs the refusal no more than this.
const DRAIN_PAUSE: Duration = Duration::from_millis(100);
/// Most bytes read and discarded after a refusal, so the client sees the answer instead of
/// a reset (closing a socket with unread input makes the kernel send RST).
const DRAIN_LIMIT: usize = 1024 * 1024;

/// The connection's I/O, minus hyper's bare error answers.
#[derive(Debug)]
pub struct RefusalFilter {
    stream: TcpStream,
    /// The status of the bare answer hyper tried to write, if it did.
    held_back: Option<u16>,
}

impl RefusalFilter {
    pub fn new(stream: TcpStream) -> Self {
        RefusalFilter {
            stream,
            held_back: None,
        }
    }

    /// The status hyper's bare answer carried, if one was held back.
    pub fn held_back(&self) -> Option<u16> {
        self.held_back
    }

    pub fn into_inner(self) -> TcpStream {
        self.stream
    }
}

/// Whether `buf` is one of hyper's automatic answers to an unparsable head: status 400,
/// 414 or 431, `content-length: 0` and no content type. Every answer the sandbox's own
/// handlers give for those statuses carries a JSON or HTML content type.
fn bare_refusal_status(buf: &[u8]) -> Option<u16> {
    let rest = buf.strip_prefix(b"HTTP/1.1 ")?;
    let status = match rest.get(..4)? {
        b"400 " => 400,
        b"414 " => 414,
        b"431 " => 431,
        _ => return None,
    };
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let bare = head.contains("\r\ncontent-length: 0") && !head.contains("\r\ncontent-type:");
    bare.then_some(status)
}

impl AsyncRead for RefusalFilter {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for RefusalFilter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        // hyper writes its bare answer in one piece from a fresh buffer (we do not offer
        // vectored writes, so it flattens head and body); swallowing it whole is safe
        // because hyper ends the connection right after.
        if self.held_back.is_none()
            && let Some(status) = bare_refusal_status(buf)
        {
            self.held_back = Some(status);
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// What the client should hear after hyper gave up on the connection with `err`, given
/// the bare answer hyper tried to send (`held_back`) and the bytes it had not parsed.
/// `None`: nothing (the client went away, or an idle keep-alive connection timed out).
pub fn coded_refusal(
    err: &hyper::Error,
    held_back: Option<u16>,
    unparsed: &[u8],
    header_timeout: Duration,
) -> Option<Coded> {
    let text = err.to_string();
    // hyper flushes its bare answer before returning the error, so `held_back` is normally
    // set for parse errors; the error itself is the fallback.
    let status = held_back.or_else(|| parse_status(err, &text));
    let Some(status) = status else {
        if text.contains("HTTP2 preface") {
            return Some(version_not_supported(
                "HTTP/2 is not spoken on this port: send HTTP/1.1",
            ));
        }
        // A timeout with bytes waiting is a request that never finished its head; with
        // none it is an idle keep-alive connection, closed without a word as usual.
        if err.is_timeout() && !unparsed.is_empty() {
            return Some(Coded::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!(
                    "Request head not received within {} s",
                    header_timeout.as_secs_f64()
                ),
            ));
        }
        return None;
    };
    let bad = |code, message: &str| Coded::new(StatusCode::BAD_REQUEST, code, message);
    Some(match status {
        414 => Coded::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            "Request URI too long",
        ),
        431 => head_too_large(),
        _ if text.contains("version") => {
            if names_an_http_version(unparsed) {
                version_not_supported("HTTP version not supported: send HTTP/1.1 or HTTP/1.0")
            } else {
                bad("malformed_request", "Malformed request line")
            }
        }
        _ if text.contains("method") || text.contains("URI") => {
            bad("malformed_request", "Malformed request line")
        }
        _ if text.contains("content-length") => {
            bad("invalid_content_length", "Invalid Content-Length header")
        }
        _ if text.contains("transfer-encoding") => bad(
            "invalid_transfer_encoding",
            "Invalid Transfer-Encoding header: only chunked is supported, and not with Content-Length",
        ),
        _ => bad("malformed_header", "Malformed request header"),
    })
}

/// The status hyper would have answered a parse error with (an HTTP/2 preface aside).
fn parse_status(err: &hyper::Error, text: &str) -> Option<u16> {
    if !err.is_parse() || text.contains("HTTP2 preface") {
        None
    } else if err.is_parse_too_large() {
        Some(if text.contains("URI") { 414 } else { 431 })
    } else {
        Some(400)
    }
}

fn version_not_supported(message: &str) -> Coded {
    Coded::new(
        StatusCode::HTTP_VERSION_NOT_SUPPORTED,
        "http_version_not_supported",
        message,
    )
}

/// Whether the request line is `METHOD target HTTP/x…`, i.e. well formed but for a
/// version hyper does not speak (as opposed to garbage, which is a 400).
fn names_an_http_version(unparsed: &[u8]) -> bool {
    let line_end = unparsed
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(unparsed.len());
    let line = String::from_utf8_lossy(&unparsed[..line_end]);
    let parts: Vec<&str> = line.split(' ').collect();
    matches!(parts.as_slice(), [method, _, version]
    if !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_alphabetic())
        && version.strip_prefix("HTTP/").is_some_and(|v| {
            !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        }))
}

/// The raw HTTP/1.1 bytes of a coded answer that closes the connection.
pub fn raw_answer(coded: &Coded) -> Vec<u8> {
    let body = serde_json::to_vec(&json!({"message": coded.message, "code": coded.code}))
        .unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        coded.status.as_u16(),
        coded.status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

/// Answers `coded` once the client has started its request (an HTTP client treats an
/// answer that arrives before it asked as a broken connection, not as a 503), or after
/// [`CLOSE_GRACE`] if it never does; then closes as [`answer_and_close`] does.
pub async fn answer_when_asked(stream: TcpStream, coded: &Coded) {
    let mut first = [0u8; 1];
    let _ = tokio::time::timeout(CLOSE_GRACE, stream.peek(&mut first)).await;
    answer_and_close(stream, coded).await;
}

/// Writes `coded`, half-closes, and reads what the client still sends (bounded in bytes,
/// pauses and time) so the answer is not lost to a reset; then the stream is dropped.
pub async fn answer_and_close(mut stream: TcpStream, coded: &Coded) {
    let bytes = raw_answer(coded);
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        stream.write_all(&bytes).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 8192];
        let mut drained = 0;
        while drained < DRAIN_LIMIT {
            match tokio::time::timeout(DRAIN_PAUSE, stream.read(&mut sink)).await {
                Ok(Ok(0)) | Err(_) => break,
                Ok(Ok(n)) => drained += n,
                Ok(Err(e)) => return Err(e),
            }
        }
        Ok::<(), io::Error>(())
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_hyper_bare_answers() {
        let bare = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(bare_refusal_status(bare), Some(400));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(bare_refusal_status(ours), None);
        let redirect = b"HTTP/1.1 302 Found\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(bare_refusal_status(redirect), None);
    }

    #[test]
    fn tells_a_foreign_version_from_garbage() {
        assert!(names_an_http_version(b"GET / HTTP/2.0\r\n"));
        assert!(names_an_http_version(b"GET /x HTTP/3\r\n"));
        assert!(!names_an_http_version(b"GARBAGE\r\n"));
        assert!(!names_an_http_version(b"GET / HTTX/1.1\r\n"));
    }
}
