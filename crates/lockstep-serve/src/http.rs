//! The HTTP server of `lockstep serve`: a JSON API under `/api/v1/` (OpenAPI document at
//! `/api/v1/openapi.json`) and server-rendered pages ([`crate::pages`]).
//!
//! Authentication: a session cookie (`lockstep_session`, HttpOnly, SameSite=Strict, Secure when
//! configured) from `POST /api/v1/login` or the login form, or an API token
//! (`Authorization: Bearer lst_...`). Every state-changing request made with a session cookie
//! must carry the session's CSRF token (header `X-CSRF-Token` or form field `csrf`); API-token
//! requests carry no cookie and need none.

use crate::db::Connection;
use crate::db::DatabaseUrl;
use crate::decisions::{self, Proposal};
use crate::error::{Result, ServeError};
use crate::users::{self, LoginThrottle, User};
use crate::{audit, queries};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The store.
    pub database: DatabaseUrl,
    /// Address to listen on.
    pub bind: String,
    /// Directory under which `POST /api/v1/cases` may import investigations; imports through
    /// the server are refused (403) when `None`.
    pub import_root: Option<PathBuf>,
    /// Largest request body accepted (413 above).
    pub max_body_bytes: usize,
    /// Mark the session cookie `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Worker threads (each with its own database connection).
    pub threads: usize,
    /// Registry of state-controlled media for `POST /api/v1/ads/screen` (default: the built-in
    /// data/state_media.toml).
    pub ads_registry: Option<PathBuf>,
}

impl Config {
    /// Defaults for a database and address.
    pub fn new(database: DatabaseUrl, bind: &str) -> Self {
        Config {
            database,
            bind: bind.to_string(),
            import_root: None,
            max_body_bytes: 1 << 20,
            secure_cookies: false,
            threads: 4,
            ads_registry: None,
        }
    }
}

/// Shared state of the server.
pub struct App {
    /// Settings.
    pub config: Config,
    /// Failed-login counter.
    pub throttle: LoginThrottle,
    /// The registry the ad screen matches against, loaded once at start.
    pub ads_registry: lockstep_ads::StateMediaRegistry,
}

/// A request, independent of the HTTP library.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Decoded query parameters.
    pub query: Vec<(String, String)>,
    /// Headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Request {
    /// Parses `path?query`.
    pub fn new(method: &str, url: &str) -> Self {
        let (path, q) = url.split_once('?').unwrap_or((url, ""));
        Request {
            method: method.to_string(),
            path: path.to_string(),
            query: parse_form(q),
            ..Default::default()
        }
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
    fn query_i64(&self, name: &str, default: i64) -> Result<i64> {
        match self.query(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| {
                ServeError::BadRequest(format!("query parameter `{name}`: `{v}` is not an integer"))
            }),
        }
    }
    fn cookie(&self, name: &str) -> Option<&str> {
        self.header("cookie")?.split(';').find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
    }
    fn is_form(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    }
    /// The body's parts when it is `multipart/form-data` (a form with a file input).
    pub fn multipart(&self) -> Option<Result<Vec<crate::multipart::Part>>> {
        let ct = self.header("content-type")?;
        crate::multipart::boundary(ct)?;
        Some(crate::multipart::parse(ct, &self.body))
    }
    /// The body as form fields.
    pub fn form(&self) -> Vec<(String, String)> {
        parse_form(&String::from_utf8_lossy(&self.body))
    }
    fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| ServeError::BadRequest(format!("request body: {e}")))
    }
}

/// A response, independent of the HTTP library.
#[derive(Clone, Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers (Content-Type included).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, v: &impl serde::Serialize) -> Self {
        let body = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }
    /// An HTML page.
    pub fn html(status: u16, body: String) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.into_bytes(),
        }
    }
    /// A 303 redirect.
    pub fn redirect(to: &str) -> Self {
        Response {
            status: 303,
            headers: vec![("Location".into(), to.to_string())],
            body: Vec::new(),
        }
    }
    fn with_header(mut self, k: &str, v: String) -> Self {
        self.headers.push((k.to_string(), v));
        self
    }
}

/// Decodes `a=1&b=x+y%21`.
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    decode(s, true)
}

/// Decodes one path segment (`%XX` escapes; `+` stays a plus).
pub fn decode_segment(s: &str) -> String {
    decode(s, false)
}

