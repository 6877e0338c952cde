//! Parameters of the `similar_text` layer and the expected recall curve of the banding.

use super::shingle::ShingleParams;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Parameters of near-duplicate detection. The defaults are documented in `docs/similar_text.md`.
/// Serialisable so that `run.toml` records them (missing fields take their defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimilarParams {
    /// Jaccard similarity (on shingle sets) at or above which two texts are near-duplicates.
    /// Default 0.7 (`--similarity`).
    pub threshold: f64,
    /// Words per shingle in space-separated scripts. Default 2.
    pub word_ngram: usize,
    /// Characters per shingle in CJK/Thai-like scripts. Default 2.
    pub char_ngram: usize,
    /// Texts with fewer distinct shingles are excluded ("good morning" is not evidence). Default 4.
    pub min_shingles: usize,
    /// LSH bands. Default 25.
    pub bands: usize,
    /// Rows (MinHash values) per band. Default 5; signature length is `bands × rows`.
    pub rows: usize,
    /// Bucket cap: in an LSH bucket with more than this many distinct texts, each text is compared
    /// only with the `max_bucket` texts next to it in the bucket (sorted by first appearance),
    /// instead of with all of them. Default 500. Bounds work at `O(n · max_bucket)` per band.
    pub max_bucket: usize,
}

impl Default for SimilarParams {
    fn default() -> Self {
        SimilarParams {
            threshold: 0.7,
            word_ngram: 2,
            char_ngram: 2,
            min_shingles: 4,
            bands: 25,
            rows: 5,
            max_bucket: 500,
        }
    }
}

impl SimilarParams {
    /// The shingling part.
    pub fn shingle(&self) -> ShingleParams {
        ShingleParams {
            word_ngram: self.word_ngram.max(1),
            char_ngram: self.char_ngram.max(1),
        }
    }

    /// Probability that two texts of Jaccard similarity `j` share at least one band, i.e. become
    /// LSH candidates: `1 - (1 - j^rows)^bands`.
    pub fn candidate_probability(&self, j: f64) -> f64 {
        1.0 - (1.0 - j.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// Parses an LSH banding written `BxR` (e.g. `25x5`: 25 bands of 5 rows) into `(bands, rows)`.
    pub fn parse_lsh(s: &str) -> Result<(usize, usize), String> {
        let bad = || format!("bad LSH banding `{s}`: expected BANDSxROWS, e.g. 25x5");
        let (b, r) = s.trim().split_once(['x', 'X', '*']).ok_or_else(bad)?;
        let b: usize = b.trim().parse().map_err(|_| bad())?;
        let r: usize = r.trim().parse().map_err(|_| bad())?;
        Ok((b, r))
    }

    /// Parses a shingle size: `N` (both word and character n-grams) or `W,C` (word n-gram `W`,
    /// character n-gram `C`); returns `(word_ngram, char_ngram)`.
    pub fn parse_shingle(s: &str) -> Result<(usize, usize), String> {
        let bad = || format!("bad shingle size `{s}`: expected N or WORDS,CHARS, e.g. 2 or 2,3");
        let num = |x: &str| x.trim().parse::<usize>().map_err(|_| bad());
        match s.split_once(',') {
            None => {
                let n = num(s)?;
                Ok((n, n))
            }
            Some((w, c)) => Ok((num(w)?, num(c)?)),
        }
    }

    /// Checks the parameters; returns a message naming the bad one.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(format!(
                "similarity threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        if self.bands == 0 || self.rows == 0 {
            return Err("bands and rows must be at least 1".into());
        }
        if self.bands * self.rows > 1024 {
            return Err(format!(
                "bands x rows = {} is above the supported signature length 1024",
                self.bands * self.rows
            ));
        }
        if self.word_ngram == 0
            || self.char_ngram == 0
            || self.word_ngram > 16
            || self.char_ngram > 16
        {
            return Err("shingle sizes must be between 1 and 16".into());
        }
        if self.max_bucket < 2 {
            return Err("max_bucket must be at least 2".into());
        }
        Ok(())
    }
}

