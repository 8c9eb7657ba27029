#!/usr/bin/env bash
# Installs (or brings up to date) Roch Events on one Debian server. Safe to run again: a second run
# with the same release changes nothing and says so.
#
#   deploy/install.sh [--root DIR] [--no-start] [--release DIR] [--version NAME] [--mode fastcgi|cgi]
#
#   --root DIR      install under DIR instead of / (tests, image builds). Implies --no-start; users,
#                   ownership and PostgreSQL roles are then left alone (they would touch this host).
#   --no-start      do not call systemctl, nginx, runuser or roch migrate: only lay out files.
#   --release DIR   where the built executables are (default .build/release: `make release`).
#   --version NAME  the release's name (default: the git commit, else a hash of the roch executable).
#   --mode          fastcgi (default: native responders under systemd) or cgi (nginx -> fcgiwrap).
# Environment for nginx (see deploy/render.sh): SERVER_NAME, TLS_CERT, TLS_KEY, ACCESS_LOG.
#
# Layout: /srv/roch/releases/<version>/{bin,db/migrations,public,VERSION}, /srv/roch/current -> that
# release, /srv/roch/bin and /srv/roch/public -> current (the paths the units and nginx name), settings
# in /etc/roch/env (written once from a template, never overwritten), nginx in /etc/nginx/roch,
# units in /etc/systemd/system, PostgreSQL settings in /etc/postgresql/<N>/main/conf.d/roch.conf,
# backups in /var/backups/roch. Rolling back = pointing /srv/roch/current at the previous release
# (deploy/README.md, "Upgrade and roll back").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

root=/ start=1 release="$repo/.build/release" version="" mode=fastcgi
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --no-start) start=0; shift ;;
    --release) release=${2:?--release needs a directory}; shift 2 ;;
    --version) version=${2:?--version needs a name}; shift 2 ;;
    --mode) mode=${2:?--mode needs fastcgi or cgi}; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$mode" in fastcgi|cgi) ;; *) echo "install.sh: --mode is fastcgi or cgi, not $mode" >&2; exit 2 ;; esac
mkdir -p "$root"
root=$(cd "$root" && pwd)
host_root=0
if [ "$root" = / ]; then host_root=1; R=""; else start=0; R=$root; fi
if [ $host_root = 1 ] && [ "$(id -u)" != 0 ]; then echo "install.sh: run as root (or pass --root DIR)" >&2; exit 1; fi

functions=$(awk '!/^#/ && NF { print $1 }' "$here/functions.txt")
for exe in roch $functions; do
  [ -x "$release/$exe" ] || { echo "install.sh: $release/$exe is missing: run 'make release' (or pass --release DIR)" >&2; exit 1; }
done
if [ -z "$version" ]; then
  version=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || sha256sum "$release/roch" | cut -c1-12)
  if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    version="$version-$(sha256sum "$release/roch" | cut -c1-8)"   # uncommitted changes: name the build too
  fi
