//! Which [`TransportKind`] a failed exchange is, read from the error types in the reqwest
//! error's source chain (I/O error kinds, hyper's and rustls's errors), never from their
//! message text: wording changes between versions and platforms, types do not.

use std::error::Error as StdError;
use std::io;

use super::error::TransportKind;

/// The kind of transport failure `e` is.
pub fn transport_kind(e: &reqwest::Error) -> TransportKind {
    // reqwest's own timer, and timeouts reported by hyper or the OS, anywhere in the chain.
    if e.is_timeout() {
        return TransportKind::Timeout;
    }
    causes(e)
        .find_map(kind_of_cause)
        .unwrap_or(TransportKind::Other)
}

/// What one error in the chain says, if it says anything decisive.
fn kind_of_cause(cause: &(dyn StdError + 'static)) -> Option<TransportKind> {
    if cause.is::<rustls::Error>() {
        return Some(TransportKind::Tls);
    }
    if let Some(io) = cause.downcast_ref::<io::Error>() {
        return kind_of_io(io);
    }
    let hyper = cause.downcast_ref::<hyper::Error>()?;
    if hyper.is_timeout() {
        Some(TransportKind::Timeout)
    } else if hyper.is_incomplete_message()
        || hyper.is_closed()
        || hyper.is_canceled()
        || hyper.is_body_write_aborted()
    {
        // The peer went away before a whole response arrived (or before the request was
        // written on a connection it had closed).
        Some(TransportKind::ConnectionClosed)
    } else {
        None
    }
}

fn kind_of_io(io: &io::Error) -> Option<TransportKind> {
    match io.kind() {
        io::ErrorKind::ConnectionRefused => Some(TransportKind::ConnectionRefused),
        io::ErrorKind::TimedOut => Some(TransportKind::Timeout),
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::NotConnected
        | io::ErrorKind::UnexpectedEof => Some(TransportKind::ConnectionClosed),
        _ => None,
    }
}

/// `e` and every error below it. `io::Error::source` skips the error an I/O error wraps
/// (it returns that error's own source), so the wrapped one is visited explicitly: that is
/// where tokio-rustls puts the `rustls::Error` of a failed handshake.
fn causes<'a>(
    e: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut next: Vec<&'a (dyn StdError + 'static)> = vec![e];
    // Bounded: a chain is short, but a cyclic `source` must not loop forever.
    let mut budget = 64;
    std::iter::from_fn(move || {
        let current = next.pop()?;
        budget -= 1;
        if budget > 0 {
            if let Some(source) = current.source() {
                next.push(source);
            }
            if let Some(inner) = current
                .downcast_ref::<io::Error>()
                .and_then(|io| io.get_ref())
            {
                next.push(inner);
            }
        }
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    //! Real failures against servers on 127.0.0.1, each built to fail one way.

    use std::time::Duration;

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpListener;

    use super::*;

    /// What a one-connection test server does once a request has arrived.
    enum Then {
        /// Writes these bytes, then closes.
        Answer(&'static [u8]),
        /// Keeps the connection open and says nothing.
        Hang,
    }

    /// A server for one connection on a free loopback port; its `http://` origin.
    async fn server(then: Then) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            match then {
                Then::Answer(bytes) => {
                    let _ = socket.write_all(bytes).await;
                }
                Then::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
            }
        });
        format!("http://{addr}")
    }

    /// The error of a GET of `url` whose whole body is read, within `timeout`.
    async fn failure(url: &str, timeout: Duration) -> reqwest::Error {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .expect("client");
        let result = async { client.get(url).send().await?.bytes().await }.await;
        result.expect_err("the exchange must fail")
    }

    #[tokio::test]
    async fn nothing_listening_is_connection_refused() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        // The listener is dropped: the port is free and refuses.
        let e = failure(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(5)).await;
        assert_eq!(
            transport_kind(&e),
            TransportKind::ConnectionRefused,
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn a_server_that_never_answers_is_a_timeout() {
        let origin = server(Then::Hang).await;
        let e = failure(&origin, Duration::from_millis(300)).await;
        assert_eq!(transport_kind(&e), TransportKind::Timeout, "{e:?}");
    }

    #[tokio::test]
    async fn closing_before_the_response_is_connection_closed() {
        let origin = server(Then::Answer(b"")).await;
        let e = failure(&origin, Duration::from_secs(5)).await;
        assert_eq!(transport_kind(&e), TransportKind::ConnectionClosed, "{e:?}");
    }

    #[tokio::test]
    async fn closing_mid_headers_is_connection_closed() {
        let origin = server(Then::Answer(b"HTTP/1.1 200 OK\r\ncontent-ty")).await;
        let e = failure(&origin, Duration::from_secs(5)).await;
        assert_eq!(transport_kind(&e), TransportKind::ConnectionClosed, "{e:?}");
    }

    #[tokio::test]
    async fn closing_mid_body_is_connection_closed() {
        let origin = server(Then::Answer(
            b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"status\":",
        ))
        .await;
        let e = failure(&origin, Duration::from_secs(5)).await;
        assert!(e.is_body() || e.is_decode(), "a body error: {e:?}");
        assert_eq!(transport_kind(&e), TransportKind::ConnectionClosed, "{e:?}");
    }

    #[tokio::test]
    async fn closing_mid_chunked_body_is_connection_closed() {
        let origin = server(Then::Answer(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
        ))
        .await;
        let e = failure(&origin, Duration::from_secs(5)).await;
        assert_eq!(transport_kind(&e), TransportKind::ConnectionClosed, "{e:?}");
    }

    #[tokio::test]
    async fn tls_to_a_plain_http_server_is_tls() {
        let origin = server(Then::Answer(
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        ))
        .await;
        let e = failure(
            &origin.replace("http://", "https://"),
            Duration::from_secs(5),
        )
        .await;
        assert_eq!(transport_kind(&e), TransportKind::Tls, "{e:?}");
    }

    #[tokio::test]
    async fn a_refused_scheme_is_other() {
        let e = failure("ftp://127.0.0.1:1/", Duration::from_secs(5)).await;
        assert_eq!(transport_kind(&e), TransportKind::Other, "{e:?}");
    }
}
