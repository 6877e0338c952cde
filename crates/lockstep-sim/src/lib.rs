//! Lockstep's synthetic world: a labelled state-backed operation against a protest movement.
//!
//! [`simulate`] writes a world in the Twitter information-operations archive schema
//! (`tweets.csv`, `users.csv`), optional `logins.csv`, `page_admins.csv` and `ads.csv`, and the
//! ground truth (`labels.csv`, `truth.json`). The same [`SimConfig`] (seed included) gives
//! byte-identical files. The generative model is described in `docs/simulation.md`.

// `*rng.pick(&[..])` on string tables needs the explicit deref for type inference of the generic
// `pick`; clippy's auto-deref suggestion does not compile there.
#![allow(clippy::explicit_auto_deref)]

pub mod accounts;
pub mod config;
pub mod content;
pub mod emit;
pub mod error;
pub mod extras;
pub mod names;
pub mod reregister;
pub mod rng;
pub mod time;
pub mod world;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use accounts::Label;
pub use config::{Reregister, SimConfig};
pub use error::SimError;

use accounts::Kind;
use world::World;

/// What a simulation wrote.
#[derive(Debug, Clone, Serialize)]
pub struct SimSummary {
    /// Output directory (not in truth.json: the world does not depend on where it is written).
    #[serde(skip)]
    pub out_dir: PathBuf,
    /// Accounts written (users.csv rows).
    pub accounts: u64,
    /// Posts written (tweets.csv rows).
    pub posts: u64,
    /// Accounts per label: organic, activist, state_core, spam_amplifier.
    pub accounts_by_label: [u64; 4],
    /// Posts per label of their author.
    pub posts_by_label: [u64; 4],
    /// Amplifier cells planted.
    pub cells: u64,
    /// Core campaigns planted (copy-paste and co-reply).
    pub campaigns: u64,
    /// logins.csv rows (0 when not written).
    pub logins: u64,
    /// page_admins.csv rows (0 when not written).
    pub page_admins: u64,
    /// ads.csv rows (0 when not written).
    pub ads: u64,
    /// Files written, in order (not in truth.json).
    #[serde(skip)]
    pub files: Vec<PathBuf>,
}

#[derive(Serialize)]
struct MemberTruth<'a> {
    userid: String,
    screen_name: &'a str,
    role: &'static str,
    created: String,
    repurposed: bool,
}

#[derive(Serialize)]
struct CellTruth {
    cell: String,
    mode: world::CellMode,
    members: Vec<String>,
    patrons: Vec<String>,
    source_tweetids: Vec<String>,
    spread_s: i64,
}

#[derive(Serialize)]
struct CampaignTruth<'a> {
    id: String,
    kind: &'static str,
    base_text: &'a str,
    start: String,
    duration_s: i64,
    reply_to_tweetid: Option<String>,
    members: Vec<String>,
}

#[derive(Serialize)]
struct Truth<'a> {
    generator: &'static str,
    version: &'static str,
    config: &'a SimConfig,
    counts: world::Counts,
    summary: &'a SimSummary,
    time_window: [String; 2],
    state_core: Vec<MemberTruth<'a>>,
    amplifier_cells: Vec<CellTruth>,
    campaigns: Vec<CampaignTruth<'a>>,
    activist_leaders: Vec<String>,
    state_media: Vec<String>,
    news_outlets: Vec<String>,
    trends: &'a [world::Trend],
    giveaways: &'a [world::Giveaway],
    pages: Vec<extras::PageTruth>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SimError + '_ {
    move |source| SimError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn csv_err(path: &Path) -> impl FnOnce(csv::Error) -> SimError + '_ {
    move |source| SimError::Csv {
        path: path.to_path_buf(),
        source,
    }
}

fn csv_writer(path: &Path, quote_all: bool) -> Result<csv::Writer<BufWriter<File>>, SimError> {
    let f = File::create(path).map_err(io_err(path))?;
    let style = if quote_all {
        csv::QuoteStyle::Always
    } else {
        csv::QuoteStyle::Necessary
    };
    Ok(csv::WriterBuilder::new()
        .quote_style(style)
        .from_writer(BufWriter::with_capacity(1 << 20, f)))
}

