//! A small fixed world with known networks, for tests, the example report and the browser check.
//!
//! Not a simulator (that is `lockstep-sim`): a few hundred posts built directly with
//! [`DatasetBuilder`], deterministic, with one inauthentic network (accounts created within days,
//! office hours in UTC+8, reposting its core within seconds, running a page and buying ads), one
//! coordinated-organic cluster (fans sharing the same links over hours) and unrelated background
//! accounts. Identifiers are distinctive (`900000000000000NNN`, `opnet_acct_NN`, ...) so leak
//! tests can search the raw bytes of a disclosure for them.

use crate::input::{
    AccountResult, ClusterReport, EdgeResult, Headline, OperationReport, PageReport, ReportInput,
    Role, Verdict,
};
use lockstep_model::{
    AccountId, Dataset, DatasetBuilder, PostRecord, Profile, Resolution, SourceInfo,
};

/// 2019-06-03 00:00 UTC, a Monday.
pub const T0: i64 = 1_559_520_000;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// External id of the `i`-th account of a group (`0` operation, `1` fans, `2` background).
pub fn account_id(group: u32, i: u32) -> String {
    format!("9000000000000{group}{i:04}")
}

/// The sample world and the results a pipeline would report on it.
pub struct Sample {
    /// The dataset.
    pub dataset: Dataset,
    /// Report input (clusters 1 = operation, 2 = fans).
    pub input: ReportInput,
}

