//! Expansion from known operators: `investigate --seeds FILE` (DESIGN §8, issue 7).
//!
//! A seed list names accounts already known to belong to an operation (a platform's disclosure,
//! a previous investigation). After the verdicts, [`lockstep_score::expand`] ranks every other
//! account by its link to the seeds (amplification of their posts, co-action with them, shared
//! cluster, shared login infrastructure, creation batches) and this module applies the result:
//!
//! - every resolved seed is `inauthentic` (role `core` unless the scoring already gave it a role),
//!   with the evidence `seed`;
//! - every account whose link score reaches the expansion threshold is `inauthentic`, role
//!   `amplifier` when the expansion marks it as amplifying the seeds' network (its strongest links
//!   are reposts of the seeds and their cluster mates and at least half its posts are reposts),
//!   else `core`; its evidence gains the links;
//! - the full ranking goes to `expansion.csv` and counts to `summary.json`.
//!
//! The seed file has one account per line: an external id (as in the data) or a screen name
//! (with or without `@`). CSV lines use their first field, so a disclosure's `users.csv` or a
//! previous `accounts.csv` works as is; a header line naming the column (`userid`, `account_id`,
//! `screen_name`, ...) is skipped; blank lines and `#` comments are ignored. Seeds that match no
//! account are listed in the summary's notes, never dropped silently.

use crate::{Investigation, PipelineError};
use lockstep_model::{AccountId, Dataset};
use lockstep_score::{Evidence, ExpandedAccount, Role, ScoreParams, Verdict};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// Header names recognised on the first line of a seed file.
const HEADERS: [&str; 8] = [
    "userid",
    "user_id",
    "account_id",
    "id",
    "screen_name",
    "user_screen_name",
    "handle",
    "account",
];

/// The expansion of one investigation.
#[derive(Clone, Debug, Default)]
pub struct SeedExpansion {
    /// Seeds as given (after comments and the header are removed).
    pub given: usize,
    /// Seeds found in the data.
    pub resolved: Vec<AccountId>,
    /// Seeds that match no account, verbatim.
    pub unknown: Vec<String>,
    /// Every account with a positive link score, best first.
    pub ranked: Vec<ExpandedAccount>,
}

/// Counts for `summary.json`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExpansionSummary {
    /// Seeds given.
    pub seeds_given: usize,
    /// Seeds found in the data.
    pub seeds_resolved: usize,
    /// Seeds not found (verbatim, first 20).
    pub seeds_unknown: Vec<String>,
    /// Accounts with a positive link score.
    pub ranked: usize,
    /// Accounts whose score reaches the threshold.
    pub linked: usize,
    /// Linked accounts marked as amplifiers.
    pub amplifiers: usize,
}

impl SeedExpansion {
    /// The counts for `summary.json`.
    pub fn summary(&self) -> ExpansionSummary {
        ExpansionSummary {
            seeds_given: self.given,
            seeds_resolved: self.resolved.len(),
            seeds_unknown: self.unknown.iter().take(20).cloned().collect(),
            ranked: self.ranked.len(),
            linked: self.ranked.iter().filter(|x| x.linked).count(),
            amplifiers: self
                .ranked
                .iter()
                .filter(|x| x.linked && x.amplifier)
                .count(),
        }
    }
}