/// The cell column of labels.csv for an account.
fn cell_name(a: &accounts::Account) -> String {
    match a.kind {
        Kind::Core => "core".into(),
        Kind::Amplifier => a.cell.map(|c| format!("amp-{c:03}")).unwrap_or_default(),
        Kind::Activist | Kind::Leader => "movement".into(),
        _ => String::new(),
    }
}

fn minute(ts: i64) -> String {
    let mut s = String::new();
    time::push_minute(&mut s, ts);
    s
}

/// Generates the world described by `cfg` into `out_dir` (created if missing).
pub fn simulate(cfg: &SimConfig, out_dir: &Path) -> Result<SimSummary, SimError> {
    cfg.validate()?;
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let mut w = world::build(cfg);
    reregister::plan(&mut w);
    let mut files = Vec::new();

    // users.csv
    let p = out_dir.join("users.csv");
    let mut wr = csv_writer(&p, true)?;
    wr.write_record(emit::USER_COLUMNS).map_err(csv_err(&p))?;
    let mut accounts_by_label = [0u64; 4];
    for a in &w.accounts {
        let u = emit::UserCells::of(a);
        if cfg.no_profiles {
            let e = "";
            wr.write_record([u.userid.as_str(), e, e, e, e, e, e, e, e, e])
        } else {
            wr.write_record([
                u.userid.as_str(),
                &a.display_name,
                &a.screen_name,
                &a.location,
                &a.description,
                &a.url,
                &u.followers,
                &u.following,
                &u.created,
                a.account_lang,
            ])
        }
        .map_err(csv_err(&p))?;
        accounts_by_label[a.kind.label() as usize] += 1;
    }
    wr.flush().map_err(io_err(&p))?;
    files.push(p);

    // tweets.csv
    let p = out_dir.join("tweets.csv");
    let f = File::create(&p).map_err(io_err(&p))?;
    let mut bw = BufWriter::with_capacity(1 << 20, f);
    let (posts, posts_by_label) = emit::write_tweets(&w, &mut bw).map_err(csv_err(&p))?;
    drop(bw);
    files.push(p);

    // labels.csv
    let p = out_dir.join("labels.csv");
    let mut wr = csv_writer(&p, false)?;
    wr.write_record(["account_id", "label", "cell"])
        .map_err(csv_err(&p))?;
    for a in &w.accounts {
        wr.write_record([
            a.userid.to_string().as_str(),
            a.kind.label().as_str(),
            &cell_name(a),
        ])
        .map_err(csv_err(&p))?;
    }
    wr.flush().map_err(io_err(&p))?;
    files.push(p);

    if !w.reregistered.is_empty() {
        let p = out_dir.join("reregistered.csv");
        let mut wr = csv_writer(&p, false)?;
        wr.write_record(["account_id", "replaces", "suspended_at", "created_at"])
            .map_err(csv_err(&p))?;
        let mut suspended = String::new();
        for rr in &w.reregistered {
            let (old, new) = (&w.accounts[rr.orig], &w.accounts[rr.new]);
            wr.write_record([
                new.userid.to_string().as_str(),
                old.userid.to_string().as_str(),
                &minute(rr.at),
                &minute(new.created),
            ])
            .map_err(csv_err(&p))?;
            suspended.push_str(&format!("{}\n", old.userid));
        }
        wr.flush().map_err(io_err(&p))?;
        files.push(p);
        let p = out_dir.join("suspended.txt");
        std::fs::write(&p, suspended).map_err(io_err(&p))?;
        files.push(p);
    }

    let (mut logins, mut page_admins, mut ads) = (0, 0, 0);
    if cfg.logins {
        let p = out_dir.join("logins.csv");
        let mut wr = csv_writer(&p, false)?;
        logins = extras::write_logins(&w, &mut wr).map_err(csv_err(&p))?;
        files.push(p);
    }
    let pages = if cfg.pages {
        extras::plan_pages(&w)
    } else {
        Vec::new()
    };
    if cfg.pages {
        let p = out_dir.join("page_admins.csv");
        let mut wr = csv_writer(&p, false)?;
        page_admins = extras::write_pages(&pages, &mut wr).map_err(csv_err(&p))?;
        files.push(p);
    }
    if cfg.ads {
        let p = out_dir.join("ads.csv");
        let mut wr = csv_writer(&p, false)?;
        ads = extras::write_ads(&w, &mut wr).map_err(csv_err(&p))?.0;
        files.push(p);
    }
    files.push(out_dir.join("truth.json"));
    let summary = SimSummary {
        out_dir: out_dir.to_path_buf(),
        accounts: w.accounts.len() as u64,
        posts,
        accounts_by_label,
        posts_by_label,
        cells: w.cells.len() as u64,
        campaigns: w.campaigns.len() as u64,
        logins,
        page_admins,
        ads,
        files,
    };
    write_truth(&w, &summary, pages, &out_dir.join("truth.json"))?;
    Ok(summary)
}

