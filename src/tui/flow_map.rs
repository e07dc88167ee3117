//! The flow map overlay's model side: the current purchase's progress read from all of
//! this session's rows (a history filter must not change what the map says happened),
//! each step's row mapped to the row the pane shows (the one Enter opens) or marked hidden
//! by the filter; opening and closing the map, and opening a step's row.

use super::app::{App, Level, Overlay};
use super::keys::{Action, Context, label_of};
use crate::flow::progress::{FlowProgress, Known};

/// The current purchase's progress, from every row of this session (newest first), its
/// rows counted as the pane shows them.
pub fn progress(app: &App) -> FlowProgress {
    let status = app
        .flow
        .status
        .as_ref()
        .map(|s| s.as_lower())
        .or_else(|| app.flow.purchase.as_ref().map(|p| p.status.clone()));
    let known = Known {
        purchase_id: app.flow.purchase_id(),
        status: status.as_deref(),
        create_failed: app.flow.purchase.is_none() && app.flow.outcome.is_some(),
    };
    let history = &app.history;
    let newest_first = (0..history.session_total()).map_while(|i| history.session_newest(i));
    let mut progress = FlowProgress::of(known, newest_first);
    for step in &mut progress.steps {
        if let Some(row) = step.row {
            step.row = history.shown_index_of(row);
            step.hidden = step.row.is_none();
        }
    }
    progress
}

/// Opens the map on the current step (or the last one reached), or closes it.
pub fn toggle(app: &mut App) {
    if matches!(app.overlay, Some(Overlay::FlowMap { .. })) {
        app.overlay = None;
        return;
    }
    let p = progress(app);
    let selected = p
        .current()
        .or_else(|| p.steps.iter().rposition(|s| s.row.is_some()))
        .unwrap_or(0);
    app.overlay = Some(Overlay::FlowMap { selected });
}

