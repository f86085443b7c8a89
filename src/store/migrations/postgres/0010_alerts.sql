-- Lens Ops alerts (PostgreSQL; mirrors sqlite/0010_alerts.sql). Issue 6, docs/lens-ops.md
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
-- Row-level security as in 0001/0002.

CREATE TABLE pms_alerts (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  rule text NOT NULL,
  lens_id text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  state text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  hits integer NOT NULL CHECK (hits >= 0),
  summary text NOT NULL,
  started_at timestamptz NOT NULL,
  fired_at timestamptz,
  resolved_at timestamptz,
  last_check_id uuid NOT NULL,
  last_notified_at timestamptz,
  silenced_by uuid,  -- the firing critical alert that silences this warning
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX pms_alerts_one_open ON pms_alerts (yacht_id, rule, lens_id)
  WHERE state IN ('pending', 'firing');
CREATE INDEX pms_alerts_by_time ON pms_alerts (yacht_id, updated_at);

CREATE TABLE pms_alert_notifications (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL,
  alert_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('firing', 'reminder', 'resolved', 'rollback')),
  severity text NOT NULL,
  text text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  webhook text,           -- host:port of the last attempt
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, alert_id) REFERENCES pms_alerts (yacht_id, id)
);
CREATE INDEX pms_alert_notifications_due ON pms_alert_notifications (yacht_id, status,
                                                                      next_attempt_at);
CREATE INDEX pms_alert_notifications_by_alert ON pms_alert_notifications (yacht_id, alert_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['pms_alerts', 'pms_alert_notifications'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_select', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_insert', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid) '
                   'WITH CHECK (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_update', t);
  END LOOP;
END
$$;

-- Alerts and their notices are records: updated as they move, never deleted.
REVOKE ALL ON pms_alerts, pms_alert_notifications FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON pms_alerts, pms_alert_notifications TO celeste_app;
