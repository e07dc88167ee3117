//! The embedded, stateful Paysecure sandbox (`shared/spec/sandbox-scenarios.md`).
//!
//! [`start`] binds a loopback port, serves the API, the customer-browser pages, the
//! control plane and the merchant stub, and returns a [`SandboxHandle`].

pub mod access_log;
pub mod after_pay;
pub mod aging;
#[cfg(test)]
mod any_json;
pub mod browser;
pub mod capture;
pub mod checkout;
pub mod checkout_page;
pub mod client_echo;
pub mod control;
pub mod create;
pub mod create_route;
pub mod dashboard;
pub mod dashboard_forms;
pub mod errors;
pub mod head_size;
pub mod json_object;
pub mod lifecycle;
pub mod limits;
pub mod listing;
pub mod merchant;
pub mod pages;
pub mod payment_methods;
pub mod purchase;
pub mod purchase_echo;
pub mod purchase_view;
pub mod raw_json;
pub mod refunds;
pub mod refusal;
pub mod request;
pub mod routes;
pub mod s2s;
pub mod saved_cards;
pub mod server;
pub mod signing;
pub mod signing_pool;
pub mod state;
pub mod store;
pub mod transitions;
pub mod webhook;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::api::{MerchantEvent, MerchantEventSource};

use request::Keys;
use signing::{Signer, Verifier};
use state::SandboxState;
use store::sqlite::Sqlite;
use store::{Location, Options, Store};

/// Default sandbox-type API key (fixed and documented; printed by `serve`).
pub const DEFAULT_API_KEY: &str = "sk_test_sandbox_paysecure_explorer";
/// Default live-type API key, for producing "Different Type of key" naturally.
pub const DEFAULT_LIVE_API_KEY: &str = "sk_live_sandbox_paysecure_explorer";
/// Default brand id.
pub const DEFAULT_BRAND_ID: &str = "brd_sandbox_explorer";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free one. Loopback unless the user asks otherwise.
    pub bind: SocketAddr,
    pub api_key: String,
    pub live_api_key: String,
    pub brand_id: String,
    /// The origin (`http://host:port`) the URLs handed out (`callback_url`, `checkout_url`,
    /// `direct_post_url`, page links) are built from, when the bound address is not how
    /// clients reach the sandbox. Never taken from a request's `Host` (DNS rebinding).
    pub public_url: Option<String>,
    /// Connection, timeout and webhook-delivery bounds.
    pub limits: limits::Limits,
    /// Also deliver every webhook to this http(s) URL (`serve --forward-to`).
    pub forward_to: Option<String>,
    /// Where the state lives (a private temporary file unless told otherwise) and how
    /// long purchases are kept.
    pub state: Options,
    /// When the state file cannot be used (another process holds it, it cannot be
    /// created), run on a private temporary store and say so in
    /// [`SandboxHandle::state_notes`] instead of failing to start (the explorer).
    pub state_fallback: bool,
    /// Listen on the port the state file's sandbox used last, if it is free (the
    /// explorer's embedded sandbox: its history's URLs keep working). Only when `bind`
    /// asks for any port (0).
    pub prefer_last_port: bool,
}

/// Days of sandbox clock a private (temporary) state keeps purchases.
pub const TEMPORARY_RETAIN_DAYS: u32 = 7;

