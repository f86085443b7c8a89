-- Search across lenses (issue 8, GET /v1/search; mirrors postgres/0012_search.sql).
--
-- pms_search_entries holds one row per searchable record: parts, equipment, faults, work
-- orders, certificates and shopping list items, each with the yacht, its lens, a title, a
-- subtitle to show under it and the body text it is also found by. Triggers on each table
-- keep it in step (insert, a change of a searched column, delete), so a record is found
-- from the moment its transaction commits. pms_search_fts is an FTS5 index over the
-- entries' title and body (external content: the text is stored once, in the entries),
-- kept in step by the entries' own triggers. Prefixes of 2 and 3 characters are indexed
-- for type-ahead.

CREATE TABLE pms_search_entries (
  id INTEGER PRIMARY KEY,          -- the FTS5 rowid
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  lens_id TEXT NOT NULL,
  title TEXT NOT NULL,
  subtitle TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  UNIQUE (yacht_id, entity_type, entity_id)
);

CREATE VIRTUAL TABLE pms_search_fts USING fts5(
  title, body,
  content = 'pms_search_entries', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');

CREATE TRIGGER pms_search_entries_fts_insert AFTER INSERT ON pms_search_entries BEGIN
  INSERT INTO pms_search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER pms_search_entries_fts_delete AFTER DELETE ON pms_search_entries BEGIN
  INSERT INTO pms_search_fts (pms_search_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER pms_search_entries_fts_update AFTER UPDATE ON pms_search_entries BEGIN
  INSERT INTO pms_search_fts (pms_search_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO pms_search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- What each table puts in the index: (type, lens, title, subtitle, body).
CREATE VIEW pms_search_sources AS
  SELECT yacht_id, 'part' AS entity_type, id AS entity_id, 'parts' AS lens_id, name AS title,
         coalesce(part_number, '') AS subtitle,
         coalesce(part_number, '') || ' ' || coalesce(manufacturer, '') || ' ' ||
           coalesce(location, '') AS body
    FROM pms_parts
  UNION ALL
  SELECT yacht_id, 'equipment', id, 'equipment', name,
         coalesce(system, location, ''),
         coalesce(system, '') || ' ' || coalesce(manufacturer, '') || ' ' || coalesce(model, '') ||
           ' ' || coalesce(serial_number, '') || ' ' || coalesce(location, '')
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
         number || ' · expires ' || expiry_date, number || ' ' || issuing_authority
    FROM pms_certificates
  UNION ALL
  SELECT yacht_id, 'shopping_list_item', id, 'shopping_list', part_name, status,
         coalesce(part_number, '') || ' ' || coalesce(manufacturer, '') || ' ' ||
           coalesce(notes, '')
    FROM pms_shopping_list_items;

INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
  SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources;

-- Each table keeps its entries: a new record is indexed, a change of a searched column
-- re-indexes it, a deleted record leaves the index.
CREATE TRIGGER pms_parts_search_insert AFTER INSERT ON pms_parts BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'part' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_parts_search_update AFTER UPDATE OF name, part_number, manufacturer, location ON pms_parts BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'part' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_parts_search_delete AFTER DELETE ON pms_parts BEGIN
  DELETE FROM pms_search_entries
    WHERE yacht_id = old.yacht_id AND entity_type = 'part' AND entity_id = old.id;
END;
CREATE TRIGGER pms_equipment_search_insert AFTER INSERT ON pms_equipment BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'equipment' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_equipment_search_update AFTER UPDATE OF name, system, manufacturer, model, serial_number, location ON pms_equipment BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'equipment' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_equipment_search_delete AFTER DELETE ON pms_equipment BEGIN
  DELETE FROM pms_search_entries
    WHERE yacht_id = old.yacht_id AND entity_type = 'equipment' AND entity_id = old.id;
END;
CREATE TRIGGER pms_faults_search_insert AFTER INSERT ON pms_faults BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'fault' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_faults_search_update AFTER UPDATE OF title, description, status, severity ON pms_faults BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'fault' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_faults_search_delete AFTER DELETE ON pms_faults BEGIN
  DELETE FROM pms_search_entries
    WHERE yacht_id = old.yacht_id AND entity_type = 'fault' AND entity_id = old.id;
END;
CREATE TRIGGER pms_work_orders_search_insert AFTER INSERT ON pms_work_orders BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'work_order' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_work_orders_search_update AFTER UPDATE OF title, description, status, priority ON pms_work_orders BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'work_order' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_work_orders_search_delete AFTER DELETE ON pms_work_orders BEGIN
  DELETE FROM pms_search_entries
    WHERE yacht_id = old.yacht_id AND entity_type = 'work_order' AND entity_id = old.id;
END;
CREATE TRIGGER pms_certificates_search_insert AFTER INSERT ON pms_certificates BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'certificate' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_certificates_search_update AFTER UPDATE OF certificate_type, number, issuing_authority, expiry_date ON pms_certificates BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'certificate' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_certificates_search_delete AFTER DELETE ON pms_certificates BEGIN
  DELETE FROM pms_search_entries
    WHERE yacht_id = old.yacht_id AND entity_type = 'certificate' AND entity_id = old.id;
END;
CREATE TRIGGER pms_shopping_list_items_search_insert AFTER INSERT ON pms_shopping_list_items BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'shopping_list_item' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_shopping_list_items_search_update AFTER UPDATE OF part_name, part_number, manufacturer, notes, status ON pms_shopping_list_items BEGIN
  INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id, title, subtitle, body)
    SELECT yacht_id, entity_type, entity_id, lens_id, title, subtitle, body FROM pms_search_sources
    WHERE yacht_id = new.yacht_id AND entity_type = 'shopping_list_item' AND entity_id = new.id
  ON CONFLICT (yacht_id, entity_type, entity_id) DO UPDATE
    SET title = excluded.title, subtitle = excluded.subtitle, body = excluded.body;
END;
CREATE TRIGGER pms_shopping_list_items_search_delete AFTER DELETE ON pms_shopping_list_items BEGIN
  DELETE FROM pms_search_entries
    WHERE yacht_id = old.yacht_id AND entity_type = 'shopping_list_item' AND entity_id = old.id;
END;
