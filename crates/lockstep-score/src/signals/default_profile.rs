//! # `default_profile`: empty or default profile fields
//!
//! **Measures.** The weighted share of profile fields left empty or at their default: no
//! description (weight 0.4), no display name or a display name equal to the handle (0.3), no
//! reported location (0.2), no profile URL (0.1). Pseudonymised rows (display name and handle
//! both hashed) skip the display-name test. Accounts with no profile data are not judged, and a
//! field no account in the data has (the source does not carry it, e.g. the FiveThirtyEight IRA
//! files: follower counts but no bio) is left out of the share; with none carried, nobody is.
//!
//! **Why it indicates inauthenticity.** Accounts made in bulk are rarely dressed: 555 of the 744
//! accounts of the `china_082019_1` disclosure have no description. People fill in a bio and a
//! name over time.
//!
//! **False-positive risks.** Many real users never write a bio or location, especially lurkers and
//! new users; the signal is weak alone and matters over a cluster.
//!
//! **Evidence.** "profile empty: no description, no location, no profile URL". Value: the share.

use super::SignalColumn;
use crate::context::Context;
use lockstep_model::AccountId;

const W_DESCRIPTION: f32 = 0.4;
const W_NAME: f32 = 0.3;
const W_LOCATION: f32 = 0.2;
const W_URL: f32 = 0.1;

fn hashed(s: &str) -> bool {
    s.len() >= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

/// `(share, missing-field bit set)` for one account, `None` without a profile.
fn emptiness(ctx: &Context<'_>, a: AccountId) -> Option<(f32, u8)> {
    let acc = &ctx.ds.accounts;
    let i = a.idx();
    let [has_desc, has_loc, has_url, has_name] = ctx.profile_fields;
    if !acc.has_profile[i] || !(has_desc || has_loc || has_url || has_name) {
        return None;
    }
    let ds = ctx.ds;
    let handle = ds.str(acc.screen_name[i]);
    let name = ds.str(acc.display_name[i]);
    let mut total = 0.0;
    let mut empty = 0.0;
    let mut bits = 0u8;
    for (carried, col, w, bit) in [
        (has_desc, &acc.description, W_DESCRIPTION, 1),
        (has_loc, &acc.location, W_LOCATION, 2),
        (has_url, &acc.profile_url, W_URL, 4),
    ] {
        if !carried {
            continue;
        }
        total += w;
        if ds.str(col[i]).trim().is_empty() {
            empty += w;
            bits |= bit;
        }
    }
    if has_name && !(hashed(handle) && hashed(name)) {
        total += W_NAME;
        if name.trim().is_empty() || name.eq_ignore_ascii_case(handle) {
            empty += W_NAME;
            bits |= 8;
        }
    }
    (total > 0.0).then(|| (empty / total, bits))
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let pairs = (0..ctx.n_accounts())
        .map(|i| emptiness(ctx, AccountId(i as u32)).map(|(s, _)| (s, s)))
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, _value: f64) -> String {
    let Some((_, bits)) = emptiness(ctx, a) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if bits & 1 != 0 {
        parts.push("no description");
    }
    if bits & 8 != 0 {
        parts.push("no display name of its own");
    }
    if bits & 2 != 0 {
        parts.push("no location");
    }
    if bits & 4 != 0 {
        parts.push("no profile URL");
    }
    format!("profile empty: {}", parts.join(", "))
}

super::parameter_free_signal!(
    "Empty or default profile fields.",
    1.5,
    speaks_for_authenticity
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;
    use lockstep_model::Profile;

    #[test]
    fn empty_fires_full_silent() {
        let (mut b, _) = builder();
        account(&mut b, "full", "someone", None);
        let h = b.intern("bot12345678");
        b.set_profile(
            "empty",
            &Profile {
                screen_name: h,
                display_name: h,
                ..Default::default()
            },
        );
        b.account("unknown");
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx);
        assert!(col.strength[0] <= 0.1, "only the URL is missing");
        assert_eq!(col.strength[1], 1.0);
        assert!(col.strength[2].is_nan());
        let text = describe(&ctx, AccountId(1), 1.0);
        assert!(text.contains("no description") && text.contains("no display name"));
    }

    #[test]
    fn fields_the_source_lacks_are_not_judged() {
        // Follower counts only, as in the FiveThirtyEight IRA files: no text field anywhere.
        let (mut b, _) = builder();
        for name in ["a", "b"] {
            b.set_profile(
                name,
                &Profile {
                    followers: Some(10),
                    ..Default::default()
                },
            );
        }
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        assert_eq!(ctx.profile_fields, [false; 4]);
        let col = compute(&ctx);
        assert!(
            col.strength.iter().all(|s| s.is_nan()),
            "{:?}",
            col.strength
        );
    }
}
