//! Raw repost ties between unclustered accounts and the inauthentic clusters.
//!
//! **Measures.** For every account, from the reposts themselves (not from significant edges): how
//! many of its reposts amplify a member of a cluster judged inauthentic, and how many of the
//! reposts of its own posts come from such members (and from how many distinct members).
//!
//! **Why.** The `amplify` layer tests author–amplifier *pairs*. An operation that spreads its
//! boosting thin — a core retweeted 250 times by 150 of the operation's accounts, at most 7 times
//! by any one; an amplifier whose 57 reposts are spread over ten cores — never gives one pair
//! enough weight to pass the false-discovery correction over hundreds of millions of pairs, so the
//! account ends up in no cluster with no significant edge. Its tie to the operation is still plain
//! in the raw counts once the operation's clusters are known. The verdict uses the tie only for an
//! account whose **own** evidence already reaches the threshold (see `verdict.rs`, rule 3), so a
//! real user who happens to retweet an operation's viral post is never flagged by the tie.
//!
//! **False-positive risks.** A genuine fan of an operation's persona who also looks fake (new,
//! default profile, few followers) and reposts little else; state media accounts amplified mostly
//! by the operation (their own profiles rarely carry the fake-account evidence the rule requires).
//!
//! **Evidence.** "54 of its 57 reposts amplify members of inauthentic clusters"; "251 of the 262
//! reposts of its posts come from 159 members of inauthentic clusters".

use lockstep_model::{AccountId, Dataset, PostKind};

/// Minimum reposts an account must have made for the amplifier tie.
pub const MIN_REPOSTS_MADE: u32 = 5;
/// Minimum reposts received from inauthentic-cluster members for the core tie.
pub const MIN_REPOSTS_RECEIVED: u32 = 10;
/// Minimum distinct inauthentic-cluster members reposting the account for the core tie.
pub const MIN_DISTINCT_REPOSTERS: u32 = 5;
/// Share of the counted reposts that must involve inauthentic-cluster members.
pub const MIN_SHARE: f64 = 0.5;

/// Per-account repost counts against the set of inauthentic-cluster members.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tie {
    /// Reposts made whose author is known and is another account.
    pub made: u32,
    /// Of those, reposts of members of inauthentic clusters.
    pub made_to_inauthentic: u32,
    /// Reposts of this account's posts by other accounts.
    pub received: u32,
    /// Of those, reposts by members of inauthentic clusters.
    pub received_from_inauthentic: u32,
    /// Distinct members of inauthentic clusters among the reposters.
    pub distinct_inauthentic_reposters: u32,
}

impl Tie {
    /// Mostly amplifies the inauthentic clusters (enough reposts to tell).
    pub fn is_amplifier_tie(&self) -> bool {
        self.made >= MIN_REPOSTS_MADE
            && f64::from(self.made_to_inauthentic) >= MIN_SHARE * f64::from(self.made)
    }

    /// Mostly amplified by the inauthentic clusters, by enough of their members.
    pub fn is_core_tie(&self) -> bool {
        self.received_from_inauthentic >= MIN_REPOSTS_RECEIVED
            && self.distinct_inauthentic_reposters >= MIN_DISTINCT_REPOSTERS
            && f64::from(self.received_from_inauthentic) >= MIN_SHARE * f64::from(self.received)
    }

    /// The evidence sentence for whichever tie holds (core first).
    pub fn describe(&self) -> Option<String> {
        if self.is_core_tie() {
            Some(format!(
                "{} of the {} reposts of its posts come from {} members of inauthentic clusters",
                self.received_from_inauthentic, self.received, self.distinct_inauthentic_reposters
            ))
        } else if self.is_amplifier_tie() {
            Some(format!(
                "{} of its {} reposts amplify members of inauthentic clusters",
                self.made_to_inauthentic, self.made
            ))
        } else {
            None
        }
    }
}

