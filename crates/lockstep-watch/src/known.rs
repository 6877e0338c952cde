//! Known (suspended) networks for re-registration alerts (`--known`, docs/watch.md
//! "Re-registration").
//!
//! Two sources: an investigation directory (`accounts.csv`: the clusters with verdict
//! `inauthentic` are the networks; `suspended.txt` beside it, one account id per line, names the
//! suspended accounts, else every member counts as suspended), or the case server's enforcement
//! feed (`lockstep case export-actions` JSON lines: each `case_id` is a network, its actioned
//! `account_id`s its suspended members).

use crate::WatchError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// One known network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KnownNetwork {
    /// `cluster-N` (investigation) or `case-N` (enforcement feed).
    pub name: String,
    /// Every account known to belong to it.
    pub accounts: BTreeSet<String>,
    /// The suspended ones.
    pub suspended: BTreeSet<String>,
}

/// All known networks, and which network each known account belongs to.
#[derive(Clone, Debug, Default)]
pub struct KnownNetworks {
    /// The networks.
    pub networks: Vec<KnownNetwork>,
    /// Account to its network's index.
    pub network_of: HashMap<String, usize>,
}

/// The network of the suspended accounts (`suspended.txt`) outside every inauthentic cluster.
pub const UNCLUSTERED: &str = "suspended-unclustered";

fn bad(path: &Path, line: usize, what: String) -> WatchError {
    WatchError::Config(format!("--known {}:{line}: {what}", path.display()))
}

impl KnownNetworks {
    /// Loads `path` (a directory or an enforcement-feed file).
    pub fn load(path: &Path) -> Result<KnownNetworks, WatchError> {
        let mut nets: BTreeMap<String, KnownNetwork> = BTreeMap::new();
        if path.is_dir() {
            let p = path.join("accounts.csv");
            let mut r = csv::Reader::from_path(&p).map_err(|e| bad(&p, 0, e.to_string()))?;
            let h = r.headers().map_err(|e| bad(&p, 1, e.to_string()))?.clone();
            let col = |name: &str| {
                h.iter()
                    .position(|c| c == name)
                    .ok_or_else(|| bad(&p, 1, format!("no `{name}` column")))
            };
            let (ia, ic, iv) = (col("account_id")?, col("cluster_id")?, col("verdict")?);
            for (i, rec) in r.records().enumerate() {
                let rec = rec.map_err(|e| bad(&p, i + 2, e.to_string()))?;
                let (a, c, v) = (
                    rec.get(ia).unwrap_or(""),
                    rec.get(ic).unwrap_or(""),
                    rec.get(iv).unwrap_or(""),
                );
                if v != "inauthentic" || c.is_empty() || a.is_empty() {
                    continue;
                }
                let name = format!("cluster-{c}");
                let n = nets.entry(name.clone()).or_insert_with(|| KnownNetwork {
                    name,
                    ..Default::default()
                });
                n.accounts.insert(a.to_string());
            }
            let sp = path.join("suspended.txt");
            match std::fs::read_to_string(&sp) {
                Ok(text) => {
                    let ids: BTreeSet<&str> = text
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .collect();
                    let mut clustered: BTreeSet<&str> = BTreeSet::new();
                    for n in nets.values_mut() {
                        n.suspended = n
                            .accounts
                            .iter()
                            .filter(|a| ids.contains(a.as_str()))
                            .cloned()
                            .collect();
                        clustered.extend(n.accounts.iter().map(String::as_str));
                    }
                    // Suspended accounts outside every inauthentic cluster: one more network.
                    let rest: BTreeSet<String> = ids
                        .iter()
                        .filter(|a| !clustered.contains(*a))
                        .map(|a| a.to_string())
                        .collect();
                    if !rest.is_empty() {
                        nets.insert(
                            UNCLUSTERED.to_string(),
                            KnownNetwork {
                                name: UNCLUSTERED.to_string(),
                                accounts: rest.clone(),
                                suspended: rest,
                            },
                        );
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    for n in nets.values_mut() {
                        n.suspended = n.accounts.clone();
                    }
                }
                Err(e) => return Err(bad(&sp, 0, e.to_string())),
            }
        } else {
            let text = std::fs::read_to_string(path).map_err(|e| bad(path, 0, e.to_string()))?;
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(line)
                    .map_err(|e| bad(path, i + 1, format!("not JSON: {e}")))?;
                let field = |k: &str| match v.get(k) {
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                let account = field("account_id")
                    .ok_or_else(|| bad(path, i + 1, "field `account_id` missing".into()))?;
                let case = field("case_id")
                    .ok_or_else(|| bad(path, i + 1, "field `case_id` missing".into()))?;
                let name = format!("case-{case}");
                let n = nets.entry(name.clone()).or_insert_with(|| KnownNetwork {
                    name,
                    ..Default::default()
                });
                n.accounts.insert(account.clone());
                n.suspended.insert(account);
            }
        }
        let networks: Vec<KnownNetwork> = nets.into_values().collect();
        let mut network_of = HashMap::new();
        for (i, n) in networks.iter().enumerate() {
            for a in &n.accounts {
                network_of.entry(a.clone()).or_insert(i);
            }
        }
        Ok(KnownNetworks {
            networks,
            network_of,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn investigation_dir_and_feed() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("accounts.csv"),
            "account_id,screen_name,cluster_id,verdict\n1,a,0,inauthentic\n2,b,0,inauthentic\n3,c,1,coordinated_organic\n4,d,,none\n",
        )
        .unwrap();
        std::fs::write(d.path().join("suspended.txt"), "# ids\n1\n7\n").unwrap();
        let k = KnownNetworks::load(d.path()).unwrap();
        assert_eq!(k.networks.len(), 2);
        assert_eq!(k.networks[1].name, UNCLUSTERED);
        assert_eq!(k.network_of.get("7"), Some(&1));
        assert_eq!(k.networks[0].accounts.len(), 2);
        assert_eq!(k.networks[0].suspended.iter().collect::<Vec<_>>(), ["1"]);
        assert_eq!(k.network_of.get("2"), Some(&0));
        let f = d.path().join("feed.jsonl");
        std::fs::write(
            &f,
            "{\"id\":1,\"case_id\":4,\"account_id\":\"9\",\"action\":\"suspend\"}\n{\"id\":2,\"case_id\":4,\"account_id\":\"8\"}\n",
        )
        .unwrap();
        let k = KnownNetworks::load(&f).unwrap();
        assert_eq!(k.networks[0].name, "case-4");
        assert_eq!(k.networks[0].suspended.len(), 2);
        std::fs::write(&f, "{\"case_id\":4}\n").unwrap();
        let e = KnownNetworks::load(&f).unwrap_err().to_string();
        assert!(
            e.contains("feed.jsonl:1: field `account_id` missing"),
            "{e}"
        );
    }
}
