//! One stream message: an archive row, a Twitter v2 tweet or a normalised post (docs/watch.md,
//! "Input"). Only what the watcher needs before ingest is read here (shape, event time, author,
//! repost target); the posts themselves are read by `lockstep-ingest` at each snapshot, so every
//! field is parsed by the same code as `investigate`.

use serde_json::{Map, Value};

/// Which of the three accepted shapes a message has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A Twitter information-operations archive tweets row keyed by the archive's column names.
    Archive,
    /// A Twitter API v2 tweet object (flattened, as twarc2 writes it).
    TwitterV2,
    /// Lockstep's normalised post (`post_id`, `account`, `time`, ... ; docs/watch.md).
    Normalised,
}

/// A message that passed the watcher's checks.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Its shape.
    pub kind: MessageKind,
    /// Event time, UTC seconds.
    pub time: i64,
    /// External id of the author.
    pub account: String,
    /// External id of the post.
    pub post_id: String,
    /// For a repost: the external id of the reposted post.
    pub repost_of: Option<String>,
    /// The message as received (one JSON object, no trailing newline).
    pub raw: String,
}

/// Why a message was refused (the dead-letter reason).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

fn text(o: &Map<String, Value>, key: &str) -> Option<String> {
    match o.get(key)? {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn need(o: &Map<String, Value>, key: &str, shape: &str) -> Result<String, Refusal> {
    text(o, key).ok_or_else(|| Refusal(format!("{shape}: field `{key}` missing or empty")))
}

fn time_of(o: &Map<String, Value>, key: &str, shape: &str) -> Result<i64, Refusal> {
    let raw = need(o, key, shape)?;
    let t = lockstep_ingest::timeparse::parse_any(raw.as_bytes())
        .ok_or_else(|| Refusal(format!("{shape}: field `{key}`: unreadable time `{raw}`")))?;
    lockstep_ingest::timeparse::plausible(t)
        .map_err(|e| Refusal(format!("{shape}: field `{key}`: {e}")))
}

/// Reads one line. Blank lines are `Ok(None)`.
pub fn parse(line: &str) -> Result<Option<Message>, Refusal> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let v: Value =
        serde_json::from_str(line).map_err(|e| Refusal(format!("not a JSON object: {e}")))?;
    let Value::Object(o) = v else {
        return Err(Refusal("not a JSON object".into()));
    };
    let raw = line.to_string();
    if o.contains_key("tweetid") || o.contains_key("tweet_time") {
        let shape = "archive row";
        let is_rt = text(&o, "is_retweet").is_some_and(|s| s.eq_ignore_ascii_case("true"));
        let post_id = need(&o, "tweetid", shape)?;
        let minute = time_of(&o, "tweet_time", shape)?;
        return Ok(Some(Message {
            kind: MessageKind::Archive,
            // The archive reader's rule: the snowflake id's second when it agrees to the minute.
            time: lockstep_ingest::snowflake_second(&post_id, minute).unwrap_or(minute),
            account: need(&o, "userid", shape)?,
            post_id,
            repost_of: if is_rt {
                text(&o, "retweet_tweetid")
            } else {
                None
            },
            raw,
        }));
    }
    if o.contains_key("author_id") {
        let shape = "Twitter v2 tweet";
        let repost_of = o
            .get("referenced_tweets")
            .and_then(Value::as_array)
            .and_then(|refs| {
                refs.iter().find_map(|r| {
                    let r = r.as_object()?;
                    (text(r, "type").as_deref() == Some("retweeted"))
                        .then(|| text(r, "id"))
                        .flatten()
                })
            });
        return Ok(Some(Message {
            kind: MessageKind::TwitterV2,
            time: time_of(&o, "created_at", shape)?,
            account: need(&o, "author_id", shape)?,
            post_id: need(&o, "id", shape)?,
            repost_of,
            raw,
        }));
    }
    if o.contains_key("post_id") || o.contains_key("account") {
        let shape = "normalised post";
        let is_repost = text(&o, "kind").as_deref() == Some("repost");
        return Ok(Some(Message {
            kind: MessageKind::Normalised,
            time: time_of(&o, "time", shape)?,
            account: need(&o, "account", shape)?,
            post_id: need(&o, "post_id", shape)?,
            repost_of: if is_repost {
                text(&o, "repost_of")
            } else {
                None
            },
            raw,
        }));
    }
    Err(Refusal(
        "unknown message shape: expected an archive row (tweetid, userid, tweet_time), a Twitter v2 tweet (id, author_id, created_at) or a normalised post (post_id, account, time)".into(),
    ))
}

/// The column mapping that reads normalised posts through ingest's generic JSON-lines reader:
/// the normalised field names are the mapping's own column names.
pub const NORMALISED_MAPPING: &str = r#"
time_format = "auto"
resolution = "second"
[columns]
post_id = "post_id"
account = "account"
time = "time"
text = "text"
kind = "kind"
repost_of = "repost_of"
repost_of_account = "repost_of_account"
reply_to = "reply_to"
language = "language"
hashtags = "hashtags"
urls = "urls"
mentions = "mentions"
screen_name = "screen_name"
display_name = "display_name"
followers = "followers"
[kinds]
repost = ["repost"]
reply = ["reply"]
original = ["original", ""]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_shapes_and_refusals() {
        let a = parse(r#"{"tweetid":"1","userid":"u","tweet_time":"2019-06-01 10:00","is_retweet":"true","retweet_tweetid":"9"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(a.kind, MessageKind::Archive);
        assert_eq!(a.time, 1_559_383_200);
        assert_eq!(a.repost_of.as_deref(), Some("9"));
        let v = parse(r#"{"id":"2","author_id":7,"created_at":"2019-06-01T10:00:05Z","referenced_tweets":[{"type":"retweeted","id":"5"}]}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            (v.kind, v.account.as_str(), v.time),
            (MessageKind::TwitterV2, "7", 1_559_383_205)
        );
        assert_eq!(v.repost_of.as_deref(), Some("5"));
        let n = parse(r#"{"post_id":"3","account":"a","time":1559383200,"kind":"original"}"#)
            .unwrap()
            .unwrap();
        assert_eq!((n.kind, n.repost_of), (MessageKind::Normalised, None));
        assert!(parse("   ").unwrap().is_none());
        assert!(
            parse("{nope")
                .unwrap_err()
                .0
                .starts_with("not a JSON object")
        );
        assert!(parse("[1]").unwrap_err().0.contains("not a JSON object"));
        assert!(
            parse(r#"{"x":1}"#)
                .unwrap_err()
                .0
                .contains("unknown message shape")
        );
        let e = parse(r#"{"tweetid":"1","userid":"u","tweet_time":"yesterday"}"#).unwrap_err();
        assert!(e.0.contains("unreadable time"), "{e:?}");
        let e = parse(r#"{"tweetid":"1","tweet_time":"2019-06-01 10:00"}"#).unwrap_err();
        assert!(e.0.contains("`userid` missing"), "{e:?}");
    }
}
