//! Issue 13 (ingest half): record-size limits, byte order marks, implausible timestamps and
//! lenient accounting (rows in = kept + quarantined).

use lockstep_ingest::{Format, IngestError, Ingested, ReadOptions, read_paths};
use proptest::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

const TWEETS_HEADER: &str = "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions";

fn tweet(id: u64, time: &str, text: &str) -> String {
    format!(
        "{id},{},Name,handle,HK,bio,,10,20,2017-08-30,zh-cn,zh,{text},{time},Twitter for Android,,,,False,,,absent,absent,0,0,0,0,['hk'],[],[]",
        id % 7
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn read(p: &Path, opts: &ReadOptions) -> Result<Ingested, IngestError> {
    read_paths(std::slice::from_ref(&p.to_path_buf()), opts)
}

#[test]
fn a_bom_prefixed_archive_tweets_file_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The archive's own files quote every header field; Excel adds the BOM.
    let quoted: Vec<String> = TWEETS_HEADER
        .split(',')
        .map(|c| format!("\"{c}\""))
        .collect();
    for (name, header) in [("q.csv", quoted.join(",")), ("p.csv", TWEETS_HEADER.into())] {
        let text = format!(
            "\u{feff}{header}\n{}\n{}\n",
            tweet(1, "2019-08-19 13:26", "hi"),
            tweet(2, "2019-08-19 13:27", "ho")
        );
        let p = write(dir.path(), name, text.as_bytes());
        let ing = read(&p, &ReadOptions::default()).expect("BOM-prefixed file reads");
        assert_eq!(ing.report.files[0].format, Format::ArchiveTweets);
        assert_eq!(ing.dataset.posts.len(), 2);
        // Compressed too.
        let gz = dir.path().join(format!("{name}.gz"));
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).expect("create"),
            flate2::Compression::fast(),
        );
        enc.write_all(text.as_bytes()).expect("gzip");
        enc.finish().expect("finish");
        let ing = read(&gz, &ReadOptions::default()).expect("gzipped BOM file reads");
        assert_eq!(ing.dataset.posts.len(), 2);
    }
    // JSON lines and a JSON array with a BOM.
    let jl = write(
        dir.path(),
        "v2.jsonl",
        "\u{feff}{\"id\":\"1\",\"author_id\":\"2\",\"created_at\":\"2022-01-01T00:00:00Z\",\"text\":\"hi\"}\n".as_bytes(),
    );
    assert_eq!(
        read(&jl, &ReadOptions::default())
            .expect("jsonl")
            .dataset
            .posts
            .len(),
        1
    );
    let arr = write(
        dir.path(),
        "users.json",
        "\u{feff}[{\"id\":\"u1\",\"username\":\"a\",\"public_metrics\":{\"followers_count\":1}}]"
            .as_bytes(),
    );
    let ing = read(&arr, &ReadOptions::default()).expect("json array");
    assert_eq!(ing.report.files[0].format, Format::TwitterV2Users);
}

#[test]
fn implausible_timestamps_are_rejected_naming_file_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, String, &str); 5] = [
        (
            "tweets.csv",
            format!(
                "{TWEETS_HEADER}\n{}\n{}\n",
                tweet(1, "2019-08-19 13:26", "ok"),
                tweet(2, "9999-12-31 23:59", "far future")
            ),
            "tweets.csv:3: tweet_time: implausible timestamp: `9999-12-31 23:59`: 9999-12-31 23:59:00 UTC is outside",
        ),
        (
            "zero.csv",
            format!(
                "{TWEETS_HEADER}\n{}\n{}\n",
                tweet(1, "2019-08-19 13:26", "ok"),
                tweet(2, "0000-01-01 00:00", "year zero")
            ),
            "zero.csv:3: tweet_time: implausible timestamp",
        ),
        (
            "shares.csv",
            "object_id,account_id,content_id,timestamp_share\nab,cd,ef,1623881091.0\nab,cx,eg,-86400\n"
                .into(),
            "shares.csv:3: timestamp_share: implausible timestamp: `-86400`",
        ),
        (
            "logins.csv",
            "userid,login_time,ip,device\nu1,0,10.0.0.1,android\n".into(),
            "logins.csv:2: login_time: implausible timestamp",
        ),
        (
            "v2.jsonl",
            "{\"id\":\"1\",\"author_id\":\"2\",\"created_at\":\"1970-01-01T00:00:00Z\"}\n".into(),
            "v2.jsonl:1: created_at: implausible timestamp",
        ),
    ];
    for (name, text, want) in cases {
        let p = write(dir.path(), name, text.as_bytes());
        let e = read(&p, &ReadOptions::default()).expect_err("implausible time");
        let shown = e.to_string();
        assert!(shown.contains(want), "{shown}\nwanted: {want}");
        // Lenient: skipped and counted under its reason.
        let ing = read(
            &p,
            &ReadOptions {
                lenient: true,
                ..Default::default()
            },
        )
        .expect("lenient");
        let f = &ing.report.files[0];
        assert_eq!(f.rows_rejected, 1, "{name}");
        assert!(
            f.rejections
                .keys()
                .any(|k| k.ends_with("implausible timestamp")),
            "{name}: {:?}",
            f.rejections
        );
    }
}

