//! The columnar `Dataset` and its builder.

use crate::ids::{AccountId, PostId, Sym};
use crate::interner::Interner;
use crate::list::ListColumn;
use crate::time::Resolution;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// What a post is. Reposts count only in the `repost` layer (DESIGN §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    /// An original post.
    Original,
    /// A repost / retweet / share of another post.
    Repost,
    /// A reply to another post.
    Reply,
    /// A quote post (repost with own text).
    Quote,
}

impl PostKind {
    /// All kinds, in display order.
    pub const ALL: [PostKind; 4] = [
        PostKind::Original,
        PostKind::Repost,
        PostKind::Reply,
        PostKind::Quote,
    ];

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Original => "original",
            PostKind::Repost => "repost",
            PostKind::Reply => "reply",
            PostKind::Quote => "quote",
        }
    }
}

/// Profile fields of an account; every field optional (`Sym::NONE` / `None` = unknown).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// Handle without `@`.
    pub screen_name: Sym,
    /// Display name.
    pub display_name: Sym,
    /// Creation time, UTC seconds.
    pub created_at: Option<i64>,
    /// Follower count.
    pub followers: Option<u64>,
    /// Following count.
    pub following: Option<u64>,
    /// Account/profile language code.
    pub language: Sym,
    /// Self-reported location.
    pub location: Sym,
    /// Profile description / bio.
    pub description: Sym,
    /// Profile URL.
    pub profile_url: Sym,
    /// Platform (e.g. `twitter`, `facebook`), when known.
    pub platform: Sym,
}

/// Profile fields as text, for [`DatasetBuilder::defer_profile`] (empty = unknown).
#[derive(Clone, Debug, Default)]
pub struct RawProfile<'a> {
    /// Handle without `@`.
    pub screen_name: &'a str,
    /// Display name.
    pub display_name: &'a str,
    /// Account/profile language code.
    pub language: &'a str,
    /// Self-reported location.
    pub location: &'a str,
    /// Profile description / bio.
    pub description: &'a str,
    /// Profile URL.
    pub profile_url: &'a str,
    /// Platform.
    pub platform: &'a str,
    /// Creation time, UTC seconds.
    pub created_at: Option<i64>,
    /// Follower count.
    pub followers: Option<u64>,
    /// Following count.
    pub following: Option<u64>,
}

/// A profile kept as text until [`DatasetBuilder::absorb`] decides whether it applies.
#[derive(Clone, Debug)]
struct Deferred {
    /// Strings interned before it (where its strings would have been interned).
    pos: usize,
    account: AccountId,
    /// The seven text fields in [`RawProfile`] order, back to back, and their end offsets.
    text: String,
    ends: [u32; 7],
    created_at: Option<i64>,
    followers: Option<u64>,
    following: Option<u64>,
}

impl Deferred {
    fn field(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }

    /// Interns the fields in the order a direct profile write interns them.
    fn intern(&self, strings: &mut Interner) -> Profile {
        let mut f = [Sym::NONE; 7];
        for (k, slot) in f.iter_mut().enumerate() {
            *slot = strings.intern(self.field(k));
        }
        Profile {
            screen_name: f[0],
            display_name: f[1],
            created_at: self.created_at,
            followers: self.followers,
            following: self.following,
            language: f[2],
            location: f[3],
            description: f[4],
            profile_url: f[5],
            platform: f[6],
        }
    }
}

/// The accounts table, one row per [`AccountId`]. An account referenced only as a retweet target or
/// reply target still gets a row (with an unknown profile) so every reference resolves.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    /// External id (opaque).
    pub external_id: Vec<Sym>,
    /// Handle.
    pub screen_name: Vec<Sym>,
    /// Display name.
    pub display_name: Vec<Sym>,
    /// Creation time (UTC seconds).
    pub created_at: Vec<Option<i64>>,
    /// Followers.
    pub followers: Vec<Option<u64>>,
    /// Following.
    pub following: Vec<Option<u64>>,
    /// Language.
    pub language: Vec<Sym>,
    /// Reported location.
    pub location: Vec<Sym>,
    /// Description.
    pub description: Vec<Sym>,
    /// Profile url.
    pub profile_url: Vec<Sym>,
    /// Platform.
    pub platform: Vec<Sym>,
    /// True when a profile row (users file, or profile columns of a post) described this account.
    pub has_profile: Vec<bool>,
}

