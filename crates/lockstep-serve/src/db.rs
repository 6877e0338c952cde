//! The store's connection: SQLite (an embedded file, the default) or PostgreSQL, behind one
//! small interface, and the schema's migrations (in order, each once, recorded in
//! `schema_migrations`).
//!
//! One schema: `migrations/*.sql`, written once in the common subset of both dialects. SQLite
//! runs it as written; PostgreSQL gets it through [`postgres_schema`], which only renames types
//! (`INTEGER` → `BIGINT`, `REAL` → `DOUBLE PRECISION`, an `id INTEGER PRIMARY KEY` becomes an
//! identity column). Queries are written once too, with `?N` placeholders ([`postgres_sql`]
//! turns them into `$N`), and new rows' ids come from `INSERT … RETURNING id` on both.
//!
//! Writes run in [`Connection::write_tx`]: SQLite `BEGIN IMMEDIATE`; PostgreSQL `BEGIN` and a
//! transaction-scoped advisory lock ([`WRITE_LOCK`]). Either way one writer at a time holds the
//! store, so the audit head read inside a write is the head it appends to.

use crate::error::{Result, ServeError};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

/// The schema's migrations, applied in this order at every start; a migration already recorded
/// in `schema_migrations` is skipped.
pub const MIGRATIONS: [(i64, &str); 2] = [
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_pages.sql")),
];

/// The PostgreSQL advisory lock key every write transaction takes (ASCII `LOCKSTEP` read as
/// a big-endian integer), so writers queue like SQLite's `BEGIN IMMEDIATE`.
pub const WRITE_LOCK: i64 = 0x4C4F_434B_5354_4550;

/// Where the store lives, parsed from `--database-url`.
#[derive(Clone, Debug, PartialEq)]
pub enum DatabaseUrl {
    /// An SQLite file (`sqlite:PATH`, `sqlite://PATH` or a plain path).
    Sqlite(std::path::PathBuf),
    /// An in-memory SQLite database (`sqlite::memory:`), for tests.
    Memory,
    /// A PostgreSQL database (`postgres://user@host:port/db` or `postgresql://…`).
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a `--database-url`.
    pub fn parse(url: &str) -> Result<Self> {
        if url == "sqlite::memory:" {
            return Ok(DatabaseUrl::Memory);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            url.parse::<postgres::Config>().map_err(|e| {
                ServeError::BadRequest(format!("--database-url: not a PostgreSQL URL: {e}"))
            })?;
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(ServeError::BadRequest(
                "--database-url: empty path".to_string(),
            ));
        }
        if path.contains("://") {
            return Err(ServeError::BadRequest(format!(
                "{url}: unknown database URL scheme (expected sqlite:PATH or postgres://…)"
            )));
        }
        Ok(DatabaseUrl::Sqlite(path.into()))
    }

