//! `paysecure-explorer completions SHELL`: a completion script generated from the clap
//! definitions (clap_complete), so it never drifts from the real options.
//!
//! Static scripts: clap_complete's dynamic completion (asking the binary at each Tab) is
//! behind its `unstable-dynamic` feature, outside the crate's semver promise. Instead the
//! names known when the script is generated are baked in: `--profile` completes the
//! config file's profiles (and `embedded`), `--scenario` the shipped and saved scenarios.
//! Regenerate the script after adding a profile or a scenario. Only names of letters,
//! digits, `-`, `_` and `.` are baked in: a script is shell source.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, out};

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The program name the scripts complete.
const BIN: &str = "paysecure-explorer";

/// Runs `completions`; returns the exit code.
pub fn run(args: CompletionsArgs) -> i32 {
    let config = crate::config::load().config;
    let mut profiles: Vec<String> = config.profiles.keys().cloned().collect();
    profiles.push(crate::flow::target::EMBEDDED_PROFILE.to_string());
    let scenarios = crate::flow::scenario::names(crate::flow::scenario::user_dir().as_deref());
    match script(args.shell, &profiles, &scenarios) {
        Ok(text) => {
            out::text(&text);
            0
        }
        Err(e) => {
            out::error(&format!("paysecure-explorer completions: {e}"));
            1
        }
    }
}

/// Whether a profile or scenario name can be baked into a script. The generators paste
/// names into shell source unquoted (bash: inside `compgen -W "…"`), so a profile named
/// `x$(touch f)` ran its command at the first Tab and one with a `"` broke the script.
/// Names of letters, digits, `-`, `_` and `.` are offered (a scenario name is never more
/// than the first three); any other is left out of the completions, not escaped shell by
/// shell.
fn completable(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with(['-', '.'])
}

/// The completion script for `shell`, completing these profile and scenario names (those
/// that are [`completable`]).
pub fn script(shell: Shell, profiles: &[String], scenarios: &[String]) -> Result<String, String> {
    let names = |list: &[String]| {
        clap::builder::PossibleValuesParser::new(
            list.iter()
                .filter(|n| completable(n))
                .map(|n| clap::builder::PossibleValue::new(n.clone()))
                .collect::<Vec<_>>(),
        )
    };
    let mut command = Cli::command()
        .mut_arg("profile", |a| a.value_parser(names(profiles)))
        .mut_subcommand("flow", |flow| {
            flow.mut_arg("scenario", |a| a.value_parser(names(scenarios)))
        });
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command, BIN, &mut buf);
    let text =
        String::from_utf8(buf).map_err(|e| format!("the generated script is not UTF-8: {e}"))?;
    Ok(match shell {
        Shell::Bash => bash_case_labels_fixed(&text),
        _ => text,
    })
}

/// clap_complete 4.6's bash script names a command `paysecure__explorer__subcmd__flow`
/// when it sets `cmd`, but writes the case label that reads it with every `-` of the
/// binary's name turned into `__subcmd__` (`paysecure__subcmd__explorer__subcmd__flow`):
/// no label matched, and nothing after a subcommand (`flow --sc<Tab>`) completed. The
/// labels are given the name `cmd` is set to.
fn bash_case_labels_fixed(script: &str) -> String {
    let wrong = BIN.replace('-', "__subcmd__");
    let right = BIN.replace('-', "__");
    // Only the case labels (`        paysecure__subcmd__explorer__subcmd__flow)`): a name
    // offered for completion is never touched.
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let label = line.trim();
        if label.starts_with(&wrong) && label.ends_with(')') && !label.contains(' ') {
            out.push_str(&line.replacen(&wrong, &right, 1));
        } else {
            out.push_str(line);
        }
    }
    out
}
