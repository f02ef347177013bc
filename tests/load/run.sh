#!/usr/bin/env bash
# Load test (`make loadtest`): USERS logged-in people (default 50) for DURATION seconds (default 60) against
# gunicorn with the production settings (bin/serve, TLS on loopback) on PostgreSQL with the demo data
# (the full demo of today: 34.675 businesses by the end of 2023 and those since) in a database of its
# own, LOAD_DB (default umkm_load), made afresh each run.
# LOAD_WAIT_MIN/LOAD_WAIT_MAX: seconds between a person's pages (3–10; `make loadtest-busy` and
# `make loadtest-capacity`: 1–3). LOAD_MIN_RPS: the throughput the summary holds the run to (none by
# default); LOAD_MAX_P95: its p95 goal in ms (500; 0: none, for a run meant to saturate the server).
# Writes artifacts/load/ (locust's CSV and HTML, summary.md, summary.json) and prints the summary.
set -euo pipefail
cd "$(dirname "$0")/../.."

USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-5}
DURATION=${DURATION:-60}
PORT=${LOAD_PORT:-8765}
LOAD_DB=${LOAD_DB:-umkm_load}
PG=${LOAD_PG:-postgres://postgres@127.0.0.1:5432}
PY=.venv/bin/python
LOCUST=.venv-load/bin/locust
OUT=artifacts/load
mkdir -p "$OUT"
rm -f "$OUT/logins.json" "$OUT/cpu.json"
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== database $LOAD_DB on $PG: fresh, with the demo data"
psql "$PG/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS $LOAD_DB" -c "CREATE DATABASE $LOAD_DB"
export DATABASE_URL="$PG/$LOAD_DB"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo | tail -n 1
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"

echo "== gunicorn with the production settings on https://127.0.0.1:$PORT"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))') \
DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_STATIC_ROOT="$work/static" DJANGO_LOG_LEVEL=WARNING \
GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_CERTFILE="$work/cert.pem" GUNICORN_KEYFILE="$work/key.pem" \
GUNICORN_ACCESS_LOG="$work/access.log" PY=$PY \
  bin/serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -skf -o /dev/null "https://127.0.0.1:$PORT/masuk/" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
grep -m1 "Using worker" "$work/server.log" || true
grep -c "Booting worker" "$work/server.log" | sed 's/^/workers: /'

# People log in as they are started (a login hashes the password: about half a second of CPU each).
# The locustfile counts afresh once all are in and have worked LOAD_WARMUP seconds, then stops after
# DURATION seconds; -t only bounds a run that would not get there.
echo "== locust: $USERS users, $SPAWN_RATE logging in a second, then ${DURATION} s of work measured"
LOAD_DURATION=$DURATION LOAD_LOGINS_JSON="$OUT/logins.json" LOAD_CPU_JSON="$OUT/cpu.json" \
"$LOCUST" -f tests/load/locustfile.py --headless --only-summary -u "$USERS" -r "$SPAWN_RATE" \
  -t "$(( DURATION + USERS / SPAWN_RATE + 120 ))s" \
  --host "https://127.0.0.1:$PORT" --csv "$OUT/load" --html "$OUT/load.html" --stop-timeout 10 \
  --loglevel WARNING || true
"$PY" tests/load/summary.py "$OUT/load_stats.csv" --users "$USERS" --duration "${DURATION} s" \
  --logins "$OUT/logins.json" --cpu "$OUT/cpu.json" --wait "${LOAD_WAIT_MIN:-3}-${LOAD_WAIT_MAX:-10}" \
  --min-rps "${LOAD_MIN_RPS:-0}" --max-p95 "${LOAD_MAX_P95:-500}" \
  --out "$OUT/summary"
