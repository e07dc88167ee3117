//! Choosing in overlays (cards, devices, filter, scenarios, OTP, panel) and moving in
//! lists.

use super::*;

pub(super) fn select(app: &mut App, context: Context) -> Vec<Effect> {
    match (context, app.overlay.clone()) {
        (_, Some(Overlay::Panel)) if app.panel.tab == crate::tui::panel::Tab::Purchases => {
            crate::tui::levers::open_selected(app)
        }
        (_, Some(Overlay::Panel)) => {
            // Not silently: the key is only for the purchase list.
            app.notice = Some((
                Level::Info,
                "Enter opens a purchase on the Purchases tab (Tab switches tabs).".into(),
            ));
            vec![]
        }
        (_, Some(Overlay::Input { what, input })) => {
            crate::tui::levers::on_input(app, what, input.value())
        }
        (Context::History, _) if !app.history.is_empty() => {
            app.flow_map_return = None;
            app.overlay = Some(Overlay::Detail {
                index: app.history.selected,
                view: Default::default(),
            });
            vec![]
        }
        (_, Some(Overlay::Cards(picker))) => {
            crate::tui::card_picker::choose(app, &picker);
            vec![]
        }
        (_, Some(Overlay::Devices { selected })) => {
            if let Some(preset) = DEVICE_PRESETS.get(selected) {
                step_forms::apply_device(&mut app.card_form, preset);
                app.send_anyway = false;
                app.notice = Some((Level::Info, format!("Device preset: {}", preset.name)));
            }
            app.overlay = None;
            vec![]
        }
        (_, Some(Overlay::Filter { input, .. })) => {
            app.overlay = None;
            app.history.set_filter(input.value());
            app.pane = Pane::History;
            app.notice = Some((
                Level::Info,
                match app.history.filter_text() {
                    Some(f) => format!(
                        "History filtered by \"{f}\": {} of {} rows ({} then {} on an empty filter clears it)",
                        app.history.len(),
                        app.history.total(),
                        label_of(Action::Filter, Context::History),
                        label_of(Action::Select, Context::Prompt)
                    ),
                    None => "History filter cleared.".into(),
                },
            ));
            vec![]
        }
        (_, Some(Overlay::Scenarios { selected })) => {
            app.overlay = None;
            match app.scenario_names.get(selected) {
                Some(name) => vec![Effect::LoadScenario(name.clone())],
                None => vec![],
            }
        }
        (_, Some(Overlay::SaveScenario { input })) => {
            app.overlay = None;
            let name = input.value().trim().to_string();
            if !crate::flow::scenario::valid_name(&name) {
                app.notice = Some((
                    Level::Warn,
                    "A scenario name is letters, digits, - and _.".into(),
                ));
                return vec![];
            }
            // Saving over a scenario that exists asks first: a saved file hides a shipped
            // scenario of its name from `flow --scenario`, and replaces a saved one.
            if app.scenario_names.contains(&name)
                && app.save_over_armed.take() != Some(name.clone())
            {
                let shipped = crate::flow::scenario::SHIPPED
                    .iter()
                    .any(|(shipped, _)| *shipped == name);
                let what = if shipped {
                    "is a shipped scenario: your file would be the one `flow --scenario` loads (the shipped one stays in the binary)"
                } else {
                    "is saved already: its file would be replaced"
                };
                app.notice = Some((
                    Level::Warn,
                    format!(
                        "\"{name}\" {what}. {} again saves over it; another name saves beside it.",
                        label_of(Action::Select, Context::Prompt)
                    ),
                ));
                app.save_over_armed = Some(name.clone());
                app.overlay = Some(Overlay::SaveScenario {
                    input: crate::tui::text_input::TextInput::new(name),
                });
                return vec![];
            }
            app.save_over_armed = None;
            let scenario = crate::flow::scenario::from_bodies(
                &format!("Saved from the explorer as {name}"),
                &app.purchase_form.to_json(),
                &app.card_form.to_json(),
            );
            if !app.scenario_names.contains(&name) {
                app.scenario_names.push(name.clone());
            }
            if !app.saved_scenarios.contains(&name) {
                app.saved_scenarios.push(name.clone());
            }
            vec![Effect::SaveScenario { name, scenario }]
        }
        (_, Some(Overlay::Otp { input, form_url })) => {
            if input.value().trim().is_empty() {
                app.notice = Some((
                    Level::Warn,
                    format!(
                        "Type the one-time code first (the sandbox's is 123456); {} leaves the challenge unanswered.",
                        label_of(Action::Close, Context::Prompt)
                    ),
                ));
                return vec![];
            }
            app.overlay = None;
            app.notice = None;
            vec![start(
                app,
                Purpose::Challenge,
                Call::AnswerChallenge {
                    form_url,
                    otp: input.value().to_string(),
                },
            )]
        }
        (_, Some(Overlay::Detail { .. })) => {
            crate::tui::detail::submit_search(app);
            vec![]
        }
        (_, Some(Overlay::FlowMap { selected })) => {
            crate::tui::flow_map::open_row(app, selected);
            vec![]
        }
        (_, Some(Overlay::Code(_))) => crate::tui::code_view::choose(app),
        _ => vec![],
    }
}

pub(super) fn move_in_list(app: &mut App, action: Action) {
    let height = history_height(app);
    // A page is what the list on screen shows: the help's own rows, not the history's.
    let page = match app.overlay {
        Some(Overlay::Help { .. }) => crate::tui::views::help_rows(app).saturating_sub(1),
        _ => height,
    }
    .max(1) as isize;
    let delta: isize = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        _ => page,
    };
    let help_end = match app.overlay {
        Some(Overlay::Help { .. }) => crate::tui::views::help_max_scroll(app) as isize,
        _ => 0,
    };
    match &mut app.overlay {
        Some(Overlay::Cards(picker)) => picker.move_by(delta),
        Some(Overlay::Devices { selected }) => {
            *selected = step(*selected, delta, DEVICE_PRESETS.len())
        }
        Some(Overlay::Detail { .. }) => crate::tui::detail::on_move(app, action),
        Some(Overlay::Help { scroll }) => {
            *scroll = (*scroll as isize + delta).clamp(0, help_end) as u16;
        }
        Some(Overlay::Scenarios { selected }) => {
            *selected = step(*selected, delta, app.scenario_names.len())
        }
        Some(Overlay::FlowMap { selected }) => {
            *selected = step(*selected, delta, crate::flow::progress::StepKind::ALL.len())
        }
        Some(Overlay::Code(code)) => crate::tui::code_view::move_by(code, delta),
        Some(Overlay::Panel) => {
            let len = app.panel.list_len();
            app.panel.selected = step(app.panel.selected, delta, len);
        }
        Some(
            Overlay::Otp { .. }
            | Overlay::Filter { .. }
            | Overlay::SaveScenario { .. }
            | Overlay::Input { .. },
        ) => {}
        None => app.history.move_by(delta, height),
    }
}

pub(super) fn step(current: usize, delta: isize, len: usize) -> usize {
    current
        .saturating_add_signed(delta)
        .min(len.saturating_sub(1))
}
