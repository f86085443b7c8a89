#!/usr/bin/env bash
# CTest fixture `postgres_cluster` (cleanup): stops the cluster tests/postgres/cluster-up.sh
# recorded in ENV_FILE (scripts/pg-down) and removes the file. Nothing recorded: nothing
# to do. With CELESTE_KEEP_TEST_DIRS set (the harness then keeps each test's database) the
# cluster is left running for inspection; the next cluster-up.sh stops it.
#
#   tests/postgres/cluster-down.sh ENV_FILE
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
env_file=${1:?usage: tests/postgres/cluster-down.sh ENV_FILE}

[ -f "$env_file" ] || { echo "cluster-down: no cluster recorded in $env_file"; exit 0; }
dir=$(sed -n 's/^PGDATA_DIR=//p' "$env_file")
if [ -n "${CELESTE_KEEP_TEST_DIRS:-}" ]; then
  echo "cluster-down: CELESTE_KEEP_TEST_DIRS is set; leaving $dir running (see $env_file)"
  exit 0
fi
if [ -n "$dir" ]; then
  "$ROOT/scripts/pg-down" "$dir"
  echo "cluster-down: stopped $dir"
fi
rm -f "$env_file"
