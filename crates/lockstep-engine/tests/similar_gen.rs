//! Generator of realistic near-duplicate text families (English, Chinese, mixed script) used by
//! the `similar_text` tests and the `similar_bench` example (included there with `#[path]`).
//!
//! Families model copy-paste campaigns: a base text, then copies with small edits (a swapped or
//! added hashtag, an emoji, a prefix such as `BREAKING:` or `转发：`, punctuation, a replaced word,
//! one changed Chinese character, a homoglyph, a different link or mention) and many exact copies.
//! Unrelated texts are drawn from the same Zipf vocabulary, so they share common words and bigrams
//! as real posts do.
#![allow(dead_code)]

/// A small deterministic RNG (SplitMix64), so the corpus is identical on every run and machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

const EN_COMMON: &[&str] = &[
    "the",
    "to",
    "and",
    "of",
    "a",
    "in",
    "is",
    "it",
    "you",
    "that",
    "for",
    "on",
    "we",
    "this",
    "with",
    "are",
    "be",
    "our",
    "they",
    "not",
    "have",
    "will",
    "all",
    "people",
    "about",
    "what",
    "from",
    "just",
    "now",
    "so",
    "government",
    "country",
    "today",
    "must",
    "more",
    "their",
    "new",
    "election",
    "media",
    "truth",
    "police",
    "china",
    "hong",
    "kong",
    "vote",
    "news",
    "america",
    "world",
    "support",
    "protest",
    "freedom",
    "stop",
    "fake",
    "never",
    "time",
    "read",
    "share",
    "everyone",
    "know",
    "why",
    "who",
    "against",
    "war",
    "peace",
    "economy",
    "workers",
    "family",
    "children",
    "city",
    "streets",
    "violence",
    "rioters",
    "leaders",
    "west",
    "lies",
    "report",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "ri", "men", "tor", "sa", "vel", "qu", "an", "dis", "pro", "ex", "ter", "na",
    "shi", "bo", "rel", "ing", "tion", "ment", "ous", "ist", "ble", "con", "sta", "gra", "fen",
    "ul",
];
const HASHTAGS_EN: &[&str] = &[
    "#maga",
    "#stopthesteal",
    "#hongkong",
    "#standwithhk",
    "#news",
    "#breaking",
    "#truth",
    "#freedom",
    "#covid19",
    "#vote",
    "#resist",
    "#usa",
    "#china",
    "#peace",
    "#fakenews",
    "#wakeup",
];
const HASHTAGS_ZH: &[&str] = &[
    "#香港",
    "#中国",
    "#反对暴力",
    "#守护香港",
    "#新闻",
    "#真相",
    "#止暴制乱",
    "#疫情",
];
const EMOJI: &[&str] = &[
    "🇺🇸", "🔥", "😡", "👍", "🙏", "💯", "🇨🇳", "❤️", "😂", "⚠️", "👇",
];
const PREFIX_EN: &[&str] = &[
    "BREAKING:",
    "Must read:",
    "Wow.",
    "Share this!",
    "RT @newsbot:",
    "Look:",
];
const PREFIX_ZH: &[&str] = &["转发：", "重要！", "【热点】", "请转发", "速看："];

/// The vocabulary and its Zipf sampler.
pub struct Vocab {
    en: Vec<String>,
    en_cum: Vec<f64>,
    zh: Vec<char>,
    zh_cum: Vec<f64>,
}

fn zipf_cum(n: usize, s: f64) -> Vec<f64> {
    let mut acc = 0.0;
    (0..n)
        .map(|r| {
            acc += 1.0 / ((r + 1) as f64).powf(s);
            acc
        })
        .collect()
}

fn sample(cum: &[f64], rng: &mut Rng) -> usize {
    let total = cum[cum.len() - 1];
    let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
    cum.partition_point(|&c| c < x).min(cum.len() - 1)
}

