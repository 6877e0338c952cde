//! `lockstep serve`: the case server (web pages and JSON API, docs/serve.md).

use std::path::PathBuf;

use anyhow::Context as _;
use lockstep_serve::db::DatabaseUrl;
use lockstep_serve::http::{self, Config};
use lockstep_serve::users::{self, Role};

/// Arguments of `lockstep serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub store: super::store::StoreArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Directory under which investigations may be imported through the web page / API
    /// (`POST /api/v1/cases`); without it such imports are refused.
    #[arg(long)]
    pub import_root: Option<PathBuf>,
    /// Largest request body accepted, bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Mark the session cookie Secure (when served behind TLS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Worker threads.
    #[arg(long, default_value_t = 4)]
    pub threads: usize,
    /// Registry of state-controlled media for `POST /api/v1/ads/screen` (default: the built-in
    /// data/state_media.toml).
    #[arg(long)]
    pub ads_registry: Option<PathBuf>,
    /// Start with the demo world imported and two demo users (`analyst`, `reviewer`): the
    /// world and store go to --demo-dir, which is reused when it exists.
    #[arg(long)]
    pub demo: bool,
    /// Where `--demo` keeps its world, investigation and store.
    #[arg(long, default_value = "lockstep-demo")]
    pub demo_dir: PathBuf,
}

/// Password of the demo users (printed at start; demo only).
pub const DEMO_PASSWORDS: [(&str, Role, &str); 2] = [
    ("analyst", Role::Analyst, "analyst-demo-password"),
    ("reviewer", Role::Reviewer, "reviewer-demo-password"),
];

/// Runs `lockstep serve`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (database, import_root) = if args.demo {
        (prepare_demo(&args.demo_dir)?, Some(args.demo_dir.clone()))
    } else {
        (
            DatabaseUrl::parse(&args.store.database_url)?,
            args.import_root.clone(),
        )
    };
    let config = Config {
        database,
        bind: args.bind.clone(),
        import_root,
        max_body_bytes: args.max_body_bytes,
        secure_cookies: args.secure_cookies,
        threads: args.threads,
        ads_registry: args.ads_registry.clone(),
    };
    let running =
        http::start(config).with_context(|| format!("starting the server on {}", args.bind))?;
    println!("lockstep serve: http://{}/", running.addr);
    running.join();
    Ok(())
}

fn prepare_demo(dir: &std::path::Path) -> anyhow::Result<DatabaseUrl> {
    let investigation = dir.join("investigation");
    if lockstep_outdir::verify_complete(&investigation).is_err() {
        eprintln!(
            "simulating the demo world and investigating it into {} ...",
            dir.display()
        );
        super::demo::run(super::demo::Args {
            out: dir.to_path_buf(),
            accounts: 20_000,
            posts: 300_000,
            seed: 2019,
            force: false,
        })?;
    }
    let url = DatabaseUrl::Sqlite(dir.join("lockstep.db"));
    let conn = lockstep_serve::db::open(&url)?;
    for (name, role, password) in DEMO_PASSWORDS {
        if users::user_by_name(&conn, name)?.is_none() {
            users::add_user(&conn, "demo", name, role, password)?;
        }
        eprintln!("demo user {name} ({}), password {password}", role.as_str());
    }
    if lockstep_serve::queries::cases(&conn)?.is_empty() {
        let analyst = super::store::user(&conn, "analyst")?;
        let imp = lockstep_serve::import::import_case(
            &conn,
            &investigation,
            Some("demo: hk2019 world"),
            &analyst,
        )?;
        eprintln!(
            "demo case {} imported: {} accounts, {} networks",
            imp.case_id, imp.accounts, imp.networks
        );
    }
    Ok(url)
}
