//! The registry of state-controlled media (`data/state_media.toml`, schema in data/README.md):
//! outlets with their country, parent organisation, names in native scripts and
//! transliterations, web domains (language editions, mirrors) and platform handles, plus the
//! publicly funded but editorially independent broadcasters listed as explicit exclusions.
//!
//! One loader for everything that uses the registry: the `state_media` signal and attribution
//! in lockstep-score (by domain and handle) and the ad screen here (also by name).

use crate::error::RegistryError;
use crate::fold::{Folded, fold};
use hashbrown::HashMap;
use serde::Deserialize;
use std::path::Path;

/// The registry shipped with Lockstep (`data/state_media.toml`).
pub const BUILTIN_TOML: &str = include_str!("../../../data/state_media.toml");

/// One registry entry: a state-controlled outlet or an excluded public broadcaster.
#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Outlet {
    /// Outlet name (its best-known English form).
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the controlling (or funding) state.
    pub country: String,
    /// Parent organisation.
    #[serde(default)]
    pub parent: String,
    /// Other names: native scripts, transliterations, former names, language editions.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Web domains (subdomains match too).
    #[serde(default)]
    pub domains: Vec<String>,
    /// Publicly reported mirror domains (matched like `domains`).
    #[serde(default)]
    pub mirrors: Vec<String>,
    /// Platform handles without `@` (matched case-insensitively).
    #[serde(default)]
    pub handles: Vec<String>,
    /// Why it is listed.
    #[serde(default)]
    pub note: String,
    /// Public source of the listing (an `https://` URL).
    #[serde(default)]
    pub source: String,
}

impl Outlet {
    /// Domains and mirrors.
    pub fn all_domains(&self) -> impl Iterator<Item = &String> {
        self.domains.iter().chain(&self.mirrors)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    outlet: Vec<Outlet>,
    #[serde(default)]
    excluded: Vec<Outlet>,
}

/// Which list an entry is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A state-controlled outlet (`[[outlet]]`).
    StateMedia,
    /// A publicly funded, editorially independent broadcaster (`[[excluded]]`).
    PublicBroadcaster,
}

/// An entry of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntityRef {
    /// The list.
    pub kind: EntityKind,
    /// Index into [`StateMediaRegistry::outlets`] or [`StateMediaRegistry::excluded`].
    pub index: usize,
}

/// How a name matched an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMatch {
    /// The entry.
    pub entity: EntityRef,
    /// The registry name or alias that matched.
    pub alias: String,
    /// The whole name is the alias (apart from company-form and edition words such as `Ltd`,
    /// `Corp`, `News Agency`, `America`); otherwise the alias is a word sequence inside it.
    pub whole: bool,
}

/// Words that do not change which organisation a name denotes (company forms, media words,
/// editions). A name that is an alias plus only these words is the alias.
pub const ORG_WORDS: &[&str] = &[
    "the",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "srl",
    "bv",
    "pty",
    "ooo",
    "ano",
    "ao",
    "fz",
    "group",
    "holding",
    "holdings",
    "media",
    "network",
    "networks",
    "channel",
    "tv",
    "television",
    "news",
    "newspaper",
    "agency",
    "official",
    "distribution",
    "distributors",
    "corp",
    "international",
    "intl",
    "online",
    "digital",
    "service",
    "services",
    "broadcasting",
    "radio",
    "press",
    "publishing",
    "america",
    "usa",
    "us",
    "uk",
    "europe",
    "africa",
    "asia",
    "latam",
    "arabic",
    "english",
    "en",
    "francais",
    "french",
    "espanol",
    "spanish",
    "deutsch",
    "german",
    "russian",
    "chinese",
    "live",
    "hd",
    "of",
    "and",
    "on",
    "by",
    "paid",
    "for",
];

/// The registry and its lookup tables.
#[derive(Clone, Debug, Default)]
pub struct StateMediaRegistry {
    /// State-controlled outlets.
    pub outlets: Vec<Outlet>,
    /// Excluded public broadcasters.
    pub excluded: Vec<Outlet>,
    by_domain: HashMap<String, EntityRef>,
    by_handle: HashMap<String, EntityRef>,
    by_compact: HashMap<String, (EntityRef, usize)>,
    /// Alias token sequences, by first token: `(tokens, entity, alias index)`.
    by_first_token: HashMap<String, Vec<(Vec<String>, EntityRef, usize)>>,
    /// Every alias's display form (name first), per entity, flattened: `alias_text[i]`.
    alias_text: Vec<String>,
}

