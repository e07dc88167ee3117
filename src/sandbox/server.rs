//! The accept loop. It is hand-rolled on hyper (rather than `axum::serve`) because the
//! "connection closed without a response" fault card needs a way to drop a connection from
//! inside a handler, which each connection's [`ConnInfo::kill`] gives, and because hyper's
//! bare answers to unparsable requests are replaced here by coded ones ([`super::refusal`]).
//!
//! Bounds: at most `max_connections` connections are served at once (the newest beyond it
//! get a coded 503 and are closed, so a flood of idle sockets cannot starve the process of
//! file descriptors); a request head must arrive within `header_read_timeout`, which also
//! ends idle keep-alive connections; bodies have their own deadline (see
//! [`super::request::read_limited`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt as _;

use super::errors::Coded;
use super::limits::Limits;
use super::refusal::{
    MAX_HEAD_BYTES, MAX_HEADERS, RefusalFilter, answer_and_close, answer_when_asked, coded_refusal,
};
use super::request::ConnInfo;
use super::routes::fold_trailing_slash;

/// Refusals (503 at the cap) being written at once; past this, extra connections are
/// closed without a word so refusing cannot itself exhaust descriptors.
pub const MAX_REFUSALS_IN_FLIGHT: usize = 64;

/// Serves `app` on `listener` until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.effective_max_connections()));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS_IN_FLIGHT));
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(_) => {
                // Out of file descriptors or similar: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
            refuse_at_capacity(stream, &refusals);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let info = ConnInfo {
            peer,
            kill: Arc::new(Notify::new()),
            body_timeout: limits.body_read_timeout,
        };
        tokio::spawn(serve_connection(
            stream,
            app.clone(),
            info,
            limits.header_read_timeout,
            shutdown.clone(),
            permit,
        ));
    }
}

/// The newest connection past the cap: a coded 503, then closed.
fn refuse_at_capacity(stream: TcpStream, refusals: &Arc<Semaphore>) {
    let Ok(permit) = Arc::clone(refusals).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let coded = Coded::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Too many open connections to the sandbox; retry shortly",
        );
        answer_when_asked(stream, &coded).await;
        drop(permit);
    });
}

type BoxedResponse =
    Pin<Box<dyn Future<Output = Result<Response, std::convert::Infallible>> + Send>>;

/// One connection, holding its slot (`_permit`) until it ends.
async fn serve_connection(
    stream: TcpStream,
    app: Router,
    info: ConnInfo,
    header_timeout: Duration,
    mut shutdown: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let kill = Arc::clone(&info.kill);
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(info.clone());
        // Measured as it came, before the trailing slash is folded away.
        let req = req.map(Body::new);
        if let Some(refused) = super::head_size::refusal(&req) {
            return Box::pin(std::future::ready(Ok(refused))) as BoxedResponse;
        }
        let req = fold_trailing_slash(req);
        // Boxed so the connection can be polled without shutdown (hyper wants an Unpin
        // future there), which lets us take the socket back to answer a refusal.
        Box::pin(app.clone().oneshot(req)) as BoxedResponse
    });
    let mut conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(RefusalFilter::new(stream)), service);
    let result = tokio::select! {
        result = std::future::poll_fn(|cx| conn.poll_without_shutdown(cx)) => result,
        _ = kill.notified() => return,
        _ = shutdown.changed() => return,
    };
    let Err(err) = result else {
        return;
    };
    let parts = conn.into_parts();
    let filter = parts.io.into_inner();
    if let Some(coded) = coded_refusal(&err, filter.held_back(), &parts.read_buf, header_timeout) {
        // Refused before it was a request (no method or path to name): the log's one
        // line per answer still says so.
        super::refusal::log_refusal(&coded);
        answer_and_close(filter.into_inner(), &coded).await;
    }
}
