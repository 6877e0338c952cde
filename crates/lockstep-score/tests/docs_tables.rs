//! `docs/scoring.md` quotes the scoring configuration's numbers in tables; this test reads those
//! tables back and compares them with the defaults in code, so the two cannot drift apart.

use lockstep_score::signals::Signal;
use lockstep_score::{ScoreParams, Weights};

fn doc() -> String {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/scoring.md");
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The cells of the table row whose first cell is `first`.
fn row<'a>(doc: &'a str, first: &str) -> Option<Vec<&'a str>> {
    doc.lines().find_map(|l| {
        let cells: Vec<&str> = l
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        (cells.first() == Some(&first)).then_some(cells)
    })
}

fn num(cell: &str) -> f64 {
    cell.trim()
        .parse()
        .unwrap_or_else(|e| panic!("'{cell}' is not a number: {e}"))
}

#[test]
fn signal_table_matches_the_default_weights() {
    let d = doc();
    let w = Weights::default();
    for s in Signal::ALL {
        let name = format!("`{}`", s.name());
        let cells =
            row(&d, &name).unwrap_or_else(|| panic!("docs/scoring.md has no row for {name}"));
        assert_eq!(cells[1], format!("`{}.rs`", s.name()), "file of {name}");
        assert_eq!(num(cells[3]), w.of(s), "weight of {name}");
    }
}

#[test]
fn term_and_rule_tables_match_the_defaults() {
    let d = doc();
    let w = Weights::default();
    let p = ScoreParams::default();
    let cases: [(&str, f64); 9] = [
        ("bias", w.bias),
        ("coordination", w.coordination),
        ("`amplifies_inauthentic`", w.amplifies_inauthentic),
        ("cluster share", w.cluster_share),
        ("`threshold`", p.threshold),
        ("`organic.max_strength`", p.organic.max_strength),
        ("`organic.min_coverage`", p.organic.min_coverage),
        ("`organic.min_signals`", p.organic.min_signals as f64),
        ("`coordination_half_partners`", p.coordination_half_partners),
    ];
    for (first, v) in cases {
        let cells = row(&d, first).unwrap_or_else(|| panic!("docs/scoring.md has no row {first}"));
        assert_eq!(num(cells[1]), v, "{first}");
    }
    // The authenticity signals listed are exactly those in code.
    let listed = row(&d, "authenticity signals").unwrap_or_default();
    let in_code: Vec<String> = Signal::ALL
        .iter()
        .filter(|s| s.speaks_for_authenticity())
        .map(|s| format!("`{}`", s.name()))
        .collect();
    assert_eq!(listed.get(1).copied().unwrap_or(""), in_code.join(", "));
}

#[test]
fn every_signal_file_is_registered_and_every_signal_has_its_file() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/signals");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".rs").map(str::to_string))
        .filter(|f| f != "mod")
        .collect();
    files.sort();
    let mut names: Vec<String> = Signal::ALL.iter().map(|s| s.name().to_string()).collect();
    names.sort();
    assert_eq!(files, names, "files in src/signals vs register_signals!");
    for s in Signal::ALL {
        assert!(!s.summary().is_empty(), "{} has no summary", s.name());
        assert_eq!(Signal::parse(s.name()), Some(s));
    }
}
