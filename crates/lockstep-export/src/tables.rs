//! The CSV tables: `edges.csv`, `accounts.csv`, `clusters.csv` (columns in docs/outputs.md).
//! Optional values are written as empty fields, numbers with full precision. Free-text cells
//! (screen names, evidence, top hashtags/urls/domains, clients, origin, attribution) go through
//! the formula-injection guard of [`crate::csv_cell`]; ids and numbers never do.

use crate::ExportError;
use crate::csv_cell::guard;
use std::path::Path;

/// One row of `edges.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRow<'a> {
    /// External id of the first account (the amplified author for `amplify`).
    pub source: &'a str,
    /// External id of the second account (the amplifier for `amplify`).
    pub target: &'a str,
    /// Layer name.
    pub layer: &'a str,
    /// `burst` or `drip`.
    pub scale: &'a str,
    /// Distinct co-acted targets.
    pub weight: u32,
    /// Co-action events.
    pub events: u32,
    /// Median `|dt|` in seconds.
    pub median_dt_s: f32,
    /// p-value under the null model (empty until the statistics stage fills it).
    pub p_value: Option<f64>,
    /// Benjamini-Hochberg q-value (empty until the statistics stage fills it).
    pub q_value: Option<f64>,
}

/// One row of `accounts.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountRow<'a> {
    /// External account id.
    pub account_id: &'a str,
    /// Handle (may be empty).
    pub screen_name: &'a str,
    /// Cluster, when in one.
    pub cluster_id: Option<u32>,
    /// `inauthentic` / `coordinated_organic` / `none`; empty until scoring.
    pub verdict: Option<&'a str>,
    /// `core` / `amplifier`; empty until scoring.
    pub role: Option<&'a str>,
    /// Coordination score in [0,1].
    pub coordination_score: Option<f64>,
    /// Inauthenticity score in [0,1].
    pub inauthenticity_score: Option<f64>,
    /// Short evidence text.
    pub evidence: &'a str,
    /// The operation its cluster belongs to, when judged inauthentic (`operations.csv`).
    pub operation_id: Option<u32>,
}

/// One row of `clusters.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterRow {
    /// Cluster id (0-based, largest first).
    pub cluster_id: u32,
    /// Accounts.
    pub size: u32,
    /// Verdict; empty until scoring.
    pub verdict: Option<String>,
    /// Verdict score; empty until scoring.
    pub score: Option<f64>,
    /// Layers with at least one edge inside the cluster, `;`-separated.
    pub layers: String,
    /// Median of the edges' median `|dt|`.
    pub median_delay_s: f32,
    /// Kept edges inside the cluster (one per pair, layer and scale).
    pub edges: u32,
    /// Distinct account pairs linked / possible pairs.
    pub density: f64,
    /// The DESIGN §7 metrics and the verdict's evidence and attribution, in the order of
    /// [`CLUSTER_METRIC_COLUMNS`] (empty strings when a stage did not run).
    pub metrics: Vec<String>,
    /// The operation it belongs to (`operations.csv`), when judged inauthentic.
    pub operation_id: Option<u32>,
}

/// One row of `operations.csv`: inauthentic clusters tied into one operation.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationRow {
    /// 0-based, largest first.
    pub operation_id: u32,
    /// `inauthentic`.
    pub verdict: String,
    /// Member accounts.
    pub accounts: u64,
    /// Its clusters, `;`-separated, each `id:role` (`core` / `amplifier`).
    pub clusters: String,
    /// Posts by its members.
    pub posts: u64,
    /// Inferred UTC offset of its activity, hours.
    pub utc_offset_h: Option<i32>,
    /// Inferred origin country code (ISO 3166-1 alpha-2), when one stands out.
    pub origin: String,
    /// `high` / `medium` / `low` / `none`.
    pub origin_confidence: String,
    /// Evidence sentences, `; `-separated.
    pub evidence: String,
}

/// Columns of `edges.csv`, in order.
pub const EDGE_COLUMNS: [&str; 9] = [
    "source",
    "target",
    "layer",
    "scale",
    "weight",
    "events",
    "median_dt_s",
    "p_value",
    "q_value",
];

/// Columns of `accounts.csv`, in order.
pub const ACCOUNT_COLUMNS: [&str; 9] = [
    "account_id",
    "screen_name",
    "cluster_id",
    "verdict",
    "role",
    "coordination_score",
    "inauthenticity_score",
    "evidence",
    "operation_id",
];

/// The last column of `clusters.csv`, after [`CLUSTER_METRIC_COLUMNS`].
pub const CLUSTER_OPERATION_COLUMN: &str = "operation_id";

/// Columns of `operations.csv`, in order.
pub const OPERATION_COLUMNS: [&str; 9] = [
    "operation_id",
    "verdict",
    "accounts",
    "clusters",
    "posts",
    "utc_offset_h",
    "origin",
    "origin_confidence",
    "evidence",
];

