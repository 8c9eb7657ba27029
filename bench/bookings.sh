#!/usr/bin/env bash
# Booking submissions per second: native FastCGI responder, CGI (fcgiwrap spawning the executable per request),
# and pgbench running the same statements as a custom script (the database ceiling), in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${BENCH_SECONDS:-10}
CONC=${BENCH_CONCURRENCY:-16}
rel=.build/release
tmp=$(mktemp -d /tmp/roch-bench-booking.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

db="bench_booking_$$"
psql -X -q "$DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null
url=$(python3 -c "import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path='/$db')))" "$DATABASE_URL")
DATABASE_URL=$url $rel/roch migrate >/dev/null
DATABASE_URL=$url $rel/roch seed >/dev/null
export BOOKING_LIMIT_PER_IP=100000000/60 BOOKING_LIMIT_PER_PHONE=100000000/60 SITE_URL=https://rochevents.test

# A Unix socket: no port to pick (and race for).
DATABASE_URL=$url $rel/booking --fastcgi unix:$tmp/booking.sock >/dev/null 2>"$tmp/fcgi.log" & pids+=($!)
for _ in $(seq 100); do [ -S $tmp/booking.sock ] && break; sleep 0.1; done
fcgi=$(python3 bench/booking_load.py $tmp/booking.sock "$SECONDS_EACH" "$CONC")

# CGI: fcgiwrap starts the executable for every request, as nginx + fcgiwrap does in production.
# fcgiwrap passes its environment (the settings) to every CGI child, as the systemd drop-in in deploy/ does.
DATABASE_URL=$url fcgiwrap -c 4 -s unix:$tmp/fcgiwrap.sock >/dev/null 2>"$tmp/fcgiwrap.log" & pids+=($!)
for _ in $(seq 100); do [ -S $tmp/fcgiwrap.sock ] && break; sleep 0.1; done
cgi=$(python3 bench/booking_load.py $tmp/fcgiwrap.sock "$SECONDS_EACH" 8 "$(pwd)/$rel/booking")

pg=$(pgbench -n -f bench/booking_pgbench.sql -c 8 -j 2 -T "$SECONDS_EACH" "$url" 2>/dev/null | awk '/^tps/ {print $3; exit}')
python3 - "$fcgi" "$cgi" "$pg" <<'PY'
import json, sys
f, c, pg = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
print(f"booking submissions/s  FastCGI: {f['rps']:8.1f}  (p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms, errors {f['errors']})")
print(f"booking submissions/s  CGI:     {c['rps']:8.1f}  (p50 {c['p50_ms']} ms, p99 {c['p99_ms']} ms, errors {c['errors']})")
print(f"pgbench same statements:        {pg:8.1f} tps (8 clients)")
print(f"ratio FastCGI / pgbench: {f['rps'] / pg:.2f}   FastCGI / CGI: {f['rps'] / max(c['rps'], 0.1):.1f}x")
PY
psql -X -q "$DATABASE_URL" -c "DROP DATABASE $db WITH (FORCE)" >/dev/null 2>&1 || true