fn decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(x) => {
                        out.push(x);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a path segment or query value.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Who is asking.
#[derive(Clone, Debug)]
pub enum Auth {
    /// Nobody.
    Anonymous,
    /// A browser session: the user, the session's CSRF token and the cookie value.
    Session(User, String, String),
    /// An API token.
    Token(User),
}

impl Auth {
    /// The user, if any.
    pub fn user(&self) -> Option<&User> {
        match self {
            Auth::Anonymous => None,
            Auth::Session(u, _, _) | Auth::Token(u) => Some(u),
        }
    }
    /// The CSRF token of a session.
    pub fn csrf(&self) -> &str {
        match self {
            Auth::Session(_, c, _) => c,
            _ => "",
        }
    }
}

/// Session cookie name.
pub const SESSION_COOKIE: &str = "lockstep_session";

fn authenticate(conn: &Connection, req: &Request) -> Result<Auth> {
    if let Some(h) = req.header("authorization") {
        let token = h.strip_prefix("Bearer ").ok_or_else(|| {
            ServeError::Unauthenticated("Authorization: expected `Bearer TOKEN`".into())
        })?;
        return users::token_user(conn, token.trim())?
            .map(Auth::Token)
            .ok_or_else(|| ServeError::Unauthenticated("unknown API token".into()));
    }
    if let Some(tok) = req.cookie(SESSION_COOKIE)
        && let Some((u, csrf)) = users::session_user(conn, tok)?
    {
        return Ok(Auth::Session(u, csrf, tok.to_string()));
    }
    Ok(Auth::Anonymous)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The signed-in user, or 401.
fn require(auth: &Auth) -> Result<&User> {
    auth.user()
        .ok_or_else(|| ServeError::Unauthenticated("log in first".into()))
}

/// For a state-changing request: the signed-in user, after the CSRF check of cookie sessions.
fn require_write<'a>(auth: &'a Auth, req: &Request) -> Result<&'a User> {
    let user = require(auth)?;
    if let Auth::Session(_, csrf, _) = auth {
        let form_token = if req.is_form() {
            req.form()
                .into_iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v)
        } else if let Some(parts) = req.multipart() {
            parts?
                .into_iter()
                .find(|p| p.name == "csrf")
                .map(|p| String::from_utf8_lossy(&p.data).into_owned())
        } else {
            None
        };
        let given = req
            .header("x-csrf-token")
            .map(str::to_string)
            .or(form_token)
            .unwrap_or_default();
        if !constant_time_eq(&given, csrf) {
            return Err(ServeError::Forbidden(
                "missing or invalid CSRF token".into(),
            ));
        }
    }
    Ok(user)
}

