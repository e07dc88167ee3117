//! Every action a key or click can ask for, handled in one match with an arm for each
//! (no catch-all: a new `Action` without a handler does not compile).

use super::*;
use crate::tui::app::Mode;
use crate::tui::text_input::TextInput;

pub(super) fn on_action(app: &mut App, action: Action, context: Context) -> Vec<Effect> {
    match action {
        Action::ForceQuit | Action::Quit => {
            app.quit = true;
            vec![]
        }
        Action::Help => {
            // Over a form, help opens on the guide to that form's fields.
            let scroll = crate::tui::views::help_fields_scroll(app);
            app.overlay = Some(Overlay::Help { scroll });
            vec![]
        }
        Action::Close => {
            if crate::tui::detail::close_search(app) {
                vec![]
            } else if let Some(Overlay::Code(code)) = &mut app.overlay
                && code.shown.is_some()
            {
                // Esc on the snippet goes back to the languages, to pick another.
                code.shown = None;
                vec![]
            } else if let Some(Overlay::Filter { previous, .. }) = &app.overlay {
                // The filter followed what was typed: Esc puts the one before back.
                let previous = previous.clone().unwrap_or_default();
                app.history.set_filter(&previous);
                app.overlay = None;
                vec![]
            } else if let Some(Overlay::Input { what, .. }) = &app.overlay
                && !matches!(
                    what,
                    crate::tui::app::InputFor::PartialRefund
                        | crate::tui::app::InputFor::CaptureAmount
                )
            {
                // A panel prompt: Esc goes back to the panel, not out of it. What the
                // prompt said (a value it could not send) closes with it.
                app.overlay = Some(Overlay::Panel);
                app.notice = None;
                vec![]
            } else if let (Some(Overlay::Detail { .. }), Some(selected)) =
                (&app.overlay, app.flow_map_return.take())
            {
                // Opened from the flow map: back to it, on the same arrow. What a key
                // said on the detail goes with it by `update`'s rule for another screen;
                // where the flow stands stays.
                app.overlay = Some(Overlay::FlowMap { selected });
                app.save_over_armed = None;
                vec![]
            } else if app.overlay.is_some() {
                // What a prompt, an exchange's detail or the flow map said (a refusal, a
                // question, why a row cannot be resent) is about what closes: it goes too,
                // not to stand over the next row or screen.
                if matches!(
                    app.overlay,
                    Some(
                        Overlay::Input { .. }
                            | Overlay::SaveScenario { .. }
                            | Overlay::Detail { .. }
                            | Overlay::FlowMap { .. }
                    )
                ) {
                    // Where the flow stands ("202 pending: press b …") is no prompt's
                    // or detail's: it stays.
                    if app.notice_by_user {
                        app.notice = None;
                    }
                    app.save_over_armed = None;
                }
                app.overlay = None;
                vec![]
            } else {
                // In the history pane Esc goes back (as the footer says); Esc in the
                // step pane cancels.
                app.pane = Pane::Step;
                vec![]
            }
        }
        Action::Cancel if app.requests.is_empty() => {
            app.notice = Some((Level::Info, "Nothing in flight to cancel.".into()));
            vec![]
        }
        Action::Cancel => cancel_newest(app),
        Action::OpenPanel => crate::tui::levers::open_panel(app),
        Action::Newest => {
            app.history.to_newest();
            vec![]
        }
        Action::Oldest => {
            let height = history_height(app);
            app.history.to_oldest(height);
            vec![]
        }
        Action::CopyKey => match app.public_key_pem.clone() {
            Some(pem) => {
                app.notice = Some((
                    Level::Info,
                    "Copied the sandbox's public key (OSC 52).".into(),
                ));
                vec![Effect::Copy(pem)]
            }
            None => {
                app.notice = Some((
                    Level::Warn,
                    "No public key is known for this endpoint.".into(),
                ));
                vec![]
            }
        },
        Action::RefundFull | Action::RefundPartial | Action::CancelPurchase | Action::Capture => {
            crate::tui::levers::on_purchase_action(app, action)
        }
        Action::Filter if context == Context::Panel => {
            crate::tui::levers::on_panel_action(app, action)
        }
        Action::PanelTab
        | Action::PanelReload
        | Action::SettlePaid
        | Action::SettleError
        | Action::Clock2h
        | Action::Clock24h
        | Action::ClockTyped
        | Action::ToggleMode
        | Action::SetAttempts
        | Action::SetLatency
        | Action::SetTimeout
        | Action::Reset
        | Action::Replay
        | Action::Redeliver => crate::tui::levers::on_panel_action(app, action),
        Action::NextTheme => {
            next_theme(app);
            vec![]
        }
        Action::SwitchPane => {
            app.pane = if app.pane == Pane::History {
                Pane::Step
            } else {
                Pane::History
            };
            vec![]
        }
        Action::Send => send(app),
        Action::Edit => {
            edit_field(app);
            vec![]
        }
        Action::LeaveField => leave_field(app),
        Action::EditJson => {
            // A text that did not parse last time comes back as it was left.
            let text = app
                .edited_json
                .clone()
                .unwrap_or_else(|| crate::tui::json_edit::editable(app.current_form()));
            vec![Effect::EditJson { text }]
        }
        Action::NextField | Action::NextFieldEnter => {
            app.current_form_mut().next();
            vec![]
        }
        Action::PrevField => {
            app.current_form_mut().prev();
            vec![]
        }
        Action::Down if matches!(context, Context::PurchaseForm | Context::CardForm) => {
            app.current_form_mut().next();
            vec![]
        }
        Action::Up if matches!(context, Context::PurchaseForm | Context::CardForm) => {
            app.current_form_mut().prev();
            vec![]
        }
        Action::Toggle => {
            if let Some(f) = app.current_form_mut().focused_mut() {
                f.toggle();
            }
            vec![]
        }
        Action::ClearField => {
            if let Some(f) = app.current_form_mut().focused_mut() {
                f.clear();
            }
            app.send_anyway = false;
            vec![]
        }
        Action::TestCards => {
            crate::tui::card_picker::open(app);
            vec![]
        }
        Action::DevicePresets => {
            app.overlay = Some(Overlay::Devices { selected: 0 });
            vec![]
        }
        Action::AddProduct => {
            step_forms::add_product(&mut app.purchase_form);
            vec![]
        }
        Action::RemoveProduct => {
            if step_forms::product_count(&app.purchase_form) <= 1 {
                app.notice = Some((
                    Level::Info,
                    "A purchase keeps at least one product row.".into(),
                ));
            }
            step_forms::remove_product(&mut app.purchase_form);
            vec![]
        }
        Action::PageUp | Action::PageDown if context == Context::Result => {
            let pages = if action == Action::PageUp { -1 } else { 1 };
            crate::tui::views::scroll_result(app, pages);
            vec![]
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            move_in_list(app, action);
            vec![]
        }
        Action::Select => select(app, context),
        Action::OpenBrowser => match app.flow.callback_url.clone() {
            Some(url) if pending(app) => match web_url(&url) {
                Ok(url) => {
                    let mut effects = vec![Effect::OpenBrowser(url)];
                    effects.extend(start_follow(app, PollPlan::ExternalBrowser));
                    effects
                }
                Err(why) => {
                    app.notice = Some((
                        Level::Error,
                        format!("Not opened: {why}. The server sent this callback_url: {url}"),
                    ));
                    vec![]
                }
            },
            _ => {
                app.notice = Some((
                    Level::Warn,
                    "There is no pending callback URL to open.".into(),
                ));
                vec![]
            }
        },
        Action::CompleteHere => {
            if !app.endpoint.local {
                app.notice = Some((
                    Level::Warn,
                    format!(
                        "A real issuer's challenge must be answered in a browser: press {}. ({} works with the embedded or a local `serve`d sandbox.)",
                        label_of(Action::OpenBrowser, Context::Result),
                        label_of(Action::CompleteHere, Context::Result)
                    ),
                ));
            } else if app.requests.step_in_flight() {
                app.notice = Some((Level::Warn, already_in_flight(Context::Result)));
            } else if let (Some(url), true) = (app.flow.callback_url.clone(), pending(app)) {
                match super::purchase::local_callback(&url, &app.endpoint.base_url) {
                    // Open the callback first: only a challenge page asks for the OTP.
                    Ok(url) => {
                        return vec![start(app, Purpose::Callback, Call::OpenCallback { url })];
                    }
                    // Nothing is sent: the pending payment stays as it is.
                    Err(why) => {
                        app.notice = Some((
                            Level::Warn,
                            format!(
                                "Not loaded here: {}. {} gives it to your browser.",
                                crate::term_text::clean(&why),
                                label_of(Action::OpenBrowser, Context::Result)
                            ),
                        ));
                    }
                }
            } else {
                app.notice = Some((
                    Level::Warn,
                    "Nothing to complete: the purchase is not waiting for 3-D Secure.".into(),
                ));
            }
            vec![]
        }
        Action::EditRetry => {
            app.show_raw = false;
            let on_purchase = app.flow.purchase.is_some() && app.flow.step != Step::Purchase;
            if !on_purchase {
                app.flow.outcome = None;
                app.mode = Mode::Insert;
                // What was said about the result (a refused lever, say) is over on the form.
                app.notice = None;
            } else if app.may_pay_again() {
                app.flow.edit_card();
                app.mode = Mode::Insert;
                app.notice = None;
            } else {
                // Going to a form whose Ctrl+S can only fail would be a trap: say why
                // and stay where n works.
                app.notice = Some((
                    Level::Warn,
                    match &app.flow.status {
                        Some(_) if app.flow.can_retry_same_purchase() && app.customer_blocked() => {
                            format!(
                                "This purchase's customer email is at blocked.example: the sandbox refuses every payment of it, whatever the card. {} starts a new purchase (change the email on step ①).",
                                label_of(Action::NewPurchase, Context::Result)
                            )
                        }
                        Some(s) if app.flow.can_retry_same_purchase() => format!(
                            "This purchase is {} but its S2S attempts are used up: another call is refused. {} starts a new purchase (the card form is kept).",
                            s.as_upper(),
                            label_of(Action::NewPurchase, Context::Result)
                        ),
                        Some(s) => format!(
                            "This purchase is {}: it can no longer be paid. {} starts a new purchase (the card form is kept).",
                            s.as_upper(),
                            label_of(Action::NewPurchase, Context::Result)
                        ),
                        None => format!(
                            "The purchase's status is not known yet ({} asks for it); {} starts a new purchase.",
                            label_of(Action::Retry, Context::Result),
                            label_of(Action::NewPurchase, Context::Result)
                        ),
                    },
                ));
            }
            vec![]
        }
        Action::NewPurchase => {
            let effects = leave_purchase(app);
            super::answers::back_to_newest(app);
            app.purchase_form.focus = 0;
            app.mode = Mode::Insert;
            let card = app
                .card_form
                .get("card_number")
                .map(|f| crate::api::redact::redact_text(f.value().trim()))
                .unwrap_or_default();
            app.notice = Some((
                Level::Info,
                // F2 works only on step ②, so the notice says where; F7 works here.
                format!(
                    "New purchase, fresh merchantRef. Card form kept ({card}): {} on step ② picks another card · {} happy-3ds resets",
                    label_of(Action::TestCards, Context::CardForm),
                    label_of(Action::Scenarios, Context::PurchaseForm)
                ),
            ));
            effects
        }
        Action::Retry => retry(app),
        Action::RawBody => {
            app.show_raw = !app.show_raw;
            vec![]
        }
        Action::Resend => resend(app),
        Action::Filter => {
            let previous = app.history.filter_text().map(str::to_string);
            app.overlay = Some(Overlay::Filter {
                input: TextInput::new(previous.clone().unwrap_or_default()),
                previous,
            });
            vec![]
        }
        Action::Export => export(app),
        Action::Scenarios => {
            app.overlay = Some(Overlay::Scenarios { selected: 0 });
            vec![]
        }
        Action::SaveScenario => {
            app.save_over_armed = None;
            app.notice = None;
            app.overlay = Some(Overlay::SaveScenario {
                input: TextInput::default(),
            });
            vec![]
        }
        Action::CopyCurl if context == Context::Panel => match app.panel.curl.clone() {
            Some(curl) => {
                app.notice = Some((Level::Info, "Copied the curl (OSC 52).".into()));
                vec![Effect::Copy(curl)]
            }
            None => {
                // A key that did nothing said nothing; the curl belongs to an action.
                app.notice = Some((
                    Level::Info,
                    "No curl to copy yet: the panel shows one after an action (settle, clock, a setting, reset, replay).".into(),
                ));
                vec![]
            }
        },
        Action::CopyCurl => {
            let Some(Overlay::Detail { index, .. }) = app.overlay else {
                return vec![];
            };
            match app.history.newest(index) {
                Some(ex) => {
                    let curl = crate::history::curl::to_curl(ex);
                    app.notice = Some((
                        Level::Info,
                        "Copied as curl (key as $PAYSECURE_API_KEY; card masked as in history)."
                            .into(),
                    ));
                    vec![Effect::Copy(curl)]
                }
                None => vec![],
            }
        }
        Action::FlowMap => {
            crate::tui::flow_map::toggle(app);
            vec![]
        }
        Action::CopyAsCode => crate::tui::code_view::open(app, context),
        Action::CodeFormValues => {
            crate::tui::code_view::toggle_form_values(app);
            vec![]
        }
        Action::CodeLeft | Action::CodeRight | Action::CodeLineStart | Action::CodeLineEnd => {
            crate::tui::code_view::sideways(app, action);
            vec![]
        }
        Action::CopyValue if context == Context::Result => crate::tui::result_copy::copy(app),
        // The help has no cursor: Home/End (g/G) jump its scroll to either end.
        Action::DetailTop | Action::DetailBottom if context == Context::Help => {
            let end = crate::tui::views::help_max_scroll(app);
            if let Some(Overlay::Help { scroll }) = &mut app.overlay {
                *scroll = if action == Action::DetailTop { 0 } else { end };
            }
            vec![]
        }
        Action::ToggleFold
        | Action::FoldPrefix
        | Action::FoldAfterZ
        | Action::FoldClose
        | Action::FoldOpen
        | Action::DetailTop
        | Action::DetailBottom
        | Action::SearchStart
        | Action::SearchNext
        | Action::SearchPrev
        | Action::RawHtml
        | Action::CopyValue => crate::tui::detail::on_action(app, action),
        Action::StartTour => crate::tui::presenter::start_default(app),
        // The presenter screen reads its own keys (`presenter::on_key`).
        Action::TourNext | Action::TourBack | Action::TourAuto | Action::TourLeave => vec![],
    }
}
