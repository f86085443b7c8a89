-- Parts lens: low stock reads only the low parts (SQLite; mirrors
-- postgres/0006_low_stock_marker.sql).
--
-- A part is low stock when min_level > 0 AND on_hand <= min_level. Each balance row keeps a
-- copy of its part's min_level, and `low` is that test computed from the row itself (a
-- generated column: nothing can write it), so the partial index pms_part_stock_low holds
-- exactly the low balances and the low-stock list reads those rows and nothing else
-- (parts::LowStockParts), however big the catalog and the ledger. A stock movement sets
-- on_hand only; `low` and the index follow it by themselves. (The flag is there for
-- PostgreSQL's planner, see there; SQLite's is told the index, so the two schemas match.)
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

ALTER TABLE pms_part_stock ADD COLUMN min_level REAL NOT NULL DEFAULT 0;
ALTER TABLE pms_part_stock ADD COLUMN low INTEGER
  GENERATED ALWAYS AS (min_level > 0 AND on_hand <= min_level) VIRTUAL;

-- Existing rows: the copy, and a balance row for every part that can be low.
UPDATE pms_part_stock
SET min_level = (SELECT p.min_level FROM pms_parts AS p
                 WHERE p.yacht_id = pms_part_stock.yacht_id AND p.id = pms_part_stock.part_id);
INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at, min_level)
  SELECT p.yacht_id, p.id, 0, p.created_at, p.min_level FROM pms_parts AS p
  WHERE p.min_level > 0 AND NOT EXISTS (SELECT 1 FROM pms_part_stock AS s
                                        WHERE s.yacht_id = p.yacht_id AND s.part_id = p.id);

CREATE INDEX pms_part_stock_low ON pms_part_stock (yacht_id, part_id) WHERE low;

-- Invariant 2 on a new part, and both invariants when its min_level changes.
CREATE TRIGGER pms_parts_low_stock_insert AFTER INSERT ON pms_parts
WHEN NEW.min_level > 0
BEGIN
  INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at, min_level)
    VALUES (NEW.yacht_id, NEW.id, 0, NEW.created_at, NEW.min_level);
END;
CREATE TRIGGER pms_parts_low_stock_update AFTER UPDATE OF min_level ON pms_parts
WHEN NEW.min_level IS NOT OLD.min_level
BEGIN
  UPDATE pms_part_stock SET min_level = NEW.min_level
  WHERE yacht_id = NEW.yacht_id AND part_id = NEW.id;
  INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at, min_level)
    SELECT NEW.yacht_id, NEW.id, 0, NEW.created_at, NEW.min_level
    WHERE NEW.min_level > 0 AND NOT EXISTS (SELECT 1 FROM pms_part_stock
                                            WHERE yacht_id = NEW.yacht_id AND part_id = NEW.id);
END;
CREATE TRIGGER pms_parts_low_stock_delete BEFORE DELETE ON pms_parts
BEGIN
  DELETE FROM pms_part_stock WHERE yacht_id = OLD.yacht_id AND part_id = OLD.id AND on_hand = 0;
END;

-- Invariant 1 on the balance side: a new row, or a copy written by anything but the
-- triggers above, takes the part's min_level (SQLite cannot change NEW in a BEFORE trigger:
-- the row is corrected right after, in the same statement). Stock movements set on_hand
-- only and fire neither trigger.
CREATE TRIGGER pms_part_stock_min_level_insert AFTER INSERT ON pms_part_stock
WHEN NEW.min_level IS NOT COALESCE((SELECT min_level FROM pms_parts
                                    WHERE yacht_id = NEW.yacht_id AND id = NEW.part_id), 0)
BEGIN
  UPDATE pms_part_stock
  SET min_level = COALESCE((SELECT min_level FROM pms_parts
                            WHERE yacht_id = NEW.yacht_id AND id = NEW.part_id), 0)
  WHERE yacht_id = NEW.yacht_id AND part_id = NEW.part_id;
END;
CREATE TRIGGER pms_part_stock_min_level_update
  AFTER UPDATE OF min_level, yacht_id, part_id ON pms_part_stock
WHEN NEW.min_level IS NOT COALESCE((SELECT min_level FROM pms_parts
                                    WHERE yacht_id = NEW.yacht_id AND id = NEW.part_id), 0)
BEGIN
  UPDATE pms_part_stock
  SET min_level = COALESCE((SELECT min_level FROM pms_parts
                            WHERE yacht_id = NEW.yacht_id AND id = NEW.part_id), 0)
  WHERE yacht_id = NEW.yacht_id AND part_id = NEW.part_id;
END;
