//! # `many_personas`: one operator, many personas
//!
//! **Measures.** Inside a coordination cluster, pairs of members that present **unrelated
//! personas** yet keep **one operator's schedule**. A member's persona is read from its posts: its
//! hashtag profile (lower-cased hashtag counts, at least [`MIN_TAGS`] uses) and its dominant post
//! language (at least 70% of its posts with a language). Two members present unrelated personas
//! when their hashtag profiles barely overlap (cosine below [`MAX_TAG_COSINE`]) or their dominant
//! languages differ. Their schedule is the hour-of-day profile of their posts (24 UTC bins, each
//! the posts of that hour and its two neighbours, so that a few dozen posts give a stable shape;
//! at least [`MIN_POSTS`] posts); it is shared when the cosine of the two profiles is at least
//! [`MIN_SCHEDULE_COSINE`]. Account value: the share of its readable cluster mates (at most
//! [`MAX_MATES`], evenly sampled) that are an unrelated persona on a shared schedule; cluster
//! value: the same share over all readable member pairs. Strength: `(share - 0.15) / 0.25`,
//! clamped to [0, 1]; clusters with fewer than [`MIN_READABLE`] readable members are not judged.
//!
//! **Why it indicates inauthenticity.** An operation runs personas for several audiences at once
//! from one office: the IRA ran Black-activist and pro-Trump personas, and "hashtag gamers", from
//! the same floor in St Petersburg, in shifts (US Senate Select Committee on Intelligence, vol. 2,
//! 2019; Linvill & Warren, "Troll Factories", 2020); Chinese and Iranian networks ran personas in
//! several languages pushing the same links (Twitter and Stanford Internet Observatory reports,
//! 2019-2020). The personas share nothing a real community shares — not their hashtags, not their
//! language — but they post in the same hours and amplify the same targets,
//! which is how they came to be clustered at all. A genuine movement's members share its hashtags
//! and language; genuine people with unrelated interests rarely keep the same daily clock inside one coordinated group.
//!
//! **False-positive risks.** Multilingual communities coordinating on one cause (a diaspora
//! posting in two languages): their languages differ but they usually share the cause's
//! hashtags, and their clocks follow their different time zones. Global fandoms voting in
//! award campaigns (members in several languages): their clocks differ by their time zones
//! unless they live in one. Unrelated people in one time zone share a rough daily rhythm, which is
//! why the persona test comes first: they must also have been clustered together. News outlets of one publisher with different beats. The signal weighs less than a
//! clock or a creation burst and cannot decide alone.
//!
//! **Evidence.** Cluster: "212 of 1,035 member pairs present unrelated personas (no shared
//! hashtags or another language) on one daily clock (hour-of-day cosine >= 0.9)"; account:
//! "14 of 40 cluster mates present an unrelated persona on its daily clock".

use super::SignalColumn;
use crate::context::{Context, hour_of_week};
use lockstep_model::{AccountId, Sym};

/// Minimum hashtag uses for a hashtag profile.
pub const MIN_TAGS: u32 = 5;
/// Minimum posts for a daily clock.
pub const MIN_POSTS: usize = 30;
/// Hashtag profiles below this cosine are unrelated.
pub const MAX_TAG_COSINE: f64 = 0.1;
/// Daily clocks at or above this cosine are shared.
pub const MIN_SCHEDULE_COSINE: f64 = 0.9;
/// Mates compared per account (and members per cluster), evenly sampled.
pub const MAX_MATES: usize = 200;
/// Minimum readable members for a cluster statement.
pub const MIN_READABLE: usize = 4;
/// Share at which the signal starts, and the width of its ramp.
pub const FROM: f64 = 0.15;
/// See [`FROM`].
pub const RAMP: f64 = 0.25;

/// Strength of a share.
pub fn strength(share: f64) -> f64 {
    ((share - FROM) / RAMP).clamp(0.0, 1.0)
}

/// What one member presents and when it posts.
#[derive(Clone, Debug)]
pub struct Persona {
    /// Hashtag hash → weight, unit length; empty when under [`MIN_TAGS`] uses.
    tags: Vec<(u64, f64)>,
    /// Dominant post language, when one holds 70%+.
    language: Option<Sym>,
    /// Smoothed hour-of-day profile, unit length.
    clock: Vec<f64>,
}

