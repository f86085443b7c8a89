-- Maintenance: equipment, maintenance schedules, faults and work orders (SQLite; mirrors
-- postgres/0007_maintenance.sql). Issue 5; lenses equipment, faults and work_orders.
--
-- Equipment is a tree per yacht (parent_id). A schedule is a recurring task on one piece of
-- equipment, due by calendar (interval_days) and/or by running hours (interval_hours).
-- A fault is reported against equipment (or none); a work order is planned from a fault, a
-- schedule or by hand. Faults and work orders keep a history of every status, written by
-- triggers from the status_changed_by/_role/status_change_notes columns the application
-- sets with each status (as the shopping list does, 0003).
-- At most one open work order (planned, in_progress, on_hold) per schedule: generating due
-- work orders twice at once cannot make two.
-- Enumerations use "=" ... "OR" rather than IN (...) (see 0002).

CREATE TABLE pms_equipment (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  parent_id TEXT,
  name TEXT NOT NULL,
  system TEXT,
  manufacturer TEXT,
  model TEXT,
  serial_number TEXT,
  location TEXT,
  criticality TEXT NOT NULL DEFAULT 'medium'
    CHECK (criticality = 'low' OR criticality = 'medium' OR criticality = 'high' OR
           criticality = 'critical'),
  running_hours REAL NOT NULL DEFAULT 0 CHECK (running_hours >= 0),
  running_hours_at TEXT,  -- when the last reading was taken
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, parent_id) REFERENCES pms_equipment (yacht_id, id),
  CHECK (parent_id IS NULL OR parent_id <> id)
) WITHOUT ROWID;
CREATE INDEX pms_equipment_by_parent ON pms_equipment (yacht_id, parent_id);

CREATE TABLE pms_maintenance_schedules (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  equipment_id TEXT NOT NULL,
  task TEXT NOT NULL,
  description TEXT,
  interval_days INTEGER CHECK (interval_days IS NULL OR interval_days > 0),
  interval_hours REAL CHECK (interval_hours IS NULL OR interval_hours > 0),
  last_done_at TEXT,     -- RFC 3339; NULL: never done (due from created_at)
  last_done_hours REAL,  -- the equipment's running hours then; NULL: never done (from 0)
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, equipment_id) REFERENCES pms_equipment (yacht_id, id),
  CHECK (interval_days IS NOT NULL OR interval_hours IS NOT NULL)
) WITHOUT ROWID;
CREATE INDEX pms_maintenance_schedules_by_equipment
  ON pms_maintenance_schedules (yacht_id, equipment_id);

CREATE TABLE pms_faults (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  equipment_id TEXT,
  title TEXT NOT NULL,
  description TEXT,
  severity TEXT NOT NULL
    CHECK (severity = 'low' OR severity = 'medium' OR severity = 'high' OR
           severity = 'critical'),
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status = 'open' OR status = 'acknowledged' OR status = 'work_ordered' OR
           status = 'resolved' OR status = 'closed'),
  reported_by TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  acknowledged_by TEXT,
  acknowledged_at TEXT,
  work_order_id TEXT,  -- the work order raised for it (the latest)
  resolution TEXT,
  resolved_without_work_order INTEGER NOT NULL DEFAULT 0
    CHECK (resolved_without_work_order = 0 OR resolved_without_work_order = 1),
  closed_by TEXT,
  closed_at TEXT,
  status_changed_by TEXT,
  status_changed_role TEXT,
  status_change_notes TEXT,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, equipment_id) REFERENCES pms_equipment (yacht_id, id),
  FOREIGN KEY (yacht_id, work_order_id) REFERENCES pms_work_orders (yacht_id, id),
  CHECK (status <> 'closed' OR resolution IS NOT NULL)
) WITHOUT ROWID;
CREATE INDEX pms_faults_by_status ON pms_faults (yacht_id, status, id);
CREATE INDEX pms_faults_by_equipment ON pms_faults (yacht_id, equipment_id)
  WHERE equipment_id IS NOT NULL;

