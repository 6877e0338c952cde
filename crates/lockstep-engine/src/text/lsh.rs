//! Banded LSH over MinHash signatures, exact verification, and grouping.
//!
//! For each band, every eligible text's band key is packed with its index into a `u64` and the
//! vector is sorted; runs of equal keys are the **buckets**. Texts in one bucket are candidate
//! pairs. Every candidate is **verified by exact Jaccard** on the shingle sets, so a reported pair
//! always has similarity at or above the threshold (precision 1.0 by construction).
//!
//! **Bucket cap.** Exact copies are collapsed before this stage, so a bucket holds distinct texts.
//! A bucket with more than `max_bucket` texts (a large template family) is not expanded into all
//! its pairs: each text is compared only with the `max_bucket` texts next to it in the bucket
//! (buckets are ordered by text index, i.e. first appearance). Work per band is then at most
//! `n · max_bucket` comparisons. In a real family the members are near-duplicates of their
//! neighbours, so the chain of verified neighbour pairs still connects the family; pairs of the
//! family that are never compared are counted as capped buckets in the report.
//!
//! **Linkage.** [`group`] forms groups as **connected components of verified pairs** (single
//! linkage, union-find). A candidate pair whose two texts are already in one component is not
//! verified (components are tracked inside each bucket as pairs are verified, and across bands),
//! so a family of `s` copies costs about `s` verifications, not `s²/2`. A pair below the threshold
//! that shares several bands is verified once per shared band (re-verifying a short merge is about
//! as cheap as looking the pair up in a set of rejected pairs, and needs no memory). Single linkage
//! has a **chaining risk**: A~B and B~C put A and C in one group even when A and C are less
//! similar than the threshold (a slowly drifting text). The [`GroupStats::chained_members`] count
//! reports how many grouped texts are below the threshold against their group's representative
//! (its first text) so the risk is visible; `docs/similar_text.md` discusses it.

use super::minhash::{MinHasher, jaccard_at_least};
use super::params::SimilarParams;
use super::sets::ShingleSets;
use hashbrown::HashSet;
use lockstep_model::UnionFind;
use rayon::prelude::*;

/// Marker for "no group".
pub const NO_GROUP: u32 = u32::MAX;

/// Counters of one LSH run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupStats {
    /// Distinct texts that took part (eligible).
    pub texts: u64,
    /// Candidate pairs that were verified (after skipping pairs already connected or rejected).
    pub candidate_pairs: u64,
    /// Candidates at or above the threshold.
    pub verified_pairs: u64,
    /// Candidates below the threshold (dropped).
    pub rejected_pairs: u64,
    /// Bucket-band occurrences larger than `max_bucket` (expanded only partially).
    pub capped_buckets: u64,
    /// Groups formed (components with at least two distinct texts).
    pub groups: u64,
    /// Texts in groups.
    pub grouped_texts: u64,
    /// Grouped texts whose similarity to their group's representative is below the threshold
    /// (joined through a chain of verified pairs).
    pub chained_members: u64,
}

/// Band keys of the listed texts, text-major: `keys[i * bands + band]`.
pub fn band_keys(sets: &ShingleSets, texts: &[u32], p: &SimilarParams) -> Vec<u32> {
    let mh = MinHasher::new(p.bands, p.rows);
    let b = mh.bands();
    let mut keys = vec![0u32; texts.len() * b];
    keys.par_chunks_mut(b)
        .zip(texts.par_iter())
        .with_min_len(256)
        .for_each_init(Vec::new, |sig, (out, &t)| {
            mh.signature(sets.get(t as usize), sig);
            mh.band_keys(sig, out);
        });
    keys
}

/// The buckets of one band as `(start, end)` ranges into the sorted packed vector.
fn buckets(keys: &[u32], bands: usize, band: usize, packed: &mut Vec<u64>) -> Vec<(u32, u32)> {
    packed.clear();
    packed.extend(
        keys.iter()
            .skip(band)
            .step_by(bands)
            .enumerate()
            .map(|(i, &k)| (u64::from(k) << 32) | i as u64),
    );
    packed.par_sort_unstable();
    let mut runs = Vec::new();
    let mut start = 0usize;
    for i in 1..=packed.len() {
        if i == packed.len() || packed[i] >> 32 != packed[start] >> 32 {
            if i - start >= 2 {
                runs.push((start as u32, i as u32));
            }
            start = i;
        }
    }
    runs
}

fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a.min(b)) << 32) | u64::from(a.max(b))
}

