//! The store end to end, on SQLite and on PostgreSQL (each test runs on both): import an investigation written by the export crate's own
//! writers, propose / review decisions, read the feed, verify and tamper with the audit chain.

mod common;
use common::{Backend, TestStore, write_investigation};
use lockstep_serve::audit::{self, Verification};
use lockstep_serve::db::{self, DatabaseUrl};
use lockstep_serve::decisions::{self, Action, Proposal, Target};
use lockstep_serve::import::import_case;
use lockstep_serve::users::{Role, User, add_user};
use lockstep_serve::{Connection, params};

on_both_backends!(
    import_propose_approve_feed_audit,
    bad_input_changes_nothing,
    migrations_apply_once_and_store_reopens,
    pages_import_and_page_decisions,
);

fn setup(b: Backend) -> (tempfile::TempDir, TestStore, Connection, User, User, User) {
    let tmp = tempfile::tempdir().unwrap();
    write_investigation(&tmp.path().join("inv"));
    let store = TestStore::new(&b, tmp.path());
    let c = db::open(&store.url).unwrap();
    let ana = add_user(&c, "cli", "ana", Role::Analyst, "analyst pass").unwrap();
    let rev = add_user(&c, "cli", "rev", Role::Reviewer, "reviewer pass").unwrap();
    let rev2 = add_user(&c, "cli", "rev2", Role::Reviewer, "reviewer pass").unwrap();
    (tmp, store, c, ana, rev, rev2)
}

fn import_propose_approve_feed_audit(b: Backend) {
    let (tmp, _store, c, ana, rev, rev2) = setup(b);
    let imp = import_case(&c, &tmp.path().join("inv"), None, &ana).unwrap();
    assert_eq!((imp.accounts, imp.networks, imp.edges), (9, 2, 1));
    // Free text is read back unguarded.
    let name: String = c
        .query_row(
            "SELECT screen_name FROM accounts WHERE account_id = 'a0'",
            params![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "=HYPERLINK(\"x\")");
    let metrics: String = c
        .query_row(
            "SELECT metrics_json FROM networks WHERE cluster_id = 0",
            params![],
            |r| r.get(0),
        )
        .unwrap();
    let metrics: serde_json::Value = serde_json::from_str(&metrics).unwrap();
    assert_eq!(metrics["origin"], "-state");

    let p = Proposal {
        case_id: imp.case_id,
        target: Target::Network(0),
        action: Action::Suspend,
        exclusions: vec!["a3".into()],
        reason: "state operation".into(),
    };
    let id = decisions::propose(&c, &ana, &p).unwrap();
    // Nothing in the feed before review.
    assert!(decisions::feed(&c, 0, 100).unwrap().is_empty());
    // A proposer cannot approve their own decision; an analyst cannot review at all.
    let own = decisions::propose(&c, &rev, &p).unwrap();
    assert_eq!(
        decisions::review(&c, &rev, own, true, "")
            .unwrap_err()
            .status(),
        403
    );
    assert_eq!(
        decisions::review(&c, &ana, id, true, "")
            .unwrap_err()
            .status(),
        403
    );
    let lines = decisions::review(&c, &rev, id, true, "ok").unwrap();
    let got: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.account_id.as_deref())
        .collect();
    assert_eq!(got, ["a0", "a1", "a2", "a4"]);
    // Applied once: a second review is a conflict and adds nothing.
    assert_eq!(
        decisions::review(&c, &rev2, id, true, "")
            .unwrap_err()
            .status(),
        409
    );
    // The same suspension approved again (other decision) sends nothing twice.
    let again = decisions::review(&c, &rev2, own, true, "").unwrap();
    assert!(again.is_empty(), "{again:?}");
    let feed = decisions::feed(&c, 0, 100).unwrap();
    assert_eq!(feed.len(), 4);
    assert_eq!(feed[0].idempotency_key, format!("d{id}:a0"));
    assert_eq!(decisions::feed(&c, feed[1].id, 100).unwrap().len(), 2);

    // Restore one account: one restore line; a rejected decision writes nothing.
    let r = decisions::propose(
        &c,
        &ana,
        &Proposal {
            case_id: imp.case_id,
            target: Target::Account("a1".into()),
            action: Action::Restore,
            exclusions: vec![],
            reason: "activist".into(),
        },
    )
    .unwrap();
    let rej = decisions::propose(
        &c,
        &ana,
        &Proposal {
            case_id: imp.case_id,
            target: Target::Network(1),
            action: Action::LabelStateAffiliated,
            exclusions: vec![],
            reason: String::new(),
        },
    )
    .unwrap();
    assert!(
        decisions::review(&c, &rev, rej, false, "weak")
            .unwrap()
            .is_empty()
    );
    let restored = decisions::review(&c, &rev, r, true, "").unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0].action, "restore");
    assert_eq!(decisions::feed(&c, 0, 100).unwrap().len(), 5);

    match audit::verify(&c).unwrap() {
        Verification::Intact { rows, .. } => {
            let actions: Vec<String> = audit::rows(&c, 0, 1000)
                .unwrap()
                .into_iter()
                .map(|r| r.action)
                .collect();
            assert_eq!(rows as usize, actions.len());
            for a in [
                "user.add",
                "case.import",
                "decision.propose",
                "decision.approve",
                "decision.apply",
                "decision.reject",
            ] {
                assert!(
                    actions.iter().any(|x| x == a),
                    "{a} not audited: {actions:?}"
                );
            }
        }
        b => panic!("{b:?}"),
    }
    // Tamper through plain SQL: verify names the row.
    let seq: i64 = c
        .query_row(
            "SELECT seq FROM audit WHERE action = 'decision.approve' LIMIT 1",
            params![],
            |r| r.get(0),
        )
        .unwrap();
    c.execute(
        "UPDATE audit SET actor = 'ana' WHERE seq = ?1",
        params![seq],
    )
    .unwrap();
    assert!(matches!(audit::verify(&c).unwrap(), Verification::Broken { seq: s, .. } if s == seq));
}

