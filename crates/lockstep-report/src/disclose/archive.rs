//! Writes `tweets.csv`, `users.csv` and `network_accounts.csv` in the Twitter
//! information-operations archive schema, with protected identifiers pseudonymised.
//!
//! Free-text cells (display name, screen name, location, description, profile url, tweet text,
//! client) carry the formula-injection guard shared with every CSV writer of the project
//! ([`lockstep_export::csv_cell`]): a cell starting with `=`, `+`, `-`, `@`, a tab or a CR is
//! written with a leading `'`. Ids, numbers, dates and the Python-style lists (which start with
//! `[`) are written as they are.

use super::scrub::Pseudonymizer;
use super::{DiscloseError, Network, files};
use crate::time::{format_date, format_minute};
use hashbrown::HashMap;
use lockstep_model::{AccountId, Dataset, ListColumn, PostKind, Sym};
use std::path::Path;

pub use lockstep_model::archive::{TWEET_COLUMNS, USER_COLUMNS};

/// A list in the archive's Python-repr form: `['a', 'b']`, `[]` when empty.
pub fn py_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut s = String::from("[");
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('\'');
        for c in v.chars() {
            if c == '\'' || c == '\\' {
                s.push('\\');
            }
            s.push(c);
        }
        s.push('\'');
    }
    s.push(']');
    s
}

/// A free-text cell as written: the formula-injection guard applied.
fn text_cell(s: &str) -> String {
    lockstep_export::guard_cell(s).into_owned()
}

