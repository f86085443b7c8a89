#!/usr/bin/env bash
# Row-level security on the PostgreSQL schema: a throwaway cluster (scripts/pg-up), the
# migrations in src/store/migrations/postgres applied as celeste_owner, two yachts with
# rows in every tenant table, then celeste_app (the server's role) tries to cross the wall.
# Prints `ok - name` / `not ok - name` per check and ends with `N passed, M failed`;
# exits non-zero on any failure. The cluster is always removed (trap).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MIGRATIONS="$ROOT/src/store/migrations/postgres"
started_at=$(date +%s%N)
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {
  echo "not ok - $1"
  shift
  [ $# -gt 0 ] && printf '#   %s\n' "$@"
  failed=$((failed + 1))
}
finish() {
  echo "# $(( ($(date +%s%N) - started_at) / 1000000 )) ms"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

pg_out=$("$ROOT/scripts/pg-up") || { not_ok "pg-up starts a cluster"; finish; }
OWNER_URL="" APP_URL="" PGDATA_DIR=""
while IFS='=' read -r key value; do
  case "$key" in
    CELESTE_TEST_POSTGRES_URL) OWNER_URL=$value ;;
    CELESTE_TEST_POSTGRES_APP_URL) APP_URL=$value ;;
    PGDATA_DIR) PGDATA_DIR=$value ;;
  esac
done <<<"$pg_out"
trap '[ -n "$PGDATA_DIR" ] && "$ROOT/scripts/pg-down" "$PGDATA_DIR"' EXIT
if [ -z "$OWNER_URL" ] || [ -z "$APP_URL" ] || [ -z "$PGDATA_DIR" ]; then
  not_ok "pg-up prints the owner URL, the app URL and the data dir" "$pg_out"
  finish
fi

A=0190a000-0000-7000-8000-00000000000a
B=0190a000-0000-7000-8000-00000000000b
USER_ID=0190a000-0000-7000-8000-000000000001
TENANT_TABLES=(pms_audit_log pms_audit_chain_heads pms_parts pms_shopping_list_items
               pms_shopping_list_state_history pms_inventory_transactions pms_part_stock
               pms_purchase_orders pms_purchase_order_items pms_receivings pms_receiving_lines
               pms_equipment pms_maintenance_schedules pms_faults pms_work_orders
               pms_work_order_notes pms_fault_history pms_work_order_history
               pms_certificates pms_yacht_settings pms_documents
               pms_health_checks pms_health_events pms_health_rollups
               pms_alerts pms_alert_notifications pms_search_entries)
# Tables the application may not delete from at all (records, ledgers).
NO_DELETE=" pms_audit_log pms_inventory_transactions pms_purchase_orders "
NO_DELETE+="pms_purchase_order_items pms_receivings pms_receiving_lines "
NO_DELETE+="pms_equipment pms_maintenance_schedules pms_faults pms_work_orders "
NO_DELETE+="pms_work_order_notes pms_fault_history pms_work_order_history "
NO_DELETE+="pms_certificates pms_yacht_settings pms_documents "
NO_DELETE+="pms_alerts pms_alert_notifications "
# Tables the application may not update at all (append-only notes, histories, documents;
# the audit log and the stock ledger have their own section below).
NO_UPDATE=" pms_work_order_notes pms_fault_history pms_work_order_history pms_documents "
NO_UPDATE+="pms_health_checks pms_health_events "


# run URL YACHT SQL: runs SQL in one session, after `SET app.yacht_id` unless YACHT is "".
# Sets $out (stdout and stderr) and returns psql's status.
run() {
  local url=$1 yacht=$2 sql=$3 prefix=""
  [ -n "$yacht" ] && prefix="SET app.yacht_id = '$yacht';"
  out=$(printf '%s\n%s\n' "$prefix" "$sql" | psql -X -q -A -t -v ON_ERROR_STOP=1 "$url" 2>&1)
}
# expect NAME WANT URL YACHT SQL: the statement succeeds and prints WANT.
expect() {
  local name=$1 want=$2
  if run "$3" "$4" "$5" && [ "$out" = "$want" ]; then ok "$name"; else
    not_ok "$name" "want: $want" "got: $out"; fi
}
# refused NAME PATTERN URL YACHT SQL: the statement fails with an error matching PATTERN.
refused() {
  local name=$1 pattern=$2
  if run "$3" "$4" "$5"; then not_ok "$name" "succeeded: $out"
  elif grep -qiE "$pattern" <<<"$out"; then ok "$name"
  else not_ok "$name" "want an error matching: $pattern" "got: $out"; fi
}

# --- Schema: what the migrator does (schema_migrations, then each file), as the owner.
run "$OWNER_URL" "" "CREATE TABLE IF NOT EXISTS schema_migrations (
  name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);" || { not_ok "create schema_migrations" "$out"; finish; }
