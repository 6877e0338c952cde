//! Input formats and their detection from the first bytes of a (decompressed) file.

use std::fmt;
use std::str::FromStr;

/// An input format Lockstep can read. Detected from the header, or forced with `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Twitter information-operations archive, tweets file (30 columns, 31 with `poll_choices`).
    ArchiveTweets,
    /// Twitter information-operations archive, users file (10 columns).
    ArchiveUsers,
    /// CooRTweet's 4-column shares: `object_id, account_id, content_id, timestamp_share`.
    Coortweet,
    /// CooRTweet's multi-object variant: `account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp`.
    CoortweetMulti,
    /// FiveThirtyEight IRA troll tweets (`author_id, content, ..., publish_date, ..., post_type, retweet`).
    Ira538,
    /// CrowdTangle post export (CSV).
    Crowdtangle,
    /// Twitter API v2 / twarc2 JSON lines: flattened tweets or `{"data": [...], "includes": ...}` pages.
    TwitterV2,
    /// Twitter API v2 user objects as one JSON array (or JSON lines of users).
    TwitterV2Users,
    /// Retweet edges without times: `retweeted_id, user_id`; the day comes from the file name.
    RetweetEdges,
    /// Simulator / platform logins table: `userid, login_time, ip, device`.
    Logins,
    /// Page/group administrators: `page_id, page_name, page_kind, userid`.
    PageAdmins,
    /// Ad submissions: `ad_id, advertiser, payer, landing_url, ad_text, spend, currency, submitted_at, userid`.
    Ads,
    /// Any CSV, read through a TOML column [`crate::Mapping`].
    GenericCsv,
    /// Any JSON-lines file, read through a TOML column [`crate::Mapping`].
    GenericJsonl,
    /// Any Parquet file, read through a TOML column [`crate::Mapping`].
    Parquet,
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: [Format; 15] = [
        Format::ArchiveTweets,
        Format::ArchiveUsers,
        Format::Coortweet,
        Format::CoortweetMulti,
        Format::Ira538,
        Format::Crowdtangle,
        Format::TwitterV2,
        Format::TwitterV2Users,
        Format::RetweetEdges,
        Format::Logins,
        Format::PageAdmins,
        Format::Ads,
        Format::GenericCsv,
        Format::GenericJsonl,
        Format::Parquet,
    ];

    /// The name used on the command line (`--format`) and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::ArchiveTweets => "archive-tweets",
            Format::ArchiveUsers => "archive-users",
            Format::Coortweet => "coortweet",
            Format::CoortweetMulti => "coortweet-multi",
            Format::Ira538 => "ira-538",
            Format::Crowdtangle => "crowdtangle",
            Format::TwitterV2 => "twitter-v2",
            Format::TwitterV2Users => "twitter-v2-users",
            Format::RetweetEdges => "retweet-edges",
            Format::Logins => "logins",
            Format::PageAdmins => "page-admins",
            Format::Ads => "ads",
            Format::GenericCsv => "csv",
            Format::GenericJsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }

    /// True for the formats read through a column mapping.
    pub fn needs_mapping(self) -> bool {
        matches!(
            self,
            Format::GenericCsv | Format::GenericJsonl | Format::Parquet
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--format` value that names no known format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (known: {known})", known = known_list())]
pub struct UnknownFormat(pub String);

fn known_list() -> String {
    Format::ALL
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let l = s.trim().to_ascii_lowercase().replace('_', "-");
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == l)
            .or(match l.as_str() {
                "archive" | "twitter-archive" | "io-archive" => Some(Format::ArchiveTweets),
                "ira" | "538" => Some(Format::Ira538),
                "twarc" | "twarc2" | "v2" => Some(Format::TwitterV2),
                "retweets" | "voterfraud" => Some(Format::RetweetEdges),
                "json" | "ndjson" => Some(Format::GenericJsonl),
                _ => None,
            })
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// The column names of a CSV header line, lowercased, quotes and a UTF-8 BOM removed.
pub(crate) fn header_columns(header: &[u8]) -> Vec<String> {
    let header = header.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(header);
    let line_end = memchr::memchr(b'\n', header).unwrap_or(header.len());
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&header[..line_end]);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase())
            .collect(),
        _ => Vec::new(),
    }
}

/// Detects a format from the first bytes of a file (after decompression). `None` when the header
/// matches no built-in format (a generic format with a mapping may still read it).
pub fn detect_format(header: &[u8]) -> Option<Format> {
    if header.starts_with(b"PAR1") {
        return Some(Format::Parquet);
    }
    let trimmed = header.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(header);
    let first = trimmed.iter().position(|b| !b.is_ascii_whitespace());
    let lead = first.map(|i| trimmed[i]);
    if lead == Some(b'{') {
        let probe = &trimmed[..trimmed.len().min(64 * 1024)];
        let has = |needle: &[u8]| memchr::memmem::find(probe, needle).is_some();
        if has(b"\"author_id\"") || has(b"\"data\"") {
            return Some(Format::TwitterV2);
        }
        if has(b"\"username\"") && has(b"\"public_metrics\"") {
            return Some(Format::TwitterV2Users);
        }
        return Some(Format::GenericJsonl);
    }
    if lead == Some(b'[') {
        let probe = &trimmed[..trimmed.len().min(64 * 1024)];
        if memchr::memmem::find(probe, b"\"username\"").is_some() {
            return Some(Format::TwitterV2Users);
        }
        if memchr::memmem::find(probe, b"\"author_id\"").is_some() {
            return Some(Format::TwitterV2);
        }
        return None;
    }
    let cols = header_columns(trimmed);
    let has = |c: &str| cols.iter().any(|x| x == c);
    let has_all = |cs: &[&str]| cs.iter().all(|c| has(c));
    if has_all(&["tweetid", "userid", "tweet_time", "tweet_text"]) {
        return Some(Format::ArchiveTweets);
    }
    if has_all(&["userid", "user_screen_name", "account_creation_date"]) {
        return Some(Format::ArchiveUsers);
    }
    if has_all(&["object_id", "account_id", "content_id", "timestamp_share"]) {
        return Some(Format::Coortweet);
    }
    if has_all(&["account_id", "post_id", "timestamp"])
        && ["url_id", "hashtag_id", "domain_id", "phash_id"]
            .iter()
            .any(|c| has(c))
    {
        return Some(Format::CoortweetMulti);
    }
    if has_all(&["author_id", "content", "publish_date", "post_type"]) {
        return Some(Format::Ira538);
    }
    if has_all(&["account_id", "date", "expanded"])
        && (has("account_accounttype") || has("platformid"))
    {
        return Some(Format::Crowdtangle);
    }
    if has_all(&["retweeted_id", "user_id"]) && cols.len() == 2 {
        return Some(Format::RetweetEdges);
    }
    if has_all(&["userid", "login_time", "ip", "device"]) {
        return Some(Format::Logins);
    }
    if has_all(&["page_id", "page_name", "page_kind", "userid"]) {
        return Some(Format::PageAdmins);
    }
    if has_all(&[
        "ad_id",
        "advertiser",
        "payer",
        "landing_url",
        "submitted_at",
    ]) {
        return Some(Format::Ads);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert!("nope".parse::<Format>().is_err());
    }

    #[test]
    fn detects_headers() {
        assert_eq!(
            detect_format(b"object_id,account_id,content_id,timestamp_share\n1,2,3,4\n"),
            Some(Format::Coortweet)
        );
        assert_eq!(
            detect_format(
                b"\"userid\",\"user_display_name\",\"user_screen_name\",\"account_creation_date\""
            ),
            Some(Format::ArchiveUsers)
        );
        assert_eq!(
            detect_format(b"account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp"),
            Some(Format::CoortweetMulti)
        );
        assert_eq!(
            detect_format(b"retweeted_id,user_id\n"),
            Some(Format::RetweetEdges)
        );
        assert_eq!(
            detect_format(b"{\"id\":\"1\",\"author_id\":\"2\"}"),
            Some(Format::TwitterV2)
        );
        assert_eq!(detect_format(b"PAR1...."), Some(Format::Parquet));
        assert_eq!(detect_format(b"a,b,c\n"), None);
        assert_eq!(detect_format(b""), None);
    }
}
