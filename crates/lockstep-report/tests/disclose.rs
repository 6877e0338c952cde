//! Disclosure tests on the fixed sample world: round trip through the archive reader, hash
//! consistency across columns, byte-level leakage scan, the checker, and summary snapshots.

use lockstep_ingest::{ReadOptions, read_paths};
use lockstep_model::{AccountId, Dataset};
use lockstep_report::disclose::check::html_unescape;
use lockstep_report::disclose::{
    DiscloseError, DiscloseOptions, Network, PseudonymKey, check_disclosure, disclose, files,
};
use lockstep_report::sample::{account_id, sample};
use lockstep_report::{Role, Verdict};
use std::path::Path;

const KEY: [u8; 32] = *b"test-key-0123456789abcdef-ABCDEF";

fn networks(ds: &Dataset) -> Vec<Network> {
    let members = |g: u32, n: u32, core: bool| -> Vec<(AccountId, Role)> {
        (0..n)
            .filter_map(|i| ds.account_by_external(&account_id(g, i)))
            .enumerate()
            .map(|(k, a)| {
                let role = match (core, k) {
                    (true, 0) => Role::Core,
                    (true, _) => Role::Amplifier,
                    _ => Role::None,
                };
                (a, role)
            })
            .collect()
    };
    vec![
        Network {
            id: "1".into(),
            verdict: Verdict::Inauthentic,
            score: Some(0.93),
            members: members(0, 14, true),
            origin: Some("China".into()),
            origin_confidence: lockstep_model::Confidence::High,
            target: None,
            attribution: Some(
                "Origin: China (confidence 0.8): office hours in UTC+8, links to a state-media domain."
                    .into(),
            ),
            edges: Vec::new(),
        },
        Network {
            id: "2".into(),
            verdict: Verdict::CoordinatedOrganic,
            score: Some(0.35),
            members: members(1, 8, false),
            origin: None,
            origin_confidence: lockstep_model::Confidence::None,
            target: None,
            attribution: None,
            edges: Vec::new(),
        },
    ]
}

fn write(dir: &Path) -> (Dataset, lockstep_report::disclose::DisclosureSummary) {
    let s = sample();
    let key = PseudonymKey::from_bytes(&KEY).unwrap();
    let nets = networks(&s.dataset);
    let summary = disclose(&s.dataset, &nets, &key, &DiscloseOptions::default(), dir).unwrap();
    (s.dataset, summary)
}

/// Every protected identifier of the original world (accounts under 5,000 followers).
fn protected_strings(ds: &Dataset) -> Vec<(String, String)> {
    let a = &ds.accounts;
    let mut out = Vec::new();
    for i in 0..a.len() {
        if a.followers[i].is_some_and(|f| f >= 5_000) {
            continue;
        }
        for (what, s) in [
            ("id", a.external_id[i]),
            ("handle", a.screen_name[i]),
            ("display name", a.display_name[i]),
        ] {
            if !s.is_none() {
                out.push((what.to_string(), ds.str(s).to_string()));
            }
        }
    }
    out
}

#[test]
fn no_protected_identifier_in_any_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (ds, _) = write(dir.path());
    let protected = protected_strings(&ds);
    assert!(
        protected.len() > 100,
        "the sample world has many protected accounts"
    );
    let mut scanned = 0;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        scanned += bytes.len();
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
        let mut lower = String::from_utf8_lossy(&bytes).to_lowercase();
        if path.extension().is_some_and(|e| e == "html") {
            // As a browser shows it: `O&#x27;Brien` is `O'Brien`.
            lower = html_unescape(&lower);
        }
        for (what, s) in &protected {
            assert!(
                !lower.contains(&s.to_lowercase()),
                "{} contains the {what} {s:?} of a protected account",
                path.display()
            );
        }
    }
    assert!(scanned > 10_000);
    names.sort();
    assert_eq!(
        names,
        [
            "README.md",
            "network_accounts.csv",
            "report.html",
            "summary.json",
            "summary.md",
            "tweets.csv",
            "users.csv"
        ],
        "every file of the disclosure was scanned, the report included"
    );
    // The report shows the network under its disclosed names.
    let html = std::fs::read_to_string(dir.path().join(files::REPORT)).unwrap();
    assert!(html.contains("opnet_acct_00") && html.contains("<svg"));
    let key = PseudonymKey::from_bytes(&KEY).unwrap();
    assert!(html.contains(&key.pseudonym(&account_id(0, 5))[..16]));
    // Public accounts keep their names (the operation's 48,000-follower core account).
    let tweets = std::fs::read_to_string(dir.path().join(files::TWEETS)).unwrap();
    assert!(tweets.contains("opnet_acct_00") && tweets.contains(&account_id(0, 0)));
    assert!(tweets.contains("RT @opnet_acct_00:"));
}

