//! `GET /_sandbox/`: a small HTML page for a browser — the purchases with their status, the
//! webhook log, and settle / replay buttons. Plain forms (no JavaScript) posting to
//! [`super::dashboard_forms`]; every value from the store is HTML-escaped.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use super::errors::Coded;
use super::listing::{aged_page, blocking};
use super::pages::escape;
use super::purchase::Status;
use super::state::SandboxState;
use super::store::{Delivery, PageQuery};

/// Rows shown per table: the page stays small however long the sandbox has run.
pub const MAX_ROWS: usize = 200;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#223}\
table{border-collapse:collapse;margin-bottom:2rem}th,td{text-align:left;padding:.25rem .6rem;\
border-bottom:1px solid #dde}code{font-size:.85rem}form{display:inline}button{margin-right:.3rem}\
.note{color:#667;font-size:.85rem}.paid{color:#070}.error,.expired,.cancelled{color:#a00}";

/// The page.
pub async fn page(State(state): State<Arc<SandboxState>>) -> Response {
    let origin = state.origin.clone();
    let read = {
        let state = Arc::clone(&state);
        blocking(move || {
            let page = aged_page(
                &state,
                &PageQuery {
                    limit: MAX_ROWS,
                    before: None,
                },
            )?;
            let log = state
                .store
                .backend()
                .deliveries(MAX_ROWS, None, None)
                .map_err(Coded::from)?;
            let stats = state.store.backend().stats().map_err(Coded::from)?;
            let mut purchase_rows = String::new();
            for p in &page.purchases {
                purchase_row(&mut purchase_rows, &state.form_token, p);
            }
            let mut webhook_rows = String::new();
            for d in log.iter().rev() {
                webhook_row(&mut webhook_rows, &state.form_token, d);
            }
            Ok((
                (stats.purchases, purchase_rows),
                (stats.webhooks_total, webhook_rows),
            ))
        })
        .await
    };
    let (purchases, webhooks) = match read {
        Ok(read) => read,
        Err(e) => return e.into_response(),
    };
    let forward = match &state.forward_to {
        Some(url) => format!(
            "<p>Every webhook is also forwarded to <code>{}</code>.</p>",
            escape(url)
        ),
        None => String::new(),
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>Paysecure sandbox</title><style>{STYLE}</style></head><body>\
         <h1>Paysecure sandbox</h1>\
         <p>API <code>{origin}/api/v1</code> · control plane <code>{origin}/_sandbox</code> · \
         <a href=\"/_sandbox/\">reload</a></p>{forward}\
         <h2 id=\"purchases\">Purchases ({n_purchases})</h2>\
         <table><tr><th>id</th><th>status</th><th>amount</th><th>reference</th><th>actions</th></tr>\
         {purchase_rows}</table>\
         <h2 id=\"webhooks\">Webhook deliveries ({n_webhooks})</h2>\
         <table><tr><th>n</th><th>purchase</th><th>event</th><th>to</th><th>answer</th><th></th></tr>\
         {webhook_rows}</table>\
         <p class=\"note\">Newest first, at most {MAX_ROWS} of each. Settle resolves a purchase \
         waiting in PAYMENT_IN_PROCESS; replay sends a delivery again, signed the same way.</p>\
         </body></html>",
        origin = escape(&origin),
        n_purchases = purchases.0,
        purchase_rows = purchases.1,
        n_webhooks = webhooks.0,
        webhook_rows = webhooks.1,
    );
    let mut resp = Html(body).into_response();
    // The page holds the form token: never cached, never framed by another site.
    let headers = resp.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
    );
    resp
}

/// A hidden field with the form token, and a button posting to `action`.
fn form(out: &mut String, token: &str, action: &str, fields: &[(&str, &str)], label: &str) {
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"token\" value=\"{}\">",
        escape(action),
        escape(token)
    );
    for (name, value) in fields {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        );
    }
    let _ = write!(out, "<button>{}</button></form>", escape(label));
}

fn purchase_row(out: &mut String, token: &str, p: &super::purchase::Purchase) {
    let id = escape(&p.id);
    let status = escape(&p.status.lower());
    let _ = write!(
        out,
        "<tr><td><a href=\"/_sandbox/purchases/{id}\"><code>{id}</code></a></td>\
         <td class=\"{status}\">{}</td><td>{:.2} {}</td><td>{}</td><td>",
        escape(p.status.upper()),
        p.total,
        escape(&p.currency),
        escape(&p.merchant_ref),
    );
    if p.status == Status::PaymentInProcess {
        let action = format!("/_sandbox/ui/settle/{}", p.id);
        form(out, token, &action, &[("status", "paid")], "settle paid");
        form(out, token, &action, &[("status", "error")], "settle error");
    }
    out.push_str("</td></tr>");
}

fn webhook_row(out: &mut String, token: &str, d: &Delivery) {
    let answer = match (d.response_status, &d.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(error)) => error.clone(),
        (None, None) => "—".into(),
    };
    let to = if d.forwarded {
        format!("{} (forwarded)", d.url)
    } else {
        d.url.clone()
    };
    let _ = write!(
        out,
        "<tr><td>{}</td><td><a href=\"/_sandbox/purchases/{id}\"><code>{id}</code></a></td>\
         <td>{}</td><td><code>{}</code></td><td>{}</td><td>",
        d.n,
        escape(&d.status),
        escape(&to),
        escape(&answer),
        id = escape(&d.purchase_id),
    );
    form(
        out,
        token,
        &format!("/_sandbox/ui/replay/{}", d.n),
        &[],
        "replay",
    );
    out.push_str("</td></tr>");
}
