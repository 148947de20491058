#!/usr/bin/env bash
# The whole suite: on SQLite, on PostgreSQL, then the browser journeys in Debian's Chromium.
#   scripts/test.sh all|sqlite|postgres|browser [pytest args…]
set -uo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}; shift || true
BIN=.venv/bin
export HEMICYCLE_TASKS=immediate
export HEMICYCLE_DATA=${HEMICYCLE_TEST_DATA:-$(mktemp -d /tmp/hemicycle-test.XXXXXX)}
status=0
bash scripts/ensure-test-tools.sh || status=1  # pdfsig (poppler-utils) validates signed PDFs

run_sqlite() {
  echo "=== Suite sur SQLite ==="
  unset DATABASE_URL
  $BIN/pytest -m "not browser" -q "$@" || status=1
}

run_postgres() {
  echo "=== Suite sur PostgreSQL ==="
  local url
  url=$(bash scripts/postgres-for-tests.sh) || { echo "PostgreSQL indisponible" >&2; status=1; return; }
  DATABASE_URL="$url" $BIN/pytest -m "not browser" -q "$@" || status=1
}

run_browser() {
  echo "=== Parcours dans Chromium ==="
  bash scripts/ensure-chromium.sh || { status=1; return; }
  mkdir -p test-artifacts
  unset DATABASE_URL
  $BIN/pytest -m browser -q -p no:randomly "$@" || status=1
}

case "$what" in
  sqlite) run_sqlite "$@" ;;
  postgres) run_postgres "$@" ;;
  browser) run_browser "$@" ;;
  all) run_sqlite "$@"; run_postgres "$@"; run_browser "$@" ;;
  *) echo "usage: $0 all|sqlite|postgres|browser" >&2; exit 2 ;;
esac
exit $status
