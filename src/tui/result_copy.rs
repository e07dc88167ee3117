//! What `y` copies on the result screen: the callback URL while the purchase waits for
//! the browser step, the settle command while a local sandbox holds it in process. The
//! screen shows both, cut with `…` when wider than the pane; this is the whole text.

use super::app::{App, Effect, Level};
use crate::api::PurchaseStatus;
use crate::flow::machine::Outcome;

/// The `curl` that settles a PAYMENT_IN_PROCESS purchase on a sandbox of this machine.
pub fn settle_curl(app: &App) -> Option<String> {
    let status = match &app.flow.outcome {
        Some(Outcome::Settled { status }) => app.flow.status.as_ref().unwrap_or(status),
        _ => return None,
    };
    if *status != PurchaseStatus::PaymentInProcess || !app.endpoint.local {
        return None;
    }
    let id = app.flow.purchase_id()?;
    let origin = app
        .endpoint
        .base_url
        .trim_end_matches('/')
        .trim_end_matches("/api/v1");
    Some(format!(
        "curl -X POST {origin}/_sandbox/purchases/{id}/settle -H 'content-type: application/json' -d '{{\"status\":\"paid\"}}'"
    ))
}

/// What `y` copies now, and how to name it.
pub fn shown(app: &App) -> Option<(&'static str, String)> {
    match &app.flow.outcome {
        Some(Outcome::Pending { callback_url }) => Some(("the callback URL", callback_url.clone())),
        _ => settle_curl(app).map(|c| ("the settle command", c)),
    }
}

/// `y` on the result screen.
pub fn copy(app: &mut App) -> Vec<Effect> {
    match shown(app) {
        Some((what, text)) => {
            app.notice = Some((Level::Info, format!("Copied {what} (OSC 52).")));
            vec![Effect::Copy(crate::term_text::clean(&text))]
        }
        None => {
            app.notice = Some((
                Level::Info,
                format!(
                    "Nothing to copy here: {} copies a callback URL or a settle command when one is shown.",
                    super::keys::label_of(
                        super::keys::Action::CopyValue,
                        super::keys::Context::Result
                    )
                ),
            ));
            vec![]
        }
    }
}
