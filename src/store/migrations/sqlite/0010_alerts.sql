-- Lens Ops alerts (SQLite; mirrors postgres/0010_alerts.sql). Issue 6, docs/lens-ops.md
-- "Alerts".
--
-- pms_alerts holds one row per alert: a (rule, lens, yacht) whose rule held on a check. It
-- moves pending -> firing -> resolved (health/alert_rules.h) and is never reopened: when
-- the rule holds again, a new alert starts. At most one alert per (yacht, rule, lens) is
-- open (pending or firing) at a time: the partial unique index below de-duplicates.
-- pms_alert_notifications is the outbox: each notice (firing, reminder, resolved) is written
-- in the transaction that changed its alert, then delivered to the webhook configured for
-- its severity with retries and backoff; every attempt updates its row. A rollout rolled
-- back by a critical alert (0011) queues a 'rollback' notice on that alert. The webhook column
-- holds only host:port (a webhook's path often is its secret).
-- Enumerations use "=" ... "OR" rather than IN (...) (see 0002).

CREATE TABLE pms_alerts (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  rule TEXT NOT NULL,
  lens_id TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity = 'critical' OR severity = 'warning' OR
                                severity = 'info'),
  state TEXT NOT NULL CHECK (state = 'pending' OR state = 'firing' OR state = 'resolved'),
  hits INTEGER NOT NULL CHECK (hits >= 0),
  summary TEXT NOT NULL,
  started_at TEXT NOT NULL,
  fired_at TEXT,
  resolved_at TEXT,
  last_check_id TEXT NOT NULL,
  last_notified_at TEXT,
  silenced_by TEXT,  -- the firing critical alert that silences this warning
  updated_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
) WITHOUT ROWID;
CREATE UNIQUE INDEX pms_alerts_one_open ON pms_alerts (yacht_id, rule, lens_id)
  WHERE state = 'pending' OR state = 'firing';
CREATE INDEX pms_alerts_by_time ON pms_alerts (yacht_id, updated_at);

CREATE TABLE pms_alert_notifications (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'firing' OR kind = 'reminder' OR kind = 'resolved' OR
                            kind = 'rollback'),
  severity TEXT NOT NULL,
  text TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status = 'pending' OR status = 'delivered' OR status = 'failed'),
  attempts INTEGER NOT NULL DEFAULT 0,
  webhook TEXT,           -- host:port of the last attempt
  last_status_code INTEGER,
  last_error TEXT,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, alert_id) REFERENCES pms_alerts (yacht_id, id)
) WITHOUT ROWID;
CREATE INDEX pms_alert_notifications_due ON pms_alert_notifications (yacht_id, status,
                                                                      next_attempt_at);
CREATE INDEX pms_alert_notifications_by_alert ON pms_alert_notifications (yacht_id, alert_id);
