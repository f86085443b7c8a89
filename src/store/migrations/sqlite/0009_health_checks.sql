-- Lens Ops health checks (SQLite; mirrors postgres/0009_health_checks.sql). Issue 6,
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
-- Enumerations use "=" ... "OR" rather than IN (...) (see 0002).

CREATE TABLE pms_health_checks (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  lens_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'healthy' OR status = 'degraded' OR
                              status = 'unhealthy' OR status = 'inconclusive' OR
                              status = 'disabled'),
  p50_ms REAL,  -- NULL when no probe was answered (or the lens is disabled)
  p95_ms REAL,
  p99_ms REAL,
  error_rate_percent REAL NOT NULL CHECK (error_rate_percent >= 0 AND error_rate_percent <= 100),
  sample_size INTEGER NOT NULL CHECK (sample_size >= 0),
  observed_at TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '{}',  -- JSON object
  PRIMARY KEY (yacht_id, id)
) WITHOUT ROWID;
-- The latest check per lens, a lens's history: newest first.
CREATE INDEX pms_health_checks_by_lens ON pms_health_checks (yacht_id, lens_id, observed_at);
-- Retention and "unhealthy since".
CREATE INDEX pms_health_checks_by_time ON pms_health_checks (yacht_id, observed_at);

CREATE TABLE pms_health_events (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL,
  check_id TEXT NOT NULL,
  lens_id TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level = 'info' OR level = 'warning' OR level = 'error'),
  kind TEXT NOT NULL,  -- probe_failed, flag_changed, status_changed
  detail TEXT NOT NULL DEFAULT '{}',  -- JSON object; tokens redacted before it is written
  observed_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, check_id) REFERENCES pms_health_checks (yacht_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX pms_health_events_by_check ON pms_health_events (yacht_id, check_id);

CREATE TABLE pms_health_rollups (
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  lens_id TEXT NOT NULL,
  hour TEXT NOT NULL,  -- the hour's start, RFC 3339
  checks INTEGER NOT NULL DEFAULT 0,
  status_counts TEXT NOT NULL DEFAULT '{}',  -- JSON {"healthy": n, ...}
  samples INTEGER NOT NULL DEFAULT 0,
  failed_samples INTEGER NOT NULL DEFAULT 0,
  histogram TEXT NOT NULL DEFAULT '{}',  -- JSON, health::LatencyHistogram
  PRIMARY KEY (yacht_id, lens_id, hour)
) WITHOUT ROWID;
