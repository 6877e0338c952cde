//! Shared precomputation for the signals: each account's posts in time order (a CSR index, no
//! per-account `Vec`), the groups (clusters) whose members are compared, and time helpers.

use lockstep_model::{AccountId, Dataset};

/// Seconds per day.
pub const DAY: i64 = 86_400;

/// Groups of accounts compared together by the cluster-level signals (creation bursts, client
/// concentration, shared schedules): normally the coordination clusters.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    /// Group index of each account (indexed by `AccountId`), `None` when in no group.
    pub of: Vec<Option<u32>>,
    /// Members of each group, by group index.
    pub members: Vec<Vec<AccountId>>,
    /// The external cluster id of each group (what `CoordinationInput::cluster` holds).
    pub ids: Vec<u32>,
}

impl Groups {
    /// Groups from per-account cluster ids (any `u32`s, not necessarily dense).
    pub fn from_clusters(n_accounts: usize, cluster: &[Option<u32>]) -> Groups {
        let mut index: hashbrown::HashMap<u32, u32> = hashbrown::HashMap::new();
        let mut g = Groups {
            of: vec![None; n_accounts],
            members: Vec::new(),
            ids: Vec::new(),
        };
        for (i, c) in cluster.iter().enumerate().take(n_accounts) {
            let Some(c) = *c else { continue };
            let gi = *index.entry(c).or_insert_with(|| {
                g.members.push(Vec::new());
                g.ids.push(c);
                (g.ids.len() - 1) as u32
            });
            g.of[i] = Some(gi);
            g.members[gi as usize].push(AccountId(i as u32));
        }
        g
    }

    /// Every account in one group (for files that are one operation, e.g. a platform disclosure).
    pub fn single(n_accounts: usize) -> Groups {
        Groups {
            of: vec![Some(0); n_accounts],
            members: vec![(0..n_accounts as u32).map(AccountId).collect()],
            ids: vec![0],
        }
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when there are no groups.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Group of account `a`.
    pub fn group_of(&self, a: AccountId) -> Option<u32> {
        self.of.get(a.idx()).copied().flatten()
    }
}

/// Per-account post index and dataset-wide facts the signals share.
pub struct Context<'a> {
    /// The data.
    pub ds: &'a Dataset,
    /// The groups compared by cluster-level signals.
    pub groups: &'a Groups,
    posts: lockstep_model::PostsByAccount,
    /// Earliest and latest post time, when there are posts.
    pub time_range: Option<(i64, i64)>,
    /// Which profile text fields the sources carry at all: `[description, location, profile URL,
    /// display name]`, true when at least one account has a non-empty value. A field no account
    /// has is absent from the source (the FiveThirtyEight IRA files carry follower counts but no
    /// bio), and its emptiness says nothing about an account.
    pub profile_fields: [bool; 4],
    /// The login signal's per-account tallies, computed once per run and shared by its column
    /// and every evidence sentence (recomputing them per sentence was quadratic).
    pub(crate) login_stats: std::sync::OnceLock<Option<Vec<crate::signals::login_ip::LoginStats>>>,
}

impl<'a> Context<'a> {
    /// Builds the index: one counting sort of posts by account, then a time sort per account.
    pub fn new(ds: &'a Dataset, groups: &'a Groups) -> Context<'a> {
        Context {
            ds,
            groups,
            posts: lockstep_model::PostsByAccount::by_time(ds),
            time_range: ds.time_range(),
            profile_fields: profile_fields(ds),
            login_stats: std::sync::OnceLock::new(),
        }
    }

    /// Number of accounts.
    pub fn n_accounts(&self) -> usize {
        self.ds.accounts.len()
    }

    /// The posts of account `a` (row indices into `ds.posts`), in time order.
    pub fn posts_of(&self, a: AccountId) -> &[u32] {
        self.posts.of(a)
    }
}