fn session_cookie(app: &App, token: &str, max_age: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if app.config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// Every route of the server: method, path pattern (`{x}` a parameter), who may call it. The
/// OpenAPI document and the authorisation-matrix test are checked against this list.
pub const ROUTES: [(&str, &str, &str); 33] = [
    ("GET", "/api/v1/openapi.json", "anyone"),
    ("POST", "/api/v1/login", "anyone"),
    ("POST", "/api/v1/logout", "signed-in"),
    ("GET", "/api/v1/me", "signed-in"),
    ("GET", "/api/v1/cases", "signed-in"),
    ("POST", "/api/v1/cases", "analyst, admin"),
    ("GET", "/api/v1/cases/{case}", "signed-in"),
    ("GET", "/api/v1/cases/{case}/networks", "signed-in"),
    (
        "GET",
        "/api/v1/cases/{case}/networks/{network}",
        "signed-in",
    ),
    (
        "GET",
        "/api/v1/cases/{case}/accounts/{account}",
        "signed-in",
    ),
    ("GET", "/api/v1/decisions", "signed-in"),
    ("POST", "/api/v1/decisions", "signed-in"),
    ("GET", "/api/v1/decisions/{decision}", "signed-in"),
    (
        "POST",
        "/api/v1/decisions/{decision}/approve",
        "reviewer, admin; not the proposer",
    ),
    (
        "POST",
        "/api/v1/decisions/{decision}/reject",
        "reviewer, admin; not the proposer",
    ),
    ("GET", "/api/v1/enforcements", "signed-in"),
    ("GET", "/api/v1/audit", "reviewer, admin"),
    ("POST", "/api/v1/users", "admin"),
    ("POST", "/api/v1/ads/screen", "signed-in"),
    ("GET", "/login", "anyone"),
    ("POST", "/login", "anyone"),
    ("POST", "/logout", "signed-in"),
    ("GET", "/", "signed-in"),
    ("GET", "/cases/{case}", "signed-in"),
    ("GET", "/cases/{case}/networks/{network}", "signed-in"),
    ("GET", "/cases/{case}/accounts/{account}", "signed-in"),
    ("GET", "/review", "signed-in"),
    ("GET", "/audit", "reviewer, admin"),
    ("POST", "/ui/cases", "analyst, admin"),
    ("POST", "/ui/cases/upload", "analyst, admin"),
    ("POST", "/ui/decisions", "signed-in"),
    (
        "POST",
        "/ui/decisions/{decision}/approve",
        "reviewer, admin; not the proposer",
    ),
    (
        "POST",
        "/ui/decisions/{decision}/reject",
        "reviewer, admin; not the proposer",
    ),
];

fn id(s: &str, what: &str) -> Result<i64> {
    s.parse()
        .map_err(|_| ServeError::NotFound(format!("no {what} `{s}`")))
}

/// Handles one request on `conn`.
pub fn handle(app: &App, conn: &Connection, req: &Request) -> Response {
    let html = !req.path.starts_with("/api/");
    match route(app, conn, req) {
        Ok(r) => r,
        Err(e) => {
            let status = e.status();
            if html {
                if status == 401 && req.method == "GET" {
                    return Response::redirect("/login");
                }
                crate::pages::error_page(status, &e.to_string())
            } else {
                Response::json(status, &serde_json::json!({"error": e.to_string()}))
            }
        }
    }
}

fn route(app: &App, conn: &Connection, req: &Request) -> Result<Response> {
    let auth = authenticate(conn, req);
    let auth = match auth {
        Ok(a) => a,
        Err(e) if req.path.starts_with("/api/") => return Err(e),
        Err(_) => Auth::Anonymous,
    };
    let decoded: Vec<String> = req
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_segment)
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    match (m, segs.as_slice()) {
        ("GET", ["api", "v1", "openapi.json"]) => {
            Ok(Response::json(200, &crate::openapi::document()))
        }
        ("POST", ["api", "v1", "login"]) => {
            #[derive(serde::Deserialize)]
            struct Login {
                username: String,
                password: String,
            }
            let l: Login = req.json()?;
            let s = users::login(conn, &app.throttle, &l.username, &l.password)?;
            Ok(Response::json(
                200,
                &serde_json::json!({"user": s.user, "csrf_token": s.csrf_token}),
            )
            .with_header(
                "Set-Cookie",
                session_cookie(app, &s.token, users::SESSION_TTL_S),
            ))
        }
        ("POST", ["api", "v1", "logout"]) | ("POST", ["logout"]) => {
            require_write(&auth, req)?;
            if let Auth::Session(_, _, tok) = &auth {
                users::logout(conn, tok)?;
            }
            let r = if segs[0] == "api" {
                Response {
                    status: 204,
                    headers: vec![],
                    body: vec![],
                }
            } else {
                Response::redirect("/login")
            };
            Ok(r.with_header("Set-Cookie", session_cookie(app, "", 0)))
        }
        ("GET", ["api", "v1", "me"]) => {
            let u = require(&auth)?;
            Ok(Response::json(
                200,
                &serde_json::json!({"user": u, "csrf_token": auth.csrf()}),
            ))
        }
        ("GET", ["api", "v1", "cases"]) => {
            require(&auth)?;
            Ok(Response::json(200, &queries::cases(conn)?))
        }
        ("POST", ["api", "v1", "cases"])
            if req
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/x-tar")) =>
        {
            let u = require_write(&auth, req)?;
            if !u.role.can_import() {
                return Err(ServeError::Forbidden(
                    "only analysts and admins import cases".into(),
                ));
            }
            let imp = crate::import::import_archive(conn, &req.body, req.query("name"), u)?;
            Ok(Response::json(201, &imp))
        }
        ("POST", ["api", "v1", "cases"]) => {
            let u = require_write(&auth, req)?;
            #[derive(serde::Deserialize)]
            struct Import {
                dir: String,
                name: Option<String>,
            }
            let i: Import = req.json()?;
            let imp = import_under_root(app, conn, u, &i.dir, i.name.as_deref())?;
            Ok(Response::json(201, &imp))
        }
        ("GET", ["api", "v1", "cases", c]) => {
            require(&auth)?;
            Ok(Response::json(200, &queries::case(conn, id(c, "case")?)?))
        }
        ("GET", ["api", "v1", "cases", c, "networks"]) => {
            require(&auth)?;
            Ok(Response::json(
                200,
                &queries::networks(conn, id(c, "case")?)?,
            ))
        }
        ("GET", ["api", "v1", "cases", c, "networks", n]) => {
            require(&auth)?;
            let (c, n) = (id(c, "case")?, id(n, "network")?);
            let network = queries::network(conn, c, n)?;
            let q = member_query(req)?;
            let members = queries::members(conn, c, n, &q)?;
            let pages = queries::pages(conn, c, n)?;
            Ok(Response::json(
                200,
                &serde_json::json!({"network": network, "members": members, "pages": pages}),
            ))
        }
        ("GET", ["api", "v1", "cases", c, "accounts", a]) => {
            require(&auth)?;
            let c = id(c, "case")?;
            let account = queries::account(conn, c, a)?;
            let edges = queries::account_edges(conn, c, a, 50)?;
            let decisions = decisions::list(conn, None, Some(c), Some(a), 100)?;
            Ok(Response::json(
                200,
                &serde_json::json!({"account": account, "edges": edges, "decisions": decisions}),
            ))
        }
        ("GET", ["api", "v1", "decisions"]) => {
            require(&auth)?;
            let limit = req.query_i64("limit", 100)?.clamp(1, 1000);
            let case = req.query("case_id").map(|c| id(c, "case")).transpose()?;
            Ok(Response::json(
                200,
                &decisions::list(conn, req.query("state"), case, None, limit)?,
            ))
        }
        ("POST", ["api", "v1", "decisions"]) => {
            let u = require_write(&auth, req)?;
            let p: Proposal = req.json()?;
            let id = decisions::propose(conn, u, &p)?;
            Ok(Response::json(201, &decisions::get(conn, id)?))
        }
        ("GET", ["api", "v1", "decisions", d]) => {
            require(&auth)?;
            Ok(Response::json(
                200,
                &decisions::get(conn, id(d, "decision")?)?,
            ))
        }
        ("POST", ["api", "v1", "decisions", d, verb @ ("approve" | "reject")]) => {
            let u = require_write(&auth, req)?;
            #[derive(serde::Deserialize, Default)]
            struct Note {
                #[serde(default)]
                note: String,
            }
            let note: Note = if req.body.is_empty() {
                Note::default()
            } else {
                req.json()?
            };
            let d = id(d, "decision")?;
            let lines = decisions::review(conn, u, d, *verb == "approve", &note.note)?;
            Ok(Response::json(
                200,
                &serde_json::json!({"decision": decisions::get(conn, d)?, "enforcements": lines}),
            ))
        }
        ("GET", ["api", "v1", "enforcements"]) => {
            require(&auth)?;
            let after = req.query_i64("after", 0)?;
            let limit = req.query_i64("limit", 1000)?.clamp(1, 10_000);
            Ok(Response::json(200, &decisions::feed(conn, after, limit)?))
        }
        ("GET", ["api", "v1", "audit"]) => {
            let u = require(&auth)?;
            if !u.role.can_review() {
                return Err(ServeError::Forbidden(
                    "the audit log is for reviewers and admins".into(),
                ));
            }
            let after = req.query_i64("after", 0)?;
            let limit = req.query_i64("limit", 1000)?.clamp(1, 10_000);
            Ok(Response::json(200, &audit::rows(conn, after, limit)?))
        }
        ("POST", ["api", "v1", "users"]) => {
            let u = require_write(&auth, req)?;
            if !u.role.can_manage_users() {
                return Err(ServeError::Forbidden("only admins manage users".into()));
            }
            #[derive(serde::Deserialize)]
            struct NewUser {
                username: String,
                role: String,
                password: String,
            }
            let n: NewUser = req.json()?;
            let role = users::Role::parse(&n.role)?;
            Ok(Response::json(
                201,
                &users::add_user(conn, &u.username, &n.username, role, &n.password)?,
            ))
        }
        ("POST", ["api", "v1", "ads", "screen"]) => {
            require_write(&auth, req)?;
            let body: serde_json::Value = req.json()?;
            Ok(Response::json(
                200,
                &crate::ads::screen(conn, &app.ads_registry, &body)?,
            ))
        }
        ("GET", ["login"]) => Ok(crate::pages::login(None)),
        ("POST", ["login"]) => {
            let f = req.form();
            let get = |k: &str| {
                f.iter()
                    .find(|(a, _)| a == k)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            };
            match users::login(conn, &app.throttle, get("username"), get("password")) {
                Ok(s) => Ok(Response::redirect("/").with_header(
                    "Set-Cookie",
                    session_cookie(app, &s.token, users::SESSION_TTL_S),
                )),
                Err(e) => {
                    let mut r = crate::pages::login(Some(&e.to_string()));
                    r.status = e.status();
                    Ok(r)
                }
            }
        }
        ("POST", ["ui", "cases"]) => {
            let u = require_write(&auth, req)?;
            let f = req.form();
            let get = |k: &str| {
                f.iter()
                    .find(|(a, _)| a == k)
                    .map(|(_, v)| v.clone())
                    .filter(|v| !v.is_empty())
            };
            let dir = get("dir").ok_or_else(|| ServeError::BadRequest("dir: empty".into()))?;
            let imp = import_under_root(app, conn, u, &dir, get("name").as_deref())?;
            Ok(Response::redirect(&format!("/cases/{}", imp.case_id)))
        }
        ("POST", ["ui", "cases", "upload"]) => {
            // The upload form: multipart/form-data with the CSRF token, an optional name and
            // the investigation as a tar archive (field `archive`); the body limit is
            // --max-body-bytes (413 above).
            let u = require_write(&auth, req)?;
            if !u.role.can_import() {
                return Err(ServeError::Forbidden(
                    "only analysts and admins import cases".into(),
                ));
            }
            let parts = req.multipart().ok_or_else(|| {
                ServeError::BadRequest("the upload form is sent as multipart/form-data".into())
            })??;
            let field = |k: &str| parts.iter().find(|p| p.name == k);
            let archive = field("archive")
                .filter(|p| !p.data.is_empty())
                .ok_or_else(|| ServeError::BadRequest("archive: no file chosen".into()))?;
            let name = field("name")
                .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
                .filter(|n| !n.is_empty())
                .or_else(|| archive.filename.clone());
            let imp = crate::import::import_archive(conn, &archive.data, name.as_deref(), u)?;
            Ok(Response::redirect(&format!("/cases/{}", imp.case_id)))
        }
        ("POST", ["ui", "decisions"]) => {
            let u = require_write(&auth, req)?;
            let p = crate::pages::proposal_from_form(&req.form())?;
            let back = match &p.target {
                decisions::Target::Network(n) => format!("/cases/{}/networks/{n}", p.case_id),
                decisions::Target::Account(a) => {
                    format!("/cases/{}/accounts/{}", p.case_id, percent_encode(a))
                }
            };
            decisions::propose(conn, u, &p)?;
            Ok(Response::redirect(&back))
        }
        ("POST", ["ui", "decisions", d, verb @ ("approve" | "reject")]) => {
            let u = require_write(&auth, req)?;
            let note = req
                .form()
                .into_iter()
                .find(|(k, _)| k == "note")
                .map(|(_, v)| v)
                .unwrap_or_default();
            decisions::review(conn, u, id(d, "decision")?, *verb == "approve", &note)?;
            Ok(Response::redirect("/review"))
        }
        ("GET", _) if segs.first().is_none_or(|s| *s != "api") => {
            let u = require(&auth)?.clone();
            crate::pages::page(
                conn,
                &u,
                auth.csrf(),
                app.config.import_root.is_some(),
                &segs,
                req,
            )
        }
        _ => Err(ServeError::NotFound(format!("no route {m} {}", req.path))),
    }
}

