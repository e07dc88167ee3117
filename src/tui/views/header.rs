//! The two header lines: endpoint, purchase, theme; then the step track.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::flow::machine::Step;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let endpoint = if app.endpoint.embedded {
        Span::styled(format!("● embedded sandbox {}", app.endpoint.base_url), Style::default().fg(t.ok))
    } else {
        Span::styled(
            format!(" ▲ LIVE ENDPOINT {} ", app.endpoint.base_url),
            Style::default().fg(t.background).bg(t.live).add_modifier(Modifier::BOLD),
        )
    };
    let purchase = app.flow.purchase_id().map_or("no purchase yet".to_string(), |id| format!("purchase {id}"));
    let first = Line::from(vec![
        Span::styled(" paysecure-explorer ", Style::default().fg(t.accent).add_modifier(Modifier::BOLD)),
        endpoint,
        Span::raw("   "),
        Span::styled(purchase, Style::default().fg(t.text)),
        Span::raw("   "),
        Span::styled(format!("theme: {}", app.theme.name), Style::default().fg(t.muted)),
    ]);
    let step = app.flow.step;
    let done = |s: Step| match (s, step) {
        (Step::Purchase, Step::Card | Step::Result) | (Step::Card, Step::Result) => true,
        (Step::Result, Step::Result) => app.flow.status.as_ref().is_some_and(|st| st.is_final()),
        _ => false,
    };
    let mark = |s: Step, label: &str| {
        let (sym, style) = if done(s) {
            ("✓", Style::default().fg(t.ok))
        } else if s == step {
            ("●", Style::default().fg(t.accent).add_modifier(Modifier::BOLD))
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
