#!/usr/bin/env bash
# Webhooks processed per second by the razorpay-webhook function as a native FastCGI responder
# (release build, its own connection pool): N distinct signed `payment_link.paid` events, each
# paying one deposit in full (milestone, payment, receipt number, outbox rows, booking transition,
# timeline, all in one transaction), then the same N events again (duplicates: stored, no effect).
# Run by scripts/bench.sh (DATABASE_URL exported, release binaries built). Figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${PAYMENTS_BENCH_EVENTS:-2000}
CONCURRENCY=${PAYMENTS_BENCH_CONCURRENCY:-8}
BIN=${BENCH_BIN:-.build/release}  # not $BIN from the environment: make exports its own (the debug build)
db="bench_payments_$$"
admin_url=$DATABASE_URL
url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$admin_url" "$db")
psql -X -q "$admin_url" -c "CREATE DATABASE $db" >/dev/null
pid=""
tmp=$(mktemp -d /tmp/roch-bench-pay.XXXXXX)
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
DATABASE_URL=$url "$BIN/roch" migrate >/dev/null

# N bookings in proposal_sent, each with a deposit milestone whose link exists.
psql -X -q "$url" -v ON_ERROR_STOP=1 >/dev/null <<SQL
INSERT INTO clients (phone, name, email, whatsapp_consent)
  SELECT '+9198' || lpad(g::text, 8, '0'), 'Client ' || g, 'c' || g || '@example.com', true FROM generate_series(1, $N) g;
INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
  SELECT 'benchbooking' || lpad(g::text, 14, '0'), g, 'proposal_sent', 'wedding', current_date + 60, 'Pune', 200, '10l_25l'
  FROM generate_series(1, $N) g;
INSERT INTO proposals (booking_id, public_id, total_paise, status)
  SELECT g, 'benchproposal' || lpad(g::text, 13, '0'), 50000000, 'sent' FROM generate_series(1, $N) g;
INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule, status, razorpay_link_id, short_url)
  SELECT 'benchmilestone' || lpad(g::text, 12, '0'), g, g, 1, 'Deposit', 15000000, current_date, 'on_acceptance', 'link_issued',
         'plink_bench' || g, 'https://rzp.io/i/bench' || g FROM generate_series(1, $N) g;
INSERT INTO payment_links (milestone_id, attempt, reference_id, razorpay_link_id, short_url, amount_paise, status)
  SELECT g, 1, 'benchmilestone' || lpad(g::text, 12, '0'), 'plink_bench' || g, 'https://rzp.io/i/bench' || g, 15000000, 'created'
  FROM generate_series(1, $N) g;
SQL

sock=$tmp/razorpay-webhook.sock  # a Unix socket: no port to pick (and race for)
DATABASE_URL=$url SITE_URL=https://rochevents.test RAZORPAY_KEY_ID=rzp_test_Bench0000001 RAZORPAY_KEY_SECRET=bench_key \
  RAZORPAY_WEBHOOK_SECRET=bench_webhook_secret STAFF_WHATSAPP=+919820099999 ROCH_DB_POOL=16 \
  "$BIN/razorpay-webhook" --fastcgi "unix:$sock" 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done

python3 - "$sock" "$N" "$CONCURRENCY" "$url" <<'PY'
import concurrent.futures, hashlib, hmac, json, subprocess, sys, time
sys.path.insert(0, "Tests/e2e")
import fastcgi_client as fcgi

sock, n, concurrency, url = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
secret = b"bench_webhook_secret"

def event(i):
    link = {"id": f"plink_bench{i}", "entity": "payment_link", "short_url": f"https://rzp.io/i/bench{i}", "status": "paid",
            "amount": 15000000, "amount_paid": 15000000, "currency": "INR", "reference_id": f"benchmilestone{i:012d}",
            "created_at": 1764000000, "expire_by": 0, "expired_at": 0, "cancelled_at": 0, "payments": None}
    payment = {"id": f"pay_bench{i:010d}", "entity": "payment", "amount": 15000000, "currency": "INR", "status": "captured",
               "order_id": f"order_bench{i}", "method": "upi", "captured": True, "created_at": 1764000000}
    body = json.dumps({"entity": "event", "account_id": "acc_bench", "event": "payment_link.paid",
                       "contains": ["payment_link", "payment"], "payload": {"payment_link": {"entity": link},
                       "payment": {"entity": payment}}, "created_at": 1764000000}).encode()
    return body, {"X-Razorpay-Signature": hmac.new(secret, body, hashlib.sha256).hexdigest(), "X-Razorpay-Event-Id": f"evt_bench{i}"}

events = [event(i) for i in range(1, n + 1)]

def send(item):
    body, headers = item
    params = fcgi.cgi_params("POST", "/api/razorpay-webhook", body, "application/json", "52.66.0.1", headers=headers)
    status, _, out, _ = fcgi.request(sock, params, body)
    return status

def run(label):
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        statuses = list(pool.map(send, events))
    elapsed = time.perf_counter() - start
    bad = sum(1 for s in statuses if s != 200)
    print(f"payments: {label}: {n} webhooks in {elapsed:.2f} s = {n / elapsed:.0f} webhooks/s "
          f"({concurrency} concurrent FastCGI clients, {bad} non-200)")

run("distinct payment_link.paid events (each pays a deposit, confirms a booking)")
run("the same events redelivered (duplicates: stored, no effect)")
q = lambda sql: subprocess.run(["psql", "-X", "-A", "-t", url, "-c", sql], capture_output=True, text=True).stdout.strip()
print(f"payments: check: {q('SELECT count(*) FROM payment_milestones WHERE status = $$paid$$')} milestones paid, "
      f"{q('SELECT count(*) FROM invoices')} receipts, {q('SELECT count(*) FROM bookings WHERE state = $$deposit_paid$$')} bookings confirmed, "
      f"{q('SELECT count(*) FROM notifications')} outbox rows, {q('SELECT count(*) FROM webhook_deliveries')} deliveries stored")
PY
