//! `paysecure-explorer serve`: the sandbox alone, until Ctrl-C.

use super::out;
use crate::term_text::clean_lines;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::serve_log::{self, LogFormat};
use crate::sandbox::limits::{Limits, raise_open_file_limit};
use crate::sandbox::store::{Location, Options};
use crate::sandbox::webhook::forward_target;
use crate::sandbox::{self, SandboxConfig, SandboxHandle, TEMPORARY_RETAIN_DAYS};

/// Port `serve` listens on unless told otherwise (other commands' hints name it too).
pub const DEFAULT_PORT: u16 = 8089;

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Address to bind. Loopback by default; anything else exposes the sandbox to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Print one JSON line with the credentials and URLs before serving.
    #[arg(long)]
    pub json: bool,
    /// The origin clients reach the sandbox at (`http://host:port`), when it is not the
    /// bound address; `callback_url`, `checkout_url` and page links are built from it.
    #[arg(long)]
    pub public_url: Option<String>,
    /// Connections served at once (at least 1); the newest beyond it get a coded 503.
    #[arg(long, default_value_t = Limits::default().max_connections, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_connections: usize,
    /// Also deliver every webhook, signed the same way, to this http(s) URL (your own
    /// endpoint); each copy is logged and listed in GET /_sandbox/webhooks.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Keep the sandbox's state (purchases, webhook deliveries, settings, clock) in this
    /// SQLite file, across restarts. Without it the state is private to this run.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Delete purchases (and their webhook deliveries) whose status has not changed for
    /// this many days of sandbox clock. Default: kept for ever with --state, 7 days
    /// without.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub retain_days: Option<u32>,
    /// Log format on stderr: one line per request and per webhook delivery.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// No log on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Threads answering requests. Default: one fewer than the machine's cores (at least
    /// one), since the state store's writer thread needs a core of its own under load.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub workers: Option<u16>,
}

/// Request threads by default: one core is left to the store's writer thread, which
/// every create and payment waits for. On the 2-core bench machine one worker instead
/// of two gave 7–15 % more creates per second and a lower p99 (fewer preemptions of the
/// writer; see BENCHMARKS.md, round 4).
pub fn default_workers() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    cores.saturating_sub(1).max(1)
}

impl ServeArgs {
    /// The number of request threads to run.
    pub fn worker_threads(&self) -> usize {
        self.workers.map_or_else(default_workers, usize::from)
    }
}

/// The open-file limit `serve` asks for at start (the soft limit is raised towards it,
/// never past the hard one).
const WANTED_OPEN_FILES: u64 = 8192;

/// Runs `serve`; returns the exit code.
pub async fn run(args: ServeArgs) -> i32 {
    if let Some(url) = &args.forward_to
        && let Err(e) = forward_target(url)
    {
        out::error(&format!("paysecure-explorer serve: {e}"));
        return 2;
    }
    // A usage error, said before anything starts (it was a set-up failure after binding).
    if let Some(url) = &args.public_url
        && let Err(e) = sandbox::public_origin(url)
    {
        out::error(&format!(
            "paysecure-explorer serve: --public-url \"{}\" {e}",
            crate::term_text::clean(url)
        ));
        return 2;
    }
    if !args.quiet {
        serve_log::install(args.log_format);
    }
    // Before binding: the connection cap is sized from the limit in force at start.
    let _ = raise_open_file_limit(WANTED_OPEN_FILES);
    let config = SandboxConfig {
        bind: SocketAddr::new(args.bind, args.port),
        public_url: args.public_url.clone(),
        limits: Limits {
            max_connections: args.max_connections,
            ..Limits::default()
        },
        forward_to: args.forward_to.clone(),
        state: state_options(args.state.clone(), args.retain_days),
        ..SandboxConfig::default()
    };
    let handle = match sandbox::start(config).await {
        Ok(h) => h,
        Err(e) => {
            out::error(&format!("paysecure-explorer serve: {e}"));
            if args.port != 0 && matches!(e, sandbox::StartError::Bind(_)) {
                out::error(&format!(
                    "(is port {} in use? `--port 0` picks a free one)",
                    args.port
                ));
            }
            return 2;
        }
    };
    // Said whatever --quiet says: a damaged file was set aside, a check was cut short.
    for note in &handle.state_notes {
        out::error(&format!("paysecure-explorer serve: {note}"));
    }
    let mut out = std::io::stdout().lock();
    // Through the one sanitiser, like every other output: the banner quotes values a
    // config could set, and the JSON line stays JSON.
    let printed = if args.json {
        let mut facts = facts(&handle);
        // Settled by `main` before it built the runtime with this many.
        facts["workers"] = json!(args.worker_threads());
        writeln!(out, "{}", clean_lines(&facts.to_string()))
    } else {
        write!(out, "{}", clean_lines(&banner(&handle)))
    };
    // A closed stdout (a pipe that went away) is no reason to stop serving.
    let _ = printed.and_then(|_| out.flush());
    drop(out);
    wait_for_stop_signal().await;
    handle.shutdown().await;
    0
}

