"""A minimal FastCGI 1.0 client (responder role) for tests and benches: one request per connection."""
import socket
import struct

FCGI_VERSION = 1
BEGIN_REQUEST, ABORT_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = 1, 2, 3, 4, 5, 6, 7


def _record(rtype: int, request_id: int, content: bytes) -> bytes:
    out = b""
    for i in range(0, max(len(content), 1), 65535):
        chunk = content[i:i + 65535]
        pad = (8 - len(chunk) % 8) % 8
        out += struct.pack(">BBHHBB", FCGI_VERSION, rtype, request_id, len(chunk), pad, 0) + chunk + b"\0" * pad
        if not content:
            break
    return out


def _pair(name: bytes, value: bytes) -> bytes:
    def length(n: int) -> bytes:
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def request(address, params: dict, body: bytes = b"", timeout: float = 30.0):
    """Sends one request; returns (status, headers dict (lower-case names), body bytes, stderr text)."""
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(address)
    try:
        rid = 1
        payload = _record(BEGIN_REQUEST, rid, struct.pack(">HB5x", 1, 0))
        pairs = b"".join(_pair(k.encode(), str(v).encode()) for k, v in params.items())
        payload += _record(PARAMS, rid, pairs) + _record(PARAMS, rid, b"")
        if body:
            payload += _record(STDIN, rid, body)
        payload += _record(STDIN, rid, b"")
        sock.sendall(payload)
        stdout, stderr, buf = b"", b"", b""
        while True:
            while len(buf) < 8:
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("connection closed before END_REQUEST")
                buf += data
            version, rtype, _, clen, plen, _ = struct.unpack(">BBHHBB", buf[:8])
            while len(buf) < 8 + clen + plen:
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("truncated record")
                buf += data
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == STDOUT:
                stdout += content
            elif rtype == STDERR:
                stderr += content
            elif rtype == END_REQUEST:
                break
    finally:
        sock.close()
    head, _, body_out = stdout.partition(b"\r\n\r\n")
    headers = {}
    status = 200
    for line in head.split(b"\r\n"):
        if b":" not in line:
            continue
        k, v = line.split(b":", 1)
        k, v = k.decode().strip().lower(), v.decode().strip()
        if k == "status":
            status = int(v.split()[0])
        else:
            headers[k] = v
    return status, headers, body_out, stderr.decode(errors="replace")


def cgi_params(method: str, path: str, body: bytes = b"", content_type: str = "", remote_addr: str = "127.0.0.1",
               query: str = "", headers: dict | None = None) -> dict:
    params = {
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": method,
        "SCRIPT_NAME": path, "PATH_INFO": "", "REQUEST_URI": path + ("?" + query if query else ""),
        "QUERY_STRING": query, "REMOTE_ADDR": remote_addr, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "CONTENT_LENGTH": str(len(body)),
    }
    if content_type:
        params["CONTENT_TYPE"] = content_type
    for k, v in (headers or {}).items():
        params["HTTP_" + k.upper().replace("-", "_")] = v
    return params
