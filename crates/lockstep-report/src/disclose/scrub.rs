//! Which strings identify a protected (below-threshold) account, how to find them inside free text,
//! and how to replace them by the account's pseudonym.
//!
//! An account is **public** when its follower count is known and at least the threshold; every
//! other account (fewer followers, or unknown) is **protected**: its id, handle and display name
//! never appear in a disclosure. Structured columns are mapped directly; free text (tweet text,
//! profile descriptions, locations, URLs) is scanned for
//! - `@handle` mentions (any length), also percent-encoded (`%40handle` inside a URL), `@` + a
//!   protected account id, and `twitter.com/handle` / `x.com/handle` links,
//! - whole-token occurrences of protected ids (≥ 5 characters), handles (≥ 5) and display names
//!   (≥ 4), ASCII case-insensitive, found with one Aho–Corasick automaton.
//!
//! The same [`Sensitive`] pattern set drives `disclose --check`, so the check flags exactly what
//! the writer must have removed. Strings shared with a public account (two accounts called
//! "Maria") are not patterns: they cannot identify the protected one.

use super::key::PseudonymKey;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use hashbrown::{HashMap, HashSet};
use lockstep_model::{AccountId, Dataset};
use std::borrow::Cow;
use std::cell::OnceCell;

/// Shortest protected id looked for inside free text.
pub const MIN_FREE_ID: usize = 5;
/// Shortest protected handle looked for as a bare word inside free text (`@handle` is always).
pub const MIN_FREE_HANDLE: usize = 5;
/// Shortest protected display name looked for inside free text.
pub const MIN_FREE_NAME: usize = 4;

/// Path segments after `twitter.com/` that are not handles.
const RESERVED_SEGMENTS: [&str; 16] = [
    "i",
    "home",
    "search",
    "hashtag",
    "intent",
    "share",
    "status",
    "statuses",
    "explore",
    "settings",
    "messages",
    "notifications",
    "login",
    "signup",
    "tos",
    "privacy",
];

/// What kind of identifier a pattern is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentKind {
    /// The account's external id.
    Id,
    /// Its handle / screen name.
    Handle,
    /// Its display name.
    DisplayName,
}

/// A protected identifier found in some text: byte span, owner and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset past the end.
    pub end: usize,
    /// The protected account it identifies (`None` for an unknown `@handle`).
    pub account: Option<AccountId>,
    /// What it is.
    pub kind: IdentKind,
}

/// The protected accounts of a dataset and the patterns that identify them.
pub struct Sensitive<'a> {
    ds: &'a Dataset,
    public: Vec<bool>,
    handles: HashMap<String, AccountId>,
    /// Handles (lowercase, no `@`) held by a public account, possibly also by a protected one.
    public_handles: HashSet<String>,
    ac: AhoCorasick,
    pattern_owner: Vec<(AccountId, IdentKind)>,
    exact: HashMap<String, (AccountId, IdentKind)>,
}

