//! Disclosure datasets (DESIGN §10): the Twitter information-operations archive's `users` and
//! `tweets` CSV schema for selected networks, with the identifiers of every account below a
//! follower threshold replaced by a keyed pseudonym (HMAC-SHA256, hex), a per-network summary
//! in the shape of Meta's coordinated-inauthentic-behaviour reports, a README, and a checker that
//! scans a disclosure for any identifier that should have been hashed.
//!
//! Layout of a disclosure directory:
//! `README.md`, `tweets.csv`, `users.csv`, `network_accounts.csv`, `summary.md`, `summary.json`,
//! `report.html` (charts of the disclosed networks, drawn from the disclosed files only).

pub mod archive;
pub mod check;
pub mod investigation;
pub mod key;
pub mod provenance;
pub mod report;
pub mod scrub;
pub mod summary;

pub use check::{Leak, check_disclosure};
pub use investigation::{Investigation, attach_edges, read_investigation, select_networks};
pub use key::{MIN_KEY_BYTES, PseudonymKey};
pub use scrub::{IdentKind, Pseudonymizer, Sensitive};
pub use summary::{DisclosureSummary, NetworkSummary};

use crate::input::{EdgeResult, Role, Verdict};
use lockstep_model::{AccountId, Dataset};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Default follower threshold: accounts with fewer followers (or an unknown count) are hashed.
pub const DEFAULT_HASH_BELOW: u64 = 5_000;

/// Errors of the disclosure writer and checker.
#[derive(Debug, Error)]
pub enum DiscloseError {
    /// The key is shorter than [`MIN_KEY_BYTES`].
    #[error(
        "the pseudonym key has {0} bytes; at least {MIN_KEY_BYTES} are required (e.g. `head -c 32 /dev/urandom > key`)"
    )]
    KeyTooShort(usize),
    /// The key file could not be read.
    #[error("reading the key file {}: {source}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key has too few distinct byte values to be a secret.
    #[error(
        "the pseudonym key has only {distinct} distinct byte value(s) in {len} bytes; a key needs at least {} (all bytes equal, or a short pattern repeated, is guessable): use random bytes, e.g. `head -c 32 /dev/urandom > key`",
        key::MIN_DISTINCT_KEY_BYTES
    )]
    KeyLowEntropy {
        /// Distinct byte values.
        distinct: usize,
        /// Key length.
        len: usize,
    },
    /// Nothing selected.
    #[error("no network selected: nothing to disclose")]
    NoNetworks,
    /// `--network` names clusters the investigation does not have.
    #[error("no cluster {} in accounts.csv; the clusters are: {known}",
        unknown.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(", "))]
    UnknownNetworks {
        /// The ids asked for that do not exist.
        unknown: Vec<String>,
        /// The clusters that exist, with their verdicts.
        known: String,
    },
    /// The same network was given twice.
    #[error("network {0:?} is listed twice")]
    DuplicateNetwork(String),
    /// A disclosure file would replace one of the input files.
    #[error(
        "refusing to write {}: it is the input file {}; choose another --out directory",
        path.display(), input
    )]
    WouldOverwriteInput {
        /// The output file.
        path: PathBuf,
        /// The input it would replace.
        input: String,
    },
    /// The written disclosure failed the leak check.
    #[error("{} unhashed identifier(s) found in the written disclosure {}: do not publish it; first: {}",
        leaks.len(), out.display(), leaks.first().map(|l| l.to_string()).unwrap_or_default())]
    Leaks {
        /// The disclosure directory.
        out: PathBuf,
        /// Every leak found.
        leaks: Vec<Leak>,
    },
    /// The investigation's input files could not be found or verified.
    #[error(transparent)]
    Provenance(provenance::ProvenanceError),
    /// A network lists an account the dataset does not have.
    #[error("network {0} lists account #{1}, but the dataset has only {2} accounts")]
    UnknownAccount(String, u32, usize),
    /// Writing or reading a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// CSV writing or reading failed.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// The investigation directory is inconsistent or unreadable.
    #[error("{0}")]
    Investigation(String),
    /// The disclosure's `report.html` could not be drawn.
    #[error("report.html: {0}")]
    Report(String),
    /// JSON serialisation failed.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// One network to disclose.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Its id (the investigation's cluster id).
    pub id: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// Verdict score, when known.
    pub score: Option<f64>,
    /// Member accounts and their roles.
    pub members: Vec<(AccountId, Role)>,
    /// Origin in words (e.g. "China"), when attributed.
    pub origin: Option<String>,
    /// Confidence in `origin` (`clusters.csv` `origin_confidence`).
    pub origin_confidence: lockstep_model::Confidence,
    /// Target audience in words; derived from post languages and hashtags when `None`.
    pub target: Option<String>,
    /// Attribution wording, when any.
    pub attribution: Option<String>,
    /// Significant edges between two members (original account ids), for the network picture
    /// and delay chart of `report.html`; may be empty.
    pub edges: Vec<EdgeResult>,
}

