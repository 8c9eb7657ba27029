#!/usr/bin/env bash
# Functions through each runtime, one run, same machine: wrk against GET /api/health via
#   nginx + fcgiwrap (CGI), nginx + native FastCGI, roch serve (CGI and in-process),
# then the start-up time of the health executable (what every CGI request pays).
# Called by scripts/bench.sh after `swift build -c release --static-swift-stdlib`. Figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${BIN_DIR:-$root/.build/release}
duration=${BENCH_SECONDS:-5}
conns=${BENCH_CONNECTIONS:-16}
functions="booking razorpay-webhook whatsapp-webhook portal portal-events admin health"
for f in $functions roch; do [ -x "$bin/$f" ] || { echo "missing $bin/$f: build release first" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is not installed (make deps)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/roch-bench-fn.XXXXXX)
pids=()
cleanup() {
  # every server runs in its own process group (setsid): fcgiwrap's forked workers go with it
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
wait_sock() { for _ in $(seq 200); do [ -S "$1" ] && return 0; sleep 0.05; done; echo "socket $1 never appeared" >&2; exit 1; }

mkdir -p "$tmp/public" "$tmp/run"
echo '<!doctype html><title>bench</title>' > "$tmp/public/index.html"

nginx_for() {  # nginx_for MODE PORT -> starts nginx with the rendered roch-MODE.conf
  local mode=$1 port=$2 d="$tmp/nginx-$1"
  mkdir -p "$d/logs" "$d/tmp"
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
  wait_port "$port"
}

# CGI: fcgiwrap with one worker per core plus some (each request is a fork+exec).
setsid fcgiwrap -c "$(( $(nproc) * 2 ))" -s "unix:$tmp/run/fcgiwrap.sock" & pids+=($!)
wait_sock "$tmp/run/fcgiwrap.sock"
cgi_port=$(free_port); nginx_for cgi "$cgi_port"

for f in $functions; do setsid "$bin/$f" --fastcgi "unix:$tmp/run/$f.sock" 2>/dev/null & pids+=($!); done
for f in $functions; do wait_sock "$tmp/run/$f.sock"; done
fcgi_port=$(free_port); nginx_for fastcgi "$fcgi_port"

serve_port=$(free_port)
setsid "$bin/roch" serve --dir "$tmp/public" --port "$serve_port" --functions-dir "$bin" >/dev/null & pids+=($!)
wait_port "$serve_port"
inproc_port=$(free_port)
setsid "$bin/roch" serve --dir "$tmp/public" --port "$inproc_port" --in-process >/dev/null & pids+=($!)
wait_port "$inproc_port"

declare -A rps p50 p99
run() {  # run NAME PORT
  curl -sf "http://127.0.0.1:$2/api/health" >/dev/null || { echo "$1: /api/health failed" >&2; exit 1; }
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
run "roch serve (CGI)" "$serve_port"
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
