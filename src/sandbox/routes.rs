//! The sandbox's routes, and the glue that keeps every error in the `{"message","code"}`
//! shape: a path extractor with coded rejections, 404/405 fallbacks, trailing-slash
//! folding and a panic catcher.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::{StatusCode, Uri, request::Parts};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::errors::Coded;
use super::state::SandboxState;
use super::{
    access_log, browser, capture, checkout, control, create_route, dashboard, dashboard_forms,
    lifecycle, listing, merchant, payment_methods, refunds, s2s, saved_cards, webhook,
};

/// One path segment (`{id}`, `{n}`, `{page}`); a bad one is a coded 400, not plain text.
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = Coded;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(segment)) => Ok(PathParam(segment)),
            Err(_) => Err(Coded::new(
                StatusCode::BAD_REQUEST,
                "Invalid_Parameter",
                "Malformed path parameter",
            )),
        }
    }
}

/// In front of every API call: the webhook queue's back-pressure (see
/// [`webhook::backpressure`]), then the configured `latency_ms`.
async fn api_gate(State(state): State<Arc<SandboxState>>, req: Request, next: Next) -> Response {
    webhook::wait_for_room(&state).await;
    let delay = state.store.settings().latency_ms;
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    next.run(req).await
}

async fn not_found() -> Coded {
    Coded::new(StatusCode::NOT_FOUND, "not_found", "No such endpoint")
}

async fn method_not_allowed() -> Coded {
    Coded::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method not allowed for this endpoint",
    )
}

/// All routes, with paths written without their trailing slash (see [`fold_trailing_slash`]).
pub fn router(state: Arc<SandboxState>) -> Router {
    let api = Router::new()
        .route("/api/v1/purchases", post(create_route::create))
        .route("/api/v1/purchases/{id}", get(lifecycle::status))
        .route(
            "/api/v1/purchases/{id}/cancel",
            get(lifecycle::cancel).post(lifecycle::cancel),
        )
        .route(
            "/api/v1/purchases/{id}/refund",
            get(lifecycle::refund_full).post(lifecycle::refund_partial),
        )
        .route("/api/v1/purchases/{id}/capture", post(capture::capture))
        .route("/api/v1/refundStatus/{id}", post(refunds::refund_status))
        .route("/api/v1/listSavedCards", get(saved_cards::list))
        .route("/api/v1/p/{id}", post(s2s::s2s))
        .route(
            "/api/v1/payment_methods",
            get(payment_methods::payment_methods),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), api_gate));
    let browser = Router::new()
        .route(
            "/api/v1/payment/{id}",
            get(browser::callback_get).post(browser::callback_post),
        )
        .route(
            "/payments/{id}",
            get(checkout::checkout_get).post(checkout::checkout_post),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            webhook::backpressure,
        ));
    let control = Router::new()
        .route("/_sandbox", get(dashboard::page))
        .route("/_sandbox/purchases", get(listing::purchases))
        .route("/_sandbox/purchases/{id}", get(control::get_one))
        .route("/_sandbox/purchases/{id}/settle", post(control::settle))
        .route(
            "/_sandbox/clock",
            post(control::clock).get(control::get_clock),
        )
        .route("/_sandbox/webhooks", get(listing::webhooks))
        .route("/_sandbox/webhooks/{n}/replay", post(control::replay))
        .route("/_sandbox/public-key", get(control::public_key))
        .route(
            "/_sandbox/settings",
            get(control::get_settings).put(control::put_settings),
        )
        .route("/_sandbox/reset", post(control::reset))
        .route("/_sandbox/stats", get(control::stats))
        .route("/_sandbox/merchant/events", get(control::merchant_events))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            control::guard,
        ));
    let forms = Router::new()
        .route("/_sandbox/ui/settle/{id}", post(dashboard_forms::settle))
        .route("/_sandbox/ui/replay/{n}", post(dashboard_forms::replay))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            dashboard_forms::guard,
        ));
    let merchant = Router::new()
        .route("/merchant/return/{page}", get(merchant::landing))
        .route("/merchant/webhook", post(merchant::webhook));
    api.merge(browser)
        .merge(control)
        .merge(forms)
        .merge(merchant)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                Coded::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "exception",
                    "something went wrong",
                )
                .into_response()
            },
        ))
        // Outermost, so refusals, fallbacks and caught panics are logged too.
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            access_log::log_request,
        ))
        .with_state(state)
}

/// Trailing slashes are optional on every path: `/purchases/` routes as `/purchases`.
pub fn fold_trailing_slash(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let new = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_string(),
        };
        if let Ok(uri) = new.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    req
}
