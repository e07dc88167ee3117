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

/// The page: the tool's own sections, a list of the commands, then a section per
/// command. clap_mangen's own SUBCOMMANDS list points at `paysecure-explorer-serve(1)`
/// and the like, pages that do not exist here; ours points at the sections below.
pub fn page() -> Result<String, String> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Sets each subcommand's full name (`paysecure-explorer flow`) for its synopsis.
    cmd.build();
    let subs: Vec<&clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    let man = Man::new(cmd.clone());
    let mut roff = Vec::new();
    man.render_title(&mut roff)
        .and_then(|()| man.render_name_section(&mut roff))
        .and_then(|()| man.render_synopsis_section(&mut roff))
        .and_then(|()| man.render_description_section(&mut roff))
        .and_then(|()| man.render_options_section(&mut roff))
        .map_err(|e| e.to_string())?;
    roff.extend_from_slice(&commands_list(&subs).into_bytes());
    for sub in subs {
        roff.extend_from_slice(format!(".SH \"{}\"\n", full_name(sub).to_uppercase()).as_bytes());
        let man = Man::new(sub.clone());
        let mut section = Vec::new();
        man.render_synopsis_section(&mut section)
            .and_then(|()| man.render_description_section(&mut section))
            .and_then(|()| man.render_options_section(&mut section))
            .map_err(|e| e.to_string())?;
        roff.extend_from_slice(&demoted(&section));
    }
    man.render_version_section(&mut roff)
        .map_err(|e| e.to_string())?;
    let page = String::from_utf8(roff).map_err(|e| format!("the page is not UTF-8: {e}"))?;
    Ok(one_preamble(&page))
}

/// Each `render_*` call starts with the preamble (`.ie`/`.el`, defining the apostrophe
/// string); the page keeps the first.
fn one_preamble(page: &str) -> String {
    let mut seen = (false, false);
    let mut out = String::with_capacity(page.len());
    for line in page.lines() {
        let first = if line.starts_with(".ie ") {
            !std::mem::replace(&mut seen.0, true)
        } else if line.starts_with(".el ") {
            !std::mem::replace(&mut seen.1, true)
        } else {
            true
        };
        if first {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `paysecure-explorer flow`.
fn full_name(sub: &clap::Command) -> String {
    sub.get_bin_name().map_or_else(
        || format!("paysecure-explorer {}", sub.get_name()),
        str::to_string,
    )
}

/// The COMMANDS section: each command's name and one-line summary, and where its own
/// section is.
fn commands_list(subs: &[&clap::Command]) -> String {
    let mut out = String::from(".SH COMMANDS\nEach command has a section of its own below.\n");
    for sub in subs {
        let about = sub
            .get_about()
            .or_else(|| sub.get_long_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        // One line: a leading dot on any line would be a roff request.
        let about = about.lines().next().unwrap_or_default();
        out.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_text(&full_name(sub)),
            roff_text(about)
        ));
    }
    out
}

/// Text escaped for roff: backslashes, hyphens (so they are not hyphenation points or
/// minus signs), apostrophes, and a leading dot that would make a request.
fn roff_text(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('\'', "\\*(Aq");
    match escaped.strip_prefix('.') {
        Some(rest) => format!("\\&.{rest}"),
        None => escaped,
    }
}

/// A subcommand's sections become subsections of its own section.
fn demoted(roff: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(roff)
        .lines()
        .map(|l| match l.strip_prefix(".SH ") {
            Some(title) => format!(".SS {title}\n"),
            None => format!("{l}\n"),
        })
        .collect::<String>()
        .into_bytes()
}
