//! Keys, pastes and the mouse: which action a key is, and what typing does to the
//! focused text.

use super::*;

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let context = app.context();
    let in_text = app.in_text();
    if let Some(action) = action_for(context, &key, in_text) {
        app.cursor_back = 0;
        return on_action(app, action, context);
    }
    if in_text {
        type_into(app, context, key);
    }
    vec![]
}

/// A paste goes into the focused text at the cursor, as one piece: line breaks and other
/// controls are dropped (every field is a single line), and the focus never moves.
pub(super) fn paste(app: &mut App, text: &str) {
    if !app.in_text() {
        app.notice = Some((
            Level::Info,
            "Pasted text goes into a text field or prompt; none has the focus.".into(),
        ));
        return;
    }
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(4096)
        .collect();
    let context = app.context();
    for c in clean.chars() {
        type_into(
            app,
            context,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        );
    }
}

/// Printable keys and Backspace edit the focused text.
pub(super) fn type_into(app: &mut App, context: Context, key: KeyEvent) {
    if let (Context::Picker, Some(Overlay::Cards(picker))) = (context, &mut app.overlay) {
        picker.type_key(key);
        return;
    }
    let mut cursor_back = app.cursor_back;
    let text: &mut String = match (context, &mut app.overlay) {
        (Context::Prompt, Some(overlay)) => match overlay.input_mut() {
            Some(input) => input,
            None => return,
        },
        (Context::PurchaseForm | Context::CardForm, _) => {
            match app.current_form_mut().focused_mut() {
                Some(field) => &mut field.value,
                None => return,
            }
        }
        _ => return,
    };
    let len = text.chars().count();
    let back = cursor_back.min(len);
    let pos = len - back;
    let byte_at = |text: &String, chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i)
    };
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            let at = byte_at(text, pos);
            text.insert(at, c);
        }
        KeyCode::Backspace if pos > 0 => {
            let at = byte_at(text, pos - 1);
            text.remove(at);
        }
        KeyCode::Delete if back > 0 => {
            let at = byte_at(text, pos);
            text.remove(at);
            cursor_back = back - 1;
        }
        KeyCode::Left => cursor_back = (back + 1).min(len),
        KeyCode::Right => cursor_back = back.saturating_sub(1),
        KeyCode::Home => cursor_back = len,
        KeyCode::End => cursor_back = 0,
        _ => return,
    }
    app.cursor_back = cursor_back;
    app.send_anyway = false;
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
            match &mut app.overlay {
                Some(Overlay::Detail { scroll, .. }) | Some(Overlay::Help { scroll }) => {
                    *scroll = (*scroll as isize + delta).max(0) as u16;
                }
                Some(Overlay::Cards(picker)) => picker.move_by(delta),
                _ => app.history.move_by(delta, height),
            }
        }
        MouseEventKind::Down(MouseButton::Left) if app.overlay.is_none() => {
            if let Some(row) = areas.history_row_at(mouse.column, mouse.row) {
                app.pane = Pane::History;
                app.history.click(row);
            } else if let Some(index) = areas.field_at(mouse.column, mouse.row, app) {
                app.pane = Pane::Step;
                app.current_form_mut().focus = index;
            }
        }
        _ => {}
    }
    vec![]
}
