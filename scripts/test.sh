#!/usr/bin/env bash
# `make test`: a throwaway PostgreSQL, a build, every Swift test, then the end-to-end tests
# (nginx + fcgiwrap, FastCGI, fake Razorpay/WhatsApp, SMTP sink, headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

tmp=$(mktemp -d /tmp/roch-test.XXXXXX)
cleanup() {
  scripts/pg.sh stop "$tmp" || true
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  # PostgreSQL cannot be told to pick its own port: take a free one, and another if someone else
  # bound it between the check and the start.
  started=""
  for _ in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # The Swift tests run every suite in one process, and each test world keeps its connection pool
    # until the process ends (about 200 idle connections by the last suite): room for 500.
    if PG_FSYNC=off PG_MAX_CONNECTIONS=500 scripts/pg.sh start "$tmp" "$port" 2>"$tmp/pg-start.err"; then started=1; break; fi
  done
  [ -n "$started" ] || { cat "$tmp/pg-start.err" >&2; echo "could not start PostgreSQL" >&2; exit 1; }
  export DATABASE_URL=$(scripts/pg.sh url "$tmp" "$port")
fi
echo "test database: $DATABASE_URL"
# The end-to-end tests run the functions against the platform's own (migrated) database.
swift build --product roch
.build/debug/roch migrate
export ROCH_TEST_OUTPUT="$root/test-output"
mkdir -p "$ROCH_TEST_OUTPUT"

swift build --build-tests
# One test at a time: on a 2-core machine Swift's cooperative pool has two threads, and suites that
# run CPU-heavy checks or wait on processes would starve each other's servers into timeouts. Serial
# runs are deterministic and, here, no slower (~45 s).
swift test --skip-build --no-parallel 2>&1 | tee "$ROCH_TEST_OUTPUT/swift-test.log"

# End-to-end tests drive the built executables through real servers.
if compgen -G "Tests/e2e/**/test_*.py" >/dev/null || compgen -G "Tests/e2e/test_*.py" >/dev/null; then
  .build/venv/bin/python -m pytest -q -p no:cacheprovider Tests/e2e
fi
