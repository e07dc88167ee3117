//! The session's own things: theme switching, HAR export, loaded scenarios.

use super::*;

pub(in crate::tui) fn next_theme(app: &mut App) {
    let names = &app.theme_names;
    let i = names
        .iter()
        .position(|n| *n == app.theme.name)
        .map_or(0, |i| (i + 1) % names.len().max(1));
    let Some(name) = names.get(i).cloned() else {
        return;
    };
    match theme::load(&name, theme::user_theme_dir().as_deref()) {
        Ok(t) => {
            app.theme = t;
            app.notice = Some((Level::Info, format!("Theme: {name}")));
        }
        Err(e) => app.notice = Some((Level::Warn, e)),
    }
}

/// `x` in history: the shown rows (all, or the filter's) as a HAR file in the data dir.
pub(super) fn export(app: &mut App) -> Vec<Effect> {
    let Some(dir) = app.export_dir.clone() else {
        app.notice = Some((
            Level::Warn,
            "No data directory to export into (set --data-dir).".into(),
        ));
        return vec![];
    };
    if app.history.is_empty() {
        app.notice = Some((
            Level::Warn,
            "Nothing to export: the history shown is empty.".into(),
        ));
        return vec![];
    }
    let stamp =
        crate::history::har::iso8601(crate::clock::now_epoch_millis()).replace([':', '.'], "-");
    let scope = app
        .history
        .filter_text()
        .map(|f| {
            f.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(24)
                .collect::<String>()
        })
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "session".into());
    let path = dir.join(format!("paysecure-{scope}-{stamp}.har"));
    let export = app.history.export();
    vec![Effect::ExportHar { path, export }]
}

/// Fills both forms from a scenario (defaults, then its overrides) and starts over at ①.
pub(super) fn load_scenario(
    app: &mut App,
    name: &str,
    scenario: &crate::flow::scenario::Scenario,
) -> Vec<Effect> {
    use crate::flow::presets::{default_purchase, seed_payment};
    use crate::flow::scenario::apply;
    let mut purchase =
        serde_json::to_value(default_purchase(&app.brand_id, &app.urls)).unwrap_or_default();
    apply(&mut purchase, &scenario.purchase);
    let mut payment = serde_json::to_value(seed_payment()).unwrap_or_default();
    apply(&mut payment, &scenario.payment);
    match (
        serde_json::from_value(purchase),
        serde_json::from_value(payment),
    ) {
        (Ok(p), Ok(c)) => {
            let effects = leave_purchase(app);
            app.purchase_form = step_forms::purchase_form(&p);
            app.card_form = step_forms::card_form(&c);
            app.pane = Pane::Step;
            // A frictionless card is never challenged: an OTP the scenario carries is
            // then not mentioned (it said "answer the challenge" for a card with none).
            let frictionless = crate::paysecure::test_cards::is_frictionless(&c.card_number);
            let otp = scenario
                .otp
                .as_deref()
                .filter(|_| !frictionless)
                .map(|o| format!(" — answer the challenge with {o}"))
                .unwrap_or_default();
            app.notice = Some((
                Level::Info,
                format!(
                    "Scenario {name}: {}{otp}. {} to start.",
                    scenario.description,
                    label_of(Action::Send, Context::PurchaseForm)
                ),
            ));
            effects
        }
        (Err(e), _) | (_, Err(e)) => {
            app.notice = Some((
                Level::Error,
                format!("Scenario {name} does not fit the forms: {e}"),
            ));
            vec![]
        }
    }
}
