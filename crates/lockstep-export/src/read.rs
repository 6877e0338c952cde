//! Readers for the tables this crate writes, next to their writers ([`crate::tables`]): every
//! stage that reads an investigation back (eval, disclose, ads, watch, the case server, the
//! demo) goes through them, so a column's meaning is decided once.
//!
//! Columns are found by header name (order free, surrounding spaces ignored); columns beyond the
//! contract are ignored, so a newer output stays readable. Only the columns a reader cannot do
//! without are required ([`read_accounts`]: `account_id` and `verdict`); a missing optional
//! column reads as empty. A bad cell is an error naming the file, the line and the column.

use crate::ExportError;
use crate::csv_cell::unguard;
use lockstep_model::{Role, Verdict};
use std::io::Read;
use std::path::Path;

/// One row of `accounts.csv` as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountRecord {
    /// Line of the row in the file (the header is line 1).
    pub line: u64,
    /// External account id.
    pub account_id: String,
    /// Handle (may be empty), with the formula guard removed.
    pub screen_name: String,
    /// Cluster, when in one.
    pub cluster_id: Option<u32>,
    /// Verdict; an empty cell (the compatibility semantics) reads as [`Verdict::None`].
    pub verdict: Verdict,
    /// Role; empty reads as [`Role::None`].
    pub role: Role,
    /// Coordination score in [0,1], when written.
    pub coordination_score: Option<f64>,
    /// Inauthenticity score in [0,1], when written.
    pub inauthenticity_score: Option<f64>,
    /// Evidence text, with the formula guard removed.
    pub evidence: String,
    /// Operation, when the account's cluster belongs to one.
    pub operation_id: Option<u32>,
}

/// Reads `accounts.csv` from a file.
pub fn read_accounts(path: &Path) -> Result<Vec<AccountRecord>, ExportError> {
    let f = std::fs::File::open(path).map_err(|e| ExportError::io(path, e))?;
    read_accounts_from(std::io::BufReader::new(f), path)
}