fi
[[ "$version" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "install.sh: --version uses letters, digits, . _ -" >&2; exit 2; }

changes=0
note() { echo "  $*"; changes=$((changes + 1)); }

# put SRC DEST MODE: copy when the content or mode differs.
put() {
  local src=$1 dest=$R$2 m=$3
  mkdir -p "$(dirname "$dest")"
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
    if [ "$(stat -c %a "$dest")" != "$m" ]; then chmod "$m" "$dest"; note "mode $m $2"; fi
    return 0
  fi
  install -m "$m" "$src" "$dest.new.$$" && mv -f "$dest.new.$$" "$dest"
  note "installed $2"
}
# dir PATH MODE [OWNER]: create or fix a directory.
dir() {
  local d=$R$1 m=$2 owner=${3:-}
  if [ ! -d "$d" ]; then mkdir -p "$d"; chmod "$m" "$d"; note "created $1"
  elif [ "$(stat -c %a "$d")" != "$m" ]; then chmod "$m" "$d"; note "mode $m $1"; fi
  if [ -n "$owner" ] && [ $host_root = 1 ] && [ "$(stat -c %U:%G "$d")" != "$owner" ]; then chown "$owner" "$d"; note "owner $owner $1"; fi
}
# link TARGET PATH: a symbolic link, replaced atomically when it points elsewhere.
link() {
  local target=$1 path=$R$2
  mkdir -p "$(dirname "$path")"
  if [ -L "$path" ] && [ "$(readlink "$path")" = "$target" ]; then return 0; fi
  if [ -e "$path" ] && [ ! -L "$path" ]; then echo "install.sh: $2 exists and is not a link; move it away" >&2; exit 1; fi
  ln -sfn "$target" "$path.new.$$" && mv -Tf "$path.new.$$" "$path"
  note "linked $2 -> $target"
}

echo "installing Roch Events $version into $root ($mode)"

# 1. Users. The services run as `roch`; nginx (www-data) reaches the sockets through the group.
if [ $host_root = 1 ]; then
  if ! id roch >/dev/null 2>&1; then useradd --system --user-group --home-dir /srv/roch --no-create-home --shell /usr/sbin/nologin roch; note "created user roch"; fi
  if id www-data >/dev/null 2>&1 && ! id -nG roch | grep -qw www-data; then usermod -a -G www-data roch; note "added roch to group www-data"; fi
fi

# 2. Directories.
dir /srv/roch 755
dir /srv/roch/releases 755
dir /etc/roch 750 root:roch
dir /var/backups/roch 700 roch:roch
dir /etc/nginx/roch 755

# 3. The release: executables, migrations, the built site, its name.
rel=/srv/roch/releases/$version
dir "$rel" 755
dir "$rel/bin" 755
for exe in roch $functions; do put "$release/$exe" "$rel/bin/$exe" 755; done
dir "$rel/db" 755
dir "$rel/db/migrations" 755
for f in "$repo"/db/migrations/*.sql; do put "$f" "$rel/db/migrations/$(basename "$f")" 644; done
if [ -d "$repo/public" ]; then
  (cd "$repo/public" && find . -type d) | while read -r d; do mkdir -p "$R$rel/public/$d"; done
  while IFS= read -r -d '' f; do put "$repo/public/$f" "$rel/public/$f" 644; done < <(cd "$repo/public" && find . -type f -print0)
else
  dir "$rel/public" 755
  echo "  note: $repo/public does not exist: run 'roch build' and install again to publish the site"
fi
printf '%s\n' "$version" > "${TMPDIR:-/tmp}/roch-version.$$"
put "${TMPDIR:-/tmp}/roch-version.$$" "$rel/VERSION" 644
rm -f "${TMPDIR:-/tmp}/roch-version.$$"
link "releases/$version" /srv/roch/current
link current/bin /srv/roch/bin
link current/public /srv/roch/public
link /srv/roch/bin/roch /usr/local/bin/roch

# 4. Settings: written once, never overwritten (they hold the secrets).
if [ ! -e "$R/etc/roch/env" ]; then
  cat > "$R/etc/roch/env" <<'EOF'
# Roch Events settings (README "Configuration"). Mode 0640 root:roch. `roch doctor` lists what is missing.
DATABASE_URL=postgresql:///roch?host=/var/run/postgresql
ROCH_MIGRATIONS_DIR=/srv/roch/current/db/migrations
BACKUP_DIR=/var/backups/roch
SITE_URL=https://rochevents.in
STAFF_WHATSAPP=
# RAZORPAY_KEY_ID= RAZORPAY_KEY_SECRET= RAZORPAY_WEBHOOK_SECRET=
# WHATSAPP_ACCESS_TOKEN= WHATSAPP_PHONE_NUMBER_ID= WHATSAPP_APP_SECRET= WHATSAPP_VERIFY_TOKEN=
# SMTP_URL= MAIL_FROM=
# METRICS_USER= METRICS_PASSWORD=
LOG_LEVEL=info
EOF
  chmod 640 "$R/etc/roch/env"
  [ $host_root = 1 ] && chown root:roch "$R/etc/roch/env"
  note "wrote /etc/roch/env (fill in the providers' keys)"
fi
# the command line reads /etc/roch/roch.env (ROCH_ENV_FILE); the units read /etc/roch/env: one file
link env /etc/roch/roch.env

# 5. nginx: rendered from deploy/nginx and deploy/functions.txt, with this layout's paths.
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
PUBLIC_DIR=/srv/roch/public BIN_DIR=/srv/roch/bin RUN_DIR=/run/roch "$here/render.sh" "$rendered" >/dev/null
for f in "$rendered"/*.conf; do
  sed -i "s|$rendered|/etc/nginx/roch|g" "$f"
  put "$f" "/etc/nginx/roch/$(basename "$f")" 644
done
link "/etc/nginx/roch/roch-$mode.conf" /etc/nginx/sites-enabled/roch.conf

# 6. systemd units.
units_before=$changes
for u in roch-fn@.service roch-worker.service roch.target roch-backup.service roch-backup.timer; do
  put "$here/systemd/$u" "/etc/systemd/system/$u" 644
done
if [ "$mode" = cgi ]; then put "$here/systemd/fcgiwrap-roch.conf" /etc/systemd/system/fcgiwrap.service.d/roch.conf 644; fi
units_changed=$((changes - units_before))

# 7. PostgreSQL: settings for this workload in conf.d (the main file stays Debian's).
pgver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
if [ -n "$pgver" ]; then
  cat > "$rendered/postgresql-roch.conf" <<'EOF'
# Roch Events (deploy/install.sh). Debian reads conf.d after postgresql.conf; restart PostgreSQL after a change.
listen_addresses = 'localhost'
max_connections = 200                   # 8 responders x 16 pooled + workers + CLI
timezone = 'UTC'
wal_level = replica                     # allows a standby and pg_basebackup (docs/scaling.md)
idle_in_transaction_session_timeout = '60s'
lock_timeout = '30s'
log_min_duration_statement = '500ms'    # slow queries reach the PostgreSQL log
log_lock_waits = on
EOF
  put "$rendered/postgresql-roch.conf" "/etc/postgresql/$pgver/main/conf.d/roch.conf" 644
else
  echo "  note: PostgreSQL is not installed (apt-get install postgresql); its settings were skipped"
fi

# 8. Services: only on the real host.
if [ $start = 1 ]; then
  if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'roch'" | grep -q 1; then
    runuser -u postgres -- createuser roch; note "created PostgreSQL role roch"
  fi
  if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'roch'" | grep -q 1; then
    runuser -u postgres -- createdb -O roch roch; note "created database roch"
  fi
  runuser -u roch -- env ROCH_ENV_FILE=/etc/roch/env /srv/roch/bin/roch migrate --directory /srv/roch/current/db/migrations
  if [ "$units_changed" -gt 0 ]; then systemctl daemon-reload; fi
  systemctl enable --now roch.target roch-backup.timer
  if [ "$mode" = cgi ]; then systemctl enable --now fcgiwrap.socket; fi
  nginx -t && systemctl reload nginx
  echo "  services: roch.target and roch-backup.timer enabled; run 'roch upgrade' to restart the responders on a new release"
else
  echo "  services: not started (--no-start or --root)"
fi

if [ $changes = 0 ]; then echo "nothing to change: Roch Events $version is installed"; else echo "$changes changes"; fi
