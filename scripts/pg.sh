#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests.
#
#   scripts/pg.sh start DIR [PORT]   initdb (once) and start a cluster under DIR; prints nothing on success
#   scripts/pg.sh stop DIR           stop it (harmless when it is not running)
#   scripts/pg.sh url DIR [PORT]     print the DATABASE_URL for it
#
# The cluster listens on a Unix socket in DIR/run and on 127.0.0.1:PORT. PostgreSQL refuses to
# run as root, so when we are root the server runs as the `postgres` system user.
# Starting twice is harmless; a stale postmaster.pid left by a crash is removed.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|url DIR [PORT]}
dir=$(mkdir -p "${2:?missing DIR}" && cd "$2" && pwd)
port=${3:-${PGPORT_ROCH:-54329}}
data="$dir/pgdata"
run="$dir/run"
log="$dir/postgres.log"
db=roch
role=roch

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL server binaries not found: run 'make deps'" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { echo "postgresql://$role@127.0.0.1:$port/$db?host=$run"; }

running() { as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
  mkdir -p "$run"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir" "$run"
    chmod 755 "$dir"
    # every folder above must be traversable by the postgres user
    d="$dir"; while [ "$d" != / ]; do d=$(dirname "$d"); [ -x "$d" ] || chmod o+x "$d"; done
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$run'
max_connections = ${PG_MAX_CONNECTIONS:-200}
fsync = ${PG_FSYNC:-on}
timezone = 'UTC'
log_min_messages = warning
EOF
  fi
  if running; then
    # already up: make sure it is the port we were asked for
    return 0
  fi
  # a crash can leave a pid file behind whose process is gone
  if [ -f "$data/postmaster.pid" ]; then
    pid=$(head -n 1 "$data/postmaster.pid")
    if ! kill -0 "$pid" 2>/dev/null; then rm -f "$data/postmaster.pid"; fi
  fi
  as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -o "-p $port" -w -t 60 start >/dev/null \
    || { tail -n 20 "$log" >&2; exit 1; }
  psql() { as_pg "$bindir/psql" -X -q -h "$run" -p "$port" -U postgres -v ON_ERROR_STOP=1 "$@"; }
  if ! psql -d postgres -tAc "select 1 from pg_roles where rolname = '$role'" | grep -q 1; then
    psql -d postgres -c "create role $role login createdb superuser" >/dev/null
  fi
  if ! psql -d postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    psql -d postgres -c "create database $db owner $role" >/dev/null
  fi
}

stop() {
  [ -f "$data/PG_VERSION" ] || return 0
  running && as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: pg.sh start|stop|url DIR [PORT]" >&2; exit 2 ;;
esac
