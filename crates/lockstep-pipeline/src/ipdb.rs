//! Which IP database places login IPs in countries (`--ip-db`, `ip_db` in `run.toml`).
//!
//! By default (`auto`) the system's Debian `tor-geoipdb` files are used when installed
//! (`/usr/share/tor/geoip{,6}`, CC BY-SA 4.0); `none` switches IP attribution off; a path names
//! a Tor-format ranges file (`FILE` or `FILE,FILE6`) or a MaxMind-format `.mmdb`. What was used is
//! said in `summary.json`'s notes. The database is read only when the data has logins.

use crate::PipelineError;
use lockstep_score::IpDatabase;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The IP database of an investigation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpDbChoice {
    /// Debian's `tor-geoipdb` when installed, else none.
    #[default]
    Auto,
    /// No IP database: login IPs are not placed in countries.
    None,
    /// Tor-format country ranges (`from,to,CC` lines), IPv4 and optionally IPv6.
    Tor {
        /// IPv4 ranges.
        v4: PathBuf,
        /// IPv6 ranges.
        v6: Option<PathBuf>,
    },
    /// A MaxMind-format database (country and/or ASN).
    Mmdb {
        /// The `.mmdb` file.
        path: PathBuf,
    },
}

impl IpDbChoice {
    /// Parses `--ip-db`: `auto`, `none`, `FILE.mmdb`, `FILE` or `FILE,FILE6`.
    pub fn parse(s: &str) -> IpDbChoice {
        match s.trim() {
            "auto" => IpDbChoice::Auto,
            "none" => IpDbChoice::None,
            p if p.ends_with(".mmdb") => IpDbChoice::Mmdb { path: p.into() },
            p => match p.split_once(',') {
                Some((v4, v6)) => IpDbChoice::Tor {
                    v4: v4.into(),
                    v6: Some(v6.into()),
                },
                None => IpDbChoice::Tor {
                    v4: p.into(),
                    v6: None,
                },
            },
        }
    }

    /// Loads the database and says in one sentence what was used. A file the user named that
    /// cannot be read is an error; `auto` without the system files is not.
    pub fn load(&self) -> Result<(Option<IpDatabase>, String), PipelineError> {
        let bad = |e: lockstep_score::IpError| PipelineError::Stage("--ip-db", e.to_string());
        Ok(match self {
            IpDbChoice::None => (
                None,
                "IP database: none (--ip-db none): login IPs are not placed in countries".into(),
            ),
            IpDbChoice::Auto => match IpDatabase::system() {
                Some(db) => (
                    Some(db),
                    format!(
                        "IP database: Debian tor-geoipdb ({}) places login IPs in countries",
                        lockstep_score::ip::TOR_GEOIP
                    ),
                ),
                None => (
                    None,
                    "IP database: none found (install Debian's tor-geoipdb or give --ip-db FILE): login IPs are not placed in countries".into(),
                ),
            },
            IpDbChoice::Tor { v4, v6 } => {
                let db = IpDatabase::new()
                    .with_tor_geoip(v4, v6.as_deref())
                    .map_err(bad)?;
                (Some(db), format!("IP database: {}", v4.display()))
            }
            IpDbChoice::Mmdb { path } => {
                let db = IpDatabase::new().with_mmdb(path).map_err(bad)?;
                (Some(db), format!("IP database: {}", path.display()))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(IpDbChoice::parse("auto"), IpDbChoice::Auto);
        assert_eq!(IpDbChoice::parse("none"), IpDbChoice::None);
        assert_eq!(
            IpDbChoice::parse("x/GeoLite2-Country.mmdb"),
            IpDbChoice::Mmdb {
                path: "x/GeoLite2-Country.mmdb".into()
            }
        );
        assert_eq!(
            IpDbChoice::parse("g4,g6"),
            IpDbChoice::Tor {
                v4: "g4".into(),
                v6: Some("g6".into())
            }
        );
    }

    #[test]
    fn a_named_file_that_cannot_be_read_is_an_error() {
        let r = IpDbChoice::parse("/nonexistent/geoip").load();
        assert!(r.is_err());
    }

    #[test]
    fn a_tor_file_places_an_ip() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("geoip");
        // 1.2.3.0 - 1.2.3.255 as decimals.
        std::fs::write(&p, "16909056,16909311,HK\n")?;
        let (db, note) = IpDbChoice::parse(&p.display().to_string()).load()?;
        let db = db.ok_or("no database")?;
        let info = db.lookup_str("1.2.3.4").ok_or("no lookup")?;
        assert_eq!(info.country_str(), Some("HK"));
        assert!(note.contains("geoip"));
        Ok(())
    }
}
