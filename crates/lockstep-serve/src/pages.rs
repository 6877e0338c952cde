//! Server-rendered pages: no script, no external request (the Content-Security-Policy forbids
//! both); every form posts with the session's CSRF token.

use crate::db::Connection;
use crate::decisions::{self, Action, Proposal, Target};
use crate::error::{Result, ServeError};
use crate::http::{Request, Response, percent_encode};
use crate::users::User;
use crate::{audit, queries};
use std::fmt::Write as _;

/// HTML-escapes text.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#222}header{background:#1f2937;color:#fff;padding:.6em 1em;display:flex;gap:1.2em;align-items:center}header a{color:#fff}main{padding:1em 1.5em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f4f6}.err{color:#b91c1c}.muted{color:#666}form.inline{display:inline}textarea{width:32em;height:4em}.ev{max-width:40em;word-break:break-word}";

fn layout(title: &str, user: Option<&User>, csrf: &str, body: &str) -> String {
    let nav = match user {
        Some(u) => format!(
            "<a href=\"/\">Cases</a><a href=\"/review\">Review queue</a>{}<span class=\"muted\" style=\"color:#ccc\">{} ({})</span><form class=\"inline\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button id=\"logout\">Log out</button></form>",
            if u.role.can_review() {
                "<a href=\"/audit\">Audit log</a>"
            } else {
                ""
            },
            esc(&u.username),
            u.role.as_str(),
            esc(csrf)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — Lockstep</title><style>{STYLE}</style></head><body><header><strong>Lockstep</strong>{nav}</header><main>{body}</main></body></html>",
        esc(title)
    )
}

/// The login form.
pub fn login(error: Option<&str>) -> Response {
    let err = error
        .map(|e| format!("<p class=\"err\">{}</p>", esc(e)))
        .unwrap_or_default();
    Response::html(
        200,
        layout(
            "Log in",
            None,
            "",
            &format!(
                "<h1>Log in</h1>{err}<form method=\"post\" action=\"/login\"><p><label>User <input name=\"username\" id=\"username\" autocomplete=\"username\"></label></p><p><label>Password <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"current-password\"></label></p><button id=\"login\">Log in</button></form>"
            ),
        ),
    )
}

/// An error page.
pub fn error_page(status: u16, message: &str) -> Response {
    Response::html(
        status,
        layout(
            "Error",
            None,
            "",
            &format!(
                "<h1>{status}</h1><p class=\"err\">{}</p><p><a href=\"/\">Back to the cases</a></p>",
                esc(message)
            ),
        ),
    )
}

fn opt_f(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.3}")).unwrap_or_default()
}

/// A GET page for `user`.
pub fn page(
    conn: &Connection,
    user: &User,
    csrf: &str,
    imports: bool,
    segs: &[&str],
    req: &Request,
) -> Result<Response> {
    let id = |s: &str, what: &str| -> Result<i64> {
        s.parse()
            .map_err(|_| ServeError::NotFound(format!("no {what} `{s}`")))
    };
    let (title, body) = match segs {
        [] => ("Cases".to_string(), cases_page(conn, user, csrf, imports)?),
        ["cases", c] => {
            let c = id(c, "case")?;
            (format!("Case {c}"), case_page(conn, c)?)
        }
        ["cases", c, "networks", n] => {
            let (c, n) = (id(c, "case")?, id(n, "network")?);
            (format!("Network {n}"), network_page(conn, csrf, c, n, req)?)
        }
        ["cases", c, "accounts", a] => {
            let c = id(c, "case")?;
            (format!("Account {a}"), account_page(conn, csrf, c, a)?)
        }
        ["review"] => ("Review queue".to_string(), review_page(conn, user, csrf)?),
        ["audit"] => {
            if !user.role.can_review() {
                return Err(ServeError::Forbidden(
                    "the audit log is for reviewers and admins".into(),
                ));
            }
            ("Audit log".to_string(), audit_page(conn, req)?)
        }
        _ => return Err(ServeError::NotFound(format!("no page {}", req.path))),
    };
    Ok(Response::html(200, layout(&title, Some(user), csrf, &body)))
}