impl Vocab {
    /// 20,000 English-like words (real common words first) and 3,500 Han characters.
    pub fn new() -> Self {
        let mut rng = Rng::new(0x0076_6f63_6162);
        let mut en: Vec<String> = EN_COMMON.iter().map(|s| s.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = en.iter().cloned().collect();
        while en.len() < 20_000 {
            let k = rng.range(2, 4);
            let w: String = (0..k)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect();
            if seen.insert(w.clone()) {
                en.push(w);
            }
        }
        // Common Han characters: a fixed pseudo-random choice within the URO block.
        let mut zh = Vec::with_capacity(3500);
        let mut zs = std::collections::HashSet::new();
        while zh.len() < 3500 {
            let c = char::from_u32(0x4E00 + rng.below(0x9FA5 - 0x4E00) as u32).unwrap_or('中');
            if zs.insert(c) {
                zh.push(c);
            }
        }
        Vocab {
            en_cum: zipf_cum(en.len(), 1.05),
            en,
            zh_cum: zipf_cum(zh.len(), 0.9),
            zh,
        }
    }

    pub fn en_word(&self, rng: &mut Rng) -> &str {
        &self.en[sample(&self.en_cum, rng)]
    }

    pub fn zh_char(&self, rng: &mut Rng) -> char {
        self.zh[sample(&self.zh_cum, rng)]
    }
}

impl Default for Vocab {
    fn default() -> Self {
        Self::new()
    }
}

/// Script of a generated text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    English,
    Chinese,
    Mixed,
}

/// A base text as tokens (so edits can act on words/characters).
#[derive(Clone, Debug)]
pub struct Base {
    pub script: Script,
    /// Body tokens: words (English) or characters (Chinese), mixed freely for `Mixed`.
    pub body: Vec<String>,
    pub hashtags: Vec<String>,
    pub emoji: Vec<String>,
    pub prefix: Option<String>,
    pub url: Option<String>,
}

pub fn base_text(v: &Vocab, rng: &mut Rng, script: Script) -> Base {
    let mut body = Vec::new();
    match script {
        Script::English => {
            for _ in 0..rng.range(10, 32) {
                body.push(v.en_word(rng).to_string());
            }
        }
        Script::Chinese => {
            let n = rng.range(18, 70);
            for i in 0..n {
                body.push(v.zh_char(rng).to_string());
                if i > 0 && i % rng.range(6, 14) == 0 {
                    body.push(if rng.chance(0.7) { "，" } else { "。" }.to_string());
                }
            }
        }
        Script::Mixed => {
            let n = rng.range(12, 40);
            let mut i = 0;
            while i < n {
                if rng.chance(0.8) {
                    body.push(v.zh_char(rng).to_string());
                } else {
                    for _ in 0..rng.range(1, 3) {
                        body.push(format!(" {} ", v.en_word(rng)));
                    }
                }
                i += 1;
            }
        }
    }
    let tags: &[&str] = if script == Script::English {
        HASHTAGS_EN
    } else {
        HASHTAGS_ZH
    };
    let hashtags = (0..rng.range(0, 3))
        .map(|_| tags[rng.below(tags.len())].to_string())
        .collect();
    let emoji = (0..rng.range(0, 2))
        .map(|_| EMOJI[rng.below(EMOJI.len())].to_string())
        .collect();
    let url = rng
        .chance(0.3)
        .then(|| format!("https://t.co/{:x}", rng.next_u64() & 0xffff_ffff));
    Base {
        script,
        body,
        hashtags,
        emoji,
        prefix: None,
        url,
    }
}

/// Renders a base as post text.
pub fn render(b: &Base) -> String {
    let mut s = String::new();
    if let Some(p) = &b.prefix {
        s.push_str(p);
        s.push(' ');
    }
    match b.script {
        Script::English => s.push_str(&b.body.join(" ")),
        _ => {
            for t in &b.body {
                s.push_str(t);
            }
        }
    }
    for e in &b.emoji {
        s.push(' ');
        s.push_str(e);
    }
    if let Some(u) = &b.url {
        s.push(' ');
        s.push_str(u);
    }
    for h in &b.hashtags {
        s.push(' ');
        s.push_str(h);
    }
    s
}

