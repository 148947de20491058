#!/usr/bin/env bash
# `make bench`: every benchmark scenario, Hémicycle and its reference method side by side.
#   scripts/bench.sh [--quick] [other options of `python -m bench`, see --help]
# Needs LibreOffice (the reference method of B0, B1 and B2): Debian's libreoffice-writer-nogui is
# installed when `soffice` is missing; and gunicorn (B5, in the project's test extras).
# Writes bench/results.json and prints a table. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if ! command -v soffice >/dev/null 2>&1; then
  echo "Installation de LibreOffice Writer (paquet Debian libreoffice-writer-nogui)…"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-writer-nogui >/dev/null
fi
if ! command -v pdfsig >/dev/null 2>&1; then  # B2 checks a sample of signatures with poppler's pdfsig
  echo "Installation de pdfsig (paquet Debian poppler-utils)…"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi
soffice --version
"$BIN/python" -c "import gunicorn" 2>/dev/null || "$BIN/pip" install --quiet -e ".[test]"

# B1 and B5 use the throwaway SQLite database of HEMICYCLE_DATA, never a configured PostgreSQL.
unset DATABASE_URL

# Benchmarks get their own data folder: never the demo's database or files.
if [ -n "${HEMICYCLE_BENCH_DATA:-}" ]; then
  export HEMICYCLE_DATA=$HEMICYCLE_BENCH_DATA
else
  HEMICYCLE_DATA=$(mktemp -d /tmp/hemicycle-bench.XXXXXX)
  export HEMICYCLE_DATA
  trap 'rm -rf "$HEMICYCLE_DATA"' EXIT
fi
export HEMICYCLE_TASKS=immediate
"$BIN/python" -m bench "$@"
