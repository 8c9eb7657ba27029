#!/usr/bin/env bash
# `make test`: a throwaway PostgreSQL, a build, every Swift test, then the end-to-end tests
# (nginx + fcgiwrap, FastCGI, fake Razorpay/WhatsApp, SMTP sink, headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

tmp=$(mktemp -d /tmp/roch-test.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  scripts/pg.sh stop "$tmp" || true
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  PG_FSYNC=off scripts/pg.sh start "$tmp" "$port"
  export DATABASE_URL=$(scripts/pg.sh url "$tmp" "$port")
fi
echo "test database: $DATABASE_URL"
# The end-to-end tests run the functions against the platform's own (migrated) database.
swift build --product roch
.build/debug/roch migrate
export ROCH_TEST_OUTPUT="$root/test-output"
mkdir -p "$ROCH_TEST_OUTPUT"

swift build --build-tests
swift test --skip-build 2>&1 | tee "$ROCH_TEST_OUTPUT/swift-test.log"

# End-to-end tests drive the built executables through real servers.
if compgen -G "Tests/e2e/**/test_*.py" >/dev/null || compgen -G "Tests/e2e/test_*.py" >/dev/null; then
  .build/venv/bin/python -m pytest -q -p no:cacheprovider Tests/e2e
fi
