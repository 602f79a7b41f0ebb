-- referral-gate schema (SQLite). Times are milliseconds since the Unix epoch.
-- The PostgreSQL migrations mirror this file table by table.

-- The local directory's accounts (the embedded default; Cognito keeps its own).
CREATE TABLE local_users (
    username      TEXT PRIMARY KEY,
    subject       TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

-- The gate's state of every account, whichever directory it lives in.
CREATE TABLE accounts (
    subject         TEXT PRIMARY KEY,
    username        TEXT NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_failure_at INTEGER,
    locked_at       INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX accounts_username ON accounts (username);

-- Referral codes: only a keyed hash and a short display prefix are stored.
CREATE TABLE codes (
    id         INTEGER PRIMARY KEY,
    digest     TEXT NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    note       TEXT,
    max_uses   INTEGER,
    uses       INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE admissions (
    subject     TEXT PRIMARY KEY REFERENCES accounts (subject),
    code_id     INTEGER NOT NULL REFERENCES codes (id),
    admitted_at INTEGER NOT NULL
);

-- The audit trail of code attempts. The submitted code is never stored.
CREATE TABLE attempts (
    id         INTEGER PRIMARY KEY,
    subject    TEXT NOT NULL,
    address    TEXT NOT NULL,
    user_agent TEXT,
    outcome    TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX attempts_subject_at ON attempts (subject, at);
CREATE INDEX attempts_address_at ON attempts (address, at);

-- Rate limits keyed by e.g. `gate:addr:1.2.3.4` or `signin:user:alice`.
CREATE TABLE throttle (
    key               TEXT PRIMARY KEY,
    failures          INTEGER NOT NULL,
    window_started_at INTEGER NOT NULL,
    blocked_until     INTEGER,
    blocks            INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE submissions (
    id         INTEGER PRIMARY KEY,
    subject    TEXT NOT NULL REFERENCES accounts (subject),
    full_name  TEXT NOT NULL,
    email      TEXT NOT NULL,
    about      TEXT NOT NULL,
    photo_type TEXT NOT NULL,
    photo      BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX submissions_subject ON submissions (subject, id);

-- Actions decided together with a lockout, delivered by the outbox worker.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    done_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Alerts delivered by the `log` adapter (the default), one row per idempotency key.
CREATE TABLE alerts (
    idempotency_key TEXT PRIMARY KEY,
    event           TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message         TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
