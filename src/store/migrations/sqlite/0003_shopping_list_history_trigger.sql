-- Shopping list state history written by the database (SQLite; mirrors
-- postgres/0003_shopping_list_history_trigger.sql).
--
-- Every status an item takes is recorded by triggers, whatever code moved it: the row a
-- new item starts with (from_status NULL) and each change of status. The application says
-- who moved it, in what role and why, in three columns it sets with the status; the
-- triggers copy them with the time of the move (created_at for the first row, updated_at
-- for a move). The application sets them with every status it writes (one UPDATE in
-- item_transition.cc); an item inserted without them is refused (history.actor_id is
-- NOT NULL).
-- History ids made here are random (version 4) UUIDs; history reads order by time.

ALTER TABLE pms_shopping_list_items ADD COLUMN status_changed_by TEXT;
ALTER TABLE pms_shopping_list_items ADD COLUMN status_changed_role TEXT;
ALTER TABLE pms_shopping_list_items ADD COLUMN status_change_notes TEXT;

CREATE TRIGGER pms_shopping_list_items_history_on_insert
  AFTER INSERT ON pms_shopping_list_items
BEGIN
  INSERT INTO pms_shopping_list_state_history
    (id, yacht_id, item_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                substr(hex(randomblob(2)), 2) || '-' ||
                substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) ||
                '-' || hex(randomblob(6))),
          NEW.yacht_id, NEW.id, NULL, NEW.status, NEW.status_changed_by,
          NEW.status_changed_role, NEW.created_at, NEW.status_change_notes);
END;

CREATE TRIGGER pms_shopping_list_items_history_on_move
  AFTER UPDATE OF status ON pms_shopping_list_items
  WHEN OLD.status IS NOT NEW.status
BEGIN
  INSERT INTO pms_shopping_list_state_history
    (id, yacht_id, item_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                substr(hex(randomblob(2)), 2) || '-' ||
                substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) ||
                '-' || hex(randomblob(6))),
          NEW.yacht_id, NEW.id, OLD.status, NEW.status, NEW.status_changed_by,
          NEW.status_changed_role, NEW.updated_at, NEW.status_change_notes);
END;
