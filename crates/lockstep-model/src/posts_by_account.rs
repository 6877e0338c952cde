//! Post indices grouped by author: the one index every stage that walks an account's posts uses
//! (scoring's context, the report's sections).

use crate::{AccountId, Dataset};

/// Post indices grouped by author, as two flat vectors built by one counting sort: the posts of
/// account `a` are `posts[offsets[a]..offsets[a + 1]]`.
#[derive(Clone, Debug, Default)]
pub struct PostsByAccount {
    offsets: Vec<u32>,
    posts: Vec<u32>,
}

impl PostsByAccount {
    /// Each account's posts in dataset order.
    pub fn new(ds: &Dataset) -> Self {
        let n = ds.accounts.len();
        let mut offsets = vec![0u32; n + 1];
        for a in &ds.posts.account {
            offsets[a.idx() + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut posts = vec![0u32; ds.posts.len()];
        for (p, a) in ds.posts.account.iter().enumerate() {
            posts[fill[a.idx()] as usize] = p as u32;
            fill[a.idx()] += 1;
        }
        PostsByAccount { offsets, posts }
    }

    /// Each account's posts in time order (ties by dataset order).
    pub fn by_time(ds: &Dataset) -> Self {
        let mut index = Self::new(ds);
        let times = &ds.posts.time;
        for i in 0..index.offsets.len().saturating_sub(1) {
            let s = &mut index.posts[index.offsets[i] as usize..index.offsets[i + 1] as usize];
            s.sort_unstable_by_key(|&p| (times[p as usize], p));
        }
        index
    }

    /// The posts of `a` (empty for an account outside the dataset).
    pub fn of(&self, a: AccountId) -> &[u32] {
        match (self.offsets.get(a.idx()), self.offsets.get(a.idx() + 1)) {
            (Some(&s), Some(&e)) => &self.posts[s as usize..e as usize],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_posts_by_author_in_dataset_or_time_order() {
        let mut b = crate::DatasetBuilder::new();
        let src = b.add_source(crate::SourceInfo::new(
            "x.csv",
            "test",
            crate::Resolution::Second,
        ));
        for (id, who, time) in [
            ("1", "a", 30),
            ("2", "b", 10),
            ("3", "a", 10),
            ("4", "a", 20),
        ] {
            b.push_post(
                &crate::PostRecord {
                    external_id: id,
                    account: who,
                    time,
                    ..Default::default()
                },
                src,
            );
        }
        b.account("c");
        let ds = b.finish();
        let [a, bb, c] = ["a", "b", "c"].map(|x| ds.account_by_external(x).unwrap());
        let idx = PostsByAccount::new(&ds);
        let ids = |ps: &[u32]| -> Vec<String> {
            ps.iter()
                .map(|&p| ds.str(ds.posts.external_id[p as usize]).to_string())
                .collect()
        };
        assert_eq!(ids(idx.of(a)), ["1", "3", "4"]);
        assert_eq!(ids(idx.of(bb)), ["2"]);
        assert!(idx.of(c).is_empty());
        assert!(idx.of(AccountId(99)).is_empty());
        assert_eq!(ids(PostsByAccount::by_time(&ds).of(a)), ["3", "4", "1"]);
    }
}
