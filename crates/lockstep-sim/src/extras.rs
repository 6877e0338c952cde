//! Optional tables: login events, pages run by accounts, and ad submissions.

use crate::accounts::{Kind, REGIONS};
use crate::rng::Rng;
use crate::time::{DAY, HOUR, push_second};
use crate::world::{World, tag};

/// Residential ranges (first three octets fixed per /24 family) by region code.
fn residential(region: &str) -> &'static [[u8; 2]] {
    match region {
        "HK" => &[
            [42, 2],
            [42, 3],
            [112, 118],
            [219, 77],
            [223, 16],
            [223, 19],
            [218, 102],
        ],
        "TW" => &[[36, 224], [114, 24], [111, 240], [1, 160]],
        "CN" => &[[113, 108], [123, 112], [183, 14], [117, 136]],
        "US-E" | "US-W" => &[[73, 12], [24, 4], [98, 210], [71, 190], [68, 80], [107, 77]],
        "UK" => &[[86, 128], [81, 96], [92, 24], [109, 150]],
        "EU" => &[[91, 4], [79, 200], [90, 12], [84, 56]],
        "JP" => &[[126, 100], [60, 64], [153, 160], [114, 150]],
        "ID" => &[[36, 72], [114, 124], [180, 244]],
        "IN" => &[[117, 192], [49, 36], [106, 200]],
        "AU" => &[[1, 120], [49, 180], [101, 160]],
        "BR" => &[[177, 40], [189, 100], [179, 220]],
        _ => &[[88, 10], [95, 140]],
    }
}

/// The few VPN / hosting /24 ranges the core reaches the platform through.
pub const CORE_RANGES: &[[u8; 3]] = &[
    [45, 76, 112],
    [149, 28, 70],
    [103, 232, 214],
    [23, 225, 141],
    [104, 238, 161],
];
/// Hosting / proxy ranges used by amplifier batches.
pub const AMP_RANGES: &[[u8; 3]] = &[
    [45, 32, 10],
    [45, 32, 11],
    [108, 61, 200],
    [139, 180, 137],
    [155, 138, 140],
    [167, 179, 84],
    [192, 248, 150],
    [202, 182, 98],
    [207, 148, 72],
    [217, 69, 4],
    [66, 42, 33],
    [47, 52, 16],
];
/// Commercial VPN ranges some privacy-minded activists use (a hard negative for IP signals).
pub const ACTIVIST_VPN: &[[u8; 3]] = &[[185, 159, 157], [89, 187, 162], [37, 120, 132]];

const UA_MOBILE: &[&str] = &[
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_3_1 like Mac OS X) AppleWebKit/605.1.15 Twitter for iPhone/7.51",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 Twitter for iPhone/7.55",
    "Mozilla/5.0 (Linux; Android 9; SM-G960F) Twitter for Android/8.3",
    "Mozilla/5.0 (Linux; Android 8.1.0; Redmi Note 5) Twitter for Android/8.2",
    "Mozilla/5.0 (Linux; Android 9; Pixel 3) Twitter for Android/8.4",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/75.0.3770.142 Safari/537.36",
];
const UA_CORE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.100 Safari/537.36";
const UA_AMP: &[&str] = &[
    "Mozilla/5.0 (Linux; Android 7.1.2; Redmi 4X) Twitter for Android/7.9",
    "Mozilla/5.0 (Linux; Android 6.0; generic) Twitter Lite",
];