    /// The URL without a password, for messages.
    pub fn display(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite:{}", p.display()),
            DatabaseUrl::Memory => "sqlite::memory:".into(),
            DatabaseUrl::Postgres(u) => redact_password(u),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.split_once('@') {
        Some(x) => x,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// A value bound to a `?N` placeholder or read from a column.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Real(f64),
    /// Text.
    Text(String),
    /// A boolean (PostgreSQL `EXISTS`; SQLite gives integers).
    Bool(bool),
}

/// Something that can be bound as a parameter.
pub trait Param {
    /// The value bound.
    fn value(&self) -> Value;
}

impl Param for Value {
    fn value(&self) -> Value {
        self.clone()
    }
}
impl Param for i64 {
    fn value(&self) -> Value {
        Value::Int(*self)
    }
}
impl Param for i32 {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl Param for u32 {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl Param for u64 {
    fn value(&self) -> Value {
        i64::try_from(*self).map_or(Value::Real(*self as f64), Value::Int)
    }
}
impl Param for usize {
    fn value(&self) -> Value {
        (*self as u64).value()
    }
}
impl Param for f64 {
    fn value(&self) -> Value {
        Value::Real(*self)
    }
}
impl Param for bool {
    fn value(&self) -> Value {
        Value::Bool(*self)
    }
}
impl Param for str {
    fn value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl Param for String {
    fn value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value {
        (**self).value()
    }
}
impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}

/// The parameters of a statement, `?1`, `?2`, … in order: `params![a, b]`.
#[macro_export]
macro_rules! params {
    ($($x:expr),* $(,)?) => {
        &[$($crate::db::Param::value(&$x)),*] as &[$crate::db::Value]
    };
}

/// A column value converted to a Rust type.
pub trait FromValue: Sized {
    /// Converts, or says why not.
    fn from_value(v: Value) -> std::result::Result<Self, String>;
}

impl FromValue for Value {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        Ok(v)
    }
}
impl FromValue for i64 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(i),
            Value::Bool(b) => Ok(i64::from(b)),
            o => Err(format!("expected an integer, found {o:?}")),
        }
    }
}
impl FromValue for u32 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        let i = i64::from_value(v)?;
        u32::try_from(i).map_err(|_| format!("{i} is out of range for u32"))
    }
}
impl FromValue for f64 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Real(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            o => Err(format!("expected a number, found {o:?}")),
        }
    }
}
impl FromValue for bool {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(b),
            Value::Int(i) => Ok(i != 0),
            o => Err(format!("expected a boolean, found {o:?}")),
        }
    }
}
impl FromValue for String {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s),
            o => Err(format!("expected text, found {o:?}")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One result row, read out of the driver.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(Vec<Value>);

impl Row {
    /// Column `i` (from 0) as `T`.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self
            .0
            .get(i)
            .cloned()
            .ok_or_else(|| ServeError::Column(format!("no column {i}")))?;
        T::from_value(v).map_err(|e| ServeError::Column(format!("column {i}: {e}")))
    }
}

/// `.optional()` on a single-row result: no row becomes `None`.
pub trait OptionalExtension<T> {
    /// `Ok(None)` instead of [`ServeError::NoRow`].
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(ServeError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres {
        client: Box<RefCell<postgres::Client>>,
        statements: RefCell<HashMap<String, postgres::Statement>>,
    },
}

/// An open store (one per thread; not `Sync`).
pub struct Connection {
    backend: Backend,
}

/// A write transaction ([`Connection::write_tx`]); rolled back when dropped uncommitted.
pub struct Tx<'a> {
    conn: &'a Connection,
    open: bool,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Tx<'_> {
    /// Commits.
    pub fn commit(mut self) -> Result<()> {
        // A failed COMMIT leaves the transaction open: the drop rolls it back.
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// A prepared statement ([`Connection::prepare`]).
pub struct Statement<'a> {
    conn: &'a Connection,
    sql: String,
}

impl Statement<'_> {
    /// Runs it; returns the rows changed.
    pub fn execute(&mut self, params: &[Value]) -> Result<usize> {
        self.conn.execute(&self.sql, params)
    }
    /// The first row, or [`ServeError::NoRow`].
    pub fn query_row<T>(
        &mut self,
        params: &[Value],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        self.conn.query_row(&self.sql, params, f)
    }
    /// Every row through `f`.
    pub fn query_map<T>(
        &mut self,
        params: &[Value],
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        self.conn.query_map(&self.sql, params, f)
    }
}

