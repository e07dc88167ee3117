//! Events that arrive unasked: exchanges recorded by the client, and what the merchant
//! stub saw (webhooks, landings).

use super::*;

/// A new exchange for the pane. The status GETs of a follow-up fold into one row that
/// counts them, so a five-minute follow-up does not push everything else away. `seq` is
/// the row the exchange was stored as in the history database, when it was.
pub(super) fn on_exchange(app: &mut App, exchange: Exchange, seq: Option<i64>) {
    keeping_the_open_detail(app, |app| add_row(app, exchange, seq));
}

/// Runs `add`, which puts rows on top of the history; an open detail counts its row from
/// the newest, so it is moved down with them and keeps showing the same exchange.
fn keeping_the_open_detail(app: &mut App, add: impl FnOnce(&mut App)) {
    let before = app.history.top_moves();
    add(app);
    let moved = app.history.top_moves().wrapping_sub(before) as isize;
    if let Some(Overlay::Detail { index, .. }) = &mut app.overlay {
        *index = index.saturating_add_signed(moved);
    }
}

fn add_row(app: &mut App, exchange: Exchange, seq: Option<i64>) {
    // A resend's answer is its own row, even when it is a GET of the same URL.
    let following = app
        .requests
        .find(|p| matches!(p, Purpose::Follow(_)))
        .filter(|_| app.requests.find(|p| p == Purpose::Resend).is_none())
        .cloned();
    let status_url = app
        .flow
        .purchase_id()
        .map(|id| format!("{}/purchases/{id}/", app.endpoint.base_url));
    match (following, status_url) {
        (Some(follow), Some(url))
            if exchange.kind == ExchangeKind::Api
                && exchange.method == "GET"
                && exchange.url == url =>
        {
            let left = follow.limit.saturating_sub(follow.started.elapsed());
            app.history
                .fold_poll(exchange, seq, &human(left, false), &app.local_time);
        }
        _ => app.history.push_stored(exchange, seq),
    }
}

pub(super) fn on_merchant(app: &mut App, event: MerchantEvent, seq: Option<i64>) -> Vec<Effect> {
    let mine = event.purchase_id().is_some() && event.purchase_id() == app.flow.purchase_id();
    if let (
        true,
        MerchantEvent::Webhook {
            status,
            signature_valid,
            ..
        },
    ) = (mine, &event)
    {
        app.webhook = Some(WebhookSeen {
            status: status.clone(),
            signature_valid: *signature_valid,
        });
    }
    // A webhook arrives while its resent cause is open in the detail, for one.
    keeping_the_open_detail(app, |app| {
        app.history
            .push_stored(crate::history::merchant::to_exchange(&event), seq);
    });
    // A webhook or landing says the purchase moved: read its status, so the headline
    // never contradicts the webhook line.
    let checking = app
        .requests
        .find(|p| matches!(p, Purpose::Check(_) | Purpose::Follow(_)))
        .is_some();
    if mine && !checking {
        check_status(app, CheckReason::Refresh)
    } else {
        vec![]
    }
}
