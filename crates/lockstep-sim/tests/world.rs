//! Checks the distributions `docs/simulation.md` promises, on a small world.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lockstep_sim::{SimConfig, simulate};

const TWEPOCH_MS: i64 = 1_288_834_974_657;

struct World {
    _dir: tempfile::TempDir,
    path: PathBuf,
    cfg: SimConfig,
}

fn small(preset: &str, seed: u64) -> SimConfig {
    let mut c = SimConfig::preset(preset).expect("preset");
    c.accounts = 3000;
    c.posts = 45_000;
    c.seed = seed;
    c.logins = true;
    c.pages = true;
    c.ads = true;
    c
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = small("hk2019", 7);
        simulate(&cfg, dir.path()).expect("simulate");
        World {
            path: dir.path().to_path_buf(),
            _dir: dir,
            cfg,
        }
    })
}

fn read(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("open csv");
    let h = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("record").iter().map(String::from).collect())
        .collect();
    (h, rows)
}

struct Tweets {
    head: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
}

impl Tweets {
    fn load(dir: &Path) -> Tweets {
        let (h, rows) = read(&dir.join("tweets.csv"));
        Tweets {
            head: h.iter().enumerate().map(|(i, x)| (x.clone(), i)).collect(),
            rows,
        }
    }
    fn get<'a>(&self, row: &'a [String], col: &str) -> &'a str {
        &row[self.head[col]]
    }
}

fn secs_of(id: &str) -> i64 {
    let id: u64 = id.parse().expect("numeric tweetid");
    ((id >> 22) as i64 + TWEPOCH_MS) / 1000
}

fn labels(dir: &Path) -> BTreeMap<String, (String, String)> {
    let (_, rows) = read(&dir.join("labels.csv"));
    rows.into_iter()
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
        .collect()
}

fn truth(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("truth.json")).expect("truth")).expect("json")
}

#[test]
fn same_seed_same_bytes_and_different_seed_differs() {
    let w = world();
    let again = tempfile::tempdir().expect("tempdir");
    simulate(&w.cfg, again.path()).expect("simulate");
    for f in [
        "tweets.csv",
        "users.csv",
        "labels.csv",
        "logins.csv",
        "page_admins.csv",
        "ads.csv",
        "truth.json",
    ] {
        let a = std::fs::read(w.path.join(f)).expect("read");
        let b = std::fs::read(again.path().join(f)).expect("read");
        assert!(a == b, "{f} differs between two runs with the same seed");
    }
    let other = tempfile::tempdir().expect("tempdir");
    simulate(&small("hk2019", 8), other.path()).expect("simulate");
    let a = std::fs::read(w.path.join("tweets.csv")).expect("read");
    let b = std::fs::read(other.path().join("tweets.csv")).expect("read");
    assert_ne!(a, b);
}

#[test]
fn schema_matches_the_archive() {
    let w = world();
    let t = Tweets::load(&w.path);
    let (h, _) = read(&w.path.join("tweets.csv"));
    assert_eq!(h.len(), 30);
    assert_eq!(h, lockstep_sim::emit::TWEET_COLUMNS.to_vec());
    let (uh, users) = read(&w.path.join("users.csv"));
    assert_eq!(uh, lockstep_sim::emit::USER_COLUMNS.to_vec());
    assert_eq!(users.len(), w.cfg.accounts as usize);
    let posts = t.rows.len() as f64;
    assert!(
        (posts / w.cfg.posts as f64 - 1.0).abs() < 0.35,
        "{posts} posts for a budget of {}",
        w.cfg.posts
    );
    let mut ids = BTreeSet::new();
    for r in &t.rows {
        assert_eq!(r.len(), 30);
        let id = t.get(r, "tweetid");
        assert!(ids.insert(id.to_string()), "duplicate tweetid {id}");
        // tweet_time is the snowflake's second, truncated to the minute.
        let s = secs_of(id);
        let time = t.get(r, "tweet_time");
        assert_eq!(time.len(), 16, "{time}");
        let day = s.div_euclid(86_400);
        let hm = s.rem_euclid(86_400);
        assert!(
            time.ends_with(&format!("{:02}:{:02}", hm / 3600, (hm % 3600) / 60)),
            "{time} vs {s}"
        );
        let _ = day;
        let rt = t.get(r, "is_retweet");
        assert!(rt == "True" || rt == "False");
        if rt == "True" {
            assert!(
                t.get(r, "tweet_text").starts_with("RT @"),
                "{}",
                t.get(r, "tweet_text")
            );
            assert!(!t.get(r, "retweet_tweetid").is_empty());
            assert!(secs_of(t.get(r, "retweet_tweetid")) <= s);
        }
        for col in ["hashtags", "urls", "user_mentions"] {
            let v = t.get(r, col);
            assert!(
                v == "[]" || (v.starts_with("['") && v.ends_with("']")),
                "{col}: {v}"
            );
        }
        assert_eq!(t.get(r, "account_creation_date").len(), 16);
    }
}

