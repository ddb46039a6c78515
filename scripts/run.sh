#!/usr/bin/env bash
# The main job: the live operations picture on the embedded store (SQLite), replaying a realistic
# Dover Strait scenario at 60x, with a scripted stand-in for the watch officers acting through the
# API in the first minutes (a case, a handover at the SAR line, a doctrine verdict, a drift run).
#   bash scripts/run.sh                 runs until Ctrl-C
#   CHANNELWATCH_RUN_SECONDS=300 ...     stops by itself after that many seconds
#   CHANNELWATCH_PORT=8080 ...           another port (default 8000); CHANNELWATCH_HOST=0.0.0.0
#                                        to open the page from another machine
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
CW=.venv/bin/channelwatch
HOST=${CHANNELWATCH_HOST:-127.0.0.1}
PORT=${CHANNELWATCH_PORT:-8000}
SCENARIO=out/main-job/scenario
if [[ ! -f $SCENARIO/scenario.json ]]; then
  echo "run: generating the scenario (6 h of Dover Strait traffic, seed 1, demo incidents)"
  $CW simulate --start 2025-08-12T01:00:00Z --hours 6 --seed 1 --demo --out "$SCENARIO"
fi
# Each run keeps its own store and ledger: a tamper-evident record is never deleted.
RUN=out/main-job/run-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN"
$CW serve --host "$HOST" --port "$PORT" --db "$RUN/channelwatch.db" \
  --replay "$SCENARIO" --speed 60 >"$RUN/server.log" 2>&1 &
SERVER=$!
stop() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT INT TERM
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 240); do
  if .venv/bin/python -c "import httpx,sys; sys.exit(httpx.get('$URL/api/health').status_code != 200)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "run: the server stopped; its log:" >&2
    cat "$RUN/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
cat <<MSG

ChannelWatch operations picture: $URL/
  sign in as gn-operator / gn-operator-demo (CROSS Gris-Nez) or dover-operator / dover-operator-demo
  (HM Coastguard Dover); API docs at $URL/api/docs; server log in $RUN/server.log
  replaying $SCENARIO at 60x (one scenario hour a minute); Ctrl-C stops it.

MSG
$CW demo-operator --url "$URL" --scenario "$SCENARIO" --timeout-s 600 ||
  echo "run: the demo operator stopped early; the picture stays up"
if [[ -n "${CHANNELWATCH_RUN_SECONDS:-}" ]]; then
  sleep "$CHANNELWATCH_RUN_SECONDS"
else
  wait "$SERVER"
fi
