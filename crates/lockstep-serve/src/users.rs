//! Users, roles, passwords (argon2id), sessions with CSRF tokens, API tokens, login throttling.
//!
//! Secrets the server hands out (session and API tokens) are 32 random bytes, hex; the store
//! keeps only their BLAKE3 hash, so a copy of the database logs nobody in.

use crate::db::{Connection, OptionalExtension};
use crate::error::{Result, ServeError};
use crate::params;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::collections::HashMap;
use std::sync::Mutex;

/// What a user may do (docs/serve.md "Roles").
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads cases, imports investigations, proposes decisions.
    Analyst,
    /// Reads cases, proposes decisions, approves or rejects other users' proposals.
    Reviewer,
    /// Everything, and manages users.
    Admin,
}

impl Role {
    /// Parses `analyst`, `reviewer` or `admin`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "analyst" => Ok(Role::Analyst),
            "reviewer" => Ok(Role::Reviewer),
            "admin" => Ok(Role::Admin),
            _ => Err(ServeError::BadRequest(format!(
                "unknown role `{s}` (expected analyst, reviewer or admin)"
            ))),
        }
    }
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
    /// May import investigations.
    pub fn can_import(self) -> bool {
        matches!(self, Role::Analyst | Role::Admin)
    }
    /// May propose decisions.
    pub fn can_propose(self) -> bool {
        true
    }
    /// May approve or reject proposals (never their own).
    pub fn can_review(self) -> bool {
        matches!(self, Role::Reviewer | Role::Admin)
    }
    /// May manage users.
    pub fn can_manage_users(self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// A user as the server sees it after authentication.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
}

/// Shortest accepted password.
pub const MIN_PASSWORD_LEN: usize = 10;

fn valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Hashes a password with argon2id (the crate's default parameters: 19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ServeError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ServeError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServeError::Hash(e.to_string()))
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Adds a user (audited as `user.add` by `actor`).
pub fn add_user(
    conn: &Connection,
    actor: &str,
    username: &str,
    role: Role,
    password: &str,
) -> Result<User> {
    if !valid_username(username) {
        return Err(ServeError::BadRequest(format!(
            "username `{username}`: use 1 to 64 letters, digits, `_`, `-` or `.`"
        )));
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(ServeError::BadRequest(format!(
            "password: at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    let hash = hash_password(password)?;
    let tx = crate::write_tx(conn)?;
    let taken: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)",
        params![username],
        |r| r.get(0),
    )?;
    if taken {
        return Err(ServeError::Conflict(format!(
            "user `{username}` exists already"
        )));
    }
    let id: i64 = tx.query_row(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![username, hash, role.as_str(), crate::now()],
        |r| r.get(0),
    )?;
    crate::audit::append(
        &tx,
        actor,
        "user.add",
        &format!("user:{username}"),
        &serde_json::json!({"role": role.as_str()}),
    )?;
    tx.commit()?;
    Ok(User {
        id,
        username: username.to_string(),
        role,
    })
}

fn user_by(conn: &Connection, sql: &str, key: &str) -> Result<Option<User>> {
    let row: Option<(i64, String, String)> = conn
        .query_row(sql, params![key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(id, username, role)| {
        Ok(User {
            id,
            username,
            role: Role::parse(&role)?,
        })
    })
    .transpose()
}

/// Looks a user up by name.
pub fn user_by_name(conn: &Connection, username: &str) -> Result<Option<User>> {
    user_by(
        conn,
        "SELECT id, username, role FROM users WHERE username = ?1",
        username,
    )
}

/// A random secret, 32 bytes as hex.
pub fn random_token() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| ServeError::Hash(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Failed logins allowed per username within [`THROTTLE_WINDOW_S`] before further attempts are
/// refused with 429 until the window passes.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// The throttling window, seconds.
pub const THROTTLE_WINDOW_S: i64 = 15 * 60;

/// Counts failed logins per username (in memory: a restart forgives).
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl LoginThrottle {
    fn check(&self, username: &str, now: i64) -> Result<()> {
        let map = self
            .failures
            .lock()
            .map_err(|_| ServeError::Hash("throttle lock poisoned".into()))?;
        if let Some(&(n, since)) = map.get(username)
            && n >= MAX_FAILED_LOGINS
            && now - since < THROTTLE_WINDOW_S
        {
            return Err(ServeError::TooManyRequests(format!(
                "too many failed logins for `{username}`: try again in {} s",
                THROTTLE_WINDOW_S - (now - since)
            )));
        }
        Ok(())
    }
    fn record(&self, username: &str, ok: bool, now: i64) {
        if let Ok(mut map) = self.failures.lock() {
            if ok {
                map.remove(username);
            } else {
                let e = map.entry(username.to_string()).or_insert((0, now));
                if now - e.1 >= THROTTLE_WINDOW_S {
                    *e = (0, now);
                }
                e.0 += 1;
            }
        }
    }
}

/// A logged-in session: the cookie value (never stored) and its CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    /// Secret for the session cookie.
    pub token: String,
    /// Token every state-changing form or request of this session must carry.
    pub csrf_token: String,
    /// The user.
    pub user: User,
}

/// Session lifetime, seconds.
pub const SESSION_TTL_S: i64 = 12 * 3600;

/// Checks a password and opens a session; audits success and failure (`auth.login`,
/// `auth.login_failed`).
pub fn login(
    conn: &Connection,
    throttle: &LoginThrottle,
    username: &str,
    password: &str,
) -> Result<Session> {
    let now = crate::now();
    throttle.check(username, now)?;
    let stored: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, password_hash, role FROM users WHERE username = ?1",
            params![username],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let ok = stored
        .as_ref()
        .is_some_and(|(_, h, _)| password_matches(password, h));
    throttle.record(username, ok, now);
    let tx = crate::write_tx(conn)?;
    let Some((id, _, role)) = stored.filter(|_| ok) else {
        crate::audit::append(
            &tx,
            "-",
            "auth.login_failed",
            &format!("user:{username}"),
            &serde_json::json!({}),
        )?;
        tx.commit()?;
        return Err(ServeError::Unauthenticated(
            "wrong username or password".into(),
        ));
    };
    let token = random_token()?;
    let csrf_token = random_token()?;
    tx.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), id, csrf_token, now + SESSION_TTL_S],
    )?;
    crate::audit::append(
        &tx,
        username,
        "auth.login",
        &format!("user:{username}"),
        &serde_json::json!({}),
    )?;
    tx.commit()?;
    Ok(Session {
        token,
        csrf_token,
        user: User {
            id,
            username: username.to_string(),
            role: Role::parse(&role)?,
        },
    })
}

/// The user and CSRF token of a live session cookie.
pub fn session_user(conn: &Connection, token: &str) -> Result<Option<(User, String)>> {
    let row: Option<(i64, String, String, String)> = conn
        .query_row(
            "SELECT u.id, u.username, u.role, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            params![token_hash(token), crate::now()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    row.map(|(id, username, role, csrf)| {
        Ok((
            User {
                id,
                username,
                role: Role::parse(&role)?,
            },
            csrf,
        ))
    })
    .transpose()
}

