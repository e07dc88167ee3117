//! `serve`'s log on stderr: one line per answered request and per webhook delivery
//! (events emitted by `sandbox::access_log`), readable or JSON. Installed by `serve` only:
//! the explorer owns the terminal, so its embedded sandbox's events go nowhere.

use std::cell::RefCell;
use std::io::IsTerminal as _;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::ValueEnum;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{Layer as _, fmt};

/// How `serve` writes its log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event (coloured when stderr is a terminal).
    #[default]
    Text,
    /// One JSON object per line, for machines.
    Json,
}

/// Installs the stderr log. Only the sandbox's own events pass (not those of the HTTP
/// libraries). Colour only on a terminal, and never with `NO_COLOR` set.
pub fn install(format: LogFormat) {
    let filter = Targets::new().with_target("paysecure_explorer::sandbox", Level::INFO);
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let layer = match format {
        LogFormat::Text => fmt::layer()
            .with_timer(SecondCachedClock)
            .with_writer(std::io::stderr)
            .with_ansi(colour)
            .with_target(false)
            .boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_timer(SecondCachedClock)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    // Fails only if a subscriber is already installed, which leaves that one in charge.
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
}

/// The default timer's text (`2026-12-03T21:45:22.043235Z`: UTC, microseconds), with the
/// date and time of day formatted once a second rather than on every line: the default's
/// formatting was 1.5 % of a create's instructions (callgrind, BENCHMARKS round 14), and
/// every answered request writes a line.
struct SecondCachedClock;

thread_local! {
    /// The second last formatted on this thread and its `YYYY-MM-DDTHH:MM:SS`.
    static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

impl FormatTime for SecondCachedClock {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        write_time(w, since.as_secs(), since.subsec_micros())
    }
}

fn write_time(w: &mut impl std::fmt::Write, secs: u64, micros: u32) -> std::fmt::Result {
    SECOND.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.0 != secs {
            let epoch = i64::try_from(secs).unwrap_or(i64::MAX);
            let date = crate::clock::iso_date(epoch);
            let time = crate::clock::clock_time(epoch.saturating_mul(1000));
            *cached = (secs, format!("{date}T{time}"));
        }
        w.write_str(&cached.1)?;
        let mut fraction = *b".000000Z";
        let mut rest = micros;
        for digit in fraction[1..7].iter_mut().rev() {
            *digit = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        // ASCII by construction.
        w.write_str(std::str::from_utf8(&fraction).unwrap_or(".000000Z"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same text as tracing-subscriber's own timer: the one every line had before.
    #[test]
    fn the_cached_clock_writes_what_the_default_timer_writes() {
        for (secs, micros) in [
            (0, 0),
            (1_764_797_122, 43_235),
            (1_764_797_122, 999_999),
            (1_764_797_123, 7),
            (951_782_400, 500_000),
            (4_102_444_799, 1),
        ] {
            let mut ours = String::new();
            write_time(&mut ours, secs, micros).expect("write");
            let at = jiff::Timestamp::new(secs as i64, (micros * 1000) as i32).expect("time");
            assert_eq!(ours, at.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string());
        }
    }
}
