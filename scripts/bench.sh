#!/usr/bin/env bash
# `make bench`: runs every bench/*.sh in order. Each prints its own figures and the ratio to the
# peer it is measured against in the same run (Hugo, pgbench, ...). No thresholds: figures only.
#
# The whole output, headed by the date, the commit and the machine (cores, CPU model, load average),
# goes to bench/results/<date>-<commit>.txt as well as the terminal, so a figure quoted in README.md
# names the run it came from and anyone can repeat it from a fresh clone. BENCH_RESULT=path overrides
# the file. A bench that fails is reported at the end (and makes the run exit non-zero) after the
# others have run. Benches use .build/release (BENCH_BIN overrides it; not BIN, which make exports
# as the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit-dirty"; fi
result=${BENCH_RESULT:-bench/results/$(date -u +%Y-%m-%dT%H%MZ)-$commit.txt}
mkdir -p "$(dirname "$result")"
exec > >(tee "$result") 2>&1

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
echo "roch make bench"
echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit:   $commit ($(git log -1 --format=%s 2>/dev/null | cut -c1-100 || true))"
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr), $(awk '{printf "%.1f GiB", $2 / 1048576}' <(grep MemTotal /proc/meminfo))"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at start"
echo "tools:    $(swift --version 2>/dev/null | head -1); $(psql --version 2>/dev/null)"
echo

tmp=$(mktemp -d /tmp/roch-bench.XXXXXX)
trap 'scripts/pg.sh stop "$tmp" || true; rm -rf "$tmp"' EXIT
if [ -z "${DATABASE_URL:-}" ]; then
  # PostgreSQL cannot be told to pick its own port: take a free one, and take another if someone
  # else bound it between the check and the start.
  started=""
  for _ in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if scripts/pg.sh start "$tmp" "$port" 2>"$tmp/pg-start.err"; then started=1; break; fi
  done
  [ -n "$started" ] || { cat "$tmp/pg-start.err"; echo "could not start PostgreSQL" >&2; exit 1; }
  export DATABASE_URL=$(scripts/pg.sh url "$tmp" "$port")
fi
# Every bench makes and migrates its own database beside DATABASE_URL's.
if ! swift build -c release --static-swift-stdlib 2>&1 | { grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Applying)|libFoundationEssentials.a.*mktemp' || true; }; then
  echo "the release build failed" >&2; exit 1
fi

failed=()
for b in bench/*.sh; do
  [ -e "$b" ] || continue
  echo
  echo "== $b ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
  bash "$b" || { echo "!! $b failed (exit $?)"; failed+=("$b"); }
done

echo
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the end, $(date -u '+%H:%M:%S UTC')"
echo "result:   $result"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
