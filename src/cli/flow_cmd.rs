//! `paysecure-explorer flow`: the three steps headless.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde_json::{Value, json};

use super::transcript;
use crate::api::exchange::FnRecorder;
use crate::api::{ClientConfig, Exchange, PaysecureClient};
use crate::flow::presets::{default_purchase, seed_payment};
use crate::flow::runner::{self, FlowPlan, FlowReport, landed_name};
use crate::flow::target::Target;

/// Options of `flow`. Defaults reproduce the seed document's example payload.
#[derive(Debug, Args)]
pub struct FlowArgs {
    /// Card number.
    #[arg(long)]
    pub card: Option<String>,
    /// Expiry, MM/YY (default: three years ahead).
    #[arg(long)]
    pub expires: Option<String>,
    /// Card security code.
    #[arg(long)]
    pub cvc: Option<String>,
    /// Cardholder name.
    #[arg(long)]
    pub name: Option<String>,
    /// The customer's IP (must differ from the IP making the API call).
    #[arg(long)]
    pub remote_ip: Option<String>,
    /// Purchase amount in major units (one product line).
    #[arg(long)]
    pub amount: Option<f64>,
    /// ISO 4217 currency.
    #[arg(long)]
    pub currency: Option<String>,
    /// Customer email (an address at blocked.example is blocked by the sandbox).
    #[arg(long)]
    pub email: Option<String>,
    /// Act as the customer's browser: open the callback URL, answer the challenge with
    /// this OTP, follow the redirect. Without it the flow stops at pending.
    #[arg(long, value_name = "CODE")]
    pub otp: Option<String>,
    /// One JSON object per line: each exchange, then the result.
    #[arg(long)]
    pub json: bool,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 40.0, value_name = "SECS")]
    pub timeout: f64,
    /// success_redirect (default: the embedded merchant stub).
    #[arg(long)]
    pub success_redirect: Option<String>,
    /// failure_redirect (default: the embedded merchant stub).
    #[arg(long)]
    pub failure_redirect: Option<String>,
}

/// Runs `flow`; returns the exit code.
pub async fn run(args: FlowArgs) -> i32 {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        eprintln!("paysecure-explorer flow: --timeout must be between 0 and 3600 seconds");
        return 2;
    }
    let target = match Target::from_env().await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("paysecure-explorer flow: {e}");
            return 2;
        }
    };
    let json_mode = args.json;
    let recorder = FnRecorder(move |ex: &Exchange| {
        let mut out = std::io::stdout().lock();
        let line = if json_mode {
            exchange_line(ex).to_string()
        } else {
            transcript::exchange_line(ex)
        };
        let _ = writeln!(out, "{line}");
    });
    let client = match PaysecureClient::new(ClientConfig {
        base_url: target.base_url.clone(),
        api_key: target.api_key.clone(),
        timeout: Duration::from_secs_f64(args.timeout),
    }) {
        Ok(c) => c.with_recorder(Arc::new(recorder)),
        Err(e) => {
            eprintln!("paysecure-explorer flow: {e}");
            return 2;
        }
    };
    if !json_mode {
        println!("{}", transcript::header(&target));
    }
    let plan = plan(&args, &target);
    let report = runner::run(&client, &plan, target.sandbox.as_ref()).await;
    if json_mode {
        println!("{}", result_line(&report));
    } else {
        print!("{}", transcript::summary(&report));
    }
    let _ = std::io::stdout().flush();
    if let Some(sandbox) = &target.sandbox {
        sandbox.shutdown().await;
    }
    report.exit_code()
}

/// The request bodies and options from the arguments.
pub fn plan(args: &FlowArgs, target: &Target) -> FlowPlan {
    let mut urls = target.default_urls();
    if let Some(u) = &args.success_redirect {
        urls.success_redirect = u.clone();
    }
    if let Some(u) = &args.failure_redirect {
        urls.failure_redirect = u.clone();
    }
    let mut purchase = default_purchase(&target.brand_id, &urls);
    if let Some(amount) = args.amount
        && let Some(product) = purchase.purchase.products.first_mut()
    {
        product.price = amount;
    }
    if let Some(c) = &args.currency {
        purchase.purchase.currency = c.clone();
    }
    if let Some(e) = &args.email {
        purchase.client.email = e.clone();
    }
    let mut payment = seed_payment();
    let overrides = [
        (&args.card, &mut payment.card_number),
        (&args.expires, &mut payment.expires),
        (&args.cvc, &mut payment.cvc),
        (&args.name, &mut payment.cardholder_name),
        (&args.remote_ip, &mut payment.remote_ip),
    ];
    for (given, field) in overrides {
        if let Some(value) = given {
            *field = value.clone();
        }
    }
    FlowPlan {
        purchase: serde_json::to_value(&purchase).unwrap_or_default(),
        payment: serde_json::to_value(&payment).unwrap_or_default(),
        otp: args.otp.clone(),
        urls,
        fetch_landing: target.is_embedded(),
    }
}

/// A body as JSON when it parses, else as text.
fn body_value(body: &Option<String>) -> Value {
    match body {
        None => Value::Null,
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())),
    }
}

/// `{"kind":"exchange",…}` (bodies already redacted by the client).
pub fn exchange_line(ex: &Exchange) -> Value {
    let mut line = json!({
        "kind": "exchange",
        "method": ex.method,
        "url": ex.url,
        "status": ex.status,
        "latency_ms": (ex.latency_ms * 100.0).round() / 100.0,
        "request": body_value(&ex.request_body),
        "response": body_value(&ex.response_body),
    });
    if let (Some(err), Some(map)) = (&ex.error, line.as_object_mut()) {
        map.insert("error".into(), json!(err));
    }
    line
}

/// `{"kind":"result",…}`.
pub fn result_line(report: &FlowReport) -> Value {
    let error = report.error.as_ref().map(|e| match e {
        crate::api::ApiError::Coded {
            http_status,
            code,
            message,
        } => json!({"http_status": http_status, "code": code, "message": message}),
        crate::api::ApiError::Transport {
            kind,
            http_status,
            detail,
        } => json!({"http_status": http_status, "code": "transport", "kind": kind.label(), "message": detail}),
    });
    json!({
        "kind": "result",
        "purchase_id": report.flow.purchase_id(),
        "status": report.status(),
        "landed": landed_name(report.flow.landed),
        "callback_url": report.flow.callback_url,
        "error": error,
        "webhook": report.webhook,
    })
}
