//! `pages.csv`: verdicts on the Pages and Groups of `page_admins` from their admins' verdicts
//! (the rules live in `lockstep_ads::pages`, docs/pages.md), and their counts per network for
//! `summary.json`.

use crate::{Investigation, PipelineError};
use lockstep_ads::pages::{Admin, PageInput, PageVerdict, judge, write_csv};
use lockstep_model::Dataset;
use std::path::Path;

/// Judges the dataset's pages from their admins' verdicts; `None` when the input has no pages.
pub fn judge_pages(inv: &Investigation, ds: &Dataset) -> Option<Vec<PageVerdict>> {
    let pa = ds.page_admins.as_ref()?;
    let mut pages: Vec<PageInput> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = Default::default();
    for i in 0..pa.page.len() {
        let id = ds.str(pa.page[i]);
        let k = *index.entry(id).or_insert_with(|| {
            pages.push(PageInput {
                page_id: id.to_string(),
                page_name: ds.str(pa.page_name[i]).to_string(),
                page_kind: ds.str(pa.page_kind[i]).to_string(),
                admins: Vec::new(),
            });
            pages.len() - 1
        });
        let a = pa.account[i].idx();
        pages[k].admins.push(Admin {
            account_id: ds.str(ds.accounts.external_id[a]).to_string(),
            verdict: inv
                .accounts
                .get(a)
                .and_then(|o| o.verdict)
                .map(|v| v.as_str().to_string()),
            cluster: inv.cluster_of.get(a).copied().flatten(),
        });
    }
    Some(judge(&pages, &lockstep_ads::StateMediaRegistry::builtin()))
}

/// Writes `out/pages.csv`.
pub fn write_pages(verdicts: &[PageVerdict], out: &Path) -> Result<(), PipelineError> {
    let path = out.join("pages.csv");
    let f = std::fs::File::create(&path).map_err(|source| PipelineError::Io {
        path: path.display().to_string(),
        source,
    })?;
    write_csv(verdicts, std::io::BufWriter::new(f)).map_err(|e| PipelineError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    })
}
