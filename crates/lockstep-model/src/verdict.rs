//! The verdict vocabulary every stage shares (DESIGN §8, §9): what scoring decides, what the
//! pipeline writes to `accounts.csv` / `clusters.csv`, what the report and the disclosure read back.
//! One definition, so a new verdict cannot be spelt two ways.

use serde::{Deserialize, Serialize};

/// A cluster's or account's verdict.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Coordinated, with the marks of fake, automated or centrally run accounts: an operation.
    Inauthentic,
    /// Coordinated; the evidence neither establishes nor rules out inauthenticity (e.g. a file
    /// with no profile metadata and no behaviour that betrays an operation).
    CoordinatedUndetermined,
    /// Coordinated, with positive evidence that the accounts are real people acting together
    /// (fans, activists, newsrooms); which signals count is documented in `docs/scoring.md`.
    CoordinatedOrganic,
    /// Not in a coordinated cluster: no finding.
    #[default]
    None,
}

impl Verdict {
    /// Every verdict, most severe first.
    pub const ALL: [Verdict; 4] = [
        Verdict::Inauthentic,
        Verdict::CoordinatedUndetermined,
        Verdict::CoordinatedOrganic,
        Verdict::None,
    ];

    /// The name used in files: `inauthentic`, `coordinated_undetermined`, `coordinated_organic`,
    /// `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Inauthentic => "inauthentic",
            Verdict::CoordinatedUndetermined => "coordinated_undetermined",
            Verdict::CoordinatedOrganic => "coordinated_organic",
            Verdict::None => "none",
        }
    }

    /// Parses a file name of a verdict; empty means `none`. `None` for an unknown word.
    pub fn parse(s: &str) -> Option<Verdict> {
        let s = s.trim();
        if s.is_empty() {
            return Some(Verdict::None);
        }
        Verdict::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The verdict in words for readers who do not know the codes.
    pub fn plain(self) -> &'static str {
        match self {
            Verdict::Inauthentic => "coordinated inauthentic behaviour",
            Verdict::CoordinatedUndetermined => "coordinated; authenticity not established",
            Verdict::CoordinatedOrganic => "coordinated, but apparently authentic",
            Verdict::None => "no finding",
        }
    }

    /// True for the three verdicts of accounts found in a coordinated cluster.
    pub fn is_coordinated(self) -> bool {
        self != Verdict::None
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account's role inside an inauthentic cluster.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Produces the content the network pushes (authors, "personas").
    Core,
    /// Mostly reposts and boosts the core.
    Amplifier,
    /// No role (not judged inauthentic). Written as an empty cell.
    #[default]
    None,
}

impl Role {
    /// The name used in files (empty for [`Role::None`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Core => "core",
            Role::Amplifier => "amplifier",
            Role::None => "",
        }
    }

    /// Parses a role; empty or `none` is [`Role::None`]. `None` for an unknown word.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "core" => Some(Role::Core),
            "amplifier" => Some(Role::Amplifier),
            "" | "none" => Some(Role::None),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::parse(""), Some(Verdict::None));
        assert_eq!(Verdict::parse("organic"), None);
        for r in [Role::Core, Role::Amplifier, Role::None] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("boss"), None);
    }

    #[test]
    fn serde_names_match_file_names() {
        // The serde spelling (JSON outputs) and the CSV spelling must agree.
        for v in Verdict::ALL {
            let dbg = format!("{v:?}");
            let snake: String = dbg
                .chars()
                .enumerate()
                .flat_map(|(i, c)| {
                    let lower = c.to_ascii_lowercase();
                    if c.is_ascii_uppercase() && i > 0 {
                        vec!['_', lower]
                    } else {
                        vec![lower]
                    }
                })
                .collect();
            assert_eq!(snake, v.as_str());
        }
    }
}

/// A takedown's Pages and Groups in Meta's words: `"4 Pages, 1 Group"` (docs/pages.md). One home
/// for the wording of the demo, the report and the disclosure summary.
pub fn pages_groups_phrase(pages: usize, groups: usize) -> String {
    format!(
        "{pages} {}, {groups} {}",
        if pages == 1 { "Page" } else { "Pages" },
        if groups == 1 { "Group" } else { "Groups" }
    )
}

#[cfg(test)]
mod phrase_tests {
    #[test]
    fn pages_groups_phrase_counts_in_words() {
        assert_eq!(super::pages_groups_phrase(7, 3), "7 Pages, 3 Groups");
        assert_eq!(super::pages_groups_phrase(1, 1), "1 Page, 1 Group");
        assert_eq!(super::pages_groups_phrase(0, 2), "0 Pages, 2 Groups");
    }
}
