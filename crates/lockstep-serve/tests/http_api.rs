//! The server over real HTTP, on SQLite and on PostgreSQL (each test runs on both): the authorisation matrix (every route as anonymous and as each
//! role, exact status codes), CSRF, four-eyes rule, bad input, and the whole flow to the feed.

mod common;
use common::{Backend, Reply, TestStore, request, write_investigation};
use lockstep_serve::db::{self, DatabaseUrl};
use lockstep_serve::decisions::{self, Action, Proposal, Target};
use lockstep_serve::http::{self, Config, ROUTES};
use lockstep_serve::params;
use lockstep_serve::users::{self, Role};
use std::net::SocketAddr;

on_both_backends!(
    authorisation_matrix,
    csrf_four_eyes_and_bad_input_change_nothing,
    flow_tokens_throttling_and_pages,
    ads_screen_endpoint,
    upload_import_is_one_case_or_nothing,
);

struct Server {
    _tmp: tempfile::TempDir,
    addr: SocketAddr,
    url: DatabaseUrl,
    _store: TestStore,
}

const PASSWORD: &str = "a long password";

fn start(b: Backend) -> Server {
    let tmp = tempfile::tempdir().unwrap();
    write_investigation(&tmp.path().join("inv"));
    let store = TestStore::new(&b, tmp.path());
    let url = store.url.clone();
    let c = db::open(&url).unwrap();
    for (name, role) in [
        ("ana", Role::Analyst),
        ("ana2", Role::Analyst),
        ("rev", Role::Reviewer),
        ("adm", Role::Admin),
    ] {
        users::add_user(&c, "test", name, role, PASSWORD).unwrap();
    }
    let ana = users::user_by_name(&c, "ana").unwrap().unwrap();
    lockstep_serve::import::import_case(&c, &tmp.path().join("inv"), Some("fixture"), &ana)
        .unwrap();
    let mut config = Config::new(url.clone(), "127.0.0.1:0");
    config.import_root = Some(tmp.path().to_path_buf());
    config.max_body_bytes = 64 * 1024;
    let running = http::start(config).unwrap();
    Server {
        addr: running.addr,
        _tmp: tmp,
        url,
        _store: store,
    }
}

/// A logged-in caller: cookie header and CSRF token.
struct Caller {
    cookie: String,
    csrf: String,
}

