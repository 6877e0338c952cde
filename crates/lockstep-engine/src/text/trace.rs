//! The `similar_text` layer: from a `Dataset` to a trace whose targets are near-duplicate groups.
//!
//! Steps (each parallel with rayon where it pays):
//! 1. posts that carry their own text are kept: originals, replies and quotes; **reposts are
//!    excluded** (they count only in the `repost` layer); posts with empty text are excluded;
//! 2. identical raw texts collapse first (texts are interned, so this is free), then every distinct
//!    raw text is normalised ([`super::normalize`]) and shingled, and identical **normalised** texts
//!    collapse (xxh3-128 of the normalised text): most copies in real operations are exact, and
//!    only distinct texts go through MinHash;
//! 3. normalised texts with fewer than `min_shingles` shingles are excluded, and counted;
//! 4. MinHash + banded LSH + exact verification + union-find ([`super::lsh::group`]);
//! 5. every post whose normalised text is in a group becomes an event `(group, account, time)`.
//!
//! Groups hold at least two distinct normalised texts; a text copied verbatim but never edited is
//! left to the exact `text` layer.

use super::lsh::{GroupStats, NO_GROUP, group};
use super::normalize::normalize;
use super::params::SimilarParams;
use super::sets::ShingleSets;
use super::shingle::Shingler;
use crate::layer::Layer;
use crate::trace::{Event, Trace};
use hashbrown::HashMap;
use lockstep_model::{Dataset, PostKind, Sym};
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

/// What the `similar_text` layer did, for the run summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SimilarReport {
    /// Posts in the dataset.
    pub posts: u64,
    /// Reposts, excluded (they belong to the `repost` layer).
    pub reposts_excluded: u64,
    /// Posts with empty text, excluded.
    pub empty_excluded: u64,
    /// Posts whose normalised text has fewer than `min_shingles` shingles, excluded.
    pub short_excluded: u64,
    /// Posts that took part (own text, long enough).
    pub posts_considered: u64,
    /// Distinct raw texts among the posts with own text.
    pub distinct_raw_texts: u64,
    /// Distinct normalised texts among those.
    pub distinct_normalized_texts: u64,
    /// Distinct normalised texts long enough to take part.
    pub eligible_texts: u64,
    /// Candidate pairs verified.
    pub candidate_pairs: u64,
    /// Verified near-duplicate pairs (Jaccard >= threshold).
    pub verified_pairs: u64,
    /// Candidates rejected by exact Jaccard.
    pub rejected_pairs: u64,
    /// LSH buckets above the cap (expanded partially).
    pub capped_buckets: u64,
    /// Near-duplicate groups (targets of the layer).
    pub groups: u64,
    /// Distinct normalised texts in groups.
    pub grouped_texts: u64,
    /// Grouped texts below the threshold against their group's representative (chaining).
    pub chained_members: u64,
    /// Posts in groups (events of the trace).
    pub posts_in_groups: u64,
    /// Posts in the largest group.
    pub largest_group_posts: u64,
    /// Wall time of normalisation, shingling and exact de-duplication, milliseconds.
    pub prepare_ms: u64,
    /// Wall time of MinHash, LSH, verification and grouping, milliseconds.
    pub group_ms: u64,
}

impl SimilarReport {
    fn absorb(&mut self, s: &GroupStats) {
        self.eligible_texts = s.texts;
        self.candidate_pairs = s.candidate_pairs;
        self.verified_pairs = s.verified_pairs;
        self.rejected_pairs = s.rejected_pairs;
        self.capped_buckets = s.capped_buckets;
        self.groups = s.groups;
        self.grouped_texts = s.grouped_texts;
        self.chained_members = s.chained_members;
    }
}

/// Distinct raw texts normalised, de-duplicated and shingled.
#[derive(Clone, Debug, Default)]
pub struct PreparedTexts {
    /// For each raw text, the index of its normalised text in `sets`.
    pub norm_of_raw: Vec<u32>,
    /// Shingle set of each distinct normalised text.
    pub sets: ShingleSets,
}

const CHUNK: usize = 2048;

/// Normalises and shingles `n` raw texts (`text(i)`), collapsing identical normalised texts.
pub fn prepare<'a, F>(n: usize, text: F, p: &SimilarParams) -> PreparedTexts
where
    F: Fn(usize) -> &'a str + Sync,
{
    let sp = p.shingle();
    let chunks: Vec<(Vec<u128>, Vec<u64>, Vec<u32>)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map_init(
            || (String::new(), Shingler::new(), Vec::new()),
            |(norm, sh, set), c| {
                let lo = c * CHUNK;
                let hi = (lo + CHUNK).min(n);
                let mut hashes = Vec::with_capacity(hi - lo);
                let mut data = Vec::new();
                let mut lens = Vec::with_capacity(hi - lo);
                for i in lo..hi {
                    normalize(text(i), norm);
                    hashes.push(xxh3_128(norm.as_bytes()));
                    sh.shingles(norm, &sp, set);
                    data.extend_from_slice(set);
                    lens.push(set.len() as u32);
                }
                (hashes, data, lens)
            },
        )
        .collect();
    let mut index: HashMap<u128, u32> = HashMap::with_capacity(n);
    let mut sets = ShingleSets::new();
    let mut norm_of_raw = Vec::with_capacity(n);
    for (hashes, data, lens) in chunks {
        let mut off = 0usize;
        for (h, len) in hashes.into_iter().zip(lens) {
            let set = &data[off..off + len as usize];
            off += len as usize;
            let id = *index.entry(h).or_insert_with(|| sets.push(set));
            norm_of_raw.push(id);
        }
    }
    PreparedTexts { norm_of_raw, sets }
}

