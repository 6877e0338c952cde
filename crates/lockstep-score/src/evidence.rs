//! Evidence: which signal fired, with what value, in words a reviewer can check.

use serde::Serialize;

/// One piece of evidence behind a verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// Signal name (`creation_burst`, `handle_pattern`, ...).
    pub signal: &'static str,
    /// The signal's strength in [0, 1] (what the score uses).
    pub strength: f64,
    /// The measured value behind it (a share, a count, an offset; see the signal's docs).
    pub value: f64,
    /// A short sentence a report can quote.
    pub text: String,
}

/// Joins evidence into one `accounts.csv` / `clusters.csv` cell:
/// `signal=strength (text); signal=strength (text)`, strongest first.
pub fn evidence_string(evidence: &[Evidence]) -> String {
    let mut ev: Vec<&Evidence> = evidence.iter().collect();
    ev.sort_by(|a, b| b.strength.total_cmp(&a.strength));
    let mut out = String::new();
    for e in ev {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(&format!("{}={:.2} ({})", e.signal, e.strength, e.text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongest_first() {
        let e = |s: &'static str, v: f64| Evidence {
            signal: s,
            strength: v,
            value: v,
            text: format!("{s} text"),
        };
        let s = evidence_string(&[e("a", 0.2), e("b", 0.9)]);
        assert_eq!(s, "b=0.90 (b text); a=0.20 (a text)");
        assert_eq!(evidence_string(&[]), "");
    }
}
