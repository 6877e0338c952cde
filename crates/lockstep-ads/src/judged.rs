//! What an investigation judged inauthentic, read from its output directory: `accounts.csv`
//! (through [`lockstep_export::read_accounts`]) and, when present, `pages.csv`
//! (through [`crate::pages::read_csv`]).

use crate::error::AdsError;
use crate::screen::Judged;
use lockstep_model::Verdict;
use std::path::Path;

/// Reads `DIR/accounts.csv` and `DIR/pages.csv` (optional) into [`Judged`].
pub fn read_investigation(dir: &Path) -> Result<Judged, AdsError> {
    let mut j = Judged::default();
    for a in lockstep_export::read_accounts(&dir.join("accounts.csv"))? {
        if a.verdict == Verdict::Inauthentic {
            let ev = match a.cluster_id {
                None => "judged inauthentic by the investigation".to_string(),
                Some(c) => format!("judged inauthentic by the investigation (cluster {c})"),
            };
            j.accounts.insert(a.account_id, ev);
        }
    }
    let pages = dir.join("pages.csv");
    if pages.exists() {
        for pg in crate::pages::read_csv(&pages)? {
            if pg.verdict == "inauthentic" {
                let ev = format!("page '{}' judged inauthentic", pg.page_name);
                j.pages.insert(pg.page_id, ev);
            }
        }
    }
    Ok(j)
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