/// Builds the sample world.
pub fn sample() -> Sample {
    let mut rng = Lcg(42);
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo {
        path: "sample-world".into(),
        format: "built-in sample".into(),
        resolution: Resolution::Second,
        rows_read: 0,
        rows_rejected: 0,
        rejections: Default::default(),
        notes: vec!["fixed sample world for tests".into()],
    });
    let groups: [(u32, u32, &str, &str); 3] = [
        (0, 14, "opnet_acct_", "Patriot Voice "),
        (1, 8, "kpopfan_", "Fan Club Member "),
        (2, 30, "citizen_", "Ordinary Person "),
    ];
    for &(g, n, handle, name) in &groups {
        for i in 0..n {
            let id = account_id(g, i);
            let followers = match (g, i) {
                (0, 0) => 48_000, // the operation's public-facing core account
                (1, 0) => 120_000,
                _ => 20 + rng.next(900),
            };
            let created = match g {
                0 if i > 0 => T0 - 40 * 86_400 + rng.next(4) as i64 * 86_400,
                _ => T0 - (400 + rng.next(2000) as i64) * 86_400,
            };
            let p = Profile {
                screen_name: b.intern(&format!("{handle}{i:02}")),
                display_name: b.intern(&format!("{name}{i:02}")),
                created_at: Some(created),
                followers: Some(followers),
                following: Some(rng.next(500)),
                language: b.intern(if g == 0 { "zh-cn" } else { "en" }),
                location: b.intern(if g == 2 { "Springfield" } else { "" }),
                description: b.intern(if g == 0 && i > 0 {
                    "Love my country. Follow @opnet_acct_00"
                } else {
                    "Just me."
                }),
                platform: b.intern("twitter"),
                ..Default::default()
            };
            b.set_profile(&id, &p);
        }
    }
    let mut post_no = 0u64;
    let mut next_id = || {
        post_no += 1;
        format!("1100000000000{post_no:06}")
    };
    // Operation: core posts at 09:00-17:00 UTC+8 on weekdays, amplifiers repost within seconds.
    let core = account_id(0, 0);
    for day in 0..10i64 {
        if day % 7 >= 5 {
            continue;
        }
        for k in 0..3 {
            let local_hour = 9 + rng.next(8) as i64;
            let t = T0 + day * 86_400 + (local_hour - 8) * 3600 + k * 60 + rng.next(50) as i64;
            let orig = next_id();
            let tags = ["HongKong", "riots"];
            let urls = ["https://state-news.example.cn/article/1"];
            let mentions = [account_id(2, 3)];
            let mention_refs = [mentions[0].as_str()];
            b.push_post(
                &PostRecord {
                    external_id: &orig,
                    account: &core,
                    time: t,
                    text: "Rioters are destroying #HongKong, says @citizen_03. Read more",
                    language: "zh",
                    client: "Twitter Web Client",
                    hashtags: &tags,
                    urls: &urls,
                    mentions: &mention_refs,
                    ..Default::default()
                },
                src,
            );
            for i in 1..14 {
                if rng.next(10) < 2 {
                    continue;
                }
                let rid = next_id();
                let acct = account_id(0, i);
                b.push_post(
                    &PostRecord {
                        external_id: &rid,
                        account: &acct,
                        time: t + 5 + rng.next(40) as i64,
                        text: "RT @opnet_acct_00: Rioters are destroying #HongKong, says @citizen_03. Read more",
                        language: "zh",
                        client: "Twitter Web Client",
                        repost_of: &orig,
                        repost_of_account: &core,
                        hashtags: &tags,
                        urls: &urls,
                        ..Default::default()
                    },
                    src,
                );
            }
        }
    }
    // Fans: share the same concert links spread over hours.
    for day in 0..10i64 {
        let url = format!("https://music.example.com/clip/{day}");
        let urls = [url.as_str()];
        let tags = ["comeback"];
        for i in 0..8 {
            let id = next_id();
            let acct = account_id(1, i);
            b.push_post(
                &PostRecord {
                    external_id: &id,
                    account: &acct,
                    time: T0 + day * 86_400 + 12 * 3600 + rng.next(6 * 3600) as i64,
                    text: "The new clip is out! #comeback",
                    language: "en",
                    client: "Twitter for iPhone",
                    hashtags: &tags,
                    urls: &urls,
                    ..Default::default()
                },
                src,
            );
        }
    }
    // Background: independent posts at all hours, occasional replies to the operation's target.
    for i in 0..30 {
        let acct = account_id(2, i);
        for _ in 0..6 {
            let id = next_id();
            let reply = i % 7 == 0;
            let target = account_id(2, 3);
            b.push_post(
                &PostRecord {
                    external_id: &id,
                    account: &acct,
                    time: T0 + rng.next(10 * 86_400) as i64,
                    text: if reply {
                        "@citizen_03 I saw Ordinary Person 03 at the march, and it was peaceful"
                    } else {
                        "Nice weather in Springfield today"
                    },
                    language: "en",
                    client: if i % 2 == 0 {
                        "Twitter for Android"
                    } else {
                        "Twitter Web App"
                    },
                    reply_to: if reply { "1100000000000000001" } else { "" },
                    reply_to_account: if reply { &target } else { "" },
                    ..Default::default()
                },
                src,
            );
        }
    }
    for i in 0..2 {
        b.push_page_admin(
            "5500001",
            "Voice of the Motherland",
            "page",
            &account_id(0, i),
        );
    }
    b.push_page_admin("5500002", "Patriots United", "group", &account_id(0, 2));
    b.push_ad(
        "Voice of the Motherland",
        "Voice of the Motherland",
        "https://state-news.example.cn",
        "Truth about HK",
        Some(1250.5),
        "USD",
        T0,
        &account_id(0, 0),
    );
    b.push_ad(
        "Voice of the Motherland",
        "Voice of the Motherland",
        "https://state-news.example.cn",
        "Truth about HK",
        Some(300.0),
        "USD",
        T0 + 86_400,
        &account_id(0, 1),
    );
    let dataset = b.finish();

    let members = |g: u32, n: u32| -> Vec<AccountId> {
        (0..n)
            .filter_map(|i| dataset.account_by_external(&account_id(g, i)))
            .collect()
    };
    let op = members(0, 14);
    let fans = members(1, 8);
    let mut accounts = Vec::new();
    for (k, &a) in op.iter().enumerate() {
        accounts.push(AccountResult {
            through_cluster: false,
            account: a,
            cluster: Some(1),
            verdict: Verdict::Inauthentic,
            role: if k == 0 { Role::Core } else { Role::Amplifier },
        });
    }
    for &a in &fans {
        accounts.push(AccountResult {
            through_cluster: false,
            account: a,
            cluster: Some(2),
            verdict: Verdict::CoordinatedOrganic,
            role: Role::None,
        });
    }
    let mut edges = Vec::new();
    for &a in &op[1..] {
        edges.push(EdgeResult {
            a: op[0],
            b: a,
            layer: "amplify".into(),
            weight: 20.0,
            median_dt_s: 20.0,
        });
    }
    for w in op[1..].windows(2) {
        edges.push(EdgeResult {
            a: w[0],
            b: w[1],
            layer: "repost".into(),
            weight: 18.0,
            median_dt_s: 14.0,
        });
    }
    for i in 0..fans.len() {
        for j in i + 1..fans.len() {
            edges.push(EdgeResult {
                a: fans[i],
                b: fans[j],
                layer: "url".into(),
                weight: 8.0,
                median_dt_s: 5_000.0,
            });
        }
    }
    let input = ReportInput {
        title: "Sample world: an operation against a protest".into(),
        generator: format!("lockstep {}", env!("CARGO_PKG_VERSION")),
        headline: Headline {
            pairs_tested: Some(1_326),
            significant_edges: Some(edges.len() as u64),
            fdr: Some(0.01),
        },
        clusters: vec![
            ClusterReport {
                id: 1,
                verdict: Verdict::Inauthentic,
                score: 0.93,
                size: op.len(),
                layers: vec!["amplify".into(), "repost".into()],
                evidence: vec![
                    "13 of 14 accounts were created within 4 days of each other".into(),
                    "posts fall in weekday office hours (09:00-17:00) in UTC+8".into(),
                    "amplifiers repost the core account within a median of 20 seconds".into(),
                    "every post was sent with the same client (Twitter Web Client)".into(),
                ],
                attribution: Some("Attributed to an operator in China (high confidence). Agreeing evidence: office hours in UTC+8, simplified-Chinese profiles, links to a state-media domain.".into()),
                utc_offset_hours: Some(8.0),
                median_delay_s: Some(20.0),
                members: op.clone(),
                origin_label: "CN (high)".into(),
            },
            ClusterReport {
                id: 2,
                verdict: Verdict::CoordinatedOrganic,
                score: 0.35,
                size: fans.len(),
                layers: vec!["url".into()],
                evidence: vec!["accounts are years old with varied clients and follower counts".into()],
                attribution: None,
                utc_offset_hours: None,
                median_delay_s: Some(5_000.0),
                members: fans,
                origin_label: String::new(),
            },
        ],
        operations: vec![OperationReport {
            id: 0,
            verdict: Verdict::Inauthentic,
            cells: vec![(1, "core".into())],
            members: op,
            origin_statement: "Attributed to an operator in China (high confidence).".into(),
            origin_label: "CN (high)".into(),
            attribution: Some("Agreeing evidence: office hours in UTC+8, simplified-Chinese profiles, links to a state-media domain.".into()),
            utc_offset_hours: Some(8.0),
            evidence: vec!["13 of 14 accounts were created within 4 days of each other".into()],
        }],
        accounts,
        edges,
        positions: None,
        parameters: vec![("fdr".into(), "0.01".into()), ("window".into(), "repost 60 s / 6 h".into())],
        // A news-posing Page run by the operation's core, as in Facebook's 2019 takedown, and a
        // fan group whose admins are genuine.
        pages: vec![
            PageReport {
                page_id: "p1".into(),
                name: "Hong Kong Truth Daily".into(),
                kind: "page".into(),
                verdict: "inauthentic".into(),
                network: Some(1),
                admins: 2,
                inauthentic_admins: 2,
                posing_as_news: vec!["news_like_name".into(), "no_genuine_outlet".into(), "admins_in_network".into()],
                evidence: "2 of 2 admins judged inauthentic (network 1)".into(),
            },
            PageReport {
                page_id: "g1".into(),
                name: "Canto-pop fans".into(),
                kind: "group".into(),
                verdict: "none".into(),
                network: None,
                admins: 3,
                inauthentic_admins: 0,
                posing_as_news: Vec::new(),
                evidence: "no admin judged inauthentic".into(),
            },
        ],
    };
    Sample { dataset, input }
}
