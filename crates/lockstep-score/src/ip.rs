//! Offline IP data for the login signals and attribution: country ranges, autonomous systems
//! (networks) and a list of hosting, cloud and VPN networks.
//!
//! Sources (see `docs/scoring.md` for licences):
//! - country ranges in the Tor project's `geoip`/`geoip6` text format, as shipped by Debian's
//!   `tor-geoipdb` package at `/usr/share/tor/geoip{,6}` (lines `from,to,CC`, IPv4 as decimal
//!   integers, IPv6 as addresses);
//! - any MaxMind DB file the user supplies (GeoLite2/GeoIP2 Country or City for countries, ASN for
//!   networks), read with the `maxminddb` crate;
//! - `data/ip/hosting_asns.csv`: AS numbers of well-known hosting, cloud and VPN-exit networks,
//!   compiled into the binary.

use hashbrown::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;

/// The shipped hosting/VPN network list.
pub const HOSTING_ASNS_CSV: &str = include_str!("../../../data/ip/hosting_asns.csv");

/// Default location of Debian's `tor-geoipdb` IPv4 file.
pub const TOR_GEOIP: &str = "/usr/share/tor/geoip";
/// Default location of Debian's `tor-geoipdb` IPv6 file.
pub const TOR_GEOIP6: &str = "/usr/share/tor/geoip6";

/// A problem loading IP data.
#[derive(Debug, Error)]
pub enum IpError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// A line of a ranges file is malformed.
    #[error("{path}:{line}: {problem}")]
    Line {
        /// File.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// A MaxMind DB file could not be opened.
    #[error("{path}: not a readable MaxMind DB file: {message}")]
    Mmdb {
        /// File.
        path: String,
        /// Reader message.
        message: String,
    },
}

/// What is known about one IP address.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IpInfo {
    /// ISO country code.
    pub country: Option<[u8; 2]>,
    /// Autonomous system number.
    pub asn: Option<u32>,
    /// Network organisation (from the ASN database or the hosting list).
    pub org: Option<String>,
    /// `cloud`, `hosting` or `vpn` when the network is in the hosting list.
    pub hosting: Option<&'static str>,
}

impl IpInfo {
    /// The country code as text.
    pub fn country_str(&self) -> Option<&str> {
        self.country
            .as_ref()
            .and_then(|c| std::str::from_utf8(c).ok())
    }
}

/// Country ranges, optional MaxMind databases and the hosting list.
#[derive(Clone, Default)]
pub struct IpDatabase {
    v4: Vec<(u32, u32, [u8; 2])>,
    v6: Vec<(u128, u128, [u8; 2])>,
    country_db: Option<Arc<maxminddb::Reader<Vec<u8>>>>,
    asn_db: Option<Arc<maxminddb::Reader<Vec<u8>>>>,
    hosting: HashMap<u32, (&'static str, &'static str)>,
    /// Where the data came from, for reports.
    pub sources: Vec<String>,
}

impl std::fmt::Debug for IpDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IpDatabase")
            .field("v4_ranges", &self.v4.len())
            .field("v6_ranges", &self.v6.len())
            .field("country_db", &self.country_db.is_some())
            .field("asn_db", &self.asn_db.is_some())
            .field("hosting_asns", &self.hosting.len())
            .field("sources", &self.sources)
            .finish()
    }
}

fn cc(s: &str) -> Option<[u8; 2]> {
    let b = s.trim().as_bytes();
    (b.len() == 2 && b.iter().all(|c| c.is_ascii_alphabetic()))
        .then(|| [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()])
}

impl IpDatabase {
    /// Only the shipped hosting list (no country or ASN lookups).
    pub fn new() -> Self {
        let mut hosting = HashMap::new();
        for line in HOSTING_ASNS_CSV.lines().skip(1) {
            let mut f = line.splitn(3, ',');
            if let (Some(asn), Some(org), Some(kind)) = (f.next(), f.next(), f.next())
                && let Ok(asn) = asn.trim().parse::<u32>()
            {
                hosting.insert(asn, (org, kind.trim()));
            }
        }
        IpDatabase {
            hosting,
            sources: vec!["data/ip/hosting_asns.csv".into()],
            ..Default::default()
        }
    }

