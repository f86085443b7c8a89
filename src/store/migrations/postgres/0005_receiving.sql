-- Receiving lens: purchase orders and goods receipt (PostgreSQL; mirrors
-- sqlite/0005_receiving.sql).
--
-- A purchase order carries approved shopping list items (pms_purchase_order_items, with the
-- quantity ordered). A receiving records a delivery, line by line, as a draft; accepting it
-- books each line's accepted quantity (received - damaged) into the parts ledger and keeps
-- the ledger row's id on the line. Nothing here is ever deleted: a cancelled order keeps its
-- items (released_at set), a rejected receiving keeps its lines; the application role has
-- no DELETE on these tables.
-- The shopping list's status guard (0002) gains ordered -> approved: a cancelled order
-- releases its items.
-- Row-level security as in 0001/0002.

CREATE TABLE pms_purchase_orders (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  supplier text NOT NULL,
  reference text,
  status text NOT NULL DEFAULT 'ordered'
    CHECK (status IN ('ordered', 'partially_received', 'received', 'cancelled')),
  expected_date date,
  notes text,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  cancelled_by uuid,
  cancelled_at timestamptz,
  cancel_reason text,
  PRIMARY KEY (yacht_id, id),
  CHECK (status <> 'cancelled' OR cancelled_at IS NOT NULL)
);
CREATE INDEX pms_purchase_orders_by_status ON pms_purchase_orders (yacht_id, status, id);

CREATE TABLE pms_purchase_order_items (
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  purchase_order_id uuid NOT NULL,
  item_id uuid NOT NULL,
  position integer NOT NULL,
  quantity_ordered double precision NOT NULL CHECK (quantity_ordered > 0),
  released_at timestamptz,
  PRIMARY KEY (yacht_id, purchase_order_id, item_id),
  FOREIGN KEY (yacht_id, purchase_order_id) REFERENCES pms_purchase_orders (yacht_id, id),
  FOREIGN KEY (yacht_id, item_id) REFERENCES pms_shopping_list_items (yacht_id, id)
);
CREATE UNIQUE INDEX pms_purchase_order_items_live ON pms_purchase_order_items
  (yacht_id, item_id) WHERE released_at IS NULL;

CREATE TABLE pms_receivings (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  purchase_order_id uuid,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'accepted', 'rejected')),
  reference text,
  notes text,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  accepted_by uuid,
  accepted_role text,
  accepted_at timestamptz,
  rejected_by uuid,
  rejected_at timestamptz,
  rejection_reason text,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, purchase_order_id) REFERENCES pms_purchase_orders (yacht_id, id),
  CHECK (status <> 'accepted' OR accepted_by IS NOT NULL),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
);
CREATE INDEX pms_receivings_by_status ON pms_receivings (yacht_id, status, id);
CREATE INDEX pms_receivings_by_order ON pms_receivings (yacht_id, purchase_order_id)
  WHERE purchase_order_id IS NOT NULL;

CREATE TABLE pms_receiving_lines (
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  receiving_id uuid NOT NULL,
  line integer NOT NULL CHECK (line > 0),
  part_id uuid NOT NULL,
  item_id uuid,
  quantity_received double precision NOT NULL CHECK (quantity_received > 0),
  quantity_damaged double precision NOT NULL DEFAULT 0
    CHECK (quantity_damaged >= 0 AND quantity_damaged <= quantity_received),
  notes text,
  transaction_id uuid,
  PRIMARY KEY (yacht_id, receiving_id, line),
  FOREIGN KEY (yacht_id, receiving_id) REFERENCES pms_receivings (yacht_id, id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id),
  FOREIGN KEY (yacht_id, item_id) REFERENCES pms_shopping_list_items (yacht_id, id)
);
CREATE INDEX pms_receiving_lines_by_item ON pms_receiving_lines (yacht_id, item_id)
  WHERE item_id IS NOT NULL;

-- The status guard of 0002, with ordered -> approved added.
CREATE OR REPLACE FUNCTION pms_shopping_list_items_guard_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'requested' AND NEW.status IN ('under_review', 'approved', 'rejected'))
    OR (OLD.status = 'under_review' AND NEW.status IN ('approved', 'rejected'))
    OR (OLD.status = 'approved' AND NEW.status = 'ordered')
    OR (OLD.status = 'ordered' AND NEW.status IN ('approved', 'partially_fulfilled', 'fulfilled'))
    OR (OLD.status = 'partially_fulfilled' AND NEW.status = 'fulfilled')) THEN
    RAISE EXCEPTION 'illegal shopping list status transition: % -> %',
      OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

ALTER TABLE pms_purchase_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_purchase_orders FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_purchase_orders_select ON pms_purchase_orders FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_purchase_orders_insert ON pms_purchase_orders FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_purchase_orders_update ON pms_purchase_orders FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

ALTER TABLE pms_purchase_order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_purchase_order_items FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_purchase_order_items_select ON pms_purchase_order_items FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_purchase_order_items_insert ON pms_purchase_order_items FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_purchase_order_items_update ON pms_purchase_order_items FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

ALTER TABLE pms_receivings ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_receivings FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_receivings_select ON pms_receivings FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_receivings_insert ON pms_receivings FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_receivings_update ON pms_receivings FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

ALTER TABLE pms_receiving_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_receiving_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_receiving_lines_select ON pms_receiving_lines FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_receiving_lines_insert ON pms_receiving_lines FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_receiving_lines_update ON pms_receiving_lines FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

-- No DELETE for the application: orders and receivings are records.
REVOKE ALL ON pms_purchase_orders, pms_purchase_order_items, pms_receivings,
  pms_receiving_lines FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE
  ON pms_purchase_orders, pms_purchase_order_items, pms_receivings, pms_receiving_lines
  TO celeste_app;