/// The first columns of `clusters.csv`, before [`CLUSTER_METRIC_COLUMNS`].
pub const CLUSTER_BASE_COLUMNS: [&str; 8] = [
    "cluster_id",
    "size",
    "verdict",
    "score",
    "layers",
    "median_delay_s",
    "edges",
    "density",
];

/// Columns of `clusters.csv` after `density`: DESIGN §7 cluster metrics, then the scoring stage's
/// evidence and attribution.
pub const CLUSTER_METRIC_COLUMNS: [&str; 14] = [
    "synchrony",
    "creation_span_days",
    "content_homogeneity",
    "posts",
    "utc_offset_h",
    "top_hashtags",
    "top_urls",
    "top_domains",
    "languages",
    "clients",
    "origin",
    "origin_confidence",
    "evidence",
    "attribution",
];

/// Which of [`CLUSTER_METRIC_COLUMNS`] hold free text (guarded against formula injection);
/// the others are numbers or fixed labels.
pub const CLUSTER_METRIC_IS_TEXT: [bool; 14] = [
    false, // synchrony
    false, // creation_span_days
    false, // content_homogeneity
    false, // posts
    false, // utc_offset_h
    true,  // top_hashtags
    true,  // top_urls
    true,  // top_domains
    true,  // languages
    true,  // clients
    true,  // origin
    false, // origin_confidence
    true,  // evidence
    true,  // attribution
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// A probability for `edges.csv`: below 0.001 in Rust's shortest round-trip scientific form
/// (`9.537863126582147e-20` rather than 19 zeros and the digits), otherwise the shortest decimal
/// form; both parse back to the identical `f64`.
fn prob(v: Option<f64>) -> String {
    match v {
        Some(x) if x != 0.0 && x.abs() < 1e-3 => format!("{x:e}"),
        Some(x) => x.to_string(),
        None => String::new(),
    }
}

fn writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>, ExportError> {
    let f = std::fs::File::create(path).map_err(|e| ExportError::io(path, e))?;
    Ok(csv::Writer::from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        f,
    )))
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> ExportError + '_ {
    move |source| ExportError::Csv {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `edges.csv`.
pub fn write_edges<'a>(
    path: &Path,
    rows: impl IntoIterator<Item = EdgeRow<'a>>,
) -> Result<u64, ExportError> {
    let mut w = writer(path)?;
    let e = csv_err(path);
    w.write_record(EDGE_COLUMNS).map_err(&e)?;
    let mut n = 0;
    for r in rows {
        w.write_record([
            r.source,
            r.target,
            r.layer,
            r.scale,
            &r.weight.to_string(),
            &r.events.to_string(),
            &r.median_dt_s.to_string(),
            &prob(r.p_value),
            &prob(r.q_value),
        ])
        .map_err(&e)?;
        n += 1;
    }
    w.flush().map_err(|x| ExportError::io(path, x))?;
    Ok(n)
}

/// Writes `accounts.csv`.
pub fn write_accounts<'a>(
    path: &Path,
    rows: impl IntoIterator<Item = AccountRow<'a>>,
) -> Result<u64, ExportError> {
    let mut w = writer(path)?;
    let e = csv_err(path);
    w.write_record(ACCOUNT_COLUMNS).map_err(&e)?;
    let mut n = 0;
    for r in rows {
        w.write_record([
            r.account_id,
            &guard(r.screen_name),
            &opt(r.cluster_id),
            r.verdict.unwrap_or(""),
            r.role.unwrap_or(""),
            &opt(r.coordination_score),
            &opt(r.inauthenticity_score),
            &guard(r.evidence),
            &opt(r.operation_id),
        ])
        .map_err(&e)?;
        n += 1;
    }
    w.flush().map_err(|x| ExportError::io(path, x))?;
    Ok(n)
}

/// Writes `operations.csv`.
pub fn write_operations(path: &Path, rows: &[OperationRow]) -> Result<u64, ExportError> {
    let mut w = writer(path)?;
    let e = csv_err(path);
    w.write_record(OPERATION_COLUMNS).map_err(&e)?;
    for r in rows {
        w.write_record([
            r.operation_id.to_string().as_str(),
            &r.verdict,
            &r.accounts.to_string(),
            &r.clusters,
            &r.posts.to_string(),
            &opt(r.utc_offset_h),
            &guard(&r.origin),
            &r.origin_confidence,
            &guard(&r.evidence),
        ])
        .map_err(&e)?;
    }
    w.flush().map_err(|x| ExportError::io(path, x))?;
    Ok(rows.len() as u64)
}

