"""portal-events as a plain CGI program (for servers that stream CGI output): the process LISTENs on
its own connection, replays from Last-Event-ID, streams a live entry, and ends when the session is
revoked."""
import hashlib
import os
import secrets
import base64
import subprocess
import threading
import time

import psycopg_shim as db


def test_portal_events_streams_as_cgi(bin_dir, portal_db, booking_row):
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    digest = hashlib.sha256(secret.encode()).hexdigest()
    db.execute(portal_db, f"""INSERT INTO portal_sessions (token_hash, client_id, expires_at)
                              SELECT '\\x{digest}'::bytea, client_id, now() + interval '1 hour' FROM bookings""")
    ids = [int(r[0]) for r in db.query(portal_db, f"SELECT id FROM portal_events WHERE booking_id = {booking_row} ORDER BY id")]
    env = {**os.environ, "DATABASE_URL": portal_db, "SITE_URL": "http://127.0.0.1", "GATEWAY_INTERFACE": "CGI/1.1",
           "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/api/portal-events", "PATH_INFO": "", "QUERY_STRING": "",
           "REQUEST_URI": "/api/portal-events", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
           "HTTP_COOKIE": f"roch_portal={secret}", "HTTP_LAST_EVENT_ID": str(ids[0]), "PORTAL_SSE_HEARTBEAT_SECONDS": "0.3",
           "PORTAL_SSE_SESSION_CHECK_SECONDS": "0.5"}
    proc = subprocess.Popen([str(bin_dir / "portal-events")], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out = bytearray()

    def read():
        while True:
            chunk = proc.stdout.read1(65536)
            if not chunk:
                return
            out.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def wait_for(text, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text.encode() in out:
                return
            time.sleep(0.02)
        raise AssertionError(f"{text!r} never arrived; got:\n{out.decode(errors='replace')}")

    try:
        wait_for(f"id: {ids[-1]}\n")
        head = out.decode(errors="replace")
        assert head.startswith("Status: 200 OK\r\n")
        assert "Content-Type: text/event-stream" in head and "X-Accel-Buffering: no" in head
        assert f"id: {ids[0]}\n" not in head  # the client had it
        live = int(db.query(portal_db, f"""WITH e AS (INSERT INTO portal_events (booking_id, kind, title)
                 VALUES ({booking_row}, 'vendor', 'Streamed through CGI') RETURNING id, booking_id)
                 SELECT id, pg_notify('portal', booking_id || ':' || id) FROM e""")[0][0])
        wait_for(f"id: {live}\n")
        wait_for(": heartbeat\n\n")
        db.execute(portal_db, f"UPDATE portal_sessions SET revoked_at = now() WHERE token_hash = '\\x{digest}'::bytea")
        assert proc.wait(timeout=30) == 0
        reader.join(timeout=5)
        assert out.decode().endswith('event: signed_out\ndata: {"reason":"revoked"}\n\n')
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
