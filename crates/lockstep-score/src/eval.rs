//! Evaluation against labels: precision, recall and F1 of the `inauthentic` verdict in an
//! `accounts.csv`, overall and per label, the false-positive rate on each negative label, role
//! agreement, and the role purity of clusters against published categories (e.g. the IRA's
//! `account_category`).
//!
//! By default only labelled accounts that appear in `accounts.csv` are evaluated: an account the
//! data does not contain could not have been found, and counting it as a false negative measures
//! the data release, not the detector (the IRA labels name 2,700+ accounts, the tweets file 823).
//! The report says how many labelled accounts were absent; [`EvalOptions::count_absent`]
//! (`lockstep eval --count-absent`) counts them as predicted negative, the former behaviour.
//! Label and prediction files may be gzip or zstd compressed.

use hashbrown::HashMap;
use lockstep_model::InputError;
use serde::Serialize;
use std::path::Path;
use thiserror::Error;

/// A problem reading evaluation inputs.
#[derive(Debug, Error)]
pub enum EvalError {
    /// A file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// A row or field is bad.
    #[error(transparent)]
    Input(#[from] InputError),
    /// An investigation table (accounts.csv) is bad.
    #[error(transparent)]
    Table(#[from] lockstep_export::ExportError),
}

/// One predicted account.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// A [`lockstep_model::Verdict`] file name (`inauthentic`, `coordinated_undetermined`,
    /// `coordinated_organic` or `none`).
    pub verdict: String,
    /// `core`, `amplifier` or empty.
    pub role: String,
    /// Cluster id, when any.
    pub cluster: Option<String>,
}

impl Prediction {
    /// True when predicted positive (verdict `inauthentic`).
    pub fn positive(&self) -> bool {
        self.verdict == "inauthentic"
    }
}

/// Opens a file, plain, gzip (`.gz`) or zstd (`.zst`): the format is recognised by its magic
/// bytes, so a compressed file is read whatever its name.
fn open_stream(path: &Path) -> Result<Box<dyn std::io::Read>, EvalError> {
    use std::io::BufRead as _;
    let io = |e: std::io::Error| EvalError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut buf = std::io::BufReader::new(f);
    let head = buf.fill_buf().map_err(io)?;
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(buf))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(zstd::stream::read::Decoder::with_buffer(buf).map_err(io)?)
    } else {
        Box::new(buf)
    })
}

/// Opens a CSV through [`open_stream`].
fn open(path: &Path) -> Result<csv::Reader<Box<dyn std::io::Read>>, EvalError> {
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(open_stream(path)?))
}

fn header_index(
    path: &Path,
    headers: &csv::StringRecord,
    name: &str,
    required: bool,
) -> Result<Option<usize>, EvalError> {
    let i = headers.iter().position(|h| h.trim() == name);
    if i.is_none() && required {
        return Err(InputError::new(path, 1, name, "required column is missing").into());
    }
    Ok(i)
}

fn csv_err(path: &Path, e: csv::Error) -> EvalError {
    let line = e.position().map_or(0, |p| p.line());
    InputError::new(path, line, "row", e.to_string()).into()
}

/// Reads `accounts.csv` (plain or compressed) through [`lockstep_export::read_accounts_from`]
/// (`account_id`, `verdict` required; `role`, `cluster_id` optional).
pub fn read_predictions(path: &Path) -> Result<HashMap<String, Prediction>, EvalError> {
    let rows = lockstep_export::read_accounts_from(open_stream(path)?, path)?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let p = Prediction {
                verdict: a.verdict.as_str().to_string(),
                role: a.role.as_str().to_string(),
                cluster: a.cluster_id.map(|c| c.to_string()),
            };
            (a.account_id, p)
        })
        .collect())
}

/// Reads a labels file (`account_id`, `label` required; other columns ignored).
pub fn read_labels(path: &Path) -> Result<Vec<(String, String)>, EvalError> {
    read_labels_columns(path, "account_id", "label")
}