/// Writes `clusters.csv`.
pub fn write_clusters(path: &Path, rows: &[ClusterRow]) -> Result<u64, ExportError> {
    let mut w = writer(path)?;
    let e = csv_err(path);
    w.write_record(
        CLUSTER_BASE_COLUMNS
            .into_iter()
            .chain(CLUSTER_METRIC_COLUMNS)
            .chain([CLUSTER_OPERATION_COLUMN]),
    )
    .map_err(&e)?;
    for r in rows {
        let base = [
            r.cluster_id.to_string(),
            r.size.to_string(),
            r.verdict.clone().unwrap_or_default(),
            opt(r.score),
            r.layers.clone(),
            r.median_delay_s.to_string(),
            r.edges.to_string(),
            r.density.to_string(),
        ];
        let extra = (0..CLUSTER_METRIC_COLUMNS.len()).map(|i| {
            let cell = r.metrics.get(i).map(String::as_str).unwrap_or("");
            if CLUSTER_METRIC_IS_TEXT[i] {
                guard(cell)
            } else {
                std::borrow::Cow::Borrowed(cell)
            }
        });
        let operation = opt(r.operation_id);
        let cells: Vec<std::borrow::Cow<'_, str>> = base
            .iter()
            .map(|s| std::borrow::Cow::Borrowed(s.as_str()))
            .chain(extra)
            .chain([std::borrow::Cow::Borrowed(operation.as_str())])
            .collect();
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(&e)?;
    }
    w.flush().map_err(|x| ExportError::io(path, x))?;
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {

    #[test]
    fn probabilities_round_trip_exactly_and_small_ones_are_short() {
        for x in [
            9.537863126582147e-20,
            0.004006135913312384,
            5.552801781536775e-6,
            1e-300,
            f64::MIN_POSITIVE,
            0.5,
            1.0,
            0.0,
        ] {
            let s = prob(Some(x));
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
        }
        assert_eq!(prob(Some(9.537863126582147e-20)), "9.537863126582147e-20");
        assert_eq!(prob(Some(0.25)), "0.25");
        assert_eq!(prob(None), "");
    }

    use super::*;

    #[test]
    fn free_text_cells_are_guarded_ids_and_numbers_are_not() {
        use crate::csv_cell::unguard;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("accounts.csv");
        let rows = vec![AccountRow {
            account_id: "-42",
            screen_name: "=HYPERLINK(\"http://evil\",\"x\")",
            cluster_id: Some(3),
            verdict: Some("inauthentic"),
            role: Some("core"),
            coordination_score: Some(-0.5),
            inauthenticity_score: None,
            evidence: "@cmd|' /C calc'!A0",
            operation_id: Some(1),
        }];
        write_accounts(&p, rows).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\n-42,\"'=HYPERLINK"), "{text}");
        assert!(text.contains(",-0.5,,'@cmd"), "{text}");
        let mut r = csv::Reader::from_path(&p).unwrap();
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "-42");
        assert_eq!(unguard(&rec[1]), "=HYPERLINK(\"http://evil\",\"x\")");
        assert_eq!(unguard(&rec[7]), "@cmd|' /C calc'!A0");

        let p = dir.path().join("clusters.csv");
        let mut metrics = vec![String::new(); CLUSTER_METRIC_COLUMNS.len()];
        metrics[4] = "-5".into(); // utc_offset_h: a number, never guarded
        metrics[5] = "+tag:3".into(); // top_hashtags
        metrics[10] = "=origin".into();
        metrics[13] = "-attribution".into();
        let rows = vec![ClusterRow {
            cluster_id: 0,
            size: 2,
            verdict: Some("inauthentic".into()),
            score: Some(0.9),
            layers: "repost".into(),
            median_delay_s: 1.0,
            edges: 1,
            density: 1.0,
            metrics,
            operation_id: None,
        }];
        write_clusters(&p, &rows).unwrap();
        let mut r = csv::Reader::from_path(&p).unwrap();
        let h = r.headers().unwrap().clone();
        let rec = r.records().next().unwrap().unwrap();
        let col = |n: &str| &rec[h.iter().position(|c| c == n).unwrap()];
        assert_eq!(col("utc_offset_h"), "-5");
        assert_eq!(col("top_hashtags"), "'+tag:3");
        assert_eq!(col("origin"), "'=origin");
        assert_eq!(col("attribution"), "'-attribution");
        assert_eq!(unguard(col("origin")), "=origin");
        for cell in rec.iter() {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell:?}");
        }
    }

    #[test]
    fn edges_round_trip_through_csv() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("edges.csv");
        let rows = vec![EdgeRow {
            source: "a,\"x",
            target: "b",
            layer: "repost",
            scale: "burst",
            weight: 3,
            events: 4,
            median_dt_s: 2.5,
            p_value: Some(0.001),
            q_value: None,
        }];
        assert_eq!(write_edges(&p, rows).unwrap(), 1);
        let mut r = csv::Reader::from_path(&p).unwrap();
        let h = r.headers().unwrap().clone();
        assert_eq!(h.len(), 9);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "a,\"x");
        assert_eq!(&rec[4], "3");
        assert_eq!(&rec[6], "2.5");
        assert_eq!(&rec[7], "0.001");
        assert_eq!(&rec[8], "");
    }
}