/// Enumerates the candidate pairs of the buckets of one band (respecting the cap), keeping those
/// for which `keep` is true.
fn band_candidates(
    packed: &[u64],
    runs: &[(u32, u32)],
    max_bucket: usize,
    keep: &(dyn Fn(u32, u32) -> bool + Sync),
) -> Vec<(u32, u32)> {
    runs.par_iter()
        .with_min_len(64)
        .flat_map_iter(|&(s, e)| {
            let m = &packed[s as usize..e as usize];
            let len = m.len();
            let window = if len > max_bucket { max_bucket } else { len };
            (0..len).flat_map(move |i| {
                let a = m[i] as u32;
                (i + 1..(i + 1 + window).min(len)).filter_map(move |j| {
                    let b = m[j] as u32;
                    keep(a, b).then_some((a, b))
                })
            })
        })
        .collect()
}

/// Verifies the pairs of one bucket for grouping, with a bucket-local union-find so that a family
/// of `s` near-duplicates costs about `s` verifications instead of `s²/2`: a pair whose two texts are
/// already connected (globally before this band, or through pairs verified earlier in this bucket)
/// is skipped. Returns `(a, b, verified)` for every pair actually verified.
fn verify_bucket_for_groups(
    ids: &[u32],
    max_bucket: usize,
    uf: &UnionFind,
    verify: &(dyn Fn(u32, u32) -> bool + Sync),
) -> Vec<(u32, u32, bool)> {
    let s = ids.len();
    // Local union-find over bucket positions, seeded with the global components.
    let mut local: Vec<u32> = (0..s as u32).collect();
    let roots: Vec<u32> = ids.iter().map(|&t| uf.root(t)).collect();
    let mut by_root: Vec<(u32, u32)> = roots
        .iter()
        .enumerate()
        .map(|(i, &r)| (r, i as u32))
        .collect();
    by_root.sort_unstable();
    for w in by_root.windows(2) {
        if w[0].0 == w[1].0 {
            // Same global component: link to the first position of that component.
            let first = local[w[0].1 as usize];
            local[w[1].1 as usize] = first;
        }
    }
    fn lfind(local: &mut [u32], mut x: u32) -> u32 {
        while local[x as usize] != x {
            let g = local[local[x as usize] as usize];
            local[x as usize] = g;
            x = g;
        }
        x
    }
    let mut out = Vec::new();
    for i in 1..s {
        let lo = if s > max_bucket {
            i.saturating_sub(max_bucket)
        } else {
            0
        };
        for j in lo..i {
            let (ri, rj) = (lfind(&mut local, i as u32), lfind(&mut local, j as u32));
            if ri == rj {
                continue;
            }
            let (a, b) = (ids[j], ids[i]);
            let ok = verify(a, b);
            if ok {
                local[ri.max(rj) as usize] = ri.min(rj);
            }
            out.push((a, b, ok));
        }
    }
    out
}

/// The non-singleton LSH buckets of every band, as lists of text indices (ascending inside a
/// bucket). Built band by band from the band keys; once built, the keys are no longer needed, and
/// texts that are in no bucket (most texts) never need their shingle set again.
#[derive(Clone, Debug, Default)]
pub struct BandBuckets {
    /// Members of every bucket, bucket after bucket, band after band.
    members: Vec<u32>,
    /// End offset into `members` of each bucket.
    ends: Vec<u64>,
    /// End offset into `ends` of each band's buckets.
    band_ends: Vec<usize>,
    /// Buckets larger than the cap (expanded only partially).
    pub capped: u64,
}

impl BandBuckets {
    /// Buckets of the text-major band keys `keys[i * bands + band]` of `keys.len() / bands` texts;
    /// texts with `eligible[i] == false` take no part (all take part when `eligible` is `None`).
    pub fn from_keys(
        keys: &[u32],
        bands: usize,
        eligible: Option<&[bool]>,
        max_bucket: usize,
    ) -> Self {
        let bands = bands.max(1);
        let n = keys.len() / bands;
        let mut out = BandBuckets::default();
        let mut packed: Vec<u64> = Vec::with_capacity(n);
        for band in 0..bands {
            packed.clear();
            packed.extend(
                keys.iter()
                    .skip(band)
                    .step_by(bands)
                    .enumerate()
                    .filter(|&(i, _)| eligible.is_none_or(|e| e[i]))
                    .map(|(i, &k)| (u64::from(k) << 32) | i as u64),
            );
            packed.par_sort_unstable();
            let mut start = 0usize;
            for i in 1..=packed.len() {
                if i == packed.len() || packed[i] >> 32 != packed[start] >> 32 {
                    if i - start >= 2 {
                        out.capped += u64::from(i - start > max_bucket);
                        out.members
                            .extend(packed[start..i].iter().map(|&x| x as u32));
                        out.ends.push(out.members.len() as u64);
                    }
                    start = i;
                }
            }
            out.band_ends.push(out.ends.len());
        }
        out.members.shrink_to_fit();
        out.ends.shrink_to_fit();
        out
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.band_ends.len()
    }

