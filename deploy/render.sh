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
#   TLS_CERT, TLS_KEY, TLS_LISTEN (443): when TLS_CERT is set the TLS server block (with HSTS) is kept,
#                    otherwise it is left out.
# The rendered roch-cgi.conf or roch-fastcgi.conf goes into nginx's http{} block (e.g. sites-enabled);
# the other files are snippets they include from OUT_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: deploy/render.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

: "${PUBLIC_DIR:=/srv/roch/public}" "${BIN_DIR:=/srv/roch/bin}" "${RUN_DIR:=/run/roch}"
: "${FCGIWRAP_SOCKET:=/run/fcgiwrap.socket}" "${LISTEN:=80}" "${SERVER_NAME:=_}"
: "${TLS_CERT:=}" "${TLS_KEY:=}" "${TLS_LISTEN:=443}"

for f in "$here"/nginx/*.conf; do
  name=$(basename "$f")
  if [ -n "$TLS_CERT" ]; then strip='/# @TLS_\(BEGIN\|END\)@/d'; else strip='/# @TLS_BEGIN@/,/# @TLS_END@/d'; fi
  sed -e "$strip" \
      -e "s|@PUBLIC_DIR@|$PUBLIC_DIR|g" -e "s|@BIN_DIR@|$BIN_DIR|g" -e "s|@RUN_DIR@|$RUN_DIR|g" \
      -e "s|@FCGIWRAP_SOCKET@|$FCGIWRAP_SOCKET|g" -e "s|@LISTEN@|$LISTEN|g" -e "s|@SERVER_NAME@|$SERVER_NAME|g" \
      -e "s|@TLS_CERT@|$TLS_CERT|g" -e "s|@TLS_KEY@|$TLS_KEY|g" -e "s|@TLS_LISTEN@|$TLS_LISTEN|g" \
      -e "s|@SNIPPETS_DIR@|$out|g" "$f" > "$out/$name"
  if grep -n '@[A-Z_]*@' "$out/$name"; then echo "render.sh: unreplaced variable in $name" >&2; exit 1; fi
done
echo "rendered nginx configuration into $out"
