-- Shopping list lens: crew request parts, heads of department review, approve or reject,
-- the receiving lens moves approved items through ordered to fulfilled.
-- Also the minimal parts catalog the requests point at (the parts lens extends it).
-- Every table is a tenant table: yacht_id NOT NULL, in the primary key and in every key
-- that points at another tenant table.
--
-- Enumerations are checked with "=" ... "OR" rather than IN (...): SQLite builds an
-- ephemeral table for each IN list on every insert, which cost a quarter of a create.


CREATE TABLE pms_parts (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  name TEXT NOT NULL,
  part_number TEXT,
  manufacturer TEXT,
  unit TEXT,
  min_level REAL NOT NULL DEFAULT 0 CHECK (min_level >= 0),
  location TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id)
) WITHOUT ROWID;
-- A part number names at most one catalog part per yacht; parts without one are allowed.
CREATE UNIQUE INDEX pms_parts_part_number ON pms_parts (yacht_id, part_number)
  WHERE part_number IS NOT NULL;

CREATE TABLE pms_shopping_list_items (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  part_name TEXT NOT NULL,
  part_id TEXT,  -- NULL: a candidate part, not yet in the catalog
  part_number TEXT,
  manufacturer TEXT,
  unit TEXT,
  quantity_requested REAL NOT NULL CHECK (quantity_requested > 0),
  quantity_approved REAL CHECK (quantity_approved IS NULL OR quantity_approved > 0),
  source_type TEXT NOT NULL
    CHECK (source_type = 'manual_add' OR source_type = 'low_stock' OR
           source_type = 'work_order' OR source_type = 'fault'),
  urgency TEXT NOT NULL DEFAULT 'normal'
    CHECK (urgency = 'low' OR urgency = 'normal' OR urgency = 'high' OR
           urgency = 'critical'),
  required_by_date TEXT,  -- YYYY-MM-DD
  source_work_order_id TEXT,
  notes TEXT,
  status TEXT NOT NULL DEFAULT 'requested'
    CHECK (status = 'requested' OR status = 'under_review' OR status = 'approved' OR
           status = 'ordered' OR status = 'partially_fulfilled' OR status = 'fulfilled' OR
           status = 'rejected'),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  reviewed_by TEXT,
  reviewed_at TEXT,
  approved_by TEXT,
  approved_at TEXT,
  approval_notes TEXT,
  rejected_by TEXT,
  rejected_at TEXT,
  rejection_reason TEXT,
  rejection_notes TEXT,
  promoted_by TEXT,
  promoted_at TEXT,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id),
  -- What the state machine guarantees, kept true by the database as well.
  CHECK (status = 'requested' OR status = 'under_review' OR status = 'rejected' OR
         quantity_approved IS NOT NULL),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
) WITHOUT ROWID;
-- Listing: newest first (ids are UUIDv7), optionally by status.
CREATE INDEX pms_shopping_list_items_by_status ON pms_shopping_list_items (yacht_id, status, id);
-- The duplicates rule: one open item per catalog part and source work order.
-- Candidate parts (part_id NULL) are never duplicates; rejected and fulfilled items are closed.
CREATE UNIQUE INDEX pms_shopping_list_items_open_part ON pms_shopping_list_items
  (yacht_id, part_id, (COALESCE(source_work_order_id, '')))
  WHERE part_id IS NOT NULL AND status <> 'rejected' AND status <> 'fulfilled';
CREATE INDEX pms_shopping_list_items_by_part ON pms_shopping_list_items (yacht_id, part_id)
  WHERE part_id IS NOT NULL;

-- Every state move of an item, creation included (from_status NULL), oldest first by id.
CREATE TABLE pms_shopping_list_state_history (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  item_id TEXT NOT NULL,
  from_status TEXT
    CHECK (from_status = 'requested' OR from_status = 'under_review' OR
           from_status = 'approved' OR from_status = 'ordered' OR
           from_status = 'partially_fulfilled' OR from_status = 'fulfilled' OR
           from_status = 'rejected'),
  to_status TEXT NOT NULL
    CHECK (to_status = 'requested' OR to_status = 'under_review' OR
           to_status = 'approved' OR to_status = 'ordered' OR
           to_status = 'partially_fulfilled' OR to_status = 'fulfilled' OR
           to_status = 'rejected'),
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  at TEXT NOT NULL,
  notes TEXT,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, item_id) REFERENCES pms_shopping_list_items (yacht_id, id)
) WITHOUT ROWID;
CREATE INDEX pms_shopping_list_state_history_by_item
  ON pms_shopping_list_state_history (yacht_id, item_id, id);