for file in "$MIGRATIONS"/*.sql; do
  name=$(basename "$file" .sql)
  if out=$( (cat "$file"; echo "INSERT INTO schema_migrations VALUES ('$name', now()::text);") |
            psql -X -q -v ON_ERROR_STOP=1 -1 "$OWNER_URL" 2>&1); then
    ok "migration $name applies as celeste_owner"
  else
    not_ok "migration $name applies as celeste_owner" "$out"
    finish
  fi
done

# --- Two yachts with rows in every tenant table, inserted by the owner with app.yacht_id
# set per yacht (FORCE ROW LEVEL SECURITY holds the owner to the policies too).
seed() {  # seed YACHT DIGIT
  local y=$1 d=$2
  cat <<SQL
SET app.yacht_id = '$y';
INSERT INTO pms_parts (id, yacht_id, name, part_number, created_at, created_by)
  VALUES ('0190a000-0000-7000-8000-0000000001$d$d', '$y', 'Impeller $d', 'IMP-$d', now(), '$USER_ID');
INSERT INTO pms_shopping_list_items (id, yacht_id, part_name, part_id, quantity_requested,
    source_type, created_by, created_at, updated_at, status_changed_by, status_changed_role)
  VALUES ('0190a000-0000-7000-8000-0000000002$d$d', '$y', 'Impeller $d',
          '0190a000-0000-7000-8000-0000000001$d$d', 2, 'manual_add', '$USER_ID', now(), now(),
          '$USER_ID', 'crew'),
         ('0190a000-0000-7000-8000-0000000003$d$d', '$y', 'Filter $d', NULL, 1, 'low_stock',
          '$USER_ID', now(), now(), '$USER_ID', 'crew');
INSERT INTO pms_audit_log (id, yacht_id, seq, action, entity_type, entity_id, actor_id,
    actor_role, payload, signature, created_at, prev_hash, hash)
  VALUES ('0190a000-0000-7000-8000-0000000005$d$d', '$y', 1, 'create_shopping_list_item',
          'shopping_list_item', '0190a000-0000-7000-8000-0000000002$d$d', '$USER_ID', 'crew',
          '{"quantity": 2}', '{}', now(), repeat('0', 64), repeat('a', 64));
INSERT INTO pms_audit_chain_heads (yacht_id, seq, hash) VALUES ('$y', 1, repeat('a', 64));
INSERT INTO pms_inventory_transactions (id, yacht_id, part_id, quantity, type, actor_id,
    actor_role, created_at)
  VALUES ('0190a000-0000-7000-8000-0000000006$d$d', '$y', '0190a000-0000-7000-8000-0000000001$d$d',
          5, 'receive', '$USER_ID', 'crew', now());
INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at)
  VALUES ('$y', '0190a000-0000-7000-8000-0000000001$d$d', 5, now());
INSERT INTO pms_purchase_orders (id, yacht_id, supplier, created_by, created_at, updated_at)
  VALUES ('0190a000-0000-7000-8000-0000000007$d$d', '$y', 'Supplier $d', '$USER_ID', now(), now());
INSERT INTO pms_purchase_order_items (yacht_id, purchase_order_id, item_id, position,
    quantity_ordered)
  VALUES ('$y', '0190a000-0000-7000-8000-0000000007$d$d', '0190a000-0000-7000-8000-0000000003$d$d',
          1, 1);
INSERT INTO pms_receivings (id, yacht_id, purchase_order_id, created_by, created_at, updated_at)
  VALUES ('0190a000-0000-7000-8000-0000000008$d$d', '$y', '0190a000-0000-7000-8000-0000000007$d$d',
          '$USER_ID', now(), now());
INSERT INTO pms_receiving_lines (yacht_id, receiving_id, line, part_id, quantity_received)
  VALUES ('$y', '0190a000-0000-7000-8000-0000000008$d$d', 1,
          '0190a000-0000-7000-8000-0000000001$d$d', 1);
INSERT INTO pms_equipment (id, yacht_id, parent_id, name, created_by, created_at, updated_at)
  VALUES ('0190a000-0000-7000-8000-0000000011$d$d', '$y', NULL, 'Main engine $d', '$USER_ID',
          now(), now()),
         ('0190a000-0000-7000-8000-0000000012$d$d', '$y', '0190a000-0000-7000-8000-0000000011$d$d',
          'Raw water pump $d', '$USER_ID', now(), now());
INSERT INTO pms_maintenance_schedules (id, yacht_id, equipment_id, task, interval_days,
    interval_hours, created_by, created_at, updated_at)
  VALUES ('0190a000-0000-7000-8000-0000000013$d$d', '$y', '0190a000-0000-7000-8000-0000000012$d$d',
          'Replace impeller $d', 365, 500, '$USER_ID', now(), now());
INSERT INTO pms_faults (id, yacht_id, equipment_id, title, severity, reported_by, reported_at,
    updated_at, status_changed_by, status_changed_role)
  VALUES ('0190a000-0000-7000-8000-0000000014$d$d', '$y', '0190a000-0000-7000-8000-0000000012$d$d',
          'Pump leaking $d', 'medium', '$USER_ID', now(), now(), '$USER_ID', 'crew');
INSERT INTO pms_work_orders (id, yacht_id, origin, fault_id, schedule_id, equipment_id, title,
    created_by, created_at, updated_at, status_changed_by, status_changed_role)
  VALUES ('0190a000-0000-7000-8000-0000000015$d$d', '$y', 'schedule', NULL,
          '0190a000-0000-7000-8000-0000000013$d$d', '0190a000-0000-7000-8000-0000000012$d$d',
          'Replace impeller $d', '$USER_ID', now(), now(), '$USER_ID', 'crew'),
         ('0190a000-0000-7000-8000-0000000016$d$d', '$y', 'fault',
          '0190a000-0000-7000-8000-0000000014$d$d', NULL, '0190a000-0000-7000-8000-0000000012$d$d',
          'Fix the leak $d', '$USER_ID', now(), now(), '$USER_ID', 'crew');
INSERT INTO pms_work_order_notes (id, yacht_id, work_order_id, author_id, author_role, body,
    created_at)
  VALUES ('0190a000-0000-7000-8000-0000000017$d$d', '$y', '0190a000-0000-7000-8000-0000000015$d$d',
          '$USER_ID', 'crew', 'Spare impeller on board $d', now());
INSERT INTO pms_certificates (id, yacht_id, scope, holder_user_id, certificate_type, number,
    issuing_authority, issue_date, expiry_date, created_by, created_at, updated_at)
  VALUES ('0190a000-0000-7000-8000-0000000018$d$d', '$y', 'vessel', NULL, 'Load line', 'LL-$d',
          'Flag $d', '2024-01-01', '2029-01-01', '$USER_ID', now(), now()),
         ('0190a000-0000-7000-8000-0000000019$d$d', '$y', 'crew', '$USER_ID', 'STCW', 'ST-$d',
          'MCA', '2023-06-01', '2028-06-01', '$USER_ID', now(), now());
INSERT INTO pms_yacht_settings (yacht_id, certificate_warning_days, updated_by, updated_at)
  VALUES ('$y', 60, '$USER_ID', now());
INSERT INTO pms_documents (id, yacht_id, entity_type, entity_id, content_type, size_bytes, sha256,
    uploaded_by, uploaded_role, uploaded_at)
  VALUES ('0190a000-0000-7000-8000-0000000020$d$d', '$y', 'certificate',
          '0190a000-0000-7000-8000-0000000018$d$d', 'application/pdf', 1234, repeat('c', 64),
          '$USER_ID', 'crew', now());
INSERT INTO pms_health_checks (id, yacht_id, lens_id, status, p50_ms, p95_ms, p99_ms,
    error_rate_percent, sample_size, observed_at, notes)
  VALUES ('0190a000-0000-7000-8000-0000000023$d$d', '$y', 'parts', 'degraded', 12, 40, 55, 25, 4,
          '2026-12-06 05:10:00+00', '{"reason": "one probe failed $d"}');
INSERT INTO pms_health_events (id, yacht_id, check_id, lens_id, level, kind, detail, observed_at)
  VALUES ('0190a000-0000-7000-8000-0000000024$d$d', '$y', '0190a000-0000-7000-8000-0000000023$d$d',
          'parts', 'error', 'probe_failed', '{"status": 500}', '2026-12-06 05:10:00+00');
INSERT INTO pms_health_rollups (yacht_id, lens_id, hour, checks, status_counts, samples,
    failed_samples, histogram)
  VALUES ('$y', 'parts', '2026-12-06 05:00:00+00', 1, '{"degraded": 1}', 4, 1, '{"b":{"10":3}}');
INSERT INTO pms_alerts (id, yacht_id, rule, lens_id, severity, state, hits, summary, started_at,
    fired_at, resolved_at, last_check_id, updated_at)
  VALUES ('0190a000-0000-7000-8000-0000000025$d$d', '$y', 'any_5xx', 'parts', 'critical', 'firing',
          1, 'parts: a probe answered 500 ($d)', '2026-12-06 05:10:00+00', '2026-12-06 05:10:00+00',
          NULL, '0190a000-0000-7000-8000-0000000023$d$d', '2026-12-06 05:10:00+00');
INSERT INTO pms_alert_notifications (id, yacht_id, alert_id, kind, severity, text, next_attempt_at,
    created_at, updated_at)
  VALUES ('0190a000-0000-7000-8000-0000000026$d$d', '$y', '0190a000-0000-7000-8000-0000000025$d$d',
          'firing', 'critical', 'CRITICAL any_5xx on parts ($d)', '2026-12-06 05:10:00+00',
          '2026-12-06 05:10:00+00', '2026-12-06 05:10:00+00');
SQL
}
seed_sql="INSERT INTO yachts (id, name, code, created_at) VALUES
  ('$A', 'Alpha', 'ALPHA', now()), ('$B', 'Bravo', 'BRAVO', now());
INSERT INTO users (id, email, name, password_hash, created_at)
  VALUES ('$USER_ID', 'crew@example.com', 'Crew', 'x', now());
INSERT INTO memberships (yacht_id, user_id, role, created_at)
  VALUES ('$A', '$USER_ID', 'crew', now()), ('$B', '$USER_ID', 'crew', now());
$(seed "$A" a)
$(seed "$B" b)"
if run "$OWNER_URL" "" "BEGIN; $seed_sql COMMIT;"; then ok "owner seeds yachts A and B in every tenant table"
else not_ok "owner seeds yachts A and B in every tenant table" "$out"; finish; fi

declare -A ROWS=([pms_audit_log]=1 [pms_audit_chain_heads]=1 [pms_parts]=1
                 [pms_shopping_list_items]=2 [pms_shopping_list_state_history]=2
                 [pms_inventory_transactions]=1 [pms_part_stock]=1 [pms_purchase_orders]=1
                 [pms_purchase_order_items]=1 [pms_receivings]=1 [pms_receiving_lines]=1
                 [pms_equipment]=2 [pms_maintenance_schedules]=1 [pms_faults]=1
                 [pms_work_orders]=2 [pms_work_order_notes]=1
                 [pms_fault_history]=1 [pms_work_order_history]=2  # creation rows, by the triggers
                 [pms_certificates]=2 [pms_yacht_settings]=1 [pms_documents]=1
                 [pms_health_checks]=1 [pms_health_events]=1 [pms_health_rollups]=1
                 [pms_alerts]=1 [pms_alert_notifications]=1
                 [pms_search_entries]=10)  # the triggers' entries of the records above
declare -A UPDATE_B=(
  [pms_audit_chain_heads]="UPDATE pms_audit_chain_heads SET seq = seq + 1 WHERE yacht_id = '$B'"
  [pms_parts]="UPDATE pms_parts SET name = 'stolen' WHERE yacht_id = '$B'"
  [pms_part_stock]="UPDATE pms_part_stock SET on_hand = 0 WHERE yacht_id = '$B'"
  [pms_shopping_list_items]="UPDATE pms_shopping_list_items SET notes = 'stolen' WHERE yacht_id = '$B'"
  [pms_shopping_list_state_history]="UPDATE pms_shopping_list_state_history SET notes = 'stolen' WHERE yacht_id = '$B'"
  [pms_purchase_orders]="UPDATE pms_purchase_orders SET supplier = 'stolen' WHERE yacht_id = '$B'"
  [pms_purchase_order_items]="UPDATE pms_purchase_order_items SET released_at = now() WHERE yacht_id = '$B'"
  [pms_receivings]="UPDATE pms_receivings SET notes = 'stolen' WHERE yacht_id = '$B'"
  [pms_receiving_lines]="UPDATE pms_receiving_lines SET notes = 'stolen' WHERE yacht_id = '$B'"
  [pms_equipment]="UPDATE pms_equipment SET name = 'stolen' WHERE yacht_id = '$B'"
  [pms_maintenance_schedules]="UPDATE pms_maintenance_schedules SET task = 'stolen' WHERE yacht_id = '$B'"
  [pms_faults]="UPDATE pms_faults SET status = 'acknowledged' WHERE yacht_id = '$B'"
  [pms_work_orders]="UPDATE pms_work_orders SET status = 'in_progress' WHERE yacht_id = '$B'"
  [pms_certificates]="UPDATE pms_certificates SET updated_at = now() WHERE yacht_id = '$B'"
  [pms_yacht_settings]="UPDATE pms_yacht_settings SET certificate_warning_days = 0 WHERE yacht_id = '$B'"
  [pms_health_rollups]="UPDATE pms_health_rollups SET checks = 99 WHERE yacht_id = '$B'"
  [pms_alerts]="UPDATE pms_alerts SET summary = 'stolen' WHERE yacht_id = '$B'"
  [pms_alert_notifications]="UPDATE pms_alert_notifications SET status = 'failed' WHERE yacht_id = '$B'"
  [pms_search_entries]="UPDATE pms_search_entries SET title = 'stolen' WHERE yacht_id = '$B'")
declare -A INSERT_B=(
  [pms_audit_log]="INSERT INTO pms_audit_log (id, yacht_id, seq, action, entity_type, actor_id,
      actor_role, payload, signature, created_at, prev_hash, hash)
    VALUES (gen_random_uuid(), '$B', 2, 'x', 'x', '$USER_ID', 'crew', '{}', '{}', now(), 'a', 'b')"
  [pms_audit_chain_heads]="INSERT INTO pms_audit_chain_heads VALUES ('$B', 9, 'b')
    ON CONFLICT (yacht_id) DO UPDATE SET seq = excluded.seq"
  [pms_parts]="INSERT INTO pms_parts (id, yacht_id, name, created_at, created_by)
    VALUES (gen_random_uuid(), '$B', 'planted', now(), '$USER_ID')"
  [pms_inventory_transactions]="INSERT INTO pms_inventory_transactions (id, yacht_id, part_id,
      quantity, type, actor_id, actor_role, created_at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000001bb', 1, 'receive',
            '$USER_ID', 'crew', now())"
  [pms_part_stock]="INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at)
    VALUES ('$B', '0190a000-0000-7000-8000-0000000001bb', 9, now())
    ON CONFLICT (yacht_id, part_id) DO UPDATE SET on_hand = 9"
  [pms_shopping_list_items]="INSERT INTO pms_shopping_list_items (id, yacht_id, part_name,
      quantity_requested, source_type, created_by, created_at, updated_at, status_changed_by,
      status_changed_role)
    VALUES (gen_random_uuid(), '$B', 'planted', 1, 'manual_add', '$USER_ID', now(), now(),
            '$USER_ID', 'crew')"
  [pms_shopping_list_state_history]="INSERT INTO pms_shopping_list_state_history (id, yacht_id,
      item_id, to_status, actor_id, actor_role, at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000002bb', 'requested',
            '$USER_ID', 'crew', now())"
  [pms_purchase_orders]="INSERT INTO pms_purchase_orders (id, yacht_id, supplier, created_by,
      created_at, updated_at) VALUES (gen_random_uuid(), '$B', 'planted', '$USER_ID', now(), now())"
  [pms_purchase_order_items]="INSERT INTO pms_purchase_order_items (yacht_id, purchase_order_id,
      item_id, position, quantity_ordered)
    VALUES ('$B', '0190a000-0000-7000-8000-0000000007bb', '0190a000-0000-7000-8000-0000000002bb',
            2, 1)"
  [pms_receivings]="INSERT INTO pms_receivings (id, yacht_id, created_by, created_at, updated_at)
    VALUES (gen_random_uuid(), '$B', '$USER_ID', now(), now())"
  [pms_receiving_lines]="INSERT INTO pms_receiving_lines (yacht_id, receiving_id, line, part_id,
      quantity_received)
    VALUES ('$B', '0190a000-0000-7000-8000-0000000008bb', 2,
            '0190a000-0000-7000-8000-0000000001bb', 1)"
  [pms_equipment]="INSERT INTO pms_equipment (id, yacht_id, name, created_by, created_at,
      updated_at) VALUES (gen_random_uuid(), '$B', 'planted', '$USER_ID', now(), now())"
  [pms_maintenance_schedules]="INSERT INTO pms_maintenance_schedules (id, yacht_id, equipment_id,
      task, interval_days, created_by, created_at, updated_at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000011bb', 'planted', 7,
            '$USER_ID', now(), now())"
  [pms_faults]="INSERT INTO pms_faults (id, yacht_id, title, severity, reported_by, reported_at,
      updated_at, status_changed_by, status_changed_role)
    VALUES (gen_random_uuid(), '$B', 'planted', 'low', '$USER_ID', now(), now(), '$USER_ID',
            'crew')"
  [pms_work_orders]="INSERT INTO pms_work_orders (id, yacht_id, origin, title, created_by,
      created_at, updated_at, status_changed_by, status_changed_role)
    VALUES (gen_random_uuid(), '$B', 'manual', 'planted', '$USER_ID', now(), now(), '$USER_ID',
            'crew')"
  [pms_work_order_notes]="INSERT INTO pms_work_order_notes (id, yacht_id, work_order_id, author_id,
      author_role, body, created_at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000015bb', '$USER_ID', 'crew',
            'planted', now())"
  [pms_fault_history]="INSERT INTO pms_fault_history (id, yacht_id, fault_id, from_status,
      to_status, actor_id, actor_role, at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000014bb', 'open', 'closed',
            '$USER_ID', 'crew', now())"
  [pms_work_order_history]="INSERT INTO pms_work_order_history (id, yacht_id, work_order_id,
      from_status, to_status, actor_id, actor_role, at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000015bb', 'planned',
            'completed', '$USER_ID', 'crew', now())"
  [pms_certificates]="INSERT INTO pms_certificates (id, yacht_id, certificate_type, number,
      issuing_authority, issue_date, expiry_date, created_by, created_at, updated_at)
    VALUES (gen_random_uuid(), '$B', 'planted', 'X-1', 'nobody', '2024-01-01', '2030-01-01',
            '$USER_ID', now(), now())"
  [pms_yacht_settings]="INSERT INTO pms_yacht_settings (yacht_id, certificate_warning_days,
      updated_by, updated_at) VALUES ('$B', 0, '$USER_ID', now())
    ON CONFLICT (yacht_id) DO UPDATE SET certificate_warning_days = 0"
  [pms_documents]="INSERT INTO pms_documents (id, yacht_id, entity_type, entity_id, content_type,
      size_bytes, sha256, uploaded_by, uploaded_role, uploaded_at)
    VALUES (gen_random_uuid(), '$B', 'certificate', '0190a000-0000-7000-8000-0000000018bb',
            'image/png', 10, repeat('d', 64), '$USER_ID', 'crew', now())"
  [pms_health_checks]="INSERT INTO pms_health_checks (id, yacht_id, lens_id, status,
      error_rate_percent, sample_size, observed_at)
    VALUES (gen_random_uuid(), '$B', 'planted', 'healthy', 0, 1, now())"
  [pms_health_events]="INSERT INTO pms_health_events (id, yacht_id, check_id, lens_id, level, kind,
      observed_at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000023bb', 'parts', 'info',
            'status_changed', now())"
  [pms_health_rollups]="INSERT INTO pms_health_rollups (yacht_id, lens_id, hour, checks)
    VALUES ('$B', 'parts', '2026-12-06 05:00:00+00', 9)
    ON CONFLICT (yacht_id, lens_id, hour) DO UPDATE SET checks = 9"
  [pms_alerts]="INSERT INTO pms_alerts (id, yacht_id, rule, lens_id, severity, state, hits,
      summary, started_at, last_check_id, updated_at)
    VALUES (gen_random_uuid(), '$B', 'planted', 'planted', 'critical', 'pending', 1, 'planted',
            now(), '0190a000-0000-7000-8000-0000000023bb', now())"
  [pms_alert_notifications]="INSERT INTO pms_alert_notifications (id, yacht_id, alert_id, kind,
      severity, text, next_attempt_at, created_at, updated_at)
    VALUES (gen_random_uuid(), '$B', '0190a000-0000-7000-8000-0000000025bb', 'firing',
            'critical', 'planted', now(), now(), now())"
  [pms_search_entries]="INSERT INTO pms_search_entries (yacht_id, entity_type, entity_id, lens_id,
      title)
    VALUES ('$B', 'part', gen_random_uuid(), 'parts', 'planted')")
count_sql() {  # rows that are A's | rows that are B's
  echo "SELECT count(*) FILTER (WHERE yacht_id = '$A') || '|' ||
               count(*) FILTER (WHERE yacht_id = '$B') FROM $1"
}
affected_sql() { echo "WITH changed AS ($1 RETURNING 1) SELECT count(*) FROM changed"; }

# --- The roles.
expect "celeste_app is not superuser and has no BYPASSRLS" "f|f" "$APP_URL" "" \
  "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
expect "celeste_owner is not superuser and has no BYPASSRLS" "f|f" "$OWNER_URL" "" \
  "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
expect "every tenant table has ENABLE + FORCE ROW LEVEL SECURITY" "${#TENANT_TABLES[@]}" "$OWNER_URL" "" \
  "SELECT count(*) FROM pg_class WHERE relname LIKE 'pms\_%' AND relkind = 'r'
     AND relrowsecurity AND relforcerowsecurity"
expect "every pms_ table is listed in TENANT_TABLES" \
  "$(printf '%s\n' "${TENANT_TABLES[@]}" | LC_ALL=C sort | paste -sd ' ')" "$OWNER_URL" "" \
  "SELECT string_agg(relname, ' ' ORDER BY relname COLLATE \"C\") FROM pg_class
     WHERE relname LIKE 'pms\_%' AND relkind = 'r'"

# --- celeste_app scoped to yacht A, every tenant table.
for t in "${TENANT_TABLES[@]}"; do
  expect "$t: app scoped to A sees A's rows and none of B's" "${ROWS[$t]}|0" \
    "$APP_URL" "$A" "$(count_sql "$t")"
  if [ -n "${UPDATE_B[$t]:-}" ]; then
    expect "$t: app scoped to A updates none of B's rows" "0" "$APP_URL" "$A" \
      "$(affected_sql "${UPDATE_B[$t]}")"
  fi
  if [[ "$NO_UPDATE" == *" $t "* ]]; then
    refused "$t: app cannot UPDATE even A's rows" "permission denied" "$APP_URL" "$A" \
      "UPDATE $t SET yacht_id = yacht_id WHERE yacht_id = '$A'"
  fi
  if [[ "$NO_DELETE" == *" $t "* ]]; then
    refused "$t: app cannot DELETE even A's rows" "permission denied" "$APP_URL" "$A" \
      "DELETE FROM $t WHERE yacht_id = '$A'"
  else
    expect "$t: app scoped to A deletes none of B's rows" "0" "$APP_URL" "$A" \
      "$(affected_sql "DELETE FROM $t WHERE yacht_id = '$B'")"
  fi
  refused "$t: app scoped to A cannot insert a row for B" "row-level security policy" \
    "$APP_URL" "$A" "${INSERT_B[$t]}"
  expect "$t: app with app.yacht_id unset reads 0 rows" "0" "$APP_URL" "" \
    "SELECT count(*) FROM $t"
  expect "$t: app reads 0 rows after a SET LOCAL transaction ended (no error)" "0" \
    "$APP_URL" "" "BEGIN; SET LOCAL app.yacht_id = '$A'; COMMIT; SELECT count(*) FROM $t"
done

# --- The stock ledger is append-only.
refused "pms_inventory_transactions: app cannot UPDATE even A's rows" "permission denied" \
  "$APP_URL" "$A" "UPDATE pms_inventory_transactions SET quantity = 99 WHERE yacht_id = '$A'"
refused "pms_inventory_transactions: app cannot DELETE even A's rows" "permission denied" \
  "$APP_URL" "$A" "DELETE FROM pms_inventory_transactions WHERE yacht_id = '$A'"
refused "pms_inventory_transactions: with RLS lifted, the owner's UPDATE is refused by the trigger" \
  "append-only" "$OWNER_URL" "" "BEGIN; ALTER TABLE pms_inventory_transactions NO FORCE ROW LEVEL
    SECURITY; UPDATE pms_inventory_transactions SET quantity = 99; ROLLBACK;"
expect "v_stock_from_transactions: scoped to A, the view sums A's ledger only" "5|0" \
  "$APP_URL" "$A" "SELECT coalesce(sum(on_hand) FILTER (WHERE yacht_id = '$A'), 0) || '|' ||
     coalesce(sum(on_hand) FILTER (WHERE yacht_id = '$B'), 0) FROM v_stock_from_transactions"
expect "stock parity: A's balance equals A's ledger" "0" "$APP_URL" "$A" \
  "SELECT count(*) FROM pms_part_stock s FULL JOIN v_stock_from_transactions v
     USING (yacht_id, part_id) WHERE s.on_hand IS DISTINCT FROM v.on_hand"

# --- The audit log is append-only.
refused "pms_audit_log: app cannot UPDATE even A's rows" "permission denied" "$APP_URL" "$A" \
  "UPDATE pms_audit_log SET action = 'forged' WHERE yacht_id = '$A'"
refused "pms_audit_log: app cannot DELETE even A's rows" "permission denied" "$APP_URL" "$A" \
  "DELETE FROM pms_audit_log WHERE yacht_id = '$A'"
refused "pms_audit_log: app cannot TRUNCATE" "permission denied" "$APP_URL" "$A" \
  "TRUNCATE pms_audit_log"
expect "pms_audit_log: app scoped to A appends an A row" "1" "$APP_URL" "$A" \
  "$(affected_sql "INSERT INTO pms_audit_log (id, yacht_id, seq, action, entity_type, actor_id,
      actor_role, payload, signature, created_at, prev_hash, hash)
    VALUES (gen_random_uuid(), '$A', 2, 'x', 'x', '$USER_ID', 'crew', '{}', '{}', now(),
            repeat('a', 64), repeat('b', 64))")"
expect "pms_audit_log: the owner's UPDATE sees no rows (no UPDATE policy)" "0" "$OWNER_URL" "$A" \
  "$(affected_sql "UPDATE pms_audit_log SET action = 'forged'")"
expect "pms_audit_log: the owner's DELETE sees no rows (no DELETE policy)" "0" "$OWNER_URL" "$A" \
  "$(affected_sql "DELETE FROM pms_audit_log")"
# With row-level security lifted for the owner (NO FORCE, rolled back), the trigger still holds.
lifted="BEGIN; ALTER TABLE pms_audit_log NO FORCE ROW LEVEL SECURITY;"
refused "pms_audit_log: with RLS lifted, the owner's UPDATE is refused by the trigger" \
  "append-only" "$OWNER_URL" "" "$lifted UPDATE pms_audit_log SET action = 'forged'; ROLLBACK;"
refused "pms_audit_log: with RLS lifted, the owner's DELETE is refused by the trigger" \
  "append-only" "$OWNER_URL" "" "$lifted DELETE FROM pms_audit_log; ROLLBACK;"
refused "pms_audit_log: the owner's TRUNCATE is refused by the trigger" \
  "append-only" "$OWNER_URL" "$A" "TRUNCATE pms_audit_log"
expect "pms_audit_log: FORCE ROW LEVEL SECURITY is still on after the rolled-back tries" "t" \
  "$OWNER_URL" "" "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'pms_audit_log'"

# --- The status-transition trigger (the second wall behind the state machine).
ITEM_A=0190a000-0000-7000-8000-0000000002aa
set_status() {  # set_status STATUS [extra assignments]
  affected_sql "UPDATE pms_shopping_list_items SET status = '$1'${2:+, $2}, updated_at = now()
    WHERE yacht_id = '$A' AND id = '$ITEM_A'"
}
refused "shopping list: requested -> fulfilled is refused by the trigger" \
  "illegal shopping list status transition: requested -> fulfilled" "$APP_URL" "$A" \
  "$(set_status fulfilled "quantity_approved = 2")"
expect "shopping list: requested -> under_review passes" "1" "$APP_URL" "$A" \
  "$(set_status under_review)"
expect "shopping list: an update keeping the status passes" "1" "$APP_URL" "$A" \
  "$(set_status under_review "notes = 'checked'")"
expect "shopping list: under_review -> approved passes" "1" "$APP_URL" "$A" \
  "$(set_status approved "quantity_approved = 2")"
refused "shopping list: approved -> requested is refused by the trigger" \
  "illegal shopping list status transition" "$APP_URL" "$A" "$(set_status requested)"
expect "shopping list: approved -> ordered passes" "1" "$APP_URL" "$A" "$(set_status ordered)"
expect "shopping list: ordered -> approved passes (a cancelled purchase order, migration 0005)" \
  "1" "$APP_URL" "$A" "$(set_status approved)"
refused "shopping list: ordered -> requested is refused by the trigger" \
  "illegal shopping list status transition" "$APP_URL" "$A" \
  "$(set_status ordered); $(set_status requested)"
expect "shopping list: the triggers wrote one history row per status (creation + 5 moves)" \
  "6" "$APP_URL" "$A" \
  "SELECT count(*) FROM pms_shopping_list_state_history WHERE item_id = '$ITEM_A'"
expect "shopping list: the approval's history row is that move, by its recorded mover" \
  "under_review|approved|$USER_ID|crew" "$APP_URL" "$A" \
  "SELECT from_status || '|' || to_status || '|' || actor_id || '|' || actor_role
     FROM pms_shopping_list_state_history WHERE item_id = '$ITEM_A' AND from_status = 'under_review'
       AND to_status = 'approved'"
refused "shopping list: an item that does not say who created it is refused" "actor_id" \
  "$APP_URL" "$A" "INSERT INTO pms_shopping_list_items (id, yacht_id, part_name,
      quantity_requested, source_type, created_by, created_at, updated_at)
    VALUES (gen_random_uuid(), '$A', 'anonymous', 1, 'manual_add', '$USER_ID', now(), now())"

# --- Maintenance (migration 0007): the guard triggers on fault and work order moves, the
# history the triggers write, and the append-only notes and histories.
FAULT_A=0190a000-0000-7000-8000-0000000014aa
WO_A=0190a000-0000-7000-8000-0000000015aa
move_fault() {  # move_fault STATUS [extra assignments]
  affected_sql "UPDATE pms_faults SET status = '$1'${2:+, $2}, updated_at = now()
    WHERE yacht_id = '$A' AND id = '$FAULT_A'"
}
move_wo() {  # move_wo STATUS [extra assignments]
  affected_sql "UPDATE pms_work_orders SET status = '$1'${2:+, $2}, updated_at = now()
    WHERE yacht_id = '$A' AND id = '$WO_A'"
}
refused "faults: open -> closed is refused by the trigger" \
  "illegal fault status transition: open -> closed" "$APP_URL" "$A" \
  "$(move_fault closed "resolution = 'gone', closed_by = '$USER_ID', closed_at = now()")"
expect "faults: open -> acknowledged passes" "1" "$APP_URL" "$A" \
  "$(move_fault acknowledged "acknowledged_by = '$USER_ID', acknowledged_at = now(),
     status_change_notes = 'seen'")"
expect "faults: an update keeping the status passes" "1" "$APP_URL" "$A" \
  "$(move_fault acknowledged "description = 'drips'")"
refused "faults: acknowledged -> open is refused by the trigger" \
  "illegal fault status transition: acknowledged -> open" "$APP_URL" "$A" "$(move_fault open)"
expect "faults: the trigger wrote the acknowledgement's history row, by its recorded mover" \
  "open|acknowledged|$USER_ID|crew|seen" "$APP_URL" "$A" \
  "SELECT from_status || '|' || to_status || '|' || actor_id || '|' || actor_role || '|' || notes
     FROM pms_fault_history WHERE fault_id = '$FAULT_A' AND from_status IS NOT NULL"
expect "faults: acknowledged -> resolved passes" "1" "$APP_URL" "$A" \
  "$(move_fault resolved "resolution = 'new seal'")"
expect "faults: resolved -> closed passes" "1" "$APP_URL" "$A" \
  "$(move_fault closed "closed_by = '$USER_ID', closed_at = now()")"
expect "faults: one history row per status (creation + 3 moves; none for the same-status update)" \
  "4" "$APP_URL" "$A" "SELECT count(*) FROM pms_fault_history WHERE fault_id = '$FAULT_A'"
refused "faults: closed -> open is refused by the trigger" \
  "illegal fault status transition: closed -> open" "$APP_URL" "$A" "$(move_fault open)"

refused "work orders: a second open work order for one schedule is refused" \
  "pms_work_orders_open_schedule" "$APP_URL" "$A" \
  "INSERT INTO pms_work_orders (id, yacht_id, origin, schedule_id, title, created_by,
      created_at, updated_at, status_changed_by, status_changed_role)
    VALUES (gen_random_uuid(), '$A', 'schedule', '0190a000-0000-7000-8000-0000000013aa', 'again',
            '$USER_ID', now(), now(), '$USER_ID', 'crew')"
expect "work orders: planned -> in_progress passes" "1" "$APP_URL" "$A" \
  "$(move_wo in_progress "started_at = now(), status_change_notes = 'started'")"
refused "work orders: in_progress -> planned is refused by the trigger" \
  "illegal work order status transition: in_progress -> planned" "$APP_URL" "$A" \
  "$(move_wo planned)"
expect "work orders: the trigger wrote the start's history row, by its recorded mover" \
  "planned|in_progress|$USER_ID|crew|started" "$APP_URL" "$A" \
  "SELECT from_status || '|' || to_status || '|' || actor_id || '|' || actor_role || '|' || notes
     FROM pms_work_order_history WHERE work_order_id = '$WO_A' AND from_status IS NOT NULL"
expect "work orders: in_progress -> completed passes" "1" "$APP_URL" "$A" \
  "$(move_wo completed "completed_by = '$USER_ID', completed_at = now()")"
refused "work orders: completed -> in_progress is refused by the trigger" \
  "illegal work order status transition: completed -> in_progress" "$APP_URL" "$A" \
  "$(move_wo in_progress)"
expect "work orders: one history row per status (creation + 2 moves)" "3" "$APP_URL" "$A" \
  "SELECT count(*) FROM pms_work_order_history WHERE work_order_id = '$WO_A'"
refused "work orders: a work order of A cannot name B's fault (composite key)" \
  "violates foreign key constraint" "$APP_URL" "$A" \
  "INSERT INTO pms_work_orders (id, yacht_id, origin, fault_id, title, created_by, created_at,
      updated_at, status_changed_by, status_changed_role)
    VALUES (gen_random_uuid(), '$A', 'fault', '0190a000-0000-7000-8000-0000000014bb', 'borrowed',
            '$USER_ID', now(), now(), '$USER_ID', 'crew')"
for t in pms_fault_history pms_work_order_history pms_work_order_notes; do
  refused "$t: app cannot TRUNCATE" "permission denied" "$APP_URL" "$A" "TRUNCATE $t"
done

# --- Certificates and documents (migration 0008): the certificates guard trigger.
CERT_A=0190a000-0000-7000-8000-0000000018aa
CREW_CERT_A=0190a000-0000-7000-8000-0000000019aa
RENEWAL_A=0190a000-0000-7000-8000-0000000021aa
renewal_sql() {  # renewal_sql YACHT ID SUPERSEDES
  echo "INSERT INTO pms_certificates (id, yacht_id, certificate_type, number, issuing_authority,
      issue_date, expiry_date, supersedes, created_by, created_at, updated_at)
    VALUES ('$2', '$1', 'Load line', 'LL-2', 'Flag', '2028-12-01', '2033-12-01', '$3',
            '$USER_ID', now(), now())"
}
refused "certificates: changing a certificate's expiry date is refused by the trigger" \
  "facts never change" "$APP_URL" "$A" \
  "UPDATE pms_certificates SET expiry_date = '2035-01-01' WHERE id = '$CERT_A'"
refused "certificates: changing a certificate's number is refused by the trigger" \
  "facts never change" "$APP_URL" "$A" \
  "UPDATE pms_certificates SET number = 'forged' WHERE id = '$CERT_A'"
expect "certificates: a renewal, then marking the old one superseded, passes" "1" \
  "$APP_URL" "$A" "$(renewal_sql "$A" "$RENEWAL_A" "$CERT_A");
    $(affected_sql "UPDATE pms_certificates SET superseded_by = '$RENEWAL_A',
      superseded_at = now(), updated_at = now() WHERE id = '$CERT_A'")"
refused "certificates: a superseded certificate cannot be re-pointed" "is already superseded" \
  "$APP_URL" "$A" "UPDATE pms_certificates SET superseded_by = '$CREW_CERT_A'
    WHERE id = '$CERT_A'"
refused "certificates: a superseded certificate cannot be un-superseded" "is already superseded" \
  "$APP_URL" "$A" "UPDATE pms_certificates SET superseded_by = NULL, superseded_at = NULL
    WHERE id = '$CERT_A'"
refused "certificates: a certificate is renewed at most once" "pms_certificates_renewal" \
  "$APP_URL" "$A" "$(renewal_sql "$A" "0190a000-0000-7000-8000-0000000022aa" "$CERT_A")"
refused "certificates: A cannot renew B's certificate (composite key)" \
  "violates foreign key constraint" "$APP_URL" "$A" \
  "$(renewal_sql "$A" "0190a000-0000-7000-8000-0000000022aa" \
      "0190a000-0000-7000-8000-0000000018bb")"
expect "yacht settings: app scoped to A sets its own warning window (upsert)" "30" \
  "$APP_URL" "$A" "INSERT INTO pms_yacht_settings (yacht_id, certificate_warning_days,
      updated_by, updated_at) VALUES ('$A', 30, '$USER_ID', now())
    ON CONFLICT (yacht_id) DO UPDATE SET certificate_warning_days = excluded.certificate_warning_days,
      updated_at = excluded.updated_at;
    SELECT certificate_warning_days FROM pms_yacht_settings"
refused "pms_documents: app cannot TRUNCATE" "permission denied" "$APP_URL" "$A" \
  "TRUNCATE pms_documents"

# --- Lens Ops health checks (migration 0009): an event belongs to a check of its own yacht.
refused "pms_health_events: an event of A cannot name B's check (composite key)" \
  "violates foreign key constraint" "$APP_URL" "$A" \
  "INSERT INTO pms_health_events (id, yacht_id, check_id, lens_id, level, kind, observed_at)
    VALUES (gen_random_uuid(), '$A', '0190a000-0000-7000-8000-0000000023bb', 'parts', 'info',
            'status_changed', now())"

# --- Lens Ops alerts (migration 0010): at most one open alert per (yacht, rule, lens); a
# notice belongs to an alert of its own yacht.
alert_sql() {  # alert_sql STATE RESOLVED_AT: an alert of A for (any_5xx, parts)
  echo "INSERT INTO pms_alerts (id, yacht_id, rule, lens_id, severity, state, hits, summary,
      started_at, resolved_at, last_check_id, updated_at)
    VALUES (gen_random_uuid(), '$A', 'any_5xx', 'parts', 'critical', '$1', 1, 'again', now(), $2,
            '0190a000-0000-7000-8000-0000000023aa', now())"
}
refused "pms_alerts: a second open alert of A for one (rule, lens) is refused (partial unique index)" \
  "duplicate key.*pms_alerts_one_open" "$APP_URL" "$A" "$(alert_sql pending NULL)"
expect "pms_alerts: a resolved alert of A for the same (rule, lens) is accepted (rolled back)" "1" \
  "$APP_URL" "$A" "BEGIN; $(affected_sql "$(alert_sql resolved "now()")"); ROLLBACK;"
refused "pms_alert_notifications: a notice of A cannot name B's alert (composite key)" \
  "violates foreign key constraint" "$APP_URL" "$A" \
  "INSERT INTO pms_alert_notifications (id, yacht_id, alert_id, kind, severity, text,
      next_attempt_at, created_at, updated_at)
    VALUES (gen_random_uuid(), '$A', '0190a000-0000-7000-8000-0000000025bb', 'firing',
            'critical', 'borrowed', now(), now(), now())"

# --- Global tables need no scope; B's rows came through untouched.
expect "global tables: app reads yachts without a scope" "2" "$APP_URL" "" \
  "SELECT count(*) FROM yachts"
for t in "${TENANT_TABLES[@]}"; do
  expect "$t: B's rows are intact (owner scoped to B)" "0|${ROWS[$t]}" "$OWNER_URL" "$B" \
    "$(count_sql "$t")"
done


# --- Low stock marker (migration 0006): each balance carries its part's min_level, kept by
# triggers that run with the caller's rights, so they read and write the caller's yacht only.
PART_A=0190a000-0000-7000-8000-0000000001aa
PART_B=0190a000-0000-7000-8000-0000000001bb
NEW_PART_A=0190a000-0000-7000-8000-0000000009aa
balance_sql() { echo "SELECT on_hand || '|' || min_level FROM pms_part_stock WHERE part_id = '$1'"; }
low_sql="SELECT count(*) FROM pms_part_stock WHERE min_level > 0 AND on_hand <= min_level"
expect "low stock: app scoped to A raising its part's minimum copies it to the balance" "5|7" \
  "$APP_URL" "$A" "UPDATE pms_parts SET min_level = 7 WHERE id = '$PART_A'; $(balance_sql "$PART_A")"
expect "low stock: A's part now counts as low" "1" "$APP_URL" "$A" "$low_sql"
expect "low stock: a part A adds with a minimum gets an empty balance at once" "0|3" \
  "$APP_URL" "$A" "INSERT INTO pms_parts (id, yacht_id, name, min_level, created_at, created_by)
    VALUES ('$NEW_PART_A', '$A', 'Anode', 3, now(), '$USER_ID'); $(balance_sql "$NEW_PART_A")"
expect "low stock: a minimum written on the balance itself is put back to the part's" "0|3" \
  "$APP_URL" "$A" "UPDATE pms_part_stock SET min_level = 99 WHERE part_id = '$NEW_PART_A';
    $(balance_sql "$NEW_PART_A")"
expect "low stock: app scoped to A changes no minimum of B's" "0" "$APP_URL" "$A" \
  "$(affected_sql "UPDATE pms_parts SET min_level = 9 WHERE yacht_id = '$B'")"
expect "low stock: B's balance keeps B's part's minimum (owner scoped to B)" "5|0" \
  "$OWNER_URL" "$B" "$(balance_sql "$PART_B")"
expect "low stock: B has no low balance (owner scoped to B)" "0" "$OWNER_URL" "$B" "$low_sql"

# --- Migration 0006 on a database that already holds parts and balances of two yachts:
# FORCE ROW LEVEL SECURITY holds the migrating owner to the policies, so the backfill must
# visit each yacht in its scope. A second database, migrated up to 0005, seeded, then 0006.
ADMIN_URL=$(sed -n 's/^CELESTE_TEST_POSTGRES_ADMIN_URL=//p' <<<"$pg_out")
OLD_DB=celeste_before_0006
OLD_OWNER_URL=${OWNER_URL%/celeste}/$OLD_DB
OLD_APP_URL=${APP_URL%/celeste}/$OLD_DB
OLD_ADMIN_URL=${ADMIN_URL/\/postgres\?//$OLD_DB?}
migrate_old() {  # migrate_old FIRST LAST: applies the migrations named FIRST..LAST
  local file name
  for file in "$MIGRATIONS"/*.sql; do
    name=$(basename "$file" .sql)
    [[ "$name" < "$1" || "$name" > "$2" ]] && continue
    out=$( (cat "$file"; echo "INSERT INTO schema_migrations VALUES ('$name', now()::text);") |
           psql -X -q -v ON_ERROR_STOP=1 -1 "$OLD_OWNER_URL" 2>&1) || return 1
  done
}
old_part() {  # old_part YACHT ID MIN_LEVEL [ON_HAND]: a part, and a balance when ON_HAND is given
  echo "SET app.yacht_id = '$1';
    INSERT INTO pms_parts (id, yacht_id, name, min_level, created_at, created_by)
      VALUES ('$2', '$1', 'Part $2', $3, now(), '$USER_ID');"
  [ -n "${4:-}" ] && echo "INSERT INTO pms_part_stock (yacht_id, part_id, on_hand, updated_at)
      VALUES ('$1', '$2', $4, now());"
}
P=0190a000-0000-7000-8000-0000000010
if run "$ADMIN_URL" "" "CREATE DATABASE $OLD_DB OWNER celeste_owner" &&
   run "$OLD_ADMIN_URL" "" "ALTER SCHEMA public OWNER TO celeste_owner;
     REVOKE ALL ON DATABASE $OLD_DB FROM PUBLIC;
     GRANT CONNECT, TEMPORARY ON DATABASE $OLD_DB TO celeste_app;" &&
   run "$OLD_OWNER_URL" "" "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY,
     applied_at TEXT NOT NULL)" &&
   migrate_old 0000 0005~ &&
   run "$OLD_OWNER_URL" "" "BEGIN;
     INSERT INTO yachts (id, name, code, created_at) VALUES
       ('$A', 'Alpha', 'ALPHA', now()), ('$B', 'Bravo', 'BRAVO', now());
     $(old_part "$A" "${P}a1" 4)
     $(old_part "$A" "${P}a2" 2 9)
     $(old_part "$A" "${P}a3" 6 1)
     $(old_part "$A" "${P}a4" 0)
     $(old_part "$B" "${P}b1" 3)
     COMMIT;"; then
  ok "a database at migration 0005 with parts in two yachts"
else
  not_ok "a database at migration 0005 with parts in two yachts" "$out"
fi
if migrate_old 0006 9999; then ok "migration 0006 applies to it as celeste_owner"
else not_ok "migration 0006 applies to it as celeste_owner" "$out"; fi
balances_sql="SELECT string_agg(right(part_id::text, 2) || ':' || on_hand || '|' || min_level, ' '
  ORDER BY part_id) FROM pms_part_stock"
expect "0006 backfill: A's balances carry their minimums; the part with one that never moved got one" \
  "a1:0|4 a2:9|2 a3:1|6" "$OLD_APP_URL" "$A" "$balances_sql"
expect "0006 backfill: so did B's (another yacht, same migration)" "b1:0|3" \
  "$OLD_APP_URL" "$B" "$balances_sql"
expect "0006 backfill: A's low balances are the two low parts" "2" "$OLD_APP_URL" "$A" "$low_sql"
expect "0006 backfill: app.yacht_id is not left set by the migration" "" "$OLD_OWNER_URL" "" \
  "SELECT current_setting('app.yacht_id', true)"

finish