/// Reads a seed file (format in the module docs). Errors name the file and line.
pub fn read_seed_file(path: &Path) -> Result<Vec<String>, PipelineError> {
    let text = std::fs::read(path).map_err(|source| PipelineError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let text = String::from_utf8(text).map_err(|e| {
        PipelineError::Seeds(format!(
            "{}: not UTF-8 text (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(i as u64 + 1, |p| p.line());
            PipelineError::Seeds(format!("{}:{line}: {e}", path.display()))
        })?;
        let Some(first) = rec.get(0).map(str::trim) else {
            continue;
        };
        if first.is_empty() {
            continue;
        }
        if out.is_empty() && i == 0 && HEADERS.contains(&first.to_ascii_lowercase().as_str()) {
            continue;
        }
        out.push(first.to_string());
    }
    Ok(out)
}

/// Finds the seeds in the data: by external id first, then by screen name (case-insensitive,
/// leading `@` ignored). Returns the accounts (deduplicated, in order) and the unknown names.
pub fn resolve_seeds(ds: &Dataset, seeds: &[String]) -> (Vec<AccountId>, Vec<String>) {
    let mut by_name: HashMap<String, AccountId> = HashMap::new();
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = vec![false; ds.accounts.len()];
    for s in seeds {
        let hit = ds.account_by_external(s).or_else(|| {
            if by_name.is_empty() {
                for (i, &n) in ds.accounts.screen_name.iter().enumerate() {
                    if !n.is_none() {
                        by_name
                            .entry(ds.str(n).to_lowercase())
                            .or_insert(AccountId(i as u32));
                    }
                }
            }
            by_name
                .get(&s.trim_start_matches('@').to_lowercase())
                .copied()
        });
        match hit {
            Some(a) if !seen[a.idx()] => {
                seen[a.idx()] = true;
                found.push(a);
            }
            Some(_) => {}
            None => unknown.push(s.clone()),
        }
    }
    (found, unknown)
}

/// Runs the expansion on a finished detection and marks the seeds and their network in the typed
/// verdicts (`det.scored`), then rebuilds `inv.accounts` from them (module docs).
pub(crate) fn apply(
    ds: &Dataset,
    score: &ScoreParams,
    inv: &mut Investigation,
) -> Option<SeedExpansion> {
    if inv.config.score.seeds.is_empty() {
        return None;
    }
    let (resolved, unknown) = resolve_seeds(ds, &inv.config.score.seeds);
    let det = inv.detection.as_mut()?;
    let judged: Vec<bool> = det
        .scored
        .accounts
        .iter()
        .map(|a| a.verdict == Verdict::Inauthentic)
        .collect();
    let ranked = lockstep_score::expand(ds, &det.coord, &resolved, &judged, score);
    for &s in &resolved {
        let a = &mut det.scored.accounts[s.idx()];
        if a.verdict != Verdict::Inauthentic {
            a.verdict = Verdict::Inauthentic;
            a.role = Some(Role::Core);
        }
        a.evidence.insert(
            0,
            Evidence {
                signal: "seed",
                strength: 1.0,
                value: 1.0,
                text: "listed in --seeds".into(),
            },
        );
    }
    for x in ranked.iter().filter(|x| x.linked) {
        let a = &mut det.scored.accounts[x.account.idx()];
        if a.verdict != Verdict::Inauthentic {
            a.verdict = Verdict::Inauthentic;
            a.role = Some(if x.amplifier {
                Role::Amplifier
            } else {
                Role::Core
            });
        }
        a.score = a.score.max(x.score);
        a.evidence.insert(
            0,
            Evidence {
                signal: "seed_link",
                strength: x.score,
                value: x.score,
                text: lockstep_score::evidence_string(&x.evidence),
            },
        );
    }
    inv.accounts = crate::detect::account_outcomes(&det.scored);
    let exp = SeedExpansion {
        given: inv.config.score.seeds.len(),
        resolved,
        unknown,
        ranked,
    };
    let s = exp.summary();
    inv.notes.push(format!(
        "seeds: {} given, {} found in the data{}; {} account(s) linked to them ({} amplifiers)",
        s.seeds_given,
        s.seeds_resolved,
        if exp.unknown.is_empty() {
            String::new()
        } else {
            format!(
                ", {} unknown (e.g. `{}`)",
                exp.unknown.len(),
                exp.unknown[0]
            )
        },
        s.linked,
        s.amplifiers
    ));
    Some(exp)
}

/// Writes `expansion.csv`: the ranking, one row per account with a positive link score. The
/// free-text cells (screen name, evidence) carry the formula-injection guard of
/// `lockstep_export::csv_cell`.
pub(crate) fn write_expansion(
    ds: &Dataset,
    exp: &SeedExpansion,
    path: &Path,
) -> Result<(), PipelineError> {
    let io = |e: csv::Error| PipelineError::Seeds(format!("{}: {e}", path.display()));
    let mut w = csv::Writer::from_path(path).map_err(io)?;
    w.write_record([
        "rank",
        "account_id",
        "screen_name",
        "link_score",
        "linked",
        "amplifier",
        "evidence",
    ])
    .map_err(io)?;
    for (i, x) in exp.ranked.iter().enumerate() {
        let a = x.account.idx();
        w.write_record([
            (i + 1).to_string().as_str(),
            ds.str(ds.accounts.external_id[a]),
            &lockstep_export::guard_cell(ds.str(ds.accounts.screen_name[a])),
            format!("{:.4}", x.score).as_str(),
            if x.linked { "true" } else { "false" },
            if x.amplifier { "true" } else { "false" },
            &lockstep_export::guard_cell(&lockstep_score::evidence_string(&x.evidence)),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(|e| PipelineError::Io {
        path: path.display().to_string(),
        source: e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{DatasetBuilder, PostRecord, Resolution, SourceInfo};

    fn ds() -> Dataset {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo {
            path: "t".into(),
            format: "test".into(),
            resolution: Resolution::Second,
            rows_read: 2,
            rows_rejected: 0,
            rejections: Default::default(),
            notes: vec![],
        });
        for (id, acc) in [("p1", "1001"), ("p2", "1002")] {
            b.push_post(
                &PostRecord {
                    external_id: id,
                    account: acc,
                    time: 1_560_000_000,
                    text: "hello",
                    ..Default::default()
                },
                src,
            );
        }
        let mut ds = b.finish();
        let sym = ds.strings.intern("HKNews_24");
        ds.accounts.screen_name[1] = sym;
        ds
    }

    #[test]
    fn seed_file_skips_header_comments_and_blank_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("seeds.csv");
        std::fs::write(
            &p,
            "userid,user_screen_name\n# known operators\n1001,a\n\n@hknews_24,b\n",
        )
        .expect("write");
        let seeds = read_seed_file(&p).expect("read");
        assert_eq!(seeds, vec!["1001".to_string(), "@hknews_24".to_string()]);
    }

    #[test]
    fn resolves_ids_and_screen_names_and_reports_unknown() {
        let ds = ds();
        let (found, unknown) = resolve_seeds(
            &ds,
            &[
                "1001".into(),
                "@hknews_24".into(),
                "1001".into(),
                "nobody".into(),
            ],
        );
        assert_eq!(found, vec![AccountId(0), AccountId(1)]);
        assert_eq!(unknown, vec!["nobody".to_string()]);
    }

    #[test]
    fn expansion_csv_guards_formula_cells_but_not_ids() {
        let mut ds = ds();
        ds.accounts.screen_name[0] = ds.strings.intern("=HYPERLINK(\"http://x\")");
        ds.accounts.external_id[1] = ds.strings.intern("-1002");
        let exp = SeedExpansion {
            ranked: vec![
                lockstep_score::ExpandedAccount {
                    account: AccountId(0),
                    score: 0.5,
                    linked: true,
                    amplifier: false,
                    evidence: Vec::new(),
                },
                lockstep_score::ExpandedAccount {
                    account: AccountId(1),
                    score: 0.25,
                    linked: false,
                    amplifier: false,
                    evidence: Vec::new(),
                },
            ],
            ..Default::default()
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("expansion.csv");
        write_expansion(&ds, &exp, &p).expect("write");
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains("\n2,-1002,"), "ids are never guarded: {text}");
        let mut r = csv::Reader::from_path(&p).expect("csv");
        let rec = r.records().next().expect("row").expect("row");
        assert_eq!(
            lockstep_export::unguard_cell(&rec[2]),
            "=HYPERLINK(\"http://x\")"
        );
    }

    #[test]
    fn missing_seed_file_names_the_path() {
        let err = read_seed_file(Path::new("/nonexistent/seeds.txt")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/seeds.txt"), "{err}");
    }
}
