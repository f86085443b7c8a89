-- Maintenance: equipment, maintenance schedules, faults and work orders (PostgreSQL; mirrors
-- sqlite/0007_maintenance.sql). Issue 5; lenses equipment, faults and work_orders.
--
-- Equipment is a tree per yacht (parent_id). A schedule is a recurring task on one piece of
-- equipment, due by calendar (interval_days) and/or by running hours (interval_hours).
-- A fault is reported against equipment (or none); a work order is planned from a fault, a
-- schedule or by hand. Faults and work orders keep a history of every status, written by
-- triggers from the status_changed_by/_role/status_change_notes columns the application
-- sets with each status (as the shopping list does, 0003).
-- At most one open work order (planned, in_progress, on_hold) per schedule: generating due
-- work orders twice at once cannot make two.
-- Each status table is also a guard trigger here (the second wall, as 0002 does for the
-- shopping list). Row-level security as in 0001/0002.

CREATE TABLE pms_equipment (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  parent_id uuid,
  name text NOT NULL,
  system text,
  manufacturer text,
  model text,
  serial_number text,
  location text,
  criticality text NOT NULL DEFAULT 'medium'
    CHECK (criticality = 'low' OR criticality = 'medium' OR criticality = 'high' OR
           criticality = 'critical'),
  running_hours double precision NOT NULL DEFAULT 0 CHECK (running_hours >= 0),
  running_hours_at timestamptz,  -- when the last reading was taken
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, parent_id) REFERENCES pms_equipment (yacht_id, id),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX pms_equipment_by_parent ON pms_equipment (yacht_id, parent_id);

CREATE TABLE pms_maintenance_schedules (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  equipment_id uuid NOT NULL,
  task text NOT NULL,
  description text,
  interval_days integer CHECK (interval_days IS NULL OR interval_days > 0),
  interval_hours double precision CHECK (interval_hours IS NULL OR interval_hours > 0),
  last_done_at timestamptz,     -- RFC 3339; NULL: never done (due from created_at)
  last_done_hours double precision,  -- the equipment's running hours then; NULL: never done (from 0)
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, equipment_id) REFERENCES pms_equipment (yacht_id, id),
  CHECK (interval_days IS NOT NULL OR interval_hours IS NOT NULL)
);
CREATE INDEX pms_maintenance_schedules_by_equipment
  ON pms_maintenance_schedules (yacht_id, equipment_id);

CREATE TABLE pms_faults (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  equipment_id uuid,
  title text NOT NULL,
  description text,
  severity text NOT NULL
    CHECK (severity = 'low' OR severity = 'medium' OR severity = 'high' OR
           severity = 'critical'),
  status text NOT NULL DEFAULT 'open'
    CHECK (status = 'open' OR status = 'acknowledged' OR status = 'work_ordered' OR
           status = 'resolved' OR status = 'closed'),
  reported_by uuid NOT NULL,
  reported_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  acknowledged_by uuid,
  acknowledged_at timestamptz,
  work_order_id uuid,  -- the work order raised for it (the latest)
  resolution text,
  resolved_without_work_order boolean NOT NULL DEFAULT false,
  closed_by uuid,
  closed_at timestamptz,
  status_changed_by uuid,
  status_changed_role text,
  status_change_notes text,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, equipment_id) REFERENCES pms_equipment (yacht_id, id),
  CHECK (status <> 'closed' OR resolution IS NOT NULL)
);
CREATE INDEX pms_faults_by_status ON pms_faults (yacht_id, status, id);
CREATE INDEX pms_faults_by_equipment ON pms_faults (yacht_id, equipment_id)
  WHERE equipment_id IS NOT NULL;

