//! Time: UTC seconds and the resolution a source records time at.

use serde::{Deserialize, Serialize};

/// Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
pub const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;

/// The first snowflake id (2010-11-04): ids below this are sequential, not time-encoding.
pub const FIRST_SNOWFLAKE: u64 = 29_700_859_247_000_000 / 1000 * 1000;

/// Seconds per day.
pub const DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
/// The one calendar of the workspace (ingest, simulation and report use it).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month 1-12, day 1-31)` of a count of days since 1970-01-01 (inverse of
/// [`days_from_civil`]).
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

/// The finest time unit a source's timestamps carry. Windows below a source's resolution are
/// refused by the engine instead of silently matching nothing (or everything in a minute).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// Exact to the second (or finer, truncated to seconds).
    Second,
    /// Truncated to the minute (e.g. the archive's `tweet_time`, the IRA set's `publish_date`).
    Minute,
    /// Only the day is known (e.g. file-name dates).
    Day,
}

impl Resolution {
    /// The resolution in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            Resolution::Second => 1,
            Resolution::Minute => 60,
            Resolution::Day => 86_400,
        }
    }

    /// Human-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Second => "second",
            Resolution::Minute => "minute",
            Resolution::Day => "day",
        }
    }
}

/// Unix milliseconds encoded in a Twitter snowflake id, or `None` when the id predates snowflakes.
pub fn snowflake_to_unix_ms(id: u64) -> Option<i64> {
    if id < FIRST_SNOWFLAKE {
        return None;
    }
    Some((id >> 22) as i64 + TWITTER_EPOCH_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_known_dates_and_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        for z in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn snowflake_known_value() {
        // 2019-08-19T00:00:00.123Z encoded as a snowflake (timestamp bits, worker/sequence bits set).
        let ms: i64 = 1_566_172_800_123;
        let id = (((ms - TWITTER_EPOCH_MS) as u64) << 22) | 0x3f_ffff;
        assert_eq!(snowflake_to_unix_ms(id), Some(ms));
        assert_eq!(snowflake_to_unix_ms(20), None);
    }
}
