//! Reads an investigation directory (`accounts.csv`, `clusters.csv`, `run.toml` / `summary.json`)
//! into the [`Network`]s to disclose and the input paths the investigation read.

use super::{DiscloseError, Network};
use crate::input::{Role, Verdict};
use hashbrown::HashMap;
use lockstep_model::Dataset;
use std::path::{Path, PathBuf};

/// One row of `accounts.csv` (the columns the disclosure needs).
#[derive(Clone, Debug, PartialEq)]
pub struct AccountRow {
    /// External account id.
    pub account_id: String,
    /// Cluster id, `None` when empty.
    pub cluster_id: Option<String>,
    /// Verdict.
    pub verdict: Verdict,
    /// Role.
    pub role: Role,
    /// 1-based line in `accounts.csv`.
    pub line: u64,
}

/// One row of `clusters.csv`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterRow {
    /// Verdict.
    pub verdict: Verdict,
    /// Score, when given.
    pub score: Option<f64>,
    /// `origin` column, when present and non-empty.
    pub origin: Option<String>,
    /// `origin_confidence` column (`none` when absent).
    pub origin_confidence: lockstep_model::Confidence,
    /// `target` column, when present.
    pub target: Option<String>,
    /// `attribution` column, when present.
    pub attribution: Option<String>,
}

/// What an investigation directory says.
#[derive(Clone, Debug, Default)]
pub struct Investigation {
    /// `accounts.csv` rows.
    pub accounts: Vec<AccountRow>,
    /// `clusters.csv` rows by cluster id (empty when the file is absent).
    pub clusters: HashMap<String, ClusterRow>,
    /// Input paths found in `run.toml` or `summary.json` (empty when none), as [`input_paths`]
    /// gives them: not verified. `disclose` reads the files [`super::provenance::resolve_inputs`]
    /// returns, checked against the recorded size and BLAKE3 digest.
    pub inputs: Vec<PathBuf>,
}

fn bad(path: &Path, line: u64, field: &str, problem: String) -> DiscloseError {
    DiscloseError::Investigation(format!("{}:{line}: {field}: {problem}", path.display()))
}

/// Reads `dir`. `accounts.csv` is required; `clusters.csv`, `run.toml` and `summary.json` are
/// optional.
pub fn read_investigation(dir: &Path) -> Result<Investigation, DiscloseError> {
    let mut inv = Investigation::default();
    let csv_err = |p: &Path| {
        let p = p.to_path_buf();
        move |e| DiscloseError::Csv {
            path: p.clone(),
            source: e,
        }
    };
    let path = dir.join("accounts.csv");
    let rows = lockstep_export::read_accounts(&path)
        .map_err(|e| DiscloseError::Investigation(e.to_string()))?;
    for a in rows {
        inv.accounts.push(AccountRow {
            account_id: a.account_id,
            cluster_id: a.cluster_id.map(|c| c.to_string()),
            verdict: a.verdict,
            role: a.role,
            line: a.line,
        });
    }
    let path = dir.join("clusters.csv");
    if path.exists() {
        let mut r = csv::Reader::from_path(&path).map_err(csv_err(&path))?;
        let h = r.headers().map_err(csv_err(&path))?.clone();
        let col = |name: &str| h.iter().position(|c| c.trim() == name);
        let c_id = col("cluster_id")
            .ok_or_else(|| bad(&path, 1, "cluster_id", "column missing".into()))?;
        let (c_v, c_s, c_o, c_t, c_a) = (
            col("verdict"),
            col("score"),
            col("origin"),
            col("target"),
            col("attribution"),
        );
        let c_oc = col("origin_confidence");
        for rec in r.records() {
            let rec = rec.map_err(csv_err(&path))?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
            // Free text was written with the formula-injection guard: read it back unguarded.
            let text = |i: Option<usize>| {
                Some(lockstep_export::unguard_cell(get(i)).to_string()).filter(|s| !s.is_empty())
            };
            let verdict = Verdict::parse(get(c_v)).ok_or_else(|| {
                bad(
                    &path,
                    line,
                    "verdict",
                    format!("unknown verdict {:?}", get(c_v)),
                )
            })?;
            let score = match get(c_s) {
                "" => None,
                s => Some(
                    s.parse::<f64>()
                        .map_err(|_| bad(&path, line, "score", format!("not a number: {s:?}")))?,
                ),
            };
            let origin_confidence =
                lockstep_model::Confidence::parse(get(c_oc)).ok_or_else(|| {
                    bad(
                        &path,
                        line,
                        "origin_confidence",
                        format!("unknown confidence {:?}", get(c_oc)),
                    )
                })?;
            inv.clusters.insert(
                get(Some(c_id)).to_string(),
                ClusterRow {
                    verdict,
                    score,
                    origin: text(c_o),
                    origin_confidence,
                    target: text(c_t),
                    attribution: text(c_a),
                },
            );
        }
    }
    inv.inputs = input_paths(dir)?;
    Ok(inv)
}

