//! Calendar arithmetic, archive time formats and Twitter snowflake ids.

// The calendar has one home, lockstep-model; re-exported for this crate's callers.
pub use lockstep_model::time::{DAY, civil_from_days, days_from_civil};

use std::fmt::Write as _;

/// Seconds in an hour.
pub const HOUR: i64 = 3_600;
/// Twitter's snowflake epoch in Unix milliseconds.
pub const TWEPOCH_MS: i64 = 1_288_834_974_657;

/// Unix seconds at 00:00 UTC of `YYYY-MM-DD`, or `None` if the text is not such a date.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    (civil_from_days(days) == (y, m, d)).then_some(days * DAY)
}

/// Day of week of a Unix time shifted by `offset_s`: 0 = Monday ... 6 = Sunday.
pub fn weekday(ts: i64, offset_s: i64) -> u32 {
    ((ts + offset_s).div_euclid(DAY) + 3).rem_euclid(7) as u32
}

/// Local hour of day (0..24, fractional) of a Unix time at UTC offset `offset_s`.
pub fn local_hour(ts: i64, offset_s: i64) -> f64 {
    (ts + offset_s).rem_euclid(DAY) as f64 / HOUR as f64
}

/// Appends `YYYY-MM-DD HH:MM` (the archive's minute resolution) of Unix seconds `ts`.
pub fn push_minute(out: &mut String, ts: i64) {
    let (y, m, d) = civil_from_days(ts.div_euclid(DAY));
    let s = ts.rem_euclid(DAY);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        s / HOUR,
        (s % HOUR) / 60
    );
}

/// Appends `YYYY-MM-DD HH:MM:SS` of Unix seconds `ts` (used by the login and ad logs).
pub fn push_second(out: &mut String, ts: i64) {
    push_minute(out, ts);
    let _ = write!(out, ":{:02}", ts.rem_euclid(60));
}

/// A Twitter snowflake id: timestamp bits `(ms - TWEPOCH_MS) << 22` plus 22 low bits.
pub fn snowflake(ms: i64, low22: u64) -> u64 {
    (((ms - TWEPOCH_MS).max(0) as u64) << 22) | (low22 & 0x3F_FFFF)
}

/// Unix milliseconds encoded in a snowflake id.
pub fn snowflake_ms(id: u64) -> i64 {
    (id >> 22) as i64 + TWEPOCH_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(parse_date("2019-06-09"), Some(1_560_038_400));
        assert_eq!(parse_date("2019-02-30"), None);
        for z in [-1000, 0, 17_000, 18_000, 20_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        // 2019-06-09 was a Sunday.
        assert_eq!(weekday(1_560_038_400, 0), 6);
    }

    #[test]
    fn formats_and_snowflakes() {
        let mut s = String::new();
        push_minute(&mut s, 1_560_038_400 + 13 * HOUR + 5 * 60 + 59);
        assert_eq!(s, "2019-06-09 13:05");
        s.clear();
        push_second(&mut s, 1_560_038_400 + 59);
        assert_eq!(s, "2019-06-09 00:00:59");
        let ms = 1_560_038_400_123;
        let id = snowflake(ms, 12345);
        assert_eq!(snowflake_ms(id), ms);
        assert_eq!(id & 0x3F_FFFF, 12345);
    }
}
