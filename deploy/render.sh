#!/usr/bin/env bash
# Renders the nginx configuration in deploy/nginx/ into OUT_DIR, substituting @VARIABLES@.
# Operators and the end-to-end tests use this same script and the same files.
#
#   deploy/render.sh OUT_DIR
#
# Variables (environment; defaults are the production layout):
#   PUBLIC_DIR       built site                          (/srv/roch/public)
#   BIN_DIR          function executables                 (/srv/roch/bin)
#   RUN_DIR          FastCGI responder sockets            (/run/roch)
#   FCGIWRAP_SOCKET  fcgiwrap's socket (CGI mode)         (/run/fcgiwrap.socket)
#   LISTEN           plain HTTP listen address            (80)
#   SERVER_NAME      server_name                          (_)
#   ACCESS_LOG       access log, tokens redacted          (/var/log/nginx/roch.access.log; `off` for none)
#   TLS_CERT, TLS_KEY, TLS_LISTEN (443): when TLS_CERT is set the TLS server block (with HSTS) is kept and
#                    the plain HTTP server only redirects to HTTPS (and answers ACME challenges from
#                    ACME_ROOT, /var/www/letsencrypt); otherwise the plain server serves everything.
# The functions, their URL and their request body limit come from deploy/functions.txt: one location
# block each (roch-cgi-functions.conf, roch-fastcgi-functions.conf) and one upstream each.
# The rendered roch-cgi.conf or roch-fastcgi.conf goes into nginx's http{} block (e.g. sites-enabled);
# the other files are snippets they include from OUT_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: deploy/render.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

: "${PUBLIC_DIR:=/srv/roch/public}" "${BIN_DIR:=/srv/roch/bin}" "${RUN_DIR:=/run/roch}"
: "${FCGIWRAP_SOCKET:=/run/fcgiwrap.socket}" "${LISTEN:=80}" "${SERVER_NAME:=_}"
: "${ACCESS_LOG:=/var/log/nginx/roch.access.log}" "${ACME_ROOT:=/var/www/letsencrypt}"
: "${TLS_CERT:=}" "${TLS_KEY:=}" "${TLS_LISTEN:=443}"
if [ -n "$TLS_CERT" ] && [ -z "$TLS_KEY" ]; then echo "render.sh: TLS_CERT is set but TLS_KEY is not" >&2; exit 1; fi
# The redirect names the HTTPS port unless it is the default one.
tls_port=${TLS_LISTEN##*:}
if [ "$tls_port" = 443 ]; then https_port_suffix=""; else https_port_suffix=":$tls_port"; fi

# Generate the per-function templates from the table (they are rendered like the other files below).
generated=$(mktemp -d)
trap 'rm -rf "$generated"' EXIT
: > "$generated/roch-cgi-functions.conf"
: > "$generated/roch-fastcgi-functions.conf"
: > "$generated/roch-fastcgi-upstreams.conf"
while read -r name mount max_body kind; do
  case "$name" in ''|'#'*) continue ;; esac
  if ! [[ "$name" =~ ^[a-z][a-z0-9-]*$ && "$mount" =~ ^/[a-z/-]*[a-z]$ && "$max_body" =~ ^[0-9]+$ ]]; then
    echo "render.sh: bad line in deploy/functions.txt: $name $mount $max_body $kind" >&2; exit 1
  fi
  if [ "$kind" = stream ]; then stream='s/ *# @IF_STREAM@$//'; else stream='/# @IF_STREAM@$/d'; fi
  for runtime in cgi fastcgi; do
    sed -e "$stream" -e "s|@FN@|$name|g" -e "s|@MOUNT@|$mount|g" -e "s|@MAX_BODY@|$max_body|g" \
        "$here/nginx/function/$runtime.conf" >> "$generated/roch-$runtime-functions.conf"
  done
  printf 'upstream roch_%s { server unix:@RUN_DIR@/%s.sock; keepalive 8; }\n' "$name" "$name" >> "$generated/roch-fastcgi-upstreams.conf"
done < "$here/functions.txt"

if [ -n "$TLS_CERT" ]; then
  markers=(-e '/# @\(TLS_BEGIN\|TLS_END\)@/d' -e '/# @PLAIN_BEGIN@/,/# @PLAIN_END@/d')
else
  markers=(-e '/# @TLS_BEGIN@/,/# @TLS_END@/d' -e '/# @\(PLAIN_BEGIN\|PLAIN_END\)@/d')
fi
if [ "$ACCESS_LOG" = off ]; then access_log_off='s|access_log @ACCESS_LOG@ roch_redacted;|access_log off;|'; else access_log_off=''; fi
for f in "$here"/nginx/*.conf "$generated"/*.conf; do
  name=$(basename "$f")
  sed "${markers[@]}" -e "$access_log_off" \
      -e "s|@PUBLIC_DIR@|$PUBLIC_DIR|g" -e "s|@BIN_DIR@|$BIN_DIR|g" -e "s|@RUN_DIR@|$RUN_DIR|g" \
      -e "s|@FCGIWRAP_SOCKET@|$FCGIWRAP_SOCKET|g" -e "s|@LISTEN@|$LISTEN|g" -e "s|@SERVER_NAME@|$SERVER_NAME|g" \
      -e "s|@ACCESS_LOG@|$ACCESS_LOG|g" -e "s|@ACME_ROOT@|$ACME_ROOT|g" -e "s|@HTTPS_PORT_SUFFIX@|$https_port_suffix|g" \
      -e "s|@TLS_CERT@|$TLS_CERT|g" -e "s|@TLS_KEY@|$TLS_KEY|g" -e "s|@TLS_LISTEN@|$TLS_LISTEN|g" \
      -e "s|@SNIPPETS_DIR@|$out|g" "$f" > "$out/$name"
  if grep -n '@[A-Z_]*@' "$out/$name"; then echo "render.sh: unreplaced variable in $name" >&2; exit 1; fi
done
echo "rendered nginx configuration into $out"