/// One random small edit, as campaigns do to evade exact matching.
pub fn edit(v: &Vocab, rng: &mut Rng, b: &mut Base) {
    let zh = b.script != Script::English;
    match rng.below(9) {
        0 => {
            // swap / add a hashtag
            let tags: &[&str] = if zh { HASHTAGS_ZH } else { HASHTAGS_EN };
            let t = tags[rng.below(tags.len())].to_string();
            if b.hashtags.is_empty() || rng.chance(0.5) {
                b.hashtags.push(t);
            } else {
                let i = rng.below(b.hashtags.len());
                b.hashtags[i] = t;
            }
        }
        1 => b.emoji.push(EMOJI[rng.below(EMOJI.len())].to_string()),
        2 => {
            let pre: &[&str] = if zh { PREFIX_ZH } else { PREFIX_EN };
            b.prefix = Some(pre[rng.below(pre.len())].to_string());
        }
        3 => {
            // punctuation
            let i = rng.below(b.body.len().max(1));
            let p = if zh { "！" } else { "!!" };
            if i < b.body.len() {
                b.body[i].push_str(p);
            }
        }
        4 | 5 => {
            // replace one word / one Chinese character
            if !b.body.is_empty() {
                let i = rng.below(b.body.len());
                b.body[i] = if zh {
                    v.zh_char(rng).to_string()
                } else {
                    v.en_word(rng).to_string()
                };
            }
        }
        6 => {
            // homoglyph: Cyrillic look-alikes in one English word, or a full-width char in Chinese
            if let Some(w) = b
                .body
                .iter_mut()
                .find(|w| w.contains('a') || w.contains('o'))
            {
                *w = w.replace('a', "а").replace('o', "о");
            } else if let Some(t) = b.body.first_mut() {
                t.insert(0, '　');
            }
        }
        7 => {
            b.url = Some(format!("https://bit.ly/{:x}", rng.next_u64() & 0xffff));
        }
        _ => {
            // upper-case shouting or an @mention
            if rng.chance(0.5) && !zh {
                let i = rng.below(b.body.len().max(1));
                if let Some(w) = b.body.get_mut(i) {
                    *w = w.to_uppercase();
                }
            } else {
                b.prefix = Some(format!("@user{}", rng.below(1000)));
            }
        }
    }
}

/// A generated corpus: texts and, for each, its family (`None` for unrelated texts).
pub struct Corpus {
    pub texts: Vec<String>,
    pub family: Vec<Option<u32>>,
}

/// A stream of posts: about `family_share` of them in near-duplicate families (sizes
/// 2..=max_family, each copy edited 0-3 times, a quarter exact), the rest unrelated (3 % of those
/// very short). Scripts: 55 % English, 30 % Chinese, 15 % mixed.
pub struct Generator {
    v: Vocab,
    rng: Rng,
    q: f64,
    max_family: usize,
    queue: Vec<(String, Option<u32>)>,
    fam_id: u32,
}

impl Generator {
    pub fn new(family_share: f64, max_family: usize, seed: u64) -> Self {
        // Probability that a new base starts a family, so that families hold `family_share` of posts.
        let mean = (2 + max_family) as f64 / 2.0;
        let q = family_share / (mean * (1.0 - family_share) + family_share);
        Generator {
            v: Vocab::new(),
            rng: Rng::new(seed),
            q,
            max_family,
            queue: Vec::new(),
            fam_id: 0,
        }
    }