/// Counts every account's ties; `inauthentic(a)` says whether `a` belongs to a cluster judged
/// inauthentic.
pub fn repost_ties(ds: &Dataset, inauthentic: impl Fn(AccountId) -> bool) -> Vec<Tie> {
    let p = &ds.posts;
    let mut ties = vec![Tie::default(); ds.accounts.len()];
    let mut inauthentic_pairs: Vec<(u32, u32)> = Vec::new();
    for i in 0..p.len() {
        if p.kind[i] != PostKind::Repost {
            continue;
        }
        let by = p.account[i];
        // The builder already resolved in-dataset reposted posts to their authors.
        let Some(author) = p.repost_of_account[i] else {
            continue;
        };
        if author == by || author.idx() >= ties.len() || by.idx() >= ties.len() {
            continue;
        }
        let (by_inauth, author_inauth) = (inauthentic(by), inauthentic(author));
        let t = &mut ties[by.idx()];
        t.made += 1;
        t.made_to_inauthentic += u32::from(author_inauth);
        let t = &mut ties[author.idx()];
        t.received += 1;
        if by_inauth {
            t.received_from_inauthentic += 1;
            inauthentic_pairs.push((author.0, by.0));
        }
    }
    inauthentic_pairs.sort_unstable();
    inauthentic_pairs.dedup();
    for (author, _) in inauthentic_pairs {
        ties[author as usize].distinct_inauthentic_reposters += 1;
    }
    ties
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{DatasetBuilder, PostRecord, Resolution, SourceInfo};

    /// `core` posts 3 times; op1..op6 repost it twice each; `amp` reposts the core 5 times and
    /// `fan` once; `fan` also reposts `friend` 5 times.
    fn world() -> Dataset {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("t", "test", Resolution::Second));
        let mut n = 0;
        let mut post = |b: &mut DatasetBuilder, account: &str, repost_of: &str| {
            n += 1;
            let id = format!("p{n}");
            b.push_post(
                &PostRecord {
                    external_id: &id,
                    account,
                    time: n,
                    text: "x",
                    repost_of,
                    ..Default::default()
                },
                src,
            );
            id
        };
        let core: Vec<String> = (0..3).map(|_| post(&mut b, "core", "")).collect();
        let friend = post(&mut b, "friend", "");
        for k in 1..=6 {
            for c in &core[..2] {
                post(&mut b, &format!("op{k}"), c);
            }
        }
        for _ in 0..5 {
            post(&mut b, "amp", &core[2]);
            post(&mut b, "fan", &friend);
        }
        post(&mut b, "fan", &core[0]);
        b.finish()
    }

    #[test]
    fn counts_ties_in_both_directions() {
        let ds = world();
        let id = |s: &str| ds.account_by_external(s).unwrap();
        let ops: Vec<AccountId> = (1..=6).map(|k| id(&format!("op{k}"))).collect();
        let core = id("core");
        let ties = repost_ties(&ds, |a| ops.contains(&a) || a == core);
        let t = ties[core.idx()];
        assert_eq!((t.received, t.received_from_inauthentic), (18, 12));
        assert_eq!(t.distinct_inauthentic_reposters, 6);
        assert!(t.is_core_tie(), "{t:?}");
        let amp = ties[id("amp").idx()];
        assert_eq!((amp.made, amp.made_to_inauthentic), (5, 5));
        assert!(amp.is_amplifier_tie());
        assert!(amp.describe().unwrap().starts_with("5 of its 5 reposts"));
        // One repost of the operation among six: no tie.
        let fan = ties[id("fan").idx()];
        assert_eq!((fan.made, fan.made_to_inauthentic), (6, 1));
        assert!(!fan.is_amplifier_tie() && !fan.is_core_tie());
        assert_eq!(fan.describe(), None);
        // Without the operation judged inauthentic, nobody is tied.
        let none = repost_ties(&ds, |_| false);
        assert!(
            none.iter()
                .all(|t| !t.is_core_tie() && !t.is_amplifier_tie())
        );
    }
}
