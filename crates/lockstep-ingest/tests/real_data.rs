//! Every real dataset in `../shared/data` read through the public API, asserting the counts its
//! README states (rows, distinct accounts, objects, time range).

use lockstep_ingest::timeparse::format_utc;
use lockstep_ingest::{Format, Ingested, ReadOptions, read_paths};
use lockstep_model::{PostKind, Resolution};
use std::collections::HashSet;
use std::path::PathBuf;

fn data(rel: &str) -> PathBuf {
    let base = std::env::var_os("LOCKSTEP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let p = base.join(rel);
    assert!(
        p.exists(),
        "real dataset missing: {} (set LOCKSTEP_DATA)",
        p.display()
    );
    p
}

fn read(paths: &[PathBuf]) -> Ingested {
    match read_paths(paths, &ReadOptions::default()) {
        Ok(i) => i,
        Err(e) => panic!("reading {paths:?} failed: {e}"),
    }
}

fn minute(t: i64) -> String {
    format_utc(t)[..16].to_string()
}

fn kinds(i: &Ingested, k: PostKind) -> usize {
    i.dataset.posts.kind.iter().filter(|&&x| x == k).count()
}

#[test]
fn coortweet_russian() {
    let i = read(&[data("coortweet/russian_coord_tweets.csv")]);
    let f = &i.report.files[0];
    assert_eq!(f.format, Format::Coortweet);
    assert_eq!(f.rows_read, 35_125);
    assert_eq!(f.rows_rejected, 0);
    let ds = &i.dataset;
    assert_eq!(ds.accounts.len(), 9_509);
    // content_id has 35,085 distinct values; the 40 repeats are kept as shares without an id.
    assert_eq!(ds.posts.len(), 35_125);
    let with_id = ds.posts.external_id.iter().filter(|s| !s.is_none()).count();
    assert_eq!(with_id, 35_085);
    assert_eq!(f.duplicate_posts, 0);
    assert!(
        f.notes
            .iter()
            .any(|n| n.starts_with("40 rows repeat a content_id"))
    );
    let objects: HashSet<_> = ds.posts.repost_of.iter().collect();
    assert_eq!(objects.len(), 7_285);
    assert_eq!(kinds(&i, PostKind::Repost), ds.posts.len());
    let (lo, hi) = ds.time_range().expect("posts");
    assert_eq!(
        (minute(lo).as_str(), minute(hi).as_str()),
        ("2021-01-17 07:56", "2021-08-30 10:21")
    );
    assert_eq!(ds.resolution(), Resolution::Second);
}

#[test]
fn coortweet_german_elections() {
    let i = read(&[data("coortweet/german_elections.csv")]);
    let f = &i.report.files[0];
    assert_eq!(f.format, Format::CoortweetMulti);
    assert_eq!(f.rows_read, 218_971);
    assert_eq!(f.rows_rejected, 0);
    let ds = &i.dataset;
    assert_eq!(ds.accounts.len(), 58_317);
    let (lo, hi) = ds.time_range().expect("posts");
    assert_eq!(
        (minute(lo).as_str(), minute(hi).as_str()),
        ("2021-08-15 22:01", "2021-09-26 23:59")
    );
    // Every post belongs to a tw_ or fb_ account; objects land in their columns.
    let tw = ds
        .accounts
        .external_id
        .iter()
        .filter(|&&s| ds.str(s).starts_with("tw_"))
        .count();
    let fb = ds
        .accounts
        .external_id
        .iter()
        .filter(|&&s| ds.str(s).starts_with("fb_"))
        .count();
    assert_eq!(tw + fb, 58_317);
    assert!(ds.posts.urls.total_values() > 0);
    assert!(ds.posts.hashtags.total_values() > 0);
    assert!(ds.posts.domains.total_values() > 0);
    assert!(ds.posts.media.total_values() > 0);
    // 194,324 distinct post ids (one of them also the empty id of the 3 rows without one).
    assert!(
        ds.posts.len() >= 194_323 && ds.posts.len() <= 194_327,
        "{}",
        ds.posts.len()
    );
}

#[test]
fn ira_538() {
    let i = read(&[data("ira-538-by-author/ira_tweets_2016H2.csv.gz")]);
    let f = &i.report.files[0];
    assert_eq!(f.format, Format::Ira538);
    assert_eq!(f.rows_read, 589_604);
    assert_eq!(f.rows_rejected, 0);
    let ds = &i.dataset;
    assert_eq!(ds.posts.len(), 589_604);
    assert_eq!(ds.accounts.len(), 823);
    assert_eq!(kinds(&i, PostKind::Repost), 387_830);
    let (lo, hi) = ds.time_range().expect("posts");
    assert_eq!(
        (minute(lo).as_str(), minute(hi).as_str()),
        ("2016-07-01 00:00", "2016-12-31 23:59")
    );
    assert_eq!(ds.resolution(), Resolution::Minute);
    let lang = |l: &str| {
        ds.posts
            .language
            .iter()
            .filter(|&&s| ds.str(s) == l)
            .count()
    };
    assert_eq!(lang("English"), 433_440);
    assert_eq!(lang("Russian"), 116_220);
    assert_eq!(lang("German"), 20_254);
    // "70% of the tweets contain a t.co link and 44% contain a hashtag."
    let n = ds.posts.len();
    let with_tco = (0..n)
        .filter(|&p| {
            ds.posts
                .urls
                .get(p)
                .iter()
                .any(|&u| ds.str(u).contains("t.co/"))
        })
        .count();
    let with_tag = (0..n)
        .filter(|&p| !ds.posts.hashtags.get(p).is_empty())
        .count();
    assert!(
        (0.69..0.71).contains(&(with_tco as f64 / n as f64)),
        "{with_tco}"
    );
    assert!(
        (0.43..0.45).contains(&(with_tag as f64 / n as f64)),
        "{with_tag}"
    );
    // No retweet ids in this set: reposts have no target id.
    assert!(ds.posts.repost_of.iter().all(|s| s.is_none()));
}

#[test]
fn crowdtangle() {
    let i = read(&[data("pycoornet-crowdtangle-sample/ct_output.csv")]);
    let f = &i.report.files[0];
    assert_eq!(f.format, Format::Crowdtangle);
    assert_eq!(f.rows_read, 160);
    let ds = &i.dataset;
    assert_eq!(ds.posts.len(), 160);
    assert_eq!(ds.accounts.len(), 155);
    let urls: HashSet<_> = ds.posts.urls.values().iter().collect();
    assert_eq!(urls.len(), 3);
    let (lo, hi) = ds.time_range().expect("posts");
    assert_eq!(
        (minute(lo).as_str(), minute(hi).as_str()),
        ("2018-11-01 16:28", "2019-01-09 10:25")
    );
    let plat = |p: &str| {
        ds.posts
            .account
            .iter()
            .filter(|a| ds.str(ds.accounts.platform[a.idx()]) == p)
            .count()
    };
    assert_eq!(plat("facebook_page"), 88);
    assert_eq!(plat("facebook_group"), 72);
}

#[test]
fn archive_users_china() {
    let i = read(&[data(
        "twitter-io-china-082019-1-users/china_082019_1_users_csv_hashed.csv",
    )]);
    let f = &i.report.files[0];
    assert_eq!(f.format, Format::ArchiveUsers);
    assert_eq!(f.rows_read, 744);
    let a = &i.dataset.accounts;
    let ds = &i.dataset;
    assert_eq!(a.len(), 744);
    assert!(a.has_profile.iter().all(|&h| h));
    let hashed = a
        .external_id
        .iter()
        .filter(|&&s| ds.str(s).ends_with('='))
        .count();
    assert_eq!(hashed, 254);
    let lang = |l: &str| a.language.iter().filter(|&&s| ds.str(s) == l).count();
    assert_eq!(lang("zh-cn"), 569);
    assert_eq!(lang("en"), 104);
    let created: Vec<i64> = a.created_at.iter().flatten().copied().collect();
    let lo = created.iter().min().copied().unwrap_or_default();
    let hi = created.iter().max().copied().unwrap_or_default();
    assert_eq!(&format_utc(lo)[..10], "2008-05-16");
    assert_eq!(&format_utc(hi)[..10], "2019-05-07");
    let in_2017 = created
        .iter()
        .filter(|&&t| format_utc(t).starts_with("2017"))
        .count();
    assert_eq!(in_2017, 416);
    let max_followers = a.followers.iter().flatten().max().copied();
    assert_eq!(max_followers, Some(170_155));
}

#[test]
fn voterfraud_retweet_edges() {
    let dir = data("voterfraud2020-retweets/retweets");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 8);
    let i = read(&paths);
    assert!(
        i.report
            .files
            .iter()
            .all(|f| f.format == Format::RetweetEdges)
    );
    assert_eq!(i.report.rows_read(), 423_238);
    let ds = &i.dataset;
    assert_eq!(ds.posts.len(), 423_238);
    assert_eq!(ds.accounts.len(), 186_555);
    let targets: HashSet<_> = ds.posts.repost_of.iter().collect();
    assert_eq!(targets.len(), 25_267);
    assert_eq!(ds.resolution(), Resolution::Day);
    let (lo, hi) = ds.time_range().expect("posts");
    assert_eq!(
        (&format_utc(lo)[..10], &format_utc(hi)[..10]),
        ("2020-10-23", "2020-11-01")
    );
}

#[test]
fn twibot_v2_user_profiles() {
    let i = read(&[
        data("twibot22-annotation-sample/Twibot22-anno_study.json"),
        data("twibot22-annotation-sample/Twibot20-anno_study.json"),
    ]);
    assert!(
        i.report
            .files
            .iter()
            .all(|f| f.format == Format::TwitterV2Users)
    );
    assert_eq!(i.report.files[0].rows_read, 500);
    assert_eq!(i.report.files[1].rows_read, 500);
    let a = &i.dataset.accounts;
    assert_eq!(a.len(), 1_000);
    assert!(a.has_profile.iter().all(|&h| h));
    assert!(a.followers.iter().all(Option::is_some));
    assert_eq!(i.dataset.posts.len(), 0);
}
