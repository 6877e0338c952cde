//! The TOML column mapping for generic CSV / JSON-lines / Parquet inputs (see `examples/mapping.toml`).

use crate::error::IngestError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// How the columns of a generic file map onto Lockstep's post and account fields.
///
/// Column names are header names (CSV), dotted paths such as `user.id` or `entities.hashtags[].tag`
/// (JSON lines) or top-level column names (Parquet). Only `account` and `time` are required.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// CSV field delimiter (one byte); default `,`.
    #[serde(default)]
    pub delimiter: Option<char>,
    /// How the time column is written: `auto` (RFC 3339, `YYYY-MM-DD HH:MM[:SS]`, `M/D/YYYY H:MM`,
    /// or Unix seconds), `unix` (seconds, may have a fraction) or `unix_ms`. Default `auto`.
    #[serde(default)]
    pub time_format: Option<String>,
    /// The resolution the times carry: `second`, `minute` or `day`. Default `second`.
    #[serde(default)]
    pub resolution: Option<String>,
    /// Separator for list columns that are not written as `[...]` lists; default `,`.
    #[serde(default)]
    pub list_separator: Option<String>,
    /// Platform name stored on every account (e.g. `telegram`); default none.
    #[serde(default)]
    pub platform: Option<String>,
    /// Which source column feeds which field.
    pub columns: Columns,
    /// Values of the `kind` column that mean repost / reply / quote / original.
    #[serde(default)]
    pub kinds: BTreeMap<String, Vec<String>>,
}

/// Source column per Lockstep field; `None` = the source has no such column.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// Post id (optional: rows are numbered when absent).
    pub post_id: Option<String>,
    /// Author account id (required).
    pub account: String,
    /// Post time (required).
    pub time: String,
    /// Post text.
    pub text: Option<String>,
    /// Post kind (values mapped by `[kinds]`).
    pub kind: Option<String>,
    /// Reposted post id.
    pub repost_of: Option<String>,
    /// Author of the reposted post.
    pub repost_of_account: Option<String>,
    /// Replied-to post id.
    pub reply_to: Option<String>,
    /// Replied-to account.
    pub reply_to_account: Option<String>,
    /// Quoted post id.
    pub quote_of: Option<String>,
    /// Post language.
    pub language: Option<String>,
    /// Client / app.
    pub client: Option<String>,
    /// Hashtags (list).
    pub hashtags: Option<String>,
    /// URLs (list).
    pub urls: Option<String>,
    /// Mentioned accounts (list).
    pub mentions: Option<String>,
    /// Media hashes (list).
    pub media: Option<String>,
    /// Domains given without a URL (list).
    pub domains: Option<String>,
    /// Latitude.
    pub lat: Option<String>,
    /// Longitude.
    pub lon: Option<String>,
    /// Account handle.
    pub screen_name: Option<String>,
    /// Account display name.
    pub display_name: Option<String>,
    /// Follower count.
    pub followers: Option<String>,
    /// Following count.
    pub following: Option<String>,
    /// Account creation time.
    pub account_created_at: Option<String>,
    /// Account language.
    pub account_language: Option<String>,
    /// Account location.
    pub location: Option<String>,
    /// Account description.
    pub description: Option<String>,
}

impl Mapping {
    /// Parses a mapping from TOML text.
    pub fn from_toml_str(s: &str) -> Result<Self, IngestError> {
        let m: Mapping =
            toml::from_str(s).map_err(|e| IngestError::Mapping(format!("mapping: {e}")))?;
        m.validate()?;
        Ok(m)
    }

    /// Reads a mapping from a TOML file.
    pub fn from_path(path: &Path) -> Result<Self, IngestError> {
        let s = std::fs::read_to_string(path).map_err(|e| IngestError::io(path, e))?;
        let m: Mapping = toml::from_str(&s)
            .map_err(|e| IngestError::Mapping(format!("{}: {e}", path.display())))?;
        m.validate()?;
        Ok(m)
    }

    fn validate(&self) -> Result<(), IngestError> {
        if let Some(d) = self.delimiter
            && !d.is_ascii()
        {
            return Err(IngestError::Mapping(format!(
                "mapping: delimiter `{d}` must be one ASCII character"
            )));
        }
        match self.time_format.as_deref() {
            None | Some("auto" | "unix" | "unix_ms") => {}
            Some(o) => {
                return Err(IngestError::Mapping(format!(
                    "mapping: time_format `{o}` must be auto, unix or unix_ms"
                )));
            }
        }
        self.resolution()?;
        for k in self.kinds.keys() {
            if !matches!(k.as_str(), "original" | "repost" | "reply" | "quote") {
                return Err(IngestError::Mapping(format!(
                    "mapping: [kinds] key `{k}` must be original, repost, reply or quote"
                )));
            }
        }
        Ok(())
    }

    /// The resolution the mapping declares.
    pub fn resolution(&self) -> Result<lockstep_model::Resolution, IngestError> {
        use lockstep_model::Resolution;
        match self.resolution.as_deref() {
            None | Some("second") => Ok(Resolution::Second),
            Some("minute") => Ok(Resolution::Minute),
            Some("day") => Ok(Resolution::Day),
            Some(o) => Err(IngestError::Mapping(format!(
                "mapping: resolution `{o}` must be second, minute or day"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_mapping_parses() {
        let text = include_str!("../../../examples/mapping.toml");
        let m = Mapping::from_toml_str(text).expect("example mapping is valid");
        assert!(!m.columns.account.is_empty());
    }

    #[test]
    fn rejects_unknown_keys() {
        assert!(Mapping::from_toml_str("[columns]\naccount='a'\ntime='t'\nbogus='x'\n").is_err());
        assert!(
            Mapping::from_toml_str("resolution='hour'\n[columns]\naccount='a'\ntime='t'\n")
                .is_err()
        );
    }
}