fn member_query(req: &Request) -> Result<queries::MemberQuery> {
    Ok(queries::MemberQuery {
        verdict: req.query("verdict").map(str::to_string),
        role: req.query("role").map(str::to_string),
        offset: req.query_i64("offset", 0)?,
        limit: req.query_i64("limit", 100)?,
    })
}

fn import_under_root(
    app: &App,
    conn: &Connection,
    u: &User,
    dir: &str,
    name: Option<&str>,
) -> Result<crate::import::Imported> {
    if !u.role.can_import() {
        return Err(ServeError::Forbidden(
            "only analysts and admins import cases".into(),
        ));
    }
    let Some(root) = &app.config.import_root else {
        return Err(ServeError::Forbidden(
            "imports through the server are disabled: start `lockstep serve` with --import-root DIR, or use `lockstep case import`".into(),
        ));
    };
    let root = root.canonicalize().map_err(|source| ServeError::Io {
        path: root.clone(),
        source,
    })?;
    let p = root.join(dir);
    let p = p.canonicalize().map_err(|_| {
        ServeError::BadRequest(format!("{dir}: no such directory under the import root"))
    })?;
    if !p.starts_with(&root) {
        return Err(ServeError::BadRequest(format!(
            "{dir}: outside the import root"
        )));
    }
    crate::import::import_case(conn, &p, name, u)
}

