#!/usr/bin/env bash
# CTest fixture `postgres_cluster` (setup): starts one throwaway cluster (scripts/pg-up) for
# the whole ctest run and records pg-up's KEY=VALUE lines in ENV_FILE, where the
# integration harness reads them (tests/integration/harness.cc). tests/postgres/
# cluster-down.sh stops it when the run ends.
#
#   tests/postgres/cluster-up.sh ENV_FILE
#
# A cluster still recorded in ENV_FILE (a run that was interrupted before its cleanup) is
# stopped first, so at most one is left behind per build directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
env_file=${1:?usage: tests/postgres/cluster-up.sh ENV_FILE}

if [ -f "$env_file" ]; then
  old=$(sed -n 's/^PGDATA_DIR=//p' "$env_file")
  if [ -n "$old" ]; then
    echo "cluster-up: stopping the cluster a previous run left in $old"
    "$ROOT/scripts/pg-down" "$old" || echo "cluster-up: could not stop $old (continuing)" >&2
  fi
  rm -f "$env_file"
fi

# Written to a temporary file first: the harness never sees half a file.
tmp="$env_file.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$ROOT/scripts/pg-up" >"$tmp"
for key in CELESTE_TEST_POSTGRES_URL CELESTE_TEST_POSTGRES_APP_URL \
           CELESTE_TEST_POSTGRES_ADMIN_URL PGDATA_DIR; do
  grep -q "^$key=" "$tmp" || { echo "cluster-up: pg-up printed no $key" >&2; cat "$tmp" >&2; exit 1; }
done
mv "$tmp" "$env_file"
echo "cluster-up: $(sed -n 's/^PGDATA_DIR=//p' "$env_file") recorded in $env_file"