impl Accounts {
    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.external_id.len()
    }

    /// True when there are no accounts.
    pub fn is_empty(&self) -> bool {
        self.external_id.is_empty()
    }

    fn push_empty(&mut self, external: Sym) {
        self.external_id.push(external);
        self.screen_name.push(Sym::NONE);
        self.display_name.push(Sym::NONE);
        self.created_at.push(None);
        self.followers.push(None);
        self.following.push(None);
        self.language.push(Sym::NONE);
        self.location.push(Sym::NONE);
        self.description.push(Sym::NONE);
        self.profile_url.push(Sym::NONE);
        self.platform.push(Sym::NONE);
        self.has_profile.push(false);
    }

    /// Fills the known fields of `p` into row `a`; fields `p` leaves unknown keep their value.
    fn merge_profile(&mut self, a: AccountId, p: &Profile) {
        let i = a.idx();
        fn set(col: &mut [Sym], i: usize, v: Sym) {
            if !v.is_none() {
                col[i] = v;
            }
        }
        set(&mut self.screen_name, i, p.screen_name);
        set(&mut self.display_name, i, p.display_name);
        set(&mut self.language, i, p.language);
        set(&mut self.location, i, p.location);
        set(&mut self.description, i, p.description);
        set(&mut self.profile_url, i, p.profile_url);
        set(&mut self.platform, i, p.platform);
        if p.created_at.is_some() {
            self.created_at[i] = p.created_at;
        }
        if p.followers.is_some() {
            self.followers[i] = p.followers;
        }
        if p.following.is_some() {
            self.following[i] = p.following;
        }
        self.has_profile[i] = true;
    }
}

/// One post as a reader hands it to the builder (borrowed, no allocation per row needed).
#[derive(Clone, Debug, Default)]
pub struct PostRecord<'a> {
    /// External post id (may be empty when the source has none; the builder then numbers it).
    pub external_id: &'a str,
    /// External id of the author.
    pub account: &'a str,
    /// UTC seconds.
    pub time: i64,
    /// Original / repost / reply / quote.
    pub kind: Option<PostKind>,
    /// Full text as published.
    pub text: &'a str,
    /// Post language.
    pub language: &'a str,
    /// Client / app.
    pub client: &'a str,
    /// External id of the reposted post.
    pub repost_of: &'a str,
    /// External id of the author of the reposted post.
    pub repost_of_account: &'a str,
    /// External id of the replied-to post.
    pub reply_to: &'a str,
    /// External id of the replied-to account.
    pub reply_to_account: &'a str,
    /// External id of the quoted post.
    pub quote_of: &'a str,
    /// Hashtags without `#`, in order of appearance.
    pub hashtags: &'a [&'a str],
    /// URLs as published (expanded where the source has them).
    pub urls: &'a [&'a str],
    /// Mentioned account ids (or handles when ids are unknown).
    pub mentions: &'a [&'a str],
    /// Media / image hash, when the source has one.
    pub media: &'a [&'a str],
    /// Domains the source gives (e.g. CooRTweet's anonymised `domain_id`); the domain layer uses
    /// these instead of the domains of `urls` when a post has them (its URLs may be anonymised
    /// ids with no host to take a domain from).
    pub domains: &'a [&'a str],
    /// Latitude / longitude.
    pub lat_lon: Option<(f32, f32)>,
}

/// The posts table, one row per [`PostId`].
#[derive(Clone, Debug, Default)]
pub struct Posts {
    /// External id.
    pub external_id: Vec<Sym>,
    /// Author.
    pub account: Vec<AccountId>,
    /// UTC seconds.
    pub time: Vec<i64>,
    /// Kind.
    pub kind: Vec<PostKind>,
    /// Text.
    pub text: Vec<Sym>,
    /// Language.
    pub language: Vec<Sym>,
    /// Client.
    pub client: Vec<Sym>,
    /// External id of the reposted post (`Sym::NONE` when not a repost).
    pub repost_of: Vec<Sym>,
    /// Author of the reposted post, when known.
    pub repost_of_account: Vec<Option<AccountId>>,
    /// External id of the replied-to post.
    pub reply_to: Vec<Sym>,
    /// Replied-to account, when known.
    pub reply_to_account: Vec<Option<AccountId>>,
    /// External id of the quoted post.
    pub quote_of: Vec<Sym>,
    /// Hashtags (as published, without `#`).
    pub hashtags: ListColumn,
    /// URLs.
    pub urls: ListColumn,
    /// Mentioned accounts (external ids or handles, as the source gives them).
    pub mentions: ListColumn,
    /// Media hashes.
    pub media: ListColumn,
    /// Domains given by the source without a URL (the domain layer adds the domains of `urls`).
    pub domains: ListColumn,
    /// Latitude (NaN when unknown).
    pub lat: Vec<f32>,
    /// Longitude (NaN when unknown).
    pub lon: Vec<f32>,
    /// Index into [`Dataset::sources`] of the file this post came from.
    pub source: Vec<u16>,
}

