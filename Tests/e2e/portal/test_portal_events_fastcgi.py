"""portal-events as a native FastCGI responder with many streams at once, one connection each (as nginx
opens them): every stream gets the replay, then every live entry exactly once and in order, and every
stream ends with `signed_out` and END_REQUEST when the session is revoked. The streams run on the
responder's event loops and fan out from one LISTEN connection."""
import base64
import hashlib
import secrets
import selectors
import socket
import struct
import time

import psycopg_shim as db
from fastcgi_client import BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, _pair, _record
from support import start_fastcgi

STREAMS = 24


class Stream:
    """One FastCGI request for the event stream; `feed` takes bytes as they come, however they are cut."""

    def __init__(self, address, secret):
        self.sock = socket.create_connection(address, timeout=30)
        params = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/api/portal-events",
                  "PATH_INFO": "", "REQUEST_URI": "/api/portal-events", "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
                  "REMOTE_ADDR": "127.0.0.1", "HTTP_ACCEPT": "text/event-stream", "HTTP_COOKIE": f"roch_portal={secret}"}
        pairs = b"".join(_pair(k.encode(), v.encode()) for k, v in params.items())
        self.sock.sendall(_record(BEGIN_REQUEST, 1, struct.pack(">HB5x", 1, 0)) + _record(PARAMS, 1, pairs)
                          + _record(PARAMS, 1, b"") + _record(STDIN, 1, b""))
        self.buffer = b""
        self.stdout = b""
        self.ended = False
        self.closed = False

    def feed(self, data):
        if not data:
            self.closed = True
            return
        self.buffer += data
        while len(self.buffer) >= 8:
            _, rtype, _, clen, plen, _ = struct.unpack(">BBHHBB", self.buffer[:8])
            if len(self.buffer) < 8 + clen + plen:
                return
            if rtype == STDOUT:
                self.stdout += self.buffer[8:8 + clen]
            elif rtype == END_REQUEST:
                self.ended = True
            self.buffer = self.buffer[8 + clen + plen:]

    def ids(self):
        return [int(line[4:]) for line in self.stdout.split(b"\n") if line.startswith(b"id: ")]


def pump(streams, until, timeout=30):
    """Reads every stream until `until()` holds (a hang guard, not a timing check)."""
    sel = selectors.DefaultSelector()
    for s in streams:
        if not s.closed:
            sel.register(s.sock, selectors.EVENT_READ, s)
    try:
        deadline = time.time() + timeout
        while not until():
            assert time.time() < deadline, "streams did not reach the expected state: " + repr(
                [s.stdout[-200:] for s in streams][:3])
            for key, _ in sel.select(0.1):
                s = key.data
                s.feed(s.sock.recv(65536))
                if s.closed:
                    sel.unregister(s.sock)
    finally:
        sel.close()


def test_many_streams_on_one_responder_get_each_entry_once_in_order_and_end_on_revocation(bin_dir, portal_db, booking_row):
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    digest = hashlib.sha256(secret.encode()).hexdigest()
    db.execute(portal_db, f"""INSERT INTO portal_sessions (token_hash, client_id, expires_at)
                              SELECT '\\x{digest}'::bytea, client_id, now() + interval '1 hour' FROM bookings""")
    replay = [int(r[0]) for r in db.query(portal_db, f"SELECT id FROM portal_events WHERE booking_id = {booking_row} ORDER BY id")]
    proc, address = start_fastcgi(bin_dir, "portal-events", portal_db,
                                  {"PORTAL_SSE_HEARTBEAT_SECONDS": "0.3", "PORTAL_SSE_SESSION_CHECK_SECONDS": "60"})
    streams = []
    try:
        streams = [Stream(address, secret) for _ in range(STREAMS)]
        pump(streams, lambda: all(b"retry:" in s.stdout and s.ids() == replay for s in streams))
        assert all(s.stdout.startswith(b"Status: 200 OK\r\n") for s in streams)

        # Three entries committed back to back, each with its NOTIFY.
        live = [int(db.query(portal_db, f"""WITH e AS (INSERT INTO portal_events (booking_id, kind, title)
                    VALUES ({booking_row}, 'vendor', 'Fan-out {n}') RETURNING id, booking_id)
                    SELECT id, pg_notify('portal', booking_id || ':' || id) FROM e""")[0][0]) for n in range(3)]
        pump(streams, lambda: all(s.ids()[-1:] == live[-1:] for s in streams))
        assert all(s.ids() == replay + live for s in streams)
        pump(streams, lambda: all(s.stdout.count(b": heartbeat\n\n") >= 2 for s in streams))

        db.execute(portal_db, f"UPDATE portal_sessions SET revoked_at = now() WHERE token_hash = '\\x{digest}'::bytea")
        db.query(portal_db, "SELECT pg_notify('portal', 'revoke:' || client_id) FROM bookings")
        pump(streams, lambda: all(s.ended and s.closed for s in streams))
        assert all(s.stdout.endswith(b'event: signed_out\ndata: {"reason":"revoked"}\n\n') for s in streams)
        assert all(s.ids() == replay + live for s in streams)  # nothing repeated on the way out
        assert proc.poll() is None
    finally:
        for s in streams:
            s.sock.close()
        proc.terminate()
        proc.wait(timeout=10)
