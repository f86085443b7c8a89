-- Shopping list state history written by the database (PostgreSQL; mirrors
-- sqlite/0003_shopping_list_history_trigger.sql).
--
-- Every status an item takes is recorded by triggers, whatever code moved it: the row a
-- new item starts with (from_status NULL) and each change of status. The application says
-- who moved it, in what role and why, in three columns it sets with the status; the
-- triggers copy them with the time of the move (created_at for the first row, updated_at
-- for a move). The application sets them with every status it writes (one UPDATE in
-- item_transition.cc); an item inserted without them is refused (history.actor_id is
-- NOT NULL).
-- The BEFORE UPDATE trigger of 0002 still refuses illegal moves first.

ALTER TABLE pms_shopping_list_items
  ADD COLUMN status_changed_by uuid,
  ADD COLUMN status_changed_role text,
  ADD COLUMN status_change_notes text;

CREATE FUNCTION pms_shopping_list_items_record_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pms_shopping_list_state_history
    (id, yacht_id, item_id, from_status, to_status, actor_id, actor_role, at, notes)
  VALUES (gen_random_uuid(), NEW.yacht_id, NEW.id,
          CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.status END, NEW.status,
          NEW.status_changed_by, NEW.status_changed_role,
          CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.updated_at END,
          NEW.status_change_notes);
  RETURN NULL;
END
$$;
CREATE TRIGGER pms_shopping_list_items_history_on_insert
  AFTER INSERT ON pms_shopping_list_items
  FOR EACH ROW EXECUTE FUNCTION pms_shopping_list_items_record_status();
CREATE TRIGGER pms_shopping_list_items_history_on_move
  AFTER UPDATE OF status ON pms_shopping_list_items
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION pms_shopping_list_items_record_status();