CREATE TABLE pms_work_orders (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  origin text NOT NULL CHECK (origin = 'fault' OR origin = 'schedule' OR origin = 'manual'),
  fault_id uuid,
  schedule_id uuid,
  equipment_id uuid,
  title text NOT NULL,
  description text,
  priority text NOT NULL DEFAULT 'normal'
    CHECK (priority = 'low' OR priority = 'normal' OR priority = 'high' OR
           priority = 'critical'),
  status text NOT NULL DEFAULT 'planned'
    CHECK (status = 'planned' OR status = 'in_progress' OR status = 'on_hold' OR
           status = 'completed' OR status = 'cancelled'),
  assigned_to uuid,  -- a user id, member of the yacht
  due_date date,     -- YYYY-MM-DD
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  started_at timestamptz,
  completed_by uuid,
  completed_at timestamptz,
  completion_notes text,
  running_hours_reading double precision CHECK (running_hours_reading IS NULL OR running_hours_reading >= 0),
  cancelled_by uuid,
  cancelled_at timestamptz,
  cancel_reason text,
  status_changed_by uuid,
  status_changed_role text,
  status_change_notes text,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, fault_id) REFERENCES pms_faults (yacht_id, id),
  FOREIGN KEY (yacht_id, schedule_id) REFERENCES pms_maintenance_schedules (yacht_id, id),
  FOREIGN KEY (yacht_id, equipment_id) REFERENCES pms_equipment (yacht_id, id),
  CHECK (origin <> 'fault' OR fault_id IS NOT NULL),
  CHECK (origin <> 'schedule' OR schedule_id IS NOT NULL),
  CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL)
);
CREATE INDEX pms_work_orders_by_status ON pms_work_orders (yacht_id, status, id);
CREATE INDEX pms_work_orders_by_equipment ON pms_work_orders (yacht_id, equipment_id)
  WHERE equipment_id IS NOT NULL;
CREATE INDEX pms_work_orders_by_assignee ON pms_work_orders (yacht_id, assigned_to)
  WHERE assigned_to IS NOT NULL;
CREATE INDEX pms_work_orders_by_fault ON pms_work_orders (yacht_id, fault_id)
  WHERE fault_id IS NOT NULL;
-- Never two open work orders for one schedule.
CREATE UNIQUE INDEX pms_work_orders_open_schedule ON pms_work_orders (yacht_id, schedule_id)
  WHERE schedule_id IS NOT NULL AND
        (status = 'planned' OR status = 'in_progress' OR status = 'on_hold');

CREATE TABLE pms_work_order_notes (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  work_order_id uuid NOT NULL,
  author_id uuid NOT NULL,
  author_role text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, work_order_id) REFERENCES pms_work_orders (yacht_id, id)
);
CREATE INDEX pms_work_order_notes_by_work_order
  ON pms_work_order_notes (yacht_id, work_order_id, id);

-- Every status a fault or work order takes, creation included (from_status NULL).
CREATE TABLE pms_fault_history (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  fault_id uuid NOT NULL,
  from_status text,
  to_status text NOT NULL,
  actor_id uuid NOT NULL,
  actor_role text NOT NULL,
  at timestamptz NOT NULL,
  notes text,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, fault_id) REFERENCES pms_faults (yacht_id, id)
);
CREATE INDEX pms_fault_history_by_fault ON pms_fault_history (yacht_id, fault_id, at);

CREATE TABLE pms_work_order_history (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  work_order_id uuid NOT NULL,
  from_status text,
  to_status text NOT NULL,
  actor_id uuid NOT NULL,
  actor_role text NOT NULL,
  at timestamptz NOT NULL,
  notes text,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, work_order_id) REFERENCES pms_work_orders (yacht_id, id)
);
CREATE INDEX pms_work_order_history_by_work_order
  ON pms_work_order_history (yacht_id, work_order_id, at);

ALTER TABLE pms_faults ADD FOREIGN KEY (yacht_id, work_order_id)
  REFERENCES pms_work_orders (yacht_id, id);

