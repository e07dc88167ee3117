//! `paysecure-explorer man`: the manual page, roff on standard output (clap_mangen).
//!
//! One page for the whole tool, rather than clap_mangen's page per subcommand: `man` then
//! shows every command's options, and installing it is one redirect.

use clap::CommandFactory;
use clap_mangen::Man;

use super::{Cli, out};

/// Runs `man`; returns the exit code.
pub fn run() -> i32 {
    match page() {
        Ok(text) => {
            out::text(&text);
            0
        }
        Err(e) => {
            out::error(&format!("paysecure-explorer man: {e}"));
            1
        }
    }
}

/// The page: the tool's own sections, then a section per subcommand.
pub fn page() -> Result<String, String> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Sets each subcommand's full name (`paysecure-explorer flow`) for its synopsis.
    cmd.build();
    let mut roff = Vec::new();
    Man::new(cmd.clone())
        .render(&mut roff)
        .map_err(|e| e.to_string())?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_bin_name().map_or_else(
            || format!("paysecure-explorer {}", sub.get_name()),
            str::to_string,
        );
        roff.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let man = Man::new(sub.clone());
        let mut section = Vec::new();
        man.render_synopsis_section(&mut section)
            .and_then(|()| man.render_description_section(&mut section))
            .and_then(|()| man.render_options_section(&mut section))
            .map_err(|e| e.to_string())?;
        roff.extend_from_slice(&demoted(&section));
    }
    String::from_utf8(roff).map_err(|e| format!("the page is not UTF-8: {e}"))
}

/// A subcommand's sections become subsections of its own section. Its copy of the
/// preamble (`.ie`/`.el`, defining the apostrophe string) is dropped: the page has it once.
fn demoted(roff: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(roff)
        .lines()
        .filter(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
        .map(|l| match l.strip_prefix(".SH ") {
            Some(title) => format!(".SS {title}\n"),
            None => format!("{l}\n"),
        })
        .collect::<String>()
        .into_bytes()
}
