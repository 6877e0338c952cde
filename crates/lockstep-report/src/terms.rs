//! What a network says that everyone else does not: distinctive terms by the weighted log-odds
//! ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"),
//! the standard way to compare word use between two groups without letting rare words dominate.
//!
//! For a term `w` with count `y_u` among the network's posts (`n_u` terms in all) and `y_r` among
//! the rest (`n_r`), and a prior `a_w = A * f_w` from the term's share `f_w` of all terms:
//!
//! ```text
//! delta = ln((y_u + a_w) / (n_u + A - y_u - a_w)) - ln((y_r + a_w) / (n_r + A - y_r - a_w))
//! z     = delta / sqrt(1 / (y_u + a_w) + 1 / (y_r + a_w))
//! ```
//!
//! Terms are ranked by `z`; only terms the network used in at least [`MIN_POSTS`] posts and with
//! `z >= `[`MIN_Z`] are reported. A term counts once per post.
//!
//! When most of the network's posts ([`SAME_LANGUAGE_SHARE`]) are in one language, the background
//! is the other posts **in that language**: a German-language cluster in an English data set
//! would otherwise list German function words ("die", "und") as its most distinctive terms.

use hashbrown::HashMap;
use lockstep_model::{Dataset, PostKind, Sym};

/// Prior strength `A` (pseudo-terms spread over the vocabulary by overall frequency).
pub const PRIOR: f64 = 500.0;
/// Fewest of the network's posts a term must appear in.
pub const MIN_POSTS: u32 = 3;
/// Smallest z-score reported (about p < 0.001 one-sided for a single term).
pub const MIN_Z: f64 = 3.0;
/// Share of the network's posts in one language above which the background is that language.
pub const SAME_LANGUAGE_SHARE: f64 = 0.6;

/// A term and how distinctive it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The term (`#tag` for hashtags, lowercase words otherwise).
    pub term: String,
    /// Posts of the network using it.
    pub posts: u32,
    /// Weighted log-odds z-score against the rest of the data.
    pub z: f64,
}

/// Per-post term sets of a whole dataset, counted once so every network compares against it.
pub struct TermCounts {
    /// Term id of each distinct term, by text.
    ids: HashMap<String, u32>,
    /// Terms of each post (ids, distinct).
    per_post: Vec<Vec<u32>>,
    /// Posts using each term, over the whole dataset.
    total: Vec<u32>,
    /// Sum of `total`.
    n_total: u64,
    /// Language of each post (`Sym::NONE` when unknown).
    language: Vec<Sym>,
}

impl TermCounts {
    /// Tokenises every original post (reposts carry someone else's words and are left out):
    /// hashtags as `#tag`, and words of 3 to 30 characters, lowercased, that are not links or
    /// mentions.
    pub fn new(ds: &Dataset) -> TermCounts {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut total: Vec<u32> = Vec::new();
        let mut per_post = Vec::with_capacity(ds.posts.len());
        let mut text_cache: HashMap<Sym, Vec<u32>> = HashMap::new();
        for p in 0..ds.posts.len() {
            if ds.posts.kind[p] == PostKind::Repost {
                per_post.push(Vec::new());
                continue;
            }
            let mut terms: Vec<u32> = match text_cache.get(&ds.posts.text[p]) {
                Some(t) => t.clone(),
                None => {
                    let t: Vec<u32> = words(ds.str(ds.posts.text[p]))
                        .map(|w| intern(&mut ids, &mut total, w))
                        .collect();
                    text_cache.insert(ds.posts.text[p], t.clone());
                    t
                }
            };
            for &h in ds.posts.hashtags.get(p) {
                let tag = format!("#{}", ds.str(h).to_lowercase());
                terms.push(intern(&mut ids, &mut total, tag));
            }
            terms.sort_unstable();
            terms.dedup();
            for &t in &terms {
                total[t as usize] += 1;
            }
            per_post.push(terms);
        }
        let n_total = total.iter().map(|&c| u64::from(c)).sum();
        TermCounts {
            ids,
            per_post,
            total,
            n_total,
            language: ds.posts.language.clone(),
        }
    }

