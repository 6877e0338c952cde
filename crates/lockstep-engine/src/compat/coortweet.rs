//! `--semantics coortweet`: CooRTweet 2.1 `detect_groups(x, time_window, min_participation)` followed
//! by `generate_coordinated_network(result, edge_weight)`, rule by rule (docs/semantics.md):
//!
//! 1. accounts with fewer than `min_participation` **rows** are dropped;
//! 2. per object, every unordered pair of rows (rows in input order) with `|dt| <= time_window`;
//! 3. pairs are dropped when the object equals either content id, the content ids are equal, or
//!    both rows have the same account;
//! 4. `content_ids` = every content id left in a pair; an account qualifies when at least
//!    `min_participation` of its (step-1) rows have a content id in `content_ids`; a pair is kept
//!    when **either** of its content ids belongs to a qualifying account's row;
//! 5. each pair is oriented so `content_id` is the older row (a tie keeps input order);
//! 6. per unordered account pair: `weight` = number of pairs, `avg_time_delta` = mean `|dt|`,
//!    `n_content_id` / `n_content_id_y` = distinct older / newer content ids,
//!    `edge_symmetry_score` = min/max of those two;
//! 7. `weight_threshold` = `weight > quantile(weights, edge_weight)` with R's type-7 quantile.
//!
//! Ids are interned `u32`s: equal strings have equal ids (step 3 compares them).

use hashbrown::{HashMap, HashSet};
use lockstep_model::{Dataset, Interner, PostKind, Sym};
use std::path::Path;

/// The share table CooRTweet works on, one row per share, in input order.
#[derive(Clone, Debug, Default)]
pub struct Shares {
    /// Interned strings of the three id columns.
    pub strings: Interner,
    /// The shared object (e.g. the retweeted tweet).
    pub object: Vec<Sym>,
    /// The sharing account.
    pub account: Vec<Sym>,
    /// The share's own id.
    pub content: Vec<Sym>,
    /// POSIX seconds.
    pub time: Vec<i64>,
}

/// Errors reading a share table.
#[derive(Debug, thiserror::Error)]
pub enum SharesError {
    /// I/O or CSV error.
    #[error("{file}: {message}")]
    Read {
        /// The file.
        file: String,
        /// What failed.
        message: String,
    },
    /// A bad value, with its line and column.
    #[error("{file}:{line}: {field}: {problem}")]
    Value {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// Column.
        field: String,
        /// Problem.
        problem: String,
    },
}