fn login(s: &Server, user: &str) -> Caller {
    let body = serde_json::json!({"username": user, "password": PASSWORD}).to_string();
    let r = request(
        s.addr,
        "POST",
        "/api/v1/login",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let set = r.header("set-cookie").unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    Caller {
        cookie,
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    }
}

fn call(
    s: &Server,
    who: Option<&Caller>,
    method: &str,
    path: &str,
    body: &str,
    form: bool,
) -> Reply {
    let mut h: Vec<(&str, &str)> = vec![(
        "Content-Type",
        if form {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        },
    )];
    let mut body = body.to_string();
    if let Some(c) = who {
        h.push(("Cookie", &c.cookie));
        if form {
            body = format!("csrf={}&{body}", c.csrf);
        } else {
            h.push(("X-CSRF-Token", &c.csrf));
        }
    }
    request(s.addr, method, path, &h, body.as_bytes())
}

fn fresh_proposal(s: &Server) -> i64 {
    let c = db::open(&s.url).unwrap();
    let ana2 = users::user_by_name(&c, "ana2").unwrap().unwrap();
    decisions::propose(
        &c,
        &ana2,
        &Proposal {
            case_id: 1,
            target: Target::Network(1),
            action: Action::LabelStateAffiliated,
            exclusions: vec![],
            reason: String::new(),
        },
    )
    .unwrap()
}

fn authorisation_matrix(b: Backend) {
    let s = start(b);
    let roles = [None, Some("ana"), Some("rev"), Some("adm")];
    // Expected status as [anonymous, analyst, reviewer, admin] for every route of ROUTES.
    let expected: Vec<(&str, &str, [u16; 4])> = vec![
        ("GET", "/api/v1/openapi.json", [200, 200, 200, 200]),
        ("POST", "/api/v1/login", [200, 200, 200, 200]),
        ("POST", "/api/v1/logout", [401, 204, 204, 204]),
        ("GET", "/api/v1/me", [401, 200, 200, 200]),
        ("GET", "/api/v1/cases", [401, 200, 200, 200]),
        ("POST", "/api/v1/cases", [401, 201, 403, 201]),
        ("GET", "/api/v1/cases/{case}", [401, 200, 200, 200]),
        ("GET", "/api/v1/cases/{case}/networks", [401, 200, 200, 200]),
        (
            "GET",
            "/api/v1/cases/{case}/networks/{network}",
            [401, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/cases/{case}/accounts/{account}",
            [401, 200, 200, 200],
        ),
        ("GET", "/api/v1/decisions", [401, 200, 200, 200]),
        ("POST", "/api/v1/decisions", [401, 201, 201, 201]),
        ("GET", "/api/v1/decisions/{decision}", [401, 200, 200, 200]),
        (
            "POST",
            "/api/v1/decisions/{decision}/approve",
            [401, 403, 200, 200],
        ),
        (
            "POST",
            "/api/v1/decisions/{decision}/reject",
            [401, 403, 200, 200],
        ),
        ("GET", "/api/v1/enforcements", [401, 200, 200, 200]),
        ("GET", "/api/v1/audit", [401, 403, 200, 200]),
        ("POST", "/api/v1/users", [401, 403, 403, 201]),
        ("POST", "/api/v1/ads/screen", [401, 200, 200, 200]),
        ("GET", "/login", [200, 200, 200, 200]),
        ("POST", "/login", [303, 303, 303, 303]),
        ("POST", "/logout", [401, 303, 303, 303]),
        ("GET", "/", [303, 200, 200, 200]),
        ("GET", "/cases/{case}", [303, 200, 200, 200]),
        (
            "GET",
            "/cases/{case}/networks/{network}",
            [303, 200, 200, 200],
        ),
        (
            "GET",
            "/cases/{case}/accounts/{account}",
            [303, 200, 200, 200],
        ),
        ("GET", "/review", [303, 200, 200, 200]),
        ("GET", "/audit", [303, 403, 200, 200]),
        ("POST", "/ui/cases", [401, 303, 403, 303]),
        ("POST", "/ui/cases/upload", [401, 303, 403, 303]),
        ("POST", "/ui/decisions", [401, 303, 303, 303]),
        (
            "POST",
            "/ui/decisions/{decision}/approve",
            [401, 403, 303, 303],
        ),
        (
            "POST",
            "/ui/decisions/{decision}/reject",
            [401, 403, 303, 303],
        ),
    ];
    // The matrix covers every route, and only routes that exist.
    let listed: Vec<(&str, &str)> = ROUTES.iter().map(|(m, p, _)| (*m, *p)).collect();
    let tested: Vec<(&str, &str)> = expected.iter().map(|(m, p, _)| (*m, *p)).collect();
    assert_eq!(listed, tested);
    let mut failures = Vec::new();
    let mut new_user = 0;
    for (method, pattern, want) in &expected {
        for (i, role) in roles.iter().enumerate() {
            // A fresh session per call (logout ends it) and a fresh proposal for review routes.
            let caller = role.map(|u| login(&s, u));
            let decision = fresh_proposal(&s);
            let path = pattern
                .replace("{case}", "1")
                .replace("{network}", "0")
                .replace("{account}", "a0")
                .replace("{decision}", &decision.to_string());
            new_user += 1;
            let (body, form) = match (*method, *pattern) {
                ("POST", "/api/v1/login") => (serde_json::json!({"username": "ana2", "password": PASSWORD}).to_string(), false),
                ("POST", "/api/v1/cases") => (r#"{"dir":"inv"}"#.to_string(), false),
                ("POST", "/api/v1/decisions") => (r#"{"case_id":1,"target":{"network":0},"action":"suspend","exclusions":["a3"]}"#.to_string(), false),
                ("POST", "/api/v1/users") => (format!(r#"{{"username":"u{new_user}","role":"analyst","password":"{PASSWORD}"}}"#), false),
                ("POST", "/api/v1/ads/screen") => (r#"{"ad_id":"x1","advertiser":"CGTN","payer":"CGTN","landing_url":"https://www.cgtn.com/a","ad_text":"","spend":"5","currency":"USD","submitted_at":"2019-08-20 10:00:00"}"#.to_string(), false),
                ("POST", "/login") => (format!("username=ana2&password={}", PASSWORD.replace(' ', "+")), true),
                ("POST", "/ui/cases") => ("dir=inv".to_string(), true),
                ("POST", "/ui/decisions") => ("case_id=1&network=0&action=suspend&exclusions=a3".to_string(), true),
                ("POST", p) if p.starts_with("/ui/") || p == "/logout" => (String::new(), true),
                _ => (String::new(), false),
            };
            let r = match (caller.as_ref(), *pattern) {
                (Some(c), "/ui/cases/upload") => {
                    let mut b = tar::Builder::new(Vec::new());
                    b.append_dir_all("inv", s._tmp.path().join("inv")).unwrap();
                    upload_form(&s, c, Some(&c.csrf), "matrix", &b.into_inner().unwrap())
                }
                _ => call(&s, caller.as_ref(), method, &path, &body, form),
            };
            if r.status != want[i] {
                failures.push(format!(
                    "{method} {path} as {}: {} (expected {}): {}",
                    role.unwrap_or("anonymous"),
                    r.status,
                    want[i],
                    r.body.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn csrf_four_eyes_and_bad_input_change_nothing(b: Backend) {
    let s = start(b);
    let ana = login(&s, "ana");
    let rev = login(&s, "rev");
    let body = r#"{"case_id":1,"target":{"network":0},"action":"suspend","exclusions":["a3"],"reason":"op"}"#;
    let decisions_count = || {
        let c = db::open(&s.url).unwrap();
        c.query_row("SELECT COUNT(*) FROM decisions", params![], |r| {
            r.get::<i64>(0)
        })
        .unwrap()
    };
    // No CSRF token, a forged one, another session's: 403, nothing recorded.
    let h = [
        ("Content-Type", "application/json"),
        ("Cookie", ana.cookie.as_str()),
    ];
    assert_eq!(
        request(s.addr, "POST", "/api/v1/decisions", &h, body.as_bytes()).status,
        403
    );
    let forged = [
        ("Content-Type", "application/json"),
        ("Cookie", ana.cookie.as_str()),
        ("X-CSRF-Token", "00ff"),
    ];
    assert_eq!(
        request(
            s.addr,
            "POST",
            "/api/v1/decisions",
            &forged,
            body.as_bytes()
        )
        .status,
        403
    );
    let other = [
        ("Content-Type", "application/json"),
        ("Cookie", ana.cookie.as_str()),
        ("X-CSRF-Token", rev.csrf.as_str()),
    ];
    assert_eq!(
        request(s.addr, "POST", "/api/v1/decisions", &other, body.as_bytes()).status,
        403
    );
    let form = "csrf=nope&case_id=1&network=0&action=suspend".to_string();
    let fh = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", ana.cookie.as_str()),
    ];
    assert_eq!(
        request(s.addr, "POST", "/ui/decisions", &fh, form.as_bytes()).status,
        403
    );
    assert_eq!(decisions_count(), 0);

    // Bad input: 4xx, nothing recorded.
    for (path, body, status) in [
        ("/api/v1/decisions", "{not json", 400),
        (
            "/api/v1/decisions",
            r#"{"case_id":9,"target":{"network":0},"action":"suspend"}"#,
            404,
        ),
        (
            "/api/v1/decisions",
            r#"{"case_id":1,"target":{"network":42},"action":"suspend"}"#,
            404,
        ),
        (
            "/api/v1/decisions",
            r#"{"case_id":1,"target":{"network":0},"action":"nuke"}"#,
            400,
        ),
        (
            "/api/v1/decisions",
            r#"{"case_id":1,"target":{"network":0},"action":"suspend","exclusions":["b0"]}"#,
            400,
        ),
        ("/api/v1/cases", r#"{"dir":"../../etc"}"#, 400),
        ("/api/v1/cases", r#"{"dir":"."}"#, 400),
        ("/api/v1/decisions/77/approve", "", 403),
    ] {
        let r = call(&s, Some(&ana), "POST", path, body, false);
        assert_eq!(r.status, status, "{path} {body}: {r:?}");
        assert!(r.json()["error"].is_string());
    }
    let r = call(
        &s,
        Some(&rev),
        "POST",
        "/api/v1/decisions/77/approve",
        "",
        false,
    );
    assert_eq!(r.status, 404);
    let big = "x".repeat(70 * 1024);
    assert_eq!(
        call(&s, Some(&ana), "POST", "/api/v1/decisions", &big, false).status,
        413
    );
    assert_eq!(
        call(
            &s,
            Some(&ana),
            "GET",
            "/api/v1/cases/1/networks/0?limit=0",
            "",
            false
        )
        .status,
        400
    );
    assert_eq!(
        call(&s, Some(&ana), "GET", "/api/v1/cases/abc", "", false).status,
        404
    );
    assert_eq!(decisions_count(), 0);

    // The four-eyes rule and nothing applied twice.
    let r = call(&s, Some(&rev), "POST", "/api/v1/decisions", body, false);
    assert_eq!(r.status, 201);
    let own = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        call(
            &s,
            Some(&rev),
            "POST",
            &format!("/api/v1/decisions/{own}/approve"),
            "",
            false
        )
        .status,
        403
    );
    let adm = login(&s, "adm");
    let r = call(
        &s,
        Some(&adm),
        "POST",
        &format!("/api/v1/decisions/{own}/approve"),
        r#"{"note":"ok"}"#,
        false,
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["enforcements"].as_array().unwrap().len(), 4);
    assert_eq!(
        call(
            &s,
            Some(&adm),
            "POST",
            &format!("/api/v1/decisions/{own}/approve"),
            "",
            false
        )
        .status,
        409
    );
    assert_eq!(
        call(
            &s,
            Some(&adm),
            "POST",
            &format!("/api/v1/decisions/{own}/reject"),
            "",
            false
        )
        .status,
        409
    );
    let feed = call(
        &s,
        Some(&ana),
        "GET",
        "/api/v1/enforcements?after=0",
        "",
        false,
    )
    .json();
    assert_eq!(feed.as_array().unwrap().len(), 4);
}

fn flow_tokens_throttling_and_pages(b: Backend) {
    let s = start(b);
    let ana = login(&s, "ana");
    // Propose through the form, approve with an API token (no cookie, no CSRF).
    let r = call(
        &s,
        Some(&ana),
        "POST",
        "/ui/decisions",
        "case_id=1&network=0&action=suspend&exclusions=a3%0Aa4&reason=state+op",
        true,
    );
    assert_eq!(r.status, 303, "{r:?}");
    let c = db::open(&s.url).unwrap();
    let token = users::create_api_token(&c, "test", "rev", "bot").unwrap();
    let auth = format!("Bearer {token}");
    let r = request(
        s.addr,
        "POST",
        "/api/v1/decisions/1/approve",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 200, "{r:?}");
    let feed = request(
        s.addr,
        "GET",
        "/api/v1/enforcements?after=0",
        &[("Authorization", &auth)],
        b"",
    )
    .json();
    let accounts: Vec<&str> = feed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, ["a0", "a1", "a2"]);
    let last = feed[1]["id"].as_i64().unwrap();
    let rest = request(
        s.addr,
        "GET",
        &format!("/api/v1/enforcements?after={last}"),
        &[("Authorization", &auth)],
        b"",
    )
    .json();
    assert_eq!(rest.as_array().unwrap().len(), 1);
    assert_eq!(
        request(
            s.addr,
            "GET",
            "/api/v1/me",
            &[("Authorization", "Bearer lst_forged")],
            b""
        )
        .status,
        401
    );

    // Pages render the data, escaped.
    let page = call(
        &s,
        Some(&ana),
        "GET",
        "/cases/1/networks/0?role=core&limit=2",
        "",
        false,
    );
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("=HYPERLINK(&quot;x&quot;)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"next\""));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("script-src 'none'")
    );
    let acct = call(&s, Some(&ana), "GET", "/cases/1/accounts/a0", "", false);
    assert!(acct.body.contains("suspend"));

    // Throttling: after the allowed failures even the right password gets 429.
    for _ in 0..users::MAX_FAILED_LOGINS {
        let r = request(
            s.addr,
            "POST",
            "/api/v1/login",
            &[],
            br#"{"username":"ana2","password":"wrong password"}"#,
        );
        assert_eq!(r.status, 401);
    }
    let r = request(
        s.addr,
        "POST",
        "/api/v1/login",
        &[],
        format!(r#"{{"username":"ana2","password":"{PASSWORD}"}}"#).as_bytes(),
    );
    assert_eq!(r.status, 429);
    assert!(matches!(
        lockstep_serve::audit::verify(&c).unwrap(),
        lockstep_serve::audit::Verification::Intact { .. }
    ));
}

fn ads_screen_endpoint(b: Backend) {
    let s = start(b);
    let ana = login(&s, "ana");
    let ad = |id: &str, adv: &str, url: &str, user: &str| {
        serde_json::json!({"ad_id": id, "advertiser": adv, "payer": adv, "landing_url": url,
            "ad_text": "", "spend": 12.5, "currency": "EUR",
            "submitted_at": "2019-08-20 10:00:00", "userid": user})
    };
    // One ad: the same decision `lockstep ads screen` gives (the one screen of lockstep-ads).
    let one = ad("s1", "Sputnik", "https://sputnikglobe.com/x", "");
    let r = call(
        &s,
        Some(&ana),
        "POST",
        "/api/v1/ads/screen",
        &one.to_string(),
        false,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let reg = lockstep_ads::StateMediaRegistry::builtin();
    let row = lockstep_ads::row_of_json("ad", 1, &one).unwrap();
    let cli = lockstep_ads::Screener::new(&reg, Default::default()).screen(&row);
    let j = r.json();
    assert_eq!(j["decisions"][0]["decision"], cli.decision.as_str());
    assert_eq!(j["decisions"][0]["rule"], cli.rule.as_str());
    assert_eq!(j["decisions"][0]["entity"], cli.entity.as_str());
    assert_eq!(j["decisions"][0]["decision"], "reject");
    // A batch in a case: an ordinary ad by an account the case judged inauthentic goes to review.
    let batch = serde_json::json!({"case_id": 1, "ads": [
        ad("b1", "Bakery", "https://bakery.example.com/", "a0"),
        ad("b2", "Bakery", "https://bakery.example.com/", "loner"),
    ]});
    let r = call(
        &s,
        Some(&ana),
        "POST",
        "/api/v1/ads/screen",
        &batch.to_string(),
        false,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let j = r.json();
    assert_eq!(j["decisions"][0]["decision"], "review");
    assert_eq!(j["decisions"][0]["rule"], "inauthentic_account");
    assert!(
        j["decisions"][0]["evidence"]
            .as_str()
            .unwrap()
            .contains("case 1 (network 0)"),
        "{j}"
    );
    assert_eq!(j["decisions"][1]["decision"], "allow");
    assert_eq!(j["summary"]["ads"], 2);
    // Refusals: no CSRF token (403), not an ad (400), unknown case (404), oversized body (413).
    let h = [
        ("Content-Type", "application/json"),
        ("Cookie", ana.cookie.as_str()),
    ];
    let body = one.to_string();
    assert_eq!(
        request(s.addr, "POST", "/api/v1/ads/screen", &h, body.as_bytes()).status,
        403
    );
    for (body, status) in [
        ("{not json".to_string(), 400),
        (r#"[{"ad_id":"x"}]"#.to_string(), 400),
        (
            serde_json::json!({"case_id": 9, "ads": [one.clone()]}).to_string(),
            404,
        ),
        (format!("[{}]", vec![body.as_str(); 1000].join(",")), 413),
    ] {
        let r = call(&s, Some(&ana), "POST", "/api/v1/ads/screen", &body, false);
        assert_eq!(r.status, status, "{}: {r:?}", &body[..body.len().min(80)]);
    }
}

fn upload_import_is_one_case_or_nothing(b: Backend) {
    let s = start(b);
    let ana = login(&s, "ana");
    let rev = login(&s, "rev");
    let inv = s._tmp.path().join("inv");
    let cases = || {
        let c = db::open(&s.url).unwrap();
        c.query_row("SELECT COUNT(*) FROM cases", params![], |r| r.get::<i64>(0))
            .unwrap()
    };
    let post = |who: &Caller, path: &str, body: &[u8]| {
        request(
            s.addr,
            "POST",
            path,
            &[
                ("Content-Type", "application/x-tar"),
                ("Cookie", who.cookie.as_str()),
                ("X-CSRF-Token", who.csrf.as_str()),
            ],
            body,
        )
    };
    // The directory in one top-level folder, and its files at the top: both import.
    let mut b = tar::Builder::new(Vec::new());
    b.append_dir_all("inv", &inv).unwrap();
    let in_folder = b.into_inner().unwrap();
    let mut b = tar::Builder::new(Vec::new());
    for f in std::fs::read_dir(&inv).unwrap() {
        let f = f.unwrap();
        b.append_path_with_name(f.path(), f.file_name()).unwrap();
    }
    let at_top = b.into_inner().unwrap();
    let before = cases();
    let r = post(&ana, "/api/v1/cases?name=uploaded", &in_folder);
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(
        (r.json()["accounts"].as_i64(), r.json()["pages"].as_i64()),
        (Some(9), Some(3))
    );
    let r = post(&ana, "/api/v1/cases", &at_top);
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(cases(), before + 2);
    // Refused, nothing imported: not a tar, a symbolic link, no investigation inside, a
    // reviewer, no CSRF token.
    // A complete investigation plus one symbolic link: refused for the link alone.
    let mut b = tar::Builder::new(Vec::new());
    b.append_dir_all("inv", &inv).unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "inv/notes.txt", "/etc/passwd")
        .unwrap();
    let link = b.into_inner().unwrap();
    let mut b = tar::Builder::new(Vec::new());
    b.append_path_with_name(inv.join("accounts.csv"), "accounts.csv")
        .unwrap();
    let no_manifest = b.into_inner().unwrap();
    for (who, body, status) in [
        (
            &ana,
            b"certainly not a tar archive, but long enough to be read as one header?".repeat(8),
            400,
        ),
        (&ana, link, 400),
        (&ana, no_manifest, 400),
        (&rev, in_folder.clone(), 403),
    ] {
        let r = post(who, "/api/v1/cases", &body);
        assert_eq!(r.status, status, "{r:?}");
    }
    let r = request(
        s.addr,
        "POST",
        "/api/v1/cases",
        &[
            ("Content-Type", "application/x-tar"),
            ("Cookie", ana.cookie.as_str()),
        ],
        &in_folder,
    );
    assert_eq!(r.status, 403);
    assert_eq!(cases(), before + 2);
    // No unpacked upload is left behind.
    let left = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("lockstep-upload-")
        })
        .count();
    assert_eq!(left, 0);

    // The upload form of the cases page: multipart/form-data with the CSRF field.
    let before = cases();
    let r = upload_form(&s, &ana, Some(&ana.csrf), "from the form", &in_folder);
    assert_eq!(r.status, 303, "{r:?}");
    let to = r.header("location").unwrap().to_string();
    assert!(to.starts_with("/cases/"), "{to}");
    let page = request(s.addr, "GET", &to, &[("Cookie", ana.cookie.as_str())], b"");
    assert!(page.body.contains("from the form"), "{}", page.body);
    assert_eq!(cases(), before + 1);
    // Refused, nothing imported: no CSRF field, a forged one, a reviewer, no file, a body that
    // is not multipart, a malformed multipart body, an archive that is not an investigation.
    for (who, csrf, body, status) in [
        (&ana, None, in_folder.clone(), 403),
        (&ana, Some("forged"), in_folder.clone(), 403),
        (&rev, Some(rev.csrf.as_str()), in_folder.clone(), 403),
        (&ana, Some(ana.csrf.as_str()), Vec::new(), 400),
        (
            &ana,
            Some(ana.csrf.as_str()),
            no_manifest_archive(&inv),
            400,
        ),
    ] {
        let r = upload_form(&s, who, csrf, "x", &body);
        assert_eq!(r.status, status, "{r:?}");
    }
    let r = request(
        s.addr,
        "POST",
        "/ui/cases/upload",
        &[
            ("Content-Type", "multipart/form-data; boundary=zz"),
            ("Cookie", ana.cookie.as_str()),
            ("X-CSRF-Token", ana.csrf.as_str()),
        ],
        b"--zz\r\nno headers end",
    );
    assert_eq!(r.status, 400, "{r:?}");
    let r = call(&s, Some(&ana), "POST", "/ui/cases/upload", "name=x", true);
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(cases(), before + 1);
}

fn no_manifest_archive(inv: &std::path::Path) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    b.append_path_with_name(inv.join("accounts.csv"), "accounts.csv")
        .unwrap();
    b.into_inner().unwrap()
}

/// Posts the cases page's upload form as a browser does (multipart/form-data): the CSRF field
/// when given, a name, and `archive` as the file.
fn upload_form(s: &Server, who: &Caller, csrf: Option<&str>, name: &str, archive: &[u8]) -> Reply {
    let boundary = "----lockstepFormBoundary7MA4YWxk";
    let mut body = Vec::new();
    let mut field = |k: &str, filename: Option<&str>, v: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{k}\"; filename=\"{f}\"\r\nContent-Type: application/x-tar\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{k}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(v);
        body.extend_from_slice(b"\r\n");
    };
    if let Some(c) = csrf {
        field("csrf", None, c.as_bytes());
    }
    field("name", None, name.as_bytes());
    field("archive", Some("inv.tar"), archive);
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    request(
        s.addr,
        "POST",
        "/ui/cases/upload",
        &[
            ("Content-Type", ct.as_str()),
            ("Cookie", who.cookie.as_str()),
        ],
        &body,
    )
}

/// PostgreSQL only (an SQLite file has no connection to lose): a worker whose connection the
/// database server ends answers that request with 500 and the next one from a new connection.
#[test]
fn postgres_worker_reconnects_after_its_session_is_ended() {
    let Some(admin) = lockstep_serve::db::postgres_for_tests(
        "postgres_worker_reconnects_after_its_session_is_ended",
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let store = TestStore::new(&Backend::Postgres(admin.clone()), tmp.path());
    let c = db::open(&store.url).unwrap();
    users::add_user(&c, "test", "ana", Role::Analyst, PASSWORD).unwrap();
    let token = users::create_api_token(&c, "test", "ana", "t").unwrap();
    drop(c);
    let mut config = Config::new(store.url.clone(), "127.0.0.1:0");
    config.threads = 1;
    let running = http::start(config).unwrap();
    let auth = format!("Bearer {token}");
    let get = || {
        request(
            running.addr,
            "GET",
            "/api/v1/cases",
            &[("Authorization", auth.as_str())],
            b"",
        )
    };
    assert_eq!(get().status, 200);
    let db::DatabaseUrl::Postgres(url) = &store.url else {
        unreachable!()
    };
    let name = url.rsplit('/').next().unwrap();
    let mut a = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let ended = a
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            &[&name],
        )
        .unwrap();
    assert!(
        !ended.is_empty(),
        "no session of the server's worker to end"
    );
    // pg_terminate_backend only signals: wait until the session is gone.
    for _ in 0..100 {
        let left: i64 = a
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1",
                &[&name],
            )
            .unwrap()
            .get(0);
        if left == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let first = get().status;
    assert!(first == 200 || first == 500, "{first}");
    for _ in 0..3 {
        assert_eq!(get().status, 200);
    }
}