/// See [`Context::profile_fields`].
fn profile_fields(ds: &Dataset) -> [bool; 4] {
    let acc = &ds.accounts;
    let carried = |col: &[lockstep_model::Sym]| {
        col.iter()
            .zip(&acc.has_profile)
            .any(|(s, &p)| p && !ds.str(*s).trim().is_empty())
    };
    [
        carried(&acc.description),
        carried(&acc.location),
        carried(&acc.profile_url),
        carried(&acc.display_name),
    ]
}

/// Monday-based hour of the week (0 = Monday 00:00) of a UTC time shifted by `offset_h` hours.
pub fn hour_of_week(t: i64, offset_h: i32) -> usize {
    let local = t + offset_h as i64 * 3600;
    let hours = local.div_euclid(3600);
    // 1970-01-01 was a Thursday: day 0 is weekday index 3 (Monday = 0).
    let day = (hours.div_euclid(24) + 3).rem_euclid(7);
    (day * 24 + hours.rem_euclid(24)) as usize
}

/// `YYYY-MM-DD` of a UTC time (for evidence texts).
pub fn date_string(t: i64) -> String {
    let days = t.div_euclid(DAY);
    // Civil-from-days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// What a repost reposted, as a key two reposts of the same post share: the reposted post's id,
/// or, when the source gives none (the FiveThirtyEight IRA file), the repost's text (the engine's
/// `repost` layer matches such reposts on identical content too). `None` for other posts.
pub fn repost_target(ds: &Dataset, i: usize) -> Option<lockstep_model::Sym> {
    let p = &ds.posts;
    if p.kind[i] != lockstep_model::PostKind::Repost {
        return None;
    }
    if !p.repost_of[i].is_none() {
        Some(p.repost_of[i])
    } else if !p.text[i].is_none() {
        Some(p.text[i])
    } else {
        None
    }
}

/// The author each repost amplifies: the source's reposted author, else the author of the
/// earliest original (non-repost) post in the data with the repost's text. `None` per post when
/// unknown or not a repost.
pub fn repost_authors(ds: &Dataset) -> Vec<Option<AccountId>> {
    let p = &ds.posts;
    let need_text = (0..p.len()).any(|i| {
        p.kind[i] == lockstep_model::PostKind::Repost
            && p.repost_of_account[i].is_none()
            && !p.text[i].is_none()
    });
    let mut first_by_text: hashbrown::HashMap<lockstep_model::Sym, (i64, AccountId)> =
        hashbrown::HashMap::new();
    if need_text {
        for i in 0..p.len() {
            if p.kind[i] == lockstep_model::PostKind::Repost || p.text[i].is_none() {
                continue;
            }
            let e = first_by_text
                .entry(p.text[i])
                .or_insert((p.time[i], p.account[i]));
            if (p.time[i], p.account[i]) < *e {
                *e = (p.time[i], p.account[i]);
            }
        }
    }
    (0..p.len())
        .map(|i| {
            if p.kind[i] != lockstep_model::PostKind::Repost {
                return None;
            }
            p.repost_of_account[i].or_else(|| {
                first_by_text
                    .get(&p.text[i])
                    .filter(|(t, _)| *t <= p.time[i])
                    .map(|&(_, a)| a)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_hours() {
        // 2019-08-19 was a Monday.
        let monday = 1_566_172_800;
        assert_eq!(hour_of_week(monday, 0), 0);
        assert_eq!(hour_of_week(monday + 3600 * 5, 8), 13);
        // Sunday 23:00 UTC is Monday 07:00 at UTC+8.
        assert_eq!(hour_of_week(monday - 3600, 8), 7);
        assert_eq!(hour_of_week(monday, -1), 167);
        assert_eq!(date_string(monday), "2019-08-19");
        assert_eq!(date_string(0), "1970-01-01");
        assert_eq!(date_string(951_782_400), "2000-02-29");
    }

    #[test]
    fn groups_from_sparse_ids() {
        let g = Groups::from_clusters(4, &[Some(7), None, Some(7), Some(2)]);
        assert_eq!(g.len(), 2);
        assert_eq!(g.members[0], vec![AccountId(0), AccountId(2)]);
        assert_eq!(g.ids, vec![7, 2]);
        assert_eq!(g.group_of(AccountId(1)), None);
    }
}