/// True for a string shaped like a pseudonym (64 lowercase hex digits): already hashed.
pub fn is_pseudonym(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True when `text[s..e]` is not part of a longer word (a pattern edge that is not a word
/// character, e.g. a space or `!`, needs no boundary).
fn whole_word(text: &str, s: usize, e: usize) -> bool {
    let pat = &text[s..e];
    let before_ok =
        !pat.starts_with(is_word) || !text[..s].chars().next_back().is_some_and(is_word);
    let after_ok = !pat.ends_with(is_word) || !text[e..].chars().next().is_some_and(is_word);
    before_ok && after_ok
}

impl<'a> Sensitive<'a> {
    /// Classifies every account of `ds` against `hash_below` followers and builds the patterns.
    pub fn new(ds: &'a Dataset, hash_below: u64) -> Self {
        let acc = &ds.accounts;
        let n = acc.len();
        let public: Vec<bool> = acc
            .followers
            .iter()
            .map(|f| f.is_some_and(|f| f >= hash_below))
            .collect();
        let mut public_strings: HashSet<String> = HashSet::new();
        for a in (0..n).filter(|&a| public[a]) {
            for s in [acc.external_id[a], acc.screen_name[a], acc.display_name[a]] {
                if !s.is_none() {
                    public_strings.insert(ds.str(s).to_ascii_lowercase());
                }
            }
        }
        // Handle lookup (any length): protected owners win a tie, so a shared handle is hashed.
        let mut handles: HashMap<String, AccountId> = HashMap::new();
        let mut public_handles: HashSet<String> = HashSet::new();
        for a in 0..n {
            let h = acc.screen_name[a];
            if h.is_none() {
                continue;
            }
            let key = ds.str(h).trim_start_matches('@').to_ascii_lowercase();
            if public[a] {
                public_handles.insert(key.clone());
            }
            match handles.get(&key) {
                Some(prev) if !public[prev.idx()] => {}
                _ => {
                    handles.insert(key, AccountId(a as u32));
                }
            }
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_owner = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut exact: HashMap<String, (AccountId, IdentKind)> = HashMap::new();
        for a in (0..n).filter(|&a| !public[a]) {
            let items = [
                (acc.external_id[a], IdentKind::Id, MIN_FREE_ID),
                (acc.screen_name[a], IdentKind::Handle, MIN_FREE_HANDLE),
                (acc.display_name[a], IdentKind::DisplayName, MIN_FREE_NAME),
            ];
            for (sym, kind, min) in items {
                if sym.is_none() {
                    continue;
                }
                let s = ds.str(sym).trim();
                let s = if kind == IdentKind::Handle {
                    s.trim_start_matches('@')
                } else {
                    s
                };
                let low = s.to_ascii_lowercase();
                if !low.is_empty() && !public_strings.contains(&low) {
                    exact
                        .entry(low.clone())
                        .or_insert((AccountId(a as u32), kind));
                }
                if s.chars().count() < min || public_strings.contains(&low) || !seen.insert(low) {
                    continue;
                }
                patterns.push(s.to_string());
                pattern_owner.push((AccountId(a as u32), kind));
            }
        }
        let build = |patterns: &[String]| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(patterns)
                .unwrap_or_else(|_| {
                    AhoCorasick::new(Vec::<String>::new()).unwrap_or_else(|_| unreachable!())
                })
        };
        // A protected string that is a whole word of a public account's identifier ("Chloe"
        // inside the public "Chloe Chan") does not identify the protected account where it
        // occurs, and the public identifier must stay readable: not a free-text pattern.
        let ac = build(&patterns);
        let mut shared = vec![false; patterns.len()];
        for text in &public_strings {
            for m in ac.find_overlapping_iter(text.as_str()) {
                if whole_word(text, m.start(), m.end()) {
                    shared[m.pattern().as_usize()] = true;
                }
            }
        }
        let ac = if shared.iter().any(|&x| x) {
            let mut keep = shared.iter().map(|&x| !x);
            let mut keep2 = shared.iter().map(|&x| !x);
            patterns.retain(|_| keep.next().unwrap_or(true));
            pattern_owner.retain(|_| keep2.next().unwrap_or(true));
            build(&patterns)
        } else {
            ac
        };
        Sensitive {
            ds,
            public,
            handles,
            public_handles,
            ac,
            pattern_owner,
            exact,
        }
    }

    /// The protected account a whole field value identifies (any length, ASCII
    /// case-insensitive, leading `@` ignored), for the structured account columns.
    pub fn exact_owner(&self, value: &str) -> Option<(AccountId, IdentKind)> {
        let v = value.trim();
        let low = v.to_ascii_lowercase();
        self.exact
            .get(&low)
            .or_else(|| self.exact.get(low.trim_start_matches('@')))
            .copied()
    }

    /// The dataset.
    pub fn dataset(&self) -> &'a Dataset {
        self.ds
    }

    /// True when the account keeps its real identifiers.
    pub fn is_public(&self, a: AccountId) -> bool {
        self.public.get(a.idx()).copied().unwrap_or(false)
    }

    /// True when a public account holds this handle (ASCII case-insensitive, leading `@` or a
    /// `twitter.com/` prefix ignored), even if a protected account holds it too: in a disclosure
    /// the public account keeps its handle readable, so an occurrence is ambiguous, not a leak.
    pub fn is_public_handle(&self, handle: &str) -> bool {
        let h = handle.rsplit(['@', '/']).next().unwrap_or(handle);
        self.public_handles.contains(&h.to_ascii_lowercase())
    }

    /// The account with this handle (ASCII case-insensitive, leading `@` ignored).
    pub fn account_by_handle(&self, handle: &str) -> Option<AccountId> {
        self.handles
            .get(&handle.trim_start_matches('@').to_ascii_lowercase())
            .copied()
    }

    /// Number of free-text patterns (for reporting).
    pub fn pattern_count(&self) -> usize {
        self.pattern_owner.len()
    }

    /// Every protected identifier in `text`, non-overlapping, in order. `@handle` mentions and
    /// twitter.com links of unknown handles are reported with `account: None`.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut found = Vec::new();
        self.find_handles(text, &mut found);
        for m in self.ac.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if whole_word(text, s, e) {
                let (account, kind) = self.pattern_owner[m.pattern().as_usize()];
                found.push(Found {
                    start: s,
                    end: e,
                    account: Some(account),
                    kind,
                });
            }
        }
        // Earliest first, longest first at the same start; then drop overlaps.
        found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out: Vec<Found> = Vec::with_capacity(found.len());
        for f in found {
            if out.last().is_none_or(|l| f.start >= l.end) {
                out.push(f);
            }
        }
        out
    }

    /// `@handle` and `twitter.com/handle` occurrences naming protected or unknown accounts.
    fn find_handles(&self, text: &str, found: &mut Vec<Found>) {
        let b = text.as_bytes();
        let handle_end = |from: usize| {
            let mut j = from;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            j
        };
        let mut push = |start: usize, end: usize| {
            let h = &text[start..end];
            if is_pseudonym(h) {
                return;
            }
            // `@handle`, or `@` + an account id (`@1000001`): either names the account.
            let (account, kind) = match self.account_by_handle(h) {
                Some(a) => (Some(a), IdentKind::Handle),
                None => match self.ds.account_by_external(h) {
                    Some(a) => (Some(a), IdentKind::Id),
                    None => (None, IdentKind::Handle),
                },
            };
            match account {
                Some(a) if self.is_public(a) => {}
                account => found.push(Found {
                    start,
                    end,
                    account,
                    kind,
                }),
            }
        };
        for (i, _) in text.match_indices('@') {
            let prev_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
            let end = handle_end(i + 1);
            if !prev_word && end > i + 1 {
                push(i + 1, end);
            }
        }
        let lower = text.to_ascii_lowercase();
        // `%40handle`: an `@` percent-encoded inside a URL (`?u=%40handle`, `mailto:`...).
        for (i, _) in lower.match_indices("%40") {
            let end = handle_end(i + 3);
            if end > i + 3 {
                push(i + 3, end);
            }
        }
        for host in ["twitter.com/", "x.com/"] {
            for (i, _) in lower.match_indices(host) {
                if i > 0 && b[i - 1].is_ascii_alphanumeric() {
                    continue;
                }
                let s = i + host.len();
                let end = handle_end(s);
                if end > s && !RESERVED_SEGMENTS.contains(&&lower[s..end]) {
                    push(s, end);
                }
            }
        }
    }
}