/// Reads a member's persona; `None` when it has too few posts for a schedule.
pub fn persona(ctx: &Context<'_>, a: AccountId) -> Option<Persona> {
    let ds = ctx.ds;
    let p = &ds.posts;
    let posts = ctx.posts_of(a);
    if posts.len() < MIN_POSTS {
        return None;
    }
    let mut hours = [0.0f64; 24];
    let mut tags: hashbrown::HashMap<u64, f64> = hashbrown::HashMap::new();
    let mut langs: hashbrown::HashMap<Sym, u32> = hashbrown::HashMap::new();
    let mut n_tags = 0u32;
    let mut n_lang = 0u32;
    for &i in posts {
        let i = i as usize;
        hours[hour_of_week(p.time[i], 0) % 24] += 1.0;
        for &h in p.hashtags.get(i) {
            let key = xxhash_rust::xxh3::xxh3_64(ds.str(h).to_lowercase().as_bytes());
            *tags.entry(key).or_default() += 1.0;
            n_tags += 1;
        }
        if !p.language[i].is_none() && !ds.str(p.language[i]).is_empty() {
            *langs.entry(p.language[i]).or_default() += 1;
            n_lang += 1;
        }
    }
    let language = langs
        .iter()
        .max_by_key(|&(s, &c)| (c, std::cmp::Reverse(*s)))
        .filter(|&(_, &c)| n_lang > 0 && f64::from(c) >= 0.7 * f64::from(n_lang))
        .map(|(&s, _)| s);
    let mut tags: Vec<(u64, f64)> = if n_tags >= MIN_TAGS {
        tags.into_iter().collect()
    } else {
        Vec::new()
    };
    tags.sort_unstable_by_key(|t| t.0);
    let norm = tags.iter().map(|t| t.1 * t.1).sum::<f64>().sqrt();
    tags.iter_mut()
        .for_each(|t| t.1 /= norm.max(f64::MIN_POSITIVE));
    let mut clock: Vec<f64> = (0..24)
        .map(|h| hours[(h + 23) % 24] + hours[h] + hours[(h + 1) % 24])
        .collect();
    let norm = clock.iter().map(|x| x * x).sum::<f64>().sqrt();
    clock
        .iter_mut()
        .for_each(|x| *x /= norm.max(f64::MIN_POSITIVE));
    Some(Persona {
        tags,
        language,
        clock,
    })
}

