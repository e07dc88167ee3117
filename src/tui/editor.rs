//! `$EDITOR` on the current step's JSON: the screen is handed over to the editor and
//! taken back. The event loop runs this itself, because it owns the terminal, while the
//! input thread is parked (so no keystroke meant for the editor is read by the app).

use std::io::Write as _;
use std::process::Command;

use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::app::Msg;

/// The editor the user chose: `$VISUAL`, else `$EDITOR` (may carry arguments, e.g.
/// `code --wait`).
fn chosen_editor() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|e| e.trim().to_string())
        .find(|e| !e.is_empty())
}

/// Edits `text` in the user's editor and answers with what it left in the file, or why
/// it could not: no editor set (the screen is not even suspended), the file could not
/// be written, the editor failed or exited non-zero (the file is then not read).
pub fn edit(terminal: &mut super::glyphs::Screen, text: &str) -> Msg {
    let Some(editor) = chosen_editor() else {
        return Msg::EditedJson(Err(format!(
            "No editor: set $EDITOR (e.g. export EDITOR=nano) and press {} again.",
            super::keys::label_of(
                super::keys::Action::EditJson,
                super::keys::Context::CardForm
            )
        )));
    };
    let path = match write_private(text) {
        Ok(path) => path,
        Err(e) => {
            return Msg::EditedJson(Err(format!("Could not write the JSON for the editor: {e}")));
        }
    };
    suspend();
    // Through sh, so an editor with arguments works; the file is sh's $1, never parsed.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    resume(terminal);
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path)
            .map_err(|e| format!("Could not read back the edited JSON: {e}")),
        Ok(s) => Err(format!(
            "The editor ({editor}) exited with {s}; nothing changed."
        )),
        Err(e) => Err(format!("Could not start the editor ({editor}): {e}")),
    };
    let _ = std::fs::remove_file(&path);
    Msg::EditedJson(result)
}

/// A new file only the user can read, in the temporary directory.
fn write_private(text: &str) -> std::io::Result<std::path::PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = std::env::temp_dir().join(format!(
        "paysecure-explorer-{}-{nanos}.json",
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    file.write_all(text.as_bytes())?;
    Ok(path)
}

/// The terminal as a shell left it: cooked mode, main screen, no mouse reporting.
fn suspend() {
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// The explorer's terminal again, redrawn whole on the next frame.
fn resume(terminal: &mut super::glyphs::Screen) {
    let _ = enable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    );
    let _ = terminal.clear();
}
