#!/usr/bin/env bash
# `make demo`: migrate the embedded SQLite database, load the demo authority (once), then run
# the web server and the task worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export HEMICYCLE_DATA=${HEMICYCLE_DATA:-$PWD/var}
export HEMICYCLE_BASE_URL=${HEMICYCLE_BASE_URL:-http://127.0.0.1:${PORT:-8000}}
PORT=${PORT:-8000}
PUSH_PORT=${PUSH_PORT:-8001}
export HEMICYCLE_LIVE_PUSH_URL=${HEMICYCLE_LIVE_PUSH_URL:-http://127.0.0.1:$PUSH_PORT}
mkdir -p "$HEMICYCLE_DATA/logs"

PREFECTURE_PORT=${PREFECTURE_PORT:-8010}
export HEMICYCLE_ACTES_OPERATOR_URL=${HEMICYCLE_ACTES_OPERATOR_URL:-http://127.0.0.1:$PREFECTURE_PORT}

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$BIN/hemicycle migrate --noinput >/dev/null
# The prefecture simulator (S²LOW API, legality control) runs before load_demo, which may transmit.
$BIN/hemicycle prefecture_simulator --port "$PREFECTURE_PORT" >>"$HEMICYCLE_DATA/logs/prefecture.log" 2>&1 &
pids+=($!)
$BIN/hemicycle load_demo --if-empty

$BIN/hemicycle db_worker --queue-name '*' >>"$HEMICYCLE_DATA/logs/worker.log" 2>&1 &
pids+=($!)
$BIN/hemicycle run_scheduler >>"$HEMICYCLE_DATA/logs/scheduler.log" 2>&1 &
pids+=($!)
$BIN/hemicycle live_push --port "$PUSH_PORT" >>"$HEMICYCLE_DATA/logs/live-push.log" 2>&1 &
pids+=($!)
$BIN/hemicycle runserver "127.0.0.1:$PORT" --noreload >>"$HEMICYCLE_DATA/logs/server.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
$BIN/hemicycle demo_accounts --url "http://127.0.0.1:$PORT/"
echo "Simulateur de préfecture (contrôle de légalité) : http://127.0.0.1:$PREFECTURE_PORT/"
echo "Journaux : $HEMICYCLE_DATA/logs/ (serveur, tâches de fond, e-mails dans worker.log)."
echo "Ctrl-C pour arrêter."
wait -n "${pids[@]}"