impl StateMediaRegistry {
    /// Parses registry TOML; `origin` names the source in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, RegistryError> {
        let f: File = toml::from_str(text).map_err(|e| RegistryError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut r = StateMediaRegistry {
            outlets: f.outlet,
            excluded: f.excluded,
            ..Default::default()
        };
        for (kind, list) in [
            (EntityKind::StateMedia, &r.outlets),
            (EntityKind::PublicBroadcaster, &r.excluded),
        ] {
            for o in list {
                if o.country.len() != 2 || !o.country.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(RegistryError::Parse {
                        path: origin.to_string(),
                        message: format!(
                            "{} '{}': country must be a two-letter ISO code in capitals, got '{}'",
                            kind.table(),
                            o.name,
                            o.country
                        ),
                    });
                }
            }
        }
        r.index();
        Ok(r)
    }

    fn index(&mut self) {
        let lists = [
            (EntityKind::StateMedia, self.outlets.clone()),
            (EntityKind::PublicBroadcaster, self.excluded.clone()),
        ];
        for (kind, list) in lists {
            for (index, o) in list.iter().enumerate() {
                let e = EntityRef { kind, index };
                for d in o.all_domains() {
                    self.by_domain.entry(normal_domain(d)).or_insert(e);
                }
                for h in &o.handles {
                    self.by_handle.entry(normal_handle(h)).or_insert(e);
                }
                for a in std::iter::once(&o.name).chain(&o.aliases) {
                    let f = fold(a);
                    if f.is_empty() {
                        continue;
                    }
                    let ai = self.alias_text.len();
                    self.alias_text.push(a.clone());
                    self.by_compact.entry(f.compact()).or_insert((e, ai));
                    if let Some(first) = f.tokens.first().cloned() {
                        self.by_first_token
                            .entry(first)
                            .or_default()
                            .push((f.tokens, e, ai));
                    }
                }
            }
        }
    }

    /// Loads a registry file.
    pub fn load(path: &Path) -> Result<Self, RegistryError> {
        let text = std::fs::read_to_string(path).map_err(|e| RegistryError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// The shipped registry. It is compiled in and tested, so a parse failure cannot happen at run
    /// time; should it, the registry is empty rather than the program failing.
    pub fn builtin() -> Self {
        Self::from_toml(BUILTIN_TOML, "data/state_media.toml").unwrap_or_default()
    }

    /// The entry behind a reference.
    pub fn entity(&self, e: EntityRef) -> &Outlet {
        match e.kind {
            EntityKind::StateMedia => &self.outlets[e.index],
            EntityKind::PublicBroadcaster => &self.excluded[e.index],
        }
    }

    /// The state outlet a URL links to (host or a parent domain listed), if any: a fast
    /// host extraction for posts at scale (the ad screen parses URLs fully, [`crate::Landing`]).
    pub fn outlet_of_url(&self, url: &str) -> Option<usize> {
        let host = url_host(url)?;
        self.state_of_host(&host)
    }

    /// The state outlet a host (or one of its parent domains) belongs to.
    pub fn state_of_host(&self, host: &str) -> Option<usize> {
        match self.entity_of_host(host) {
            Some(EntityRef {
                kind: EntityKind::StateMedia,
                index,
            }) => Some(index),
            _ => None,
        }
    }

    /// The entry a host or one of its parent domains is listed under.
    pub fn entity_of_host(&self, host: &str) -> Option<EntityRef> {
        let mut h = host;
        loop {
            if let Some(&e) = self.by_domain.get(h) {
                return Some(e);
            }
            match h.split_once('.') {
                Some((_, rest)) if rest.contains('.') => h = rest,
                _ => return None,
            }
        }
    }

    /// The state outlet with this handle, if any.
    pub fn outlet_of_handle(&self, handle: &str) -> Option<usize> {
        match self.entity_of_handle(handle) {
            Some(EntityRef {
                kind: EntityKind::StateMedia,
                index,
            }) => Some(index),
            _ => None,
        }
    }

    /// The entry with this handle, if any.
    pub fn entity_of_handle(&self, handle: &str) -> Option<EntityRef> {
        if handle.is_empty() {
            return None;
        }
        self.by_handle.get(&normal_handle(handle)).copied()
    }

    /// The entry a name denotes (see [`NameMatch`]); `None` when no alias matches on word
    /// boundaries. Aliases of three letters or fewer (`RT`) only match a whole name.
    pub fn match_name(&self, name: &str) -> Option<NameMatch> {
        self.match_folded(&fold(name))
    }

    /// [`Self::match_name`] on an already folded name.
    pub fn match_folded(&self, f: &Folded) -> Option<NameMatch> {
        if f.is_empty() {
            return None;
        }
        let hit = |(e, ai): (EntityRef, usize), whole: bool| NameMatch {
            entity: e,
            alias: self.alias_text[ai].clone(),
            whole,
        };
        if let Some(&v) = self.by_compact.get(&f.compact()) {
            return Some(hit(v, true));
        }
        let core: Vec<&str> = f
            .tokens
            .iter()
            .map(String::as_str)
            .filter(|t| !ORG_WORDS.contains(t))
            .collect();
        if !core.is_empty()
            && core.len() < f.tokens.len()
            && let Some(&v) = self.by_compact.get(&core.concat())
        {
            return Some(hit(v, true));
        }
        self.contained(f, 4).map(|v| hit(v, false))
    }

    /// The first alias (of at least `min_len` characters compacted, or of two or more words that
    /// are not all [`ORG_WORDS`]) occurring as a word sequence in `f`.
    pub fn contained(&self, f: &Folded, min_len: usize) -> Option<(EntityRef, usize)> {
        for (i, t) in f.tokens.iter().enumerate() {
            let Some(cands) = self.by_first_token.get(t) else {
                continue;
            };
            for (toks, e, ai) in cands {
                let n = toks.len();
                if i + n > f.tokens.len() || f.tokens[i..i + n] != toks[..] {
                    continue;
                }
                let len: usize = toks.iter().map(|t| t.chars().count()).sum();
                let distinctive = toks.iter().any(|t| !ORG_WORDS.contains(&t.as_str()));
                if distinctive && (len >= min_len || n >= 2 && len >= 4) {
                    return Some((*e, *ai));
                }
            }
        }
        None
    }

    /// Number of state-controlled outlets.
    pub fn len(&self) -> usize {
        self.outlets.len()
    }

    /// True when there is no state-controlled outlet.
    pub fn is_empty(&self) -> bool {
        self.outlets.is_empty()
    }
}

impl EntityKind {
    /// The TOML table of this kind.
    pub fn table(self) -> &'static str {
        match self {
            EntityKind::StateMedia => "outlet",
            EntityKind::PublicBroadcaster => "excluded",
        }
    }
}