#[test]
fn label_proportions_and_cells() {
    let w = world();
    let l = labels(&w.path);
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for (lab, cell) in l.values() {
        *n.entry(lab.as_str()).or_default() += 1;
        match lab.as_str() {
            "organic" => assert!(cell.is_empty()),
            "spam_amplifier" => assert!(cell.starts_with("amp-")),
            "state_core" => assert_eq!(cell, "core"),
            "activist" => assert_eq!(cell, "movement"),
            other => panic!("unknown label {other}"),
        }
    }
    let total = w.cfg.accounts as f64;
    let share = |k: &str| *n.get(k).unwrap_or(&0) as f64 / total;
    assert!(
        (share("state_core") - w.cfg.core_share).abs() < 0.003,
        "{n:?}"
    );
    assert!(
        (share("spam_amplifier") - w.cfg.amplifier_share).abs() < 0.005,
        "{n:?}"
    );
    assert!(
        (share("activist") - w.cfg.activist_share).abs() < 0.005,
        "{n:?}"
    );
    let tr = truth(&w.path);
    let cells = tr["amplifier_cells"].as_array().expect("cells");
    assert!(!cells.is_empty());
    for c in cells {
        let m = c["members"].as_array().expect("members").len() as u32;
        assert!(
            m >= w.cfg.cell_min && m <= w.cfg.cell_max * 2,
            "cell of {m}"
        );
        for u in c["members"].as_array().expect("members") {
            let lab = &l[u.as_str().expect("id")];
            assert_eq!(lab.0, "spam_amplifier");
            assert_eq!(lab.1, c["cell"].as_str().expect("cell"));
        }
    }
}

#[test]
fn core_posts_in_beijing_office_hours_on_weekdays() {
    let w = world();
    let l = labels(&w.path);
    let t = Tweets::load(&w.path);
    let start = 1_559_347_200; // 2019-06-01
    let mut by_hour = [0usize; 24];
    let (mut weekday, mut total) = (0usize, 0usize);
    for r in &t.rows {
        if l[t.get(r, "userid")].0 != "state_core" {
            continue;
        }
        let s = secs_of(t.get(r, "tweetid"));
        if s < start {
            continue; // repurposed accounts' earlier history
        }
        let local = s + 8 * 3600;
        by_hour[(local.rem_euclid(86_400) / 3600) as usize] += 1;
        if (local.div_euclid(86_400) + 3).rem_euclid(7) < 5 {
            weekday += 1;
        }
        total += 1;
    }
    assert!(total > 500, "{total}");
    let office: usize = (9..18).map(|h| by_hour[h]).sum();
    assert!(
        office as f64 / total as f64 > 0.75,
        "office share {office}/{total}: {by_hour:?}"
    );
    assert!(
        weekday as f64 / total as f64 > 0.8,
        "weekday share {weekday}/{total}"
    );
    assert!(by_hour[12] * 2 < by_hour[10], "no lunch dip: {by_hour:?}");
    assert!(by_hour[12] * 2 < by_hour[15], "no lunch dip: {by_hour:?}");
    assert!(by_hour[3] * 10 < by_hour[10], "night activity: {by_hour:?}");
}

