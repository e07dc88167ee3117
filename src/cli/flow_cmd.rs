//! `paysecure-explorer flow`: the three steps headless.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde_json::{Value, json};

use super::context::{Context, Globals};
use super::out;
use super::pending_note::pending_note;
use super::transcript;
use crate::api::exchange::FnRecorder;
use crate::api::{ClientConfig, Exchange, PaysecureClient};
use crate::codegen::{CardData, Lang, RequestModel, request_code};
use crate::flow::diagnosis::SentFacts;
use crate::flow::presets::{default_purchase, seed_payment};
use crate::flow::runner::{self, CapturePlan, FlowPlan, FlowReport, landed_name};
use crate::flow::scenario::{self, Scenario};
use crate::flow::target::Target;
use crate::term_text::{clean, clean_lines};

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
    #[arg(long, value_name = "AMOUNT", value_parser = super::json_amount, allow_negative_numbers = true)]
    pub amount: Option<f64>,
    /// ISO 4217 currency.
    #[arg(long)]
    pub currency: Option<String>,
    /// Customer email (an address at blocked.example is blocked by the sandbox).
    #[arg(long)]
    pub email: Option<String>,
    /// Act as the customer's browser: open the callback URL, answer the challenge with
    /// this OTP, follow the redirect. Without it the flow stops at pending.
    #[arg(long, value_name = "CODE", value_parser = super::non_blank)]
    pub otp: Option<String>,
    /// Pay on the hosted payment page (checkout_url) as the customer's browser instead of
    /// the S2S call: GET the page, POST the card form, then follow the frictionless redirect
    /// or answer the challenge with --otp.
    #[arg(long)]
    pub checkout: bool,
    /// One JSON object per line: each exchange, then the result.
    #[arg(long)]
    pub json: bool,
    /// Per-request timeout in seconds (default 40, or the config file's timeout_s).
    // A negative value is read as one (and refused with the range), not as an unknown option.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// success_redirect (default: the embedded merchant stub).
    #[arg(long)]
    pub success_redirect: Option<String>,
    /// failure_redirect (default: the embedded merchant stub).
    #[arg(long)]
    pub failure_redirect: Option<String>,
    /// Pre-authorise: create the purchase with `skip_capture: true`, so a successful
    /// payment ends PREAUTHORIZED (a hold) instead of PAID.
    #[arg(long)]
    pub skip_capture: bool,
    /// Then capture the hold: all of it, or AMOUNT of it (ends PAID or
    /// PARTIALLY_CAPTURED). Implies --skip-capture.
    #[arg(
        long,
        value_name = "AMOUNT",
        num_args = 0..=1,
        value_parser = super::json_amount,
        allow_negative_numbers = true
    )]
    pub capture: Option<Option<f64>>,
    /// Pay with a saved card: the S2S body carries `token_reference` and the CVC (--cvc)
    /// instead of the card number, expiry and name. A successful run that remembered its
    /// card (the default payload sends remember_card "on") prints the token to use; the
    /// embedded sandbox forgets it when the command ends, so use a served sandbox
    /// (`paysecure-explorer serve`) to reuse one.
    #[arg(
        long,
        value_name = "TOKEN",
        value_parser = super::non_blank,
        conflicts_with_all = ["card", "expires", "name"]
    )]
    pub token: Option<String>,
    /// Start from a saved scenario (shipped ones: happy-3ds, frictionless, blocked-card, …);
    /// the other options override it; `paysecure-explorer scenarios` lists them all.
    #[arg(long, value_name = "NAME", value_parser = ScenarioName, hide_possible_values = true)]
    pub scenario: Option<String>,
    /// Send nothing: print the create-purchase request this run would send as code in
    /// LANG (curl, python, node, php, java, go, csharp), the key read from $PAYSECURE_API_KEY.
    #[arg(long, value_name = "LANG")]
    pub print_code: Option<String>,
}

/// `--print-code LANG`: the create purchase as code, nothing sent. The embedded sandbox
/// ends with this command, so its URL is only an example (said on stderr).
fn print_create_code(lang: Lang, target: &Target, plan: &FlowPlan) -> i32 {
    if target.is_embedded() {
        out::error(
            "note: the embedded sandbox stops with this command; point the code at `paysecure-explorer serve` or a profile (--profile, PAYSECURE_BASE_URL)",
        );
    }
    let model = RequestModel::api(
        "POST",
        &target.base_url,
        "/purchases/",
        Some(plan.purchase.clone()),
        CardData::Masked,
        std::slice::from_ref(&target.api_key),
    )
    .expecting(202);
    out::line(request_code(lang, &model).trim_end());
    0
}

