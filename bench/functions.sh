#!/usr/bin/env bash
# Functions through each runtime, one run, same machine: wrk against GET /api/health via
#   nginx + fcgiwrap (CGI), nginx + native FastCGI, roch serve (CGI and in-process),
# then the start-up time of the health executable (what every CGI request pays).
# Called by scripts/bench.sh after `swift build -c release --static-swift-stdlib`. Figures only.
# Needs DATABASE_URL (a server): the functions run against a new database beside it, migrated here,
# so /api/health answers 200 on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${BENCH_BIN:-$root/.build/release}
duration=${BENCH_SECONDS:-5}
conns=${BENCH_CONNECTIONS:-16}
functions="booking razorpay-webhook whatsapp-webhook portal portal-events admin health"
for f in $functions roch; do [ -x "$bin/$f" ] || { echo "missing $bin/$f: build release first" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is not installed (make deps)" >&2; exit 1; }

: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server (scripts/bench.sh starts one)}"

tmp=$(mktemp -d /tmp/roch-bench-fn.XXXXXX)
db="bench_functions_$$"
admin_url=$DATABASE_URL
pids=()
cleanup() {
  # every server runs in its own process group (setsid): fcgiwrap's forked workers go with it
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

psql -X -q -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE $db" >/dev/null
DATABASE_URL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$admin_url" "$db")
export DATABASE_URL  # fcgiwrap, the responders and roch serve hand it to the functions
"$bin/roch" migrate >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_port PORT PID / wait_sock PATH PID: until it accepts, or the process has exited (status 1), 10 s at most.
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; kill -0 "$2" 2>/dev/null || return 1; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
wait_sock() { for _ in $(seq 200); do [ -S "$1" ] && return 0; kill -0 "$2" 2>/dev/null || return 1; sleep 0.05; done; echo "socket $1 never appeared" >&2; exit 1; }

mkdir -p "$tmp/public" "$tmp/run"
echo '<!doctype html><title>bench</title>' > "$tmp/public/index.html"

nginx_for() {  # nginx_for MODE -> starts nginx with the rendered roch-MODE.conf; sets nginx_port
  local mode=$1 d="$tmp/nginx-$1" attempt port
  mkdir -p "$d/logs" "$d/tmp"
  # nginx cannot pick its own port: take a free one, and another if it was taken before nginx bound it.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    PUBLIC_DIR="$tmp/public" BIN_DIR="$bin" RUN_DIR="$tmp/run" FCGIWRAP_SOCKET="$tmp/run/fcgiwrap.sock" \
      LISTEN="127.0.0.1:$port" SERVER_NAME=localhost ACCESS_LOG=off deploy/render.sh "$d/conf" >/dev/null
    local user=""; [ "$(id -u)" = 0 ] && user="user root;"
    cat > "$d/nginx.conf" <<CONF
$user
worker_processes 2;
daemon off;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $d/tmp; fastcgi_temp_path $d/tmp; proxy_temp_path $d/tmp; uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
  include $d/conf/roch-$mode.conf;
}
CONF
    setsid nginx -p "$d" -e "$d/logs/error.log" -c "$d/nginx.conf" & pids+=($!)
    if wait_port "$port" $!; then nginx_port=$port; return 0; fi
    grep -q "Address already in use" "$d/logs/error.log" || { cat "$d/logs/error.log" >&2; exit 1; }
  done
  echo "nginx ($mode) found no free port" >&2; exit 1
}

serve() {  # serve ARGS... -> `roch serve --port 0 ARGS` (it binds a free port and prints it); sets serve_port
  local out; out=$(mktemp "$tmp/serve.XXXXXX")
  setsid "$bin/roch" serve --port 0 --dir "$tmp/public" "$@" >"$out" & pids+=($!)
  local pid=$! line=""
  for _ in $(seq 200); do
    line=$(grep -o 'http://127.0.0.1:[0-9]*/' "$out" || true)
    [ -n "$line" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "roch serve $* exited" >&2; exit 1; }
    sleep 0.05
  done
  [ -n "$line" ] || { echo "roch serve $* printed no address" >&2; exit 1; }
  serve_port=$(sed 's|.*:\([0-9]*\)/|\1|' <<<"$line")
}

# CGI: fcgiwrap with one worker per core plus some (each request is a fork+exec).
setsid fcgiwrap -c "$(( $(nproc) * 2 ))" -s "unix:$tmp/run/fcgiwrap.sock" & pids+=($!)
wait_sock "$tmp/run/fcgiwrap.sock" $! || { echo "fcgiwrap exited" >&2; exit 1; }
nginx_for cgi; cgi_port=$nginx_port

for f in $functions; do setsid "$bin/$f" --fastcgi "unix:$tmp/run/$f.sock" 2>/dev/null & pids+=($!); wait_sock "$tmp/run/$f.sock" $! || { echo "$f exited" >&2; exit 1; }; done
nginx_for fastcgi; fcgi_port=$nginx_port

serve --functions-dir "$bin"; serve_cgi_port=$serve_port
serve --in-process; inproc_port=$serve_port

declare -A rps p50 p99
run() {  # run NAME PORT
  curl -sf "http://127.0.0.1:$2/api/health" >/dev/null || { echo "$1: /api/health failed: $(curl -s "http://127.0.0.1:$2/api/health")" >&2; exit 1; }
  local out; out=$(wrk -t2 -c"$conns" -d"${duration}s" --latency "http://127.0.0.1:$2/api/health")
  rps[$1]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50[$1]=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99[$1]=$(awk '$1=="99%" {print $2}' <<<"$out")
  local errors; errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  printf '%-28s %10s req/s   p50 %-9s p99 %-9s %s\n' "$1" "${rps[$1]}" "${p50[$1]}" "${p99[$1]}" "$errors"
}

echo "GET /api/health, wrk -t2 -c$conns -d${duration}s, $(nproc) cores, binaries from $bin"
run "nginx + fcgiwrap (CGI)" "$cgi_port"
run "nginx + FastCGI" "$fcgi_port"
run "roch serve (CGI)" "$serve_cgi_port"
run "roch serve --in-process" "$inproc_port"
awk -v f="${rps[nginx + FastCGI]}" -v c="${rps[nginx + fcgiwrap (CGI)]}" 'BEGIN { printf "FastCGI / CGI throughput ratio: %.1fx\n", f / c }'

# Start-up cost of one CGI request's process (what fcgiwrap pays per request).
runs=200
export GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET REQUEST_URI=/api/health SCRIPT_NAME=/api/health
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs "$runs" "$bin/health"
else
  for _ in $(seq 20); do "$bin/health" </dev/null >/dev/null; done
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$bin/health" </dev/null >/dev/null; done
  end=$(date +%s%N)
  awk -v ns=$((end - start)) -v n="$runs" 'BEGIN { printf "health start-up + one CGI request: %.2f ms mean over %d runs (shell loop, includes fork/exec)\n", ns / n / 1e6, n }'
fi