/// Input paths recorded by the investigation, as written: `run.toml` first, then
/// `summary.json`. Any key named `inputs`, `input` or `paths` holding strings (or tables with a
/// `path`) counts. Duplicates removed.
pub fn recorded_paths(dir: &Path) -> Result<Vec<String>, DiscloseError> {
    let mut found: Vec<String> = Vec::new();
    let toml_path = dir.join("run.toml");
    if let Ok(text) = std::fs::read_to_string(&toml_path) {
        let v: toml::Value = toml::from_str(&text)
            .map_err(|e| DiscloseError::Investigation(format!("{}: {e}", toml_path.display())))?;
        let json = serde_json::to_value(&v)?;
        collect_paths(&json, false, &mut found);
    }
    if found.is_empty() {
        let json_path = dir.join("summary.json");
        if let Ok(bytes) = std::fs::read(&json_path) {
            let v: serde_json::Value = serde_json::from_slice(&bytes)?;
            collect_paths(&v, false, &mut found);
        }
    }
    let mut seen = std::collections::HashSet::new();
    Ok(found
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .collect())
}

/// Input paths recorded by the investigation ([`recorded_paths`]); relative paths that do not
/// exist from the working directory are tried relative to `dir`. Nothing is verified: `disclose`
/// uses [`super::provenance::resolve_inputs`], which checks size and BLAKE3 digest.
pub fn input_paths(dir: &Path) -> Result<Vec<PathBuf>, DiscloseError> {
    Ok(recorded_paths(dir)?
        .into_iter()
        .map(|p| {
            let p = PathBuf::from(p);
            if p.is_relative() && !p.exists() && dir.join(&p).exists() {
                dir.join(p)
            } else {
                p
            }
        })
        .collect())
}

fn collect_paths(v: &serde_json::Value, under_key: bool, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                let key = matches!(k.as_str(), "inputs" | "input" | "paths" | "input_paths");
                if key || (under_key && k == "path") {
                    collect_paths(val, true, out);
                } else {
                    collect_paths(val, false, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_paths(x, under_key, out)),
        Value::String(s) if under_key => out.push(s.clone()),
        _ => {}
    }
}