/// A started server: its address and worker threads.
pub struct Running {
    /// The address it listens on (the real port when `bind` asked for port 0).
    pub addr: std::net::SocketAddr,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Blocks until the workers end (they run until the process ends).
    pub fn join(self) {
        for w in self.workers {
            let _ = w.join();
        }
    }
}

/// Applies migrations, binds and starts the worker threads.
pub fn start(config: Config) -> Result<Running> {
    // Migrations once, before the workers open their connections.
    crate::db::open(&config.database)?;
    let server = tiny_http::Server::http(&config.bind).map_err(|e| ServeError::Io {
        path: config.bind.clone().into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| ServeError::BadRequest(format!("{}: not an IP address", config.bind)))?;
    let server = Arc::new(server);
    let ads_registry = match &config.ads_registry {
        Some(p) => lockstep_ads::StateMediaRegistry::load(p)
            .map_err(|e| ServeError::BadRequest(format!("--ads-registry {}: {e}", p.display())))?,
        None => lockstep_ads::StateMediaRegistry::builtin(),
    };
    let app = Arc::new(App {
        config: config.clone(),
        throttle: LoginThrottle::default(),
        ads_registry,
    });
    let mut workers = Vec::new();
    for _ in 0..config.threads.max(1) {
        let server = Arc::clone(&server);
        let app = Arc::clone(&app);
        let mut conn = crate::db::open(&config.database)?;
        workers.push(std::thread::spawn(move || {
            while let Ok(rq) = server.recv() {
                respond(&app, &conn, rq);
                // A PostgreSQL connection the server closed (restart, terminated session):
                // the request that found it got a 500; the next ones get a new connection.
                if conn.is_broken() {
                    match crate::db::open(&app.config.database) {
                        Ok(c) => conn = c,
                        Err(e) => eprintln!("lockstep serve: reconnecting to the store: {e}"),
                    }
                }
            }
        }));
    }
    Ok(Running { addr, workers })
}

fn respond(app: &App, conn: &Connection, mut rq: tiny_http::Request) {
    let max = app.config.max_body_bytes;
    let resp = if rq.body_length().is_some_and(|n| n > max) {
        Some(Response::json(
            413,
            &serde_json::json!({"error": format!("request body larger than {max} bytes")}),
        ))
    } else {
        None
    };
    let resp = resp.unwrap_or_else(|| {
        let mut req = Request::new(&rq.method().as_str().to_uppercase(), rq.url());
        req.headers = rq
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_string(),
                )
            })
            .collect();
        let mut body = Vec::new();
        match rq.as_reader().take(max as u64 + 1).read_to_end(&mut body) {
            Err(e) => Response::json(
                400,
                &serde_json::json!({"error": format!("reading the request body: {e}")}),
            ),
            Ok(_) if body.len() > max => Response::json(
                413,
                &serde_json::json!({"error": format!("request body larger than {max} bytes")}),
            ),
            Ok(_) => {
                req.body = body;
                handle(app, conn, &req)
            }
        }
    });
    let mut r = tiny_http::Response::from_data(resp.body).with_status_code(resp.status);
    let security = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        (
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
        ("Cache-Control", "no-store"),
    ];
    for (k, v) in resp
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(security)
    {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    let _ = rq.respond(r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_forms_and_path_segments() {
        assert_eq!(
            parse_form("a=x+y%21&b=&c"),
            vec![
                ("a".to_string(), "x y!".to_string()),
                ("b".to_string(), String::new()),
                ("c".to_string(), String::new())
            ]
        );
        // Base64 ids keep their `+`; an encoded `/` stays inside the segment.
        assert_eq!(decode_segment("ab+c%2Fd%3D"), "ab+c/d=");
        assert_eq!(decode_segment(&percent_encode("ab+c/d=")), "ab+c/d=");
        // Broken escapes are kept as they are.
        assert_eq!(decode_segment("%zz%4"), "%zz%4");
    }

    #[test]
    fn cookies_and_csrf_comparison() {
        let mut r = Request::new("GET", "/x?limit=5");
        r.headers
            .push(("cookie".into(), "a=1; lockstep_session=abc; b=2".into()));
        assert_eq!(r.cookie(SESSION_COOKIE), Some("abc"));
        assert_eq!(r.query_i64("limit", 1).unwrap(), 5);
        assert!(r.query_i64("nope", 1).is_ok());
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
