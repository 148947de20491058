#!/usr/bin/env bash
# Prints a DATABASE_URL for the test suite. Uses the local server on 127.0.0.1:5432 when one
# answers; otherwise starts a throwaway cluster (initdb in a temporary folder) on port 55432.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  for role in postgres "$(id -un)"; do
    if psql -h 127.0.0.1 -p 5432 -U "$role" -d postgres -Atc "select 1" >/dev/null 2>&1; then
      echo "postgres://$role@127.0.0.1:5432/hemicycle"; exit 0
    fi
  done
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ]; then
  echo "Installation de PostgreSQL (paquet Debian)…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
port=55432
dir=/tmp/hemicycle-pg
if ! pg_isready -q -h 127.0.0.1 -p $port 2>/dev/null; then
  rm -rf "$dir"; mkdir -p "$dir"
  runas=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir" 2>/dev/null || { useradd -r postgres && chown postgres "$dir"; }; runas=(runuser -u postgres --); fi
  "${runas[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  "${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" -l "$dir/log" -w start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/hemicycle"