#[test]
fn amplifier_bursts_fall_within_their_spread() {
    let w = world();
    let t = Tweets::load(&w.path);
    let tr = truth(&w.path);
    let mut rts: HashMap<(&str, &str), Vec<i64>> = HashMap::new();
    for r in &t.rows {
        if t.get(r, "is_retweet") == "True" {
            rts.entry((t.get(r, "userid"), t.get(r, "retweet_tweetid")))
                .or_default()
                .push(secs_of(t.get(r, "tweetid")));
        }
    }
    let mut checked = 0;
    let mut participation = Vec::new();
    for c in tr["amplifier_cells"].as_array().expect("cells") {
        let spread = c["spread_s"].as_i64().expect("spread");
        let members: Vec<&str> = c["members"]
            .as_array()
            .expect("m")
            .iter()
            .filter_map(|x| x.as_str())
            .collect();
        for src in c["source_tweetids"]
            .as_array()
            .expect("src")
            .iter()
            .filter_map(|x| x.as_str())
        {
            let times: Vec<i64> = members
                .iter()
                .filter_map(|m| rts.get(&(*m, src)))
                .flatten()
                .copied()
                .collect();
            participation.push(times.len() as f64 / members.len() as f64);
            if times.len() < 2 {
                continue;
            }
            let lo = times.iter().min().copied().unwrap_or(0);
            let hi = times.iter().max().copied().unwrap_or(0);
            assert!(
                hi - lo <= spread + 1,
                "cell {} source {src}: spread {} > {spread}",
                c["cell"],
                hi - lo
            );
            if c["mode"] == "burst" {
                let src_s = secs_of(src);
                assert!(lo > src_s, "retweet before its source");
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
    // Members take part only sometimes.
    let mean = participation.iter().sum::<f64>() / participation.len() as f64;
    assert!(mean > 0.2 && mean < 0.85, "mean participation {mean}");
}

#[test]
fn activists_retweet_leaders_fast() {
    let w = world();
    let t = Tweets::load(&w.path);
    let tr = truth(&w.path);
    let l = labels(&w.path);
    let leaders: BTreeSet<&str> = tr["activist_leaders"]
        .as_array()
        .expect("l")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert!(!leaders.is_empty());
    let mut delays = Vec::new();
    let mut per_post: HashMap<&str, Vec<i64>> = HashMap::new();
    for r in &t.rows {
        if t.get(r, "is_retweet") == "True"
            && leaders.contains(t.get(r, "retweet_userid"))
            && l[t.get(r, "userid")].0 == "activist"
        {
            let d = secs_of(t.get(r, "tweetid")) - secs_of(t.get(r, "retweet_tweetid"));
            delays.push(d);
            per_post
                .entry(t.get(r, "retweet_tweetid"))
                .or_default()
                .push(d);
        }
    }
    delays.sort_unstable();
    assert!(delays.len() > 200, "{}", delays.len());
    let median = delays[delays.len() / 2];
    assert!(median < 600, "median activist retweet delay {median}s");
    let co = per_post
        .values()
        .filter(|d| d.iter().filter(|&&x| x < 300).count() >= 2)
        .count();
    assert!(co > 20, "leader posts co-retweeted within 5 minutes: {co}");
}

#[test]
fn creation_dates_and_handles_follow_the_documented_shapes() {
    let w = world();
    let l = labels(&w.path);
    let (_, users) = read(&w.path.join("users.csv"));
    let (mut core, mut core2017, mut core_old) = (0, 0, 0);
    let mut amp_days: HashMap<String, usize> = HashMap::new();
    let (mut amp, mut amp_digits) = (0, 0);
    let (mut org, mut org_digits) = (0, 0);
    let trailing_digits = |h: &str| h.chars().rev().take_while(|c| c.is_ascii_digit()).count();
    for u in &users {
        let (lab, _) = &l[&u[0]];
        let handle = &u[2];
        let created = &u[8];
        match lab.as_str() {
            "state_core" => {
                core += 1;
                if created.starts_with("2017") {
                    core2017 += 1;
                }
                if created.as_str() < "2016-07" {
                    core_old += 1;
                }
            }
            "spam_amplifier" => {
                amp += 1;
                *amp_days.entry(created[..10].to_string()).or_default() += 1;
                if trailing_digits(handle) >= 2 || handle.len() == 15 {
                    amp_digits += 1;
                }
            }
            "organic" => {
                org += 1;
                if trailing_digits(handle) == 8 {
                    org_digits += 1;
                }
            }
            _ => {}
        }
    }
    let f = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    assert!(
        f(core2017, core) > 0.35,
        "2017 creation burst: {core2017}/{core}"
    );
    assert!(
        f(core_old, core) > 0.15,
        "old repurposed core accounts: {core_old}/{core}"
    );
    assert!(
        f(amp_digits, amp) > 0.7,
        "amplifier name+digits handles: {amp_digits}/{amp}"
    );
    let clustered: usize = amp_days.values().filter(|&&n| n >= 4).sum();
    assert!(
        f(clustered, amp) > 0.6,
        "amplifiers created in batches: {clustered}/{amp}"
    );
    let od = f(org_digits, org);
    assert!(
        (od - w.cfg.organic_default_handle_share).abs() < 0.05,
        "organic default handles {od}"
    );
}

#[test]
fn viral_cascades_draw_many_unrelated_retweeters_quickly() {
    let w = world();
    let t = Tweets::load(&w.path);
    let l = labels(&w.path);
    let mut per: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
    for r in &t.rows {
        if t.get(r, "is_retweet") == "True" && l[t.get(r, "userid")].0 == "organic" {
            per.entry(t.get(r, "retweet_tweetid"))
                .or_default()
                .push((secs_of(t.get(r, "tweetid")), t.get(r, "userid")));
        }
    }
    let (src, rts) = per
        .iter()
        .max_by_key(|(k, v)| (v.len(), **k))
        .expect("some cascade");
    let s = secs_of(src);
    let within_hour = rts.iter().filter(|(x, _)| x - s < 3600).count();
    let distinct: BTreeSet<&str> = rts.iter().map(|x| x.1).collect();
    assert_eq!(
        distinct.len(),
        rts.len(),
        "an account retweeted the same post twice"
    );
    assert!(rts.len() >= 60, "largest cascade {}", rts.len());
    assert!(
        within_hour * 3 >= rts.len(),
        "{within_hour} of {} within an hour",
        rts.len()
    );
}

#[test]
fn organic_only_has_no_operation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = small("organic-only", 3);
    cfg.accounts = 800;
    cfg.posts = 8000;
    let s = simulate(&cfg, dir.path()).expect("simulate");
    assert_eq!(s.accounts_by_label[2], 0);
    assert_eq!(s.accounts_by_label[3], 0);
    assert!(s.accounts_by_label[1] > 0, "activists stay in organic-only");
    let l = labels(dir.path());
    assert!(l.values().all(|(x, _)| x == "organic" || x == "activist"));
    let mut cfg = small("null", 3);
    cfg.accounts = 800;
    cfg.posts = 8000;
    let s = simulate(&cfg, dir.path()).expect("simulate");
    assert_eq!(s.accounts_by_label[1..], [0, 0, 0]);
}

#[test]
fn optional_tables_have_the_expected_headers_and_core_uses_few_ranges() {
    let w = world();
    let l = labels(&w.path);
    let (h, rows) = read(&w.path.join("logins.csv"));
    assert_eq!(h, ["userid", "login_time", "ip", "device"]);
    let mut core_nets = BTreeSet::new();
    let mut org_nets = BTreeSet::new();
    for r in &rows {
        let net: String = r[2].rsplit_once('.').map(|x| x.0).unwrap_or("").to_string();
        match l[&r[0]].0.as_str() {
            "state_core" => {
                core_nets.insert(net);
            }
            "organic" => {
                org_nets.insert(net);
            }
            _ => {}
        }
    }
    assert!(core_nets.len() <= 5, "{core_nets:?}");
    assert!(org_nets.len() > 50);
    assert!(core_nets.is_disjoint(&org_nets));
    let (h, pages) = read(&w.path.join("page_admins.csv"));
    assert_eq!(h, ["page_id", "page_name", "page_kind", "userid"]);
    assert!(pages.iter().any(|p| l[&p[3]].0 == "state_core"));
    let (h, ads) = read(&w.path.join("ads.csv"));
    assert_eq!(
        h,
        [
            "ad_id",
            "advertiser",
            "payer",
            "landing_url",
            "ad_text",
            "spend",
            "currency",
            "submitted_at",
            "userid"
        ]
    );
    assert!(
        ads.iter()
            .any(|a| a[1] == "CGTN" || a[1] == "China Daily" || a[1] == "Global Times")
    );
}
