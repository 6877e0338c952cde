//! Landing URLs parsed the way a browser would (WHATWG URL via the `url` crate): host lowercased,
//! IDNA-mapped and percent-decoded, trailing dot and `www.` removed, the registrable domain from
//! the public suffix list (`psl`), tracking parameters dropped, and URLs embedded in the query
//! (redirectors) or behind a known link shortener recognised.

use crate::error::FieldProblem;
use url::Url;

/// A parsed landing URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landing {
    /// Lowercase ASCII (punycode) host without trailing dot and without a leading `www.`.
    pub host: String,
    /// Registrable domain (public suffix plus one label), or the host when the suffix is unknown.
    pub registrable: String,
    /// The host in Unicode (IDNA `xn--` labels decoded).
    pub unicode_host: String,
    /// True when the host is an IP address.
    pub ip: bool,
    /// URLs embedded in the query, fragment or path (a redirector's target).
    pub embedded: Vec<String>,
    /// The path and query look like a redirect endpoint (`/redirect?url=`, `/out?to=`...).
    pub redirect_endpoint: bool,
    /// The URL without tracking parameters (`utm_*`, `fbclid`, `gclid`...).
    pub clean: String,
}

/// Link shorteners: their target cannot be seen without following the link.
pub const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "j.mp",
    "t.co",
    "tinyurl.com",
    "goo.gl",
    "ow.ly",
    "buff.ly",
    "is.gd",
    "v.gd",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "t.ly",
    "tiny.cc",
    "lnkd.in",
    "dlvr.it",
    "fb.me",
    "trib.al",
    "s.id",
    "rb.gy",
    "bl.ink",
    "short.io",
    "soo.gd",
    "clck.ru",
    "vk.cc",
    "u.to",
    "t.cn",
    "url.cn",
    "dwz.cn",
    "reurl.cc",
    "ppt.cc",
    "x.co",
    "youtu.be",
    "wp.me",
    "ift.tt",
    "shorte.st",
    "adf.ly",
    "qr.ae",
    "su.pr",
    "tr.im",
    "cli.re",
    "urlz.fr",
    "gg.gg",
    "2.gy",
];

/// Query parameters that only track the click.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "ref_src",
    "spm", "share_id", "si",
];

/// Path segments of redirect endpoints.
const REDIRECT_SEGMENTS: &[&str] = &[
    "redirect",
    "redir",
    "redirect.php",
    "out",
    "go",
    "away",
    "exit",
    "click",
    "url",
    "r",
    "l",
    "link",
    "leave",
    "outbound",
    "jump",
];

/// Query keys that name a redirect target.
const REDIRECT_KEYS: &[&str] = &[
    "url",
    "u",
    "to",
    "target",
    "dest",
    "destination",
    "redirect",
    "redirect_uri",
    "redirect_url",
    "r",
    "link",
    "goto",
    "next",
    "continue",
    "out",
    "q",
    "href",
];