/// The networks selected by `selection`: `all` (every cluster whose verdict is `inauthentic`;
/// organic coordination is never disclosed by default) or a comma-separated list of cluster ids.
pub fn select_networks(
    ds: &Dataset,
    inv: &Investigation,
    selection: &str,
) -> Result<Vec<Network>, DiscloseError> {
    let mut order: Vec<String> = Vec::new();
    let mut members: HashMap<String, Vec<(lockstep_model::AccountId, Role)>> = HashMap::new();
    let mut verdicts: HashMap<String, Verdict> = HashMap::new();
    for row in &inv.accounts {
        let Some(c) = &row.cluster_id else { continue };
        let a = ds.account_by_external(&row.account_id).ok_or_else(|| {
            DiscloseError::Investigation(format!(
                "accounts.csv:{}: account_id: {:?} is not in the input data (wrong --input?)",
                row.line, row.account_id
            ))
        })?;
        if !members.contains_key(c) {
            order.push(c.clone());
        }
        members.entry(c.clone()).or_default().push((a, row.role));
        verdicts.entry(c.clone()).or_insert(row.verdict);
    }
    let verdict_of = |c: &str| {
        inv.clusters
            .get(c)
            .map(|r| r.verdict)
            .or_else(|| verdicts.get(c).copied())
            .unwrap_or_default()
    };
    let wanted: Vec<String> = if selection.trim() == "all" {
        let mut v: Vec<String> = order
            .iter()
            .filter(|c| verdict_of(c) == Verdict::Inauthentic)
            .cloned()
            .collect();
        v.sort_by(|a, b| match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.cmp(b),
        });
        v
    } else {
        // A repeated id (`1,1`) selects the network once.
        let mut seen = std::collections::HashSet::new();
        selection
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && seen.insert(s.clone()))
            .collect()
    };
    let unknown: Vec<&String> = wanted
        .iter()
        .filter(|c| !members.contains_key(*c))
        .collect();
    if !unknown.is_empty() {
        let mut known: Vec<&String> = order.iter().collect();
        known.sort_by(|a, b| match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.cmp(b),
        });
        const SHOWN: usize = 100;
        let mut list = known
            .iter()
            .take(SHOWN)
            .map(|c| format!("{c} ({})", verdict_of(c).as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        if known.len() > SHOWN {
            list.push_str(&format!(", ... ({} in all)", known.len()));
        }
        return Err(DiscloseError::UnknownNetworks {
            unknown: unknown.iter().map(|s| s.to_string()).collect(),
            known: if list.is_empty() {
                "none: accounts.csv assigns no account to a cluster".into()
            } else {
                list
            },
        });
    }
    let mut out = Vec::new();
    for c in wanted {
        let Some(m) = members.get(&c) else {
            continue;
        };
        let row = inv.clusters.get(&c).cloned().unwrap_or_default();
        out.push(Network {
            id: c.clone(),
            verdict: verdict_of(&c),
            score: row.score,
            members: m.clone(),
            origin: row.origin,
            origin_confidence: row.origin_confidence,
            target: row.target,
            attribution: row.attribution,
            edges: Vec::new(),
        });
    }
    if out.is_empty() {
        return Err(DiscloseError::NoNetworks);
    }
    Ok(out)
}