CREATE TABLE pms_work_orders (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  origin TEXT NOT NULL CHECK (origin = 'fault' OR origin = 'schedule' OR origin = 'manual'),
  fault_id TEXT,
  schedule_id TEXT,
  equipment_id TEXT,
  title TEXT NOT NULL,
  description TEXT,
  priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority = 'low' OR priority = 'normal' OR priority = 'high' OR
           priority = 'critical'),
  status TEXT NOT NULL DEFAULT 'planned'
    CHECK (status = 'planned' OR status = 'in_progress' OR status = 'on_hold' OR
           status = 'completed' OR status = 'cancelled'),
  assigned_to TEXT,  -- a user id, member of the yacht
  due_date TEXT,     -- YYYY-MM-DD
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  completed_by TEXT,
  completed_at TEXT,
  completion_notes TEXT,
  running_hours_reading REAL CHECK (running_hours_reading IS NULL OR running_hours_reading >= 0),
  cancelled_by TEXT,
  cancelled_at TEXT,
  cancel_reason TEXT,
  status_changed_by TEXT,
  status_changed_role TEXT,
  status_change_notes TEXT,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, fault_id) REFERENCES pms_faults (yacht_id, id),
  FOREIGN KEY (yacht_id, schedule_id) REFERENCES pms_maintenance_schedules (yacht_id, id),
  FOREIGN KEY (yacht_id, equipment_id) REFERENCES pms_equipment (yacht_id, id),
  CHECK (origin <> 'fault' OR fault_id IS NOT NULL),
  CHECK (origin <> 'schedule' OR schedule_id IS NOT NULL),
  CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL)
) WITHOUT ROWID;
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
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  work_order_id TEXT NOT NULL,
  author_id TEXT NOT NULL,
  author_role TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, work_order_id) REFERENCES pms_work_orders (yacht_id, id)
) WITHOUT ROWID;
CREATE INDEX pms_work_order_notes_by_work_order
  ON pms_work_order_notes (yacht_id, work_order_id, id);

-- Every status a fault or work order takes, creation included (from_status NULL).
CREATE TABLE pms_fault_history (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  fault_id TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  at TEXT NOT NULL,
  notes TEXT,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, fault_id) REFERENCES pms_faults (yacht_id, id)
) WITHOUT ROWID;
CREATE INDEX pms_fault_history_by_fault ON pms_fault_history (yacht_id, fault_id, at);

CREATE TABLE pms_work_order_history (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  work_order_id TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  at TEXT NOT NULL,
  notes TEXT,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, work_order_id) REFERENCES pms_work_orders (yacht_id, id)
) WITHOUT ROWID;
CREATE INDEX pms_work_order_history_by_work_order
  ON pms_work_order_history (yacht_id, work_order_id, at);

CREATE TRIGGER pms_faults_history_on_insert AFTER INSERT ON pms_faults
BEGIN
  INSERT INTO pms_fault_history
    (id, yacht_id, fault_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                substr(hex(randomblob(2)), 2) || '-' ||
                substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) ||
                '-' || hex(randomblob(6))),
          NEW.yacht_id, NEW.id, NULL, NEW.status, NEW.status_changed_by,
          NEW.status_changed_role, NEW.reported_at, NEW.status_change_notes);
END;
CREATE TRIGGER pms_faults_history_on_move AFTER UPDATE OF status ON pms_faults
  WHEN OLD.status IS NOT NEW.status
BEGIN
  INSERT INTO pms_fault_history
    (id, yacht_id, fault_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                substr(hex(randomblob(2)), 2) || '-' ||
                substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) ||
                '-' || hex(randomblob(6))),
          NEW.yacht_id, NEW.id, OLD.status, NEW.status, NEW.status_changed_by,
          NEW.status_changed_role, NEW.updated_at, NEW.status_change_notes);
END;

CREATE TRIGGER pms_work_orders_history_on_insert AFTER INSERT ON pms_work_orders
BEGIN
  INSERT INTO pms_work_order_history
    (id, yacht_id, work_order_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                substr(hex(randomblob(2)), 2) || '-' ||
                substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) ||
                '-' || hex(randomblob(6))),
          NEW.yacht_id, NEW.id, NULL, NEW.status, NEW.status_changed_by,
          NEW.status_changed_role, NEW.created_at, NEW.status_change_notes);
END;
CREATE TRIGGER pms_work_orders_history_on_move AFTER UPDATE OF status ON pms_work_orders
  WHEN OLD.status IS NOT NEW.status
BEGIN
  INSERT INTO pms_work_order_history
    (id, yacht_id, work_order_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                substr(hex(randomblob(2)), 2) || '-' ||
                substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) ||
                '-' || hex(randomblob(6))),
          NEW.yacht_id, NEW.id, OLD.status, NEW.status, NEW.status_changed_by,
          NEW.status_changed_role, NEW.updated_at, NEW.status_change_notes);
END;

-- Parts consumed on a work order (and, through it, on its equipment).
CREATE INDEX pms_inventory_transactions_by_work_order
  ON pms_inventory_transactions (yacht_id, work_order_id) WHERE work_order_id IS NOT NULL;