impl Posts {
    /// Number of posts.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// True when there are no posts.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }
}

/// `page_admins`: which account runs which page or group (Facebook-style assets).
#[derive(Clone, Debug, Default)]
pub struct PageAdmins {
    /// External page/group id.
    pub page: Vec<Sym>,
    /// Page name.
    pub page_name: Vec<Sym>,
    /// `page` or `group`.
    pub page_kind: Vec<Sym>,
    /// The admin account.
    pub account: Vec<AccountId>,
}

/// `logins`: account, time, ip, device.
#[derive(Clone, Debug, Default)]
pub struct Logins {
    /// Account.
    pub account: Vec<AccountId>,
    /// UTC seconds.
    pub time: Vec<i64>,
    /// IP address as text (v4 or v6).
    pub ip: Vec<Sym>,
    /// Device or user agent.
    pub device: Vec<Sym>,
}

/// `ads`: ad submissions.
#[derive(Clone, Debug, Default)]
pub struct Ads {
    /// Advertiser name or id.
    pub advertiser: Vec<Sym>,
    /// Payer ("paid for by").
    pub payer: Vec<Sym>,
    /// Landing URL.
    pub landing_url: Vec<Sym>,
    /// Ad text.
    pub text: Vec<Sym>,
    /// Spend.
    pub spend: Vec<Option<f64>>,
    /// Currency code.
    pub currency: Vec<Sym>,
    /// Submission time, UTC seconds.
    pub time: Vec<i64>,
    /// Submitting account when known.
    pub account: Vec<Option<AccountId>>,
}

/// What one input file contributed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SourceInfo {
    /// Path as given.
    pub path: String,
    /// Detected or forced format name.
    pub format: String,
    /// Time resolution of this source's timestamps.
    pub resolution: Resolution,
    /// Data rows read (excluding the header).
    pub rows_read: u64,
    /// Rows rejected (quarantined in lenient mode).
    pub rows_rejected: u64,
    /// Rejected rows counted by `column: reason` (they sum to `rows_rejected`).
    #[serde(default)]
    pub rejections: std::collections::BTreeMap<String, u64>,
    /// Notes for the user (e.g. "exact times recovered from snowflake ids").
    pub notes: Vec<String>,
}

impl SourceInfo {
    /// A source with nothing read yet (counts zero, no notes): what a reader registers before its
    /// first row, and what tests building a dataset by hand need.
    pub fn new(path: impl Into<String>, format: impl Into<String>, resolution: Resolution) -> Self {
        SourceInfo {
            path: path.into(),
            format: format.into(),
            resolution,
            rows_read: 0,
            rows_rejected: 0,
            rejections: Default::default(),
            notes: Vec::new(),
        }
    }
}

/// A whole dataset: accounts, posts, optional tables and the shared string interner.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Every string, stored once.
    pub strings: Interner,
    /// Accounts table.
    pub accounts: Accounts,
    /// Posts table.
    pub posts: Posts,
    /// Optional: who runs which page or group.
    pub page_admins: Option<PageAdmins>,
    /// Optional: login events.
    pub logins: Option<Logins>,
    /// Optional: ad submissions.
    pub ads: Option<Ads>,
    /// The input files, in reading order.
    pub sources: Vec<SourceInfo>,
    account_index: HashMap<Sym, AccountId>,
    post_index: PostIndex,
}

/// Post by external-id symbol, as a dense array indexed by symbol (`0` = no post, else id + 1):
/// one array read per lookup instead of hashing and probing a map of millions of posts.
#[derive(Clone, Debug, Default)]
struct PostIndex(Vec<u32>);

impl PostIndex {
    fn get(&self, s: Sym) -> Option<PostId> {
        match self.0.get(s.idx()) {
            Some(&v) if v != 0 => Some(PostId(v - 1)),
            _ => None,
        }
    }

    fn contains(&self, s: Sym) -> bool {
        self.get(s).is_some()
    }

    fn insert(&mut self, s: Sym, p: PostId) {
        if self.0.len() <= s.idx() {
            // Grow geometrically (symbols arrive roughly in increasing order).
            let want = (s.idx() + 1).max(self.0.len() * 3 / 2);
            self.0.resize(want, 0);
        }
        self.0[s.idx()] = p.0 + 1;
    }

    fn heap_bytes(&self) -> usize {
        self.0.capacity() * 4
    }
}

