//! Decisions and the enforcement feed.
//!
//! Lifecycle: an authenticated user *proposes* a decision on a whole network (with exclusions)
//! or on one account; a reviewer who is not the proposer *approves* or *rejects* it. Approval
//! applies the decision in the same transaction: one enforcement row per account action is
//! appended to the feed, with the idempotency key `d{decision}:{account}`. A decision leaves
//! `proposed` exactly once (the state change is conditional), so nothing is applied twice, and
//! an account already under the same action is not sent again.

use crate::db::{Connection, OptionalExtension};
use crate::error::{Result, ServeError};
use crate::params;
use crate::users::User;

/// What a decision does to the accounts it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Suspend the accounts.
    Suspend,
    /// Label the accounts as state-affiliated.
    LabelStateAffiliated,
    /// Remove a page the network runs.
    RemovePage,
    /// Remove a group the network runs.
    RemoveGroup,
    /// Close the case of the network / account without action (no feed line).
    Dismiss,
    /// Undo earlier actions on the accounts: a `restore` feed line for each account whose last
    /// action was not a restore.
    Restore,
}

impl Action {
    /// Every action, in documentation order.
    pub const ALL: [Action; 6] = [
        Action::Suspend,
        Action::LabelStateAffiliated,
        Action::RemovePage,
        Action::RemoveGroup,
        Action::Dismiss,
        Action::Restore,
    ];
    /// The stored / wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Suspend => "suspend",
            Action::LabelStateAffiliated => "label_state_affiliated",
            Action::RemovePage => "remove_page",
            Action::RemoveGroup => "remove_group",
            Action::Dismiss => "dismiss",
            Action::Restore => "restore",
        }
    }
    /// The page kind a page action removes (`page`, `group`); `None` for account actions.
    pub fn page_kind(self) -> Option<&'static str> {
        match self {
            Action::RemovePage => Some("page"),
            Action::RemoveGroup => Some("group"),
            _ => None,
        }
    }

    /// Parses an action name.
    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                ServeError::BadRequest(format!(
                    "unknown action `{s}` (expected one of {})",
                    Self::ALL.map(|a| a.as_str()).join(", ")
                ))
            })
    }
}

/// What a decision is about.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A whole network (cluster) of the case.
    Network(u32),
    /// One account of the case.
    Account(String),
}

/// A proposal as submitted.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Proposal {
    /// The case.
    pub case_id: i64,
    /// Network or account.
    pub target: Target,
    /// What to do.
    pub action: Action,
    /// Members of the network left out (network targets only); for remove_page /
    /// remove_group, page ids left out.
    #[serde(default)]
    pub exclusions: Vec<String>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// A stored decision.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Decision {
    /// Id.
    pub id: i64,
    /// Case.
    pub case_id: i64,
    /// Network, for network decisions.
    pub cluster_id: Option<i64>,
    /// Account, for account decisions.
    pub account_id: Option<String>,
    /// Action.
    pub action: String,
    /// Excluded members.
    pub exclusions: Vec<String>,
    /// Why.
    pub reason: String,
    /// `proposed`, `rejected` or `applied`.
    pub state: String,
    /// Proposer's username.
    pub proposed_by: String,
    /// Unix seconds.
    pub proposed_at: i64,
    /// Reviewer's username.
    pub reviewed_by: Option<String>,
    /// Unix seconds.
    pub reviewed_at: Option<i64>,
    /// Reviewer's note.
    pub review_note: Option<String>,
    /// What the decision covers: accounts (members minus exclusions, or the one account), or
    /// for remove_page / remove_group the network's pages or groups minus exclusions.
    pub accounts: i64,
}

/// One line of the enforcement feed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Enforcement {
    /// Feed position (strictly increasing; resume with `after=id`).
    pub id: i64,
    /// Stable key for the consumer to de-duplicate: `d{decision_id}:{account_id or page_id}`.
    pub idempotency_key: String,
    /// The decision.
    pub decision_id: i64,
    /// The case.
    pub case_id: i64,
    /// What the line acts on: `account`, or `page` / `group` (remove_page / remove_group).
    pub subject: String,
    /// The account to act on (platform id), for account lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The page or group to act on (platform id), for page and group lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// The action.
    pub action: String,
    /// Unix seconds.
    pub applied_at: i64,
}

