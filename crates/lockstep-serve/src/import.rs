//! `case import`: an investigation directory (docs/outputs.md) becomes a case, in one
//! transaction. The directory must be a complete Lockstep output
//! ([`lockstep_outdir::verify_complete`]); the tables are read by the column names the writers
//! use ([`lockstep_export::ACCOUNT_COLUMNS`], [`lockstep_export::EDGE_COLUMNS`],
//! [`lockstep_export::CLUSTER_BASE_COLUMNS`] + [`lockstep_export::CLUSTER_METRIC_COLUMNS`]), and
//! free-text cells are read back through [`lockstep_export::unguard_cell`].

use crate::db::Connection;
use crate::error::{Result, ServeError};
use crate::params;
use lockstep_ads::pages::PAGE_COLUMNS;
use lockstep_export::tables::CLUSTER_METRIC_IS_TEXT;
use lockstep_export::{
    ACCOUNT_COLUMNS, CLUSTER_BASE_COLUMNS, CLUSTER_METRIC_COLUMNS, EDGE_COLUMNS, unguard_cell,
};
use std::path::{Path, PathBuf};

/// What one import added.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Imported {
    /// The new case's id.
    pub case_id: i64,
    /// Accounts read.
    pub accounts: i64,
    /// Networks (clusters) read.
    pub networks: i64,
    /// Edges read.
    pub edges: i64,
    /// Pages and groups read (`pages.csv`, when the investigation has one).
    pub pages: i64,
}

/// Files an investigation directory must list in its manifest.
pub const REQUIRED_FILES: [&str; 4] = ["accounts.csv", "clusters.csv", "edges.csv", "summary.json"];

struct Table {
    reader: csv::Reader<std::io::BufReader<std::fs::File>>,
    cells: Cells,
}

/// Typed reading of one table's cells, with errors naming its file, line and field.
struct Cells {
    path: PathBuf,
}

impl Table {
    fn open(dir: &Path, name: &str, columns: &[&str]) -> Result<Self> {
        let path = dir.join(name);
        let f = std::fs::File::open(&path).map_err(|source| ServeError::Io {
            path: path.clone(),
            source,
        })?;
        let mut reader = csv::Reader::from_reader(std::io::BufReader::with_capacity(1 << 20, f));
        let header = reader.headers().map_err(|e| ServeError::Input {
            path: path.clone(),
            message: format!("line 1: {e}"),
        })?;
        let got: Vec<&str> = header.iter().collect();
        if got != columns {
            return Err(ServeError::Input {
                path,
                message: format!(
                    "line 1: columns are `{}`, expected `{}` (docs/outputs.md)",
                    got.join(","),
                    columns.join(",")
                ),
            });
        }
        Ok(Table {
            reader,
            cells: Cells { path },
        })
    }

    /// Calls `f` on each record with the table's [`Cells`] and the record's line number;
    /// returns the number of records.
    fn each(
        &mut self,
        mut f: impl FnMut(&Cells, &csv::StringRecord, u64) -> Result<()>,
    ) -> Result<i64> {
        let mut rec = csv::StringRecord::new();
        let mut n = 0;
        loop {
            let more = self
                .reader
                .read_record(&mut rec)
                .map_err(|e| ServeError::Input {
                    path: self.cells.path.clone(),
                    message: e.to_string(),
                })?;
            if !more {
                return Ok(n);
            }
            let line = rec.position().map_or(0, |p| p.line());
            f(&self.cells, &rec, line)?;
            n += 1;
        }
    }
}

impl Cells {
    fn field<T: std::str::FromStr>(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        columns: &[&str],
        i: usize,
    ) -> Result<Option<T>> {
        let v = rec.get(i).unwrap_or("");
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| ServeError::Input {
            path: self.path.clone(),
            message: format!(
                "line {line}, field `{}`: `{v}` is not a valid number",
                columns[i]
            ),
        })
    }

    fn required<T: std::str::FromStr>(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        columns: &[&str],
        i: usize,
    ) -> Result<T> {
        self.field(rec, line, columns, i)?
            .ok_or_else(|| ServeError::Input {
                path: self.path.clone(),
                message: format!("line {line}, field `{}`: empty", columns[i]),
            })
    }
}