fn normal_domain(d: &str) -> String {
    let d = d.trim().trim_end_matches('.').to_lowercase();
    d.strip_prefix("www.").unwrap_or(&d).to_string()
}

fn normal_handle(h: &str) -> String {
    h.trim().trim_start_matches('@').to_lowercase()
}

/// The lowercase host of a URL without `www.` and port (`None` when there is none).
pub fn url_host(url: &str) -> Option<String> {
    let u = url.trim();
    let rest = match u.find("://") {
        Some(i) => &u[i + 3..],
        None => u,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut host = &rest[..end];
    if let Some(at) = host.rfind('@') {
        host = &host[at + 1..];
    }
    if let Some(colon) = host.rfind(':') {
        host = &host[..colon];
    }
    let host = host.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.')).then_some(host)
}

/// English name of an ISO country code used in attribution texts (the code itself when unknown).
pub fn country_name(code: &str) -> &str {
    match code {
        "CN" => "China",
        "HK" => "Hong Kong",
        "TW" => "Taiwan",
        "RU" => "Russia",
        "IR" => "Iran",
        "VE" => "Venezuela",
        "CU" => "Cuba",
        "KP" => "North Korea",
        "TR" => "Turkey",
        "SA" => "Saudi Arabia",
        "BY" => "Belarus",
        "AE" => "United Arab Emirates",
        "EG" => "Egypt",
        "SY" => "Syria",
        "AZ" => "Azerbaijan",
        "NI" => "Nicaragua",
        "US" => "United States",
        "GB" => "United Kingdom",
        "SG" => "Singapore",
        "MY" => "Malaysia",
        "PH" => "Philippines",
        "ID" => "Indonesia",
        "TH" => "Thailand",
        "VN" => "Vietnam",
        "JP" => "Japan",
        "KR" => "South Korea",
        "IN" => "India",
        "PK" => "Pakistan",
        "UA" => "Ukraine",
        "DE" => "Germany",
        "FR" => "France",
        "NL" => "Netherlands",
        "BR" => "Brazil",
        "MX" => "Mexico",
        "CA" => "Canada",
        "AU" => "Australia",
        "NZ" => "New Zealand",
        "IE" => "Ireland",
        "SE" => "Sweden",
        "NO" => "Norway",
        "FI" => "Finland",
        "DK" => "Denmark",
        _ => code,
    }
}

/// One problem found by [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckProblem {
    /// `outlet 'RT'` or `excluded 'BBC'`.
    pub entry: String,
    /// What is wrong.
    pub message: String,
}