/// `--scenario`'s parser: any name is accepted here (saved ones too; `scenario::load`
/// checks it), but the shipped names are offered as possible values so the generated shell
/// completions list them.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioName;

impl clap::builder::TypedValueParser for ScenarioName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            scenario::SHIPPED
                .iter()
                .map(|(name, _)| clap::builder::PossibleValue::new(*name)),
        ))
    }
}

/// Runs `flow`; returns the exit code.
pub async fn run(args: FlowArgs, ctx: Context, globals: &Globals) -> i32 {
    let timeout = args.timeout.or(ctx.config.timeout_s).unwrap_or(40.0);
    if !super::valid_timeout(timeout) {
        out::error(&format!(
            "paysecure-explorer flow: the timeout (--timeout, or timeout_s in the config file) must be {} (got {timeout})",
            super::TIMEOUT_RANGE,
        ));
        return 2;
    }
    for w in &ctx.warnings {
        out::error(&format!("warning: {w}"));
    }
    let scenario = match &args.scenario {
        Some(name) => match scenario::load(name, scenario::user_dir().as_deref()) {
            Ok(s) => Some(s),
            Err(e) => {
                out::error(&format!("paysecure-explorer flow: {e}"));
                return 2;
            }
        },
        None => None,
    };
    let print_code = match args.print_code.as_deref().map(Lang::parse) {
        None => None,
        Some(Some(lang)) => Some(lang),
        Some(None) => {
            out::error(&format!(
                "paysecure-explorer flow: --print-code takes one of {}",
                Lang::names()
            ));
            return 2;
        }
    };
    let target = match Target::select_in(
        globals.profile.as_deref(),
        &ctx.config,
        ctx.data_dir.as_deref(),
    )
    .await
    {
        Ok(t) => t,
        Err(e) => {
            out::error(&format!("paysecure-explorer flow: {e}"));
            return 2;
        }
    };
    // The embedded sandbox's state fell back to a private one (a file in the data dir's
    // place, another explorer holding it): the run goes on, but not silently.
    if let Some(sandbox) = &target.sandbox {
        for note in &sandbox.state_notes {
            out::error(&format!("warning: {note}"));
        }
    }
    if let Some(lang) = print_code {
        let code = print_create_code(lang, &target, &plan(&args, &target, scenario.as_ref()));
        if let Some(sandbox) = &target.sandbox {
            sandbox.shutdown().await;
        }
        return code;
    }
    let json_mode = args.json;
    let sink = ctx.sink.clone();
    let step_names = std::sync::Mutex::new(transcript::StepNames::default());
    let recorder = FnRecorder(move |ex: &Exchange| {
        if let Some(sink) = &sink {
            sink.append(ex);
        }
        // Printing stops quietly if the reader goes away; the run and its history go on.
        out::line(&if json_mode {
            exchange_line(ex).to_string()
        } else {
            let mut names = step_names.lock().unwrap_or_else(|p| p.into_inner());
            clean(&names.line(ex))
        });
    });
    let client = match PaysecureClient::new(ClientConfig {
        base_url: target.base_url.clone(),
        api_key: target.api_key.clone(),
        timeout: Duration::from_secs_f64(timeout),
        max_body_bytes: ctx.config.max_body_bytes(),
    }) {
        Ok(c) => c.with_recorder(Arc::new(recorder)),
        Err(e) => {
            out::error(&format!("paysecure-explorer flow: {e}"));
            return 2;
        }
    };
    if !json_mode {
        out::line(&clean_lines(&transcript::header(&target)));
    }
    let plan = plan(&args, &target, scenario.as_ref());
    let merchant = target
        .sandbox
        .as_ref()
        .map(|s| s as &dyn crate::api::MerchantEventSource);
    let report = runner::run(&client, &plan, merchant).await;
    if let (Some(sandbox), Some(sink)) = (&target.sandbox, &ctx.sink) {
        // The merchant stub's side (webhooks, landings) belongs in history too.
        let id = report.flow.purchase_id();
        crate::history::merchant::record(&sandbox.merchant_events(), id, sink);
    }
    let note = pending_note(&report, target.is_embedded());
    if json_mode {
        out::line(&result_line(&report, note.as_deref()).to_string());
    } else {
        // The failing call's body: the payment once a purchase exists, else the create.
        let sent = SentFacts::of(if report.flow.purchase.is_some() {
            &plan.payment
        } else {
            &plan.purchase
        });
        out::text(&clean_lines(&transcript::summary(
            &report,
            note.as_deref(),
            Some(&sent),
            target.is_local(),
            target.sandbox.is_some(),
        )));
    }
    // A history that failed during the run; one that could not open was said at the start.
    if let Some(e) = ctx.sink.as_ref().and_then(|s| s.last_error())
        && !ctx.warnings.contains(&e)
    {
        out::error(&format!("warning: {e}"));
    }
    if let Some(sandbox) = &target.sandbox {
        sandbox.shutdown().await;
    }
    report.exit_code()
}