fn text(rec: &csv::StringRecord, i: usize) -> &str {
    rec.get(i).unwrap_or("")
}

fn opt_text(rec: &csv::StringRecord, i: usize) -> Option<&str> {
    rec.get(i).filter(|s| !s.is_empty())
}

/// Imports `dir` as a new case named `name` (the directory's name when `None`), by `actor`.
/// Either the whole case is committed, with its `case.import` audit row, or nothing is.
pub fn import_case(
    conn: &Connection,
    dir: &Path,
    name: Option<&str>,
    actor: &crate::users::User,
) -> Result<Imported> {
    let manifest = lockstep_outdir::verify_complete(dir)?;
    for f in REQUIRED_FILES {
        if !manifest.files.iter().any(|m| m.path == f) {
            return Err(ServeError::BadRequest(format!(
                "{}: not an investigation directory: its manifest lists no {f}",
                dir.display()
            )));
        }
    }
    let summary_path = dir.join("summary.json");
    let summary_text = std::fs::read_to_string(&summary_path).map_err(|source| ServeError::Io {
        path: summary_path.clone(),
        source,
    })?;
    let summary: serde_json::Value =
        serde_json::from_str(&summary_text).map_err(|e| ServeError::Input {
            path: summary_path.clone(),
            message: e.to_string(),
        })?;
    let name = name.map(str::to_string).unwrap_or_else(|| {
        dir.canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| dir.display().to_string())
    });

    let tx = crate::write_tx(conn)?;
    let case_id: i64 = tx.query_row(
        "INSERT INTO cases (name, source_dir, lockstep_version, summary_json, accounts, networks, edges, imported_by, imported_at) VALUES (?1, ?2, ?3, ?4, 0, 0, 0, ?5, ?6) RETURNING id",
        params![name, dir.display().to_string(), manifest.lockstep_version, summary.to_string(), actor.id, crate::now()],
        |r| r.get(0),
    )?;

    let cluster_columns: Vec<&str> = CLUSTER_BASE_COLUMNS
        .iter()
        .chain(CLUSTER_METRIC_COLUMNS.iter())
        .copied()
        .chain([lockstep_export::CLUSTER_OPERATION_COLUMN])
        .collect();
    let mut t = Table::open(dir, "clusters.csv", &cluster_columns)?;
    let networks = {
        let mut st = tx.prepare(
            "INSERT INTO networks (case_id, cluster_id, size, verdict, score, layers, median_delay_s, edges, density, metrics_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let base = CLUSTER_BASE_COLUMNS.len();
        let cols = cluster_columns.clone();
        t.each(|t, rec, line| {
            let mut metrics = serde_json::Map::new();
            for (k, col) in CLUSTER_METRIC_COLUMNS.iter().enumerate() {
                let raw = text(rec, base + k);
                let v = if CLUSTER_METRIC_IS_TEXT[k] {
                    unguard_cell(raw)
                } else {
                    raw
                };
                metrics.insert((*col).to_string(), serde_json::Value::String(v.to_string()));
            }
            st.execute(params![
                case_id,
                t.required::<u32>(rec, line, &cols, 0)?,
                t.required::<u32>(rec, line, &cols, 1)?,
                opt_text(rec, 2),
                t.field::<f64>(rec, line, &cols, 3)?,
                text(rec, 4),
                t.required::<f64>(rec, line, &cols, 5)?,
                t.required::<u32>(rec, line, &cols, 6)?,
                t.required::<f64>(rec, line, &cols, 7)?,
                serde_json::Value::Object(metrics).to_string(),
            ])
            .map_err(|e| duplicate(e, &t.path, line, "cluster_id"))?;
            Ok(())
        })?
    };

    let mut t = Table::open(dir, "accounts.csv", &ACCOUNT_COLUMNS)?;
    let accounts = {
        let mut st = tx.prepare(
            "INSERT INTO accounts (case_id, account_id, screen_name, cluster_id, verdict, role, coordination_score, inauthenticity_score, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        t.each(|t, rec, line| {
            let c = &ACCOUNT_COLUMNS;
            if text(rec, 0).is_empty() {
                return Err(ServeError::Input {
                    path: t.path.clone(),
                    message: format!("line {line}, field `account_id`: empty"),
                });
            }
            st.execute(params![
                case_id,
                text(rec, 0),
                unguard_cell(text(rec, 1)),
                t.field::<u32>(rec, line, c, 2)?,
                opt_text(rec, 3),
                opt_text(rec, 4),
                t.field::<f64>(rec, line, c, 5)?,
                t.field::<f64>(rec, line, c, 6)?,
                unguard_cell(text(rec, 7)),
            ])
            .map_err(|e| duplicate(e, &t.path, line, "account_id"))?;
            Ok(())
        })?
    };

    let mut t = Table::open(dir, "edges.csv", &EDGE_COLUMNS)?;
    let edges = {
        let mut st = tx.prepare(
            "INSERT INTO edges (case_id, source, target, layer, scale, weight, events, median_dt_s, p_value, q_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        t.each(|t, rec, line| {
            let c = &EDGE_COLUMNS;
            st.execute(params![
                case_id,
                text(rec, 0),
                text(rec, 1),
                text(rec, 2),
                text(rec, 3),
                t.required::<u32>(rec, line, c, 4)?,
                t.required::<u32>(rec, line, c, 5)?,
                t.required::<f64>(rec, line, c, 6)?,
                t.field::<f64>(rec, line, c, 7)?,
                t.field::<f64>(rec, line, c, 8)?,
            ])?;
            Ok(())
        })?
    };

    let pages = if manifest.files.iter().any(|m| m.path == "pages.csv") {
        import_pages(&tx, dir, case_id)?
    } else {
        0
    };

    // Every account's cluster must be one of the case's networks.
    let orphan: Option<(String, i64)> = crate::db::OptionalExtension::optional(tx.query_row(
        "SELECT a.account_id, a.cluster_id FROM accounts a LEFT JOIN networks n ON n.case_id = a.case_id AND n.cluster_id = a.cluster_id WHERE a.case_id = ?1 AND a.cluster_id IS NOT NULL AND n.cluster_id IS NULL LIMIT 1",
        params![case_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    ))?;
    if let Some((a, c)) = orphan {
        return Err(ServeError::Input {
            path: dir.join("accounts.csv"),
            message: format!("account `{a}` is in cluster {c}, which clusters.csv does not list"),
        });
    }
    tx.execute(
        "UPDATE cases SET accounts = ?1, networks = ?2, edges = ?3, pages = ?4 WHERE id = ?5",
        params![accounts, networks, edges, pages, case_id],
    )?;
    crate::audit::append(
        &tx,
        &actor.username,
        "case.import",
        &format!("case:{case_id}"),
        &serde_json::json!({
            "name": name,
            "source_dir": dir.display().to_string(),
            "accounts": accounts,
            "networks": networks,
            "edges": edges,
            "pages": pages,
        }),
    )?;
    tx.commit()?;
    Ok(Imported {
        case_id,
        accounts,
        networks,
        edges,
        pages,
    })
}