impl Shares {
    /// Appends one row.
    pub fn push(&mut self, object: &str, account: &str, content: &str, time: i64) {
        let o = self.strings.intern(object);
        let a = self.strings.intern(account);
        let c = self.strings.intern(content);
        self.object.push(o);
        self.account.push(a);
        self.content.push(c);
        self.time.push(time);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The reposts of a dataset as shares (object = reposted post id, content = repost id). A
    /// dataset drops rows whose post id repeats, which CooRTweet keeps: for exact reproduction on
    /// a CooRTweet CSV use [`Shares::read_csv`].
    pub fn from_dataset(ds: &Dataset) -> Shares {
        let mut s = Shares::default();
        let p = &ds.posts;
        for i in 0..p.len() {
            if p.kind[i] != PostKind::Repost || p.repost_of[i].is_none() {
                continue;
            }
            s.push(
                ds.str(p.repost_of[i]),
                ds.str(ds.accounts.external_id[p.account[i].idx()]),
                ds.str(p.external_id[i]),
                p.time[i],
            );
        }
        s
    }

    /// Reads CooRTweet's CSV shape (`object_id, account_id, content_id, timestamp_share`, extra
    /// columns ignored) keeping every row. Timestamps may be written as floats (`1623881091.0`);
    /// fractional seconds are refused.
    pub fn read_csv(path: &Path) -> Result<Shares, SharesError> {
        let file = path.display().to_string();
        let rerr = |m: String| SharesError::Read {
            file: file.clone(),
            message: m,
        };
        let mut r = csv::ReaderBuilder::new()
            .from_path(path)
            .map_err(|e| rerr(e.to_string()))?;
        let h = r.headers().map_err(|e| rerr(e.to_string()))?.clone();
        let col = |name: &str| {
            h.iter()
                .position(|x| x == name)
                .ok_or_else(|| SharesError::Value {
                    file: file.clone(),
                    line: 1,
                    field: name.to_string(),
                    problem: "missing column".into(),
                })
        };
        let (co, ca, cc, ct) = (
            col("object_id")?,
            col("account_id")?,
            col("content_id")?,
            col("timestamp_share")?,
        );
        let mut s = Shares::default();
        let mut rec = csv::StringRecord::new();
        let mut line = 1u64;
        while r.read_record(&mut rec).map_err(|e| rerr(e.to_string()))? {
            line = rec.position().map(|p| p.line()).unwrap_or(line + 1);
            let ts = rec.get(ct).unwrap_or("");
            let t: f64 = ts.trim().parse().map_err(|_| SharesError::Value {
                file: file.clone(),
                line,
                field: "timestamp_share".into(),
                problem: format!("`{ts}` is not a number"),
            })?;
            if t.fract() != 0.0 || !t.is_finite() {
                return Err(SharesError::Value {
                    file: file.clone(),
                    line,
                    field: "timestamp_share".into(),
                    problem: format!("`{ts}` is not whole seconds"),
                });
            }
            s.push(
                rec.get(co).unwrap_or(""),
                rec.get(ca).unwrap_or(""),
                rec.get(cc).unwrap_or(""),
                t as i64,
            );
        }
        Ok(s)
    }
}

/// One row of `detect_groups`' output (indices are rows of [`Shares`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharePair {
    /// The older row (`content_id`, `account_id`).
    pub older: u32,
    /// The newer row (`content_id_y`, `account_id_y`).
    pub newer: u32,
    /// `|dt|` in seconds.
    pub time_delta: i64,
}

/// An upper bound on the share pairs [`detect_groups`] returns, counted without building them
/// (`O(n log n)` time, `O(n)` memory): the pairs of rows of accounts with at least
/// `min_participation` rows that share an object within `time_window` seconds, before the
/// exclusions of same content, same account and the pair-level participation filter. Used to
/// stop a run that cannot fit in memory before it starts.
pub fn count_window_pairs(x: &Shares, time_window: i64, min_participation: u32) -> u64 {
    let mut rows_per_account: HashMap<Sym, u32> = HashMap::new();
    for a in &x.account {
        *rows_per_account.entry(*a).or_default() += 1;
    }
    let mut order: Vec<(Sym, i64)> = (0..x.len())
        .filter(|&i| rows_per_account[&x.account[i]] >= min_participation)
        .map(|i| (x.object[i], x.time[i]))
        .collect();
    order.sort_unstable();
    let mut total = 0u64;
    let mut lo = 0usize;
    for hi in 0..order.len() {
        // Rows `lo..hi` of the same object within the window before row `hi`.
        while order[lo].0 != order[hi].0 || order[hi].1 - order[lo].1 > time_window {
            lo += 1;
        }
        total += (hi - lo) as u64;
    }
    total
}