/// Reads labels from any CSV with an id and a label column (e.g. the IRA `authors.csv`:
/// `author_id`, `account_category`).
pub fn read_labels_columns(
    path: &Path,
    id_column: &str,
    label_column: &str,
) -> Result<Vec<(String, String)>, EvalError> {
    let mut r = open(path)?;
    let h = r.headers().map_err(|e| csv_err(path, e))?.clone();
    let id = header_index(path, &h, id_column, true)?.unwrap_or(0);
    let label = header_index(path, &h, label_column, true)?.unwrap_or(0);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| csv_err(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        match (rec.get(id), rec.get(label)) {
            (Some(a), Some(l)) if !a.trim().is_empty() && !l.trim().is_empty() => {
                out.push((a.trim().to_string(), l.trim().to_string()))
            }
            _ => {
                return Err(InputError::new(
                    path,
                    line,
                    label_column,
                    format!("empty {id_column} or {label_column}"),
                )
                .into());
            }
        }
    }
    Ok(out)
}

/// Confusion counts with precision, recall and F1.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Prf {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    pub fn_: u64,
    /// True negatives.
    pub tn: u64,
    /// `tp / (tp + fp)` (0 when nothing is predicted).
    pub precision: f64,
    /// `tp / (tp + fn)`.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Prf {
    fn finish(mut self) -> Prf {
        let div = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.precision = div(self.tp, self.tp + self.fp);
        self.recall = div(self.tp, self.tp + self.fn_);
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
        self
    }
}

/// Per-label results.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LabelRow {
    /// The label.
    pub label: String,
    /// True for a positive label.
    pub positive: bool,
    /// Labelled accounts.
    pub n: u64,
    /// Of them, predicted inauthentic.
    pub flagged: u64,
    /// Recall for a positive label, false-positive rate for a negative one.
    pub rate: f64,
    /// Positive labels: this label's detections against all false positives,
    /// `flagged / (flagged + FP)`; `None` for negative labels.
    pub precision: Option<f64>,
    /// Positive labels: F1 of that precision and the recall.
    pub f1: Option<f64>,
    /// Positive labels: flagged accounts per predicted role (`core`, `amplifier`, other).
    pub roles: Vec<(String, u64)>,
}

/// The whole evaluation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EvalReport {
    /// The positive labels.
    pub positive_labels: Vec<String>,
    /// Overall confusion and scores.
    pub overall: Prf,
    /// Per label, positive labels first, then by name.
    pub labels: Vec<LabelRow>,
    /// Labelled accounts absent from `accounts.csv`: left out of every figure, unless
    /// `count_absent` (then counted as predicted negative).
    pub missing: u64,
    /// Of the absent labelled accounts, those with a positive label.
    pub missing_positive: u64,
    /// True when absent labelled accounts were counted as predicted negative.
    pub count_absent: bool,
    /// Accounts predicted inauthentic that have no label (not counted).
    pub unlabelled_positive: u64,
}

/// Options of [`evaluate_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Count labelled accounts absent from `accounts.csv` as predicted negative (false
    /// negatives for positive labels, true negatives otherwise) instead of leaving them out.
    pub count_absent: bool,
}

/// Evaluates predictions against labels, over the labelled accounts present in the predictions
/// ([`evaluate_with`] with the default options).
pub fn evaluate(
    preds: &HashMap<String, Prediction>,
    labels: &[(String, String)],
    positive: &[String],
) -> EvalReport {
    evaluate_with(preds, labels, positive, EvalOptions::default())
}

