-- Search across lenses (issue 8, GET /v1/search; mirrors sqlite/0012_search.sql).
--
-- pms_search_entries holds one row per searchable record: parts, equipment, faults, work
-- orders, certificates and shopping list items, each with the yacht, its lens, a title, a
-- subtitle to show under it and the body text it is also found by. Triggers on each table
-- keep it in step (insert, a change of a searched column, delete), so a record is found
-- from the moment its transaction commits. `document` is the entry's text search vector
-- ('simple' configuration: lower-cased words, no stemming, so part numbers and names match
-- as typed), the title weighted above the body, computed once per write. Anything but letters and
-- digits separates words first, as in the queries (search/search.h): the parser alone
-- would read "RAC-2040" as "rac" and the number "-2040".
-- Row-level security as in 0001: the trigger functions run with the caller's rights, so a
-- record's entry is written in its own yacht's scope; the backfill runs per yacht with
-- app.yacht_id set (FORCE ROW LEVEL SECURITY holds the migrating owner to the policies).

CREATE TABLE pms_search_entries (
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  lens_id text NOT NULL,
  title text NOT NULL,
  subtitle text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', regexp_replace(title, '[^[:alnum:]]+', ' ', 'g')), 'A') ||
    setweight(to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g')), 'B')
  ) STORED,
  PRIMARY KEY (yacht_id, entity_type, entity_id)
);
-- No GIN index on `document`: under row-level security PostgreSQL evaluates the policy
-- before any operator that is not leakproof, and the text search match (@@) is not, so no
-- index on the words can be used by the application role. A search reads its yacht's
-- entries through the primary key (yacht_id first) and tests their stored vectors: about
-- 1 ms for 8,000 entries (docs/api.md, "Search").

-- What each table puts in the index: (type, lens, title, subtitle, body).
CREATE VIEW pms_search_sources AS
  SELECT yacht_id, 'part' AS entity_type, id AS entity_id, 'parts' AS lens_id, name AS title,
         coalesce(part_number, '') AS subtitle,
         concat_ws(' ', part_number, manufacturer, location) AS body
    FROM pms_parts
  UNION ALL
  SELECT yacht_id, 'equipment', id, 'equipment', name, coalesce(system, location, ''),
         concat_ws(' ', system, manufacturer, model, serial_number, location)
    FROM pms_equipment
  UNION ALL
  SELECT yacht_id, 'fault', id, 'faults', title, status || ' · ' || severity,
         coalesce(description, '')
    FROM pms_faults
  UNION ALL
  SELECT yacht_id, 'work_order', id, 'work_orders', title, status || ' · ' || priority,
         coalesce(description, '')
    FROM pms_work_orders
  UNION ALL
  SELECT yacht_id, 'certificate', id, 'certificates', certificate_type,
         number || ' · expires ' || expiry_date::text, concat_ws(' ', number, issuing_authority)
    FROM pms_certificates
  UNION ALL
  SELECT yacht_id, 'shopping_list_item', id, 'shopping_list', part_name, status,
         concat_ws(' ', part_number, manufacturer, notes)
    FROM pms_shopping_list_items;

-- A record's entry, from pms_search_sources: written (or rewritten), or removed.
CREATE FUNCTION pms_search_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM pms_search_entries
      WHERE yacht_id = OLD.yacht_id AND entity_type = TG_ARGV[0] AND entity_id = OLD.id;
    RETURN OLD;
  END IF;
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT s.yacht_id, s.entity_type, s.entity_id, s.lens_id, s.title, s.subtitle, s.body
      FROM pms_search_sources AS s
      WHERE s.yacht_id = NEW.yacht_id AND s.entity_type = TG_ARGV[0] AND s.entity_id = NEW.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = EXCLUDED.title, subtitle = EXCLUDED.subtitle, body = EXCLUDED.body;
  RETURN NEW;
END
$$;

CREATE TRIGGER pms_parts_search AFTER INSERT OR DELETE OR UPDATE OF name, part_number, manufacturer, location
  ON pms_parts FOR EACH ROW EXECUTE FUNCTION pms_search_index('part');
CREATE TRIGGER pms_equipment_search AFTER INSERT OR DELETE OR UPDATE OF name, system, manufacturer, model, serial_number, location
  ON pms_equipment FOR EACH ROW EXECUTE FUNCTION pms_search_index('equipment');
CREATE TRIGGER pms_faults_search AFTER INSERT OR DELETE OR UPDATE OF title, description, status, severity
  ON pms_faults FOR EACH ROW EXECUTE FUNCTION pms_search_index('fault');
CREATE TRIGGER pms_work_orders_search AFTER INSERT OR DELETE OR UPDATE OF title, description, status, priority
  ON pms_work_orders FOR EACH ROW EXECUTE FUNCTION pms_search_index('work_order');
CREATE TRIGGER pms_certificates_search AFTER INSERT OR DELETE OR UPDATE OF certificate_type, number, issuing_authority, expiry_date
  ON pms_certificates FOR EACH ROW EXECUTE FUNCTION pms_search_index('certificate');
CREATE TRIGGER pms_shopping_list_items_search AFTER INSERT OR DELETE OR UPDATE OF part_name, part_number, manufacturer, notes, status
  ON pms_shopping_list_items FOR EACH ROW EXECUTE FUNCTION pms_search_index('shopping_list_item');

ALTER TABLE pms_search_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE pms_search_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY pms_search_entries_select ON pms_search_entries FOR SELECT
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_search_entries_insert ON pms_search_entries FOR INSERT
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_search_entries_update ON pms_search_entries FOR UPDATE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid)
  WITH CHECK (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
CREATE POLICY pms_search_entries_delete ON pms_search_entries FOR DELETE
  USING (yacht_id = NULLIF(current_setting('app.yacht_id', true), '')::uuid);
REVOKE ALL ON pms_search_entries FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON pms_search_entries TO celeste_app;
GRANT SELECT ON pms_search_sources TO celeste_app;

-- The records already there.
DO $$
DECLARE
  yacht uuid;
BEGIN
  FOR yacht IN SELECT id FROM yachts LOOP
    PERFORM set_config('app.yacht_id', yacht::text, true);
    INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle,
                                    body)
      SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body
        FROM pms_search_sources WHERE yacht_id = yacht;
  END LOOP;
  PERFORM set_config('app.yacht_id', '', true);
END
$$;