fn cases_page(conn: &Connection, user: &User, csrf: &str, imports: bool) -> Result<String> {
    let mut b = String::from(
        "<h1>Cases</h1><table id=\"cases\"><tr><th>Case</th><th>Name</th><th>Accounts</th><th>Networks</th><th>Edges</th><th>Imported by</th></tr>",
    );
    for c in queries::cases(conn)? {
        let _ = write!(
            b,
            "<tr><td><a href=\"/cases/{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>",
            c.id,
            esc(&c.name),
            c.accounts,
            c.networks,
            c.edges,
            esc(&c.imported_by)
        );
    }
    b.push_str("</table>");
    if user.role.can_import() && imports {
        let _ = write!(
            b,
            "<h2>Import an investigation</h2><form method=\"post\" action=\"/ui/cases\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><label>Directory (under the server's import root) <input name=\"dir\" id=\"dir\"></label> <label>Name <input name=\"name\"></label> <button id=\"import\">Import</button></form>",
            esc(csrf)
        );
    }
    if user.role.can_import() {
        let _ = write!(
            b,
            "<h2>Upload an investigation</h2><form method=\"post\" action=\"/ui/cases/upload\" enctype=\"multipart/form-data\" id=\"upload\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><label>Archive (<code>tar</code> of the investigation directory) <input type=\"file\" name=\"archive\" id=\"archive\" accept=\".tar,application/x-tar\"></label> <label>Name <input name=\"name\" id=\"upload-name\"></label> <button id=\"upload-button\">Upload and import</button></form>",
            esc(csrf)
        );
    }
    Ok(b)
}