/// Reads `accounts.csv` from any reader (e.g. a decompressed stream); `path` names it in errors.
pub fn read_accounts_from(r: impl Read, path: &Path) -> Result<Vec<AccountRecord>, ExportError> {
    let mut rd = csv::ReaderBuilder::new().flexible(true).from_reader(r);
    let csv_err = |e: csv::Error| ExportError::Csv {
        path: path.to_path_buf(),
        source: e,
    };
    let header = rd.headers().map_err(csv_err)?.clone();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let required = |name: &str| {
        col(name).ok_or_else(|| ExportError::format(path, 1, name, "required column is missing"))
    };
    let (c_id, c_verdict) = (required("account_id")?, required("verdict")?);
    let (c_name, c_cluster, c_role) = (col("screen_name"), col("cluster_id"), col("role"));
    let (c_coord, c_inauth) = (col("coordination_score"), col("inauthenticity_score"));
    let (c_evidence, c_operation) = (col("evidence"), col("operation_id"));
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |c: Option<usize>| c.and_then(|i| rec.get(i)).map_or("", str::trim);
        let bad = |field: &str, problem: String| ExportError::format(path, line, field, problem);
        let id = |c: Option<usize>, field: &str| -> Result<Option<u32>, ExportError> {
            let s = cell(c);
            if s.is_empty() {
                return Ok(None);
            }
            s.parse()
                .map(Some)
                .map_err(|_| bad(field, format!("expected a number, got '{s}'")))
        };
        let score = |c: Option<usize>, field: &str| -> Result<Option<f64>, ExportError> {
            let s = cell(c);
            if s.is_empty() {
                return Ok(None);
            }
            s.parse()
                .map(Some)
                .map_err(|_| bad(field, format!("expected a number, got '{s}'")))
        };
        let account_id = cell(Some(c_id));
        if account_id.is_empty() {
            return Err(bad("account_id", "empty".into()));
        }
        let v = cell(Some(c_verdict));
        let verdict = Verdict::parse(v).ok_or_else(|| {
            let names: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
            bad(
                "verdict",
                format!("expected one of {}, got '{v}'", names.join(", ")),
            )
        })?;
        let r = cell(c_role);
        let role = Role::parse(r).ok_or_else(|| {
            bad(
                "role",
                format!("expected core, amplifier or empty, got '{r}'"),
            )
        })?;
        out.push(AccountRecord {
            line,
            account_id: account_id.to_string(),
            screen_name: unguard(cell(c_name)).to_string(),
            cluster_id: id(c_cluster, "cluster_id")?,
            verdict,
            role,
            coordination_score: score(c_coord, "coordination_score")?,
            inauthenticity_score: score(c_inauth, "inauthenticity_score")?,
            evidence: unguard(cell(c_evidence)).to_string(),
            operation_id: id(c_operation, "operation_id")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{AccountRow, write_accounts};

    #[test]
    fn reads_back_what_the_writer_wrote() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("accounts.csv");
        let rows = [
            AccountRow {
                account_id: "-42",
                screen_name: "=HYPERLINK(\"http://evil\",\"x\")",
                cluster_id: Some(3),
                verdict: Some("inauthentic"),
                role: Some("core"),
                coordination_score: Some(0.25),
                inauthenticity_score: None,
                evidence: "+creation burst; shared client",
                operation_id: Some(0),
            },
            AccountRow {
                account_id: "7",
                screen_name: "",
                cluster_id: None,
                verdict: None,
                role: None,
                coordination_score: None,
                inauthenticity_score: Some(0.5),
                evidence: "",
                operation_id: None,
            },
        ];
        write_accounts(&path, rows.clone()).unwrap_or_else(|e| panic!("{e}"));
        let back = read_accounts(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].line, 2);
        assert_eq!(back[0].account_id, "-42");
        assert_eq!(back[0].screen_name, rows[0].screen_name);
        assert_eq!(back[0].cluster_id, Some(3));
        assert_eq!(back[0].verdict, Verdict::Inauthentic);
        assert_eq!(back[0].role, Role::Core);
        assert_eq!(back[0].coordination_score, Some(0.25));
        assert_eq!(back[0].evidence, rows[0].evidence);
        assert_eq!(back[0].operation_id, Some(0));
        assert_eq!(back[1].verdict, Verdict::None);
        assert_eq!(back[1].role, Role::None);
        assert_eq!(back[1].cluster_id, None);
        assert_eq!(back[1].inauthenticity_score, Some(0.5));
    }

    #[test]
    fn bad_cells_and_missing_columns_are_named() {
        let p = Path::new("dir/accounts.csv");
        let err = |text: &str| match read_accounts_from(text.as_bytes(), p) {
            Err(e) => e.to_string(),
            Ok(rows) => panic!("accepted {rows:?}"),
        };
        assert_eq!(
            err("account_id,cluster_id\n1,2\n"),
            "dir/accounts.csv:1: verdict: required column is missing"
        );
        assert_eq!(
            err("account_id,verdict\n1,none\n2,maybe\n"),
            "dir/accounts.csv:3: verdict: expected one of inauthentic, coordinated_undetermined, coordinated_organic, none, got 'maybe'"
        );
        assert_eq!(
            err("verdict,account_id,cluster_id\ninauthentic,1,x\n"),
            "dir/accounts.csv:2: cluster_id: expected a number, got 'x'"
        );
        assert_eq!(
            err("account_id,verdict,role\n1,inauthentic,boss\n"),
            "dir/accounts.csv:2: role: expected core, amplifier or empty, got 'boss'"
        );
        // Extra columns and another order are fine.
        let ok = read_accounts_from(
            " verdict , extra, account_id\ncoordinated_organic,z,9\n".as_bytes(),
            p,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok[0].account_id, "9");
        assert_eq!(ok[0].verdict, Verdict::CoordinatedOrganic);
    }
}