    /// The next post's text and family.
    pub fn next_post(&mut self) -> (String, Option<u32>) {
        if let Some(x) = self.queue.pop() {
            return x;
        }
        let (v, rng) = (&self.v, &mut self.rng);
        let script = match rng.below(20) {
            0..=10 => Script::English,
            11..=16 => Script::Chinese,
            _ => Script::Mixed,
        };
        let base = base_text(v, rng, script);
        if rng.chance(self.q) {
            let size = rng.range(2, self.max_family.max(2));
            for _ in 0..size {
                let mut b = base.clone();
                // A quarter of the copies are exact (the most common case in real operations).
                let edits = if rng.chance(0.25) { 0 } else { rng.range(1, 3) };
                for _ in 0..edits {
                    edit(v, rng, &mut b);
                }
                self.queue.push((render(&b), Some(self.fam_id)));
            }
            self.fam_id += 1;
            self.queue.reverse();
            return self.next_post();
        }
        if rng.chance(0.03) {
            // Very short posts ("good morning"), which the layer must exclude.
            let k = rng.range(1, 3);
            let w: Vec<&str> = (0..k).map(|_| v.en_word(rng)).collect();
            return (w.join(" "), None);
        }
        (render(&base), None)
    }
}

/// `n` posts of a [`Generator`].
pub fn corpus(n: usize, family_share: f64, max_family: usize, seed: u64) -> Corpus {
    let mut g = Generator::new(family_share, max_family, seed);
    let mut texts = Vec::with_capacity(n);
    let mut family = Vec::with_capacity(n);
    for _ in 0..n {
        let (t, f) = g.next_post();
        texts.push(t);
        family.push(f);
    }
    Corpus { texts, family }
}

