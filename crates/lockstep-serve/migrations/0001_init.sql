-- Lockstep case store, schema version 1 (docs/serve.md).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('analyst', 'reviewer', 'admin')),
    created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    source_dir TEXT NOT NULL,
    lockstep_version TEXT NOT NULL,
    summary_json TEXT NOT NULL,
    accounts INTEGER NOT NULL,
    networks INTEGER NOT NULL,
    edges INTEGER NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id),
    imported_at INTEGER NOT NULL
);
CREATE TABLE networks (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    cluster_id INTEGER NOT NULL,
    size INTEGER NOT NULL,
    verdict TEXT,
    score REAL,
    layers TEXT NOT NULL,
    median_delay_s REAL NOT NULL,
    edges INTEGER NOT NULL,
    density REAL NOT NULL,
    metrics_json TEXT NOT NULL,
    PRIMARY KEY (case_id, cluster_id)
);
CREATE TABLE accounts (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    account_id TEXT NOT NULL,
    screen_name TEXT NOT NULL,
    cluster_id INTEGER,
    verdict TEXT,
    role TEXT,
    coordination_score REAL,
    inauthenticity_score REAL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (case_id, account_id)
);
CREATE INDEX accounts_by_cluster ON accounts (case_id, cluster_id, account_id);
CREATE TABLE edges (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    layer TEXT NOT NULL,
    scale TEXT NOT NULL,
    weight INTEGER NOT NULL,
    events INTEGER NOT NULL,
    median_dt_s REAL NOT NULL,
    p_value REAL,
    q_value REAL
);
CREATE INDEX edges_by_source ON edges (case_id, source);
CREATE INDEX edges_by_target ON edges (case_id, target);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    cluster_id INTEGER,
    account_id TEXT,
    action TEXT NOT NULL,
    exclusions_json TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('proposed', 'rejected', 'applied')),
    proposed_by INTEGER NOT NULL REFERENCES users(id),
    proposed_at INTEGER NOT NULL,
    reviewed_by INTEGER REFERENCES users(id),
    reviewed_at INTEGER,
    review_note TEXT,
    CHECK ((cluster_id IS NULL) <> (account_id IS NULL))
);
CREATE INDEX decisions_by_state ON decisions (state, id);
CREATE TABLE enforcements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    decision_id INTEGER NOT NULL REFERENCES decisions(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    account_id TEXT NOT NULL,
    action TEXT NOT NULL,
    applied_at INTEGER NOT NULL
);
CREATE INDEX enforcements_by_account ON enforcements (case_id, account_id, id);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
