#!/usr/bin/env bash
# Portal live updates at scale: N concurrent SSE streams on ONE portal-events FastCGI responder
# (one LISTEN connection fans out to all of them), one update committed at a time, time until the
# last stream has it (p50/p99 from the start of the commit), and responder memory per open stream.
# Run by scripts/bench.sh (release build, DATABASE_URL exported). Figures only, no thresholds.
# The load client is roch-sse-load (Tests/RochBench, built with the release build): one event-loop
# thread, so it leaves the cores to the server it measures.
#   PORTAL_BENCH_STREAMS (10000)  PORTAL_BENCH_UPDATES (5)  PORTAL_BENCH_CLIENT_THREADS (1)
set -euo pipefail
cd "$(dirname "$0")/.."
streams=${PORTAL_BENCH_STREAMS:-10000}
updates=${PORTAL_BENCH_UPDATES:-5}
threads=${PORTAL_BENCH_CLIENT_THREADS:-1}
bin=${BENCH_BIN:-.build/release}  # not $BIN: make exports its own BIN (the debug build)
[ -x "$bin/portal-events" ] && [ -x "$bin/roch-sse-load" ] || { echo "build first: swift build -c release --static-swift-stdlib" >&2; exit 1; }
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server (scripts/bench.sh starts one)}"

ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/roch-portal-bench.XXXXXX)
name="bench_portal_$$"
url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$DATABASE_URL" "$name")
responder=""
cleanup() {
  [ -n "$responder" ] && kill "$responder" 2>/dev/null && wait "$responder" 2>/dev/null || true
  psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "CREATE DATABASE $name" >/dev/null
DATABASE_URL="$url" "$bin/roch" migrate >/dev/null
secret=$(python3 -c 'import secrets, base64; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="))')
hash=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())' "$secret")
read -r booking last <<<"$(psql -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 "$url" <<SQL
INSERT INTO clients (phone, name) VALUES ('+919800000001', 'Bench Client');
INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
  SELECT 'benchbooking00000000000001', id, 'active_preparation', 'wedding', current_date + 30, 'Bengaluru', 200, '10l_25l' FROM clients;
INSERT INTO portal_events (booking_id, kind, title) SELECT id, 'status', 'Booking confirmed' FROM bookings;
INSERT INTO portal_sessions (token_hash, client_id, expires_at) SELECT '\x$hash'::bytea, id, now() + interval '1 day' FROM clients;
SELECT b.id, max(e.id) FROM bookings b JOIN portal_events e ON e.booking_id = b.id GROUP BY b.id;
SQL
)"

cpus=$(nproc)
echo "portal-events: $streams streams, $updates updates, $threads client thread(s), $cpus CPUs (client and server share them)"
DATABASE_URL="$url" SITE_URL=http://127.0.0.1 ROCH_DB_POOL=8 PORTAL_SSE_HEARTBEAT_SECONDS=15 \
  "$bin/portal-events" --fastcgi "unix:$work/portal-events.sock" 2>"$work/responder.log" &
responder=$!
for _ in $(seq 200); do [ -S "$work/portal-events.sock" ] && break; sleep 0.05; done
"$bin/roch-sse-load" --fastcgi "unix:$work/portal-events.sock" --pid "$responder" --cookie "$secret" \
  --database-url "$url" --booking "$booking" --last-event-id "$last" --streams "$streams" --updates "$updates" \
  --threads "$threads" --label "FastCGI responder (portal-events --fastcgi unix:...)"
if grep -q . "$work/responder.log"; then echo "  responder log:"; tail -n 3 "$work/responder.log" | sed 's/^/    /'; fi
kill "$responder" 2>/dev/null; wait "$responder" 2>/dev/null || true
responder=""

# The same through the dev server: `roch serve --in-process` (HTTP, the handlers in its process).
# --port 0: the server binds a free port and prints it (nothing to pick, nothing to race for).
mkdir -p "$work/public"
DATABASE_URL="$url" SITE_URL=http://127.0.0.1 ROCH_DB_POOL=8 PORTAL_SSE_HEARTBEAT_SECONDS=15 \
  "$bin/roch" serve --in-process --port 0 --dir "$work/public" --functions-dir "$bin" >"$work/serve.out" 2>"$work/serve.log" &
responder=$!
port=""
for _ in $(seq 200); do
  port=$(sed -n 's|^roch serve: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 "$responder" 2>/dev/null || break
  sleep 0.05
done
[ -n "$port" ] || { echo "roch serve did not start: $(cat "$work/serve.log")" >&2; exit 1; }
"$bin/roch-sse-load" --http "127.0.0.1:$port" --pid "$responder" --cookie "$secret" \
  --database-url "$url" --booking "$booking" --last-event-id "$last" --streams "$streams" --updates "$updates" \
  --threads "$threads" --label "dev server (roch serve --in-process)"
