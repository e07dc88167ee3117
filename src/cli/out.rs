//! Standard output of the CLI commands (`flow`, `history`, `config`).
//!
//! Rust ignores SIGPIPE, so `println!` panics when the reader goes away
//! (`history | head -1`). Every command prints through here instead: a closed stdout is
//! noticed once, later output is dropped, and the command finishes and exits as it would
//! have (`flow` still records the whole run in history). `serve` and the explorer keep
//! their own handling: `serve` ignores a closed stdout, the explorer owns the terminal.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicU8, Ordering};

use crate::term_text::clean_lines;

const OPEN: u8 = 0;
/// The reader went away: a normal end of a pipeline, nothing to report.
const CLOSED: u8 = 1;
/// Writing failed otherwise (e.g. a full disk behind a redirect): reported once.
const FAILED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(OPEN);

/// Why output stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The reader closed the pipe.
    Closed,
    /// Any other write error.
    Failed,
}

/// Writes `text` and flushes, classifying a failure.
pub fn write_to(w: &mut impl Write, text: &str) -> Result<(), (Stopped, std::io::Error)> {
    w.write_all(text.as_bytes())
        .and_then(|()| w.flush())
        .map_err(|e| {
            let why = if e.kind() == ErrorKind::BrokenPipe {
                Stopped::Closed
            } else {
                Stopped::Failed
            };
            (why, e)
        })
}

/// Prints `text` through the one sanitiser ([`crate::term_text::clean_lines`]: server
/// text cannot drive the terminal; JSON lines stay JSON); `false` once stdout takes no
/// more (callers may stop early).
pub fn text(text: &str) -> bool {
    if STATE.load(Ordering::Relaxed) != OPEN {
        return false;
    }
    match write_to(&mut std::io::stdout().lock(), &clean_lines(text)) {
        Ok(()) => true,
        Err((Stopped::Closed, _)) => {
            STATE.store(CLOSED, Ordering::Relaxed);
            false
        }
        Err((Stopped::Failed, e)) => {
            if STATE.swap(FAILED, Ordering::Relaxed) != FAILED {
                eprintln!("paysecure-explorer: cannot write to standard output: {e}");
            }
            false
        }
    }
}

/// Prints `line` and a newline; see [`text`].
pub fn line(line: &str) -> bool {
    text(&format!("{line}\n"))
}

/// Prints an error or warning line on standard error, sanitised like standard output
/// (see [`crate::term_text::eprint_line`]).
pub fn error(line: &str) {
    crate::term_text::eprint_line(line);
}

/// The process exit code for a command that returned `code`: a closed pipe changes
/// nothing, but output lost to another error must not look like success.
pub fn exit_code(code: i32) -> i32 {
    if code == 0 && STATE.load(Ordering::Relaxed) == FAILED {
        1
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing(ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(self.0))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_is_a_quiet_close_and_other_errors_are_failures() {
        let closed = write_to(&mut Failing(ErrorKind::BrokenPipe), "x").map_err(|(w, _)| w);
        assert_eq!(closed, Err(Stopped::Closed));
        let full = write_to(&mut Failing(ErrorKind::StorageFull), "x").map_err(|(w, _)| w);
        assert_eq!(full, Err(Stopped::Failed));
        let mut buf = Vec::new();
        assert!(write_to(&mut buf, "ok\n").is_ok());
        assert_eq!(buf, b"ok\n");
    }
}
