//! Twitter API v2 / twarc2 JSON: flattened tweets one per line (`id, author_id, created_at, text,
//! referenced_tweets, entities.{hashtags,urls,mentions}`, optional `author`), response pages
//! (`{"data": [...], "includes": {"users": [...], "tweets": [...]}}`) one per line, and v2 user
//! objects (one JSON array, or one per line).

use crate::csvdrive::Ctx;
use crate::error::{FieldError, shown};
use lockstep_model::{PostKind, PostRecord, Profile};
use serde_json::Value;
use std::collections::HashMap;

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    match v.get(key) {
        Some(Value::String(x)) => x,
        _ => "",
    }
}

fn id_of<'v>(v: &'v Value, key: &str, owned: &'v mut String) -> &'v str {
    match v.get(key) {
        Some(Value::String(x)) => x,
        Some(Value::Number(n)) => {
            *owned = n.to_string();
            owned
        }
        _ => "",
    }
}

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get("public_metrics")
        .and_then(|m| m.get(key))
        .and_then(Value::as_u64)
}

/// Adds a v2 user object as a profile.
pub(crate) fn add_user(u: &Value, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
    let mut owned = String::new();
    let id = id_of(u, "id", &mut owned).to_string();
    if id.is_empty() {
        return Err(FieldError::new("id", "missing user id", ""));
    }
    let created = match u.get("created_at") {
        Some(Value::String(t)) if !t.is_empty() => Some(super::checked_time(
            crate::timeparse::parse_datetime(t.as_bytes())
                .or_else(|| crate::timeparse::parse_twitter_v1(t.as_bytes())),
            t,
            "created_at",
        )?),
        _ => None,
    };
    let b = &mut *ctx.b;
    let p = Profile {
        screen_name: b.intern(s(u, "username")),
        display_name: b.intern(s(u, "name")),
        created_at: created,
        followers: count(u, "followers_count"),
        following: count(u, "following_count"),
        language: b.intern(s(u, "lang")),
        location: b.intern(s(u, "location")),
        description: b.intern(s(u, "description")),
        profile_url: b.intern(s(u, "url")),
        platform: b.intern("twitter"),
    };
    b.set_profile(&id, &p);
    Ok(())
}

/// Adds one v2 tweet. `authors` maps ids of tweets in the same response page to their authors.
pub(crate) fn add_tweet(
    t: &Value,
    authors: &HashMap<String, String>,
    ctx: &mut Ctx<'_>,
) -> Result<(), FieldError> {
    let mut o1 = String::new();
    let mut o2 = String::new();
    let id = id_of(t, "id", &mut o1);
    let author = id_of(t, "author_id", &mut o2);
    if author.is_empty() {
        return Err(FieldError::new("author_id", "missing author", ""));
    }
    let ct = s(t, "created_at");
    let time = super::checked_time(
        crate::timeparse::parse_datetime(ct.as_bytes()),
        ct,
        "created_at",
    )?;
    let (mut rt, mut rt_author, mut reply, mut quote) = ("", String::new(), "", "");
    if let Some(Value::Array(refs)) = t.get("referenced_tweets") {
        for r in refs {
            let rid = s(r, "id");
            match s(r, "type") {
                "retweeted" => {
                    rt = rid;
                    rt_author = s(r, "author_id").to_string();
                    if rt_author.is_empty() {
                        rt_author = authors.get(rid).cloned().unwrap_or_default();
                    }
                }
                "replied_to" => reply = rid,
                "quoted" => quote = rid,
                "" => {}
                other => {
                    return Err(FieldError::new(
                        "referenced_tweets.type",
                        "unknown reference type",
                        shown(other.as_bytes()),
                    ));
                }
            }
        }
    }
    let ent = t.get("entities");
    let list = |key: &str, fields: &[&str]| -> Vec<&str> {
        ent.and_then(|e| e.get(key))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| fields.iter().map(|f| s(x, f)).find(|v| !v.is_empty()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let tags = list("hashtags", &["tag"]);
    let urls = list("urls", &["unwound_url", "expanded_url", "url"]);
    let ments = list("mentions", &["id", "username"]);
    let lat_lon = t
        .get("geo")
        .and_then(|g| g.get("coordinates"))
        .and_then(|c| c.get("coordinates"))
        .and_then(Value::as_array)
        .and_then(|c| Some((c.get(1)?.as_f64()? as f32, c.first()?.as_f64()? as f32)));
    let kind = if !rt.is_empty() {
        PostKind::Repost
    } else if !reply.is_empty() {
        PostKind::Reply
    } else if !quote.is_empty() {
        PostKind::Quote
    } else {
        PostKind::Original
    };
    let r = PostRecord {
        external_id: id,
        account: author,
        time,
        kind: Some(kind),
        text: s(t, "text"),
        language: s(t, "lang"),
        client: s(t, "source"),
        repost_of: rt,
        repost_of_account: &rt_author,
        reply_to: reply,
        reply_to_account: s(t, "in_reply_to_user_id"),
        quote_of: quote,
        hashtags: &tags,
        urls: &urls,
        mentions: &ments,
        lat_lon,
        ..Default::default()
    };
    ctx.b.push_post(&r, ctx.src);
    if let Some(a) = t.get("author").filter(|a| a.is_object()) {
        add_user(a, ctx)?;
    }
    Ok(())
}

/// One line of a v2 / twarc2 file: a flattened tweet or a response page.
pub(crate) fn line(v: &Value, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
    if let Some(Value::Array(data)) = v.get("data") {
        let inc = v.get("includes");
        let mut authors = HashMap::new();
        if let Some(Value::Array(ts)) = inc.and_then(|i| i.get("tweets")) {
            for t in ts {
                authors.insert(s(t, "id").to_string(), s(t, "author_id").to_string());
            }
        }
        // Validate the page's tweets first so a bad page adds nothing.
        for t in data {
            let ct = s(t, "created_at");
            super::checked_time(
                crate::timeparse::parse_datetime(ct.as_bytes()),
                ct,
                "data[].created_at",
            )?;
        }
        for t in data {
            add_tweet(t, &authors, ctx)?;
        }
        if let Some(Value::Array(us)) = inc.and_then(|i| i.get("users")) {
            for u in us {
                add_user(u, ctx)?;
            }
        }
        Ok(())
    } else if v.get("author_id").is_some() {
        add_tweet(v, &HashMap::new(), ctx)
    } else if v.get("username").is_some() {
        add_user(v, ctx)
    } else {
        Err(FieldError::new(
            "json",
            "not a v2 tweet, user or response page",
            "no `author_id`, `username` or `data`",
        ))
    }
}