/// Maps accounts to the identifiers a disclosure shows: real ones for public accounts, the keyed
/// pseudonym of the external id for protected ones (the same string in every column).
pub struct Pseudonymizer<'a> {
    /// The protected set and patterns.
    pub sensitive: Sensitive<'a>,
    key: &'a PseudonymKey,
    cache: Vec<OnceCell<String>>,
}

impl<'a> Pseudonymizer<'a> {
    /// A pseudonymizer over `sensitive` with `key`.
    pub fn new(sensitive: Sensitive<'a>, key: &'a PseudonymKey) -> Self {
        let n = sensitive.ds.accounts.len();
        Pseudonymizer {
            sensitive,
            key,
            cache: (0..n).map(|_| OnceCell::new()).collect(),
        }
    }

    fn pseud(&self, a: AccountId) -> &str {
        self.cache[a.idx()].get_or_init(|| {
            let ds = self.sensitive.ds;
            self.key.pseudonym(ds.str(ds.accounts.external_id[a.idx()]))
        })
    }

    /// The id shown for `a`.
    pub fn id(&self, a: AccountId) -> &str {
        if self.sensitive.is_public(a) {
            let ds = self.sensitive.ds;
            ds.str(ds.accounts.external_id[a.idx()])
        } else {
            self.pseud(a)
        }
    }