impl Landing {
    /// Parses a landing URL; a missing scheme means `https://`.
    pub fn parse(raw: &str) -> Result<Landing, FieldProblem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldProblem::new("landing_url", "empty URL", raw));
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FieldProblem::new(
                "landing_url",
                "malformed URL (contains spaces or control characters)",
                raw,
            ));
        }
        let with_scheme = if raw.contains("://") {
            raw.to_string()
        } else if let Some(rest) = raw.strip_prefix("//") {
            format!("https://{rest}")
        } else {
            format!("https://{raw}")
        };
        let url = Url::parse(&with_scheme)
            .map_err(|e| FieldProblem::new("landing_url", format!("malformed URL ({e})"), raw))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FieldProblem::new(
                "landing_url",
                format!("not a web URL (scheme '{}')", url.scheme()),
                raw,
            ));
        }
        let (host, ip) = match url.host() {
            Some(url::Host::Domain(d)) => (d.to_string(), false),
            Some(url::Host::Ipv4(a)) => (a.to_string(), true),
            Some(url::Host::Ipv6(a)) => (a.to_string(), true),
            None => return Err(FieldProblem::new("landing_url", "URL without a host", raw)),
        };
        let host = host.trim_end_matches('.');
        let host = host.strip_prefix("www.").unwrap_or(host).to_string();
        if !ip && (!host.contains('.') || host.split('.').any(str::is_empty)) {
            return Err(FieldProblem::new(
                "landing_url",
                format!("malformed host '{host}' (not a domain name)"),
                raw,
            ));
        }
        let registrable = if ip {
            host.clone()
        } else {
            psl::domain_str(&host).unwrap_or(&host).to_string()
        };
        let unicode_host = if ip {
            host.clone()
        } else {
            url::quirks::domain_to_unicode(&host)
        };
        let mut embedded = Vec::new();
        let mut redirect_key = false;
        for (k, v) in url.query_pairs() {
            if REDIRECT_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
                redirect_key = true;
            }
            if let Some(e) = embedded_url(&v) {
                embedded.push(e);
            }
        }
        if let Some(f) = url.fragment()
            && let Some(e) = embedded_url(&percent_decode(f))
        {
            embedded.push(e);
        }
        let path = percent_decode(url.path());
        if let Some(i) = path.find("http:/").or_else(|| path.find("https:/")) {
            embedded.push(path[i..].to_string());
        }
        let first_segment = url
            .path_segments()
            .and_then(|mut s| s.next())
            .unwrap_or("")
            .to_ascii_lowercase();
        let redirect_endpoint = REDIRECT_SEGMENTS.contains(&first_segment.as_str()) && redirect_key;
        let mut clean = url.clone();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            clean.set_query(None);
        } else {
            clean.query_pairs_mut().clear().extend_pairs(kept);
        }
        Ok(Landing {
            host,
            registrable,
            unicode_host,
            ip,
            embedded,
            redirect_endpoint,
            clean: clean.to_string(),
        })
    }

    /// True when the host (or a parent domain) is a known link shortener.
    pub fn is_shortener(&self) -> bool {
        SHORTENERS.contains(&self.host.as_str()) || SHORTENERS.contains(&self.registrable.as_str())
    }

    /// The host and its parent domains down to the registrable domain, longest first.
    pub fn host_and_parents(&self) -> impl Iterator<Item = &str> {
        let reg_len = self.registrable.len();
        let host = self.host.as_str();
        let mut next = Some(host);
        std::iter::from_fn(move || {
            let cur = next?;
            next = if cur.len() > reg_len {
                cur.split_once('.').map(|(_, rest)| rest)
            } else {
                None
            };
            Some(cur)
        })
    }
}

/// A URL inside a parameter value (`https://...`, `http%3A%2F%2F...` already decoded, `www.x.y/...`).
fn embedded_url(v: &str) -> Option<String> {
    let v = v.trim();
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        Some(v.to_string())
    } else if lower.starts_with("http%3a") || lower.starts_with("https%3a") {
        Some(percent_decode(v))
    } else {
        None
    }
}

/// Decodes `%XX` escapes (invalid escapes and invalid UTF-8 kept as they are).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Landing {
        Landing::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn hosts_are_canonical() {
        assert_eq!(p("HTTPS://WWW.CGTN.COM./news").host, "cgtn.com");
        assert_eq!(p("cgtn.com/x").host, "cgtn.com");
        assert_eq!(p("https://www.cgtn.com:443/x").host, "cgtn.com");
        assert_eq!(p("https://%63gtn.com/x").host, "cgtn.com");
        assert_eq!(p("https://arabic.rt.com/x").registrable, "rt.com");
        assert_eq!(p("https://news.bbc.co.uk/x").registrable, "bbc.co.uk");
        let l = p("https://a.b.rt.com");
        let parents: Vec<&str> = l.host_and_parents().collect();
        assert_eq!(parents, ["a.b.rt.com", "b.rt.com", "rt.com"]);
        assert!(p("https://xn--gtn-3ed.com/").unicode_host.starts_with('с'));
    }

    #[test]
    fn redirects_and_shorteners() {
        let l = p("https://example.org/redirect?url=https%3A%2F%2Fwww.rt.com%2Fnews");
        assert_eq!(l.embedded, ["https://www.rt.com/news"]);
        assert!(l.redirect_endpoint);
        assert!(p("https://bit.ly/3abc").is_shortener());
        assert!(!p("https://bitlyrics.com/3abc").is_shortener());
        let c = p("https://shop.example.com/a?utm_source=x&id=3&fbclid=y");
        assert_eq!(c.clean, "https://shop.example.com/a?id=3");
    }

    #[test]
    fn malformed_urls_are_errors() {
        for bad in [
            "",
            "http://",
            "javascript:alert(1)",
            "https://exa mple.com",
            "https://localhost/x",
            "ftp://files.example.com/x",
            "https://a..b.com",
        ] {
            assert!(Landing::parse(bad).is_err(), "{bad:?}");
        }
    }
}
