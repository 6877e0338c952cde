//! Time: UTC seconds and the resolution a source records time at.

use serde::{Deserialize, Serialize};

/// Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
pub const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;

/// The first snowflake id (2010-11-04): ids below this are sequential, not time-encoding.
pub const FIRST_SNOWFLAKE: u64 = 29_700_859_247_000_000 / 1000 * 1000;

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
    fn snowflake_known_value() {
        // 2019-08-19T00:00:00.123Z encoded as a snowflake (timestamp bits, worker/sequence bits set).
        let ms: i64 = 1_566_172_800_123;
        let id = (((ms - TWITTER_EPOCH_MS) as u64) << 22) | 0x3f_ffff;
        assert_eq!(snowflake_to_unix_ms(id), Some(ms));
        assert_eq!(snowflake_to_unix_ms(20), None);
    }
}