/// Reads `pages.csv` ([`PAGE_COLUMNS`]) and its `admin_ids` into the case's pages and
/// page_admins; a page's network must be one of the case's networks (an admin need not be in
/// accounts.csv: an account that never posted can run a page).
fn import_pages(tx: &Connection, dir: &Path, case_id: i64) -> Result<i64> {
    // pages.csv written before `admin_ids` existed (its first nine columns) imports without
    // admins; any other header is refused.
    let c = &PAGE_COLUMNS;
    let mut t = match Table::open(dir, "pages.csv", c) {
        Ok(t) => t,
        Err(e) => Table::open(dir, "pages.csv", &c[..c.len() - 1]).map_err(|_| e)?,
    };
    let mut page = tx.prepare(
        "INSERT INTO pages (case_id, page_id, page_name, page_kind, verdict, network, admins, inauthentic_admins, posing_as_news, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut admin = tx.prepare(
        "INSERT INTO page_admins (case_id, page_id, account_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?;
    let mut network_exists =
        tx.prepare("SELECT EXISTS(SELECT 1 FROM networks WHERE case_id = ?1 AND cluster_id = ?2)")?;
    t.each(|t, rec, line| {
        let bad = |line: u64, field: &str, msg: String| ServeError::Input {
            path: t.path.clone(),
            message: format!("line {line}, field `{field}`: {msg}"),
        };
        let id = text(rec, 0);
        if id.is_empty() {
            return Err(bad(line, "page_id", "empty".into()));
        }
        let kind = text(rec, 2);
        if !matches!(kind, "page" | "group") {
            return Err(bad(
                line,
                "page_kind",
                format!("`{kind}`: expected page or group"),
            ));
        }
        let network = t.field::<u32>(rec, line, c, 4)?;
        if let Some(net) = network
            && !network_exists.query_row(params![case_id, net], |r| r.get::<bool>(0))?
        {
            return Err(bad(
                line,
                "network",
                format!("{net} is not a network of clusters.csv"),
            ));
        }
        page.execute(params![
            case_id,
            id,
            unguard_cell(text(rec, 1)),
            kind,
            text(rec, 3),
            network,
            t.required::<u32>(rec, line, c, 5)?,
            t.required::<u32>(rec, line, c, 6)?,
            text(rec, 7),
            unguard_cell(text(rec, 8)),
        ])
        .map_err(|e| duplicate(e, &t.path, line, "page_id"))?;
        for a in text(rec, 9).split('|').filter(|a| !a.is_empty()) {
            admin.execute(params![case_id, id, a])?;
        }
        Ok(())
    })
}

fn duplicate(e: ServeError, path: &Path, line: u64, field: &str) -> ServeError {
    match e {
        e if e.is_constraint_violation() => ServeError::Input {
            path: path.to_path_buf(),
            message: format!("line {line}, field `{field}`: duplicate id"),
        },
        e => e,
    }
}

/// A directory removed when dropped (an unpacked upload).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Imports an uploaded investigation: `archive` is a tar of the investigation directory (its files
/// at the top, or in one top-level directory), as `tar -cf inv.tar -C out .` or `tar -cf inv.tar
/// out` write it. The archive is unpacked into a fresh private directory that is removed
/// afterwards; only regular files and directories are accepted (a link, device or path leaving
/// the directory is refused with 400 before anything is imported). Then as [`import_case`]: one
/// transaction, named `name` or `upload`.
pub fn import_archive(
    conn: &Connection,
    archive: &[u8],
    name: Option<&str>,
    actor: &crate::users::User,
) -> Result<Imported> {
    let mut nonce = [0u8; 12];
    let dir_name = std::env::temp_dir();
    getrandom::fill(&mut nonce).map_err(|e| ServeError::Io {
        path: dir_name.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let hex: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let dir = TempDir(dir_name.join(format!("lockstep-upload-{hex}")));
    std::fs::create_dir(&dir.0).map_err(|source| ServeError::Io {
        path: dir.0.clone(),
        source,
    })?;
    let bad = |m: String| ServeError::BadRequest(format!("upload: {m}"));
    let mut ar = tar::Archive::new(archive);
    let entries = ar
        .entries()
        .map_err(|e| bad(format!("not a tar archive ({e})")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("not a tar archive ({e})")))?;
        let kind = entry.header().entry_type();
        let path = entry
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if !(kind.is_file() || kind.is_dir()) {
            return Err(bad(format!(
                "`{path}`: only regular files and directories are accepted"
            )));
        }
        let inside = entry
            .unpack_in(&dir.0)
            .map_err(|e| bad(format!("`{path}`: {e}")))?;
        if !inside {
            return Err(bad(format!("`{path}`: leaves the archive's directory")));
        }
    }
    // The investigation is the archive's top level, or its only top-level directory.
    let manifest = lockstep_outdir::MANIFEST;
    let root = if dir.0.join(manifest).is_file() {
        dir.0.clone()
    } else {
        let subdirs: Vec<PathBuf> = std::fs::read_dir(&dir.0)
            .map_err(|source| ServeError::Io {
                path: dir.0.clone(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        match subdirs.as_slice() {
            [one] if one.join(manifest).is_file() => one.clone(),
            _ => {
                return Err(bad(format!(
                    "not an investigation: no {manifest} at the top of the archive or in its only directory"
                )));
            }
        }
    };
    import_case(conn, &root, Some(name.unwrap_or("upload")), actor)
}