-- History: one row per status, written from the columns the application sets with it.
CREATE FUNCTION pms_faults_record_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pms_fault_history
    (id, yacht_id, fault_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (gen_random_uuid(), NEW.yacht_id, NEW.id,
          CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.status END, NEW.status,
          NEW.status_changed_by, NEW.status_changed_role,
          CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_at ELSE NEW.updated_at END,
          NEW.status_change_notes);
  RETURN NULL;
END
$$;
CREATE TRIGGER pms_faults_history_on_insert AFTER INSERT ON pms_faults
  FOR EACH ROW EXECUTE FUNCTION pms_faults_record_status();
CREATE TRIGGER pms_faults_history_on_move AFTER UPDATE OF status ON pms_faults
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION pms_faults_record_status();

CREATE FUNCTION pms_work_orders_record_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pms_work_order_history
    (id, yacht_id, work_order_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (gen_random_uuid(), NEW.yacht_id, NEW.id,
          CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.status END, NEW.status,
          NEW.status_changed_by, NEW.status_changed_role,
          CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.updated_at END,
          NEW.status_change_notes);
  RETURN NULL;
END
$$;
CREATE TRIGGER pms_work_orders_history_on_insert AFTER INSERT ON pms_work_orders
  FOR EACH ROW EXECUTE FUNCTION pms_work_orders_record_status();
CREATE TRIGGER pms_work_orders_history_on_move AFTER UPDATE OF status ON pms_work_orders
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION pms_work_orders_record_status();

-- The second wall on status moves (the application checks them first). Faults:
--   open -> acknowledged | work_ordered | resolved
--   acknowledged -> work_ordered | resolved
--   work_ordered -> resolved (its work order completed) | acknowledged (it was cancelled)
--   resolved -> closed
CREATE FUNCTION pms_faults_guard_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'open' AND NEW.status IN ('acknowledged', 'work_ordered', 'resolved'))
    OR (OLD.status = 'acknowledged' AND NEW.status IN ('work_ordered', 'resolved'))
    OR (OLD.status = 'work_ordered' AND NEW.status IN ('resolved', 'acknowledged'))
    OR (OLD.status = 'resolved' AND NEW.status = 'closed')) THEN
    RAISE EXCEPTION 'illegal fault status transition: % -> %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER pms_faults_status_transition BEFORE UPDATE OF status ON pms_faults
  FOR EACH ROW EXECUTE FUNCTION pms_faults_guard_status();

-- Work orders:
--   planned -> in_progress | on_hold | completed | cancelled
--   in_progress -> on_hold | completed | cancelled
--   on_hold -> planned | in_progress | cancelled
CREATE FUNCTION pms_work_orders_guard_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'planned'
          AND NEW.status IN ('in_progress', 'on_hold', 'completed', 'cancelled'))
    OR (OLD.status = 'in_progress' AND NEW.status IN ('on_hold', 'completed', 'cancelled'))
    OR (OLD.status = 'on_hold' AND NEW.status IN ('planned', 'in_progress', 'cancelled'))) THEN
    RAISE EXCEPTION 'illegal work order status transition: % -> %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER pms_work_orders_status_transition BEFORE UPDATE OF status ON pms_work_orders
  FOR EACH ROW EXECUTE FUNCTION pms_work_orders_guard_status();

-- Row-level security: one policy per command the server uses, on every table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['pms_equipment', 'pms_maintenance_schedules', 'pms_faults',
                           'pms_work_orders', 'pms_work_order_notes', 'pms_fault_history',
                           'pms_work_order_history'] LOOP
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

-- Records are never deleted by the application; notes and history are append-only.
REVOKE ALL ON pms_equipment, pms_maintenance_schedules, pms_faults, pms_work_orders,
  pms_work_order_notes, pms_fault_history, pms_work_order_history FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE
  ON pms_equipment, pms_maintenance_schedules, pms_faults, pms_work_orders TO celeste_app;
GRANT SELECT, INSERT ON pms_work_order_notes, pms_fault_history, pms_work_order_history
  TO celeste_app;

-- Parts consumed on a work order (and, through it, on its equipment).
CREATE INDEX pms_inventory_transactions_by_work_order
  ON pms_inventory_transactions (yacht_id, work_order_id) WHERE work_order_id IS NOT NULL;