/// `detect_groups(x, time_window, min_participation)`.
pub fn detect_groups(x: &Shares, time_window: i64, min_participation: u32) -> Vec<SharePair> {
    let n = x.len();
    // 1. pre-filter accounts by row count.
    let mut rows_per_account: HashMap<Sym, u32> = HashMap::new();
    for a in &x.account {
        *rows_per_account.entry(*a).or_default() += 1;
    }
    let kept: Vec<u32> = (0..n as u32)
        .filter(|&i| rows_per_account[&x.account[i as usize]] >= min_participation)
        .collect();
    // 2-3. per object, sorted by time (then input order), pairs within the window.
    let mut order = kept.clone();
    order.sort_by_key(|&i| (x.object[i as usize], x.time[i as usize], i));
    let mut pairs = Vec::new();
    let mut s = 0;
    while s < order.len() {
        let obj = x.object[order[s] as usize];
        let mut e = s;
        while e < order.len() && x.object[order[e] as usize] == obj {
            e += 1;
        }
        let g = &order[s..e];
        for (k, &i) in g.iter().enumerate() {
            let (iu, ti) = (i as usize, x.time[i as usize]);
            for &j in &g[k + 1..] {
                let ju = j as usize;
                let dt = x.time[ju] - ti;
                if dt > time_window {
                    break;
                }
                if obj == x.content[iu]
                    || obj == x.content[ju]
                    || x.content[iu] == x.content[ju]
                    || x.account[iu] == x.account[ju]
                {
                    continue;
                }
                // 5. older first; a tie keeps input order.
                let (older, newer) = if dt == 0 && j < i { (j, i) } else { (i, j) };
                pairs.push(SharePair {
                    older,
                    newer,
                    time_delta: dt,
                });
            }
        }
        s = e;
    }
    // 4. min participation on the pairs.
    if min_participation >= 1 {
        let cids: HashSet<Sym> = pairs
            .iter()
            .flat_map(|p| [x.content[p.older as usize], x.content[p.newer as usize]])
            .collect();
        let mut per_account: HashMap<Sym, u32> = HashMap::new();
        for &i in &kept {
            if cids.contains(&x.content[i as usize]) {
                *per_account.entry(x.account[i as usize]).or_default() += 1;
            }
        }
        let filt: HashSet<Sym> = kept
            .iter()
            .filter(|&&i| {
                cids.contains(&x.content[i as usize])
                    && per_account[&x.account[i as usize]] >= min_participation
            })
            .map(|&i| x.content[i as usize])
            .collect();
        pairs.retain(|p| {
            filt.contains(&x.content[p.older as usize])
                || filt.contains(&x.content[p.newer as usize])
        });
    }
    pairs.sort_unstable();
    pairs
}

/// One edge of `generate_coordinated_network`.
#[derive(Clone, Debug, PartialEq)]
pub struct CoEdge {
    /// One account (the smaller symbol of the pair).
    pub a: Sym,
    /// The other account.
    pub b: Sym,
    /// Number of share pairs.
    pub weight: u32,
    /// Mean `|dt|`.
    pub avg_time_delta: f64,
    /// Distinct older content ids.
    pub n_content_id: u32,
    /// Distinct newer content ids.
    pub n_content_id_y: u32,
    /// `min / max` of the two counts.
    pub edge_symmetry_score: f64,
    /// `weight > quantile(weights, edge_weight)` (type 7).
    pub weight_threshold: bool,
}

