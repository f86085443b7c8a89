-- Parts lens: the stock ledger (PostgreSQL; mirrors sqlite/0004_parts_ledger.sql).
--
-- pms_inventory_transactions is the ledger: one append-only row per stock movement, with
-- a signed quantity (receive > 0, consume < 0, adjust and transfer either way).
-- pms_part_stock is the running balance per part, updated in the same transaction as each
-- ledger row (the row is locked first: concurrent movements of one part queue up);
-- v_stock_from_transactions sums the ledger so the two can be compared
-- (`celeste parts verify-stock`). A balance never goes below zero.
-- Row-level security as in 0001/0002; the ledger is append-only like the audit log.

CREATE TABLE pms_inventory_transactions (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  part_id uuid NOT NULL,
  quantity double precision NOT NULL CHECK (quantity <> 0),
  type text NOT NULL CHECK (type IN ('receive', 'consume', 'adjust', 'transfer')),
  reference text,
  idempotency_key text,
  work_order_id uuid,
  actor_id uuid NOT NULL,
  actor_role text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id)
);
CREATE INDEX pms_inventory_transactions_by_part
  ON pms_inventory_transactions (yacht_id, part_id, id);
CREATE UNIQUE INDEX pms_inventory_transactions_key
  ON pms_inventory_transactions (yacht_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE FUNCTION pms_inventory_transactions_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pms_inventory_transactions is append-only'
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER pms_inventory_transactions_no_update BEFORE UPDATE ON pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION pms_inventory_transactions_refuse_change();
CREATE TRIGGER pms_inventory_transactions_no_delete BEFORE DELETE ON pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION pms_inventory_transactions_refuse_change();

CREATE TABLE pms_part_stock (
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  part_id uuid NOT NULL,
  on_hand double precision NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, part_id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id)
);

-- security_invoker: the view reads the ledger with the caller's rights, so row-level
-- security applies through it.
CREATE VIEW v_stock_from_transactions WITH (security_invoker = true) AS
  SELECT yacht_id, part_id, SUM(quantity) AS on_hand
  FROM pms_inventory_transactions
  GROUP BY yacht_id, part_id;

ALTER TABLE pms_inventory_transactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_inventory_transactions FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_inventory_transactions_select ON pms_inventory_transactions FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_inventory_transactions_insert ON pms_inventory_transactions FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
-- No UPDATE or DELETE policy: the ledger is append-only.

ALTER TABLE pms_part_stock ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_part_stock FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_part_stock_select ON pms_part_stock FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_part_stock_insert ON pms_part_stock FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_part_stock_update ON pms_part_stock FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_part_stock_delete ON pms_part_stock FOR DELETE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);

REVOKE ALL ON pms_inventory_transactions, pms_part_stock, v_stock_from_transactions FROM PUBLIC;
GRANT SELECT, INSERT ON pms_inventory_transactions TO celeste_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON pms_part_stock TO celeste_app;
GRANT SELECT ON v_stock_from_transactions TO celeste_app;