    /// The buckets of one band.
    pub fn band(&self, band: usize) -> Vec<&[u32]> {
        let lo = if band == 0 {
            0
        } else {
            self.band_ends[band - 1]
        };
        (lo..self.band_ends[band])
            .map(|k| {
                let s = if k == 0 { 0 } else { self.ends[k - 1] as usize };
                &self.members[s..self.ends[k] as usize]
            })
            .collect()
    }

    /// Per text (of `n`), whether it is in at least one bucket: only those can be in a group.
    pub fn in_some_bucket(&self, n: usize) -> Vec<bool> {
        let mut m = vec![false; n];
        for &t in &self.members {
            m[t as usize] = true;
        }
        m
    }

    /// Heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.members.capacity() * 4 + self.ends.capacity() * 8 + self.band_ends.capacity() * 8
    }
}

/// Groups the listed texts (`texts[i]` indexes `sets`) into near-duplicate groups. Returns, per
/// entry of `texts`, its group id (dense, ordered by first member) or [`NO_GROUP`].
pub fn group(sets: &ShingleSets, texts: &[u32], p: &SimilarParams) -> (Vec<u32>, GroupStats) {
    let keys = band_keys(sets, texts, p);
    let buckets = BandBuckets::from_keys(&keys, p.bands, None, p.max_bucket);
    drop(keys);
    let t = p.threshold;
    let verify = |a: u32, b: u32| {
        jaccard_at_least(
            sets.get(texts[a as usize] as usize),
            sets.get(texts[b as usize] as usize),
            t,
        )
    };
    group_buckets(texts.len(), texts.len() as u64, &buckets, p, &verify)
}

/// Groups `n` texts from their LSH buckets: candidate pairs are verified with `verify(a, b)` (true
/// when the exact Jaccard of texts `a` and `b` is at or above the threshold) and verified pairs
/// joined (single linkage). `eligible` is the count reported as [`GroupStats::texts`]. Returns per
/// text its group id (dense, ordered by smallest member) or [`NO_GROUP`].
pub fn group_buckets(
    n: usize,
    eligible: u64,
    buckets: &BandBuckets,
    p: &SimilarParams,
    verify: &(dyn Fn(u32, u32) -> bool + Sync),
) -> (Vec<u32>, GroupStats) {
    let mut stats = GroupStats {
        texts: eligible,
        capped_buckets: buckets.capped,
        ..Default::default()
    };
    let mut uf = UnionFind::new(n);
    for j in 0..buckets.bands() {
        let runs = buckets.band(j);
        let results: Vec<(u32, u32, bool)> = {
            let uf = &uf;
            runs.par_iter()
                .with_min_len(64)
                .flat_map_iter(|m| verify_bucket_for_groups(m, p.max_bucket, uf, verify))
                .collect()
        };
        stats.candidate_pairs += results.len() as u64;
        for (a, b, ok) in results {
            if ok {
                stats.verified_pairs += 1;
                uf.union(a, b);
            } else {
                stats.rejected_pairs += 1;
            }
        }
    }
    uf.flatten();
    // Dense group ids for components of size >= 2, in order of their smallest member.
    let mut size = vec![0u32; n];
    for i in 0..n {
        size[uf.parent(i as u32) as usize] += 1;
    }
    let mut gid = vec![NO_GROUP; n];
    let mut next = 0u32;
    for i in 0..n {
        let r = uf.parent(i as u32) as usize;
        if size[r] >= 2 {
            if gid[r] == NO_GROUP {
                gid[r] = next;
                next += 1;
            }
            gid[i] = gid[r];
        }
    }
    stats.groups = u64::from(next);
    stats.grouped_texts = gid.iter().filter(|&&g| g != NO_GROUP).count() as u64;
    stats.chained_members = (0..n)
        .into_par_iter()
        .filter(|&i| {
            let r = uf.parent(i as u32) as usize;
            r != i && size[r] >= 2 && !verify(i as u32, r as u32)
        })
        .count() as u64;
    (gid, stats)
}