/// The `meta` key of the port a state file's sandbox listened on last.
const LAST_PORT: &str = "last_port";

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: DEFAULT_API_KEY.into(),
            live_api_key: DEFAULT_LIVE_API_KEY.into(),
            brand_id: DEFAULT_BRAND_ID.into(),
            public_url: None,
            limits: limits::Limits::default(),
            forward_to: None,
            state: Options {
                location: Location::Temporary,
                retain_days: Some(TEMPORARY_RETAIN_DAYS),
            },
            state_fallback: false,
            prefer_last_port: false,
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug)]
pub enum StartError {
    /// Binding the port failed.
    Bind(std::io::Error),
    /// The signing key or the HTTP client could not be set up.
    Setup(String),
    /// The state store could not be opened.
    State(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "could not bind the sandbox port: {e}"),
            StartError::Setup(e) => write!(f, "could not set up the sandbox: {e}"),
            StartError::State(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A running sandbox.
pub struct SandboxHandle {
    /// `http://127.0.0.1:PORT/api/v1`.
    pub base_url: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    pub api_key: String,
    pub live_api_key: String,
    pub brand_id: String,
    pub public_key_pem: String,
    /// `http://127.0.0.1:PORT/_sandbox`.
    pub control_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// Where every webhook is also delivered (`serve --forward-to`), normalised.
    pub forward_to: Option<String>,
    /// The state file (`None`: a private temporary one, deleted at exit).
    pub state_file: Option<PathBuf>,
    /// What opening the state had to say: a damaged file set aside, a file in use so this
    /// run's state is private, an integrity check cut short. One line each.
    pub state_notes: Vec<String>,
    state: Arc<SandboxState>,
    shutdown: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// Merchant-stub events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<MerchantEvent> {
        self.state.events.subscribe()
    }

    /// Every merchant-stub event so far.
    pub fn merchant_events(&self) -> Vec<MerchantEvent> {
        self.state.events_snapshot()
    }

    /// The merchant stub's landing page for `page` (`success`, `failure`, `pending`).
    pub fn merchant_return_url(&self, page: &str) -> String {
        format!("{}/merchant/return/{page}", self.origin)
    }

    /// The merchant stub's webhook receiver.
    pub fn merchant_webhook_url(&self) -> String {
        format!("{}/merchant/webhook", self.origin)
    }

    /// Stops serving; open connections are dropped.
    pub async fn shutdown(&self) {
        let _ = self.shutdown.send(true);
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

impl MerchantEventSource for SandboxHandle {
    fn subscribe(&self) -> broadcast::Receiver<MerchantEvent> {
        SandboxHandle::subscribe(self)
    }

    fn events_so_far(&self) -> Vec<MerchantEvent> {
        self.merchant_events()
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Starts a sandbox on `config.bind` and returns once it accepts connections.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, StartError> {
    let opened = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || open_store(&config))
            .await
            .map_err(|e| StartError::State(e.to_string()))??
    };
    let listener = bind(&config, &opened.store).await?;
    let addr = listener.local_addr().map_err(StartError::Bind)?;
    if config.prefer_last_port
        && let Err(e) = opened
            .store
            .backend()
            .put_meta(LAST_PORT, &addr.port().to_string())
    {
        tracing::warn!(error = %e, "sandbox: could not remember the port");
    }
    let host = if addr.ip().is_unspecified() {
        format!("127.0.0.1:{}", addr.port())
    } else {
        addr.to_string()
    };
    let origin = match &config.public_url {
        Some(url) => public_origin(url).map_err(|e| {
            StartError::Setup(format!(
                "public URL \"{}\" {e}",
                crate::term_text::clean(url)
            ))
        })?,
        None => format!("http://{host}"),
    };
    let state = build_state(&config, origin.clone(), opened.store)?;
    refunds::resume(&state);
    let public_key_pem = signing::public_key_pem().to_string();
    let (shutdown, shutdown_rx) = watch::channel(false);
    let app = routes::router(Arc::clone(&state));
    let task = tokio::spawn(server::serve(
        listener,
        app,
        config.limits.clone(),
        shutdown_rx,
    ));
    Ok(SandboxHandle {
        base_url: format!("{origin}/api/v1"),
        control_url: format!("{origin}/_sandbox"),
        origin,
        api_key: config.api_key,
        live_api_key: config.live_api_key,
        brand_id: config.brand_id,
        public_key_pem,
        addr,
        forward_to: state.forward_to.clone(),
        state_file: opened.path,
        state_notes: opened.notes,
        state,
        shutdown,
        task: Mutex::new(Some(task)),
    })
}

/// An opened state store, where it is, and what opening it had to say.
struct OpenedStore {
    store: Store,
    path: Option<PathBuf>,
    notes: Vec<String>,
}

/// Opens the configured store; with `state_fallback`, a file that cannot be used gives
/// way to a private temporary store (and a note saying so).
fn open_store(config: &SandboxConfig) -> Result<OpenedStore, StartError> {
    let opened = match Sqlite::open(&config.state) {
        Ok(opened) => opened,
        Err(e) if config.state_fallback && config.state.location != Location::Temporary => {
            let private = Options {
                location: Location::Temporary,
                retain_days: Some(TEMPORARY_RETAIN_DAYS),
            };
            let mut opened =
                Sqlite::open(&private).map_err(|e| StartError::State(e.to_string()))?;
            opened.notes.insert(
                0,
                format!("{e}; this run's sandbox state is private and is not kept"),
            );
            opened
        }
        Err(e) => return Err(StartError::State(e.to_string())),
    };
    Ok(OpenedStore {
        store: Store::new(Box::new(opened.backend)),
        path: opened.path,
        notes: opened.notes,
    })
}

/// Binds the listener: the port used last when asked and free, else `config.bind`.
async fn bind(
    config: &SandboxConfig,
    store: &Store,
) -> Result<tokio::net::TcpListener, StartError> {
    let last = (config.prefer_last_port && config.bind.port() == 0)
        .then(|| store.backend().meta(LAST_PORT).ok().flatten())
        .flatten()
        .and_then(|p| p.parse::<u16>().ok())
        .filter(|p| *p != 0);
    if let Some(port) = last
        && let Ok(listener) =
            tokio::net::TcpListener::bind(SocketAddr::new(config.bind.ip(), port)).await
    {
        return Ok(listener);
    }
    tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(StartError::Bind)
}

/// `scheme://host[:port]` of a `--public-url`; a path, query or fragment is refused rather
/// than silently dropped. The refusal says what to give (the URL parser's own, "relative
/// URL without a base", did not); the caller names the URL.
pub fn public_origin(url: &str) -> Result<String, String> {
    let refused = || {
        "must be an absolute http(s)://host[:port] with no path, query or fragment, like \
         https://sandbox.example.com or http://192.168.1.20:8089"
            .to_string()
    };
    let parsed = url::Url::parse(url).map_err(|_| refused())?;
    let bare = parsed.path() == "/" && parsed.query().is_none() && parsed.fragment().is_none();
    if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() || !bare {
        return Err(refused());
    }
    Ok(parsed.origin().ascii_serialization())
}

/// The shared state of a sandbox answering at `origin`.
fn build_state(
    config: &SandboxConfig,
    origin: String,
    store: Store,
) -> Result<Arc<SandboxState>, StartError> {
    let signer = Arc::new(Signer::embedded().map_err(|e| StartError::Setup(e.to_string()))?);
    let verifier = Verifier::from_pem(signing::public_key_pem())
        .map_err(|e| StartError::Setup(e.to_string()))?;
    let signing = signing_pool::SigningPool::start(
        Arc::clone(&signer),
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
    )
    .map_err(|e| StartError::Setup(format!("could not start the webhook signer threads: {e}")))?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| StartError::Setup(e.to_string()))?;
    let forward_to = match &config.forward_to {
        Some(url) => Some(webhook::forward_target(url).map_err(StartError::Setup)?),
        None => None,
    };
    let (events, _) = broadcast::channel(1024);
    Ok(Arc::new(SandboxState {
        store,
        keys: Keys {
            sandbox: config.api_key.clone(),
            live: config.live_api_key.clone(),
        },
        log_redactor: crate::api::redact::Redactor::new([
            config.api_key.clone(),
            config.live_api_key.clone(),
        ]),
        brand_id: config.brand_id.clone(),
        brand_name: purchase::MERCHANT_NAME.into(),
        origin,
        verifier,
        http,
        events,
        event_log: Mutex::new(state::EventLog::default()),
        webhook_slots: Arc::new(tokio::sync::Semaphore::new(
            config.limits.max_webhooks_in_flight,
        )),
        webhook_slot_count: config.limits.max_webhooks_in_flight,
        webhook_queue: Arc::new(tokio::sync::Semaphore::new(
            config.limits.max_webhooks_queued,
        )),
        webhook_queue_count: config.limits.max_webhooks_queued,
        webhook_room: tokio::sync::Notify::new(),
        webhook_chains: std::sync::Mutex::new(std::collections::HashMap::new()),
        webhook_chain_numbers: std::sync::atomic::AtomicU64::new(0),
        signing,
        forward_to,
        form_token: dashboard_forms::new_token().map_err(StartError::Setup)?,
    }))
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt as _;

    use super::request::ConnInfo;
    use super::*;

    async fn settings_from(peer: &str) -> u16 {
        let store = Store::temporary().expect("store");
        let state = build_state(
            &SandboxConfig::default(),
            "http://127.0.0.1:1".into(),
            store,
        )
        .expect("state");
        let app = routes::router(state);
        let mut req = Request::get("/_sandbox/settings")
            .body(Body::empty())
            .expect("request");
        req.extensions_mut().insert(ConnInfo {
            peer: peer.parse::<SocketAddr>().expect("addr"),
            kill: Arc::new(tokio::sync::Notify::new()),
            body_timeout: Duration::from_secs(1),
        });
        app.oneshot(req)
            .await
            .expect("infallible")
            .status()
            .as_u16()
    }

    #[tokio::test]
    async fn control_plane_answers_loopback_only() {
        assert_eq!(settings_from("127.0.0.1:5000").await, 200);
        assert_eq!(settings_from("[::1]:5000").await, 200);
        assert_eq!(settings_from("203.0.113.7:5000").await, 403);
        assert_eq!(settings_from("[2001:db8::1]:5000").await, 403);
    }
}