/// Validates a registry beyond parsing: names, sources, domains, handles and aliases (duplicates
/// within and across entries, malformed domains, missing or non-URL sources).
pub fn check(r: &StateMediaRegistry) -> Vec<CheckProblem> {
    let mut out = Vec::new();
    let mut domains: HashMap<String, String> = HashMap::new();
    let mut handles: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for (kind, list) in [
        (EntityKind::StateMedia, &r.outlets),
        (EntityKind::PublicBroadcaster, &r.excluded),
    ] {
        for o in list {
            let entry = format!("{} '{}'", kind.table(), o.name);
            let mut bad = |m: String| {
                out.push(CheckProblem {
                    entry: entry.clone(),
                    message: m,
                })
            };
            if o.name.trim().is_empty() {
                bad("empty name".into());
            }
            let src = o.source.trim();
            if src.is_empty() {
                bad("missing source".into());
            } else if !(src.starts_with("https://") || src.starts_with("http://"))
                || url::Url::parse(src).is_err()
            {
                bad(format!("source is not a URL: '{src}'"));
            }
            if kind == EntityKind::StateMedia && o.parent.trim().is_empty() {
                bad("missing parent organisation".into());
            }
            if o.domains.is_empty() {
                bad("no domain".into());
            }
            for d in o.all_domains() {
                if let Some(m) = domain_problem(d) {
                    bad(format!("malformed domain '{d}': {m}"));
                }
                if let Some(prev) = domains.insert(normal_domain(d), entry.clone()) {
                    bad(format!("duplicate domain '{d}' (also in {prev})"));
                }
            }
            for h in &o.handles {
                let n = normal_handle(h);
                if n.is_empty() || !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    bad(format!("malformed handle '{h}'"));
                }
                if let Some(prev) = handles.insert(n, entry.clone()) {
                    bad(format!("duplicate handle '{h}' (also in {prev})"));
                }
            }
            let mut own: Vec<String> = Vec::new();
            for a in std::iter::once(&o.name).chain(&o.aliases) {
                let k = fold(a).compact();
                if k.is_empty() {
                    bad(format!("alias '{a}' is empty after normalisation"));
                    continue;
                }
                if own.contains(&k) {
                    continue; // another script form of one of its own names
                }
                own.push(k.clone());
                if let Some(prev) = names.insert(k, entry.clone()) {
                    bad(format!("alias '{a}' also names {prev}"));
                }
            }
        }
    }
    out
}

