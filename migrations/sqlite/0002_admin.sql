-- What administrators did (unlocks, lifted blocks, codes created or revoked…), and why.
CREATE TABLE admin_actions (
    id     INTEGER PRIMARY KEY,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT,
    at     INTEGER NOT NULL
);
CREATE INDEX admin_actions_at ON admin_actions (at);

-- The audit trail is filtered and exported by time.
CREATE INDEX attempts_at ON attempts (at);

-- Until when an alert with this key stays quiet (spray detection: one per window).
CREATE TABLE alert_windows (
    key         TEXT PRIMARY KEY,
    quiet_until INTEGER NOT NULL
);