#[test]
fn same_account_same_hash_in_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let (ds, _) = write(dir.path());
    let key = PseudonymKey::from_bytes(&KEY).unwrap();
    let target = key.pseudonym(&account_id(2, 3)); // citizen_03: mentioned, replied to
    let amplifier = key.pseudonym(&account_id(0, 5));
    let mut r = csv::Reader::from_path(dir.path().join(files::TWEETS)).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (uid, sn, dn, text, ment) = (
        col("userid"),
        col("user_screen_name"),
        col("user_display_name"),
        col("tweet_text"),
        col("user_mentions"),
    );
    let (mut amp_rows, mut mention_hits, mut text_hits) = (0, 0, 0);
    for rec in r.records() {
        let rec = rec.unwrap();
        if rec[uid] == amplifier {
            amp_rows += 1;
            assert_eq!(&rec[sn], amplifier);
            assert_eq!(&rec[dn], amplifier);
        }
        if rec[ment].contains(&target) {
            mention_hits += 1;
        }
        if rec[text].contains(&format!("@{target}")) {
            text_hits += 1;
        }
        assert_eq!(rec.len(), 30);
    }
    assert!(
        amp_rows > 5,
        "the amplifier's tweets are disclosed under its pseudonym"
    );
    assert!(
        mention_hits > 0 && text_hits > 0,
        "{mention_hits} {text_hits}"
    );
    // users.csv and network_accounts.csv use the same pseudonym.
    let users = std::fs::read_to_string(dir.path().join(files::USERS)).unwrap();
    assert!(
        users
            .lines()
            .any(|l| l.starts_with(&format!("{amplifier},{amplifier},{amplifier},")))
    );
    let na = std::fs::read_to_string(dir.path().join(files::NETWORK_ACCOUNTS)).unwrap();
    assert!(na.contains(&format!("{amplifier},1,inauthentic,amplifier")));
    // A different key gives different pseudonyms.
    let other = PseudonymKey::from_bytes(b"another-key-0123456789abcdefghijk").unwrap();
    assert_ne!(other.pseudonym(&account_id(0, 5)), amplifier);
    let _ = ds;
}

#[test]
fn round_trip_through_the_archive_reader() {
    let dir = tempfile::tempdir().unwrap();
    let (orig, summary) = write(dir.path());
    let paths = vec![
        dir.path().join(files::TWEETS),
        dir.path().join(files::USERS),
    ];
    let back = read_paths(&paths, &ReadOptions::default()).unwrap();
    let ds = back.dataset;
    let formats: Vec<lockstep_ingest::Format> =
        back.report.files.iter().map(|f| f.format).collect();
    assert_eq!(
        formats,
        [
            lockstep_ingest::Format::ArchiveTweets,
            lockstep_ingest::Format::ArchiveUsers
        ]
    );
    let posts: u64 = summary.networks.iter().map(|n| n.posts).sum();
    assert_eq!(ds.posts.len() as u64, posts);
    let members = 14 + 8;
    let with_profile = ds.accounts.has_profile.iter().filter(|&&b| b).count();
    assert_eq!(with_profile, members);
    // Reposts survive with their (pseudonymous or public) original author.
    let reposts = (0..ds.posts.len())
        .filter(|&i| ds.posts.repost_of_account[i] == ds.account_by_external(&account_id(0, 0)))
        .count();
    let orig_reposts = (0..orig.posts.len())
        .filter(|&i| orig.posts.repost_of_account[i] == orig.account_by_external(&account_id(0, 0)))
        .count();
    assert_eq!(reposts, orig_reposts);
    // Times survive to the minute.
    let (a, b) = ds.time_range().unwrap();
    let in_networks: Vec<i64> = (0..orig.posts.len())
        .filter(|&i| {
            let id = orig.str(orig.accounts.external_id[orig.posts.account[i].idx()]);
            id.starts_with("90000000000000") || id.starts_with("90000000000001")
        })
        .map(|i| orig.posts.time[i])
        .collect();
    let oa = *in_networks.iter().min().unwrap();
    let ob = *in_networks.iter().max().unwrap();
    assert_eq!((a / 60, b / 60), (oa / 60, ob / 60));
}