/// Attaches to each network the edges of the investigation's `edges.csv` (in `dir`) whose two
/// ends are both members of that network, for the disclosure report's network picture and delay
/// chart. Streams the file (it can hold millions of edges) and keeps only those edges. A missing
/// `edges.csv` attaches nothing. Returns the number of edges attached.
pub fn attach_edges(
    ds: &Dataset,
    dir: &Path,
    networks: &mut [Network],
) -> Result<u64, DiscloseError> {
    let path = dir.join("edges.csv");
    if !path.exists() {
        return Ok(0);
    }
    let mut net_of: HashMap<lockstep_model::AccountId, usize> = HashMap::new();
    for (ni, net) in networks.iter().enumerate() {
        for &(a, _) in &net.members {
            net_of.entry(a).or_insert(ni);
        }
    }
    let csv_err = |e| DiscloseError::Csv {
        path: path.clone(),
        source: e,
    };
    let mut r = csv::Reader::from_path(&path).map_err(csv_err)?;
    let h = r.headers().map_err(csv_err)?.clone();
    let need = |name: &str| {
        h.iter()
            .position(|c| c.trim() == name)
            .ok_or_else(|| bad(&path, 1, name, "column missing".into()))
    };
    let (c_s, c_t, c_l, c_w) = (
        need("source")?,
        need("target")?,
        need("layer")?,
        need("weight")?,
    );
    let c_dt = need("median_dt_s")?;
    let mut rec = csv::StringRecord::new();
    let mut n = 0;
    while r.read_record(&mut rec).map_err(csv_err)? {
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let (Some(a), Some(b)) = (
            ds.account_by_external(get(c_s)),
            ds.account_by_external(get(c_t)),
        ) else {
            continue;
        };
        let (Some(&na), Some(&nb)) = (net_of.get(&a), net_of.get(&b)) else {
            continue;
        };
        if na != nb {
            continue;
        }
        let num = |i: usize, field: &str| {
            get(i)
                .parse::<f64>()
                .map_err(|_| bad(&path, line, field, format!("not a number: {:?}", get(i))))
        };
        networks[na].edges.push(crate::input::EdgeResult {
            a,
            b,
            layer: get(c_l).to_string(),
            weight: num(c_w, "weight")?,
            median_dt_s: num(c_dt, "median_dt_s")?,
        });
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{DatasetBuilder, Profile};

    fn inv_and_ds() -> (Investigation, Dataset) {
        let mut b = DatasetBuilder::new();
        for id in ["a1", "a2", "a3"] {
            b.set_profile(id, &Profile::default());
        }
        let ds = b.finish();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("accounts.csv"),
            "account_id,cluster_id,verdict,role\na1,1,inauthentic,core\na2,1,inauthentic,amplifier\na3,2,coordinated_organic,\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("clusters.csv"),
            "cluster_id,verdict,score,origin,attribution\n1,inauthentic,0.9,'=Elsewhere,'-guarded text\n2,coordinated_organic,0.2,,\n",
        )
        .unwrap();
        (read_investigation(dir.path()).unwrap(), ds)
    }

    #[test]
    fn a_repeated_network_id_selects_the_network_once() {
        let (inv, ds) = inv_and_ds();
        let nets = select_networks(&ds, &inv, "1,1, 1").unwrap();
        assert_eq!(nets.len(), 1);
        assert_eq!(nets[0].members.len(), 2);
        let nets = select_networks(&ds, &inv, "2,1,2").unwrap();
        let ids: Vec<&str> = nets.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["2", "1"]);
    }

    #[test]
    fn unknown_network_ids_are_refused_with_the_known_ones() {
        let (inv, ds) = inv_and_ds();
        let e = select_networks(&ds, &inv, "1,7,x").unwrap_err().to_string();
        assert!(e.contains("\"7\"") && e.contains("\"x\""), "{e}");
        assert!(
            e.contains("1 (inauthentic), 2 (coordinated_organic)"),
            "{e}"
        );
    }

    #[test]
    fn guarded_cluster_text_reads_back_as_written_by_the_investigation() {
        let (inv, _) = inv_and_ds();
        let c = &inv.clusters["1"];
        assert_eq!(c.origin.as_deref(), Some("=Elsewhere"));
        assert_eq!(c.attribution.as_deref(), Some("-guarded text"));
    }

    #[test]
    fn finds_input_paths_in_toml_and_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("run.toml"),
            "fdr = 0.01\n[input]\npaths = [\"a.csv\", \"b.csv\"]\n",
        )
        .unwrap();
        let p = input_paths(dir.path()).unwrap();
        assert_eq!(p, vec![PathBuf::from("a.csv"), PathBuf::from("b.csv")]);
        std::fs::remove_file(dir.path().join("run.toml")).unwrap();
        std::fs::write(dir.path().join("x.csv"), "").unwrap();
        std::fs::write(
            dir.path().join("summary.json"),
            r#"{"inputs": [{"path": "x.csv", "digest": "abc"}], "counts": {"posts": 3}}"#,
        )
        .unwrap();
        let p = input_paths(dir.path()).unwrap();
        assert_eq!(p, vec![dir.path().join("x.csv")]);
    }
}
