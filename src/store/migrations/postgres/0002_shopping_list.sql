-- Shopping list lens (PostgreSQL): crew request parts, heads of department review,
-- approve or reject, the receiving lens moves approved items through ordered to
-- fulfilled. Also the minimal parts catalog the requests point at (the parts lens
-- extends it). Same tables and meaning as sqlite/0002_shopping_list.sql.
--
-- Every table is a tenant table: yacht_id NOT NULL, in the primary key and in every key
-- that points at another tenant table; ENABLE + FORCE ROW LEVEL SECURITY, deny by
-- default, policies on the transaction's app.yacht_id (see 0001_foundation.sql).
--
-- Status moves: the application validates every transition and writes
-- pms_shopping_list_state_history itself, in the same transaction as the move. The
-- trigger on pms_shopping_list_items is a second wall that refuses an illegal move; it
-- deliberately does NOT write history (the application already does: it would
-- double-write).

CREATE TABLE pms_parts (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  name text NOT NULL,
  part_number text,
  manufacturer text,
  unit text,
  min_level double precision NOT NULL DEFAULT 0 CHECK (min_level >= 0),
  location text,
  created_at timestamptz NOT NULL,
  created_by uuid NOT NULL,
  PRIMARY KEY (yacht_id, id)
);
-- A part number names at most one catalog part per yacht; parts without one are allowed.
CREATE UNIQUE INDEX pms_parts_part_number ON pms_parts (yacht_id, part_number)
  WHERE part_number IS NOT NULL;

CREATE TABLE pms_shopping_list_items (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  part_name text NOT NULL,
  part_id uuid,  -- NULL: a candidate part, not yet in the catalog
  part_number text,
  manufacturer text,
  unit text,
  quantity_requested double precision NOT NULL CHECK (quantity_requested > 0),
  quantity_approved double precision
    CHECK (quantity_approved IS NULL OR quantity_approved > 0),
  source_type text NOT NULL
    CHECK (source_type IN ('manual_add', 'low_stock', 'work_order', 'fault')),
  urgency text NOT NULL DEFAULT 'normal'
    CHECK (urgency IN ('low', 'normal', 'high', 'critical')),
  required_by_date date,
  source_work_order_id uuid,
  notes text,
  status text NOT NULL DEFAULT 'requested'
    CHECK (status IN ('requested', 'under_review', 'approved', 'ordered',
                      'partially_fulfilled', 'fulfilled', 'rejected')),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  reviewed_by uuid,
  reviewed_at timestamptz,
  approved_by uuid,
  approved_at timestamptz,
  approval_notes text,
  rejected_by uuid,
  rejected_at timestamptz,
  rejection_reason text,
  rejection_notes text,
  promoted_by uuid,
  promoted_at timestamptz,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id),
  -- What the state machine guarantees, kept true by the database as well.
  CHECK (status IN ('requested', 'under_review', 'rejected') OR
         quantity_approved IS NOT NULL),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
);
-- Listing: newest first (ids are UUIDv7), optionally by status.
CREATE INDEX pms_shopping_list_items_by_status
  ON pms_shopping_list_items (yacht_id, status, id);
-- The duplicates rule: one open item per catalog part and source work order.
-- Candidate parts (part_id NULL) are never duplicates; rejected and fulfilled items are
-- closed. (A NULL work order counts as one value, as COALESCE(..., '') does on SQLite.)
CREATE UNIQUE INDEX pms_shopping_list_items_open_part ON pms_shopping_list_items
  (yacht_id, part_id, (COALESCE(source_work_order_id,
                                '00000000-0000-0000-0000-000000000000'::uuid)))
  WHERE part_id IS NOT NULL AND status NOT IN ('rejected', 'fulfilled');
CREATE INDEX pms_shopping_list_items_by_part ON pms_shopping_list_items (yacht_id, part_id)
  WHERE part_id IS NOT NULL;

-- The second wall on status moves (the application checks them first). Allowed:
--   requested           -> under_review | approved | rejected
--   under_review        -> approved | rejected
--   approved            -> ordered
--   ordered             -> partially_fulfilled | fulfilled
--   partially_fulfilled -> fulfilled
-- An update that keeps the status (edits, promotion to the catalog) always passes.
CREATE FUNCTION pms_shopping_list_items_guard_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'requested' AND NEW.status IN ('under_review', 'approved', 'rejected'))
    OR (OLD.status = 'under_review' AND NEW.status IN ('approved', 'rejected'))
    OR (OLD.status = 'approved' AND NEW.status = 'ordered')
    OR (OLD.status = 'ordered' AND NEW.status IN ('partially_fulfilled', 'fulfilled'))
    OR (OLD.status = 'partially_fulfilled' AND NEW.status = 'fulfilled')) THEN
    RAISE EXCEPTION 'illegal shopping list status transition: % -> %',
      OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER pms_shopping_list_items_status_transition
  BEFORE UPDATE OF status ON pms_shopping_list_items
  FOR EACH ROW EXECUTE FUNCTION pms_shopping_list_items_guard_status();

-- Every state move of an item, creation included (from_status NULL), oldest first by id.
-- Written by the application (see the header), never by a trigger.
CREATE TABLE pms_shopping_list_state_history (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  item_id uuid NOT NULL,
  from_status text
    CHECK (from_status IN ('requested', 'under_review', 'approved', 'ordered',
                           'partially_fulfilled', 'fulfilled', 'rejected')),
  to_status text NOT NULL
    CHECK (to_status IN ('requested', 'under_review', 'approved', 'ordered',
                         'partially_fulfilled', 'fulfilled', 'rejected')),
  actor_id uuid NOT NULL,
  actor_role text NOT NULL,
  at timestamptz NOT NULL,
  notes text,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, item_id) REFERENCES pms_shopping_list_items (yacht_id, id)
);
CREATE INDEX pms_shopping_list_state_history_by_item
  ON pms_shopping_list_state_history (yacht_id, item_id, id);

-- Row-level security: deny by default, one policy per command the server uses.
ALTER TABLE pms_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_parts FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_parts_select ON pms_parts FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_parts_insert ON pms_parts FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_parts_update ON pms_parts FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_parts_delete ON pms_parts FOR DELETE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

ALTER TABLE pms_shopping_list_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_shopping_list_items FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_shopping_list_items_select ON pms_shopping_list_items FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_shopping_list_items_insert ON pms_shopping_list_items FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_shopping_list_items_update ON pms_shopping_list_items FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_shopping_list_items_delete ON pms_shopping_list_items FOR DELETE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

ALTER TABLE pms_shopping_list_state_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_shopping_list_state_history FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_shopping_list_state_history_select ON pms_shopping_list_state_history
  FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_shopping_list_state_history_insert ON pms_shopping_list_state_history
  FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_shopping_list_state_history_update ON pms_shopping_list_state_history
  FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_shopping_list_state_history_delete ON pms_shopping_list_state_history
  FOR DELETE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

REVOKE ALL ON pms_parts, pms_shopping_list_items, pms_shopping_list_state_history
  FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON pms_parts, pms_shopping_list_items, pms_shopping_list_state_history TO celeste_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO celeste_app;
