-- Canary rollouts of feature flags (SQLite; mirrors postgres/0011_flag_rollouts.sql). Issue 6,
-- docs/lens-ops.md "Canary rollout".
--
-- A rollout is a stored plan for one flag: its canary stages (percentages, increasing), how
-- long each stage holds, and whether a critical alert rolls it back. `celeste rollout start`
-- creates it (stage 0 set on the flag at once); the monitor promotes it stage by stage
-- (rollout/rollout_plan.h) and every change of the flag is audited with its actor. Flags are
-- fleet-wide, so rollouts are too: a global table, like feature_flags. At most one rollout
-- per flag is active (running or paused) at a time.

CREATE TABLE flag_rollouts (
  id TEXT PRIMARY KEY,
  flag_name TEXT NOT NULL,
  lens_id TEXT NOT NULL,             -- the lens whose checks judge it
  stages TEXT NOT NULL,              -- "5,20,50,100"
  stage_index INTEGER NOT NULL CHECK (stage_index >= 0),
  hold_seconds INTEGER NOT NULL CHECK (hold_seconds > 0),
  auto_rollback INTEGER NOT NULL CHECK (auto_rollback = 0 OR auto_rollback = 1),
  state TEXT NOT NULL CHECK (state = 'running' OR state = 'paused' OR state = 'completed' OR
                             state = 'rolled_back' OR state = 'aborted'),
  stage_started_at TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',   -- why it is in this state (the last decision)
  started_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX flag_rollouts_one_active ON flag_rollouts (flag_name)
  WHERE state = 'running' OR state = 'paused';
CREATE INDEX flag_rollouts_by_flag ON flag_rollouts (flag_name, created_at);