impl Dataset {
    /// Resolves a symbol to its string.
    pub fn str(&self, s: Sym) -> &str {
        self.strings.resolve(s)
    }

    /// The account with this external id.
    pub fn account_by_external(&self, external: &str) -> Option<AccountId> {
        let s = self.strings.get(external)?;
        self.account_index.get(&s).copied()
    }

    /// The post with this external id.
    pub fn post_by_external(&self, external: &str) -> Option<PostId> {
        let s = self.strings.get(external)?;
        self.post_index.get(s)
    }

    /// The post with this external-id symbol.
    pub fn post_by_sym(&self, external: Sym) -> Option<PostId> {
        self.post_index.get(external)
    }

    /// The account with this external-id symbol.
    pub fn account_by_sym(&self, external: Sym) -> Option<AccountId> {
        self.account_index.get(&external).copied()
    }

    /// The coarsest time resolution over all sources (what windows must respect).
    pub fn resolution(&self) -> Resolution {
        self.sources
            .iter()
            .map(|s| s.resolution)
            .max()
            .unwrap_or(Resolution::Second)
    }

    /// `(min, max)` post time, or `None` when there are no posts.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        let min = self.posts.time.iter().copied().min()?;
        let max = self.posts.time.iter().copied().max()?;
        Some((min, max))
    }

    /// Approximate heap bytes of the columnar data (for memory benchmarks).
    pub fn heap_bytes(&self) -> usize {
        let p = &self.posts;
        let a = &self.accounts;
        self.strings.heap_bytes()
            + a.len() * (11 * 4 + 3 * 16 + 1)
            + p.len() * (4 * 9 + 8 + 1 + 2 * 4 + 2 * 4 + 2)
            + p.hashtags.heap_bytes()
            + p.urls.heap_bytes()
            + p.mentions.heap_bytes()
            + p.media.heap_bytes()
            + p.domains.heap_bytes()
            + self.account_index.capacity() * 9
            + self.post_index.heap_bytes()
    }
}

/// Builds a [`Dataset`] row by row; several files of one dataset (tweets + users) go into one
/// builder and merge: accounts and posts are identified by their external ids.
#[derive(Default)]
pub struct DatasetBuilder {
    ds: Dataset,
    scratch: Vec<Sym>,
    /// Profiles of a part read in parallel, applied (or not) when it is absorbed.
    deferred: Vec<Deferred>,
    /// Posts whose external id was already present (the first is kept).
    pub duplicate_posts: u64,
}