    /// Debian's `tor-geoipdb` files when installed, else `None`.
    pub fn system() -> Option<Self> {
        let v4 = Path::new(TOR_GEOIP);
        if !v4.exists() {
            return None;
        }
        let v6 = Path::new(TOR_GEOIP6);
        Self::new()
            .with_tor_geoip(v4, v6.exists().then_some(v6))
            .ok()
    }

    /// Adds country ranges from Tor-format files.
    pub fn with_tor_geoip(mut self, v4: &Path, v6: Option<&Path>) -> Result<Self, IpError> {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| IpError::Io {
                path: p.display().to_string(),
                source: e,
            })
        };
        let t4 = read(v4)?;
        let t6 = match v6 {
            Some(p) => read(p)?,
            None => String::new(),
        };
        self.add_tor_text(&t4, &t6, &v4.display().to_string())?;
        self.sources.push(v4.display().to_string());
        if let Some(p) = v6 {
            self.sources.push(p.display().to_string());
        }
        Ok(self)
    }

    /// Parses Tor-format text (`from,to,CC` per line, `#` comments).
    pub fn add_tor_text(&mut self, v4: &str, v6: &str, origin: &str) -> Result<(), IpError> {
        let bad = |line: usize, problem: String| IpError::Line {
            path: origin.to_string(),
            line,
            problem,
        };
        for (i, line) in v4.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            if f.len() != 3 {
                return Err(bad(i + 1, format!("expected from,to,CC, got '{line}'")));
            }
            let from: u32 = f[0]
                .parse()
                .map_err(|_| bad(i + 1, format!("bad IPv4 start '{}'", f[0])))?;
            let to: u32 = f[1]
                .parse()
                .map_err(|_| bad(i + 1, format!("bad IPv4 end '{}'", f[1])))?;
            if f[2].trim() == "??" {
                continue; // unknown country
            }
            let Some(c) = cc(f[2]) else {
                return Err(bad(i + 1, format!("bad country code '{}'", f[2])));
            };
            self.v4.push((from, to, c));
        }
        for (i, line) in v6.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            let parse = |s: &str| s.parse::<std::net::Ipv6Addr>().map(u128::from);
            match (
                f.len(),
                f.first().map(|s| parse(s)),
                f.get(1).map(|s| parse(s)),
            ) {
                (3, Some(Ok(_)), Some(Ok(_))) if f[2].trim() == "??" => {}
                (3, Some(Ok(a)), Some(Ok(b))) => match cc(f[2]) {
                    Some(c) => self.v6.push((a, b, c)),
                    None => return Err(bad(i + 1, format!("bad country code '{}'", f[2]))),
                },
                _ => return Err(bad(i + 1, format!("expected from,to,CC, got '{line}'"))),
            }
        }
        self.v4.sort_unstable();
        self.v6.sort_unstable();
        Ok(())
    }

    /// Adds a MaxMind DB file: an ASN database (by its metadata type) or a Country/City one.
    pub fn with_mmdb(mut self, path: &Path) -> Result<Self, IpError> {
        let r = maxminddb::Reader::open_readfile(path).map_err(|e| IpError::Mmdb {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let is_asn = r
            .metadata()
            .database_type
            .to_ascii_lowercase()
            .contains("asn");
        if is_asn {
            self.asn_db = Some(Arc::new(r));
        } else {
            self.country_db = Some(Arc::new(r));
        }
        self.sources.push(path.display().to_string());
        Ok(self)
    }

    /// True when countries can be looked up.
    pub fn has_countries(&self) -> bool {
        !self.v4.is_empty() || !self.v6.is_empty() || self.country_db.is_some()
    }

    /// True when networks (ASNs) can be looked up.
    pub fn has_asns(&self) -> bool {
        self.asn_db.is_some()
    }

    /// Looks an address up.
    pub fn lookup(&self, ip: IpAddr) -> IpInfo {
        let mut info = IpInfo::default();
        if let Some(r) = &self.country_db
            && let Ok(res) = r.lookup(ip)
            && let Ok(Some(c)) = res.decode::<maxminddb::geoip2::Country>()
        {
            info.country = c.country.iso_code.and_then(cc);
        }
        if info.country.is_none() {
            info.country = match ip {
                IpAddr::V4(a) => find(&self.v4, u32::from(a)),
                IpAddr::V6(a) => find(&self.v6, u128::from(a)),
            };
        }
        if let Some(r) = &self.asn_db
            && let Ok(res) = r.lookup(ip)
            && let Ok(Some(a)) = res.decode::<maxminddb::geoip2::Asn>()
        {
            info.asn = a.autonomous_system_number;
            info.org = a.autonomous_system_organization.map(str::to_string);
        }
        if let Some(asn) = info.asn
            && let Some(&(org, kind)) = self.hosting.get(&asn)
        {
            info.hosting = Some(kind);
            if info.org.is_none() {
                info.org = Some(org.to_string());
            }
        }
        info
    }

    /// Looks up a textual address (`None` when it does not parse).
    pub fn lookup_str(&self, ip: &str) -> Option<IpInfo> {
        ip.trim().parse::<IpAddr>().ok().map(|a| self.lookup(a))
    }

    /// The hosting-list entry of an AS number.
    pub fn hosting_asn(&self, asn: u32) -> Option<(&'static str, &'static str)> {
        self.hosting.get(&asn).copied()
    }
}

fn find<T: Ord + Copy>(ranges: &[(T, T, [u8; 2])], x: T) -> Option<[u8; 2]> {
    let i = ranges.partition_point(|r| r.0 <= x);
    if i == 0 {
        return None;
    }
    let r = ranges[i - 1];
    (x <= r.1).then_some(r.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tor_format_lookup() {
        let mut db = IpDatabase::new();
        // 1.0.1.0-1.0.3.255 CN ; 8.8.8.0-8.8.8.255 US
        db.add_tor_text(
            "# comment\n15726992,15726999,??\n16777472,16778239,CN\n134744064,134744319,US\n",
            "2001:db8::,2001:db8::ffff,HK\n",
            "test",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let c = |s: &str| {
            db.lookup_str(s)
                .and_then(|i| i.country_str().map(str::to_string))
        };
        assert_eq!(c("1.0.2.7").as_deref(), Some("CN"));
        assert_eq!(c("8.8.8.8").as_deref(), Some("US"));
        assert_eq!(c("9.9.9.9"), None);
        assert_eq!(c("2001:db8::12").as_deref(), Some("HK"));
        assert!(db.lookup_str("not an ip").is_none());
        assert!(db.has_countries() && !db.has_asns());
        assert_eq!(db.hosting_asn(16509).map(|x| x.1), Some("cloud"));
        assert_eq!(db.hosting_asn(9009).map(|x| x.1), Some("vpn"));
    }

    #[test]
    fn malformed_ranges_name_the_line() {
        let mut db = IpDatabase::new();
        let e = db.add_tor_text("1,2,CN\n3,x,US\n", "", "geoip");
        assert_eq!(
            e.map_err(|e| e.to_string()).err().as_deref(),
            Some("geoip:2: bad IPv4 end 'x'")
        );
        assert!(
            IpDatabase::new()
                .with_mmdb(Path::new("/nonexistent.mmdb"))
                .is_err()
        );
    }

    #[test]
    fn system_geoip_when_installed() {
        // Debian's tor-geoipdb (installed by .ci/run); skipped with a message when absent.
        let Some(db) = IpDatabase::system() else {
            eprintln!("tor-geoipdb not installed; skipping");
            return;
        };
        assert!(db.has_countries());
        // 114.114.114.114 is China's public DNS resolver; 8.8.8.8 Google's (US).
        let c = |s: &str| {
            db.lookup_str(s)
                .and_then(|i| i.country_str().map(str::to_string))
        };
        assert_eq!(c("114.114.114.114").as_deref(), Some("CN"));
        assert_eq!(c("8.8.8.8").as_deref(), Some("US"));
    }
}
