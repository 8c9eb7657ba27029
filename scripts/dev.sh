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

if has build; then "$bin/roch" build --watch & pids+=($!); fi
if has worker; then "$bin/roch" worker & pids+=($!); fi
echo "Roch Events dev server: http://127.0.0.1:$port  (database: $DATABASE_URL)"
# The demo client's portal (roch seed's wedding): a fresh magic link on every start.
if link=$(SITE_URL="http://127.0.0.1:$port" "$bin/roch" portal-link --phone +919876500001 2>/dev/null); then
  echo "Demo client portal (Ananya Rao's wedding): $link"
fi
"$bin/roch" serve --port "$port" --live-reload & pids+=($!)
wait -n "${pids[@]}"