/// Writes `logins.csv` (`userid,login_time,ip,device`).
pub fn write_logins<W: std::io::Write>(w: &World, wr: &mut csv::Writer<W>) -> csv::Result<u64> {
    wr.write_record(["userid", "login_time", "ip", "device"])?;
    let mut n = 0;
    let mut t = String::new();
    for (i, a) in w.accounts.iter().enumerate() {
        let mut r = Rng::stream(w.cfg.seed, tag::LOGINS, i as u64);
        let sessions = 1 + (w.planned_of(i).len() as u32 + a.budget) / 6;
        let sessions = sessions.min(300);
        let vpn_activist = matches!(a.kind, Kind::Activist | Kind::Leader) && r.chance(0.12);
        let home = residential(REGIONS[a.region].code);
        let my_home = *r.pick(home);
        let my_host = r.below(256) as u8;
        let device = match a.kind {
            Kind::Core => UA_CORE,
            Kind::Amplifier => *r.pick(UA_AMP),
            _ => *r.pick(UA_MOBILE),
        };
        for _ in 0..sessions {
            let ts = match a.kind {
                Kind::Core | Kind::Amplifier => w.office_time(&mut r, a),
                _ => w.human_time(&mut r, a, &w.day_cdf_organic),
            } - r.range_i64(0, 2 * HOUR);
            let ip = match a.kind {
                Kind::Core => {
                    let g = CORE_RANGES[r.below(CORE_RANGES.len())];
                    format!("{}.{}.{}.{}", g[0], g[1], g[2], 2 + r.below(250))
                }
                Kind::Amplifier => {
                    let g =
                        AMP_RANGES[(a.cell.unwrap_or(0) as usize + r.below(2)) % AMP_RANGES.len()];
                    format!("{}.{}.{}.{}", g[0], g[1], g[2], 2 + r.below(250))
                }
                _ if vpn_activist && r.chance(0.7) => {
                    let g = ACTIVIST_VPN[r.below(ACTIVIST_VPN.len())];
                    format!("{}.{}.{}.{}", g[0], g[1], g[2], 2 + r.below(250))
                }
                _ => {
                    let g = if r.chance(0.8) {
                        my_home
                    } else {
                        *r.pick(home)
                    };
                    let h = if r.chance(0.8) {
                        my_host
                    } else {
                        r.below(256) as u8
                    };
                    format!("{}.{}.{}.{}", g[0], g[1], h, 1 + r.below(254))
                }
            };
            t.clear();
            push_second(&mut t, ts.max(a.created));
            let device = if r.chance(0.9) {
                device
            } else {
                *r.pick(UA_MOBILE)
            };
            wr.write_record([a.userid.to_string().as_str(), &t, &ip, device])?;
            n += 1;
        }
    }
    wr.flush()?;
    Ok(n)
}

/// Pages and groups written by [`write_pages`], for truth.json.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageTruth {
    /// Page id.
    pub page_id: String,
    /// Page name.
    pub page_name: String,
    /// `page` or `group`.
    pub page_kind: String,
    /// Run by the operation?
    pub operation: bool,
    /// Admin account ids.
    pub admins: Vec<String>,
}

/// Plans pages and groups: fake news outlets run by the core, and genuine pages and groups.
pub fn plan_pages(w: &World) -> Vec<PageTruth> {
    let mut r = Rng::stream(w.cfg.seed, tag::EXTRAS, 1);
    let by_kind = |k: &[Kind]| -> Vec<usize> {
        (0..w.accounts.len())
            .filter(|&i| k.contains(&w.accounts[i].kind))
            .collect()
    };
    let core = by_kind(&[Kind::Core]);
    let act = by_kind(&[Kind::Activist, Kind::Leader]);
    let ord = by_kind(&[Kind::Ordinary, Kind::Influencer]);
    let mut out = Vec::new();
    let fake = [
        "HK Daily Truth",
        "香港真相",
        "Pearl River Observer",
        "Lion Rock Times",
        "維港觀察",
        "Asia Pacific Insight",
        "HK Citizens Voice",
        "和平香港",
    ];
    let real = [
        "Hong Kong Photography Club",
        "Sham Shui Po Foodies",
        "HK Hikers",
        "Stand With Hong Kong Overseas",
        "HK Legal Observers",
        "Kowloon Parents Group",
        "HK Cat Adoption",
        "Lennon Wall Updates",
    ];
    let mut id = 100_000_000_000u64 + r.range_i64(0, 1_000_000) as u64;
    if !core.is_empty() {
        for name in fake {
            id += r.range_i64(1000, 90_000) as u64;
            let k = 2 + r.below(3);
            let admins = (0..k)
                .map(|_| w.accounts[*r.pick(&core)].userid.to_string())
                .collect::<std::collections::BTreeSet<_>>();
            out.push(PageTruth {
                page_id: id.to_string(),
                page_name: name.into(),
                page_kind: if r.chance(0.7) {
                    "page".into()
                } else {
                    "group".into()
                },
                operation: true,
                admins: admins.into_iter().collect(),
            });
        }
    }
    for (k, name) in real.iter().enumerate() {
        id += r.range_i64(1000, 90_000) as u64;
        let pool = if k % 2 == 1 && !act.is_empty() {
            &act
        } else {
            &ord
        };
        if pool.is_empty() {
            continue;
        }
        let n = 1 + r.below(4);
        let admins = (0..n)
            .map(|_| w.accounts[*r.pick(pool)].userid.to_string())
            .collect::<std::collections::BTreeSet<_>>();
        out.push(PageTruth {
            page_id: id.to_string(),
            page_name: name.to_string(),
            page_kind: if r.chance(0.5) {
                "page".into()
            } else {
                "group".into()
            },
            operation: false,
            admins: admins.into_iter().collect(),
        });
    }
    out
}