fn bad_input_changes_nothing(b: Backend) {
    let (tmp, _store, c, ana, rev, _) = setup(b);
    let count = |c: &Connection, t: &str| -> i64 {
        c.query_row(&format!("SELECT COUNT(*) FROM {t}"), params![], |r| {
            r.get(0)
        })
        .unwrap()
    };
    // Not an investigation: no manifest.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(
        import_case(&c, &empty, None, &ana).unwrap_err().status(),
        400
    );
    // A manifest but a bad number in accounts.csv (line 3): named, nothing imported.
    let inv = tmp.path().join("inv");
    let text = std::fs::read_to_string(inv.join("accounts.csv")).unwrap();
    let bad = tmp.path().join("bad");
    write_investigation(&bad);
    std::fs::write(
        bad.join("accounts.csv"),
        text.replacen(",0.9,", ",zero,", 2),
    )
    .unwrap();
    std::fs::remove_file(bad.join("lockstep-manifest.json")).unwrap();
    lockstep_outdir::write_manifest(&bad, "test").unwrap();
    let e = import_case(&c, &bad, None, &ana).unwrap_err();
    assert!(
        e.to_string().contains("line 2, field `coordination_score`"),
        "{e}"
    );
    assert_eq!(count(&c, "cases"), 0);
    assert_eq!(count(&c, "accounts"), 0);
    assert_eq!(count(&c, "networks"), 0);

    let imp = import_case(&c, &inv, None, &ana).unwrap();
    let audit_before = count(&c, "audit");
    let prop = |target, exclusions: Vec<&str>, action| Proposal {
        case_id: imp.case_id,
        target,
        action,
        exclusions: exclusions.into_iter().map(String::from).collect(),
        reason: String::new(),
    };
    let cases: [(Proposal, u16); 5] = [
        (prop(Target::Network(7), vec![], Action::Suspend), 404),
        (prop(Target::Network(0), vec!["b0"], Action::Suspend), 400),
        (
            prop(Target::Account("nobody".into()), vec![], Action::Suspend),
            404,
        ),
        (
            prop(Target::Account("a0".into()), vec!["a1"], Action::Suspend),
            400,
        ),
        // Network 1 runs no Page.
        (prop(Target::Network(1), vec![], Action::RemovePage), 400),
    ];
    for (p, status) in cases {
        assert_eq!(
            decisions::propose(&c, &ana, &p).unwrap_err().status(),
            status,
            "{p:?}"
        );
    }
    let mut unknown_case = prop(Target::Network(0), vec![], Action::Suspend);
    unknown_case.case_id = 99;
    assert_eq!(
        decisions::propose(&c, &ana, &unknown_case)
            .unwrap_err()
            .status(),
        404
    );
    assert_eq!(
        decisions::review(&c, &rev, 42, true, "")
            .unwrap_err()
            .status(),
        404
    );
    assert_eq!(count(&c, "decisions"), 0);
    assert_eq!(count(&c, "audit"), audit_before);
}

