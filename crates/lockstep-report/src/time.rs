//! Calendar arithmetic on UTC seconds, enough for report labels and archive timestamps without a
//! date-time dependency (Howard Hinnant's `civil_from_days`).

/// Seconds per day.
pub const DAY: i64 = 86_400;

/// `(year, month 1-12, day 1-31)` of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 of a calendar date (inverse of [`civil_from_days`]).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

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