/// All verified near-duplicate pairs `(a, b)`, `a < b`, as indices into `texts` (every candidate of
/// every band verified once; no grouping shortcut). Used to measure recall and precision and to
/// list pair evidence. Sorted.
pub fn verified_pairs(
    sets: &ShingleSets,
    texts: &[u32],
    p: &SimilarParams,
) -> (Vec<(u32, u32)>, GroupStats) {
    let n = texts.len();
    let mut stats = GroupStats {
        texts: n as u64,
        ..Default::default()
    };
    let keys = band_keys(sets, texts, p);
    let mut seen: HashSet<u64> = HashSet::new();
    let mut out = Vec::new();
    let mut packed = Vec::with_capacity(n);
    for j in 0..p.bands {
        let runs = buckets(&keys, p.bands, j, &mut packed);
        stats.capped_buckets += runs
            .iter()
            .filter(|(s, e)| (e - s) as usize > p.max_bucket)
            .count() as u64;
        let cands = {
            let seen = &seen;
            let keep = move |a: u32, b: u32| !seen.contains(&pair_key(a, b));
            band_candidates(&packed, &runs, p.max_bucket, &keep)
        };
        stats.candidate_pairs += cands.len() as u64;
        let verdicts: Vec<bool> = cands
            .par_iter()
            .with_min_len(256)
            .map(|&(a, b)| {
                jaccard_at_least(
                    sets.get(texts[a as usize] as usize),
                    sets.get(texts[b as usize] as usize),
                    p.threshold,
                )
            })
            .collect();
        for (&(a, b), ok) in cands.iter().zip(verdicts) {
            seen.insert(pair_key(a, b));
            if ok {
                stats.verified_pairs += 1;
                out.push((a.min(b), a.max(b)));
            } else {
                stats.rejected_pairs += 1;
            }
        }
    }
    out.sort_unstable();
    (out, stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalized;
    use crate::text::shingle::shingle_set;

    fn sets_of(texts: &[&str]) -> ShingleSets {
        let p = SimilarParams::default().shingle();
        let mut s = ShingleSets::new();
        for t in texts {
            s.push(&shingle_set(&normalized(t), &p));
        }
        s
    }

    #[test]
    fn groups_near_duplicates_and_not_unrelated() {
        let texts = [
            "The election was stolen by the corrupt media and we must fight back now #stopthesteal",
            "the election was stolen by the corrupt media and we must fight back now!! #maga 🇺🇸",
            "BREAKING: The election was stolen by the corrupt media and we must fight back now",
            "I had a lovely breakfast with my family this morning at the new cafe downtown",
            "我们坚决支持香港警察依法执法，维护香港的繁荣稳定",
            "我们坚决支持香港警方依法执法，维护香港的繁荣稳定！",
            "今天天气很好，我们一起去公园散步吧，顺便买点水果",
        ];
        let sets = sets_of(&texts);
        let idx: Vec<u32> = (0..texts.len() as u32).collect();
        let (g, stats) = group(&sets, &idx, &SimilarParams::default());
        assert_ne!(g[0], NO_GROUP);
        assert_eq!(g[0], g[1]);
        assert_eq!(g[0], g[2]);
        assert_eq!(g[3], NO_GROUP);
        assert_ne!(g[4], NO_GROUP);
        assert_eq!(g[4], g[5]);
        assert_ne!(g[4], g[0]);
        assert_eq!(g[6], NO_GROUP);
        assert_eq!(stats.groups, 2);
        assert_eq!(stats.grouped_texts, 5);
        let (pairs, _) = verified_pairs(&sets, &idx, &SimilarParams::default());
        assert!(pairs.contains(&(0, 1)) && pairs.contains(&(4, 5)));
        assert!(
            !pairs
                .iter()
                .any(|&(a, b)| a == 3 || b == 3 || a == 6 || b == 6)
        );
    }

    #[test]
    fn bucket_cap_still_connects_a_family() {
        // 300 distinct variants of one text; with a cap of 8 the chain of neighbours connects them.
        let base: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let texts: Vec<String> = (0..300)
            .map(|v| format!("{} x{v}", base.join(" ")))
            .collect();
        let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
        let sets = sets_of(&refs);
        let idx: Vec<u32> = (0..refs.len() as u32).collect();
        let p = SimilarParams {
            max_bucket: 8,
            ..Default::default()
        };
        let (g, stats) = group(&sets, &idx, &p);
        assert!(g.iter().all(|&x| x == 0), "one group");
        assert!(stats.capped_buckets > 0);
        assert!(stats.candidate_pairs < 300 * 8 * p.bands as u64);
    }
}
