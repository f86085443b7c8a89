-- Parts lens: low stock reads only the low parts (PostgreSQL; mirrors
-- sqlite/0006_low_stock_marker.sql).
--
-- A part is low stock when min_level > 0 AND on_hand <= min_level. Each balance row keeps a
-- copy of its part's min_level, and `low` is that test computed from the row itself (a
-- generated column: nothing can write it), so the partial index pms_part_stock_low holds
-- exactly the low balances and the low-stock list reads those rows and nothing else
-- (parts::LowStockParts), however big the catalog and the ledger. A stock movement sets
-- on_hand only; `low` and the index follow it by themselves. A flag rather than the test
-- itself in the index's WHERE: ANALYZE counts the low rows, so the planner knows how few
-- they are, and a movement that leaves `low` as it was changes no indexed column (on_hand
-- is in no index), so the balance row is still updated in place (HOT).
--
-- Two invariants, kept by the triggers below whatever code writes the tables:
--   1. pms_part_stock.min_level equals its part's min_level: copied when a balance row is
--      created, when the part's min_level changes, and put back when something writes the
--      copy itself.
--   2. A part that can be low (min_level > 0) has a balance row, on_hand 0 until its stock
--      first moves (updated_at: the part's creation). Before this migration a part's row
--      appeared with its first movement; a part with min_level 0 still gets it then.
--      Deleting a part deletes its empty balance row first, so a part that never moved can
--      still be deleted. Deleting a balance row by hand is not supported (docs/lenses/parts.md:
--      never edit pms_part_stock).
--
-- Concurrency (READ COMMITTED): a min_level change writes the balance row (an upsert when
-- the new minimum is above 0), so it waits for a movement holding that row (or creating it)
-- and then writes the copy on the row the movement left; a movement that locks the row
-- after the change sees the new copy.
-- Row-level security: the trigger functions run with the caller's rights (no SECURITY
-- DEFINER), so they read and write only rows of the yacht the caller is scoped to, under
-- the policies of 0004; no new table, grant or policy. The backfill runs per yacht with
-- app.yacht_id set, because FORCE ROW LEVEL SECURITY holds the migrating owner to the
-- policies too.

ALTER TABLE pms_part_stock
  ADD COLUMN min_level double precision NOT NULL DEFAULT 0,
  ADD COLUMN low boolean GENERATED ALWAYS AS (min_level > 0 AND on_hand <= min_level) STORED;

-- Existing rows: the copy, and a balance row for every part that can be low.
DO $$
DECLARE
  yacht uuid;
BEGIN
  FOR yacht IN SELECT id FROM yachts LOOP
    PERFORM set_config('app.yacht_id', yacht::text, true);
    UPDATE pms_part_stock AS s SET min_level = p.min_level
    FROM pms_parts AS p
    WHERE s.yacht_id = yacht AND p.yacht_id = s.yacht_id AND p.id = s.part_id;
    INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at, min_level)
      SELECT p.yacht_id, p.id, 0, p.created_at, p.min_level FROM pms_parts AS p
      WHERE p.yacht_id = yacht AND p.min_level > 0
      ON CONFLICT (yacht_id, part_id) DO NOTHING;
  END LOOP;
  PERFORM set_config('app.yacht_id', '', true);
END
$$;

CREATE INDEX pms_part_stock_low ON pms_part_stock (yacht_id, part_id) WHERE low;

-- Invariant 2 on a new part, and both invariants when its min_level changes.
CREATE FUNCTION pms_parts_copy_min_level() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.min_level > 0 THEN
    INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at, min_level)
      VALUES (NEW.yacht_id, NEW.id, 0, NEW.created_at, NEW.min_level)
      ON CONFLICT (yacht_id, part_id) DO UPDATE SET min_level = EXCLUDED.min_level;
  ELSE
    UPDATE pms_part_stock SET min_level = NEW.min_level
    WHERE yacht_id = NEW.yacht_id AND part_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER pms_parts_low_stock_insert AFTER INSERT ON pms_parts
  FOR EACH ROW WHEN (NEW.min_level > 0) EXECUTE FUNCTION pms_parts_copy_min_level();
CREATE TRIGGER pms_parts_low_stock_update AFTER UPDATE OF min_level ON pms_parts
  FOR EACH ROW WHEN (NEW.min_level IS DISTINCT FROM OLD.min_level)
  EXECUTE FUNCTION pms_parts_copy_min_level();

CREATE FUNCTION pms_parts_delete_empty_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM pms_part_stock
  WHERE yacht_id = OLD.yacht_id AND part_id = OLD.id AND on_hand = 0;
  RETURN OLD;
END
$$;
CREATE TRIGGER pms_parts_low_stock_delete BEFORE DELETE ON pms_parts
  FOR EACH ROW EXECUTE FUNCTION pms_parts_delete_empty_balance();

-- Invariant 1 on the balance side: a new row, or a copy written by anything but the
-- triggers above, takes the part's min_level. Stock movements set on_hand only and do not
-- fire it.
CREATE FUNCTION pms_part_stock_take_min_level() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.min_level := COALESCE((SELECT p.min_level FROM pms_parts AS p
                             WHERE p.yacht_id = NEW.yacht_id AND p.id = NEW.part_id), 0);
  RETURN NEW;
END
$$;
CREATE TRIGGER pms_part_stock_min_level
  BEFORE INSERT OR UPDATE OF min_level, yacht_id, part_id ON pms_part_stock
  FOR EACH ROW EXECUTE FUNCTION pms_part_stock_take_min_level();