/// R's default (type 7) quantile of `v` at probability `p` (`v` need not be sorted).
pub fn quantile_type7(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let h = (s.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(s.len() - 1);
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

/// `generate_coordinated_network(pairs, edge_weight)`.
pub fn coordinated_network(x: &Shares, pairs: &[SharePair], edge_weight: f64) -> Vec<CoEdge> {
    struct Acc {
        n: u32,
        dt: i64,
        older: HashSet<Sym>,
        newer: HashSet<Sym>,
    }
    let mut by_pair: HashMap<(Sym, Sym), Acc> = HashMap::new();
    for p in pairs {
        let (ao, an) = (x.account[p.older as usize], x.account[p.newer as usize]);
        let key = (ao.min(an), ao.max(an));
        let acc = by_pair.entry(key).or_insert_with(|| Acc {
            n: 0,
            dt: 0,
            older: HashSet::new(),
            newer: HashSet::new(),
        });
        acc.n += 1;
        acc.dt += p.time_delta;
        acc.older.insert(x.content[p.older as usize]);
        acc.newer.insert(x.content[p.newer as usize]);
    }
    let mut edges: Vec<CoEdge> = by_pair
        .into_iter()
        .map(|((a, b), acc)| {
            let (c, cy) = (acc.older.len() as u32, acc.newer.len() as u32);
            CoEdge {
                a,
                b,
                weight: acc.n,
                avg_time_delta: acc.dt as f64 / acc.n as f64,
                n_content_id: c,
                n_content_id_y: cy,
                edge_symmetry_score: c.min(cy) as f64 / c.max(cy) as f64,
                weight_threshold: false,
            }
        })
        .collect();
    let weights: Vec<f64> = edges.iter().map(|e| e.weight as f64).collect();
    let q = quantile_type7(&weights, edge_weight);
    for e in &mut edges {
        e.weight_threshold = (e.weight as f64) > q;
    }
    edges.sort_by_key(|e| (e.a, e.b));
    edges
}

#[cfg(test)]
mod tests {

    #[test]
    fn window_pair_count_bounds_detect_groups_and_is_exact_without_exclusions() {
        // 3 objects; times chosen so some pairs fall outside a 60 s window.
        let mut strings = Interner::default();
        let (mut object, mut account, mut content, mut time) = (vec![], vec![], vec![], vec![]);
        let rows: [(&str, &str, &str, i64); 9] = [
            ("o1", "a", "c1", 0),
            ("o1", "b", "c2", 30),
            ("o1", "c", "c3", 59),
            ("o1", "d", "c4", 200),
            ("o2", "a", "c5", 10),
            ("o2", "b", "c6", 10),
            ("o2", "a", "c7", 70),
            ("o3", "c", "c8", 5),
            ("o3", "d", "c9", 500),
        ];
        for (o, a, c, t) in rows {
            object.push(strings.intern(o));
            account.push(strings.intern(a));
            content.push(strings.intern(c));
            time.push(t);
        }
        let x = Shares {
            strings,
            object,
            account,
            content,
            time,
        };
        // o1: (0,30) (0,59) (30,59); o2: (10,10) (10,70) (10,70); o3: none.
        assert_eq!(count_window_pairs(&x, 60, 1), 6);
        // Every account has at least 2 rows; only `a` has 3 (its two o2 rows pair).
        assert_eq!(count_window_pairs(&x, 60, 2), 6);
        assert_eq!(count_window_pairs(&x, 60, 3), 1);
        assert_eq!(count_window_pairs(&x, 60, 4), 0);
        assert_eq!(count_window_pairs(&x, 1_000, 1), 6 + 3 + 1);
        let built = detect_groups(&x, 60, 1).len() as u64;
        assert!(built <= count_window_pairs(&x, 60, 1));
        // The one same-account pair (a's two o2 rows) is the only exclusion here.
        assert_eq!(built, 5);
    }

    use super::*;

    #[test]
    fn type7_matches_r() {
        // R: quantile(c(1, 2, 3, 4), 0.5) = 2.5; quantile(c(1, 1, 1, 5), 0.9) = 3.8
        assert_eq!(quantile_type7(&[4.0, 1.0, 3.0, 2.0], 0.5), 2.5);
        assert!((quantile_type7(&[1.0, 1.0, 1.0, 5.0], 0.9) - 3.8).abs() < 1e-12);
        assert_eq!(quantile_type7(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn small_example() {
        let mut s = Shares::default();
        s.push("o1", "a", "c1", 0);
        s.push("o1", "b", "c2", 10);
        s.push("o2", "a", "c3", 100);
        s.push("o2", "b", "c4", 100);
        s.push("o2", "c", "c5", 500); // outside the window
        let pairs = detect_groups(&s, 60, 2);
        assert_eq!(pairs.len(), 2);
        let net = coordinated_network(&s, &pairs, 0.5);
        assert_eq!(net.len(), 1);
        assert_eq!(net[0].weight, 2);
        assert_eq!(net[0].avg_time_delta, 5.0);
        assert!(!net[0].weight_threshold);
    }
}
