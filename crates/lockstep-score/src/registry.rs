//! The registry of state-controlled media (`data/state_media.toml`): outlets with their country,
//! web domains and platform handles, and lookups by URL host and handle.

use hashbrown::HashMap;
use serde::Deserialize;
use std::path::Path;
use thiserror::Error;

/// The registry shipped with Lockstep (`data/state_media.toml`).
pub const BUILTIN_TOML: &str = include_str!("../../../data/state_media.toml");

/// A problem loading a registry file.
#[derive(Debug, Error)]
pub enum RegistryError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not a valid registry.
    #[error("{path}: {message}")]
    Parse {
        /// File.
        path: String,
        /// What is wrong (with line and column from the TOML parser).
        message: String,
    },
}

/// One state-controlled outlet.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Outlet {
    /// Outlet name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the controlling state.
    pub country: String,
    /// Web domains (subdomains match too).
    #[serde(default)]
    pub domains: Vec<String>,
    /// Platform handles without `@` (matched case-insensitively).
    #[serde(default)]
    pub handles: Vec<String>,
    /// Why it is listed.
    #[serde(default)]
    pub note: String,
    /// Public source of the listing.
    #[serde(default)]
    pub source: String,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    outlet: Vec<Outlet>,
}

/// The outlets and lookup tables by domain and handle.
#[derive(Clone, Debug, Default)]
pub struct StateMediaRegistry {
    /// All outlets.
    pub outlets: Vec<Outlet>,
    by_domain: HashMap<String, usize>,
    by_handle: HashMap<String, usize>,
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
            ..Default::default()
        };
        for (i, o) in r.outlets.iter().enumerate() {
            if o.country.len() != 2 {
                return Err(RegistryError::Parse {
                    path: origin.to_string(),
                    message: format!(
                        "outlet '{}': country must be a two-letter ISO code, got '{}'",
                        o.name, o.country
                    ),
                });
            }
            for d in &o.domains {
                r.by_domain.insert(d.trim().to_lowercase(), i);
            }
            for h in &o.handles {
                r.by_handle
                    .insert(h.trim().trim_start_matches('@').to_lowercase(), i);
            }
        }
        Ok(r)
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

    /// The outlet a URL links to (host or a parent domain listed), if any.
    pub fn outlet_of_url(&self, url: &str) -> Option<usize> {
        let host = url_host(url)?;
        let mut h = host.as_str();
        loop {
            if let Some(&i) = self.by_domain.get(h) {
                return Some(i);
            }
            match h.split_once('.') {
                Some((_, rest)) if rest.contains('.') => h = rest,
                _ => return None,
            }
        }
    }

    /// The outlet with this handle, if any.
    pub fn outlet_of_handle(&self, handle: &str) -> Option<usize> {
        if handle.is_empty() {
            return None;
        }
        self.by_handle
            .get(&handle.trim_start_matches('@').to_lowercase())
            .copied()
    }

    /// Number of outlets.
    pub fn len(&self) -> usize {
        self.outlets.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.outlets.is_empty()
    }
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
        _ => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_matches() {
        let r = StateMediaRegistry::from_toml(BUILTIN_TOML, "builtin")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(r.len() >= 15);
        let cgtn = r.outlet_of_url("https://news.cgtn.com/news/2019-08-12/x.html");
        assert_eq!(cgtn.map(|i| r.outlets[i].name.as_str()), Some("CGTN"));
        let rt = r.outlet_of_url("http://www.rt.com:80/news/1");
        assert_eq!(rt.map(|i| r.outlets[i].country.as_str()), Some("RU"));
        assert_eq!(r.outlet_of_url("https://art.com/x"), None);
        assert_eq!(r.outlet_of_url("https://scmp.com/x"), None);
        assert!(r.outlet_of_handle("@globaltimesnews").is_some());
        assert!(r.outlet_of_handle("someone").is_none());
    }

    #[test]
    fn bad_registry_is_an_error() {
        let e = StateMediaRegistry::from_toml("[[outlet]]\nname = 1\n", "x.toml");
        assert!(e.is_err());
        let e = StateMediaRegistry::from_toml(
            "[[outlet]]\nname = \"A\"\ncountry = \"China\"\n",
            "x.toml",
        );
        assert!(matches!(e, Err(RegistryError::Parse { .. })));
    }
}