#[test]
fn corpus_is_deterministic_and_mixed() {
    let a = corpus(2000, 0.4, 20, 7);
    let b = corpus(2000, 0.4, 20, 7);
    assert_eq!(a.texts, b.texts);
    assert_eq!(a.texts.len(), 2000);
    let han = a
        .texts
        .iter()
        .filter(|t| t.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
        .count();
    let latin = a
        .texts
        .iter()
        .filter(|t| t.chars().any(|c| c.is_ascii_lowercase()))
        .count();
    assert!(han > 400 && latin > 1000, "han {han} latin {latin}");
    let fam = a.family.iter().filter(|f| f.is_some()).count();
    assert!((600..=1000).contains(&fam), "family posts {fam}");
}

/// Numbers of one recall check.
pub struct RecallResult {
    pub posts: usize,
    pub true_pairs: usize,
    pub recall: f64,
    pub precision: f64,
    pub group_recall: f64,
    pub family_recovery: f64,
    /// Posts whose group from the memory-lean layer path (`group_texts`) differs from the
    /// reference path (`prepare` + `group` over stored shingle sets).
    pub lean_mismatches: usize,
}

/// All pairs `(a, b)`, `a < b` (indices into `eligible`) with exact Jaccard >= t. Exact over all
/// pairs: a pair is skipped only when `|small| < t |large|`, where `J <= |small| / |large| < t`.
pub fn brute_force(
    sets: &lockstep_engine::text::ShingleSets,
    eligible: &[u32],
    t: f64,
) -> std::collections::HashSet<(u32, u32)> {
    use rayon::prelude::*;
    let mut order: Vec<u32> = (0..eligible.len() as u32).collect();
    let len = |i: u32| sets.get(eligible[i as usize] as usize).len();
    order.sort_by_key(|&i| (len(i), i));
    let pairs: Vec<(u32, u32)> = (0..order.len())
        .into_par_iter()
        .flat_map_iter(|x| {
            let a = order[x];
            let sa = sets.get(eligible[a as usize] as usize);
            let mut out = Vec::new();
            for &b in &order[x + 1..] {
                let sb = sets.get(eligible[b as usize] as usize);
                if (sa.len() as f64) < t * sb.len() as f64 {
                    break;
                }
                if lockstep_engine::text::jaccard(sa, sb) >= t {
                    out.push((a.min(b), a.max(b)));
                }
            }
            out.into_iter()
        })
        .collect();
    pairs.into_iter().collect()
}

/// Generates `n` posts, runs the layer's LSH (all verified pairs, and groups) and brute-force exact
/// Jaccard over all pairs, prints the comparison and returns it.
pub fn recall_check(n: usize) -> RecallResult {
    use lockstep_engine::text::{
        NO_GROUP, SimilarParams, group, group_texts, prepare, verified_pairs,
    };
    use std::collections::{HashMap, HashSet};
    use std::time::Instant;
    let c = corpus(n, 0.5, 40, 20_240_601);
    let refs: Vec<&str> = c.texts.iter().map(|s| s.as_str()).collect();
    let p = SimilarParams::default();
    let t0 = Instant::now();
    let prep = prepare(refs.len(), |i| refs[i], &p);
    let eligible: Vec<u32> = (0..prep.sets.len() as u32)
        .filter(|&i| prep.sets.get(i as usize).len() >= p.min_shingles)
        .collect();
    let (found, stats) = verified_pairs(&prep.sets, &eligible, &p);
    let lsh_time = t0.elapsed();
    let (groups, gstats) = group(&prep.sets, &eligible, &p);
    let t1 = Instant::now();
    let truth = brute_force(&prep.sets, &eligible, p.threshold);
    let brute_time = t1.elapsed();

    let found_set: HashSet<(u32, u32)> = found.iter().copied().collect();
    let tp = found_set.intersection(&truth).count();
    let recall = tp as f64 / truth.len().max(1) as f64;
    let precision = tp as f64 / found_set.len().max(1) as f64;
    let grouped = truth
        .iter()
        .filter(|&&(a, b)| {
            groups[a as usize] != NO_GROUP && groups[a as usize] == groups[b as usize]
        })
        .count();
    let group_recall = grouped as f64 / truth.len().max(1) as f64;
    // Planted families: share of family posts whose group is their family's most common group.
    let mut elig_pos = vec![u32::MAX; prep.sets.len()];
    for (k, &e) in eligible.iter().enumerate() {
        elig_pos[e as usize] = k as u32;
    }
    let post_group = |i: usize| {
        let k = elig_pos[prep.norm_of_raw[i] as usize];
        if k == u32::MAX {
            NO_GROUP
        } else {
            groups[k as usize]
        }
    };
    let mut fam_groups: HashMap<u32, HashMap<u32, usize>> = HashMap::new();
    let mut fam_posts = 0usize;
    for (i, f) in c.family.iter().enumerate() {
        if let Some(f) = f {
            fam_posts += 1;
            let g = post_group(i);
            if g != NO_GROUP {
                *fam_groups.entry(*f).or_default().entry(g).or_default() += 1;
            }
        }
    }
    let recovered: usize = fam_groups
        .values()
        .map(|m| m.values().copied().max().unwrap_or(0))
        .sum();
    let family_recovery = recovered as f64 / fam_posts.max(1) as f64;
    let (lean, lean_report) = group_texts(&refs, &p);
    let lean_mismatches = (0..refs.len())
        .filter(|&i| lean[i] != post_group(i))
        .count();
    println!(
        "  lean layer path (group_texts): {} groups, {} candidate texts of {} eligible; {} posts grouped differently from the reference path",
        lean_report.groups,
        lean_report.candidate_texts,
        lean_report.eligible_texts,
        lean_mismatches
    );
    println!(
        "similar_text recall check: {n} posts, {} distinct normalised texts, {} eligible",
        prep.sets.len(),
        eligible.len()
    );
    println!(
        "  brute force (exact Jaccard over all pairs): {} true pairs at J >= {} ({:.2?})",
        truth.len(),
        p.threshold,
        brute_time
    );
    println!(
        "  LSH {}x{}: {} candidates verified, {} accepted, {} rejected ({:.2?}); pair recall {:.4}, precision {:.4}",
        p.bands,
        p.rows,
        stats.candidate_pairs,
        stats.verified_pairs,
        stats.rejected_pairs,
        lsh_time,
        recall,
        precision
    );
    println!(
        "  groups: {} groups, {} texts grouped, {} chained members; true pairs inside one group {:.4}; planted family posts recovered {:.4}",
        gstats.groups, gstats.grouped_texts, gstats.chained_members, group_recall, family_recovery
    );
    RecallResult {
        posts: n,
        true_pairs: truth.len(),
        recall,
        precision,
        group_recall,
        family_recovery,
        lean_mismatches,
    }
}
