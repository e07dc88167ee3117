//! The two header lines: endpoint, purchase, theme; then the step track.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::PurchaseStatus;
use crate::flow::machine::Step;
use crate::tui::app::App;
use crate::tui::sanitize::clean;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    // Narrow terminals show the endpoint's host only.
    let url = if area.width < super::super::layout::WIDE {
        let bare = app
            .endpoint
            .base_url
            .split("://")
            .nth(1)
            .unwrap_or(&app.endpoint.base_url);
        bare.split('/').next().unwrap_or(bare).to_string()
    } else {
        app.endpoint.base_url.clone()
    };
    let banner = &app.endpoint.banner;
    // What does not fit beside the name is cut with "…", never mid-number unmarked.
    let room = (area.width as usize).saturating_sub(" paysecure-explorer ".len());
    let url = clean(&url);
    let endpoint = if !banner.loud {
        Span::styled(
            super::fit(&format!("● {} {url}", banner.text), room),
            Style::default().fg(t.ok),
        )
    } else {
        Span::styled(
            super::fit(&format!(" ▲ {} {url} ", banner.text), room),
            Style::default()
                .fg(t.background)
                .bg(t.live)
                .add_modifier(Modifier::BOLD),
        )
    };
    // Narrow terminals: the purchase id is shortened first, then the theme name dropped.
    let width = area.width as usize;
    let fixed = 20 + crate::tui::columns::width(&endpoint.content);
    let theme_text = format!("   theme: {}", app.theme.name);
    let purchase = |short: bool| match app.flow.purchase_id() {
        Some(id) if short => format!("   purchase {}", super::short_id(&clean(id))),
        Some(id) => format!("   purchase {}", clean(id)),
        None => "   no purchase yet".to_string(),
    };
    let (purchase, theme_text) = if fixed
        + crate::tui::columns::width(&purchase(false))
        + crate::tui::columns::width(&theme_text)
        <= width
    {
        (purchase(false), theme_text)
    } else if fixed
        + crate::tui::columns::width(&purchase(true))
        + crate::tui::columns::width(&theme_text)
        <= width
    {
        (purchase(true), theme_text)
    } else {
        // Still too wide: cut with "…" where there is room for some of the id, else left
        // out (the result pane names the purchase); never clipped mid-word unmarked.
        let room = width.saturating_sub(fixed);
        let short = purchase(true);
        // `fit` leaves what fits as it is.
        let shown = if room >= crate::tui::columns::width("   purchase 6b05…") {
            super::fit(&short, room)
        } else {
            String::new()
        };
        (shown, String::new())
    };
    let first = Line::from(vec![
        Span::styled(
            " paysecure-explorer ",
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ),
        endpoint,
        Span::styled(purchase, Style::default().fg(t.text)),
        Span::styled(theme_text, Style::default().fg(t.muted)),
    ]);
    let step = app.flow.step;
    let done = |s: Step| match (s, step) {
        (Step::Purchase, Step::Card | Step::Result) | (Step::Card, Step::Result) => true,
        (Step::Result, Step::Result) => app.flow.status.as_ref().is_some_and(|st| st.is_final()),
        _ => false,
    };
    // A payment that ended refused, expired or cancelled is a finished step, but not a
    // ✓: a tick beside ERROR read as success.
    let ended_unpaid = app
        .flow
        .status
        .as_ref()
        .is_some_and(PurchaseStatus::ended_unpaid);
    // A create that failed leaves the flow at step ①, its error on the result pane: the
    // step itself is marked as failed, not as the one being filled in.
    let failed = |s: Step| {
        (s == Step::Result && step == Step::Result && ended_unpaid)
            || (s == step
                && s == Step::Purchase
                && app.flow.purchase.is_none()
                && !app.requests.step_in_flight()
                && matches!(
                    app.flow.outcome,
                    Some(
                        crate::flow::machine::Outcome::Coded(_)
                            | crate::flow::machine::Outcome::Transport(_)
                    )
                ))
    };
    let mark = |s: Step, label: &str| {
        let (sym, style) = if failed(s) {
            (
                "✘",
                Style::default().fg(t.error).add_modifier(Modifier::BOLD),
            )
        } else if done(s) {
            ("✓", Style::default().fg(t.ok))
        } else if s == step {
            (
                "●",
                Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
            )
        } else {
            ("○", Style::default().fg(t.muted))
        };
        Span::styled(format!("{label} {sym}"), style)
    };
    let second = Line::from(vec![
        Span::raw(" "),
        mark(Step::Purchase, "① Purchase"),
        Span::styled(" ── ", Style::default().fg(t.muted)),
        mark(Step::Card, "② Card & device"),
        Span::styled(" ── ", Style::default().fg(t.muted)),
        mark(Step::Result, "③ Result"),
    ]);
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}

#[cfg(test)]
mod tests {
    use crate::tui::fixture;

    /// A payment that ended in ERROR is a finished step marked ✘, not a tick.
    #[test]
    fn a_refused_payment_is_no_tick_on_the_result_step() {
        let screen = fixture::screen(&fixture::challenge_failed(120, 40));
        assert!(screen.contains("③ Result ✘"), "{screen}");
        let screen = fixture::screen(&fixture::frictionless_paid(120, 40));
        assert!(screen.contains("③ Result ✓"), "{screen}");
    }
}
