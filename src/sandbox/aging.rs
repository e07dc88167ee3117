//! The time-based transitions (§9): a purchase waiting for its payment goes OVERDUE after
//! 2 h and EXPIRED after 24 h; an un-captured hold lapses after 7 days. Applied when a
//! purchase is touched and when the control plane moves the clock.

use super::purchase::{Purchase, Status};

/// Seconds after which a waiting purchase is OVERDUE.
pub const OVERDUE_AFTER: i64 = 120 * 60;
/// Seconds after which a waiting purchase is EXPIRED.
pub const EXPIRED_AFTER: i64 = 24 * 3600;
/// Seconds after which an un-captured hold lapses (reference §6.4).
pub const HOLD_LAPSES_AFTER: i64 = 7 * 24 * 3600;

/// What aging does to a purchase at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    None,
    Overdue,
    Expire,
}

fn step(p: &Purchase, now: i64) -> Step {
    let age = now - p.created_on;
    let waiting = matches!(
        p.status,
        Status::Created | Status::PendingExecute | Status::Overdue
    );
    if waiting && age > EXPIRED_AFTER {
        return Step::Expire;
    }
    if p.status == Status::Preauthorized && age > HOLD_LAPSES_AFTER {
        return Step::Expire;
    }
    if matches!(p.status, Status::Created | Status::PendingExecute) && age > OVERDUE_AFTER {
        return Step::Overdue;
    }
    Step::None
}

impl Purchase {
    /// Whether [`Purchase::age`] would change anything at `now` (a read can skip the
    /// write path when it would not).
    pub fn needs_aging(&self, now: i64) -> bool {
        step(self, now) != Step::None
    }

    /// Applies the time-based transitions at `now`; returns true when the purchase
    /// expired (the caller sends the `expired` webhook).
    pub fn age(&mut self, now: i64) -> bool {
        match step(self, now) {
            Step::None => false,
            Step::Overdue => {
                self.set_status(Status::Overdue, now);
                false
            }
            Step::Expire => {
                self.pending = None;
                self.set_status(Status::Expired, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created_at(t: i64, status: Status) -> Purchase {
        Purchase {
            created_on: t,
            status,
            ..Purchase::default()
        }
    }

    #[test]
    fn waiting_purchases_go_overdue_then_expire_and_holds_lapse() {
        let mut p = created_at(0, Status::Created);
        assert!(!p.needs_aging(OVERDUE_AFTER));
        assert!(p.needs_aging(OVERDUE_AFTER + 1));
        assert!(!p.age(OVERDUE_AFTER + 1));
        assert_eq!(p.status, Status::Overdue);
        assert!(!p.needs_aging(EXPIRED_AFTER));
        assert!(p.age(EXPIRED_AFTER + 1));
        assert_eq!(p.status, Status::Expired);
        assert!(!p.needs_aging(i64::MAX / 2), "final");

        let mut hold = created_at(0, Status::Preauthorized);
        assert!(!hold.needs_aging(HOLD_LAPSES_AFTER));
        assert!(hold.age(HOLD_LAPSES_AFTER + 1));
        assert_eq!(hold.status, Status::Expired);

        let paid = created_at(0, Status::Paid);
        assert!(!paid.needs_aging(i64::MAX / 2));
    }
}
