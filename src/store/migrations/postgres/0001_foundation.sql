-- Foundation (PostgreSQL): yachts, users, memberships, feature flags, auth throttling,
-- the audit log. Same tables and meaning as sqlite/0001_foundation.sql, with native types:
-- uuid ids, timestamptz times, boolean flags, json audit payloads.
--
-- Runs as celeste_owner (owns the tables, NOT superuser). The roles celeste_owner and
-- celeste_app exist before the first migration (scripts/pg-up creates them for tests;
-- operations create them in production, see docs/postgres.md). The server connects as
-- celeste_app: NOSUPERUSER, NOBYPASSRLS, and only the privileges granted below.
--
-- Global tables (no row-level security; the application decides who sees what):
--   yachts            any authenticated request reads (names, codes); written by
--                     operations (CLI/bootstrap) only.
--   users             read by auth (login by email, signer lookup), written by the
--                     user directory; password/PIN hashes never leave the server.
--   memberships       read by auth to resolve a user's yachts and role; written by the
--                     user directory.
--   feature_flags     read by every request (flag checks); written by flag changes.
--   auth_failures     read, inserted and pruned by the login/PIN throttle only.
--   schema_migrations read by the server at start-up; written only by migrations
--                     (celeste_owner).
-- Tenant tables (pms_*): yacht_id NOT NULL in the primary key and in every foreign key
-- to another tenant table; ENABLE + FORCE ROW LEVEL SECURITY; deny by default; policies
-- admit only rows whose yacht_id equals the transaction's `SET LOCAL app.yacht_id`.
-- FORCE applies the policies to celeste_owner too (the owner is not exempt).
--
-- The policy expression is NULLIF(current_setting('app.yacht_id', true), '')::uuid:
-- once a session has run SET LOCAL, the setting reads back as '' (not NULL) after the
-- transaction ends, and ''::uuid would raise instead of matching nothing.

-- The migrator creates this table before the first migration; repeated here (same shape)
-- so the grant below always has something to grant on.
CREATE TABLE IF NOT EXISTS schema_migrations (
  name TEXT PRIMARY KEY,
  applied_at TEXT NOT NULL
);

CREATE TABLE yachts (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  code text UNIQUE,
  created_at timestamptz NOT NULL
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,  -- stored lower-case
  name text NOT NULL,
  password_hash text NOT NULL,
  pin_hash text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL
);

CREATE TABLE memberships (
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  user_id uuid NOT NULL REFERENCES users (id),
  role text NOT NULL
    CHECK (role IN ('crew', 'chief_engineer', 'chief_officer', 'captain', 'purser',
                    'manager')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE feature_flags (
  flag_name text PRIMARY KEY,
  enabled boolean NOT NULL DEFAULT false,
  canary_percentage integer NOT NULL DEFAULT 100
    CHECK (canary_percentage BETWEEN 0 AND 100),
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

-- Failed logins (subject = lower-cased email) and wrong PINs (subject = signer user id),
-- kept for the throttling windows; rows older than a day are pruned on insert.
CREATE TABLE auth_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('login', 'pin')),
  subject text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX auth_failures_by_subject ON auth_failures (kind, subject, at);

-- The audit log: append-only, hash-chained per yacht (kFleetId,
-- 00000000-0000-0000-0000-000000000000, for fleet-wide changes). kFleetId is not a row
-- of yachts, so yacht_id has no foreign key here (as on SQLite).
-- Append-only three times over: celeste_app has no UPDATE/DELETE privilege, there is no
-- UPDATE/DELETE policy, and the triggers below refuse UPDATE, DELETE and TRUNCATE for
-- every role that does not drop them (only the owner could, by a migration).
CREATE TABLE pms_audit_log (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL,
  seq bigint NOT NULL CHECK (seq > 0),
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,       -- a uuid, or a name (feature flags)
  actor_id text NOT NULL,
  actor_role text NOT NULL,
  -- json, not jsonb: the hash chain covers the exact text the server wrote, and json keeps
  -- it verbatim (jsonb would reorder keys and respace). Both are validated as JSON.
  payload json NOT NULL,
  signature json NOT NULL,
  request_id text,
  created_at timestamptz NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (yacht_id, seq)
);
CREATE INDEX pms_audit_log_by_entity ON pms_audit_log (yacht_id, entity_id);

CREATE FUNCTION pms_audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pms_audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER pms_audit_log_no_update BEFORE UPDATE ON pms_audit_log
  FOR EACH ROW EXECUTE FUNCTION pms_audit_log_refuse_change();
CREATE TRIGGER pms_audit_log_no_delete BEFORE DELETE ON pms_audit_log
  FOR EACH ROW EXECUTE FUNCTION pms_audit_log_refuse_change();
CREATE TRIGGER pms_audit_log_no_truncate BEFORE TRUNCATE ON pms_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION pms_audit_log_refuse_change();

ALTER TABLE pms_audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_audit_log_select ON pms_audit_log FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_audit_log_insert ON pms_audit_log FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
-- No UPDATE or DELETE policy: with RLS on, those commands see no rows at all.

-- The head of each yacht's chain; updated in the same transaction as each append
-- (read with SELECT ... FOR UPDATE, written with INSERT ... ON CONFLICT DO UPDATE).
CREATE TABLE pms_audit_chain_heads (
  yacht_id uuid PRIMARY KEY,  -- no FK to yachts: kFleetId has a chain too
  seq bigint NOT NULL,
  hash text NOT NULL
);
ALTER TABLE pms_audit_chain_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_audit_chain_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_audit_chain_heads_select ON pms_audit_chain_heads FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_audit_chain_heads_insert ON pms_audit_chain_heads FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_audit_chain_heads_update ON pms_audit_chain_heads FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_audit_chain_heads_delete ON pms_audit_chain_heads FOR DELETE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

-- The store's check on deferred writes (Tx::ExecDeferred, src/store/postgres/): a write
-- sent ahead of the next statement or the COMMIT, without waiting for its answer, runs as
--   WITH changed AS (<write> RETURNING 1) SELECT celeste_expect_rows(count(*), <n>) ...
-- so a write that changed any other number of rows fails the transaction in the server,
-- before a COMMIT queued behind it can run.
CREATE FUNCTION celeste_expect_rows(changed bigint, expected bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  IF changed <> expected THEN
    RAISE EXCEPTION 'expected % row(s) changed, not %', expected, changed
      USING ERRCODE = 'CE001';
  END IF;
  RETURN changed;
END
$$;
REVOKE ALL ON FUNCTION celeste_expect_rows(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION celeste_expect_rows(bigint, bigint) TO celeste_app;

-- What the server (celeste_app) may do. Nothing is granted to PUBLIC.
REVOKE ALL ON schema_migrations, yachts, users, memberships, feature_flags, auth_failures,
  pms_audit_log, pms_audit_chain_heads FROM PUBLIC;
GRANT SELECT ON schema_migrations TO celeste_app;
-- The server never deletes yachts, users, memberships or flags (deactivation is an update).
GRANT SELECT, INSERT, UPDATE ON yachts, users, memberships, feature_flags TO celeste_app;
GRANT SELECT, INSERT, DELETE ON auth_failures TO celeste_app;
GRANT SELECT, INSERT ON pms_audit_log TO celeste_app;
REVOKE UPDATE, DELETE, TRUNCATE ON pms_audit_log FROM celeste_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON pms_audit_chain_heads TO celeste_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO celeste_app;
