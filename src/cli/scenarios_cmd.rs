//! `paysecure-explorer scenarios`: the shipped and saved scenarios `flow --scenario` runs.

use clap::Args;

use super::out;
use crate::flow::scenario;
use crate::flow::scenario_list::{self, ExpectFrom, Origin, ScenarioInfo};

/// Options of `scenarios`.
#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// One JSON object per line, one line per scenario.
    #[arg(long)]
    pub json: bool,
}

/// Runs `scenarios`; returns the exit code: 1 when a saved file could not be read.
pub fn run(args: ScenariosArgs) -> i32 {
    let dir = scenario::user_dir();
    let rows = scenario_list::list(dir.as_deref());
    if args.json {
        for row in &rows {
            match serde_json::to_string(row) {
                Ok(line) => {
                    if !out::line(&line) {
                        break;
                    }
                }
                Err(e) => {
                    out::error(&format!("paysecure-explorer scenarios: {e}"));
                    return 1;
                }
            }
        }
    } else {
        let where_saved = match &dir {
            Some(d) => format!("saved ones: {}", d.display()),
            None => {
                "no config dir (set HOME or PAYSECURE_EXPLORER_CONFIG_DIR): shipped only".into()
            }
        };
        out::text(&readable(&rows, &where_saved));
    }
    let broken: Vec<&ScenarioInfo> = rows.iter().filter(|r| r.error.is_some()).collect();
    for row in &broken {
        out::error(&format!(
            "paysecure-explorer scenarios: {}",
            row.error.as_deref().unwrap_or_default()
        ));
    }
    i32::from(!broken.is_empty())
}

/// The listing: name, where it comes from, expected status, description.
pub fn readable(rows: &[ScenarioInfo], where_saved: &str) -> String {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut text = format!("Scenarios for `flow --scenario NAME` and F7 ({where_saved})\n\n");
    for r in rows {
        let origin = match r.origin {
            Origin::Shipped => "shipped",
            Origin::Saved => "saved",
            Origin::SavedOverridesShipped => "saved*",
        };
        let expect = match (&r.expect, r.expect_from, &r.error) {
            (_, _, Some(_)) => "unreadable".to_string(),
            (Some(e), Some(ExpectFrom::Card), _) => format!("{e} (from its card)"),
            (Some(e), _, _) => e.clone(),
            (None, _, _) => "not stated".to_string(),
        };
        text.push_str(&format!(
            "  {:<width$}  {origin:<7}  expect {expect:<26}  {}\n",
            r.name, r.description
        ));
    }
    if rows
        .iter()
        .any(|r| r.origin == Origin::SavedOverridesShipped)
    {
        text.push_str("\n* a saved file replaces the shipped scenario of that name\n");
    }
    text
}
