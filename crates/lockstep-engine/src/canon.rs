//! URL canonicalisation for the `url` layer and registrable domains for the `domain` layer.
//!
//! Rules (DESIGN §5), in order:
//! 1. trim; a URL without a scheme (`example.com/a`) is read as `http://`;
//! 2. parse with the WHATWG parser (`url` crate): scheme and host are lowercased, IDN hosts
//!    punycoded, default ports (`:80` for http, `:443` for https) dropped, dot segments resolved;
//! 3. query parameters used for tracking are removed: every `utm_*`, and `fbclid`, `gclid`,
//!    `dclid`, `gclsrc`, `msclkid`, `yclid`, `igshid`, `mc_cid`, `mc_eid`, `_ga`, `_gl`, `ref_src`,
//!    `ref_url`, `si`, `mkt_tok`, `spm`; the other parameters keep their order; an empty query
//!    is dropped;
//! 4. the fragment is dropped (it never reaches the server);
//! 5. a trailing `/` of the path is dropped (`http://a.com/` and `http://a.com` are one URL).
//!
//! The host is not otherwise rewritten (`www.` is kept: sites differ). Text that does not parse as
//! a URL is kept trimmed and lowercased, so it still matches itself.

use url::Url;

/// Query parameters removed as tracking noise (besides every `utm_*`).
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga",
    "_gl", "ref_src", "ref_url", "si", "mkt_tok", "spm",
];

fn is_tracking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_") || TRACKING.contains(&lower.as_str())
}

fn parse(raw: &str) -> Option<Url> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    match Url::parse(s) {
        Ok(u) if u.has_host() => Some(u),
        _ => Url::parse(&format!("http://{s}"))
            .ok()
            .filter(|u| u.has_host()),
    }
}

/// The canonical form of a URL (see the module docs).
pub fn canonical_url(raw: &str) -> String {
    let Some(u) = parse(raw) else {
        return raw.trim().to_lowercase();
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(u.scheme());
    out.push_str("://");
    if !u.username().is_empty() {
        out.push_str(u.username());
        if let Some(p) = u.password() {
            out.push(':');
            out.push_str(p);
        }
        out.push('@');
    }
    out.push_str(u.host_str().unwrap_or(""));
    if let Some(port) = u.port() {
        out.push(':');
        out.push_str(&port.to_string());
    }
    let path = u.path();
    out.push_str(path.strip_suffix('/').unwrap_or(path));
    if let Some(q) = u.query() {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|kv| {
                let name = kv.split('=').next().unwrap_or("");
                !kv.is_empty() && !is_tracking(name)
            })
            .collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

/// The registrable domain ("eTLD+1", from the public suffix list) of a URL, lowercased; the bare
/// host when it has no registrable domain (an IP address, `localhost`), `None` when no host.
pub fn registrable_domain(raw: &str) -> Option<String> {
    let u = parse(raw)?;
    if let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = u.host() {
        return u.host_str().map(str::to_string);
    }
    let host = u.host_str()?.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    match psl::domain_str(host) {
        Some(d) => Some(d.to_string()),
        None => Some(host.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(
            canonical_url("HTTPS://Example.COM:443/a/b/?utm_source=x&id=3&fbclid=zz#frag"),
            "https://example.com/a/b?id=3"
        );
        assert_eq!(canonical_url("http://example.com/"), "http://example.com");
        assert_eq!(canonical_url("http://example.com"), "http://example.com");
        assert_eq!(canonical_url("example.com/x"), "http://example.com/x");
        assert_eq!(
            canonical_url("http://example.com:8080/x/"),
            "http://example.com:8080/x"
        );
        assert_eq!(
            canonical_url("https://t.co/abc?gclid=1&UTM_Medium=2"),
            "https://t.co/abc"
        );
        // Case of the path is meaningful and kept.
        assert_ne!(
            canonical_url("http://a.com/X"),
            canonical_url("http://a.com/x")
        );
    }

    #[test]
    fn domains() {
        assert_eq!(
            registrable_domain("https://news.bbc.co.uk/x").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            registrable_domain("http://WWW.RT.com/news").as_deref(),
            Some("rt.com")
        );
        assert_eq!(
            registrable_domain("http://127.0.0.1/a").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(registrable_domain(""), None);
    }
}
