#!/usr/bin/env bash
# The staff dashboard on the five-year history (`roch seed --history 5y`: 2,000 bookings, 20,000
# payments, 100,000 notifications, ~10,000 vendor assignments): median and p95 of each panel and of
# the whole dashboard read from the release build, beside the yardstick measured in the same run:
# PostgreSQL's own execution time of every statement of the whole dashboard (auto_explain).
# Needs DATABASE_URL (a server) and the release build in .build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
name="bench_dashboard_$$"
admin_url="$DATABASE_URL"
psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
plans=$(mktemp /tmp/roch-dashboard-plans.XXXXXX)
trap 'psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; rm -f "$plans"' EXIT
url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])) if p.scheme else sys.argv[1] + " dbname=" + sys.argv[2])' "$admin_url" "$name")
DATABASE_URL="$url" .build/release/roch migrate >/dev/null
DATABASE_URL="$url" .build/release/roch dashboard-bench --runs 30 --yardstick-runs 10 2>"$plans"
python3 - "$plans" <<'PY'
import re, sys, statistics
text = open(sys.argv[1]).read()
runs = text.split("dashboard-yardstick-run")[1:]
totals = [sum(float(d) for d in re.findall(r"duration: ([0-9.]+) ms", r)) for r in runs]
if totals:
    totals.sort()
    print("dashboard: yardstick, PostgreSQL's execution time of the whole dashboard's statements: median %.2f ms (min %.2f, max %.2f, %d runs)"
          % (statistics.median(totals), totals[0], totals[-1], len(totals)))
else:
    print("dashboard: yardstick unavailable (auto_explain did not report)")
PY
