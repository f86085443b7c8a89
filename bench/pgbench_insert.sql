-- pgbench custom script for `bench/run --db postgres`: ONE single-row INSERT per
-- transaction (pgbench wraps each script run in its own implicit transaction), into a
-- scratch table shaped roughly like a shopping-list row. bench/run creates the table
-- as the owner role before the run and drops it afterwards:
--
--   CREATE TABLE bench_insert (
--     id uuid PRIMARY KEY, yacht_id uuid NOT NULL, part_name text NOT NULL,
--     quantity double precision NOT NULL, created_at timestamptz NOT NULL);
--
-- Variables: :yacht (a yacht id, passed with -D yacht=UUID).
\set quantity random(1, 20)
INSERT INTO bench_insert (id, yacht_id, part_name, quantity, created_at)
  VALUES (gen_random_uuid(), :yacht, 'Impeller', :quantity, now());