/// Evaluates predictions against labels.
pub fn evaluate_with(
    preds: &HashMap<String, Prediction>,
    labels: &[(String, String)],
    positive: &[String],
    opts: EvalOptions,
) -> EvalReport {
    let mut overall = Prf::default();
    let mut rows: HashMap<&str, (u64, u64, HashMap<String, u64>)> = HashMap::new();
    let mut missing = 0;
    let mut missing_positive = 0;
    let mut labelled: hashbrown::HashSet<&str> = hashbrown::HashSet::new();
    for (id, label) in labels {
        labelled.insert(id);
        let pred = preds.get(id);
        let pos = positive.iter().any(|p| p == label);
        if pred.is_none() {
            missing += 1;
            missing_positive += u64::from(pos);
            if !opts.count_absent {
                continue;
            }
        }
        let flagged = pred.is_some_and(Prediction::positive);
        match (pos, flagged) {
            (true, true) => overall.tp += 1,
            (true, false) => overall.fn_ += 1,
            (false, true) => overall.fp += 1,
            (false, false) => overall.tn += 1,
        }
        let row = rows.entry(label).or_default();
        row.0 += 1;
        if flagged {
            row.1 += 1;
            let role = pred.map_or("", |p| p.role.as_str());
            let role = if role.is_empty() { "other" } else { role };
            *row.2.entry(role.to_string()).or_default() += 1;
        }
    }
    let overall = overall.finish();
    let unlabelled_positive = preds
        .iter()
        .filter(|(id, p)| p.positive() && !labelled.contains(id.as_str()))
        .count() as u64;
    let mut labels_out: Vec<LabelRow> = rows
        .into_iter()
        .map(|(label, (n, flagged, roles))| {
            let pos = positive.iter().any(|p| p == label);
            let rate = flagged as f64 / n.max(1) as f64;
            let (precision, f1) = if pos {
                let p = if flagged + overall.fp == 0 {
                    0.0
                } else {
                    flagged as f64 / (flagged + overall.fp) as f64
                };
                let f = if p + rate == 0.0 {
                    0.0
                } else {
                    2.0 * p * rate / (p + rate)
                };
                (Some(p), Some(f))
            } else {
                (None, None)
            };
            let mut roles: Vec<(String, u64)> = roles.into_iter().collect();
            roles.sort();
            LabelRow {
                label: label.to_string(),
                positive: pos,
                n,
                flagged,
                rate,
                precision,
                f1,
                roles,
            }
        })
        .collect();
    labels_out.sort_by(|a, b| b.positive.cmp(&a.positive).then(a.label.cmp(&b.label)));
    EvalReport {
        positive_labels: positive.to_vec(),
        overall,
        labels: labels_out,
        missing,
        missing_positive,
        count_absent: opts.count_absent,
        unlabelled_positive,
    }
}

/// The report as a plain-text table.
pub fn format_report(r: &EvalReport) -> String {
    let o = &r.overall;
    let mut s = format!(
        "positive labels: {}\noverall: precision {:.4}  recall {:.4}  F1 {:.4}  (tp {} fp {} fn {} tn {})\n",
        r.positive_labels.join(","),
        o.precision,
        o.recall,
        o.f1,
        o.tp,
        o.fp,
        o.fn_,
        o.tn
    );
    s.push_str(&format!(
        "{:<22} {:>8} {:>8} {:>10} {:>10} {:>8}  roles\n",
        "label", "n", "flagged", "rate", "precision", "F1"
    ));
    for l in &r.labels {
        let kind = if l.positive { "recall" } else { "FPR" };
        let roles: Vec<String> = l.roles.iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!(
            "{:<22} {:>8} {:>8} {:>6.4} {:<3} {:>10} {:>8}  {}\n",
            l.label,
            l.n,
            l.flagged,
            l.rate,
            kind,
            l.precision.map_or("-".to_string(), |p| format!("{p:.4}")),
            l.f1.map_or("-".to_string(), |p| format!("{p:.4}")),
            roles.join(" ")
        ));
    }
    if r.missing > 0 {
        let how = if r.count_absent {
            "counted as not flagged (--count-absent)"
        } else {
            "left out (the data does not contain them; --count-absent counts them as not flagged)"
        };
        s.push_str(&format!(
            "{} labelled accounts ({} with a positive label) are absent from accounts.csv: {how}\n",
            r.missing, r.missing_positive
        ));
    }
    if r.unlabelled_positive > 0 {
        s.push_str(&format!(
            "{} accounts flagged inauthentic have no label (not counted)\n",
            r.unlabelled_positive
        ));
    }
    s
}