/// Writes `page_admins.csv` (`page_id,page_name,page_kind,userid`).
pub fn write_pages<W: std::io::Write>(
    pages: &[PageTruth],
    wr: &mut csv::Writer<W>,
) -> csv::Result<u64> {
    wr.write_record(["page_id", "page_name", "page_kind", "userid"])?;
    let mut n = 0;
    for p in pages {
        for a in &p.admins {
            wr.write_record([p.page_id.as_str(), &p.page_name, &p.page_kind, a])?;
            n += 1;
        }
    }
    wr.flush()?;
    Ok(n)
}

/// Writes `ads.csv` (`ad_id,advertiser,payer,landing_url,ad_text,spend,currency,submitted_at,userid`).
/// Returns the number of ads and how many came from state-controlled media.
pub fn write_ads<W: std::io::Write>(w: &World, wr: &mut csv::Writer<W>) -> csv::Result<(u64, u64)> {
    wr.write_record([
        "ad_id",
        "advertiser",
        "payer",
        "landing_url",
        "ad_text",
        "spend",
        "currency",
        "submitted_at",
        "userid",
    ])?;
    let mut r = Rng::stream(w.cfg.seed, tag::EXTRAS, 2);
    let state = [
        (
            "CGTN",
            "China Global Television Network",
            "https://www.cgtn.com",
        ),
        (
            "China Daily",
            "China Daily Distribution Corp",
            "https://www.chinadaily.com.cn",
        ),
        ("Global Times", "Global Times", "https://www.globaltimes.cn"),
        ("Xinhua", "Xinhua News Agency", "http://www.xinhuanet.com"),
        ("People's Daily", "People's Daily", "http://en.people.cn"),
    ];
    let brands = [
        (
            "SnackWorld",
            "SnackWorld Ltd",
            "https://snackworld.example.com",
        ),
        (
            "GadgetDealsHQ",
            "GadgetDeals Inc",
            "https://gadgetdeals.example.com",
        ),
        (
            "Stand With Hong Kong Fund",
            "SWHK Crowdfund",
            "https://standwithhk.example.org",
        ),
        (
            "Hong Kong Tourism",
            "Hong Kong Tourism Board",
            "https://www.discoverhongkong.com",
        ),
        (
            "City Bank Asia",
            "City Bank Asia Ltd",
            "https://citybank-asia.example.com",
        ),
        (
            "Lion Rock Times",
            "Pearl Media Ltd",
            "https://lionrocktimes.example.com",
        ),
    ];
    let sm: Vec<usize> = (0..w.accounts.len())
        .filter(|&i| w.accounts[i].kind == Kind::StateMedia)
        .collect();
    let others: Vec<usize> = (0..w.accounts.len())
        .filter(|&i| matches!(w.accounts[i].kind, Kind::Brand | Kind::Outlet))
        .collect();
    let core: Vec<usize> = (0..w.accounts.len())
        .filter(|&i| w.accounts[i].kind == Kind::Core)
        .collect();
    let total = 40 + w.accounts.len() / 200;
    let mut n_state = 0;
    let mut t = String::new();
    for k in 0..total {
        let ts = r.range_i64(w.start, w.end - DAY);
        t.clear();
        push_second(&mut t, ts);
        let is_state = !sm.is_empty() && r.chance(0.3);
        let (adv, payer, site, text, user) = if is_state {
            let s = r.below(state.len());
            n_state += 1;
            let text = *r.pick(&[
                "The truth about violence in Hong Kong",
                "Hong Kong: restoring order and prosperity",
                "Watch: who is behind the unrest?",
                "Discover the real China",
            ]);
            (
                state[s].0,
                state[s].1,
                state[s].2,
                text,
                sm.get(s).or(sm.first()).copied(),
            )
        } else {
            let b = r.below(brands.len());
            let text = match b {
                2 => "Help us fund a global newspaper ad for Hong Kong",
                5 => "Real news about Hong Kong, without the bias",
                _ => "Big summer sale, up to 50% off",
            };
            let user = if b == 5 && !core.is_empty() {
                Some(*r.pick(&core))
            } else if others.is_empty() {
                None
            } else {
                Some(*r.pick(&others))
            };
            (brands[b].0, brands[b].1, brands[b].2, text, user)
        };
        let landing = format!(
            "{site}/{}/{}",
            if is_state { "hk" } else { "promo" },
            r.range_i64(10_000, 99_999)
        );
        let spend = format!("{:.2}", r.lognormal(800.0, 1.2));
        let currency = *r.pick(&["USD", "USD", "HKD", "CNY"]);
        let uid = user
            .map(|u| w.accounts[u].userid.to_string())
            .unwrap_or_default();
        wr.write_record([
            format!("ad{:06}", k + 1).as_str(),
            adv,
            payer,
            &landing,
            text,
            &spend,
            currency,
            &t,
            &uid,
        ])?;
    }
    wr.flush()?;
    Ok((total as u64, n_state))
}