/// Ends a session.
pub fn logout(conn: &Connection, token: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        params![token_hash(token)],
    )?;
    Ok(())
}

/// Creates an API token for a user (returned once; stored hashed; audited `user.token`).
pub fn create_api_token(
    conn: &Connection,
    actor: &str,
    username: &str,
    label: &str,
) -> Result<String> {
    let user = user_by_name(conn, username)?
        .ok_or_else(|| ServeError::NotFound(format!("no user `{username}`")))?;
    let token = format!("lst_{}", random_token()?);
    let tx = crate::write_tx(conn)?;
    tx.execute(
        "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), user.id, label, crate::now()],
    )?;
    crate::audit::append(
        &tx,
        actor,
        "user.token",
        &format!("user:{username}"),
        &serde_json::json!({"label": label}),
    )?;
    tx.commit()?;
    Ok(token)
}

/// The user of an API token.
pub fn token_user(conn: &Connection, token: &str) -> Result<Option<User>> {
    user_by(
        conn,
        "SELECT u.id, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1",
        &token_hash(token),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_checks_password_and_throttles() {
        let c = crate::db::open(&crate::db::DatabaseUrl::Memory).unwrap();
        add_user(&c, "cli", "ana", Role::Analyst, "correct horse").unwrap();
        let t = LoginThrottle::default();
        let s = login(&c, &t, "ana", "correct horse").unwrap();
        let (u, csrf) = session_user(&c, &s.token).unwrap().unwrap();
        assert_eq!(u.username, "ana");
        assert_eq!(csrf, s.csrf_token);
        for _ in 0..MAX_FAILED_LOGINS {
            assert_eq!(
                login(&c, &t, "ana", "wrong one!").unwrap_err().status(),
                401
            );
        }
        // Even the right password is refused while throttled.
        assert_eq!(
            login(&c, &t, "ana", "correct horse").unwrap_err().status(),
            429
        );
        logout(&c, &s.token).unwrap();
        assert!(session_user(&c, &s.token).unwrap().is_none());
    }

    #[test]
    fn stored_secrets_are_hashes() {
        let c = crate::db::open(&crate::db::DatabaseUrl::Memory).unwrap();
        add_user(&c, "cli", "rev", Role::Reviewer, "another pass").unwrap();
        let stored: String = c
            .query_row("SELECT password_hash FROM users", crate::params![], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        let tok = create_api_token(&c, "cli", "rev", "bot").unwrap();
        let n: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?1",
                crate::params![tok],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0);
        assert_eq!(token_user(&c, &tok).unwrap().unwrap().username, "rev");
        assert!(token_user(&c, "lst_forged").unwrap().is_none());
    }

    #[test]
    fn bad_users_are_refused() {
        let c = crate::db::open(&crate::db::DatabaseUrl::Memory).unwrap();
        assert_eq!(
            add_user(&c, "cli", "a b", Role::Admin, "long enough pw")
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            add_user(&c, "cli", "ab", Role::Admin, "short")
                .unwrap_err()
                .status(),
            400
        );
        add_user(&c, "cli", "ab", Role::Admin, "long enough pw").unwrap();
        assert_eq!(
            add_user(&c, "cli", "ab", Role::Admin, "long enough pw")
                .unwrap_err()
                .status(),
            409
        );
    }
}