/// Longest reason / note accepted.
pub const MAX_TEXT: usize = 4000;
/// Most exclusions in one decision.
pub const MAX_EXCLUSIONS: usize = 10_000;

fn case_exists(conn: &Connection, case_id: i64) -> Result<()> {
    let ok: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM cases WHERE id = ?1)",
        params![case_id],
        |r| r.get(0),
    )?;
    if ok {
        Ok(())
    } else {
        Err(ServeError::NotFound(format!("no case {case_id}")))
    }
}

/// Accounts a decision covers, or for remove_page / remove_group the network's pages or groups.
fn covered(
    conn: &Connection,
    case_id: i64,
    target: &Target,
    action: Action,
    exclusions: &[String],
) -> Result<Vec<String>> {
    match target {
        Target::Account(a) => Ok(vec![a.clone()]),
        Target::Network(n) => {
            let all = match action.page_kind() {
                None => conn
                    .prepare_cached(
                        "SELECT account_id FROM accounts WHERE case_id = ?1 AND cluster_id = ?2 ORDER BY account_id",
                    )?
                    .query_map(params![case_id, n], |r| r.get::<String>(0))?
                    .collect::<Result<Vec<_>, _>>()?,
                Some(kind) => conn
                    .prepare_cached(
                        "SELECT page_id FROM pages WHERE case_id = ?1 AND network = ?2 AND page_kind = ?3 ORDER BY page_id",
                    )?
                    .query_map(params![case_id, n, kind], |r| r.get::<String>(0))?
                    .collect::<Result<Vec<_>, _>>()?,
            };
            let ex: std::collections::HashSet<&str> =
                exclusions.iter().map(String::as_str).collect();
            Ok(all
                .into_iter()
                .filter(|a| !ex.contains(a.as_str()))
                .collect())
        }
    }
}