impl DatasetBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The strings interned so far.
    pub fn strings(&self) -> &Interner {
        &self.ds.strings
    }

    /// Makes room for `additional` more distinct strings (a hint, see [`Interner::reserve`]).
    pub fn reserve_strings(&mut self, additional: usize) {
        self.ds.strings.reserve(additional);
    }

    /// Interns a string.
    pub fn intern(&mut self, s: &str) -> Sym {
        self.ds.strings.intern(s)
    }

    /// The account with this external id, created (with an unknown profile) if new.
    /// Returns `None` for an empty id.
    pub fn account(&mut self, external: &str) -> Option<AccountId> {
        if external.is_empty() {
            return None;
        }
        let sym = self.ds.strings.intern(external);
        if let Some(&a) = self.ds.account_index.get(&sym) {
            return Some(a);
        }
        let a = AccountId(self.ds.accounts.len() as u32);
        self.ds.accounts.push_empty(sym);
        self.ds.account_index.insert(sym, a);
        Some(a)
    }

    /// Merges profile fields into the account with this external id (creating it if new).
    pub fn set_profile(&mut self, external: &str, profile: &Profile) -> Option<AccountId> {
        let a = self.account(external)?;
        self.ds.accounts.merge_profile(a, profile);
        Some(a)
    }

    /// Records a profile for the account with this external id (creating it if new) without
    /// interning its strings yet: for a part read in parallel, whose "first profile of the file
    /// wins" decision is only known when [`DatasetBuilder::absorb`] adds it to the whole. Absorb
    /// then interns and applies it, or drops it, exactly as an immediate
    /// [`DatasetBuilder::set_profile`] at this point (or none) would have; [`DatasetBuilder::finish`]
    /// applies any left over.
    pub fn defer_profile(&mut self, external: &str, p: &RawProfile<'_>) -> Option<AccountId> {
        let account = self.account(external)?;
        let mut text = String::new();
        let mut ends = [0u32; 7];
        let fields = [
            p.screen_name,
            p.display_name,
            p.language,
            p.location,
            p.description,
            p.profile_url,
            p.platform,
        ];
        for (k, f) in fields.iter().enumerate() {
            text.push_str(f);
            ends[k] = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        if text.len() >= u32::MAX as usize {
            // Too long to keep deferred: apply now.
            let prof = Profile {
                screen_name: self.intern(p.screen_name),
                display_name: self.intern(p.display_name),
                created_at: p.created_at,
                followers: p.followers,
                following: p.following,
                language: self.intern(p.language),
                location: self.intern(p.location),
                description: self.intern(p.description),
                profile_url: self.intern(p.profile_url),
                platform: self.intern(p.platform),
            };
            self.ds.accounts.merge_profile(account, &prof);
            return Some(account);
        }
        self.deferred.push(Deferred {
            pos: self.ds.strings.len(),
            account,
            text,
            ends,
            created_at: p.created_at,
            followers: p.followers,
            following: p.following,
        });
        Some(account)
    }

    /// Registers an input file; returns its index for [`DatasetBuilder::push_post`].
    pub fn add_source(&mut self, info: SourceInfo) -> u16 {
        self.ds.sources.push(info);
        (self.ds.sources.len() - 1) as u16
    }

    /// Mutable access to a registered source (to update counts as reading proceeds).
    pub fn source_mut(&mut self, idx: u16) -> &mut SourceInfo {
        &mut self.ds.sources[idx as usize]
    }

    /// Appends a post. A post whose (non-empty) external id was already added is counted in
    /// [`DatasetBuilder::duplicate_posts`] and skipped; returns `None` then, or when the author is empty.
    pub fn push_post(&mut self, r: &PostRecord<'_>, source: u16) -> Option<PostId> {
        // Most of these are new or rarely seen strings: start all their table reads at once.
        self.ds.strings.prefetch(
            [
                r.account,
                r.external_id,
                r.text,
                r.repost_of,
                r.repost_of_account,
                r.reply_to,
                r.reply_to_account,
                r.quote_of,
            ]
            .into_iter()
            .chain(r.urls.iter().copied())
            .chain(r.mentions.iter().copied()),
        );
        let account = self.account(r.account)?;
        let id = PostId(self.ds.posts.len() as u32);
        let ext = if r.external_id.is_empty() {
            Sym::NONE
        } else {
            let s = self.ds.strings.intern(r.external_id);
            if self.ds.post_index.contains(s) {
                self.duplicate_posts += 1;
                return None;
            }
            self.ds.post_index.insert(s, id);
            s
        };
        let kind = r.kind.unwrap_or(if !r.repost_of.is_empty() {
            PostKind::Repost
        } else if !r.reply_to.is_empty() {
            PostKind::Reply
        } else if !r.quote_of.is_empty() {
            PostKind::Quote
        } else {
            PostKind::Original
        });
        let text = self.ds.strings.intern(r.text);
        let language = self.ds.strings.intern(r.language);
        let client = self.ds.strings.intern(r.client);
        let repost_of = self.ds.strings.intern(r.repost_of);
        let repost_of_account = self.account(r.repost_of_account);
        let reply_to = self.ds.strings.intern(r.reply_to);
        let reply_to_account = self.account(r.reply_to_account);
        let quote_of = self.ds.strings.intern(r.quote_of);
        let p = &mut self.ds.posts;
        p.external_id.push(ext);
        p.account.push(account);
        p.time.push(r.time);
        p.kind.push(kind);
        p.text.push(text);
        p.language.push(language);
        p.client.push(client);
        p.repost_of.push(repost_of);
        p.repost_of_account.push(repost_of_account);
        p.reply_to.push(reply_to);
        p.reply_to_account.push(reply_to_account);
        p.quote_of.push(quote_of);
        let (lat, lon) = r.lat_lon.unwrap_or((f32::NAN, f32::NAN));
        p.lat.push(lat);
        p.lon.push(lon);
        p.source.push(source);
        for (list, col) in [
            (r.hashtags, 0u8),
            (r.urls, 1),
            (r.mentions, 2),
            (r.media, 3),
            (r.domains, 4),
        ] {
            self.scratch.clear();
            for s in list {
                let sym = self.ds.strings.intern(s);
                self.scratch.push(sym);
            }
            let p = &mut self.ds.posts;
            match col {
                0 => p.hashtags.push(&self.scratch),
                1 => p.urls.push(&self.scratch),
                2 => p.mentions.push(&self.scratch),
                3 => p.media.push(&self.scratch),
                _ => p.domains.push(&self.scratch),
            }
        }
        Some(id)
    }

    /// Appends everything `part` holds, as if its rows had been added here in order: strings are
    /// interned in `part`'s first-seen order, accounts created in `part`'s order, posts appended
    /// in order (with `part`'s source indices), duplicate counts added. A profile of `part` is
    /// merged into an account only when `profiled[account]` is false (then set): the caller's
    /// "first profile row of this file wins" rule across parts read in parallel.
    ///
    /// When a post id of `part` is already among this builder's posts, appending could not match
    /// a row-by-row read (the repeated row adds nothing but its author): then nothing is added
    /// and `false` is returned, so the caller can add those rows one by one instead.
    pub fn absorb(&mut self, part: DatasetBuilder, profiled: &mut Vec<bool>) -> bool {
        let DatasetBuilder {
            ds: part,
            duplicate_posts,
            deferred,
            ..
        } = part;
        let known = self.ds.strings.len();
        // Strings in the part's first-seen order, with deferred profiles' strings interned where
        // a direct write would have interned them, when the profile applies.
        let n = part.strings.len();
        let mut map: Vec<Sym> = Vec::with_capacity(n);
        let mut apply: Vec<(AccountId, Profile)> = Vec::new();
        let mut next = deferred.iter().peekable();
        for i in 0..=n {
            while let Some(d) = next.next_if(|d| d.pos <= i) {
                let ext = map[part.accounts.external_id[d.account.idx()].idx()];
                let taken = self
                    .ds
                    .account_index
                    .get(&ext)
                    .is_some_and(|g| profiled.get(g.idx()).copied().unwrap_or(false));
                if !taken {
                    apply.push((d.account, d.intern(&mut self.ds.strings)));
                }
            }
            if i < n {
                if i % 16 == 0 {
                    let ahead = (i..n.min(i + 16)).map(|k| part.strings.resolve(Sym(k as u32)));
                    self.ds.strings.prefetch(ahead);
                }
                map.push(self.ds.strings.intern(part.strings.resolve(Sym(i as u32))));
            }
        }
        let m = |s: Sym| map[s.idx()];
        let repeats = part.posts.external_id.iter().any(|&s| {
            let g = m(s);
            !g.is_none() && g.idx() < known && self.ds.post_index.contains(g)
        });
        if repeats {
            self.ds.strings.truncate(known);
            return false;
        }
        self.duplicate_posts += duplicate_posts;
        let pa = &part.accounts;
        let mut acc = Vec::with_capacity(pa.len());
        for &ext in &pa.external_id {
            let sym = m(ext);
            let a = match self.ds.account_index.get(&sym) {
                Some(&a) => a,
                None => {
                    let a = AccountId(self.ds.accounts.len() as u32);
                    self.ds.accounts.push_empty(sym);
                    self.ds.account_index.insert(sym, a);
                    a
                }
            };
            acc.push(a);
        }
        if profiled.len() < self.ds.accounts.len() {
            profiled.resize(self.ds.accounts.len(), false);
        }
        for (local, p) in &apply {
            let a = acc[local.idx()];
            profiled[a.idx()] = true;
            self.ds.accounts.merge_profile(a, p);
        }
        for (i, &a) in acc.iter().enumerate() {
            if !pa.has_profile[i] || profiled[a.idx()] {
                continue;
            }
            profiled[a.idx()] = true;
            let p = Profile {
                screen_name: m(pa.screen_name[i]),
                display_name: m(pa.display_name[i]),
                created_at: pa.created_at[i],
                followers: pa.followers[i],
                following: pa.following[i],
                language: m(pa.language[i]),
                location: m(pa.location[i]),
                description: m(pa.description[i]),
                profile_url: m(pa.profile_url[i]),
                platform: m(pa.platform[i]),
            };
            self.ds.accounts.merge_profile(a, &p);
        }
        let pp = &part.posts;
        let ma = |a: AccountId| acc[a.idx()];
        for i in 0..pp.len() {
            let ext = m(pp.external_id[i]);
            let id = PostId(self.ds.posts.len() as u32);
            if !ext.is_none() {
                if self.ds.post_index.contains(ext) {
                    self.duplicate_posts += 1;
                    continue;
                }
                self.ds.post_index.insert(ext, id);
            }
            let p = &mut self.ds.posts;
            p.external_id.push(ext);
            p.account.push(ma(pp.account[i]));
            p.time.push(pp.time[i]);
            p.kind.push(pp.kind[i]);
            p.text.push(m(pp.text[i]));
            p.language.push(m(pp.language[i]));
            p.client.push(m(pp.client[i]));
            p.repost_of.push(m(pp.repost_of[i]));
            p.repost_of_account.push(pp.repost_of_account[i].map(ma));
            p.reply_to.push(m(pp.reply_to[i]));
            p.reply_to_account.push(pp.reply_to_account[i].map(ma));
            p.quote_of.push(m(pp.quote_of[i]));
            p.lat.push(pp.lat[i]);
            p.lon.push(pp.lon[i]);
            p.source.push(pp.source[i]);
            for (from, col) in [
                (&pp.hashtags, 0u8),
                (&pp.urls, 1),
                (&pp.mentions, 2),
                (&pp.media, 3),
                (&pp.domains, 4),
            ] {
                self.scratch.clear();
                self.scratch.extend(from.get(i).iter().map(|&s| m(s)));
                let p = &mut self.ds.posts;
                match col {
                    0 => p.hashtags.push(&self.scratch),
                    1 => p.urls.push(&self.scratch),
                    2 => p.mentions.push(&self.scratch),
                    3 => p.media.push(&self.scratch),
                    _ => p.domains.push(&self.scratch),
                }
            }
        }
        true
    }

    /// Appends a login event.
    pub fn push_login(&mut self, account: &str, time: i64, ip: &str, device: &str) {
        let Some(a) = self.account(account) else {
            return;
        };
        let ip = self.ds.strings.intern(ip);
        let device = self.ds.strings.intern(device);
        let l = self.ds.logins.get_or_insert_with(Logins::default);
        l.account.push(a);
        l.time.push(time);
        l.ip.push(ip);
        l.device.push(device);
    }

    /// Appends a page/group admin relation.
    pub fn push_page_admin(&mut self, page: &str, page_name: &str, page_kind: &str, account: &str) {
        let Some(a) = self.account(account) else {
            return;
        };
        let page = self.ds.strings.intern(page);
        let page_name = self.ds.strings.intern(page_name);
        let page_kind = self.ds.strings.intern(page_kind);
        let t = self.ds.page_admins.get_or_insert_with(PageAdmins::default);
        t.page.push(page);
        t.page_name.push(page_name);
        t.page_kind.push(page_kind);
        t.account.push(a);
    }

    /// Appends an ad submission.
    #[allow(clippy::too_many_arguments)]
    pub fn push_ad(
        &mut self,
        advertiser: &str,
        payer: &str,
        landing_url: &str,
        text: &str,
        spend: Option<f64>,
        currency: &str,
        time: i64,
        account: &str,
    ) {
        let account = self.account(account);
        let advertiser = self.ds.strings.intern(advertiser);
        let payer = self.ds.strings.intern(payer);
        let landing_url = self.ds.strings.intern(landing_url);
        let text = self.ds.strings.intern(text);
        let currency = self.ds.strings.intern(currency);
        let t = self.ds.ads.get_or_insert_with(Ads::default);
        t.advertiser.push(advertiser);
        t.payer.push(payer);
        t.landing_url.push(landing_url);
        t.text.push(text);
        t.spend.push(spend);
        t.currency.push(currency);
        t.time.push(time);
        t.account.push(account);
    }

    /// The author of a post added so far.
    pub fn post_account(&self, p: PostId) -> AccountId {
        self.ds.posts.account[p.idx()]
    }

    /// Number of posts so far.
    pub fn post_count(&self) -> usize {
        self.ds.posts.len()
    }

    /// Finishes: resolves `repost_of_account` from the repost target's author when the source
    /// gave only the reposted post id and that post is in the dataset.
    pub fn finish(mut self) -> Dataset {
        for d in std::mem::take(&mut self.deferred) {
            let p = d.intern(&mut self.ds.strings);
            self.ds.accounts.merge_profile(d.account, &p);
        }
        let p = &mut self.ds.posts;
        for i in 0..p.len() {
            if p.repost_of_account[i].is_none()
                && !p.repost_of[i].is_none()
                && let Some(orig) = self.ds.post_index.get(p.repost_of[i])
            {
                p.repost_of_account[i] = Some(p.account[orig.idx()]);
            }
            if p.reply_to_account[i].is_none()
                && !p.reply_to[i].is_none()
                && let Some(orig) = self.ds.post_index.get(p.reply_to[i])
            {
                p.reply_to_account[i] = Some(p.account[orig.idx()]);
            }
        }
        self.ds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds rows `(post id, author, text, bio)` the way a tweets reader does: the post, then the
    /// author's profile on their first row (deferred in a part).
    fn add_rows(
        b: &mut DatasetBuilder,
        rows: &[(&str, &str, &str, &str)],
        part: bool,
        seen: &mut Vec<bool>,
    ) {
        for &(id, author, text, bio) in rows {
            b.push_post(
                &PostRecord {
                    external_id: id,
                    account: author,
                    text,
                    repost_of_account: if text.is_empty() { "ghost" } else { "" },
                    ..Default::default()
                },
                0,
            );
            let a = b.account(author).expect("author").idx();
            if seen.len() <= a {
                seen.resize(a + 1, false);
            }
            if !seen[a] {
                seen[a] = true;
                let p = RawProfile {
                    description: bio,
                    platform: "twitter",
                    followers: Some(bio.len() as u64),
                    ..Default::default()
                };
                if part {
                    b.defer_profile(author, &p);
                } else {
                    let prof = Profile {
                        description: b.intern(bio),
                        platform: b.intern("twitter"),
                        followers: Some(bio.len() as u64),
                        ..Default::default()
                    };
                    b.set_profile(author, &prof);
                }
            }
        }
    }

    fn dump(ds: &Dataset) -> String {
        let strings: Vec<&str> = (0..ds.strings.len())
            .map(|i| ds.str(Sym(i as u32)))
            .collect();
        format!("{strings:?}\n{:?}\n{:?}", ds.accounts, ds.posts)
    }

    #[test]
    fn absorbed_parts_equal_one_read() {
        let rows = [
            ("1", "a", "hello", "bio a1"),
            ("2", "b", "", "bio b1"),
            ("3", "a", "bio b2", "bio a2"),
            ("4", "c", "bio a2", "bio c1"),
            ("5", "b", "x", "bio b3"),
            ("6", "d", "bio d1", "bio d1"),
        ];
        for cut in 0..=rows.len() {
            let mut whole = DatasetBuilder::new();
            add_rows(&mut whole, &rows, false, &mut Vec::new());
            let mut b = DatasetBuilder::new();
            let mut profiled = Vec::new();
            for chunk in [&rows[..cut], &rows[cut..]] {
                let mut part = DatasetBuilder::new();
                add_rows(&mut part, chunk, true, &mut Vec::new());
                assert!(b.absorb(part, &mut profiled));
            }
            assert_eq!(dump(&whole.finish()), dump(&b.finish()), "cut at {cut}");
        }
    }

    #[test]
    fn absorb_refuses_a_repeated_post_and_changes_nothing() {
        let mut b = DatasetBuilder::new();
        let mut profiled = Vec::new();
        let mut part = DatasetBuilder::new();
        add_rows(&mut part, &[("1", "a", "t", "bio")], true, &mut Vec::new());
        assert!(b.absorb(part, &mut profiled));
        let before = dump(&b.ds);
        let mut part = DatasetBuilder::new();
        add_rows(
            &mut part,
            &[("9", "z", "new text", "zz"), ("1", "a", "t", "bio")],
            true,
            &mut Vec::new(),
        );
        assert!(!b.absorb(part, &mut profiled));
        assert_eq!(dump(&b.ds), before);
        assert_eq!(b.strings().get("new text"), None);
    }

    #[test]
    fn build_and_resolve() {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("x.csv", "test", Resolution::Minute));
        let tags = ["hk", "news"];
        b.push_post(
            &PostRecord {
                external_id: "1",
                account: "alice",
                time: 100,
                text: "hello",
                hashtags: &tags,
                ..Default::default()
            },
            src,
        );
        b.push_post(
            &PostRecord {
                external_id: "2",
                account: "bob",
                time: 160,
                text: "hello",
                repost_of: "1",
                ..Default::default()
            },
            src,
        );
        assert!(
            b.push_post(
                &PostRecord {
                    external_id: "2",
                    account: "bob",
                    ..Default::default()
                },
                src
            )
            .is_none()
        );
        b.set_profile(
            "alice",
            &Profile {
                followers: Some(10),
                ..Default::default()
            },
        );
        let ds = b.finish();
        assert_eq!(ds.posts.len(), 2);
        assert_eq!(ds.accounts.len(), 2);
        assert_eq!(ds.posts.kind[1], PostKind::Repost);
        assert_eq!(
            ds.posts.repost_of_account[1],
            ds.account_by_external("alice")
        );
        assert_eq!(ds.posts.text[0], ds.posts.text[1]);
        assert_eq!(ds.posts.hashtags.get(0).len(), 2);
        assert_eq!(ds.str(ds.posts.hashtags.get(0)[1]), "news");
        assert_eq!(ds.accounts.followers[0], Some(10));
        assert_eq!(ds.resolution(), Resolution::Minute);
        assert_eq!(ds.time_range(), Some((100, 160)));
    }
}