impl Connection {
    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres { .. } => "postgres",
        }
    }

    /// Whether the connection is gone (PostgreSQL: the server closed it, restarted or ended
    /// the session); the server's workers then open a new one. An SQLite file never is.
    pub fn is_broken(&self) -> bool {
        match &self.backend {
            Backend::Sqlite(_) => false,
            Backend::Postgres { client, .. } => client.borrow().is_closed(),
        }
    }

    /// Runs several statements without parameters (PostgreSQL: the simple query protocol).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Backend::Postgres { client, .. } => Ok(client.borrow_mut().batch_execute(sql)?),
        }
    }

    /// Runs one statement; returns the rows changed.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        match &self.backend {
            Backend::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))?)
            }
            Backend::Postgres { client, .. } => {
                let st = self.pg_statement(sql)?;
                let p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                let n = client.borrow_mut().execute(&st, &p)?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// The first row through `f`, or [`ServeError::NoRow`].
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[Value],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        let mut first = None;
        self.each_row(sql, params, &mut |r| {
            first = Some(r);
            Ok(false)
        })?;
        match first {
            Some(r) => f(&r),
            None => Err(ServeError::NoRow),
        }
    }

    /// Every row through `f`, in order (an iterator so call sites can `collect`).
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let mut out = Vec::new();
        self.each_row(sql, params, &mut |r| {
            out.push(f(&r));
            Ok(true)
        })?;
        Ok(out.into_iter())
    }

    /// Prepares a statement for repeated use (cached per connection on both backends).
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            conn: self,
            sql: sql.to_string(),
        })
    }

    /// Same as [`Connection::prepare`] (both are cached).
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare(sql)
    }

    /// Starts a write transaction that holds the store's write lock from its start.
    pub fn write_tx(&self) -> Result<Tx<'_>> {
        match self.backend {
            Backend::Sqlite(_) => self.execute_batch("BEGIN IMMEDIATE")?,
            Backend::Postgres { .. } => self.execute_batch(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
            ))?,
        }
        Ok(Tx {
            conn: self,
            open: true,
        })
    }

    /// Feeds rows to `f` until it returns `false`.
    fn each_row(
        &self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(Row) -> Result<bool>,
    ) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let n = st.column_count();
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                while let Some(r) = rows.next()? {
                    let mut cells = Vec::with_capacity(n);
                    for i in 0..n {
                        cells.push(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => Value::Null,
                            rusqlite::types::ValueRef::Integer(i) => Value::Int(i),
                            rusqlite::types::ValueRef::Real(f) => Value::Real(f),
                            rusqlite::types::ValueRef::Text(t) => {
                                Value::Text(String::from_utf8_lossy(t).into_owned())
                            }
                            rusqlite::types::ValueRef::Blob(_) => {
                                return Err(ServeError::Column(format!(
                                    "column {i}: a blob (the schema has none)"
                                )));
                            }
                        });
                    }
                    if !f(Row(cells))? {
                        break;
                    }
                }
                Ok(())
            }
            Backend::Postgres { client, .. } => {
                let st = self.pg_statement(sql)?;
                let p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                let rows = client.borrow_mut().query(&st, &p)?;
                for r in rows {
                    if !f(pg_row(&r)?)? {
                        break;
                    }
                }
                Ok(())
            }
        }
    }

    fn pg_statement(&self, sql: &str) -> Result<postgres::Statement> {
        let Backend::Postgres { client, statements } = &self.backend else {
            return Err(ServeError::Column("not a PostgreSQL store".into()));
        };
        if let Some(s) = statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let st = client.borrow_mut().prepare(&postgres_sql(sql))?;
        statements.borrow_mut().insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

fn pg_row(r: &postgres::Row) -> Result<Row> {
    use postgres::types::Type;
    let mut cells = Vec::with_capacity(r.len());
    for (i, c) in r.columns().iter().enumerate() {
        let t = c.type_();
        let v = if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?
                .map(|x| Value::Int(i64::from(x)))
        } else if *t == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)?
                .map(|x| Value::Int(i64::from(x)))
        } else if *t == Type::FLOAT8 {
            r.try_get::<_, Option<f64>>(i)?.map(Value::Real)
        } else if *t == Type::FLOAT4 {
            r.try_get::<_, Option<f32>>(i)?
                .map(|x| Value::Real(f64::from(x)))
        } else if *t == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?.map(Value::Bool)
        } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(t) {
            r.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else {
            return Err(ServeError::Column(format!(
                "column {i} ({}): PostgreSQL type {t} is not read by the store",
                c.name()
            )));
        };
        cells.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(cells))
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
        })
    }
}

