//! Shared helpers: a small simulated world streamed as archive rows in NDJSON.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn world(dir: &Path, seed: u64, accounts: u32, posts: u64) -> PathBuf {
    let mut cfg = lockstep_sim::SimConfig::preset("hk2019").unwrap_or_else(|e| panic!("{e}"));
    cfg.seed = seed;
    cfg.accounts = accounts;
    cfg.posts = posts;
    let out = dir.join(format!("world-{seed}"));
    lockstep_sim::simulate(&cfg, &out).unwrap_or_else(|e| panic!("{e}"));
    out.join("tweets.csv")
}

/// The archive tweets file in stream order: rows sorted by `tweet_time` (stable; the simulator
/// writes them account by account), written beside it as `tweets_by_time.csv` (the batch input of
/// the comparisons) and returned as NDJSON lines keyed by the column names.
pub fn stream(tweets: &Path) -> (PathBuf, Vec<String>) {
    let mut r = csv::Reader::from_path(tweets).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = r
        .headers()
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(String::from)
        .collect();
    let t = header
        .iter()
        .position(|c| c == "tweet_time")
        .unwrap_or_else(|| panic!("no tweet_time"));
    let mut rows: Vec<csv::StringRecord> = r
        .records()
        .map(|x| x.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    rows.sort_by(|a, b| a.get(t).cmp(&b.get(t)));
    let sorted = tweets.with_file_name("tweets_by_time.csv");
    let mut w = csv::Writer::from_path(&sorted).unwrap_or_else(|e| panic!("{e}"));
    w.write_record(&header).unwrap_or_else(|e| panic!("{e}"));
    for rec in &rows {
        w.write_record(rec).unwrap_or_else(|e| panic!("{e}"));
    }
    w.flush().unwrap_or_else(|e| panic!("{e}"));
    let lines = rows
        .iter()
        .map(|rec| {
            let mut o = serde_json::Map::new();
            for (k, v) in header.iter().zip(rec.iter()) {
                o.insert(k.clone(), serde_json::Value::String(v.to_string()));
            }
            serde_json::Value::Object(o).to_string()
        })
        .collect();
    (sorted, lines)
}
