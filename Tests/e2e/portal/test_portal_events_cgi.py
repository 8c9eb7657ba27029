"""portal-events as a CGI program. Behind a server that streams CGI output and says so (ROCH_CGI_STREAMS=1,
as `roch serve` does) the process LISTENs on its own connection, replays from Last-Event-ID, streams a live
entry, and ends when the session is revoked. Behind the shipped nginx + fcgiwrap configuration it answers a
bounded replay and ends, so open portal tabs never hold fcgiwrap's few processes."""
import hashlib
import os
import secrets
import base64
import subprocess
import threading
import time

import concurrent.futures
import datetime
import http.client
import json
import pathlib

import psycopg_shim as db
from shipped_nginx import ShippedNginx


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
           "ROCH_CGI_STREAMS": "1",
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


def new_session(portal_db) -> str:
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    digest = hashlib.sha256(secret.encode()).hexdigest()
    db.execute(portal_db, f"""INSERT INTO portal_sessions (token_hash, client_id, expires_at)
                              SELECT '\\x{digest}'::bytea, client_id, now() + interval '1 hour' FROM bookings LIMIT 1""")
    return secret


def get(port, path, headers, timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        return r.status, r.read().decode(errors="replace")
    finally:
        c.close()


def test_20_portal_streams_through_the_shipped_cgi_config_leave_room_for_bookings(root, bin_dir, portal_db, booking_row, built_site,
                                                                                  tmp_path_factory):
    """fcgiwrap runs 8 programs at once (deploy/systemd/fcgiwrap-roch.conf). 20 open portal tabs each get a
    bounded answer that ends, and booking submissions made meanwhile are answered."""
    secret = new_session(portal_db)
    ids = [int(r[0]) for r in db.query(portal_db, f"SELECT id FROM portal_events WHERE booking_id = {booking_row} ORDER BY id")]
    workdir = pathlib.Path("/tmp") / f"cgi-streams-{os.getpid()}"   # short: unix socket paths
    with ShippedNginx(root, workdir, built_site, bin_dir, mode="cgi", children=8,
                      env={"DATABASE_URL": portal_db, "SITE_URL": "http://127.0.0.1"}) as site:
        headers = {"Accept": "text/event-stream", "Cookie": f"roch_portal={secret}", "Last-Event-ID": str(ids[0])}
        future = (datetime.date.today() + datetime.timedelta(days=120)).isoformat()

        def book(i):
            body = json.dumps({"name": f"Guest {i}", "phone": f"+91981234{i:04d}", "email": f"g{i}@example.com",
                               "event_type": "wedding", "event_date": future, "city": "Jaipur", "guests": 100,
                               "budget": "10l_25l", "services": ["decor"], "notes": "", "whatsapp_consent": "yes",
                               "idempotency_key": f"cgi-streams-{i:04d}-{secrets.token_hex(4)}", "website": ""})
            c = http.client.HTTPConnection("127.0.0.1", site.port, timeout=60)
            try:
                c.request("POST", "/api/booking", body=body, headers={"Content-Type": "application/json", "Accept": "application/json"})
                return c.getresponse().status
            finally:
                c.close()

        with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
            streams = [pool.submit(get, site.port, "/api/portal-events", headers) for _ in range(20)]
            bookings = [pool.submit(book, i) for i in range(3)]
            booked = [f.result() for f in bookings]
            answers = [f.result() for f in streams]
        assert booked == [201, 201, 201]
        for status, text in answers:
            assert status == 200
            # the replay since Last-Event-ID, a retry hint, and the switch to polling: then the response ended
            assert text.startswith("retry: 15000\n\n"), text[:200]
            assert f"id: {ids[0]}\n" not in text and f"id: {ids[-1]}\n" in text
            assert text.endswith('event: polling\ndata: {"retry_ms":15000}\n\n'), text[-200:]
