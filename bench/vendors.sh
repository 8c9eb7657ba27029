#!/usr/bin/env bash
# Vendor graph queries at dashboard scale: 10,000 assignments across 500 active events (plus 4,500
# inactive events the queries must skip). Prints the median of several runs and the plan lines
# that show index use. Needs DATABASE_URL (a server) and the release build in .build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
name="bench_vendors_$$"
admin_url="$DATABASE_URL"
psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
trap 'psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true' EXIT
url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])) if p.scheme else sys.argv[1] + " dbname=" + sys.argv[2])' "$admin_url" "$name")
DATABASE_URL="$url" .build/release/roch migrate >/dev/null
echo "-- 500 active events, 10,000 assignments, plus 4,500 inactive events (100,000 assignments in all)"
DATABASE_URL="$url" .build/release/roch vendor-bench --events 500 --assignments 10000 --inactive-events 4500 --runs 9

# The issue's own dataset: exactly 10,000 assignments across 500 active events, nothing else.
name2="${name}_only"
psql "$admin_url" -qc "CREATE DATABASE $name2" >/dev/null
trap 'psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name2" >/dev/null 2>&1 || true' EXIT
url2=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])) if p.scheme else sys.argv[1] + " dbname=" + sys.argv[2])' "$admin_url" "$name2")
DATABASE_URL="$url2" .build/release/roch migrate >/dev/null
echo "-- 500 active events, 10,000 assignments, nothing else"
DATABASE_URL="$url2" .build/release/roch vendor-bench --events 500 --assignments 10000 --inactive-events 0 --runs 9
