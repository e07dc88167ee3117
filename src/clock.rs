//! Wall-clock helpers: epoch seconds and the calendar month, without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar month; ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    /// Full year, e.g. 2026.
    pub year: i32,
    /// Month 1-12.
    pub month: u32,
}

impl YearMonth {
    /// The month `n` months after this one.
    pub fn plus_months(self, n: u32) -> YearMonth {
        let index = self.year as i64 * 12 + i64::from(self.month - 1) + i64::from(n);
        YearMonth {
            year: (index.div_euclid(12)) as i32,
            month: (index.rem_euclid(12) + 1) as u32,
        }
    }

    /// `MM/YY`, the card expiry format.
    pub fn as_expiry(self) -> String {
        format!("{:02}/{:02}", self.month, self.year.rem_euclid(100))
    }
}

/// Seconds since the Unix epoch, now.
pub fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Milliseconds since the Unix epoch, now.
pub fn now_epoch_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The calendar month (UTC) containing `epoch` seconds.
pub fn year_month_of(epoch: i64) -> YearMonth {
    let (year, month, _) = civil_from_days(epoch.div_euclid(86_400));
    YearMonth { year, month }
}

/// `(year, month, day)` of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// `YYYY-MM-DD` of `epoch` seconds (UTC).
pub fn iso_date(epoch: i64) -> String {
    let (y, m, d) = civil_from_days(epoch.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `HH:MM:SS` of `epoch` milliseconds (UTC).
pub fn clock_time(epoch_millis: i64) -> String {
    let secs = epoch_millis.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// `YYYY-MM-DD HH:MM:SS UTC` of `epoch` milliseconds, for listings read on another day
/// or in another time zone than they were recorded.
pub fn utc_datetime(epoch_millis: i64) -> String {
    format!(
        "{} {} UTC",
        iso_date(epoch_millis.div_euclid(1000)),
        clock_time(epoch_millis)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(iso_date(1_690_295_205), "2023-07-25");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(
            year_month_of(1_795_996_800),
            YearMonth {
                year: 2026,
                month: 11
            }
        );
    }

    #[test]
    fn months_roll_over_years() {
        let nov = YearMonth {
            year: 2026,
            month: 11,
        };
        assert_eq!(nov.plus_months(2).as_expiry(), "01/27");
        assert_eq!(nov.plus_months(14).as_expiry(), "01/28");
    }

    #[test]
    fn clock_time_formats() {
        assert_eq!(clock_time(3_723_000), "01:02:03");
        assert_eq!(utc_datetime(1_690_295_205_123), "2023-07-25 14:26:45 UTC");
        assert_eq!(utc_datetime(-1), "1969-12-31 23:59:59 UTC");
    }
}