fn case_page(conn: &Connection, c: i64) -> Result<String> {
    let info = queries::case(conn, c)?;
    let mut b = format!(
        "<h1>Case {}: {}</h1><p class=\"muted\">{} accounts, {} networks, {} edges; from {} (Lockstep {})</p><table id=\"networks\"><tr><th>Network</th><th>Size</th><th>Verdict</th><th>Score</th><th>Origin</th><th>Top evidence</th><th>Picture</th></tr>",
        info.id,
        esc(&info.name),
        info.accounts,
        info.networks,
        info.edges,
        esc(&info.source_dir),
        esc(&info.lockstep_version)
    );
    for n in queries::networks(conn, c)? {
        let metric = |k: &str| {
            n.metrics
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let evidence: String = metric("evidence").chars().take(160).collect();
        let _ = write!(
            b,
            "<tr><td><a href=\"/cases/{c}/networks/{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td class=\"ev\">{5}</td><td>{6}</td></tr>",
            n.cluster_id,
            n.size,
            esc(n.verdict.as_deref().unwrap_or("")),
            opt_f(n.score),
            esc(&metric("origin")),
            esc(&evidence),
            picture(conn, c, n.cluster_id, 60, 24)?
        );
    }
    b.push_str("</table>");
    Ok(b)
}

/// A small SVG of a network: up to `max` members on a circle, their edges between them.
fn picture(conn: &Connection, c: i64, n: i64, size: i64, max: i64) -> Result<String> {
    let mut st = conn.prepare_cached(
        "SELECT account_id FROM accounts WHERE case_id = ?1 AND cluster_id = ?2 ORDER BY coordination_score DESC, account_id LIMIT ?3",
    )?;
    let ids: Vec<String> = st
        .query_map(crate::params![c, n, max], |r| r.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let k = ids.len().max(1) as f64;
    let r = size as f64 * 0.42;
    let mid = size as f64 / 2.0;
    let pos: std::collections::HashMap<&str, (f64, f64)> = ids
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let t = i as f64 / k * std::f64::consts::TAU;
            (a.as_str(), (mid + r * t.cos(), mid + r * t.sin()))
        })
        .collect();
    let mut svg = format!(
        "<svg width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"network {n}\">"
    );
    let mut est = conn.prepare_cached(
        "SELECT DISTINCT e.source, e.target FROM edges e JOIN accounts s ON s.case_id = e.case_id AND s.account_id = e.source JOIN accounts t ON t.case_id = e.case_id AND t.account_id = e.target WHERE e.case_id = ?1 AND s.cluster_id = ?2 AND t.cluster_id = ?2 LIMIT 400",
    )?;
    let edges = est
        .query_map(crate::params![c, n], |r| {
            Ok((r.get::<String>(0)?, r.get::<String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (s, t) in &edges {
        if let (Some(a), Some(b)) = (pos.get(s.as_str()), pos.get(t.as_str())) {
            let _ = write!(
                svg,
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-width=\"0.5\"/>",
                a.0, a.1, b.0, b.1
            );
        }
    }
    for (x, y) in pos.values() {
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\" fill=\"#dc2626\"/>",
            (size as f64 / 40.0).max(1.5)
        );
    }
    svg.push_str("</svg>");
    Ok(svg)
}

/// The actions a form offers: page actions only on a network page whose network runs pages
/// or groups of that kind.
fn action_options(page_kinds: &[&str]) -> String {
    Action::ALL
        .iter()
        .filter(|a| a.page_kind().is_none_or(|k| page_kinds.contains(&k)))
        .map(|a| format!("<option value=\"{0}\">{0}</option>", a.as_str()))
        .collect()
}

/// The Pages and Groups a network runs (pages.csv), as a table.
fn pages_table(ps: &[queries::Page]) -> String {
    let mut b = String::from(
        "<table id=\"pages\"><tr><th>Page id</th><th>Name</th><th>Kind</th><th>Verdict</th><th>Admins</th><th>Inauthentic admins</th><th>Posing as news</th><th>Evidence</th></tr>",
    );
    for p in ps {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"ev\">{}</td><td>{}</td><td>{}</td><td class=\"ev\">{}</td></tr>",
            esc(&p.page_id),
            esc(&p.page_name),
            esc(&p.page_kind),
            esc(&p.verdict),
            esc(&p.admin_ids.join(", ")),
            p.inauthentic_admins,
            esc(&p.posing_as_news.replace('|', ", ")),
            esc(&p.evidence)
        );
    }
    b.push_str("</table>");
    b
}

fn decisions_table(ds: &[decisions::Decision]) -> String {
    let mut b = String::from(
        "<table class=\"decisions\"><tr><th>Decision</th><th>Target</th><th>Action</th><th>Accounts</th><th>Excluded</th><th>State</th><th>Proposed by</th><th>Reviewed by</th><th>Reason</th></tr>",
    );
    for d in ds {
        let target = match (&d.cluster_id, &d.account_id) {
            (Some(n), _) => format!(
                "<a href=\"/cases/{}/networks/{n}\">network {n}</a>",
                d.case_id
            ),
            (None, Some(a)) => format!(
                "<a href=\"/cases/{}/accounts/{}\">{}</a>",
                d.case_id,
                percent_encode(a),
                esc(a)
            ),
            _ => String::new(),
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>case {} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            d.id,
            d.case_id,
            target,
            esc(&d.action),
            d.accounts,
            esc(&d.exclusions.join(", ")),
            esc(&d.state),
            esc(&d.proposed_by),
            esc(d.reviewed_by.as_deref().unwrap_or("")),
            esc(&d.reason)
        );
    }
    b.push_str("</table>");
    b
}

fn network_page(conn: &Connection, csrf: &str, c: i64, n: i64, req: &Request) -> Result<String> {
    let net = queries::network(conn, c, n)?;
    let q = |k: &str| {
        req.query
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let num = |k: &str, d: i64| -> Result<i64> {
        q(k).map(|v| {
            v.parse()
                .map_err(|_| ServeError::BadRequest(format!("{k}: `{v}` is not an integer")))
        })
        .transpose()
        .map(|x| x.unwrap_or(d))
    };
    let mq = queries::MemberQuery {
        verdict: q("verdict"),
        role: q("role"),
        offset: num("offset", 0)?,
        limit: num("limit", 50)?,
    };
    let members = queries::members(conn, c, n, &mq)?;
    let mut b = format!(
        "<h1>Case {c}, network {n}</h1><p><a href=\"/cases/{c}\">All networks of case {c}</a></p><div style=\"display:flex;gap:2em\"><div><table id=\"facts\"><tr><th>Size</th><td>{}</td></tr><tr><th>Verdict</th><td>{}</td></tr><tr><th>Score</th><td>{}</td></tr><tr><th>Layers</th><td>{}</td></tr><tr><th>Median delay (s)</th><td>{:.1}</td></tr><tr><th>Edges</th><td>{}</td></tr><tr><th>Density</th><td>{:.3}</td></tr>",
        net.size,
        esc(net.verdict.as_deref().unwrap_or("")),
        opt_f(net.score),
        esc(&net.layers),
        net.median_delay_s,
        net.edges,
        net.density
    );
    for (k, v) in &net.metrics {
        let _ = write!(
            b,
            "<tr><th>{}</th><td class=\"ev\">{}</td></tr>",
            esc(k),
            esc(v.as_str().unwrap_or(""))
        );
    }
    let _ = write!(
        b,
        "</table></div><div>{}</div></div>",
        picture(conn, c, n, 320, 200)?
    );
    let pages = queries::pages(conn, c, n)?;
    if !pages.is_empty() {
        let _ = write!(
            b,
            "<h2>Pages and Groups run by this network</h2>{}",
            pages_table(&pages)
        );
    }
    let kinds: Vec<&str> = ["page", "group"]
        .into_iter()
        .filter(|k| pages.iter().any(|p| p.page_kind == *k))
        .collect();
    let _ = write!(
        b,
        "<h2>Propose a decision on the whole network</h2><form method=\"post\" action=\"/ui/decisions\" id=\"propose\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"case_id\" value=\"{c}\"><input type=\"hidden\" name=\"network\" value=\"{n}\"><p><label>Action <select name=\"action\" id=\"action\">{}</select></label></p><p><label>Except these accounts (one id per line; for remove_page / remove_group: page ids)<br><textarea name=\"exclusions\" id=\"exclusions\"></textarea></label></p><p><label>Reason <input name=\"reason\" id=\"reason\" size=\"60\"></label></p><button id=\"submit-proposal\">Propose</button></form>",
        esc(csrf),
        action_options(&kinds)
    );
    b.push_str("<h2>Decisions on this network</h2>");
    let ds: Vec<_> = decisions::list(conn, None, Some(c), None, 200)?
        .into_iter()
        .filter(|d| d.cluster_id == Some(n))
        .collect();
    b.push_str(&decisions_table(&ds));
    let sel = |name: &str, cur: &Option<String>, opts: &[&str]| -> String {
        let mut s = format!("<select name=\"{name}\"><option value=\"\">any</option>");
        for o in opts {
            let _ = write!(
                s,
                "<option{}>{o}</option>",
                if cur.as_deref() == Some(o) {
                    " selected"
                } else {
                    ""
                }
            );
        }
        s + "</select>"
    };
    let _ = write!(
        b,
        "<h2>Members ({} matching)</h2><form method=\"get\">Verdict {} Role {} <button>Filter</button></form><table id=\"members\"><tr><th>Account</th><th>Screen name</th><th>Verdict</th><th>Role</th><th>Coordination</th><th>Inauthenticity</th><th>Enforcement</th><th>Evidence</th></tr>",
        members.total,
        sel(
            "verdict",
            &mq.verdict,
            &["inauthentic", "coordinated_organic", "none"]
        ),
        sel("role", &mq.role, &["core", "amplifier"])
    );
    for a in &members.accounts {
        let _ = write!(
            b,
            "<tr><td><a href=\"/cases/{c}/accounts/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"ev\">{}</td></tr>",
            percent_encode(&a.account_id),
            esc(&a.account_id),
            esc(&a.screen_name),
            esc(a.verdict.as_deref().unwrap_or("")),
            esc(a.role.as_deref().unwrap_or("")),
            opt_f(a.coordination_score),
            opt_f(a.inauthenticity_score),
            esc(a.enforcement.as_deref().unwrap_or("")),
            esc(&a.evidence)
        );
    }
    b.push_str("</table>");
    let link = |off: i64| {
        let mut l = format!("/cases/{c}/networks/{n}?offset={off}&limit={}", mq.limit);
        for (k, v) in [("verdict", &mq.verdict), ("role", &mq.role)] {
            if let Some(v) = v {
                let _ = write!(l, "&{k}={}", percent_encode(v));
            }
        }
        l
    };
    if mq.offset > 0 {
        let _ = write!(
            b,
            "<a href=\"{}\">previous</a> ",
            esc(&link((mq.offset - mq.limit).max(0)))
        );
    }
    if mq.offset + mq.limit < members.total {
        let _ = write!(
            b,
            "<a href=\"{}\" id=\"next\">next</a>",
            esc(&link(mq.offset + mq.limit))
        );
    }
    Ok(b)
}

fn account_page(conn: &Connection, csrf: &str, c: i64, a: &str) -> Result<String> {
    let acc = queries::account(conn, c, a)?;
    let mut b = format!(
        "<h1>Account {}</h1><table id=\"account\"><tr><th>Screen name</th><td>{}</td></tr><tr><th>Network</th><td>{}</td></tr><tr><th>Verdict</th><td>{}</td></tr><tr><th>Role</th><td>{}</td></tr><tr><th>Coordination score</th><td>{}</td></tr><tr><th>Inauthenticity score</th><td>{}</td></tr><tr><th>Enforcement</th><td>{}</td></tr><tr><th>Evidence</th><td class=\"ev\">{}</td></tr></table>",
        esc(&acc.account_id),
        esc(&acc.screen_name),
        acc.cluster_id
            .map(|n| format!("<a href=\"/cases/{c}/networks/{n}\">{n}</a>"))
            .unwrap_or_default(),
        esc(acc.verdict.as_deref().unwrap_or("")),
        esc(acc.role.as_deref().unwrap_or("")),
        opt_f(acc.coordination_score),
        opt_f(acc.inauthenticity_score),
        esc(acc.enforcement.as_deref().unwrap_or("none")),
        esc(&acc.evidence)
    );
    b.push_str("<h2>Strongest links</h2><table><tr><th>Source</th><th>Target</th><th>Layer</th><th>Scale</th><th>Weight</th><th>Events</th><th>Median dt (s)</th><th>q</th></tr>");
    for e in queries::account_edges(conn, c, a, 50)? {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}</td><td>{}</td></tr>",
            esc(&e.source),
            esc(&e.target),
            esc(&e.layer),
            esc(&e.scale),
            e.weight,
            e.events,
            e.median_dt_s,
            e.q_value.map(|q| format!("{q:.2e}")).unwrap_or_default()
        );
    }
    b.push_str("</table><h2>Decision history</h2>");
    b.push_str(&decisions_table(&decisions::list(
        conn,
        None,
        Some(c),
        Some(a),
        200,
    )?));
    let _ = write!(
        b,
        "<h2>Propose a decision on this account</h2><form method=\"post\" action=\"/ui/decisions\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"case_id\" value=\"{c}\"><input type=\"hidden\" name=\"account\" value=\"{}\"><label>Action <select name=\"action\">{}</select></label> <label>Reason <input name=\"reason\" size=\"50\"></label> <button>Propose</button></form>",
        esc(csrf),
        esc(a),
        action_options(&[])
    );
    Ok(b)
}

fn review_page(conn: &Connection, user: &User, csrf: &str) -> Result<String> {
    let queue = decisions::list(conn, Some("proposed"), None, None, 500)?;
    let mut b = format!(
        "<h1>Review queue</h1><p>{} proposal(s) waiting. A proposal is applied when a reviewer other than its proposer approves it.</p>",
        queue.len()
    );
    b.push_str(&decisions_table(&queue));
    if user.role.can_review() {
        for d in queue.iter().filter(|d| d.proposed_by != user.username) {
            let _ = write!(
                b,
                "<p>Decision {0} ({1} on {2} account(s)): <form class=\"inline\" method=\"post\" action=\"/ui/decisions/{0}/approve\"><input type=\"hidden\" name=\"csrf\" value=\"{3}\"><input name=\"note\" placeholder=\"note\"><button id=\"approve-{0}\">Approve and apply</button></form> <form class=\"inline\" method=\"post\" action=\"/ui/decisions/{0}/reject\"><input type=\"hidden\" name=\"csrf\" value=\"{3}\"><input name=\"note\" placeholder=\"note\"><button id=\"reject-{0}\">Reject</button></form></p>",
                d.id,
                esc(&d.action),
                d.accounts,
                esc(csrf)
            );
        }
    }
    b.push_str("<h2>Recent decisions</h2>");
    b.push_str(&decisions_table(&decisions::list(
        conn, None, None, None, 50,
    )?));
    Ok(b)
}

fn audit_page(conn: &Connection, req: &Request) -> Result<String> {
    let after = req
        .query
        .iter()
        .find(|(k, _)| k == "after")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(0);
    let status = match audit::verify(conn)? {
        audit::Verification::Intact { rows, head } => format!(
            "<p id=\"chain\">Chain intact: {rows} row(s), head <code>{}</code></p>",
            esc(&head)
        ),
        audit::Verification::Broken { seq, problem } => format!(
            "<p id=\"chain\" class=\"err\">Chain broken at row {seq}: {}</p>",
            esc(&problem)
        ),
    };
    let rows = audit::rows(conn, after, 500)?;
    let mut b = format!(
        "<h1>Audit log</h1>{status}<table id=\"audit\"><tr><th>Seq</th><th>At (unix s)</th><th>Actor</th><th>Action</th><th>Subject</th><th>Detail</th><th>Hash</th></tr>"
    );
    for r in &rows {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"ev\">{}</td><td><code>{}</code></td></tr>",
            r.seq,
            r.at,
            esc(&r.actor),
            esc(&r.action),
            esc(&r.subject),
            esc(&r.detail),
            esc(&r.hash[..16.min(r.hash.len())])
        );
    }
    b.push_str("</table>");
    if let Some(last) = rows.last().filter(|_| rows.len() == 500) {
        let _ = write!(b, "<a href=\"/audit?after={}\">more</a>", last.seq);
    }
    Ok(b)
}

/// Reads the proposal form (`case_id`, `network` or `account`, `action`, `exclusions` one per
/// line, `reason`).
pub fn proposal_from_form(f: &[(String, String)]) -> Result<Proposal> {
    let get = |k: &str| {
        f.iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let case_id = get("case_id")
        .ok_or_else(|| ServeError::BadRequest("case_id: missing".into()))?
        .parse()
        .map_err(|_| ServeError::BadRequest("case_id: not an integer".into()))?;
    let target = match (get("network"), get("account")) {
        (Some(n), None) => Target::Network(
            n.parse()
                .map_err(|_| ServeError::BadRequest("network: not an integer".into()))?,
        ),
        (None, Some(a)) => Target::Account(a.to_string()),
        _ => {
            return Err(ServeError::BadRequest(
                "give either network or account".into(),
            ));
        }
    };
    let action = Action::parse(get("action").unwrap_or(""))?;
    let exclusions = get("exclusions")
        .map(|e| {
            e.split(['\n', '\r', ',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    Ok(Proposal {
        case_id,
        target,
        action,
        exclusions,
        reason: get("reason").unwrap_or("").to_string(),
    })
}