/// Where `serve` keeps its state, and for how long.
pub fn state_options(file: Option<PathBuf>, retain_days: Option<u32>) -> Options {
    match file {
        Some(path) => Options {
            location: Location::File(path),
            retain_days,
        },
        None => Options {
            location: Location::Temporary,
            retain_days: Some(retain_days.unwrap_or(TEMPORARY_RETAIN_DAYS)),
        },
    }
}

/// The JSON line: everything a client needs to talk to this sandbox.
pub fn facts(handle: &SandboxHandle) -> serde_json::Value {
    json!({
        "base_url": handle.base_url,
        "api_key": handle.api_key,
        "live_api_key": handle.live_api_key,
        "brand_id": handle.brand_id,
        "public_key_pem": handle.public_key_pem,
        "control_url": handle.control_url,
        "merchant_webhook_url": handle.merchant_webhook_url(),
        "merchant_return_url": handle.merchant_return_url("{success|failure|pending}"),
        "dashboard_url": format!("{}/", handle.control_url),
        "forward_to": handle.forward_to,
        "state_file": handle.state_file,
    })
}

fn banner(h: &SandboxHandle) -> String {
    let example = json!({
        "client": {"email": "buyer@example.com", "street_address": "1 Test St", "city": "Berlin",
                   "zip_code": "10115", "country": "DE", "stateCode": "BE"},
        "purchase": {"currency": "EUR", "products": [{"name": "Order 1001", "price": 20.0}]},
        "brand_id": h.brand_id,
        "success_redirect": h.merchant_return_url("success"),
        "failure_redirect": h.merchant_return_url("failure"),
        "success_callback": h.merchant_webhook_url(),
        "failure_callback": h.merchant_webhook_url(),
    });
    format!(
        "Paysecure sandbox (paysecure-explorer) listening on {origin}\n\n\
         \x20 base URL        {base}\n\
         \x20 API key         {key}   (sandbox type)\n\
         \x20 live API key    {live}   (live type: paying with the other type gives \"Different Type of key\")\n\
         \x20 brand id        {brand}\n\
         \x20 control plane   {control}   (settings, clock, webhooks, reset; loopback only)\n\
         \x20 dashboard       {control}/   (a page for your browser: purchases, webhooks, settle, replay)\n\
         \x20 merchant stub   {origin}/merchant/return/{{success,failure,pending}}, POST {webhook}\n\
         \x20 state           {state}\n\n\
         Webhooks carry `paysecure-sign`: Base64 RSA-SHA256 over {{purchaseId}}|{{STATUS}}|{{brandId}}, verify with:\n\
         {pem}\n\
         Try it:\n\
         \x20 curl -s -X POST {base}/purchases/ \\\n\
         \x20   -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\\n\
         \x20   -d '{example}'\n\n\
         Test cards: `paysecure-explorer cards` (4444333322221111 pays after the 3DS challenge; OTP 123456).\n\
         Ctrl-C stops.\n",
        origin = h.origin,
        base = h.base_url,
        key = h.api_key,
        live = h.live_api_key,
        brand = h.brand_id,
        control = h.control_url,
        webhook = h.merchant_webhook_url(),
        pem = h.public_key_pem.trim_end(),
        example = example,
        state = match &h.state_file {
            Some(path) => format!("{} (kept across restarts)", path.display()),
            None => "private to this run (--state FILE keeps it)".into(),
        },
    )
}

/// Ctrl-C, or SIGTERM on Unix.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