impl postgres::types::ToSql for Value {
    /// Binds to whatever type PostgreSQL inferred for the placeholder, converting integers,
    /// floats and booleans between widths; a value that does not fit is an error.
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => Err(format!("an integer bound to a {ty} placeholder").into()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::FLOAT8 => f.to_sql(ty, out),
                _ => Err(format!("a float bound to a {ty} placeholder").into()),
            },
            Value::Text(s) => match *ty {
                Type::INT8 => s.parse::<i64>()?.to_sql(ty, out),
                Type::INT4 => s.parse::<i32>()?.to_sql(ty, out),
                Type::FLOAT8 => s.parse::<f64>()?.to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    s.to_sql(ty, out)
                }
                _ => Err(format!("text bound to a {ty} placeholder").into()),
            },
            Value::Bool(b) => match *ty {
                Type::BOOL => b.to_sql(ty, out),
                Type::INT8 => i64::from(*b).to_sql(ty, out),
                Type::INT4 => i32::from(*b).to_sql(ty, out),
                _ => Err(format!("a boolean bound to a {ty} placeholder").into()),
            },
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A query written for both backends (`?N` placeholders) in PostgreSQL's form (`$N`);
/// placeholders inside string literals are left alone.
pub fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_string = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                in_string = !in_string;
                out.push(c);
            }
            '?' if !in_string => out.push('$'),
            c => out.push(c),
        }
    }
    out
}

/// The schema (SQLite dialect as written in `migrations/`) for PostgreSQL: whole-word type
/// renames only, so both stores have the same tables, columns, keys and checks.
pub fn postgres_schema(sql: &str) -> String {
    let sql = sql
        .replace(
            "id INTEGER PRIMARY KEY AUTOINCREMENT",
            "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        )
        .replace(
            "id INTEGER PRIMARY KEY,",
            "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,",
        );
    let mut out = String::with_capacity(sql.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "INTEGER" => "BIGINT",
            "REAL" => "DOUBLE PRECISION",
            w => w,
        });
        word.clear();
    };
    for c in sql.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Opens (creating when new) the store and applies pending migrations.
pub fn open(url: &DatabaseUrl) -> Result<Connection> {
    let conn = match url {
        DatabaseUrl::Memory => Connection {
            backend: Backend::Sqlite(rusqlite::Connection::open_in_memory()?),
        },
        DatabaseUrl::Sqlite(p) => Connection {
            backend: Backend::Sqlite(open_file(p)?),
        },
        DatabaseUrl::Postgres(u) => {
            let client = postgres::Client::connect(u, postgres::NoTls)?;
            Connection {
                backend: Backend::Postgres {
                    client: Box::new(RefCell::new(client)),
                    statements: RefCell::new(HashMap::new()),
                },
            }
        }
    };
    match conn.backend {
        Backend::Sqlite(_) => conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
        )?,
        Backend::Postgres { .. } => conn.execute_batch("SET client_min_messages = warning")?,
    }
    migrate(&conn)?;
    Ok(conn)
}

fn open_file(p: &Path) -> Result<rusqlite::Connection> {
    if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(ServeError::BadRequest(format!(
            "{}: the directory of the database file does not exist",
            p.display()
        )));
    }
    Ok(rusqlite::Connection::open(p)?)
}

