//! How sure an attribution is, and the words that go with each level. Every place that states an
//! origin (report, `summary.json`, `operations.csv`, the disclosure's `summary.md`) says it through
//! [`origin_sentence`], so a low-confidence origin is never stated as fact.

use serde::{Deserialize, Serialize};

/// Confidence in an inferred origin (docs/scoring.md, "Attribution": the number of independent
/// kinds of evidence that agree).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// No evidence points anywhere.
    #[default]
    None,
    /// One kind of evidence.
    Low,
    /// Two kinds agree.
    Medium,
    /// Three or more kinds agree.
    High,
}

impl Confidence {
    /// `none` / `low` / `medium` / `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::None => "none",
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// Parses the file word; empty is [`Confidence::None`]. `None` for an unknown word.
    pub fn parse(s: &str) -> Option<Confidence> {
        match s.trim() {
            "" | "none" => Some(Confidence::None),
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }
}

/// One sentence stating an origin with the hedge its confidence allows: "high" is stated, "medium"
/// is "probably", "low" is "possibly … not established", and no origin or no confidence says so.
/// `origin` is a country name as it should be read.
pub fn origin_sentence(origin: Option<&str>, confidence: Confidence) -> String {
    match (origin.filter(|o| !o.trim().is_empty()), confidence) {
        (None, _) | (Some(_), Confidence::None) => "Origin not established.".to_string(),
        (Some(o), Confidence::High) => {
            format!("Attributed to an operator in {o} (high confidence).")
        }
        (Some(o), Confidence::Medium) => {
            format!("Probably operated from {o} (medium confidence).")
        }
        (Some(o), Confidence::Low) => format!(
            "Possibly operated from {o} (low confidence: one kind of evidence; not established)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_confidence_is_never_stated_as_fact() {
        let low = origin_sentence(Some("United Kingdom"), Confidence::Low);
        assert!(
            low.starts_with("Possibly") && low.contains("not established"),
            "{low}"
        );
        assert!(origin_sentence(Some("China"), Confidence::High).contains("high confidence"));
        assert!(origin_sentence(Some("China"), Confidence::Medium).starts_with("Probably"));
        assert_eq!(
            origin_sentence(None, Confidence::High),
            "Origin not established."
        );
        assert_eq!(
            origin_sentence(Some(" "), Confidence::Low),
            "Origin not established."
        );
        for c in [
            Confidence::None,
            Confidence::Low,
            Confidence::Medium,
            Confidence::High,
        ] {
            assert_eq!(Confidence::parse(c.as_str()), Some(c));
        }
        assert_eq!(Confidence::parse("sure"), None);
    }
}