/// A human-readable explanation of the parameters and the expected recall curve of the banding:
/// for each Jaccard similarity, the probability that a pair becomes a candidate (and hence, if at
/// or above the threshold, is found). Precision is 1.0 by construction: every candidate is
/// verified by exact Jaccard.
pub fn explain_params(p: &SimilarParams) -> String {
    let mut s = String::new();
    let k = p.bands * p.rows;
    let _ = writeln!(s, "similar_text layer parameters");
    let _ = writeln!(
        s,
        "  similarity threshold (Jaccard on shingle sets): {:.2}",
        p.threshold
    );
    let _ = writeln!(
        s,
        "  shingles: word {}-grams (space-separated scripts), character {}-grams (CJK, Thai, ...)",
        p.word_ngram, p.char_ngram
    );
    let _ = writeln!(
        s,
        "  texts with fewer than {} shingles are excluded",
        p.min_shingles
    );
    let _ = writeln!(
        s,
        "  MinHash: {k} functions = {} bands x {} rows; bucket cap {}",
        p.bands, p.rows, p.max_bucket
    );
    let t = p.threshold;
    // The similarity at which the S-curve rises most steeply: (1/b)^(1/r).
    let knee = (1.0 / p.bands as f64).powf(1.0 / p.rows as f64);
    let _ = writeln!(s, "  S-curve midpoint ~ {knee:.2} (1/bands)^(1/rows)");
    let _ = writeln!(
        s,
        "  expected recall of a pair = P(candidate) = 1 - (1 - J^rows)^bands:"
    );
    let _ = writeln!(s, "      J   P(candidate)");
    let mut js: Vec<f64> = (10..=20).map(|i| i as f64 * 0.05).collect();
    js.push(t);
    js.sort_by(|a, b| a.total_cmp(b));
    js.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    for j in js {
        let mark = if (j - t).abs() < 1e-9 {
            "  <- threshold"
        } else {
            ""
        };
        let _ = writeln!(s, "    {j:.2}   {:.4}{mark}", p.candidate_probability(j));
    }
    let _ = writeln!(
        s,
        "  pairs below the threshold that become candidates are rejected by exact Jaccard (precision 1.0)"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_banding_recalls_at_threshold() {
        let p = SimilarParams::default();
        assert!(p.validate().is_ok());
        assert!(p.candidate_probability(0.7) > 0.97);
        assert!(p.candidate_probability(0.9) > 0.9999);
        assert!(p.candidate_probability(0.2) < 0.01);
        let text = explain_params(&p);
        assert!(text.contains("0.70   0.9"));
        assert!(text.contains("<- threshold"));
    }

    #[test]
    fn validate_rejects_bad_values() {
        let bad = SimilarParams {
            threshold: 1.5,
            ..Default::default()
        };
        assert!(bad.validate().is_err());
        let bad = SimilarParams {
            bands: 0,
            ..Default::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn parses_banding_and_shingle_sizes() {
        assert_eq!(SimilarParams::parse_lsh("20x4"), Ok((20, 4)));
        assert_eq!(SimilarParams::parse_lsh(" 7 X 3 "), Ok((7, 3)));
        assert!(SimilarParams::parse_lsh("25").is_err());
        assert!(SimilarParams::parse_lsh("ax5").is_err());
        assert_eq!(SimilarParams::parse_shingle("3"), Ok((3, 3)));
        assert_eq!(SimilarParams::parse_shingle("2,3"), Ok((2, 3)));
        assert!(SimilarParams::parse_shingle("2;3").is_err());
    }

    #[test]
    fn curve_follows_the_banding_formula() {
        let p = SimilarParams {
            bands: 10,
            rows: 4,
            ..Default::default()
        };
        let text = explain_params(&p);
        let expect = 1.0 - (1.0 - 0.8f64.powi(4)).powi(10);
        assert!(text.contains(&format!("0.80   {expect:.4}")), "{text}");
        assert!(text.contains("10 bands x 4 rows"));
    }
}