/// Enter on a step: its history row's detail, or a notice when it has none.
pub fn open_row(app: &mut App, selected: usize) {
    let p = progress(app);
    match p.steps.get(selected).and_then(|s| s.row.map(|r| (s, r))) {
        Some((_, index)) if app.history.newest(index).is_some() => {
            app.flow_map_return = Some(selected);
            app.overlay = Some(Overlay::Detail {
                index,
                view: Default::default(),
            });
        }
        _ => {
            let title = p.steps.get(selected).map_or("", |s| s.kind.title());
            let hidden = p.steps.get(selected).is_some_and(|s| s.hidden);
            if let (true, Some(filter)) = (hidden, app.history.filter_text()) {
                app.notice = Some((
                    Level::Info,
                    format!(
                        "\"{title}\"'s history row is hidden by the filter \"{}\"; {} closes the map, then {} with an empty text clears the filter.",
                        crate::term_text::clean(filter),
                        label_of(Action::Close, Context::FlowMap),
                        label_of(Action::Filter, Context::History)
                    ),
                ));
                return;
            }
            app.notice = Some((
                Level::Info,
                format!(
                    "\"{title}\" has no history row yet; {} closes the map.",
                    label_of(Action::Close, Context::FlowMap)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ExchangeKind;
    use crate::flow::progress::{StepKind, StepState};
    use crate::tui::app::Msg;
    use crate::tui::fixture;
    use crate::tui::update::update;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn press(app: &mut App, code: KeyCode) {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn selected(app: &App) -> Option<usize> {
        match app.overlay {
            Some(Overlay::FlowMap { selected }) => Some(selected),
            _ => None,
        }
    }

    #[test]
    fn the_key_opens_the_map_on_the_current_step_and_closes_it() {
        let mut app = fixture::pending(120, 40);
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
        );
        assert_eq!(
            selected(&app),
            Some(3),
            "browser opens it: the current step"
        );
        press(&mut app, KeyCode::Char('m'));
        assert_eq!(app.overlay, None);
    }

    #[test]
    fn enter_opens_the_steps_own_history_row() {
        let mut app = fixture::with_flow_map(fixture::frictionless_paid(120, 40));
        // Up to the S2S step.
        while selected(&app) != Some(1) {
            press(&mut app, KeyCode::Up);
        }
        press(&mut app, KeyCode::Enter);
        let Some(Overlay::Detail { index, .. }) = app.overlay else {
            panic!("no detail: {:?}", app.overlay)
        };
        let ex = app.history.newest(index).expect("row");
        assert!(ex.url.ends_with("?s2s=true"), "{}", ex.url);
        // Esc goes back to the map, on the same arrow; from there Esc closes it.
        press(&mut app, KeyCode::Esc);
        assert_eq!(selected(&app), Some(1));
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.overlay, None);
    }

    #[test]
    fn a_detail_opened_from_history_goes_back_to_history() {
        let mut app = fixture::with_flow_map(fixture::frictionless_paid(120, 40));
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Esc);
        app.pane = crate::tui::app::Pane::History;
        press(&mut app, KeyCode::Enter);
        assert!(matches!(app.overlay, Some(Overlay::Detail { .. })));
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.overlay, None);
    }

    #[test]
    fn enter_on_a_step_with_no_row_says_so() {
        let mut app = fixture::with_flow_map(fixture::pending(120, 40));
        press(&mut app, KeyCode::Enter);
        assert_eq!(selected(&app), Some(3), "the map stays");
        let notice = app.notice.as_ref().map(|(_, n)| n.as_str()).unwrap_or("");
        assert!(notice.contains("no history row yet"), "{notice}");
    }

    #[test]
    fn the_map_follows_exchanges_as_they_arrive() {
        let mut app = fixture::with_flow_map(fixture::pending(120, 40));
        assert_eq!(
            progress(&app).state_of(StepKind::BrowserOpens),
            StepState::Current
        );
        let mut opened = fixture::exchange(
            "GET",
            &format!("/payment/{}/", fixture::PURCHASE_ID),
            200,
            7000,
            "<html>challenge</html>",
        );
        opened.kind = ExchangeKind::Browser;
        update(&mut app, Msg::Exchange(Box::new(opened)));
        let p = progress(&app);
        assert_eq!(p.state_of(StepKind::BrowserOpens), StepState::Done);
        assert_eq!(p.state_of(StepKind::Frictionless), StepState::Skipped);
        assert_eq!(p.state_of(StepKind::Challenge), StepState::Current);
    }

    #[test]
    fn a_filter_hides_rows_but_not_what_happened() {
        let mut app = fixture::frictionless_paid(120, 40);
        let before: Vec<StepState> = progress(&app).steps.iter().map(|s| s.state).collect();
        app.history.set_filter("/webhook");
        let p = progress(&app);
        let after: Vec<StepState> = p.steps.iter().map(|s| s.state).collect();
        assert_eq!(before, after, "the filter changed what the map says");
        assert_eq!(p.state_of(StepKind::Create), StepState::Done);
        let create = &p.steps[0];
        assert!(create.hidden && create.row.is_none(), "{create:?}");
        // The webhook's row is the one the filtered pane shows.
        let webhook = p.steps.iter().find(|s| s.kind == StepKind::Webhook);
        let row = webhook.and_then(|s| s.row).expect("webhook row shown");
        let shown = app.history.newest(row).expect("shown row");
        assert_eq!(shown.kind, ExchangeKind::Webhook);
        // Enter on the hidden create step says why, and how to clear it.
        app.overlay = Some(Overlay::FlowMap { selected: 0 });
        press(&mut app, KeyCode::Enter);
        assert_eq!(selected(&app), Some(0), "the map stays");
        let notice = app.notice.as_ref().map(|(_, n)| n.as_str()).unwrap_or("");
        assert!(
            notice.contains("hidden by the filter \"/webhook\""),
            "{notice}"
        );
        assert!(
            notice.contains(&label_of(Action::Filter, Context::History)),
            "{notice}"
        );
    }

    /// A detail opened from the map goes back to it on Esc, and what the detail said (a
    /// key that works elsewhere, here) goes with it instead of standing over the map.
    #[test]
    fn what_a_detail_said_does_not_outlive_it_on_the_map() {
        let mut app = fixture::frictionless_paid(120, 40);
        app.overlay = Some(Overlay::FlowMap { selected: 0 });
        press(&mut app, KeyCode::Enter);
        assert!(
            matches!(app.overlay, Some(Overlay::Detail { .. })),
            "{:?}",
            app.overlay
        );
        press(&mut app, KeyCode::BackTab);
        assert!(
            app.notice.is_some(),
            "the detail says where Shift+Tab works"
        );
        press(&mut app, KeyCode::Esc);
        assert_eq!(selected(&app), Some(0), "back on the map, same arrow");
        assert_eq!(app.notice, None, "the detail's notice closed with it");
    }

    #[test]
    fn a_refused_card_shows_on_the_s2s_arrow() {
        let app = fixture::blocked(120, 40);
        let p = progress(&app);
        assert_eq!(p.state_of(StepKind::S2s), StepState::Failed);
        assert_eq!(p.state_of(StepKind::Webhook), StepState::Skipped);
    }
}
