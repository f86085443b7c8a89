-- Lens Ops health checks (PostgreSQL; mirrors sqlite/0009_health_checks.sql). Issue 6,
-- docs/lens-ops.md.
--
-- `celeste monitor` writes one pms_health_checks row per lens per round: the verdict of
-- health::JudgeCheck over that round's probes (status, nearest-rank p50/p95/p99 of the
-- answered probes, error rate, samples taken) and notes (the reason, the lens's flags as
-- the monitor saw them, the probes' counts). Each failed probe, each flag change and each
-- change of status is a pms_health_events row of that check. Rows older than the retention
-- (30 days by default) are deleted by the monitor; before that, every check has already
-- been added to its hour's pms_health_rollups row, whose latency histogram (sparse,
-- log-scale buckets, health/latency_histogram.h) lets a p95 over days be computed from the
-- samples themselves rather than averaged from hourly p95s. Rollups are kept 400 days.
-- Row-level security as in 0001/0002: the monitor and the server see one yacht at a time.

CREATE TABLE pms_health_checks (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  lens_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('healthy', 'degraded', 'unhealthy', 'inconclusive',
                                         'disabled')),
  p50_ms double precision,  -- NULL when no probe was answered (or the lens is disabled)
  p95_ms double precision,
  p99_ms double precision,
  error_rate_percent double precision NOT NULL
    CHECK (error_rate_percent >= 0 AND error_rate_percent <= 100),
  sample_size integer NOT NULL CHECK (sample_size >= 0),
  observed_at timestamptz NOT NULL,
  notes jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (yacht_id, id)
);
-- The latest check per lens, a lens's history: newest first.
CREATE INDEX pms_health_checks_by_lens ON pms_health_checks (yacht_id, lens_id, observed_at);
-- Retention and "unhealthy since".
CREATE INDEX pms_health_checks_by_time ON pms_health_checks (yacht_id, observed_at);

CREATE TABLE pms_health_events (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL,
  check_id uuid NOT NULL,
  lens_id text NOT NULL,
  level text NOT NULL CHECK (level IN ('info', 'warning', 'error')),
  kind text NOT NULL,  -- probe_failed, flag_changed, status_changed
  detail jsonb NOT NULL DEFAULT '{}',  -- tokens redacted before it is written
  observed_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, check_id) REFERENCES pms_health_checks (yacht_id, id) ON DELETE CASCADE
);
CREATE INDEX pms_health_events_by_check ON pms_health_events (yacht_id, check_id);

CREATE TABLE pms_health_rollups (
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  lens_id text NOT NULL,
  hour timestamptz NOT NULL,  -- the hour's start
  checks integer NOT NULL DEFAULT 0,
  status_counts jsonb NOT NULL DEFAULT '{}',  -- {"healthy": n, ...}
  samples integer NOT NULL DEFAULT 0,
  failed_samples integer NOT NULL DEFAULT 0,
  histogram jsonb NOT NULL DEFAULT '{}',  -- health::LatencyHistogram
  PRIMARY KEY (yacht_id, lens_id, hour)
);

-- Row-level security: a policy per command on each table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['pms_health_checks', 'pms_health_events', 'pms_health_rollups'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_select', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_insert', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_delete', t);
  END LOOP;
  EXECUTE 'CREATE POLICY pms_health_rollups_update ON pms_health_rollups FOR UPDATE USING '
          '(yacht_id = NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid) '
          'WITH CHECK (yacht_id = NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)';
END
$$;

-- A check and its events are records: written once, deleted only by retention. A rollup
-- grows as checks arrive.
REVOKE ALL ON pms_health_checks, pms_health_events, pms_health_rollups FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON pms_health_checks, pms_health_events TO celeste_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON pms_health_rollups TO celeste_app;