/// Disclosure settings.
#[derive(Clone, Debug)]
pub struct DiscloseOptions {
    /// Accounts with fewer followers than this (or unknown) are hashed.
    pub hash_below: u64,
    /// Producer line for the README and summary (e.g. `lockstep 0.1.0`).
    pub generator: String,
}

impl Default for DiscloseOptions {
    fn default() -> Self {
        DiscloseOptions {
            hash_below: DEFAULT_HASH_BELOW,
            generator: String::from("lockstep"),
        }
    }
}

/// File names of a disclosure.
pub mod files {
    /// Tweets in the archive schema.
    pub const TWEETS: &str = "tweets.csv";
    /// Users in the archive schema.
    pub const USERS: &str = "users.csv";
    /// `userid,network_id,verdict,role`.
    pub const NETWORK_ACCOUNTS: &str = "network_accounts.csv";
    /// Per-network summary, Markdown.
    pub const SUMMARY_MD: &str = "summary.md";
    /// Per-network summary, JSON.
    pub const SUMMARY_JSON: &str = "summary.json";
    /// What the files are.
    pub const README: &str = "README.md";
    /// Charts of the disclosed networks.
    pub const REPORT: &str = "report.html";
}

/// Every file name a disclosure writes.
pub const ALL_FILES: [&str; 7] = [
    files::TWEETS,
    files::USERS,
    files::NETWORK_ACCOUNTS,
    files::SUMMARY_MD,
    files::SUMMARY_JSON,
    files::README,
    files::REPORT,
];

/// Refuses an output directory where a disclosure file would replace one of the dataset's input
/// files (`disclose INV --out data/` next to the original `tweets.csv`).
fn refuse_overwriting_inputs(ds: &Dataset, out: &Path) -> Result<(), DiscloseError> {
    let inputs: Vec<(PathBuf, &str)> = ds
        .sources
        .iter()
        .filter_map(|s| {
            std::fs::canonicalize(&s.path)
                .ok()
                .map(|c| (c, s.path.as_str()))
        })
        .collect();
    for name in ALL_FILES {
        let path = out.join(name);
        let Ok(c) = std::fs::canonicalize(&path) else {
            continue; // does not exist yet: nothing to overwrite
        };
        if let Some((_, input)) = inputs.iter().find(|(i, _)| *i == c) {
            return Err(DiscloseError::WouldOverwriteInput {
                path,
                input: input.to_string(),
            });
        }
    }
    Ok(())
}

/// Writes the disclosure of `networks` into `out` (created if needed; files of the same names
/// are overwritten, but never the dataset's own input files), then runs the leak checker
/// ([`check_disclosure`]) on the written files and returns the summary only when they are clean
/// ([`DiscloseError::Leaks`] otherwise: the files stay for inspection, not for publication).
/// Every file is written under `out`, which may be a staging directory moved into place by the
/// caller after success.
pub fn disclose(
    ds: &Dataset,
    networks: &[Network],
    key: &PseudonymKey,
    opts: &DiscloseOptions,
    out: &Path,
) -> Result<DisclosureSummary, DiscloseError> {
    if networks.is_empty() || networks.iter().all(|n| n.members.is_empty()) {
        return Err(DiscloseError::NoNetworks);
    }
    let mut ids = hashbrown::HashSet::new();
    for net in networks {
        if !ids.insert(net.id.as_str()) {
            return Err(DiscloseError::DuplicateNetwork(net.id.clone()));
        }
    }
    let n = ds.accounts.len();
    for net in networks {
        if let Some((a, _)) = net.members.iter().find(|(a, _)| a.idx() >= n) {
            return Err(DiscloseError::UnknownAccount(net.id.clone(), a.0, n));
        }
    }
    refuse_overwriting_inputs(ds, out)?;
    std::fs::create_dir_all(out).map_err(|e| DiscloseError::Io {
        path: out.to_path_buf(),
        source: e,
    })?;
    let p = Pseudonymizer::new(Sensitive::new(ds, opts.hash_below), key);
    archive::write_archive(&p, networks, out)?;
    let summary = summary::summarise(ds, networks, &p, opts);
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| DiscloseError::Io { path, source: e })
    };
    let json = serde_json::to_string_pretty(&summary)? + "\n";
    write(files::SUMMARY_JSON, &json)?;
    write(files::SUMMARY_MD, &summary::markdown(&summary))?;
    write(files::README, &summary::readme(&summary))?;
    report::write_report(out, networks, &p, &summary)?;
    let leaks = check_disclosure(ds, out, opts.hash_below)?;
    if !leaks.is_empty() {
        return Err(DiscloseError::Leaks {
            out: out.to_path_buf(),
            leaks,
        });
    }
    Ok(summary)
}
