#!/usr/bin/env bash
# `make bench`: runs every bench/*.sh in order. Each prints its own figures and the ratio to the
# peer it is measured against in the same run (Hugo, pgbench, ...). No thresholds: figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/roch-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
trap 'scripts/pg.sh stop "$tmp" || true; rm -rf "$tmp"' EXIT
if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh start "$tmp" "$port"
  export DATABASE_URL=$(scripts/pg.sh url "$tmp" "$port")
fi
swift build -c release --static-swift-stdlib
for b in bench/*.sh; do
  [ -e "$b" ] || continue
  echo "== $b"
  bash "$b"
done