    /// The handle shown for `a` (its pseudonym when protected).
    pub fn screen_name(&self, a: AccountId) -> &str {
        if self.sensitive.is_public(a) {
            let ds = self.sensitive.ds;
            ds.str(ds.accounts.screen_name[a.idx()])
        } else {
            self.pseud(a)
        }
    }

    /// The display name shown for `a` (its pseudonym when protected).
    pub fn display_name(&self, a: AccountId) -> &str {
        if self.sensitive.is_public(a) {
            let ds = self.sensitive.ds;
            ds.str(ds.accounts.display_name[a.idx()])
        } else {
            self.pseud(a)
        }
    }

    /// The id shown for a reference given as an id or a handle (`user_mentions` values). Unknown
    /// references are hashed: their follower count is unknown, so they are protected.
    pub fn reference(&self, value: &str) -> Cow<'_, str> {
        let ds = self.sensitive.ds;
        match ds
            .account_by_external(value)
            .or_else(|| self.sensitive.account_by_handle(value))
        {
            Some(a) => Cow::Borrowed(self.id(a)),
            None => Cow::Owned(self.unknown(value)),
        }
    }

    fn unknown(&self, value: &str) -> String {
        self.key.pseudonym(&format!(
            "@{}",
            value.trim_start_matches('@').to_ascii_lowercase()
        ))
    }

    /// `text` with every protected identifier replaced by its owner's pseudonym (unknown
    /// `@handles` by the keyed hash of the handle).
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let found = self.sensitive.find(text);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + found.len() * 64);
        let mut at = 0;
        for f in found {
            out.push_str(&text[at..f.start]);
            match f.account {
                Some(a) => out.push_str(self.pseud(a)),
                None => out.push_str(&self.unknown(&text[f.start..f.end])),
            }
            at = f.end;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{DatasetBuilder, Profile};

    fn world() -> Dataset {
        let mut b = DatasetBuilder::new();
        for (id, h, name, f) in [
            ("1000001", "small_fry", "Maria Lopez", 12u64),
            ("1000002", "BigNews", "Big News Network", 90_000),
            ("1000003", "tiny_acct", "Big News Network", 3),
        ] {
            let p = Profile {
                screen_name: b.intern(h),
                display_name: b.intern(name),
                followers: Some(f),
                ..Default::default()
            };
            b.set_profile(id, &p);
        }
        b.account("1000004"); // referenced only: unknown followers
        b.finish()
    }

    #[test]
    fn public_and_protected() {
        let ds = world();
        let s = Sensitive::new(&ds, 5000);
        assert!(!s.is_public(AccountId(0)));
        assert!(s.is_public(AccountId(1)));
        assert!(
            !s.is_public(AccountId(3)),
            "unknown followers are protected"
        );
        // "Big News Network" is shared with a public account: not a pattern.
        let f = s.find("Big News Network quoted Maria Lopez and @Small_Fry, id 1000001.");
        let kinds: Vec<_> = f.iter().map(|f| (f.account, f.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (Some(AccountId(0)), IdentKind::DisplayName),
                (Some(AccountId(0)), IdentKind::Handle),
                (Some(AccountId(0)), IdentKind::Id)
            ]
        );
        // Not whole tokens: no match.
        assert!(s.find("x1000001 small_fryer MariaLopezz").is_empty());
        // Public handle stays, unknown handle is reported.
        let f = s.find("RT @BigNews: hi @nobody_known see https://twitter.com/small_fry/status/1");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].account, None);
        assert_eq!(f[1].account, Some(AccountId(0)));
    }

    #[test]
    fn a_word_of_a_public_identifier_is_not_a_pattern() {
        let mut b = DatasetBuilder::new();
        for (id, h, name, f) in [
            ("2000001", "harbourdaily", "Chloe Chan", 13_578u64),
            ("2000002", "kowloonstorm", "Chloe", 184),
            ("2000003", "quiet_one", "Chloe Wong", 12),
        ] {
            let p = Profile {
                screen_name: b.intern(h),
                display_name: b.intern(name),
                followers: Some(f),
                ..Default::default()
            };
            b.set_profile(id, &p);
        }
        let ds = b.finish();
        let s = Sensitive::new(&ds, 5000);
        // "Chloe" is a word of the public "Chloe Chan": the public name stays readable and
        // is not reported; the protected "Chloe Wong" and handles still are.
        assert!(s.find("Chloe Chan reports").is_empty());
        let f = s.find("Chloe Wong met @kowloonstorm");
        let got: Vec<_> = f.iter().map(|f| (f.account, f.kind)).collect();
        assert_eq!(
            got,
            vec![
                (Some(AccountId(2)), IdentKind::DisplayName),
                (Some(AccountId(1)), IdentKind::Handle)
            ]
        );
        // A structured column holding exactly the protected name is still caught.
        assert_eq!(
            s.exact_owner("Chloe"),
            Some((AccountId(1), IdentKind::DisplayName))
        );
    }

    #[test]
    fn percent_encoded_handles_and_at_ids_are_pseudonymised() {
        let ds = world();
        let key = PseudonymKey::from_bytes(b"scrub-test-key-0123456789abcdefXY").unwrap();
        let p = Pseudonymizer::new(Sensitive::new(&ds, 5000), &key);
        let h = p.id(AccountId(0)).to_string();
        let t = p.scrub("https://example.org/share?to=%40small_fry&via=%40BigNews");
        assert_eq!(
            t,
            format!("https://example.org/share?to=%40{h}&via=%40BigNews")
        );
        assert_eq!(p.scrub("cc %40SMALL_FRY"), format!("cc %40{h}"));
        // `@` + a protected id (any length) is that account; `@` + a public id stays.
        assert_eq!(p.scrub("thanks @1000001!"), format!("thanks @{h}!"));
        assert_eq!(p.scrub("thanks @1000002!"), "thanks @1000002!");
        let f = p.sensitive.find("ping @1000001");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].account, Some(AccountId(0)));
        assert_eq!(f[0].kind, IdentKind::Id);
    }

    #[test]
    fn scrub_replaces_consistently() {
        let ds = world();
        let key = PseudonymKey::from_bytes(b"scrub-test-key-0123456789abcdefXY").unwrap();
        let p = Pseudonymizer::new(Sensitive::new(&ds, 5000), &key);
        let h = p.id(AccountId(0)).to_string();
        assert_eq!(h.len(), 64);
        assert_eq!(p.screen_name(AccountId(0)), h);
        assert_eq!(p.display_name(AccountId(0)), h);
        assert_eq!(p.reference("1000001"), h.as_str());
        assert_eq!(p.reference("small_fry"), h.as_str());
        assert_eq!(p.id(AccountId(1)), "1000002");
        let t = p.scrub("RT @small_fry: Maria Lopez says hi to @BigNews");
        assert_eq!(t, format!("RT @{h}: {h} says hi to @BigNews"));
        assert!(matches!(p.scrub("nothing here"), Cow::Borrowed(_)));
        assert!(p.sensitive.find(&t).is_empty(), "scrubbed text is clean");
    }
}