/// Near-duplicate groups of a list of raw texts, without a `Dataset`: per input text its group id
/// or [`NO_GROUP`]. Identical and too-short texts are handled as in [`similar_text_trace`].
pub fn group_texts(texts: &[&str], p: &SimilarParams) -> (Vec<u32>, SimilarReport) {
    let prep = prepare(texts.len(), |i| texts[i], p);
    let (norm_group, mut report) = group_prepared(&prep, p);
    report.posts = texts.len() as u64;
    report.distinct_raw_texts = texts.len() as u64;
    let groups: Vec<u32> = prep
        .norm_of_raw
        .iter()
        .map(|&nidx| norm_group[nidx as usize])
        .collect();
    for (i, &g) in groups.iter().enumerate() {
        if prep.sets.get(prep.norm_of_raw[i] as usize).len() < p.min_shingles {
            report.short_excluded += 1;
        } else {
            report.posts_considered += 1;
            if g != NO_GROUP {
                report.posts_in_groups += 1;
            }
        }
    }
    (groups, report)
}

/// Groups the distinct normalised texts of `prep`: per normalised text its group or `NO_GROUP`.
fn group_prepared(prep: &PreparedTexts, p: &SimilarParams) -> (Vec<u32>, SimilarReport) {
    let eligible: Vec<u32> = (0..prep.sets.len() as u32)
        .filter(|&i| prep.sets.get(i as usize).len() >= p.min_shingles)
        .collect();
    let (g, stats) = group(&prep.sets, &eligible, p);
    let mut norm_group = vec![NO_GROUP; prep.sets.len()];
    for (&t, &gid) in eligible.iter().zip(&g) {
        norm_group[t as usize] = gid;
    }
    let mut report = SimilarReport {
        distinct_normalized_texts: prep.sets.len() as u64,
        ..Default::default()
    };
    report.absorb(&stats);
    (norm_group, report)
}

/// Per post, its near-duplicate group (or [`NO_GROUP`]), with the layer summary.
pub fn similar_text_groups(ds: &Dataset, p: &SimilarParams) -> (Vec<u32>, SimilarReport) {
    let posts = &ds.posts;
    let n = posts.len();
    let mut raw_index: HashMap<Sym, u32> = HashMap::new();
    let mut raw_syms: Vec<Sym> = Vec::new();
    let mut post_raw = vec![u32::MAX; n];
    let mut report = SimilarReport {
        posts: n as u64,
        ..Default::default()
    };
    for ((slot, &kind), &s) in post_raw.iter_mut().zip(&posts.kind).zip(&posts.text) {
        if kind == PostKind::Repost {
            report.reposts_excluded += 1;
            continue;
        }
        if s.is_none() {
            report.empty_excluded += 1;
            continue;
        }
        *slot = *raw_index.entry(s).or_insert_with(|| {
            raw_syms.push(s);
            (raw_syms.len() - 1) as u32
        });
    }
    drop(raw_index);
    let t0 = std::time::Instant::now();
    let prep = prepare(raw_syms.len(), |i| ds.str(raw_syms[i]), p);
    let prepare_ms = t0.elapsed().as_millis() as u64;
    let t1 = std::time::Instant::now();
    let (norm_group, r2) = group_prepared(&prep, p);
    report = SimilarReport {
        posts: report.posts,
        reposts_excluded: report.reposts_excluded,
        empty_excluded: report.empty_excluded,
        distinct_raw_texts: raw_syms.len() as u64,
        prepare_ms,
        group_ms: t1.elapsed().as_millis() as u64,
        ..r2
    };
    let mut group_posts = vec![0u64; report.groups as usize];
    let post_group: Vec<u32> = post_raw
        .iter()
        .map(|&r| {
            if r == u32::MAX {
                return NO_GROUP;
            }
            let nidx = prep.norm_of_raw[r as usize] as usize;
            if prep.sets.get(nidx).len() < p.min_shingles {
                report.short_excluded += 1;
                return NO_GROUP;
            }
            report.posts_considered += 1;
            let g = norm_group[nidx];
            if g != NO_GROUP {
                report.posts_in_groups += 1;
                group_posts[g as usize] += 1;
            }
            g
        })
        .collect();
    report.largest_group_posts = group_posts.iter().copied().max().unwrap_or(0);
    (post_group, report)
}

/// The `similar_text` layer trace: one event `(group, account, time)` per post whose text is in a
/// near-duplicate group, sorted by `(target, time, account)`; `n_targets` is the number of groups.
pub fn similar_text_trace(ds: &Dataset, p: &SimilarParams) -> (Trace, SimilarReport) {
    let (post_group, report) = similar_text_groups(ds, p);
    let mut events: Vec<Event> = post_group
        .iter()
        .enumerate()
        .filter(|&(_, &g)| g != NO_GROUP)
        .map(|(i, &g)| Event {
            target: g,
            time: ds.posts.time[i],
            account: ds.posts.account[i],
        })
        .collect();
    events.par_sort_unstable();
    let trace = Trace {
        layer: Some(Layer::SimilarText),
        events,
        n_targets: report.groups as u32,
        owner: Vec::new(),
    };
    (trace, report)
}