fn opt_num(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The ten profile fields of an account as disclosed.
fn profile_fields(p: &Pseudonymizer<'_>, a: AccountId) -> [String; 10] {
    let ds = p.sensitive.dataset();
    let acc = &ds.accounts;
    let i = a.idx();
    let public = p.sensitive.is_public(a);
    let text = |s: Sym| text_cell(&p.scrub(ds.str(s)));
    [
        p.id(a).to_string(),
        text_cell(p.display_name(a)),
        text_cell(p.screen_name(a)),
        text(acc.location[i]),
        text(acc.description[i]),
        // A personal website identifies its owner: kept for public accounts only.
        if public {
            text_cell(ds.str(acc.profile_url[i]))
        } else {
            String::new()
        },
        opt_num(acc.followers[i]),
        opt_num(acc.following[i]),
        acc.created_at[i].map(format_date).unwrap_or_default(),
        ds.str(acc.language[i]).to_string(),
    ]
}

fn create_csv(out: &Path, name: &str) -> Result<csv::Writer<std::fs::File>, DiscloseError> {
    let path = out.join(name);
    csv::WriterBuilder::new()
        .from_path(&path)
        .map_err(|e| DiscloseError::Csv { path, source: e })
}

/// Writes the three CSV files for `networks` into `out`.
pub fn write_archive(
    p: &Pseudonymizer<'_>,
    networks: &[Network],
    out: &Path,
) -> Result<(), DiscloseError> {
    let ds = p.sensitive.dataset();
    let mut member_of: HashMap<AccountId, usize> = HashMap::new();
    for (ni, net) in networks.iter().enumerate() {
        for &(a, _) in &net.members {
            member_of.entry(a).or_insert(ni);
        }
    }

    // network_accounts.csv and users.csv: by network, then by disclosed id.
    let mut rows: Vec<(usize, String, AccountId, &str)> = Vec::new();
    for (ni, net) in networks.iter().enumerate() {
        for &(a, role) in &net.members {
            if member_of.get(&a) == Some(&ni) {
                rows.push((ni, p.id(a).to_string(), a, role.as_str()));
            }
        }
    }
    rows.sort();
    rows.dedup_by(|x, y| x.2 == y.2);
    let path = out.join(files::NETWORK_ACCOUNTS);
    let csv_err = |e: csv::Error| DiscloseError::Csv {
        path: path.clone(),
        source: e,
    };
    let mut w = create_csv(out, files::NETWORK_ACCOUNTS)?;
    w.write_record(["userid", "network_id", "verdict", "role"])
        .map_err(csv_err)?;
    for (ni, id, _, role) in &rows {
        let net = &networks[*ni];
        w.write_record([id.as_str(), &net.id, net.verdict.as_str(), role])
            .map_err(csv_err)?;
    }
    w.flush().map_err(|e| DiscloseError::Io {
        path: path.clone(),
        source: e,
    })?;

    let path = out.join(files::USERS);
    let csv_err = |e: csv::Error| DiscloseError::Csv {
        path: path.clone(),
        source: e,
    };
    let mut w = create_csv(out, files::USERS)?;
    w.write_record(USER_COLUMNS).map_err(csv_err)?;
    for (_, _, a, _) in &rows {
        w.write_record(profile_fields(p, *a)).map_err(csv_err)?;
    }
    w.flush().map_err(|e| DiscloseError::Io {
        path: path.clone(),
        source: e,
    })?;

    // tweets.csv: every post of a member, by time.
    let posts = &ds.posts;
    let mut selected: Vec<u32> = (0..posts.len() as u32)
        .filter(|&i| member_of.contains_key(&posts.account[i as usize]))
        .collect();
    selected.sort_by_key(|&i| (posts.time[i as usize], i));
    let path = out.join(files::TWEETS);
    let csv_err = |e: csv::Error| DiscloseError::Csv {
        path: path.clone(),
        source: e,
    };
    let mut w = create_csv(out, files::TWEETS)?;
    w.write_record(TWEET_COLUMNS).map_err(csv_err)?;
    let mut profiles: HashMap<AccountId, [String; 10]> = HashMap::new();
    let mut record: Vec<String> = Vec::with_capacity(30);
    for &i in &selected {
        let i = i as usize;
        let a = posts.account[i];
        let prof = profiles.entry(a).or_insert_with(|| profile_fields(p, a));
        record.clear();
        record.push(ds.str(posts.external_id[i]).to_string());
        record.extend(prof.iter().cloned());
        record.push(ds.str(posts.language[i]).to_string());
        record.push(text_cell(&p.scrub(ds.str(posts.text[i]))));
        record.push(format_minute(posts.time[i]));
        record.push(text_cell(ds.str(posts.client[i])));
        record.push(ds.str(posts.reply_to[i]).to_string());
        record.push(account_ref(p, posts.reply_to_account[i]));
        record.push(ds.str(posts.quote_of[i]).to_string());
        let is_rt = posts.kind[i] == PostKind::Repost;
        record.push(if is_rt { "True" } else { "False" }.to_string());
        record.push(account_ref(p, posts.repost_of_account[i]));
        record.push(ds.str(posts.repost_of[i]).to_string());
        let (lat, lon) = (posts.lat[i], posts.lon[i]);
        // Exact coordinates of a private person are withheld; public accounts keep them.
        if lat.is_finite() && lon.is_finite() && p.sensitive.is_public(a) {
            record.push(lat.to_string());
            record.push(lon.to_string());
        } else {
            record.push("absent".into());
            record.push("absent".into());
        }
        for _ in 0..4 {
            record.push(String::new()); // quote/reply/like/retweet counts: not in the model
        }
        let tags: Vec<String> = list(ds, &posts.hashtags, i)
            .map(|t| p.scrub(t).into_owned())
            .collect();
        record.push(py_list(tags.iter().map(String::as_str)));
        let urls: Vec<String> = list(ds, &posts.urls, i)
            .map(|u| p.scrub(u).into_owned())
            .collect();
        record.push(py_list(urls.iter().map(String::as_str)));
        let mentions: Vec<String> = list(ds, &posts.mentions, i)
            .map(|m| p.reference(m).into_owned())
            .collect();
        record.push(py_list(mentions.iter().map(String::as_str)));
        w.write_record(&record).map_err(csv_err)?;
    }
    w.flush().map_err(|e| DiscloseError::Io {
        path: path.clone(),
        source: e,
    })?;
    Ok(())
}

fn list<'d>(ds: &'d Dataset, col: &'d ListColumn, i: usize) -> impl Iterator<Item = &'d str> {
    col.get(i).iter().map(move |&s| ds.str(s))
}

fn account_ref(p: &Pseudonymizer<'_>, a: Option<AccountId>) -> String {
    a.map(|a| p.id(a).to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_lists() {
        assert_eq!(py_list([]), "[]");
        assert_eq!(py_list(["a", "b"]), "['a', 'b']");
        assert_eq!(py_list(["it's", "a\\b"]), r"['it\'s', 'a\\b']");
    }
}
