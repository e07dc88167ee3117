//! The flow map overlay's model side: the current purchase's progress read from the
//! history the pane shows (so a step's row is the one Enter opens), opening and closing
//! the map, and opening a step's row.

use super::app::{App, Level, Overlay};
use super::keys::{Action, Context, label_of};
use crate::flow::progress::{FlowProgress, Known};

/// The current purchase's progress, from the shown history (newest first).
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
    let newest_first = (0..app.history.len()).map_while(|i| app.history.newest(i));
    FlowProgress::of(known, newest_first)
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
            app.overlay = Some(Overlay::Detail {
                index,
                view: Default::default(),
            });
        }
        _ => {
            let title = p.steps.get(selected).map_or("", |s| s.kind.title());
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
