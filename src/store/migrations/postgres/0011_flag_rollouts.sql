-- Canary rollouts of feature flags (PostgreSQL; mirrors sqlite/0011_flag_rollouts.sql).
-- Issue 6, docs/lens-ops.md "Canary rollout".
--
-- A rollout is a stored plan for one flag: its canary stages (percentages, increasing), how
-- long each stage holds, and whether a critical alert rolls it back. `celeste rollout start`
-- creates it (stage 0 set on the flag at once); the monitor promotes it stage by stage
-- (rollout/rollout_plan.h) and every change of the flag is audited with its actor. Flags are
-- fleet-wide, so rollouts are too: a global table, like feature_flags (no row-level
-- security). At most one rollout per flag is active (running or paused) at a time.

CREATE TABLE flag_rollouts (
  id uuid PRIMARY KEY,
  flag_name text NOT NULL,
  lens_id text NOT NULL,             -- the lens whose checks judge it
  stages text NOT NULL,              -- "5,20,50,100"
  stage_index integer NOT NULL CHECK (stage_index >= 0),
  hold_seconds bigint NOT NULL CHECK (hold_seconds > 0),
  auto_rollback boolean NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'rolled_back',
                                       'aborted')),
  stage_started_at timestamptz NOT NULL,
  reason text NOT NULL DEFAULT '',   -- why it is in this state (the last decision)
  started_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX flag_rollouts_one_active ON flag_rollouts (flag_name)
  WHERE state IN ('running', 'paused');
CREATE INDEX flag_rollouts_by_flag ON flag_rollouts (flag_name, created_at);

REVOKE ALL ON flag_rollouts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON flag_rollouts TO celeste_app;