/// Applies the migrations not yet recorded, each in its own write transaction (on PostgreSQL
/// under the write lock, so servers starting together apply each migration once).
pub fn migrate(conn: &Connection) -> Result<()> {
    let tx = conn.write_tx()?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )?;
    tx.commit()?;
    for (version, sql) in MIGRATIONS {
        let tx = conn.write_tx()?;
        let done: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
            crate::params![version],
            |r| r.get(0),
        )?;
        if done {
            continue;
        }
        match tx.backend {
            Backend::Sqlite(_) => tx.execute_batch(sql)?,
            Backend::Postgres { .. } => tx.execute_batch(&postgres_schema(sql))?,
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            crate::params![version, crate::now()],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// A throw-away PostgreSQL database for tests and benchmarks: created empty on the server of an
/// admin URL (whose user may `CREATE DATABASE`), dropped (closing its connections) when this is
/// dropped.
pub struct ScratchDatabase {
    /// The new database's URL.
    pub url: DatabaseUrl,
    admin_url: String,
    name: String,
}

impl ScratchDatabase {
    /// Creates `lockstep_scratch_<pid>_<n>_<nanos>` on the server of `admin_url`.
    pub fn create(admin_url: &str) -> Result<ScratchDatabase> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "lockstep_scratch_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let mut admin = postgres::Client::connect(admin_url, postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(ScratchDatabase {
            url: DatabaseUrl::Postgres(with_database(admin_url, &name)),
            admin_url: admin_url.to_string(),
            name,
        })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The environment variable naming a PostgreSQL server for the test suites (serve and CLI): a URL
/// whose user may `CREATE DATABASE`; each test gets a [`ScratchDatabase`] on it.
pub const TEST_POSTGRES_ENV: &str = "LOCKSTEP_TEST_POSTGRES_URL";

/// The PostgreSQL server of [`TEST_POSTGRES_ENV`] for test `test`. Without it the test's
/// PostgreSQL half is skipped with a message on standard error, except under CI (`CI` set),
/// where a missing PostgreSQL is a failure (panic).
pub fn postgres_for_tests(test: &str) -> Option<String> {
    match std::env::var(TEST_POSTGRES_ENV) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{test}: CI must run the PostgreSQL half of the suite: set {TEST_POSTGRES_ENV} (.ci/run starts a cluster)"
            );
            eprintln!("{test}: skipped on PostgreSQL: {TEST_POSTGRES_ENV} is not set");
            None
        }
    }
}

/// A PostgreSQL `url` naming database `name` instead of its own (query options kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..host_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollar_outside_strings() {
        assert_eq!(
            postgres_sql("SELECT '?1' FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT '?1' FROM t WHERE a = $1 AND b = $12"
        );
    }

    #[test]
    fn schema_types_are_renamed_as_whole_words() {
        let s = postgres_schema(
            "CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    n INTEGER NOT NULL,\n    x REAL,\n    realm TEXT,\n    seq INTEGER PRIMARY KEY\n);\nCREATE TABLE e (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT);",
        );
        assert!(s.contains("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"));
        assert!(s.contains("n BIGINT NOT NULL"));
        assert!(s.contains("x DOUBLE PRECISION,"));
        assert!(s.contains("realm TEXT"));
        assert!(s.contains("seq BIGINT PRIMARY KEY"));
        assert!(s.contains("(id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, k TEXT)"));
        assert!(!s.contains("INTEGER") && !s.contains("REAL,"));
    }

    #[test]
    fn urls_parse_and_passwords_are_redacted() {
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap(),
            DatabaseUrl::Memory
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:/tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        let pg = DatabaseUrl::parse("postgres://ls:secret@127.0.0.1:5432/cases").unwrap();
        assert_eq!(pg.display(), "postgres://ls:***@127.0.0.1:5432/cases");
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite:").is_err());
    }

    #[test]
    fn database_name_is_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5/postgres?sslmode=disable", "x"),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }

    #[test]
    fn values_convert_both_ways() {
        assert!(Row(vec![Value::Int(1)]).get::<bool>(0).unwrap());
        assert_eq!(Row(vec![Value::Null]).get::<Option<i64>>(0).unwrap(), None);
        assert!(Row(vec![Value::Text("x".into())]).get::<i64>(0).is_err());
        assert!(Row(vec![]).get::<i64>(0).is_err());
        assert_eq!(Some(3u32).value(), Value::Int(3));
        assert_eq!(None::<String>.value(), Value::Null);
    }
}