/// The request bodies: defaults, then the scenario's overrides, then explicit options.
pub fn plan(args: &FlowArgs, target: &Target, scenario: Option<&Scenario>) -> FlowPlan {
    let mut urls = target.default_urls();
    if let Some(u) = &args.success_redirect {
        urls.success_redirect = u.clone();
    }
    if let Some(u) = &args.failure_redirect {
        urls.failure_redirect = u.clone();
    }
    let mut purchase =
        serde_json::to_value(default_purchase(&target.brand_id, &urls)).unwrap_or_default();
    let mut payment = serde_json::to_value(seed_payment()).unwrap_or_default();
    if let Some(s) = scenario {
        scenario::apply(&mut purchase, &s.purchase);
        scenario::apply(&mut payment, &s.payment);
    }
    let set = |body: &mut Value, pointer: &str, value: Option<Value>| {
        if let (Some(v), Some(slot)) = (value, body.pointer_mut(pointer)) {
            *slot = v;
        }
    };
    set(
        &mut purchase,
        "/purchase/products/0/price",
        args.amount.map(|a| json!(a)),
    );
    set(
        &mut purchase,
        "/purchase/currency",
        args.currency.clone().map(Value::String),
    );
    set(
        &mut purchase,
        "/client/email",
        args.email.clone().map(Value::String),
    );
    let card_options = [
        ("card_number", &args.card),
        ("expires", &args.expires),
        ("cvc", &args.cvc),
        ("cardholder_name", &args.name),
        ("remote_ip", &args.remote_ip),
    ];
    for (field, given) in card_options {
        if let (Some(v), Some(map)) = (given, payment.as_object_mut()) {
            map.insert(field.into(), Value::String(v.clone()));
        }
    }
    let capture = args.capture.map(|amount| match amount {
        Some(a) => CapturePlan::Amount(a),
        None => CapturePlan::Full,
    });
    if (args.skip_capture || capture.is_some())
        && let Some(map) = purchase.as_object_mut()
    {
        map.insert("skip_capture".into(), Value::Bool(true));
    }
    if let (Some(token), Some(map)) = (&args.token, payment.as_object_mut()) {
        // A saved card stands in for the card fields; only the CVC is asked again.
        for field in ["card_number", "expires", "cardholder_name", "remember_card"] {
            map.remove(field);
        }
        map.insert("token_reference".into(), Value::String(token.clone()));
    }
    FlowPlan {
        capture,
        purchase,
        payment,
        otp: args
            .otp
            .clone()
            .or_else(|| scenario.and_then(|s| s.otp.clone())),
        urls,
        fetch_landing: target.is_embedded(),
        checkout: args.checkout,
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

/// `{"kind":"result",…}`; `note` says what to do about a run stopped at pending.
pub fn result_line(report: &FlowReport, note: Option<&str>) -> Value {
    let error = report.error.as_ref().map(|e| {
        let mut error = match e {
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
        };
        // The payment went through; it is the capture of its hold that failed.
        if let (true, Some(map)) = (report.capture_refused, error.as_object_mut()) {
            map.insert("call".into(), json!("capture"));
        }
        error
    });
    let purchase_field = |key: &str| report.purchase_field(key).unwrap_or(Value::Null);
    json!({
        "kind": "result",
        "purchase_id": report.flow.purchase_id(),
        "status": report.status(),
        "token_reference": purchase_field("token_reference"),
        "captured_amount": purchase_field("captured_amount"),
        "landed": landed_name(report.flow.landed),
        "callback_url": report.flow.callback_url,
        "callback_not_opened": report.callback_not_opened,
        "error": error,
        "webhook": report.webhook,
        "note": note,
    })
}
