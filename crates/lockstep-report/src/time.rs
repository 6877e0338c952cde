//! Calendar arithmetic on UTC seconds, enough for report labels and archive timestamps without a
//! date-time dependency (Howard Hinnant's `civil_from_days`).

// The calendar has one home, lockstep-model; re-exported for this crate's callers.
pub use lockstep_model::time::{DAY, civil_from_days, days_from_civil};

/// `YYYY-MM-DD` of UTC seconds.
pub fn format_date(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM` of UTC seconds: the Twitter archive's `tweet_time` format.
pub fn format_minute(t: i64) -> String {
    let secs = t.rem_euclid(DAY);
    format!(
        "{} {:02}:{:02}",
        format_date(t),
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// `YYYY-MM` of UTC seconds.
pub fn format_month(t: i64) -> String {
    let (y, m, _) = civil_from_days(t.div_euclid(DAY));
    format!("{y:04}-{m:02}")
}

/// Day of week of UTC seconds shifted by `offset_s`: 0 = Monday ... 6 = Sunday.
pub fn weekday(t: i64) -> usize {
    // 1970-01-01 was a Thursday (index 3).
    ((t.div_euclid(DAY) + 3).rem_euclid(7)) as usize
}

/// Hour of day 0-23 of UTC seconds.
pub fn hour(t: i64) -> usize {
    (t.rem_euclid(DAY) / 3600) as usize
}

/// UTC seconds of the first day of the month containing `t`.
pub fn month_start(t: i64) -> i64 {
    let (y, m, _) = civil_from_days(t.div_euclid(DAY));
    days_from_civil(y, m, 1) * DAY
}

/// UTC seconds of the first day of the month after the one containing `t`.
pub fn next_month(t: i64) -> i64 {
    let (y, m, _) = civil_from_days(t.div_euclid(DAY));
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days_from_civil(y, m, 1) * DAY
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_minute(1_566_172_800 + 3_660), "2019-08-19 01:01");
        assert_eq!(weekday(1_566_172_800), 0, "2019-08-19 was a Monday");
        assert_eq!(format_month(951_782_400), "2000-02");
        assert_eq!(format_date(-1), "1969-12-31");
    }

    proptest! {
        #[test]
        fn civil_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(y, m, d), days);
            prop_assert!((1..=12).contains(&m) && (1..=31).contains(&d));
        }

        #[test]
        fn month_bounds(t in 0i64..4_000_000_000) {
            let s = month_start(t);
            let n = next_month(t);
            prop_assert!(s <= t && t < n);
            prop_assert_eq!(format_month(s), format_month(t));
        }
    }
}
