-- Parts lens: the stock ledger (SQLite; mirrors postgres/0004_parts_ledger.sql).
--
-- pms_inventory_transactions is the ledger: one append-only row per stock movement, with
-- a signed quantity (receive > 0, consume < 0, adjust and transfer either way).
-- pms_part_stock is the running balance per part, updated in the same transaction as each
-- ledger row; v_stock_from_transactions sums the ledger so the two can be compared
-- (`celeste parts verify-stock`). A balance never goes below zero.
-- Enumerations use "=" ... "OR" rather than IN (...) (see 0002).

CREATE TABLE pms_inventory_transactions (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  part_id TEXT NOT NULL,
  quantity REAL NOT NULL CHECK (quantity <> 0),
  type TEXT NOT NULL
    CHECK (type = 'receive' OR type = 'consume' OR type = 'adjust' OR type = 'transfer'),
  reference TEXT,
  idempotency_key TEXT,
  work_order_id TEXT,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id)
) WITHOUT ROWID;
-- The last transactions of a part, newest first (ids are UUIDv7).
CREATE INDEX pms_inventory_transactions_by_part
  ON pms_inventory_transactions (yacht_id, part_id, id);
-- A client's retry of the same movement is recognised by its key.
CREATE UNIQUE INDEX pms_inventory_transactions_key
  ON pms_inventory_transactions (yacht_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TRIGGER pms_inventory_transactions_no_update
  BEFORE UPDATE ON pms_inventory_transactions
BEGIN
  SELECT RAISE(ABORT, 'pms_inventory_transactions is append-only');
END;
CREATE TRIGGER pms_inventory_transactions_no_delete
  BEFORE DELETE ON pms_inventory_transactions
BEGIN
  SELECT RAISE(ABORT, 'pms_inventory_transactions is append-only');
END;

CREATE TABLE pms_part_stock (
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  part_id TEXT NOT NULL,
  on_hand REAL NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, part_id),
  FOREIGN KEY (yacht_id, part_id) REFERENCES pms_parts (yacht_id, id)
) WITHOUT ROWID;

CREATE VIEW v_stock_from_transactions AS
  SELECT yacht_id, part_id, SUM(quantity) AS on_hand
  FROM pms_inventory_transactions
  GROUP BY yacht_id, part_id;
