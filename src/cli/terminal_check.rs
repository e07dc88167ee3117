//! The full-screen commands need a terminal on both ends: without one, ratatui cannot
//! size a screen and the alternate-screen escapes would land in a file or a pipe.

use std::io::IsTerminal as _;

/// `None` when stdin and stdout are both terminals; otherwise the one line to print
/// (what is missing and which headless command to run instead).
pub fn missing_terminal(command: &str) -> Option<String> {
    let stdin_ok = std::io::stdin().is_terminal();
    let stdout_ok = std::io::stdout().is_terminal();
    explain(command, stdin_ok, stdout_ok)
}

/// The message for a given pair of facts (split out so it can be tested without a tty).
fn explain(command: &str, stdin_ok: bool, stdout_ok: bool) -> Option<String> {
    let missing = match (stdin_ok, stdout_ok) {
        (true, true) => return None,
        (false, true) => "stdin is",
        (true, false) => "stdout is",
        (false, false) => "stdin and stdout are",
    };
    Some(format!(
        "{command}: needs a terminal ({missing} not one); without one run `paysecure-explorer flow` \
         (the payment headless), `serve` (the sandbox alone) or `history` (what was sent)"
    ))
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn names_what_is_missing_and_what_to_run_instead() {
        assert_eq!(explain("x", true, true), None);
        let both = explain("paysecure-explorer", false, false).unwrap_or_default();
        assert!(both.contains("stdin and stdout are not"), "{both}");
        for cmd in ["`paysecure-explorer flow`", "`serve`", "`history`"] {
            assert!(both.contains(cmd), "{both}");
        }
        let out = explain("demo", true, false).unwrap_or_default();
        assert!(out.contains("(stdout is not one)"), "{out}");
        assert!(!out.contains('\u{1b}'));
    }
}
