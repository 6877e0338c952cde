//! The `similar_text` layer: from a `Dataset` to a trace whose targets are near-duplicate groups.
//!
//! Steps (each parallel with rayon where it pays):
//! 1. posts that carry their own text are kept: originals, replies and quotes; **reposts are
//!    excluded** (they count only in the `repost` layer); posts with empty text are excluded;
//! 2. identical raw texts collapse first (texts are interned, so a vector indexed by symbol does it),
//!    then every distinct raw text is normalised ([`super::normalize`]), hashed (xxh3-128),
//!    shingled and MinHashed in one parallel pass; identical **normalised** texts collapse by a
//!    parallel sort of the hashes: most copies in real operations are exact;
//! 3. normalised texts with fewer than `min_shingles` shingles are excluded, and counted;
//! 4. banded LSH lists the buckets band by band ([`super::lsh::BandBuckets`]); only texts in some
//!    bucket (the candidates) get their shingle sets rebuilt and kept, for exact verification and
//!    union-find ([`super::lsh::group_buckets`]). Memory is the band keys (`4 × bands` bytes per
//!    distinct text) while the buckets are listed, then the bucket lists and the candidates' sets;
//! 5. every post whose normalised text is in a group becomes an event `(group, account, time)`.
//!
//! Groups hold at least two distinct normalised texts; a text copied verbatim but never edited is
//! left to the exact `text` layer.

use super::lsh::{BandBuckets, GroupStats, NO_GROUP, group_buckets};
use super::minhash::{MinHasher, jaccard_at_least};
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
    /// Eligible texts that share an LSH bucket with another text in some band: the only ones
    /// whose shingle sets are kept for verification.
    pub candidate_texts: u64,
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

/// The outcome of [`lean_groups`] over `n` raw texts.
struct Lean {
    /// For each raw text, the index of its normalised text.
    norm_of_raw: Vec<u32>,
    /// Per normalised text, its number of distinct shingles.
    shingles: Vec<u32>,
    /// Per normalised text, its group or [`NO_GROUP`].
    group: Vec<u32>,
    /// Counters (text level; post-level fields are filled by the caller).
    report: SimilarReport,
}

/// The memory-lean path of the layer over `n` raw texts (`text(i)`):
/// 1. one parallel pass normalises every raw text, hashes it (xxh3-128), shingles it and computes
///    its band keys; shingle sets are **not** kept;
/// 2. identical normalised texts collapse by a parallel sort of the hashes (no hash map; ids in
///    order of first appearance) and the band keys are compacted in place;
/// 3. the non-singleton LSH buckets of every band are listed, then the band keys are dropped;
/// 4. only texts in some bucket (the **candidates**) are normalised and shingled again, and only
///    their shingle sets are stored, for exact verification and grouping.
fn lean_groups<'a, F>(n: usize, text: F, p: &SimilarParams) -> Lean
where
    F: Fn(usize) -> &'a str + Sync,
{
    let t0 = std::time::Instant::now();
    let mh = MinHasher::new(p.bands, p.rows);
    let b = mh.bands();
    let sp = p.shingle();
    let min_shingles = p.min_shingles;
    // 1. normalise, hash, shingle, band keys.
    let mut hashes = vec![0u128; n];
    let mut nsh = vec![0u32; n];
    let mut keys = vec![0u32; n * b];
    hashes
        .par_chunks_mut(CHUNK)
        .zip(nsh.par_chunks_mut(CHUNK))
        .zip(keys.par_chunks_mut(CHUNK * b))
        .enumerate()
        .for_each_init(
            || (String::new(), Shingler::new(), Vec::new(), Vec::new()),
            |(norm, sh, set, sig), (c, ((h, ns), k))| {
                let lo = c * CHUNK;
                for o in 0..h.len() {
                    let i = lo + o;
                    normalize(text(i), norm);
                    // 96 bits of the hash and the raw index: sorting gives runs of identical
                    // normalised texts, each led by its first appearance.
                    h[o] = (xxh3_128(norm.as_bytes()) & !0xffff_ffff_u128) | i as u128;
                    sh.shingles(norm, &sp, set);
                    ns[o] = set.len() as u32;
                    if set.len() >= min_shingles {
                        mh.signature(set, sig);
                        mh.band_keys(sig, &mut k[o * b..(o + 1) * b]);
                    }
                }
            },
        );
    // 2. collapse identical normalised texts.
    hashes.par_sort_unstable();
    let mut norm_of_raw = vec![0u32; n];
    let mut start = 0usize;
    for i in 1..=n {
        if i == n || hashes[i] >> 32 != hashes[start] >> 32 {
            let first = hashes[start] as u32;
            for &x in &hashes[start..i] {
                norm_of_raw[x as u32 as usize] = first;
            }
            start = i;
        }
    }
    drop(hashes);
    // norm_of_raw holds the first raw index of each text's class; turn it into dense ids in
    // order of first appearance (the first index is never after the current one).
    let mut rep_raw: Vec<u32> = Vec::new();
    for i in 0..n {
        let first = norm_of_raw[i] as usize;
        norm_of_raw[i] = if first == i {
            rep_raw.push(i as u32);
            (rep_raw.len() - 1) as u32
        } else {
            norm_of_raw[first]
        };
    }
    let m = rep_raw.len();
    for (k, &r) in rep_raw.iter().enumerate() {
        let r = r as usize;
        if r != k {
            keys.copy_within(r * b..(r + 1) * b, k * b);
            nsh[k] = nsh[r];
        }
    }
    keys.truncate(m * b);
    keys.shrink_to_fit();
    nsh.truncate(m);
    nsh.shrink_to_fit();
    let prepare_ms = t0.elapsed().as_millis() as u64;
    let t1 = std::time::Instant::now();
    // 3. buckets, then the keys go.
    let eligible: Vec<bool> = nsh.iter().map(|&c| c as usize >= min_shingles).collect();
    let n_eligible = eligible.iter().filter(|&&e| e).count() as u64;
    let buckets = BandBuckets::from_keys(&keys, b, Some(&eligible), p.max_bucket);
    drop(keys);
    drop(eligible);
    // 4. shingle sets of the candidates only.
    let candidates: Vec<u32> = buckets
        .in_some_bucket(m)
        .iter()
        .enumerate()
        .filter_map(|(k, &c)| c.then_some(k as u32))
        .collect();
    let chunks: Vec<(Vec<u64>, Vec<u32>)> = candidates
        .par_chunks(CHUNK)
        .map_init(
            || (String::new(), Shingler::new(), Vec::new()),
            |(norm, sh, set), ks| {
                let mut data = Vec::new();
                let mut lens = Vec::with_capacity(ks.len());
                for &k in ks {
                    normalize(text(rep_raw[k as usize] as usize), norm);
                    sh.shingles(norm, &sp, set);
                    data.extend_from_slice(set);
                    lens.push(set.len() as u32);
                }
                (data, lens)
            },
        )
        .collect();
    let mut sets = ShingleSets::new();
    for (data, lens) in chunks {
        let mut off = 0usize;
        for len in lens {
            sets.push(&data[off..off + len as usize]);
            off += len as usize;
        }
    }
    let mut slot = vec![u32::MAX; m];
    for (i, &k) in candidates.iter().enumerate() {
        slot[k as usize] = i as u32;
    }
    drop(candidates);
    drop(rep_raw);
    let t = p.threshold;
    let verify = |a: u32, b: u32| {
        jaccard_at_least(
            sets.get(slot[a as usize] as usize),
            sets.get(slot[b as usize] as usize),
            t,
        )
    };
    let (group, stats) = group_buckets(m, n_eligible, &buckets, p, &verify);
    let mut report = SimilarReport {
        distinct_raw_texts: n as u64,
        distinct_normalized_texts: m as u64,
        candidate_texts: sets.len() as u64,
        prepare_ms,
        ..Default::default()
    };
    report.absorb(&stats);
    report.group_ms = t1.elapsed().as_millis() as u64;
    Lean {
        norm_of_raw,
        shingles: nsh,
        group,
        report,
    }
}

