//! Keys, pastes and the mouse: which action a key is, and what typing does to the
//! focused text (a form field in insert mode, or a prompt).

use super::*;
use crate::tui::app::Mode;
use crate::tui::text_input::Edit;

/// How the notice that a typed letter was taken as a command begins.
const NORMAL_MODE: &str = "Normal mode";

/// What marks the notice that a key works elsewhere: it is about that one key press, so
/// the next key takes it away (it stood over the flow map, the detail and the next key
/// that did nothing, reading as if it were about them).
const WORKS_ELSEWHERE: &str = ", not here; ";

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    app.clear_notice_where(|text| text.contains(WORKS_ELSEWHERE));
    let context = app.context();
    let in_text = app.in_text();
    let action = action_for(context, &key, in_text);
    // Any other key on step ② (an edit, a move) shows the step was seen: a send after
    // it is meant, however soon it comes.
    if action != Some(Action::Send) {
        app.card_step_shown = None;
    }
    if let Some(action) = action {
        return on_action(app, action, context);
    }
    match context {
        // The test-card picker searches as you type.
        Context::Picker => {
            if let Some(Overlay::Cards(picker)) = &mut app.overlay {
                picker.type_key(key);
            }
        }
        Context::Prompt => type_into_prompt(app, &key),
        Context::PurchaseForm | Context::CardForm if in_text => type_into_field(app, &key),
        Context::PurchaseForm | Context::CardForm => normal_mode_key(app, &key),
        _ => {}
    }
    // A function key or Shift+Tab that works elsewhere says where, instead of nothing.
    if matches!(key.code, KeyCode::F(_) | KeyCode::BackTab)
        && let Some((label, help, places)) = crate::tui::keys::bound_elsewhere(&key)
    {
        // Every place it works (Shift+Tab: the purchase form and the card form), not the
        // first of them.
        let places: Vec<&str> = places.iter().map(|p| p.words()).collect();
        app.notice = Some((
            Level::Info,
            format!(
                "{label} ({help}) works on the {}{WORKS_ELSEWHERE}{} lists the keys here.",
                join_places(&places),
                keys_of(Action::Help, context)
            ),
        ));
    }
    vec![]
}

/// `the purchase form`, `the purchase form and the card form`, `the A, the B and the C`
/// (the notice writes "works on the …").
fn join_places(places: &[&str]) -> String {
    match places {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and the {last}", rest.join(", the ")),
    }
}

/// Every key of `action` where the user is, as the table writes them (`Enter or i`).
fn keys_of(action: Action, context: Context) -> String {
    crate::tui::keys::labels_of(action, context).join(" or ")
}

/// Whether a key would edit text (a character, Backspace, Delete, a cursor motion).
fn is_editing_key(key: &KeyEvent) -> bool {
    let chord = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char(_) => !chord,
        KeyCode::Backspace
        | KeyCode::Delete
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Home
        | KeyCode::End => true,
        _ => false,
    }
}

/// Normal mode: a key that is no command does not type silently; the notice says how
/// to edit.
fn normal_mode_key(app: &mut App, key: &KeyEvent) {
    if !is_editing_key(key) {
        return;
    }
    let label = app
        .current_form()
        .focused()
        .map(|f| f.label.clone())
        .unwrap_or_default();
    let context = app.context();
    app.notice = Some((
        Level::Info,
        format!(
            "{NORMAL_MODE}: letters are commands. {} edits {label}; {} lists the keys.",
            keys_of(Action::Edit, context),
            keys_of(Action::Help, context),
        ),
    ));
}

/// Insert mode on a form field: the key edits it; on a toggle, Space flips it and other
/// characters say so (a toggle holds only its two values).
fn type_into_field(app: &mut App, key: &KeyEvent) {
    let Some(field) = app.current_form_mut().focused_mut() else {
        return;
    };
    if field.is_toggle() {
        if !is_editing_key(key) {
            return;
        }
        if key.code == KeyCode::Char(' ') {
            field.toggle();
            app.send_anyway = false;
        } else {
            let label = field.label.clone();
            let context = app.context();
            app.notice = Some((
                Level::Info,
                format!(
                    "{label} is a toggle: {} flips it ({} restores its default).",
                    keys_of(Action::Toggle, context),
                    keys_of(Action::ClearField, context),
                ),
            ));
        }
        return;
    }
    if field.input.edit(key) == Edit::Changed {
        app.send_anyway = false;
    }
}

/// A prompt: the key edits its line; the history filter follows what is typed.
fn type_into_prompt(app: &mut App, key: &KeyEvent) {
    let Some(input) = app.overlay.as_mut().and_then(|o| o.input_mut()) else {
        return;
    };
    if input.edit(key) == Edit::Changed {
        filter_as_typed(app);
    }
}

/// The history shows what the filter prompt says, as it is typed.
fn filter_as_typed(app: &mut App) {
    if let Some(Overlay::Filter { input, .. }) = &app.overlay {
        let text = input.value().to_string();
        app.history.set_filter(&text);
    }
}