/// Role purity of clusters against categories.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Purity {
    /// `sum over clusters of the largest category count / accounts in clusters`.
    pub purity: f64,
    /// Accounts in clusters.
    pub clustered: u64,
    /// All accounts given.
    pub accounts: u64,
    /// Per cluster: `(cluster id as given, size, majority category, its share)`, largest first.
    pub clusters: Vec<(String, u64, String, f64)>,
}

/// Role purity of a clustering against categories: each `(cluster, category)` is one account
/// (e.g. IRA accounts with their `account_category`), the cluster named by its id as written in
/// `accounts.csv` so the report points at the same row of `clusters.csv`; accounts in no cluster
/// are counted in `accounts` only.
pub fn role_purity(assign: &[(Option<&str>, &str)]) -> Purity {
    let mut by: HashMap<&str, HashMap<&str, u64>> = HashMap::new();
    for &(c, cat) in assign {
        if let Some(c) = c {
            *by.entry(c).or_default().entry(cat).or_default() += 1;
        }
    }
    let mut clusters: Vec<(String, u64, String, f64)> = by
        .into_iter()
        .map(|(c, cats)| {
            let size: u64 = cats.values().sum();
            let (top, k) = cats
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(t, k)| (t.to_string(), *k))
                .unwrap_or_default();
            (c.to_string(), size, top, k as f64 / size.max(1) as f64)
        })
        .collect();
    clusters.sort_by(|a, b| {
        b.1.cmp(&a.1).then_with(|| {
            // Numeric ids in numeric order ("9" before "10"), others after, by text.
            let key = |c: &str| (c.parse::<u64>().map_err(|_| ()), c.to_string());
            key(&a.0).cmp(&key(&b.0))
        })
    });
    let clustered: u64 = clusters.iter().map(|c| c.1).sum();
    let majority: f64 = clusters.iter().map(|c| c.3 * c.1 as f64).sum();
    Purity {
        purity: if clustered == 0 {
            0.0
        } else {
            majority / clustered as f64
        },
        clustered,
        accounts: assign.len() as u64,
        clusters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pred(v: &str, role: &str) -> Prediction {
        Prediction {
            verdict: v.into(),
            role: role.into(),
            cluster: None,
        }
    }

    #[test]
    fn counts_and_rates() {
        let mut p = HashMap::new();
        p.insert("c1".to_string(), pred("inauthentic", "core"));
        p.insert("c2".to_string(), pred("none", ""));
        p.insert("a1".to_string(), pred("inauthentic", "amplifier"));
        p.insert("act1".to_string(), pred("inauthentic", "core"));
        p.insert("act2".to_string(), pred("coordinated_organic", ""));
        p.insert("x".to_string(), pred("inauthentic", "core"));
        let labels: Vec<(String, String)> = [
            ("c1", "state_core"),
            ("c2", "state_core"),
            ("a1", "spam_amplifier"),
            ("a2", "spam_amplifier"), // missing from predictions
            ("act1", "activist"),
            ("act2", "activist"),
            ("o1", "organic"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let pos = vec!["state_core".to_string(), "spam_amplifier".to_string()];
        let r = evaluate_with(&p, &labels, &pos, EvalOptions { count_absent: true });
        assert_eq!(
            (r.overall.tp, r.overall.fp, r.overall.fn_, r.overall.tn),
            (2, 1, 2, 2)
        );
        assert!((r.overall.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.overall.recall - 0.5).abs() < 1e-12);
        assert!((r.overall.f1 - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(r.missing, 2);
        assert_eq!(r.unlabelled_positive, 1);
        let act = r.labels.iter().find(|l| l.label == "activist");
        assert_eq!(act.map(|l| l.rate), Some(0.5));
        let core = r.labels.iter().find(|l| l.label == "state_core");
        assert_eq!(
            core.map(|l| l.roles.clone()),
            Some(vec![("core".to_string(), 1)])
        );
        assert!(format_report(&r).contains("FPR"));
    }

    /// Issue 14: labelled accounts absent from the data are left out by default (the IRA
    /// recall was computed over every labelled account, most of them not in the tweets file).
    #[test]
    fn absent_labelled_accounts_are_left_out_by_default() {
        let mut p = HashMap::new();
        p.insert("c1".to_string(), pred("inauthentic", "core"));
        p.insert("c2".to_string(), pred("none", ""));
        p.insert("o1".to_string(), pred("none", ""));
        let labels: Vec<(String, String)> = [
            ("c1", "troll"),
            ("c2", "troll"),
            ("gone1", "troll"),
            ("gone2", "troll"),
            ("gone3", "troll"),
            ("o1", "organic"),
            ("o2", "organic"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let pos = vec!["troll".to_string()];
        let r = evaluate(&p, &labels, &pos);
        assert_eq!(
            (r.overall.tp, r.overall.fp, r.overall.fn_, r.overall.tn),
            (1, 0, 1, 1)
        );
        assert!((r.overall.recall - 0.5).abs() < 1e-12);
        assert_eq!((r.missing, r.missing_positive), (4, 3));
        assert!(!r.count_absent);
        let troll = r.labels.iter().find(|l| l.label == "troll");
        assert_eq!(troll.map(|l| (l.n, l.flagged)), Some((2, 1)));
        assert!(
            format_report(&r).contains("4 labelled accounts (3 with a positive label) are absent")
        );
        let old = evaluate_with(&p, &labels, &pos, EvalOptions { count_absent: true });
        assert!((old.overall.recall - 0.2).abs() < 1e-12);
        assert_eq!(old.overall.tn, 2);
    }

    #[test]
    fn reads_compressed_labels() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let text = "account_id,label\n1,troll\n2,organic\n";
        let gz = dir.path().join("labels.csv.gz");
        let mut e = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap_or_else(|e| panic!("{e}")),
            flate2::Compression::default(),
        );
        e.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        e.finish().unwrap_or_else(|e| panic!("{e}"));
        let zst = dir.path().join("labels.csv.zst");
        std::fs::write(
            &zst,
            zstd::encode_all(text.as_bytes(), 3).unwrap_or_else(|e| panic!("{e}")),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let want = vec![
            ("1".to_string(), "troll".to_string()),
            ("2".to_string(), "organic".to_string()),
        ];
        for f in [&gz, &zst] {
            let l = read_labels(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(l, want);
        }
    }

    #[test]
    fn purity() {
        let a = [
            (Some("7"), "RightTroll"),
            (Some("7"), "RightTroll"),
            (Some("7"), "LeftTroll"),
            (Some("12"), "NewsFeed"),
            (None, "NewsFeed"),
        ];
        let p = role_purity(&a);
        assert!((p.purity - 0.75).abs() < 1e-12);
        assert_eq!((p.clustered, p.accounts), (4, 5));
        assert_eq!(p.clusters[0].0, "7");
        assert_eq!(p.clusters[0].2, "RightTroll");
        assert_eq!(p.clusters[1].0, "12");
    }

    #[test]
    fn reads_files_and_reports_bad_rows() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let acc = dir.path().join("accounts.csv");
        std::fs::write(
            &acc,
            "account_id,screen_name,cluster_id,verdict,role,coordination_score,inauthenticity_score,evidence\n\
             1,a,3,inauthentic,core,0.9,0.95,\"x=1 (y); z\"\n2,b,,none,,0,0.1,\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let p = read_predictions(&acc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.len(), 2);
        assert_eq!(p["1"].cluster.as_deref(), Some("3"));
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "account_id,verdict\n1,inauthentic\n2,maybe\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let e = read_predictions(&bad).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(
                format!(
                    "{}:3: verdict: expected one of inauthentic, coordinated_undetermined, coordinated_organic, none, got 'maybe'",
                    bad.display()
                )
                .as_str()
            )
        );
        let lab = dir.path().join("labels.csv");
        std::fs::write(&lab, "account_id,cell\n1,x\n").unwrap_or_else(|e| panic!("{e}"));
        let e = read_labels(&lab).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains(":1: label: required column is missing")));
    }
}
