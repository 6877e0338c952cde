//! # `language_mix`: post languages at odds with the profile language
//!
//! **Measures.** The share of an account's posts (with a known language) not in its profile
//! language, after normalising codes (`zh-cn` and `zh-tw` are `zh`, Twitter's old `in` is `id`,
//! names such as `English` become codes). Strength: `clamp((share - 0.5) / 0.4, 0, 1)`, halved when
//! the profile language is English (many people leave the interface in English); without a
//! profile language, an account posting in three or more languages each over 15% of its posts gets
//! 0.5. Value: the mismatch share. Accounts with fewer than 5 posts with a language are not judged.
//!
//! **Why it indicates inauthenticity.** Bought and repurposed accounts keep the profile language of
//! their first owner: `china_082019_1` has accounts set to Russian or Spanish posting in Chinese.
//! Content farms post in several languages at once.
//!
//! **False-positive risks.** Bilingual people, diaspora communities, people writing to a foreign
//! audience; a profile language is the interface language, not the person's.
//!
//! **Evidence.** "profile language 'ru' but 96% of 210 posts are in other languages (mostly 'zh')".

use super::SignalColumn;
use crate::context::Context;
use lockstep_model::AccountId;

/// Normalises a language code or name to a lowercase primary code (`""` when unknown).
pub fn norm_lang(s: &str) -> String {
    let l = s.trim().to_lowercase();
    let primary = l.split(['-', '_']).next().unwrap_or("");
    let code = match primary {
        "und" | "zxx" | "qme" | "qht" | "qam" | "qct" | "qst" | "unknown" | "lang" => "",
        "in" => "id",
        "iw" => "he",
        "english" => "en",
        "russian" => "ru",
        "german" => "de",
        "chinese" => "zh",
        "spanish" => "es",
        "french" => "fr",
        "arabic" => "ar",
        "ukrainian" => "uk",
        "italian" => "it",
        "japanese" => "ja",
        "portuguese" => "pt",
        "persian" | "farsi" => "fa",
        "turkish" => "tr",
        "korean" => "ko",
        "indonesian" => "id",
        other => other,
    };
    code.to_string()
}

struct Mix {
    total: u32,
    mismatch: u32,
    top_other: String,
    profile: String,
    many: bool,
}

fn mix(ctx: &Context<'_>, a: AccountId) -> Option<Mix> {
    let profile = norm_lang(ctx.ds.str(ctx.ds.accounts.language[a.idx()]));
    let mut counts: Vec<(lockstep_model::Sym, u32)> = Vec::new();
    for &p in ctx.posts_of(a) {
        let l = ctx.ds.posts.language[p as usize];
        if l.is_none() {
            continue;
        }
        match counts.iter_mut().find(|x| x.0 == l) {
            Some(x) => x.1 += 1,
            None => counts.push((l, 1)),
        }
    }
    let mut norm: Vec<(String, u32)> = Vec::new();
    for (l, c) in counts {
        let n = norm_lang(ctx.ds.str(l));
        if n.is_empty() {
            continue;
        }
        match norm.iter_mut().find(|x| x.0 == n) {
            Some(x) => x.1 += c,
            None => norm.push((n, c)),
        }
    }
    let total: u32 = norm.iter().map(|x| x.1).sum();
    if total < 5 {
        return None;
    }
    let mismatch = if profile.is_empty() {
        0
    } else {
        norm.iter().filter(|x| x.0 != profile).map(|x| x.1).sum()
    };
    let many = norm
        .iter()
        .filter(|x| x.1 as f64 > 0.15 * total as f64)
        .count()
        >= 3;
    let top_other = norm
        .iter()
        .filter(|x| x.0 != profile)
        .max_by_key(|x| x.1)
        .map(|x| x.0.clone())
        .unwrap_or_default();
    Some(Mix {
        total,
        mismatch,
        top_other,
        profile,
        many,
    })
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    use rayon::prelude::*;
    let pairs = (0..ctx.n_accounts() as u32)
        .into_par_iter()
        .map(|i| {
            let m = mix(ctx, AccountId(i))?;
            let share = m.mismatch as f64 / m.total as f64;
            let mut s = ((share - 0.5) / 0.4).clamp(0.0, 1.0);
            if m.profile == "en" {
                s *= 0.5;
            }
            if m.profile.is_empty() && m.many {
                s = 0.5;
            }
            Some((s as f32, share as f32))
        })
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, value: f64) -> String {
    let Some(m) = mix(ctx, a) else {
        return String::new();
    };
    if m.profile.is_empty() {
        return format!("posts in three or more languages ({} posts)", m.total);
    }
    format!(
        "profile language '{}' but {:.0}% of {} posts are in other languages (mostly '{}')",
        m.profile,
        100.0 * value,
        m.total,
        m.top_other
    )
}

super::parameter_free_signal!("Post languages at odds with the profile language.", 1.0);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;
    use lockstep_model::{PostRecord, Profile};

    #[test]
    fn mismatch_fires_match_silent() {
        let (mut b, src) = builder();
        for (id, lang) in [("bought", "ru"), ("local", "zh-CN")] {
            let l = b.intern(lang);
            b.set_profile(
                id,
                &Profile {
                    language: l,
                    ..Default::default()
                },
            );
            for i in 0..10 {
                b.push_post(
                    &PostRecord {
                        external_id: &format!("{id}{i}"),
                        account: id,
                        time: MONDAY + i,
                        language: "zh",
                        ..Default::default()
                    },
                    src,
                );
            }
        }
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx);
        assert_eq!(col.strength[0], 1.0);
        assert_eq!(col.strength[1], 0.0);
        assert!(describe(&ctx, AccountId(0), 1.0).contains("'ru'"));
        assert_eq!(norm_lang("zh-tw"), "zh");
        assert_eq!(norm_lang("English"), "en");
        assert_eq!(norm_lang("und"), "");
    }
}