/// Near-duplicate groups of a list of raw texts, without a `Dataset`: per input text its group id
/// or [`NO_GROUP`]. Identical and too-short texts are handled as in [`similar_text_trace`].
pub fn group_texts(texts: &[&str], p: &SimilarParams) -> (Vec<u32>, SimilarReport) {
    let lean = lean_groups(texts.len(), |i| texts[i], p);
    let mut report = lean.report;
    report.posts = texts.len() as u64;
    let groups: Vec<u32> = lean
        .norm_of_raw
        .iter()
        .map(|&nidx| {
            if (lean.shingles[nidx as usize] as usize) < p.min_shingles {
                report.short_excluded += 1;
                return NO_GROUP;
            }
            report.posts_considered += 1;
            let g = lean.group[nidx as usize];
            report.posts_in_groups += u64::from(g != NO_GROUP);
            g
        })
        .collect();
    (groups, report)
}

/// Per post, its near-duplicate group (or [`NO_GROUP`]), with the layer summary.
pub fn similar_text_groups(ds: &Dataset, p: &SimilarParams) -> (Vec<u32>, SimilarReport) {
    let posts = &ds.posts;
    let n = posts.len();
    // Distinct raw texts: symbols are dense, so a vector indexed by symbol replaces a hash map.
    let mut raw_of_sym = vec![u32::MAX; ds.strings.len()];
    let mut raw_syms: Vec<Sym> = Vec::new();
    let mut post_raw = vec![u32::MAX; n];
    let mut reposts_excluded = 0u64;
    let mut empty_excluded = 0u64;
    for ((slot, &kind), &s) in post_raw.iter_mut().zip(&posts.kind).zip(&posts.text) {
        if kind == PostKind::Repost {
            reposts_excluded += 1;
            continue;
        }
        if s.is_none() {
            empty_excluded += 1;
            continue;
        }
        let r = &mut raw_of_sym[s.0 as usize];
        if *r == u32::MAX {
            *r = raw_syms.len() as u32;
            raw_syms.push(s);
        }
        *slot = *r;
    }
    drop(raw_of_sym);
    let lean = lean_groups(raw_syms.len(), |i| ds.str(raw_syms[i]), p);
    drop(raw_syms);
    let mut report = SimilarReport {
        posts: n as u64,
        reposts_excluded,
        empty_excluded,
        ..lean.report
    };
    let mut group_posts = vec![0u64; report.groups as usize];
    let post_group: Vec<u32> = post_raw
        .iter()
        .map(|&r| {
            if r == u32::MAX {
                return NO_GROUP;
            }
            let nidx = lean.norm_of_raw[r as usize] as usize;
            if (lean.shingles[nidx] as usize) < p.min_shingles {
                report.short_excluded += 1;
                return NO_GROUP;
            }
            report.posts_considered += 1;
            let g = lean.group[nidx];
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