fn write_truth(
    w: &World,
    summary: &SimSummary,
    pages: Vec<extras::PageTruth>,
    p: &Path,
) -> Result<(), SimError> {
    let uid = |i: u32| w.accounts[i as usize].userid.to_string();
    let of_kind = |k: Kind| -> Vec<String> {
        w.accounts
            .iter()
            .filter(|a| a.kind == k)
            .map(|a| a.userid.to_string())
            .collect()
    };
    let truth = Truth {
        generator: "lockstep-sim",
        version: env!("CARGO_PKG_VERSION"),
        config: &w.cfg,
        counts: world::counts(&w.cfg),
        summary,
        time_window: [minute(w.start), minute(w.end)],
        state_core: w
            .accounts
            .iter()
            .filter(|a| a.kind == Kind::Core)
            .map(|a| MemberTruth {
                userid: a.userid.to_string(),
                screen_name: &a.screen_name,
                role: "core",
                created: minute(a.created),
                repurposed: a.history.is_some(),
            })
            .collect(),
        amplifier_cells: w
            .cells
            .iter()
            .enumerate()
            .map(|(k, c)| CellTruth {
                cell: format!("amp-{k:03}"),
                mode: c.mode,
                members: c.members.iter().map(|&m| uid(m)).collect(),
                patrons: c.patrons.iter().map(|&m| uid(m)).collect(),
                source_tweetids: c
                    .sources
                    .iter()
                    .map(|&(p, _)| w.planned[p as usize].id.to_string())
                    .collect(),
                spread_s: match c.mode {
                    world::CellMode::Burst => w.cfg.burst_spread_s,
                    world::CellMode::Drip => w.cfg.drip_spread_s,
                },
            })
            .collect(),
        campaigns: w
            .campaigns
            .iter()
            .enumerate()
            .map(|(k, c)| CampaignTruth {
                id: format!("camp-{k:03}"),
                kind: if c.reply_to_tweetid.is_some() {
                    "co_reply"
                } else {
                    "copy_paste"
                },
                base_text: &c.base,
                start: minute(c.start),
                duration_s: c.duration,
                reply_to_tweetid: c.reply_to_tweetid.map(|x| x.to_string()),
                members: c.members.iter().map(|&m| uid(m)).collect(),
            })
            .collect(),
        activist_leaders: of_kind(Kind::Leader),
        state_media: of_kind(Kind::StateMedia),
        news_outlets: of_kind(Kind::Outlet),
        trends: &w.trends,
        giveaways: &w.giveaways,
        pages,
    };
    let f = File::create(p).map_err(io_err(p))?;
    let mut bw = BufWriter::new(f);
    serde_json::to_writer_pretty(&mut bw, &truth).map_err(|source| SimError::Json {
        path: p.to_path_buf(),
        source,
    })?;
    bw.write_all(b"\n").map_err(io_err(p))?;
    bw.flush().map_err(io_err(p))?;
    Ok(())
}
