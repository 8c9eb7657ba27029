#!/usr/bin/env bash
# `make dev` (after db, seed and site): the dev server on http://127.0.0.1:$PORT with live reload,
# the site rebuilt on every change, and the worker. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug
port=${PORT:-8080}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# Receipts need a GSTIN; state code 00 does not exist, so this demo value is printed as a placeholder.
export BUSINESS_GSTIN=${BUSINESS_GSTIN:-00AAAAA0000A1Z0}

has() { "$bin/roch" help "$1" >/dev/null 2>&1; }

# Providers: real credentials in the environment (or .env) win; otherwise the fakes from the test
# support code stand in, so the whole flow works on a laptop: the fake Razorpay serves a checkout
# page per Payment Link (its short_url) and sends the signed webhooks back to this server.
fakes_dir=$(mktemp -d "${TMPDIR:-/tmp}/roch-dev-fakes.XXXXXX")
cleanup_all() { cleanup; rm -rf "$fakes_dir"; }
trap cleanup_all EXIT INT TERM
fake_port=
start_fake() {  # name args...: starts roch-fakes, waits for its first line (the port) into $fake_port
  # (not in $(...): the process id must reach this shell's `pids` so Ctrl-C stops it)
  local name=$1; shift
  "$bin/roch-fakes" "$@" >"$fakes_dir/$name.out" 2>"$fakes_dir/$name.err" & pids+=($!)
  for _ in $(seq 1 100); do
    if [ -s "$fakes_dir/$name.out" ]; then fake_port=$(head -n1 "$fakes_dir/$name.out"); return 0; fi
    sleep 0.1
  done
  echo "dev: the fake $name did not start: $(cat "$fakes_dir/$name.err")" >&2; return 1
}
if [ -x "$bin/roch-fakes" ]; then
  if [ -z "${RAZORPAY_KEY_ID:-}" ]; then
    export RAZORPAY_KEY_ID=rzp_test_dev RAZORPAY_KEY_SECRET=dev_key_secret RAZORPAY_WEBHOOK_SECRET=dev_webhook_secret
    start_fake razorpay razorpay --port 0 --key-id "$RAZORPAY_KEY_ID" --key-secret "$RAZORPAY_KEY_SECRET" \
      --webhook-secret "$RAZORPAY_WEBHOOK_SECRET" --webhook-url "http://127.0.0.1:$port/api/razorpay-webhook" --checkout
    export RAZORPAY_API_BASE="http://127.0.0.1:$fake_port"
    echo "Fake Razorpay: $RAZORPAY_API_BASE (open a payment link to pay it)"
  fi
  if [ -z "${WHATSAPP_ACCESS_TOKEN:-}" ]; then
    export WHATSAPP_ACCESS_TOKEN=dev_token WHATSAPP_PHONE_NUMBER_ID=100000000000001 WHATSAPP_APP_SECRET=dev_app_secret
    export WHATSAPP_VERIFY_TOKEN=${WHATSAPP_VERIFY_TOKEN:-dev_verify_token}
    start_fake whatsapp whatsapp --port 0 --token "$WHATSAPP_ACCESS_TOKEN" --phone-number-id "$WHATSAPP_PHONE_NUMBER_ID" \
      --app-secret "$WHATSAPP_APP_SECRET" --webhook-url "http://127.0.0.1:$port/api/whatsapp-webhook" --auto-statuses sent,delivered --catalogue-templates --pair-window 0
    export WHATSAPP_API_BASE="http://127.0.0.1:$fake_port/v21.0"
    export DEV_FAKE_WHATSAPP_URL="http://127.0.0.1:$fake_port"
  fi
  if [ -z "${SMTP_URL:-}" ]; then
    # STARTTLS as in production (smtp:// requires it): the sink's own CA is trusted through SMTP_CA_FILE
    start_fake smtp smtp --port 0
    for _ in $(seq 1 50); do [ "$(wc -l <"$fakes_dir/smtp.out")" -ge 3 ] && break; sleep 0.1; done  # port, control, ca-file
    export SMTP_URL="smtp://127.0.0.1:$fake_port" MAIL_FROM=${MAIL_FROM:-hello@rochevents.test}
    export SMTP_CA_FILE="$(sed -n 3p "$fakes_dir/smtp.out" | cut -d' ' -f2-)"
    export DEV_FAKE_SMTP_URL="http://127.0.0.1:$(sed -n 2p "$fakes_dir/smtp.out" | cut -d' ' -f2)"
  fi
fi

if has build; then "$bin/roch" build --watch & pids+=($!); fi
if has worker; then "$bin/roch" worker & pids+=($!); fi
echo "Roch Events dev server: http://127.0.0.1:$port  (database: $DATABASE_URL)"
if [ -n "${DEV_FAKE_WHATSAPP_URL:-}${DEV_FAKE_SMTP_URL:-}" ]; then
  echo "Dev inbox (every WhatsApp message and email the fakes received): http://127.0.0.1:$port/dev/inbox"
fi
# The demo client's portal (roch seed's wedding): a fresh magic link on every start.
if link=$(SITE_URL="http://127.0.0.1:$port" "$bin/roch" portal-link --phone +919876500001 2>/dev/null); then
  echo "Demo client portal (Ananya Rao's wedding): $link"
fi
"$bin/roch" serve --port "$port" --live-reload & pids+=($!)
wait -n "${pids[@]}"