#[test]
fn checker_passes_clean_output_and_flags_a_planted_leak() {
    let dir = tempfile::tempdir().unwrap();
    let (ds, _) = write(dir.path());
    let leaks = check_disclosure(&ds, dir.path(), 5_000).unwrap();
    assert!(leaks.is_empty(), "{leaks:?}");
    // Plant a protected handle in free text and a short protected id in an account column.
    let tweets = dir.path().join(files::TWEETS);
    let mut text = std::fs::read_to_string(&tweets).unwrap();
    text.push_str(&format!(
        "1,{},x,x,,,,,,,,,hello @citizen_07,2019-06-03 00:00,,,,,False,,,absent,absent,,,,,[],[],[]\n",
        account_id(2, 9)
    ));
    std::fs::write(&tweets, text).unwrap();
    let leaks = check_disclosure(&ds, dir.path(), 5_000).unwrap();
    let found: Vec<&str> = leaks.iter().map(|l| l.found.as_str()).collect();
    assert!(found.contains(&"citizen_07"), "{found:?}");
    assert!(found.contains(&account_id(2, 9).as_str()), "{found:?}");
    assert!(leaks.iter().all(|l| l.to_string().contains("tweets.csv:")));
    // A protected handle hidden behind HTML character references in report.html is found too.
    let report = dir.path().join(files::REPORT);
    let mut html = std::fs::read_to_string(&report).unwrap();
    assert!(!html.contains("citizen_03"));
    html.push_str("<p>&#x63;itizen&#95;03 was here</p>\n");
    std::fs::write(&report, html).unwrap();
    let leaks = check_disclosure(&ds, dir.path(), 5_000).unwrap();
    let in_report: Vec<String> = leaks
        .iter()
        .filter(|l| l.file == report)
        .map(|l| l.found.clone())
        .collect();
    assert_eq!(in_report, ["citizen_03"]);
}

#[test]
fn refuses_short_keys_and_empty_selection() {
    assert!(matches!(
        PseudonymKey::from_bytes(&KEY[..31]),
        Err(DiscloseError::KeyTooShort(31))
    ));
    let s = sample();
    let key = PseudonymKey::from_bytes(&KEY).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = disclose(
        &s.dataset,
        &[],
        &key,
        &DiscloseOptions::default(),
        dir.path(),
    );
    assert!(matches!(r, Err(DiscloseError::NoNetworks)));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn summary_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let (_, summary) = write(dir.path());
    let net = &summary.networks[0];
    assert_eq!(
        (
            net.accounts,
            net.accounts_pseudonymised,
            net.pages,
            net.groups
        ),
        (14, 13, 1, 1)
    );
    assert_eq!(net.ad_spend.as_ref().map(|v| v[0].amount), Some(1550.5));
    let md = std::fs::read_to_string(dir.path().join(files::SUMMARY_MD)).unwrap();
    insta::assert_snapshot!("summary_md", md);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(files::SUMMARY_JSON)).unwrap())
            .unwrap();
    insta::assert_json_snapshot!("summary_json", json);
    let readme = std::fs::read_to_string(dir.path().join(files::README)).unwrap();
    assert!(readme.contains("HMAC-SHA256") && readme.contains("5,000"));
    assert!(readme.contains("`report.html`"));
}