fn migrations_apply_once_and_store_reopens(b: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let store = TestStore::new(&b, tmp.path());
    let url = store.url.clone();
    let c = db::open(&url).unwrap();
    add_user(&c, "cli", "ana", Role::Analyst, "analyst pass").unwrap();
    drop(c);
    let c = db::open(&url).unwrap();
    let n: i64 = c
        .query_row("SELECT COUNT(*) FROM schema_migrations", params![], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, db::MIGRATIONS.len() as i64);
    assert!(matches!(
        audit::verify(&c).unwrap(),
        Verification::Intact { rows: 1, .. }
    ));
    assert_eq!(
        DatabaseUrl::parse("sqlite:x.db").unwrap(),
        DatabaseUrl::Sqlite("x.db".into())
    );
    assert_eq!(
        DatabaseUrl::parse("postgres://h/db").unwrap(),
        DatabaseUrl::Postgres("postgres://h/db".into())
    );
    assert_eq!(
        DatabaseUrl::parse("mysql://h/db").unwrap_err().status(),
        400
    );
}

fn pages_import_and_page_decisions(b: Backend) {
    let (tmp, _store, c, ana, rev, _) = setup(b);
    let imp = import_case(&c, &tmp.path().join("inv"), None, &ana).unwrap();
    assert_eq!(imp.pages, 3);
    let pages = lockstep_serve::queries::pages(&c, imp.case_id, 0).unwrap();
    let got: Vec<(&str, &str, Vec<&str>)> = pages
        .iter()
        .map(|p| {
            (
                p.page_id.as_str(),
                p.page_kind.as_str(),
                p.admin_ids.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("g1", "group", vec!["a3", "silent"]),
            ("p1", "page", vec!["a0", "a1"]),
            ("p2", "page", vec!["a2"]),
        ]
    );
    // Free text read back unguarded.
    assert_eq!(pages[1].page_name, "=Daily p1");
    assert!(
        lockstep_serve::queries::pages(&c, imp.case_id, 1)
            .unwrap()
            .is_empty()
    );
    let propose = |action, target, exclusions: &[&str]| {
        decisions::propose(
            &c,
            &ana,
            &Proposal {
                case_id: imp.case_id,
                target,
                action,
                exclusions: exclusions.iter().map(|x| x.to_string()).collect(),
                reason: "pages posing as news".into(),
            },
        )
    };
    // Refused, nothing recorded: a page action on an account, on a network without pages, an
    // exclusion that is not one of the network's pages of that kind.
    for (action, target, ex, status) in [
        (
            Action::RemovePage,
            Target::Account("a0".into()),
            vec![],
            400,
        ),
        (Action::RemovePage, Target::Network(1), vec![], 400),
        (Action::RemovePage, Target::Network(0), vec!["g1"], 400),
        (Action::RemoveGroup, Target::Network(0), vec!["a0"], 400),
    ] {
        assert_eq!(propose(action, target, &ex).unwrap_err().status(), status);
    }
    let n: i64 = c
        .query_row("SELECT COUNT(*) FROM decisions", params![], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    // remove_page on network 0 except p2, then remove_group: one line per page / group.
    let d = propose(Action::RemovePage, Target::Network(0), &["p2"]).unwrap();
    assert_eq!(decisions::get(&c, d).unwrap().accounts, 1);
    let lines = decisions::review(&c, &rev, d, true, "").unwrap();
    let got: Vec<(&str, Option<&str>, Option<&str>)> = lines
        .iter()
        .map(|l| {
            (
                l.subject.as_str(),
                l.page_id.as_deref(),
                l.account_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(got, [("page", Some("p1"), None)]);
    let g = propose(Action::RemoveGroup, Target::Network(0), &[]).unwrap();
    decisions::review(&c, &rev, g, true, "").unwrap();
    // The same removal again sends nothing twice.
    let again = propose(Action::RemovePage, Target::Network(0), &["p2"]).unwrap();
    assert!(
        decisions::review(&c, &rev, again, true, "")
            .unwrap()
            .is_empty()
    );
    let feed = decisions::feed(&c, 0, 100).unwrap();
    let keys: Vec<(&str, &str, &str)> = feed
        .iter()
        .map(|l| {
            (
                l.idempotency_key.as_str(),
                l.subject.as_str(),
                l.action.as_str(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            (format!("d{d}:p1").as_str(), "page", "remove_page"),
            (format!("d{g}:g1").as_str(), "group", "remove_group"),
        ]
    );
    let json = serde_json::to_value(&feed[0]).unwrap();
    assert_eq!(json["page_id"], "p1");
    assert!(json.get("account_id").is_none(), "{json}");
    assert!(matches!(
        lockstep_serve::audit::verify(&c).unwrap(),
        Verification::Intact { .. }
    ));
}
