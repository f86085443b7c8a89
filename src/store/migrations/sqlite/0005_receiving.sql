-- Receiving lens: purchase orders and goods receipt (SQLite; mirrors
-- postgres/0005_receiving.sql).
--
-- A purchase order carries approved shopping list items (pms_purchase_order_items, with the
-- quantity ordered). A receiving records a delivery, line by line, as a draft; accepting it
-- books each line's accepted quantity (received - damaged) into the parts ledger and keeps
-- the ledger row's id on the line. Nothing here is ever deleted: a cancelled order keeps its
-- items (released_at set), a rejected receiving keeps its lines.
-- The shopping list's state table gains ordered -> approved (a cancelled order releases its
-- items); SQLite has no status guard trigger, the application's table is the wall.
-- Enumerations use "=" ... "OR" rather than IN (...) (see 0002).

CREATE TABLE pms_purchase_orders (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  supplier TEXT NOT NULL,
  reference TEXT,
  status TEXT NOT NULL DEFAULT 'ordered'
    CHECK (status = 'ordered' OR status = 'partially_received' OR status = 'received' OR
           status = 'cancelled'),
  expected_date TEXT,  -- YYYY-MM-DD
  notes TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  cancelled_by TEXT,
  cancelled_at TEXT,
  cancel_reason TEXT,
  PRIMARY KEY (yacht_id, id),
  CHECK (status <> 'cancelled' OR cancelled_at IS NOT NULL)
) WITHOUT ROWID;
-- Listing: newest first (ids are UUIDv7), optionally by status.
CREATE INDEX pms_purchase_orders_by_status ON pms_purchase_orders (yacht_id, status, id);

CREATE TABLE pms_purchase_order_items (
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  purchase_order_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  quantity_ordered REAL NOT NULL CHECK (quantity_ordered > 0),
  released_at TEXT,  -- set when the order was cancelled and the item went back to approved
  PRIMARY KEY (yacht_id, purchase_order_id, item_id),
  FOREIGN KEY (yacht_id, purchase_order_id) REFERENCES pms_purchase_orders (yacht_id, id),
  FOREIGN KEY (yacht_id, item_id) REFERENCES pms_shopping_list_items (yacht_id, id)
) WITHOUT ROWID;
-- An item is on at most one live order.
CREATE UNIQUE INDEX pms_purchase_order_items_live ON pms_purchase_order_items
  (yacht_id, item_id) WHERE released_at IS NULL;

CREATE TABLE pms_receivings (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  purchase_order_id TEXT,  -- NULL: a delivery outside any order
  status TEXT NOT NULL DEFAULT 'draft'
    CHECK (status = 'draft' OR status = 'accepted' OR status = 'rejected'),
  reference TEXT,
  notes TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  accepted_by TEXT,
  accepted_role TEXT,
  accepted_at TEXT,
  rejected_by TEXT,
  rejected_at TEXT,
  rejection_reason TEXT,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, purchase_order_id) REFERENCES pms_purchase_orders (yacht_id, id),
  CHECK (status <> 'accepted' OR accepted_by IS NOT NULL),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
) WITHOUT ROWID;
CREATE INDEX pms_receivings_by_status ON pms_receivings (yacht_id, status, id);
CREATE INDEX pms_receivings_by_order ON pms_receivings (yacht_id, purchase_order_id)
  WHERE purchase_order_id IS NOT NULL;

CREATE TABLE pms_receiving_lines (
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  receiving_id TEXT NOT NULL,
  line INTEGER NOT NULL CHECK (line > 0),
  part_id TEXT NOT NULL,
  item_id TEXT,  -- the shopping list item delivered, if any
  quantity_received REAL NOT NULL CHECK (quantity_received > 0),
  quantity_damaged REAL NOT NULL DEFAULT 0
    CHECK (quantity_damaged >= 0 AND quantity_damaged <= quantity_received),
  notes TEXT,
  transaction_id TEXT,  -- the ledger row booked when the receiving was accepted
  PRIMARY KEY (yacht_id, receiving_id, line),
  FOREIGN KEY (yacht_id, receiving_id) REFERENCES pms_receivings (yacht_id, id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id),
  FOREIGN KEY (yacht_id, item_id) REFERENCES pms_shopping_list_items (yacht_id, id)
) WITHOUT ROWID;
-- What was received for an item so far.
CREATE INDEX pms_receiving_lines_by_item ON pms_receiving_lines (yacht_id, item_id)
  WHERE item_id IS NOT NULL;