/// A CSV / JSONL body with one record of `big` bytes on line 3.
fn with_big_record(kind: &str, big: usize) -> Vec<u8> {
    let filler = "x".repeat(big);
    match kind {
        "csv" => format!(
            "object_id,account_id,content_id,timestamp_share\nab,cd,ef,1623881091.0\nab,cx,\"{filler}\",1623881092.0\n"
        ),
        "tweets" => {
            let mut t = format!("{TWEETS_HEADER}\n");
            // Enough rows before it that the parallel reader cuts blocks.
            for i in 0..20_000u64 {
                t.push_str(&tweet(i, "2019-08-19 13:26", "hello there"));
                t.push('\n');
            }
            t.push_str(&tweet(99_999, "2019-08-19 13:26", &filler));
            t.push('\n');
            t
        }
        "jsonl" => format!(
            "{{\"id\":\"1\",\"author_id\":\"2\",\"created_at\":\"2022-01-01T00:00:00Z\"}}\n\n{{\"id\":\"3\",\"author_id\":\"2\",\"created_at\":\"2022-01-01T00:00:00Z\",\"text\":\"{filler}\"}}\n"
        ),
        _ => format!(
            "[\n{{\"id\":\"u1\",\"username\":\"a\"}},\n{{\"id\":\"u2\",\"username\":\"{filler}\"}}\n]"
        ),
    }
    .into_bytes()
}

#[test]
fn records_over_the_limit_stop_the_read_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (kind, line) in [("csv", 3), ("tweets", 20_002), ("jsonl", 3), ("array", 3)] {
        let p = write(
            dir.path(),
            &format!("big.{kind}"),
            &with_big_record(kind, 300_000),
        );
        let small = ReadOptions {
            max_record_bytes: 100_000,
            format: (kind == "array").then_some(Format::TwitterV2Users),
            ..Default::default()
        };
        for lenient in [false, true] {
            let e = read(
                &p,
                &ReadOptions {
                    lenient,
                    ..small.clone()
                },
            )
            .expect_err("over the limit");
            assert!(
                matches!(e, IngestError::RecordTooLarge { line: l, limit: 100_000, .. } if l == line),
                "{kind}: {e}"
            );
            let shown = e.to_string();
            assert!(
                shown.contains(&format!("big.{kind}:{line}:"))
                    && shown.contains("--max-record-bytes"),
                "{shown}"
            );
        }
        // The default limit (64 MiB) reads it.
        let opts = ReadOptions {
            format: small.format,
            ..Default::default()
        };
        read(&p, &opts).unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}

/// Lines of the quarantine's reasons file.
fn reasons(q: &Path) -> usize {
    let mut r = q.as_os_str().to_owned();
    r.push(".reasons");
    std::fs::read_to_string(PathBuf::from(r))
        .expect("reasons")
        .lines()
        .count()
}

/// How a generated row is corrupted (none keeps it valid). Every fault keeps the row on one
/// line, so the rows in the file are known exactly.
fn corrupt(row: String, fault: u8) -> String {
    match fault {
        1 => row.replace("2019-08-19 13:26", "2019-13-45 99:99"),
        2 => row.replace("2019-08-19 13:26", "1969-12-31 23:59"),
        3 => row.replacen(',', "", 3),
        4 => format!("{row},extra"),
        5 => row.replace("False", "maybe"),
        6 => row.replace(",10,20,", ",-3,20,"),
        _ => row,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Lenient accounting holds per file: rows in = kept + quarantined, and every rejected row
    /// is in the quarantine with its reason.
    #[test]
    fn lenient_accounting_holds_on_corrupted_csv(
        faults in proptest::collection::vec(prop_oneof![6 => Just(0u8), 1 => 1u8..7], 1..150),
        invalid_utf8 in proptest::collection::vec(any::<bool>(), 1..150),
        logins in proptest::collection::vec(prop_oneof![3 => Just(0u8), 1 => 1u8..4], 0..80),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = format!("{TWEETS_HEADER}\n").into_bytes();
        for (i, &f) in faults.iter().enumerate() {
            let mut row = corrupt(tweet(1000 + i as u64, "2019-08-19 13:26", "text"), f).into_bytes();
            if invalid_utf8.get(i).copied().unwrap_or(false) && f == 0 && i % 5 == 0 {
                row.extend_from_slice(b"\xff");
            }
            text.extend_from_slice(&row);
            text.push(b'\n');
        }
        let tweets = write(dir.path(), "tweets.csv", &text);
        let mut lt = String::from("userid,login_time,ip,device\n");
        for (i, &f) in logins.iter().enumerate() {
            let time = if f == 1 { "2500-01-01 00:00" } else { "2021-01-01 10:00" };
            let ip = if f == 2 { "999.1.1.1" } else { "10.0.0.1" };
            let user = if f == 3 { "" } else { "u1" };
            lt.push_str(&format!("{user},{time},{ip},dev{i}\n"));
        }
        let logins_p = write(dir.path(), "logins.csv", lt.as_bytes());
        let q = dir.path().join("quarantine.txt");
        let ing = read_paths(
            &[tweets, logins_p],
            &ReadOptions { quarantine: Some(q.clone()), ..Default::default() },
        ).expect("lenient read");
        let (t, l) = (&ing.report.files[0], &ing.report.files[1]);
        prop_assert_eq!(t.rows_read, faults.len() as u64);
        prop_assert_eq!(t.rows_read, ing.dataset.posts.len() as u64 + t.rows_rejected);
        prop_assert_eq!(t.rows_kept(), ing.dataset.posts.len() as u64);
        prop_assert_eq!(l.rows_read, logins.len() as u64);
        let kept_logins = ing.dataset.logins.as_ref().map_or(0, |x| x.time.len()) as u64;
        prop_assert_eq!(l.rows_read, kept_logins + l.rows_rejected);
        prop_assert_eq!(reasons(&q) as u64, t.rows_rejected + l.rows_rejected);
        prop_assert_eq!(t.rejections.values().sum::<u64>(), t.rows_rejected);
        prop_assert_eq!(l.rejections.values().sum::<u64>(), l.rows_rejected);
    }
}