/// Records a proposal by `user` (audited `decision.propose`); returns its id.
pub fn propose(conn: &Connection, user: &User, p: &Proposal) -> Result<i64> {
    if !user.role.can_propose() {
        return Err(ServeError::Forbidden("your role may not propose".into()));
    }
    if p.reason.len() > MAX_TEXT {
        return Err(ServeError::BadRequest(format!(
            "reason: longer than {MAX_TEXT} bytes"
        )));
    }
    if p.exclusions.len() > MAX_EXCLUSIONS {
        return Err(ServeError::BadRequest(format!(
            "exclusions: more than {MAX_EXCLUSIONS}"
        )));
    }
    let tx = crate::write_tx(conn)?;
    case_exists(&tx, p.case_id)?;
    let (cluster_id, account_id) = match &p.target {
        Target::Network(n) => {
            let ok: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM networks WHERE case_id = ?1 AND cluster_id = ?2)",
                params![p.case_id, n],
                |r| r.get(0),
            )?;
            if !ok {
                return Err(ServeError::NotFound(format!(
                    "case {} has no network {n}",
                    p.case_id
                )));
            }
            if let Some(kind) = p.action.page_kind() {
                let mut in_network = tx.prepare_cached(
                    "SELECT EXISTS(SELECT 1 FROM pages WHERE case_id = ?1 AND network = ?2 AND page_kind = ?3 AND (CAST(?4 AS TEXT) IS NULL OR page_id = ?4))",
                )?;
                if !in_network.query_row(params![p.case_id, n, kind, None::<String>], |r| {
                    r.get::<bool>(0)
                })? {
                    return Err(ServeError::BadRequest(format!(
                        "{}: network {n} runs no {kind} (pages.csv)",
                        p.action.as_str()
                    )));
                }
                for x in &p.exclusions {
                    if !in_network
                        .query_row(params![p.case_id, n, kind, x], |r| r.get::<bool>(0))?
                    {
                        return Err(ServeError::BadRequest(format!(
                            "exclusion `{x}` is not a {kind} of network {n}"
                        )));
                    }
                }
            }
            for a in p
                .exclusions
                .iter()
                .filter(|_| p.action.page_kind().is_none())
            {
                let member: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM accounts WHERE case_id = ?1 AND cluster_id = ?2 AND account_id = ?3)",
                    params![p.case_id, n, a],
                    |r| r.get(0),
                )?;
                if !member {
                    return Err(ServeError::BadRequest(format!(
                        "exclusion `{a}` is not a member of network {n}"
                    )));
                }
            }
            (Some(i64::from(*n)), None)
        }
        Target::Account(a) => {
            if p.action.page_kind().is_some() {
                return Err(ServeError::BadRequest(format!(
                    "{}: applies to a network (its {}s), not to an account",
                    p.action.as_str(),
                    p.action.page_kind().unwrap_or("page")
                )));
            }
            if !p.exclusions.is_empty() {
                return Err(ServeError::BadRequest(
                    "exclusions apply to network decisions only".into(),
                ));
            }
            let ok: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM accounts WHERE case_id = ?1 AND account_id = ?2)",
                params![p.case_id, a],
                |r| r.get(0),
            )?;
            if !ok {
                return Err(ServeError::NotFound(format!(
                    "case {} has no account `{a}`",
                    p.case_id
                )));
            }
            (None, Some(a.clone()))
        }
    };
    let mut ex = p.exclusions.clone();
    ex.sort();
    ex.dedup();
    let ex_json = serde_json::to_string(&ex).map_err(|e| ServeError::BadRequest(e.to_string()))?;
    let id: i64 = tx.query_row(
        "INSERT INTO decisions (case_id, cluster_id, account_id, action, exclusions_json, reason, state, proposed_by, proposed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'proposed', ?7, ?8) RETURNING id",
        params![p.case_id, cluster_id, account_id, p.action.as_str(), ex_json, p.reason, user.id, crate::now()],
        |r| r.get(0),
    )?;
    crate::audit::append(
        &tx,
        &user.username,
        "decision.propose",
        &format!("decision:{id}"),
        &serde_json::json!({
            "case_id": p.case_id,
            "target": p.target,
            "action": p.action.as_str(),
            "exclusions": ex,
            "reason": p.reason,
        }),
    )?;
    tx.commit()?;
    Ok(id)
}

