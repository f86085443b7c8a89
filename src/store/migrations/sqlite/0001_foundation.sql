-- Foundation: yachts, users, memberships, feature flags, auth throttling, the audit log.
-- Global tables: yachts, users, memberships, feature_flags, auth_failures.
-- Tenant tables carry yacht_id NOT NULL in their keys.
-- Tables keyed by text ids are WITHOUT ROWID: one B-tree instead of a rowid table plus a
-- primary-key index, so a write touches half the pages.

CREATE TABLE yachts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  code TEXT UNIQUE,
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,  -- stored lower-case
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  pin_hash TEXT,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active = 0 OR active = 1),
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE memberships (
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL
    CHECK (role = 'crew' OR role = 'chief_engineer' OR role = 'chief_officer' OR
           role = 'captain' OR role = 'purser' OR role = 'manager'),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active = 0 OR active = 1),
  created_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE feature_flags (
  flag_name TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled = 0 OR enabled = 1),
  canary_percentage INTEGER NOT NULL DEFAULT 100
    CHECK (canary_percentage BETWEEN 0 AND 100),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) WITHOUT ROWID;

-- Failed logins (subject = lower-cased email) and wrong PINs (subject = signer user id),
-- kept for the throttling windows; rows older than a day are pruned on insert.
CREATE TABLE auth_failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind = 'login' OR kind = 'pin'),
  subject TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX auth_failures_by_subject ON auth_failures (kind, subject, at);

-- The audit log: append-only, hash-chained per yacht (kFleetId for fleet-wide changes).
-- Clustered by (yacht_id, seq): a chain reads in order, and an append touches few pages.
CREATE TABLE pms_audit_log (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  request_id TEXT,
  created_at TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (yacht_id, seq)
) WITHOUT ROWID;
CREATE INDEX pms_audit_log_by_entity ON pms_audit_log (yacht_id, entity_id);

CREATE TRIGGER pms_audit_log_no_update BEFORE UPDATE ON pms_audit_log
BEGIN
  SELECT RAISE(ABORT, 'pms_audit_log is append-only');
END;
CREATE TRIGGER pms_audit_log_no_delete BEFORE DELETE ON pms_audit_log
BEGIN
  SELECT RAISE(ABORT, 'pms_audit_log is append-only');
END;

-- The head of each yacht's chain; updated in the same transaction as each append.
CREATE TABLE pms_audit_chain_heads (
  yacht_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
) WITHOUT ROWID;
