//! Times on screen in the user's own time zone (jiff reads `TZ`, else `/etc/localtime`),
//! daylight saving included. Only visible rows are formatted, one conversion each, so a
//! frame of 100,000 history rows costs no more than a frame of ten.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

/// The zone times are shown in; tests pin it so snapshots are the same anywhere.
#[derive(Debug, Clone)]
pub struct LocalTime {
    zone: TimeZone,
}

impl LocalTime {
    /// The system's zone (`TZ`, `/etc/localtime`); UTC when neither says one.
    pub fn system() -> LocalTime {
        LocalTime {
            zone: TimeZone::system(),
        }
    }

    /// A fixed offset from UTC, in seconds east (tests, and UTC itself with 0).
    pub fn fixed(seconds_east: i32) -> LocalTime {
        let offset = Offset::from_seconds(seconds_east).unwrap_or(Offset::UTC);
        LocalTime {
            zone: TimeZone::fixed(offset),
        }
    }

    /// A zone from a POSIX `TZ` rule (`CET-1CEST,M3.5.0,M10.5.0/3`); `None` if invalid.
    pub fn posix(rule: &str) -> Option<LocalTime> {
        TimeZone::posix(rule).ok().map(|zone| LocalTime { zone })
    }

    /// `HH:MM:SS` of `epoch_millis` in this zone.
    pub fn clock(&self, epoch_millis: i64) -> String {
        match Timestamp::from_millisecond(epoch_millis) {
            Ok(at) => {
                let t = self.zone.to_datetime(at);
                format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
            }
            // Out of jiff's range (never for a recorded exchange): UTC says something true.
            Err(_) => crate::clock::clock_time(epoch_millis),
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` of `epoch_millis` in this zone (where a title already says
    /// "local time").
    pub fn day_and_clock(&self, epoch_millis: i64) -> String {
        match Timestamp::from_millisecond(epoch_millis) {
            Ok(at) => {
                let t = self.zone.to_datetime(at);
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            }
            Err(_) => crate::clock::utc_datetime(epoch_millis),
        }
    }

    /// `YYYY-MM-DD HH:MM:SS local time (UTC+02:00, CEST)` of `epoch_millis`: the date,
    /// and which zone "local" was, for a detail read later or sent to someone else.
    pub fn date_time(&self, epoch_millis: i64) -> String {
        let Ok(at) = Timestamp::from_millisecond(epoch_millis) else {
            return crate::clock::utc_datetime(epoch_millis);
        };
        let info = self.zone.to_offset_info(at);
        let seconds = info.offset().seconds();
        let utc = if seconds == 0 {
            "UTC".to_string()
        } else {
            let sign = if seconds < 0 { '-' } else { '+' };
            let s = seconds.unsigned_abs();
            format!("UTC{sign}{:02}:{:02}", s / 3600, s / 60 % 60)
        };
        // An abbreviation that only repeats the offset (`+02`) adds nothing.
        let abbreviation = info.abbreviation();
        let named =
            abbreviation.starts_with(|c: char| c.is_ascii_alphabetic()) && abbreviation != "UTC";
        format!(
            "{} local time ({utc}{})",
            self.day_and_clock(epoch_millis),
            if named {
                format!(", {abbreviation}")
            } else {
                String::new()
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-07-25 14:26:45.123 UTC.
    const SUMMER: i64 = 1_690_295_205_123;
    /// 2023-01-10 09:00:00 UTC.
    const WINTER: i64 = 1_673_341_200_000;

    #[test]
    fn utc_is_the_recorded_time() {
        let utc = LocalTime::fixed(0);
        assert_eq!(utc.clock(SUMMER), "14:26:45");
        assert_eq!(
            utc.date_time(SUMMER),
            "2023-07-25 14:26:45 local time (UTC)"
        );
    }

    #[test]
    fn a_fixed_offset_moves_the_clock_and_the_date() {
        let east = LocalTime::fixed(10 * 3600);
        assert_eq!(east.clock(SUMMER), "00:26:45");
        assert_eq!(
            east.date_time(SUMMER),
            "2023-07-26 00:26:45 local time (UTC+10:00)"
        );
        assert_eq!(east.day_and_clock(SUMMER), "2023-07-26 00:26:45");
        let west = LocalTime::fixed(-(5 * 3600 + 30 * 60));
        assert_eq!(west.clock(SUMMER), "08:56:45");
    }

    #[test]
    fn daylight_saving_follows_the_date() {
        let berlin = LocalTime::posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("rule");
        assert_eq!(berlin.clock(SUMMER), "16:26:45");
        assert_eq!(berlin.clock(WINTER), "10:00:00");
        assert_eq!(
            berlin.date_time(SUMMER),
            "2023-07-25 16:26:45 local time (UTC+02:00, CEST)"
        );
        assert!(LocalTime::posix("not a rule").is_none());
    }

    #[test]
    fn times_outside_the_calendar_still_say_something() {
        let utc = LocalTime::fixed(0);
        assert_eq!(utc.clock(i64::MAX), crate::clock::clock_time(i64::MAX));
        assert!(!utc.date_time(i64::MIN / 2).is_empty());
    }
}