    /// The `k` most distinctive terms of the posts `posts` (indices into the dataset) against all
    /// other posts.
    pub fn distinctive(&self, posts: &[u32], k: usize) -> Vec<Term> {
        let mut mine: HashMap<u32, u32> = HashMap::new();
        for &p in posts {
            if let Some(terms) = self.per_post.get(p as usize) {
                for &t in terms {
                    *mine.entry(t).or_insert(0) += 1;
                }
            }
        }
        let n_u: f64 = mine.values().map(|&c| f64::from(c)).sum();
        // Background: every post, or the posts in the network's one language.
        let mut lang_counts: HashMap<Sym, usize> = HashMap::new();
        for &p in posts {
            if let Some(&l) = self.language.get(p as usize) {
                *lang_counts.entry(l).or_insert(0) += 1;
            }
        }
        let main_language = lang_counts
            .into_iter()
            .filter(|(l, _)| !l.is_none())
            .max_by_key(|&(l, n)| (n, std::cmp::Reverse(l)))
            .filter(|&(_, n)| n as f64 >= SAME_LANGUAGE_SHARE * posts.len() as f64)
            .map(|(l, _)| l);
        let background: std::borrow::Cow<'_, [u32]> = match main_language {
            None => std::borrow::Cow::Borrowed(&self.total),
            Some(l) => {
                let mut t = vec![0u32; self.total.len()];
                for (p, terms) in self.per_post.iter().enumerate() {
                    if self.language[p] == l {
                        for &x in terms {
                            t[x as usize] += 1;
                        }
                    }
                }
                std::borrow::Cow::Owned(t)
            }
        };
        let n_all = match main_language {
            None => self.n_total as f64,
            Some(_) => background.iter().map(|&c| f64::from(c)).sum(),
        };
        let n_r = (n_all - n_u).max(0.0);
        if n_u == 0.0 || n_all == 0.0 {
            return Vec::new();
        }
        let names: HashMap<u32, &str> = self
            .ids
            .iter()
            .filter(|(_, id)| mine.contains_key(*id))
            .map(|(s, &id)| (id, s.as_str()))
            .collect();
        let mut out: Vec<Term> = mine
            .iter()
            .filter(|&(_, &c)| c >= MIN_POSTS)
            .filter_map(|(&t, &y_u)| {
                let total = f64::from(background[t as usize]).max(f64::from(y_u));
                let a = PRIOR * total / n_all;
                let y_u = f64::from(y_u);
                let y_r = (total - y_u).max(0.0);
                let odds = |y: f64, n: f64| (y + a) / (n + PRIOR - y - a).max(f64::MIN_POSITIVE);
                let delta = odds(y_u, n_u).ln() - odds(y_r, n_r).ln();
                let z = delta / (1.0 / (y_u + a) + 1.0 / (y_r + a)).sqrt();
                (z.is_finite() && z >= MIN_Z).then(|| Term {
                    term: names.get(&t).copied().unwrap_or("").to_string(),
                    posts: y_u as u32,
                    z,
                })
            })
            .collect();
        out.sort_by(|a, b| b.z.total_cmp(&a.z).then(a.term.cmp(&b.term)));
        out.truncate(k);
        out
    }
}

fn intern(ids: &mut HashMap<String, u32>, total: &mut Vec<u32>, w: String) -> u32 {
    if let Some(&id) = ids.get(&w) {
        return id;
    }
    let id = total.len() as u32;
    total.push(0);
    ids.insert(w, id);
    id
}

/// Lowercase words of 3 to 30 characters, skipping links, mentions and hashtags (counted from
/// the hashtag column) and pure numbers.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_whitespace()
        .filter(|t| !t.starts_with('@') && !t.starts_with('#') && !t.contains("://"))
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| {
            let n = w.chars().count();
            (3..=30).contains(&n) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{DatasetBuilder, PostRecord, Resolution, SourceInfo};

    fn dataset(texts: &[(&str, &str)]) -> Dataset {
        dataset_in(&texts.iter().map(|&(a, t)| (a, t, "")).collect::<Vec<_>>())
    }

    fn dataset_in(texts: &[(&str, &str, &str)]) -> Dataset {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("t", "test", Resolution::Second));
        for (i, (author, text, language)) in texts.iter().enumerate() {
            b.push_post(
                &PostRecord {
                    external_id: &format!("p{i}"),
                    account: author,
                    time: i as i64,
                    text,
                    language,
                    ..Default::default()
                },
                src,
            );
        }
        b.finish()
    }

    #[test]
    fn the_network_word_stands_out_and_shared_words_do_not() {
        let mut texts = Vec::new();
        for _ in 0..20 {
            texts.push(("op", "rioters destroy hongkong peace"));
        }
        for _ in 0..200 {
            texts.push(("crowd", "hongkong peace march today"));
        }
        let ds = dataset(&texts);
        let counts = TermCounts::new(&ds);
        let op_posts: Vec<u32> = (0..20).collect();
        let top = counts.distinctive(&op_posts, 5);
        let names: Vec<&str> = top.iter().map(|t| t.term.as_str()).collect();
        assert!(
            names.contains(&"rioters") && names.contains(&"destroy"),
            "{top:?}"
        );
        assert!(
            !names.contains(&"hongkong") && !names.contains(&"peace"),
            "{top:?}"
        );
        assert!(top.iter().all(|t| t.z >= MIN_Z && t.posts == 20));
        // The operation's words are not distinctive of the crowd.
        let crowd: Vec<u32> = (20..220).collect();
        let top = counts.distinctive(&crowd, 5);
        assert!(
            top.iter()
                .all(|t| t.term != "rioters" && t.term != "destroy"),
            "{top:?}"
        );
    }

    #[test]
    fn a_foreign_language_cluster_is_compared_with_its_own_language() {
        let mut texts = Vec::new();
        for _ in 0..20 {
            texts.push(("op", "die merkel und die wahl", "de"));
        }
        for _ in 0..40 {
            texts.push(("de-crowd", "die wahl und das wetter", "de"));
        }
        for _ in 0..400 {
            texts.push(("en-crowd", "the election and the weather", "en"));
        }
        let ds = dataset_in(&texts);
        let top = TermCounts::new(&ds).distinctive(&(0..20).collect::<Vec<u32>>(), 5);
        let names: Vec<&str> = top.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(names, vec!["merkel"], "{top:?}");
    }

    #[test]
    fn words_skip_links_mentions_and_numbers() {
        let w: Vec<String> = words("RT @user: Look https://t.co/x 2019 at THIS #tag ok").collect();
        assert_eq!(w, vec!["look", "this"]);
    }
}
