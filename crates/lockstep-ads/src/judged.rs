//! What an investigation judged inauthentic, read from its output directory: `accounts.csv`
//! (`account_id`, `verdict`, `cluster_id`) and, when present, `pages.csv` (`page_id`, `verdict`).

use crate::error::{AdsError, FieldProblem};
use crate::screen::Judged;
use std::path::Path;

/// Reads `DIR/accounts.csv` and `DIR/pages.csv` (optional) into [`Judged`].
pub fn read_investigation(dir: &Path) -> Result<Judged, AdsError> {
    let mut j = Judged::default();
    let accounts = dir.join("accounts.csv");
    for_rows(&accounts, &["account_id", "verdict"], |get| {
        if get("verdict") == "inauthentic" {
            let cluster = get("cluster_id");
            let ev = if cluster.is_empty() {
                "judged inauthentic by the investigation".to_string()
            } else {
                format!("judged inauthentic by the investigation (cluster {cluster})")
            };
            j.accounts.insert(get("account_id").to_string(), ev);
        }
    })?;
    let pages = dir.join("pages.csv");
    if pages.exists() {
        for_rows(&pages, &["page_id", "verdict"], |get| {
            if get("verdict") == "inauthentic" {
                j.pages.insert(
                    get("page_id").to_string(),
                    format!("page '{}' judged inauthentic", get("page_name")),
                );
            }
        })?;
    }
    Ok(j)
}

fn for_rows(
    path: &Path,
    need: &[&str],
    mut f: impl FnMut(&dyn Fn(&str) -> String),
) -> Result<(), AdsError> {
    let p = path.display().to_string();
    let mut rd = csv::Reader::from_path(path).map_err(|e| AdsError::Format {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let header = rd
        .headers()
        .map_err(|e| AdsError::Format {
            path: p.clone(),
            message: e.to_string(),
        })?
        .clone();
    for c in need {
        if !header.iter().any(|h| h == *c) {
            return Err(AdsError::Format {
                path: p.clone(),
                message: format!("missing column '{c}'"),
            });
        }
    }
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| AdsError::Row {
            path: p.clone(),
            line: i as u64 + 2,
            problem: FieldProblem::new("row", format!("unreadable CSV ({e})"), ""),
        })?;
        let get = |c: &str| {
            header
                .iter()
                .position(|h| h == c)
                .and_then(|k| rec.get(k))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        f(&get);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inauthentic_accounts_and_pages() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            d.path().join("accounts.csv"),
            "account_id,screen_name,cluster_id,verdict\n1,a,3,inauthentic\n2,b,,none\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            d.path().join("pages.csv"),
            "page_id,page_name,verdict\np1,HK Daily Truth,inauthentic\np2,HK Hikers,authentic\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let j = read_investigation(d.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(j.accounts.len(), 1);
        assert!(j.accounts["1"].contains("cluster 3"));
        assert_eq!(j.pages.len(), 1);
        std::fs::write(d.path().join("accounts.csv"), "id\n1\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(read_investigation(d.path()).is_err());
    }
}
