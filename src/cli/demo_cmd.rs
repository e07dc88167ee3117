//! `paysecure-explorer demo`: presenter mode, a guided tour of shipped scenarios with
//! narration for a merchant audience, full screen.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::context::{Context, Globals};
use super::out;
use crate::flow::scenario;
use crate::flow::tour;

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// A tour file (TOML) to run instead of the shipped one.
    #[arg(long, value_name = "FILE")]
    pub tour: Option<PathBuf>,
    /// Play the tour unattended (a booth screen); `a` toggles it at run time.
    #[arg(long)]
    pub auto: bool,
    /// Seconds between two steps in auto-play.
    #[arg(long, value_name = "SECS", default_value_t = 4.0)]
    pub pace: f64,
    /// Colour theme (as for the explorer; F9 switches at run time).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
}

/// The shortest and longest pace auto-play accepts, in seconds.
const PACE_RANGE: (f64, f64) = (0.05, 600.0);

/// Runs `demo`; returns the exit code.
pub async fn run(args: DemoArgs, globals: &Globals) -> i32 {
    if !(args.pace.is_finite() && (PACE_RANGE.0..=PACE_RANGE.1).contains(&args.pace)) {
        out::error(&format!(
            "paysecure-explorer demo: --pace must be between {} and {} seconds",
            PACE_RANGE.0, PACE_RANGE.1
        ));
        return 2;
    }
    let scenario_dir = scenario::user_dir();
    let loaded = match &args.tour {
        Some(path) => tour::load_file(path, scenario_dir.as_deref()),
        None => tour::default_tour(scenario_dir.as_deref()),
    };
    let tour = match loaded {
        Ok(t) => t,
        Err(e) => {
            out::error(&format!("paysecure-explorer demo: {e}"));
            return 2;
        }
    };
    // After the options and the tour are checked (their mistakes say more), before
    // anything is drawn: without a terminal the screen cannot be.
    if let Some(why) = super::terminal_check::missing_terminal("paysecure-explorer demo") {
        out::error(&why);
        return 2;
    }
    let ctx = Context::open_with(globals, false);
    let timeout = ctx.config.timeout_s.unwrap_or(40.0);
    crate::tui::run(crate::tui::TuiOptions {
        theme: args.theme.or_else(|| ctx.config.theme.clone()),
        timeout: Some(Duration::from_secs_f64(if super::valid_timeout(timeout) {
            timeout
        } else {
            40.0
        })),
        profile: globals.profile.clone(),
        config: ctx.config,
        warnings: ctx.warnings,
        data_dir: ctx.data_dir,
        sink: ctx.sink,
        demo: Some(crate::tui::DemoStart {
            tour,
            auto: args.auto,
            pace: Duration::from_secs_f64(args.pace),
        }),
    })
    .await
}
