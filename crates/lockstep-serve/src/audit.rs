//! The audit log: an append-only table whose rows are hash-chained.
//!
//! Row `seq` (1, 2, 3, … without gaps) carries `prev_hash`, the `hash` of row `seq - 1` (64 zeros
//! for row 1), and its own `hash` = BLAKE3 (hex) of its canonical content: the UTF-8 JSON array
//! `[seq, at, actor, action, subject, detail, prev_hash]` written without spaces (`detail` is a
//! JSON text kept verbatim as a string). Editing a row changes its content hash; rewriting its
//! hash too breaks the next row's `prev_hash`; deleting or reordering rows breaks `seq` or the
//! links. Deleting rows at the end is only visible against a head hash kept elsewhere:
//! [`verify`] returns the head (`seq`, `hash`) so it can be written down outside the database.

use crate::db::{Connection, OptionalExtension};
use crate::error::Result;
use crate::params;

/// `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the audit log.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AuditRow {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// Username, or `-` for an anonymous actor (failed login).
    pub actor: String,
    /// What happened (`case.import`, `decision.propose`, …).
    pub action: String,
    /// What it happened to (`case:1`, `decision:4`, `user:ana`).
    pub subject: String,
    /// Details, a JSON text.
    pub detail: String,
    /// Hash of the previous row.
    pub prev_hash: String,
    /// Hash of this row's canonical content.
    pub hash: String,
}

/// The canonical content of a row, the input of its hash.
pub fn canonical(
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    prev_hash: &str,
) -> String {
    serde_json::json!([seq, at, actor, action, subject, detail, prev_hash]).to_string()
}

/// BLAKE3 (hex) of a row's canonical content.
pub fn row_hash(
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    prev_hash: &str,
) -> String {
    blake3::hash(canonical(seq, at, actor, action, subject, detail, prev_hash).as_bytes())
        .to_hex()
        .to_string()
}

/// Appends one row. Call inside the transaction that makes the change, so the change and its
/// audit row commit together (the store's write transactions are `IMMEDIATE`, so two writers
/// never read the same head).
pub fn append(
    conn: &Connection,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<i64> {
    let head: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match head {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = crate::now();
    let detail = detail.to_string();
    let hash = row_hash(seq, at, actor, action, subject, &detail, &prev);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor, action, subject, detail, prev, hash],
    )?;
    Ok(seq)
}

/// Rows with `seq > after`, at most `limit`, in order.
pub fn rows(conn: &Connection, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
    let mut st = conn.prepare(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let out = st
        .query_map(params![after, limit], |r| {
            Ok(AuditRow {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                subject: r.get(4)?,
                detail: r.get(5)?,
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(out)
}

/// The outcome of walking the chain.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum Verification {
    /// Every row checks out; `rows` rows, the last with hash `head`.
    Intact {
        /// Rows in the chain.
        rows: i64,
        /// Hash of the last row (GENESIS when empty): keep it outside the database to detect
        /// rows deleted from the end.
        head: String,
    },
    /// The first row that does not check out, and why.
    Broken {
        /// The row named.
        seq: i64,
        /// What is wrong with it.
        problem: String,
    },
}

/// Walks the whole chain from row 1 and names the first row that was edited, deleted or
/// reordered.
pub fn verify(conn: &Connection) -> Result<Verification> {
    // Pages of rows in `seq` order (keyset on `seq`), so a long chain is never held whole.
    const PAGE: i64 = 10_000;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    let mut after = 0i64;
    loop {
        let page = rows(conn, after, PAGE)?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.seq;
        for r in page {
            let AuditRow {
                seq,
                at,
                actor,
                action,
                subject,
                detail,
                prev_hash,
                hash,
            } = r;
            if seq != expected_seq {
                return Ok(Verification::Broken {
                    seq: expected_seq,
                    problem: format!(
                        "row {expected_seq} is missing (deleted): the next row present is {seq}"
                    ),
                });
            }
            let content = row_hash(seq, at, &actor, &action, &subject, &detail, &prev_hash);
            if content != hash {
                return Ok(Verification::Broken {
                    seq,
                    problem: format!(
                        "row {seq} was edited: its content hashes to {content}, the row says {hash}"
                    ),
                });
            }
            if prev_hash != prev {
                // The row itself is consistent, so the row before it was rewritten (content and
                // hash) or the rows were reordered.
                let named = seq - 1;
                return Ok(Verification::Broken {
                    seq: named,
                    problem: format!(
                        "row {named} was rewritten or moved: row {seq} links to {prev_hash}, row {named} hashes to {prev}"
                    ),
                });
            }
            prev = hash;
            expected_seq += 1;
        }
    }
    Ok(Verification::Intact {
        rows: expected_seq - 1,
        head: prev,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Connection {
        crate::db::open(&crate::db::DatabaseUrl::Memory).unwrap()
    }

    #[test]
    fn chain_links_rows_and_verifies() {
        let c = store();
        for i in 0..5 {
            append(
                &c,
                "ana",
                "test",
                &format!("x:{i}"),
                &serde_json::json!({"i": i}),
            )
            .unwrap();
        }
        let rows = rows(&c, 0, 100).unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].prev_hash, GENESIS);
        assert_eq!(rows[1].prev_hash, rows[0].hash);
        match verify(&c).unwrap() {
            Verification::Intact { rows: n, head } => {
                assert_eq!(n, 5);
                assert_eq!(head, rows[4].hash);
            }
            b => panic!("{b:?}"),
        }
    }

    #[test]
    fn canonical_form_is_stable() {
        assert_eq!(
            canonical(1, 2, "a", "b", "c", "{\"k\":1}", GENESIS),
            format!("[1,2,\"a\",\"b\",\"c\",\"{{\\\"k\\\":1}}\",\"{GENESIS}\"]")
        );
    }

    fn broken_at(c: &Connection) -> i64 {
        match verify(c).unwrap() {
            Verification::Broken { seq, .. } => seq,
            i => panic!("tampering not detected: {i:?}"),
        }
    }

    fn chain() -> Connection {
        let c = store();
        for i in 0..6 {
            append(
                &c,
                "ana",
                "test",
                &format!("x:{i}"),
                &serde_json::json!({"i": i}),
            )
            .unwrap();
        }
        c
    }

    #[test]
    fn edited_row_is_named() {
        let c = chain();
        c.execute(
            "UPDATE audit SET actor = 'eve' WHERE seq = 3",
            crate::params![],
        )
        .unwrap();
        assert_eq!(broken_at(&c), 3);
    }

    #[test]
    fn rewritten_row_with_recomputed_hash_is_named() {
        let c = chain();
        let r = &rows(&c, 3, 1).unwrap()[0];
        let h = row_hash(
            r.seq,
            r.at,
            "eve",
            &r.action,
            &r.subject,
            &r.detail,
            &r.prev_hash,
        );
        c.execute(
            "UPDATE audit SET actor = 'eve', hash = ?1 WHERE seq = 4",
            crate::params![h],
        )
        .unwrap();
        assert_eq!(broken_at(&c), 4);
    }

    #[test]
    fn deleted_row_is_named() {
        let c = chain();
        c.execute("DELETE FROM audit WHERE seq = 2", crate::params![])
            .unwrap();
        assert_eq!(broken_at(&c), 2);
    }

    #[test]
    fn reordered_rows_are_named() {
        let c = chain();
        c.execute_batch(
            "UPDATE audit SET seq = 100 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 100;",
        )
        .unwrap();
        assert_eq!(broken_at(&c), 3);
    }
}