/// Cosine of two sorted sparse unit vectors.
fn sparse_cosine(a: &[(u64, f64)], b: &[(u64, f64)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// True when `x` and `y` present unrelated personas on one daily clock.
pub fn one_operator(x: &Persona, y: &Persona) -> bool {
    let unrelated_tags = !x.tags.is_empty()
        && !y.tags.is_empty()
        && sparse_cosine(&x.tags, &y.tags) < MAX_TAG_COSINE;
    let other_language = matches!((x.language, y.language), (Some(a), Some(b)) if a != b);
    if !(unrelated_tags || other_language) {
        return false;
    }
    let schedule: f64 = x.clock.iter().zip(&y.clock).map(|(a, b)| a * b).sum();
    schedule >= MIN_SCHEDULE_COSINE
}

/// An even sample of at most [`MAX_MATES`] items.
fn sample<T: Copy>(v: &[T]) -> Vec<T> {
    if v.len() <= MAX_MATES {
        return v.to_vec();
    }
    (0..MAX_MATES).map(|k| v[k * v.len() / MAX_MATES]).collect()
}

/// Computes the column.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let n = ctx.n_accounts();
    let g_n = ctx.groups.len();
    let mut col = SignalColumn::new(n, g_n);
    for (g, members) in ctx.groups.members.iter().enumerate() {
        let readable: Vec<(AccountId, Persona)> = members
            .iter()
            .filter_map(|&a| persona(ctx, a).map(|p| (a, p)))
            .collect();
        if readable.len() < MIN_READABLE {
            continue;
        }
        let mates = sample(&(0..readable.len()).collect::<Vec<_>>());
        let (mut pairs, mut hits) = (0u64, 0u64);
        for (i, (a, pa)) in readable.iter().enumerate() {
            let (mut seen, mut found) = (0u32, 0u32);
            for &j in &mates {
                if j == i {
                    continue;
                }
                seen += 1;
                if one_operator(pa, &readable[j].1) {
                    found += 1;
                }
            }
            if seen == 0 {
                continue;
            }
            let share = f64::from(found) / f64::from(seen);
            col.strength[a.idx()] = strength(share) as f32;
            col.value[a.idx()] = share as f32;
            col.aux[a.idx()] = seen as f32;
            pairs += u64::from(seen);
            hits += u64::from(found);
        }
        if pairs == 0 {
            continue;
        }
        let share = hits as f64 / pairs as f64;
        col.group_strength[g] = strength(share) as f32;
        col.group_text[g] = format!(
            "{:.0}% of {} compared member pairs present unrelated personas (hashtag profiles with cosine < {MAX_TAG_COSINE} or another language) on one daily clock (hour-of-day cosine >= {MIN_SCHEDULE_COSINE})",
            100.0 * share,
            pairs
        );
    }
    col
}

/// Evidence sentence.
pub fn describe(value: f64, aux: f64) -> String {
    format!(
        "{:.0} of {:.0} cluster mates present an unrelated persona (other hashtags or language) on its daily clock",
        (value * aux).round(),
        aux
    )
}

super::signal_def!(
    "Cluster mates presenting unrelated personas on one operator's daily clock.",
    1.5,
    compute(ctx, _params) => compute(ctx),
    describe(_ctx, _params, _a, value, aux) => describe(value, aux),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;
    use lockstep_model::PostRecord;

    /// Adds `count` posts by `who` on weekdays at `hour` UTC (varying by a few hours with `k`),
    /// with hashtag `tag` and language `lang`.
    fn posts(
        b: &mut lockstep_model::DatasetBuilder,
        src: u16,
        who: &str,
        hour: i64,
        tag: &str,
        lang: &str,
    ) {
        for k in 0..40i64 {
            let day = k % 5 + 7 * (k / 5);
            let t = MONDAY + day * 86_400 + (hour + k % 4) * 3_600;
            let id = format!("{who}{k}");
            b.push_post(
                &PostRecord {
                    external_id: &id,
                    account: who,
                    time: t,
                    text: "words",
                    language: lang,
                    hashtags: &[tag],
                    ..Default::default()
                },
                src,
            );
        }
    }

    fn column(members: &[(&str, i64, &str, &str)]) -> (SignalColumn, lockstep_model::Dataset) {
        let (mut b, src) = builder();
        for &(who, hour, tag, lang) in members {
            account(&mut b, who, who, Some(MONDAY - 400 * 86_400));
            posts(&mut b, src, who, hour, tag, lang);
        }
        let ds = finish(b);
        let groups = Groups::from_clusters(ds.accounts.len(), &vec![Some(1); ds.accounts.len()]);
        let ctx = Context::new(&ds, &groups);
        (compute(&ctx), ds)
    }

    #[test]
    fn opposing_personas_on_one_shift_fire() {
        // Two right-wing and two left-wing personas and a hashtag gamer, all on the 06:00 UTC shift.
        let (col, _) = column(&[
            ("r1", 6, "MAGA", "en"),
            ("r2", 6, "maga", "en"),
            ("l1", 6, "BlackLivesMatter", "en"),
            ("l2", 6, "blacklivesmatter", "en"),
            ("h1", 6, "ThingsYouCantSay", "en"),
        ]);
        // 8 of the 10 pairs are unrelated personas on one schedule.
        assert!(
            (col.group_strength[0] - 1.0).abs() < 1e-6,
            "{}",
            col.group_strength[0]
        );
        assert!(
            col.group_text[0].starts_with("80% of 20"),
            "{}",
            col.group_text[0]
        );
    }

    #[test]
    fn one_movement_or_different_hours_do_not_fire() {
        // Same hashtag and language: a movement.
        let (col, _) = column(&[
            ("a", 6, "StandWithHK", "en"),
            ("b", 6, "StandWithHK", "en"),
            ("c", 6, "standwithhk", "en"),
            ("d", 6, "StandWithHK", "en"),
        ]);
        assert_eq!(col.group_strength[0], 0.0);
        // Unrelated interests, but each in its own time zone's hours.
        let (col, _) = column(&[
            ("a", 0, "kpop", "ko"),
            ("b", 8, "football", "en"),
            ("c", 14, "cooking", "es"),
            ("d", 20, "chess", "pt"),
        ]);
        assert_eq!(col.group_strength[0], 0.0);
    }

    #[test]
    fn too_few_posts_are_not_read() {
        let (mut b, src) = builder();
        account(&mut b, "x", "x", None);
        post(&mut b, src, "p", "x", MONDAY, "hello #x");
        let ds = finish(b);
        let groups = Groups::from_clusters(1, &[Some(0)]);
        let ctx = Context::new(&ds, &groups);
        assert!(persona(&ctx, AccountId(0)).is_none());
        assert!(compute(&ctx).group_strength[0].is_nan());
    }
}