/// Approves (and applies) or rejects decision `id` as `user`. Returns the feed lines written
/// (none for a rejection or a dismissal).
pub fn review(
    conn: &Connection,
    user: &User,
    id: i64,
    approve: bool,
    note: &str,
) -> Result<Vec<Enforcement>> {
    if !user.role.can_review() {
        return Err(ServeError::Forbidden(
            "only reviewers and admins review decisions".into(),
        ));
    }
    if note.len() > MAX_TEXT {
        return Err(ServeError::BadRequest(format!(
            "note: longer than {MAX_TEXT} bytes"
        )));
    }
    let tx = crate::write_tx(conn)?;
    let d = get(&tx, id)?;
    let proposer: i64 = tx.query_row(
        "SELECT proposed_by FROM decisions WHERE id = ?1",
        params![id],
        |r| r.get(0),
    )?;
    if d.state != "proposed" {
        return Err(ServeError::Conflict(format!(
            "decision {id} is {} already",
            d.state
        )));
    }
    if proposer == user.id {
        return Err(ServeError::Forbidden(format!(
            "decision {id}: a decision must be reviewed by someone other than its proposer"
        )));
    }
    let now = crate::now();
    let state = if approve { "applied" } else { "rejected" };
    let changed = tx.execute(
        "UPDATE decisions SET state = ?1, reviewed_by = ?2, reviewed_at = ?3, review_note = ?4 WHERE id = ?5 AND state = 'proposed'",
        params![state, user.id, now, note, id],
    )?;
    if changed != 1 {
        return Err(ServeError::Conflict(format!(
            "decision {id} was reviewed meanwhile"
        )));
    }
    let subject = format!("decision:{id}");
    if !approve {
        crate::audit::append(
            &tx,
            &user.username,
            "decision.reject",
            &subject,
            &serde_json::json!({"note": note}),
        )?;
        tx.commit()?;
        return Ok(Vec::new());
    }
    crate::audit::append(
        &tx,
        &user.username,
        "decision.approve",
        &subject,
        &serde_json::json!({"note": note}),
    )?;
    let action = Action::parse(&d.action)?;
    let target = match (&d.cluster_id, &d.account_id) {
        (Some(n), _) => Target::Network(
            u32::try_from(*n).map_err(|_| ServeError::BadRequest("bad cluster id".into()))?,
        ),
        (None, Some(a)) => Target::Account(a.clone()),
        (None, None) => {
            return Err(ServeError::BadRequest(format!(
                "decision {id} has no target"
            )));
        }
    };
    let mut lines = Vec::new();
    let mut skipped = 0i64;
    if action != Action::Dismiss {
        let subject = action.page_kind().unwrap_or("account");
        let ids = covered(&tx, d.case_id, &target, action, &d.exclusions)?;
        let mut last_action = tx.prepare(
            "SELECT action FROM enforcements WHERE case_id = ?1 AND account_id = ?2 AND subject = ?3 ORDER BY id DESC LIMIT 1",
        )?;
        let mut insert = tx.prepare(
            "INSERT INTO enforcements (idempotency_key, decision_id, case_id, account_id, action, applied_at, subject) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        )?;
        for a in ids {
            let last: Option<String> = last_action
                .query_row(params![d.case_id, a, subject], |r| r.get(0))
                .optional()?;
            let send = match action {
                Action::Restore => last.as_deref().is_some_and(|l| l != "restore"),
                _ => last.as_deref() != Some(action.as_str()),
            };
            if !send {
                skipped += 1;
                continue;
            }
            let key = format!("d{id}:{a}");
            let feed_id: i64 = insert.query_row(
                params![key, id, d.case_id, a, action.as_str(), now, subject],
                |r| r.get(0),
            )?;
            lines.push(Enforcement {
                id: feed_id,
                idempotency_key: key,
                decision_id: id,
                case_id: d.case_id,
                subject: subject.to_string(),
                account_id: (subject == "account").then(|| a.clone()),
                page_id: (subject != "account").then_some(a),
                action: action.as_str().to_string(),
                applied_at: now,
            });
        }
    }
    crate::audit::append(
        &tx,
        &user.username,
        "decision.apply",
        &subject,
        &serde_json::json!({
            "action": action.as_str(),
            "feed_lines": lines.len(),
            "first_feed_id": lines.first().map(|l| l.id),
            "last_feed_id": lines.last().map(|l| l.id),
            "already_in_effect": skipped,
        }),
    )?;
    tx.commit()?;
    Ok(lines)
}

const DECISION_SELECT: &str = "SELECT d.id, d.case_id, d.cluster_id, d.account_id, d.action, d.exclusions_json, d.reason, d.state, p.username, d.proposed_at, r.username, d.reviewed_at, d.review_note FROM decisions d JOIN users p ON p.id = d.proposed_by LEFT JOIN users r ON r.id = d.reviewed_by";

fn decision_row(conn: &Connection, r: &crate::db::Row) -> crate::Result<Decision> {
    let ex: String = r.get(5)?;
    let exclusions: Vec<String> = serde_json::from_str(&ex).unwrap_or_default();
    let case_id: i64 = r.get(1)?;
    let cluster_id: Option<i64> = r.get(2)?;
    let action: String = r.get(4)?;
    let page_kind = Action::parse(&action).ok().and_then(Action::page_kind);
    let accounts = match (cluster_id, page_kind) {
        (Some(c), None) => {
            let members: i64 = conn.query_row(
                "SELECT COUNT(*) FROM accounts WHERE case_id = ?1 AND cluster_id = ?2",
                params![case_id, c],
                |r| r.get(0),
            )?;
            members - exclusions.len() as i64
        }
        (Some(c), Some(kind)) => {
            let pages: i64 = conn.query_row(
                "SELECT COUNT(*) FROM pages WHERE case_id = ?1 AND network = ?2 AND page_kind = ?3",
                params![case_id, c, kind],
                |r| r.get(0),
            )?;
            pages - exclusions.len() as i64
        }
        (None, _) => 1,
    };
    Ok(Decision {
        id: r.get(0)?,
        case_id,
        cluster_id,
        account_id: r.get(3)?,
        action,
        exclusions,
        reason: r.get(6)?,
        state: r.get(7)?,
        proposed_by: r.get(8)?,
        proposed_at: r.get(9)?,
        reviewed_by: r.get(10)?,
        reviewed_at: r.get(11)?,
        review_note: r.get(12)?,
        accounts,
    })
}

/// One decision.
pub fn get(conn: &Connection, id: i64) -> Result<Decision> {
    conn.query_row(
        &format!("{DECISION_SELECT} WHERE d.id = ?1"),
        params![id],
        |r| decision_row(conn, r),
    )
    .optional()?
    .ok_or_else(|| ServeError::NotFound(format!("no decision {id}")))
}

/// Decisions, newest first, optionally in one state and / or about one case's network or account.
pub fn list(
    conn: &Connection,
    state: Option<&str>,
    case_id: Option<i64>,
    account: Option<&str>,
    limit: i64,
) -> Result<Vec<Decision>> {
    if let Some(s) = state
        && !matches!(s, "proposed" | "rejected" | "applied")
    {
        return Err(ServeError::BadRequest(format!(
            "state `{s}`: expected proposed, rejected or applied"
        )));
    }
    let sql = format!(
        "{DECISION_SELECT} WHERE (CAST(?1 AS TEXT) IS NULL OR d.state = ?1) AND (CAST(?2 AS BIGINT) IS NULL OR d.case_id = ?2) AND (CAST(?3 AS TEXT) IS NULL OR d.account_id = ?3 OR (d.cluster_id IS NOT NULL AND d.cluster_id = (SELECT cluster_id FROM accounts WHERE case_id = d.case_id AND account_id = ?3))) ORDER BY d.id DESC LIMIT ?4"
    );
    let mut st = conn.prepare(&sql)?;
    let out = st
        .query_map(params![state, case_id, account, limit], |r| {
            decision_row(conn, r)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(out)
}

/// Feed lines with `id > after`, at most `limit`, in order.
pub fn feed(conn: &Connection, after: i64, limit: i64) -> Result<Vec<Enforcement>> {
    let mut st = conn.prepare(
        "SELECT id, idempotency_key, decision_id, case_id, account_id, action, applied_at, subject FROM enforcements WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let out = st
        .query_map(params![after, limit], |r| {
            let subject: String = r.get(7)?;
            let target: String = r.get(4)?;
            let is_account = subject == "account";
            Ok(Enforcement {
                id: r.get(0)?,
                idempotency_key: r.get(1)?,
                decision_id: r.get(2)?,
                case_id: r.get(3)?,
                account_id: is_account.then(|| target.clone()),
                page_id: (!is_account).then_some(target),
                subject,
                action: r.get(5)?,
                applied_at: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(out)
}

/// Writes the feed from `after` on as JSON lines (one [`Enforcement`] per line), the format of
/// `lockstep case export-actions`; returns the lines written.
pub fn write_feed_jsonl(
    conn: &Connection,
    after: i64,
    out: &mut impl std::io::Write,
) -> Result<u64> {
    const PAGE: i64 = 10_000;
    let mut after = after;
    let mut n = 0;
    loop {
        let page = feed(conn, after, PAGE)?;
        let Some(last) = page.last() else {
            return Ok(n);
        };
        after = last.id;
        for e in &page {
            let line =
                serde_json::to_string(e).map_err(|x| ServeError::BadRequest(x.to_string()))?;
            writeln!(out, "{line}").map_err(|source| ServeError::Io {
                path: "export-actions output".into(),
                source,
            })?;
            n += 1;
        }
    }
}
