#!/usr/bin/env bash
# Notifications: messages per second through `roch worker` against the fake WhatsApp Cloud API
# (roch-fakes), with the rate limit off, then on (WHATSAPP_RATE_LIMIT) to show the worker stays
# at or under it. Figures only. Needs DATABASE_URL and release binaries (scripts/bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-.build/release}  # not $BIN: make exports its own BIN (the debug build)
N=${NOTIF_BENCH_MESSAGES:-5000}
LIMITED=${NOTIF_BENCH_LIMITED_MESSAGES:-400}
RATE=${NOTIF_BENCH_RATE:-80}
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL (scripts/bench.sh starts one)}"

tmp=$(mktemp -d /tmp/roch-notif-bench.XXXXXX)
db="roch_bench_notif_$$"
fake_pid=""
cleanup() {
  # the fake ends by SIGTERM (status 143): that is not a failure of the bench
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && { wait "$fake_pid" 2>/dev/null || true; }
  psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

psql -X -q "$DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null
url=$(python3 - "$DATABASE_URL" "$db" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + sys.argv[2], u.query, u.fragment)) if u.scheme.startswith("postgres") else sys.argv[1] + " dbname=" + sys.argv[2])
PY
)
DATABASE_URL="$url" "$bin/roch" migrate >/dev/null

echo '[{"name": "event_completed_client", "language": "en", "body_parameters": 3}]' > "$tmp/templates.json"
"$bin/roch-fakes" whatsapp --port 0 --token bench-token --phone-number-id 106540352242922 --app-secret bench-secret \
  --templates "$tmp/templates.json" --throughput 1000000 --pair-window 0 > "$tmp/fake.out" 2>"$tmp/fake.err" &
fake_pid=$!
for _ in $(seq 100); do [ -s "$tmp/fake.out" ] && break; sleep 0.05; done
fake_port=$(head -n 1 "$tmp/fake.out")

sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$url" -c "$1"; }

queue() {  # queue N messages to N different numbers
  sql "INSERT INTO clients (phone, name) VALUES ('+919800000000', 'Bench') ON CONFLICT DO NOTHING" >/dev/null
  sql "UPDATE notifications SET status = 'cancelled' WHERE status = 'queued'" >/dev/null
  sql "INSERT INTO notifications (idempotency_key, moment, recipient_role, recipient_name, channel, address, parameters)
       SELECT '$2:' || i, 'event_completed', 'client', 'Guest', 'whatsapp', '+9197' || lpad(i::text, 8, '0'),
              '{\"client_name\":\"Guest\",\"event_type\":\"Reception\",\"review_link\":\"https://rochevents.in/r\"}'
       FROM generate_series(1, $1) i" >/dev/null
}

run_worker() {  # rate, batch
  local start end
  start=$(date +%s.%N)
  DATABASE_URL="$url" SITE_URL=http://127.0.0.1 WHATSAPP_ACCESS_TOKEN=bench-token WHATSAPP_PHONE_NUMBER_ID=106540352242922 \
  WHATSAPP_APP_SECRET=bench-secret WHATSAPP_VERIFY_TOKEN=bench WHATSAPP_API_BASE="http://127.0.0.1:$fake_port/v21.0" \
  WHATSAPP_RATE_LIMIT="$1" WORKER_BATCH_SIZE="$2" "$bin/roch" worker --once --connections 16 2>"$tmp/worker.err"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}

report() {  # label, prefix, wall seconds
  local row
  row=$(sql "SELECT count(*) FILTER (WHERE status = 'sent'), count(*),
                    extract(epoch FROM max(sent_at) - min(sent_at)) FROM notifications WHERE idempotency_key LIKE '$2:%'")
  python3 - "$1" "$row" "$3" <<'PY'
import sys
label, row, wall = sys.argv[1], sys.argv[2].split("|"), float(sys.argv[3])
sent, total, span = int(row[0]), int(row[1]), float(row[2] or 0)
rate = (sent - 1) / span if span > 0 else float("nan")
print(f"{label}: {sent}/{total} sent in {wall:.2f} s wall (process start included) = {sent / wall:,.0f} msg/s; "
      f"first to last send {span:.2f} s = {rate:,.0f} msg/s")
PY
}

for batch in 16 64; do
  queue "$N" "free$batch"
  wall=$(run_worker off "$batch")
  report "rate limit off, batch $batch" "free$batch" "$wall"
done

queue "$LIMITED" limited
before=$(curl -s "http://127.0.0.1:$fake_port/__fake/messages" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["messages"]))')
wall=$(run_worker "$RATE" 16)
report "rate limit $RATE/s" limited "$wall"
curl -s "http://127.0.0.1:$fake_port/__fake/messages" | python3 -c "
import json, sys
times = sorted(m['accepted_at'] for m in json.load(sys.stdin)['messages'][$before:])
busiest = max(sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times))
print(f'rate limit $RATE/s: busiest 1-second window at the fake API: {busiest} messages '
      f'(configured {int($RATE)}); average {(len(times) - 1) / (times[-1] - times[0]):.1f} msg/s')
"