/// A paste goes into the focused text at the cursor, as one piece: line breaks and other
/// controls are dropped (every field is a single line), and the focus never moves. In
/// normal mode it goes into the focused field too, as vim puts a paste in the text: a
/// paste is text whatever the mode, and the mode stays as it was.
pub(super) fn paste(app: &mut App, text: &str) {
    let context = app.context();
    let (label, pasted) = match context {
        // A paste into the test-card picker is its search (a number copied from docs).
        Context::Picker => {
            if let Some(Overlay::Cards(picker)) = &mut app.overlay {
                for c in text.chars().filter(|c| !c.is_control()).take(64) {
                    picker.type_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
                }
            }
            return;
        }
        Context::Prompt => {
            let Some(input) = app.overlay.as_mut().and_then(|o| o.input_mut()) else {
                return;
            };
            let pasted = input.paste(text);
            filter_as_typed(app);
            ("the prompt".to_string(), pasted)
        }
        Context::PurchaseForm | Context::CardForm => {
            let Some(field) = app.current_form_mut().focused_mut() else {
                return;
            };
            if field.is_toggle() {
                let label = field.label.clone();
                app.notice = Some((
                    Level::Info,
                    format!(
                        "Not pasted: {label} is a toggle ({} flips it).",
                        keys_of(Action::Toggle, context)
                    ),
                ));
                return;
            }
            let label = field.label.clone();
            let pasted = field.input.paste(text);
            app.send_anyway = false;
            (label, pasted)
        }
        _ => {
            app.notice = Some((
                Level::Info,
                "Pasted text goes into a text field or prompt; none has the focus.".into(),
            ));
            return;
        }
    };
    let mut left_out = Vec::new();
    if pasted.dropped_controls > 0 {
        left_out.push(format!(
            "{} control or invisible character(s)",
            pasted.dropped_controls
        ));
    }
    if pasted.cut > 0 {
        left_out.push(format!(
            "{} character(s) past the {}-character limit",
            pasted.cut,
            crate::tui::text_input::MAX_CHARS
        ));
    }
    if !left_out.is_empty() {
        app.notice = Some((
            Level::Info,
            format!(
                "Pasted into {label}; left out {} (a field is one line).",
                left_out.join(" and ")
            ),
        ));
    }
}

/// What `$EDITOR` left: read into the current form, or kept for the next Ctrl+E with
/// where it does not parse; an editor that could not run says why.
pub(super) fn edited_json(app: &mut App, result: Result<String, String>) {
    let text = match result {
        Ok(text) => text,
        Err(why) => {
            app.notice = Some((Level::Warn, why));
            return;
        }
    };
    let reopen = keys_of(Action::EditJson, app.context());
    match crate::tui::json_edit::apply(app.current_form_mut(), &text) {
        Ok(applied) => {
            app.edited_json = None;
            app.send_anyway = false;
            let ignored = if applied.ignored.is_empty() {
                String::new()
            } else {
                format!("; no field sends {} (left out)", applied.ignored.join(", "))
            };
            app.notice = Some((
                Level::Info,
                format!(
                    "Edited JSON applied: {} field(s) changed{ignored}.",
                    applied.changed
                ),
            ));
        }
        Err(why) => {
            app.edited_json = Some(text);
            app.notice = Some((
                Level::Error,
                format!(
                    "Edited JSON not applied, {why}. Nothing changed; {reopen} reopens your text to fix it."
                ),
            ));
        }
    }
}

/// Enter or `i` in normal mode: edit the focused field.
pub(super) fn edit_field(app: &mut App) {
    app.mode = Mode::Insert;
    // "Normal mode: letters are commands…" no longer holds.
    app.clear_notice_where(|text| text.starts_with(NORMAL_MODE));
}

/// Esc on a form field: a request in flight is cancelled first (the spinner line says
/// "Esc cancels"); else insert mode ends, the field keeping its text and the focus.
pub(super) fn leave_field(app: &mut App) -> Vec<Effect> {
    if !app.requests.is_empty() {
        return cancel_newest(app);
    }
    if app.mode == Mode::Insert {
        app.mode = Mode::Normal;
        return vec![];
    }
    let context = app.context();
    app.notice = Some((
        Level::Info,
        format!(
            "Normal mode, nothing in flight to cancel: {} edits the field, {} lists the keys.",
            keys_of(Action::Edit, context),
            keys_of(Action::Help, context),
        ),
    ));
    vec![]
}

pub(super) fn history_height(app: &App) -> usize {
    layout::compute(app.size, app).history_rows()
}

pub(super) fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    let areas = layout::compute(app.size, app);
    let height = areas.history_rows();
    match mouse.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let delta = if mouse.kind == MouseEventKind::ScrollDown {
                3
            } else {
                -3
            };
            let help_end = match app.overlay {
                Some(Overlay::Help { .. }) => crate::tui::views::help_max_scroll(app) as isize,
                _ => 0,
            };
            match &mut app.overlay {
                Some(Overlay::Detail { .. }) => crate::tui::detail::on_wheel(app, delta),
                Some(Overlay::Help { scroll }) => {
                    *scroll = (*scroll as isize + delta).clamp(0, help_end) as u16;
                }
                Some(Overlay::Cards(picker)) => picker.move_by(delta),
                // The wheel walks the map's arrows one at a time.
                Some(Overlay::FlowMap { selected }) => {
                    *selected = super::overlays::step(
                        *selected,
                        delta.signum(),
                        crate::flow::progress::StepKind::ALL.len(),
                    )
                }
                _ => app.history.move_by(delta, height),
            }
        }
        MouseEventKind::Down(MouseButton::Left) if app.overlay.is_none() => {
            if let Some(row) = areas.history_row_at(mouse.column, mouse.row) {
                app.pane = Pane::History;
                app.history.click(row);
            } else if let Some(index) = areas.field_at(mouse.column, mouse.row, app) {
                // A click on a field is a wish to edit it.
                app.pane = Pane::Step;
                app.current_form_mut().focus = index;
                app.mode = Mode::Insert;
            }
        }
        _ => {}
    }
    vec![]
}