/// Why a registry domain is malformed, if it is.
fn domain_problem(d: &str) -> Option<String> {
    if d != d.trim() || d.is_empty() {
        return Some("empty or padded".into());
    }
    if d.contains("://") || d.contains('/') {
        return Some("a URL, not a domain".into());
    }
    if d.starts_with("www.") {
        return Some("leading 'www.' (it is implied)".into());
    }
    if d != d.to_ascii_lowercase() {
        return Some("not lowercase ASCII (write IDNs in punycode)".into());
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return Some("no dot".into());
    }
    for l in &labels {
        if l.is_empty()
            || l.len() > 63
            || l.starts_with('-')
            || l.ends_with('-')
            || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Some(format!("bad label '{l}'"));
        }
    }
    match psl::suffix(d.as_bytes()) {
        Some(s) if s.is_known() => {}
        _ => return Some("unknown public suffix".into()),
    }
    if psl::suffix_str(d) == Some(d) {
        return Some("a public suffix itself".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> StateMediaRegistry {
        StateMediaRegistry::from_toml(BUILTIN_TOML, "builtin").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn builtin_parses_matches_and_checks_clean() {
        let r = builtin();
        assert!(r.len() >= 40, "{} outlets", r.len());
        let countries: std::collections::BTreeSet<&str> =
            r.outlets.iter().map(|o| o.country.as_str()).collect();
        assert!(countries.len() >= 12, "{countries:?}");
        assert!(r.excluded.len() >= 8);
        let problems = check(&r);
        assert!(problems.is_empty(), "{problems:#?}");
        let cgtn = r.outlet_of_url("https://news.cgtn.com/news/2019-08-12/x.html");
        assert_eq!(cgtn.map(|i| r.outlets[i].name.as_str()), Some("CGTN"));
        let rt = r.outlet_of_url("http://www.rt.com:80/news/1");
        assert_eq!(rt.map(|i| r.outlets[i].country.as_str()), Some("RU"));
        assert_eq!(r.outlet_of_url("https://art.com/x"), None);
        assert_eq!(r.outlet_of_url("https://scmp.com/x"), None);
        assert_eq!(r.outlet_of_url("https://www.bbc.co.uk/news"), None);
        assert!(r.outlet_of_handle("@globaltimesnews").is_some());
        assert!(r.outlet_of_handle("someone").is_none());
    }

    #[test]
    fn names_match_on_word_boundaries() {
        let r = builtin();
        let name = |s: &str| {
            r.match_name(s)
                .map(|m| (r.entity(m.entity).name.clone(), m.whole))
        };
        assert_eq!(name("RT"), Some(("RT".into(), true)));
        assert_eq!(name("RT America LLC"), Some(("RT".into(), true)));
        assert_eq!(name("Beat RT prices"), None);
        assert_eq!(name("Art Gallery"), None);
        assert_eq!(name("Раша Тудэй"), Some(("RT".into(), true)));
        assert_eq!(name("Россия сегодня"), Some(("RIA Novosti".into(), true)));
        assert_eq!(
            name("China Daily Distribution Corp"),
            Some(("China Daily".into(), true))
        );
        assert_eq!(name("Xinhua Travel Deals").map(|n| n.1), Some(false));
        assert_eq!(name("人民日報"), Some(("People's Daily".into(), true)));
        let bbc = r.match_name("BBC").map(|m| m.entity.kind);
        assert_eq!(bbc, Some(EntityKind::PublicBroadcaster));
    }

    #[test]
    fn check_finds_problems() {
        let t = r#"
[[outlet]]
name = "A"
country = "RU"
parent = "P"
domains = ["a.com", "http://b.com", "www.c.com", "nodot", "a.com"]
handles = ["a b"]
source = ""

[[outlet]]
name = "a"
country = "RU"
domains = ["d.notatld"]
source = "wikipedia"
"#;
        let r = StateMediaRegistry::from_toml(t, "t.toml").unwrap_or_else(|e| panic!("{e}"));
        let msgs: Vec<String> = check(&r).into_iter().map(|p| p.message).collect();
        let has = |s: &str| msgs.iter().any(|m| m.contains(s));
        assert!(has("missing source"), "{msgs:?}");
        assert!(has("a URL, not a domain"));
        assert!(has("leading 'www.'"));
        assert!(has("no dot"));
        assert!(has("duplicate domain 'a.com'"));
        assert!(has("malformed handle"));
        assert!(has("also names outlet 'A'"));
        assert!(has("unknown public suffix"));
        assert!(has("source is not a URL"));
        assert!(has("missing parent"));
    }

    #[test]
    fn bad_registry_is_an_error() {
        assert!(StateMediaRegistry::from_toml("[[outlet]]\nname = 1\n", "x.toml").is_err());
        let e = StateMediaRegistry::from_toml(
            "[[outlet]]\nname = \"A\"\ncountry = \"China\"\n",
            "x.toml",
        );
        assert!(matches!(e, Err(RegistryError::Parse { .. })));
        let e = StateMediaRegistry::from_toml(
            "[[outlet]]\nname = \"A\"\ncountry = \"CN\"\ndomain = [\"a.cn\"]\n",
            "x.toml",
        );
        assert!(
            matches!(e, Err(RegistryError::Parse { .. })),
            "unknown field is an error"
        );
    }
}
