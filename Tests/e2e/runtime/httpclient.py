"""Tiny HTTP and FastCGI clients for the runtime tests (standard library only)."""
import http.client
import socket
import struct
import time


def request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """Returns (status, headers dict lower-cased, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    c.request(method, path, body=body or None, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, data


def stream_reads(port: int, path: str):
    """Sends a GET and records every recv() that carried SSE data: [(time, bytes)]."""
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n".encode())
    reads = []
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        reads.append((time.monotonic(), chunk))
    s.close()
    return reads


def events_per_read(reads) -> list[int]:
    """How many complete `id:` events each read carried (reads without events are skipped)."""
    counts = []
    for _, chunk in reads:
        n = chunk.count(b"\nid: ") + (1 if chunk.startswith(b"id: ") else 0)
        if n:
            counts.append(n)
    return counts


# FastCGI (a web server's side), to talk to a responder directly.
BEGIN, ABORT, END, PARAMS, STDIN, STDOUT, STDERR, DATA, GET_VALUES, GET_VALUES_RESULT, UNKNOWN = range(1, 12)


def record(rtype: int, rid: int, content: bytes = b"") -> bytes:
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBB", 1, rtype, rid, len(content), pad, 0) + content + b"\0" * pad


def nv(pairs) -> bytes:
    out = b""
    for k, v in pairs:
        k, v = k.encode(), v.encode()
        for n in (len(k), len(v)):
            out += bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
        out += k + v
    return out


def fcgi_request(rid: int, params: dict, body: bytes = b"", keep: bool = True) -> bytes:
    out = record(BEGIN, rid, struct.pack(">HB5x", 1, 1 if keep else 0))
    out += record(PARAMS, rid, nv(params.items())) + record(PARAMS, rid)
    if body:
        out += record(STDIN, rid, body)
    return out + record(STDIN, rid)


class RecordReader:
    """Reads FastCGI records from a socket as they arrive, keeping bytes beyond the last whole record for
    the next read: `out` is {id: stdout bytes so far}, `records` [(type, id, content)]."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""
        self.out: dict[int, bytes] = {}
        self.records = []
        self.ended: set[int] = set()

    def read_until(self, done) -> bool:
        """Reads until done(self) holds (checked after every record); False if the peer closed first."""
        while not done(self):
            chunk = self.sock.recv(65536)
            if not chunk:
                return False
            self.buf += chunk
            while len(self.buf) >= 8 and not done(self):
                _, t, rid, n, pad, _ = struct.unpack(">BBHHBB", self.buf[:8])
                if len(self.buf) < 8 + n + pad:
                    break
                content = self.buf[8:8 + n]
                self.buf = self.buf[8 + n + pad:]
                self.records.append((t, rid, content))
                if t == STDOUT:
                    self.out[rid] = self.out.get(rid, b"") + content
                if t == END:
                    self.ended.add(rid)
        return True


def read_records(sock: socket.socket, until_end_of: set[int]):
    """Reads records until END_REQUEST arrived for every id in until_end_of: {id: stdout bytes}, [records]."""
    reader = RecordReader(sock)
    reader.read_until(lambda r: until_end_of <= r.ended)
    return reader.out, reader.records


def params(method="GET", uri="/api/health", **extra) -> dict:
    path, _, query = uri.partition("?")
    p = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "REQUEST_URI": uri, "QUERY_STRING": query,
         "SCRIPT_NAME": "/api/health", "PATH_INFO": path[len("/api/health"):], "REMOTE_ADDR": "127.0.0.1"}
    p.update(extra)
    return p
