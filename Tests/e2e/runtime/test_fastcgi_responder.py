"""A native FastCGI responder spoken to directly over its socket, as nginx or any other web server would."""
import os
import signal
import socket
import struct
import subprocess
import time

import pytest

from support import wait_for_socket
from httpclient import (ABORT, END, GET_VALUES, GET_VALUES_RESULT, STDIN, STDOUT, UNKNOWN, RecordReader, fcgi_request, nv,
                        params, read_records, record)


@pytest.fixture
def responder(functions_built, workdir, processes):
    path = workdir / f"h{time.monotonic_ns() % 100000}.sock"
    p = processes.start([functions_built / "health", "--fastcgi", f"unix:{path}"])
    wait_for_socket(path, p)
    return p, path


def connect(path) -> socket.socket:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(15)
    s.connect(str(path))
    return s


def test_get_values_reports_multiplexing(responder):
    _, path = responder
    with connect(path) as s:
        s.sendall(record(GET_VALUES, 0, nv([("FCGI_MPXS_CONNS", ""), ("FCGI_MAX_CONNS", "")])))
        hdr = s.recv(8)
        assert hdr[1] == GET_VALUES_RESULT
        content = s.recv(struct.unpack(">H", hdr[4:6])[0])
        assert b"FCGI_MPXS_CONNS1" in content
        assert b"FCGI_MAX_CONNS" in content


def test_multiplexed_requests_on_one_kept_connection(responder):
    _, path = responder
    with connect(path) as s:
        s.sendall(fcgi_request(1, params("GET", "/api/health/stream?n=3", PATH_INFO="/stream")) +
                  fcgi_request(2, params("GET", "/api/health")))
        out, records = read_records(s, {1, 2})
        assert out[2].endswith(b'"status":"ok"}')
        assert out[1].count(b"event: tick") == 3
        ends = [rid for t, rid, _ in records if t == END]
        assert ends == [2, 1]  # the short request finished while the stream was still running
        # the connection is still usable afterwards
        s.sendall(fcgi_request(3, params("GET", "/api/health")))
        out, _ = read_records(s, {3})
        assert out[3].startswith(b"Status: 200 OK\r\n")


def test_a_kept_connection_reuses_request_id_1_like_nginx(responder):
    _, path = responder
    with connect(path) as s:
        for _ in range(50):
            s.sendall(fcgi_request(1, params()))
            out, _ = read_records(s, {1})
            assert out[1].endswith(b'"status":"ok"}')


def test_without_keep_conn_the_responder_closes_after_the_request(responder):
    _, path = responder
    with connect(path) as s:
        s.sendall(fcgi_request(1, params(), keep=False))
        read_records(s, {1})
        assert s.recv(1) == b""


def test_abort_ends_a_running_stream(responder):
    _, path = responder
    with connect(path) as s:
        s.sendall(fcgi_request(9, params("GET", "/api/health/stream?n=50", PATH_INFO="/stream")))
        reader = RecordReader(s)
        assert reader.read_until(lambda r: b"event: tick" in r.out.get(9, b""))  # the stream is running
        s.sendall(record(ABORT, 9))
        assert reader.read_until(lambda r: 9 in r.ended)
        assert reader.records[-1][0] == END
        assert reader.out[9].count(b"event: tick") < 50


def test_unknown_record_type_gets_unknown_type(responder):
    _, path = responder
    with connect(path) as s:
        s.sendall(record(42, 0, b"x"))
        hdr = s.recv(16)
        assert hdr[1] == UNKNOWN and hdr[8] == 42


@pytest.mark.parametrize("garbage", [
    b"\x02\x01\x00\x01\x00\x08\x00\x00" + b"\0" * 8,               # wrong version
    b"\x01\x01\x00\x01\x00\x02\x00\x00\x00\x01",                    # BEGIN_REQUEST with a 2-byte body
    b"\x01\x06\x00\x01\x00\x01\x07\x00x" + b"\0" * 7,               # STDOUT sent to an application
    record(1, 1, struct.pack(">HB5x", 1, 0)) + record(4, 1, b"\xff\xff\xff\xff\x01"),  # PARAMS length beyond data
], ids=["version", "short-begin", "stdout-from-server", "params-overrun"])
def test_hostile_records_close_the_connection_and_the_responder_survives(responder, garbage):
    p, path = responder
    with connect(path) as s:
        s.sendall(garbage + record(4, 1) + record(STDIN, 1))
        try:
            rest = s.recv(65536)
        except ConnectionResetError:
            rest = b""
        assert b"Status: 200" not in rest
    with connect(path) as s:
        s.sendall(fcgi_request(1, params()))
        out, _ = read_records(s, {1})
        assert out[1].startswith(b"Status: 200 OK")
    assert p.poll() is None


def test_truncated_record_then_close_does_not_hang_the_responder(responder):
    p, path = responder
    with connect(path) as s:
        s.sendall(b"\x01\x01\x00\x01\x00\x08")
    with connect(path) as s:
        s.sendall(fcgi_request(1, params()))
        assert read_records(s, {1})[0][1].startswith(b"Status: 200 OK")
    assert p.poll() is None


def test_body_over_the_limit_is_413(responder):
    _, path = responder
    with connect(path) as s:
        n = 2 * 1024 * 1024
        s.sendall(fcgi_request(1, params("POST", "/api/health", CONTENT_LENGTH=str(n))))
        out, _ = read_records(s, {1})
        assert out[1].startswith(b"Status: 413")


def test_sigterm_finishes_the_stream_in_flight_then_exits(responder):
    p, path = responder
    with connect(path) as s:
        s.sendall(fcgi_request(1, params("GET", "/api/health/stream?n=8", PATH_INFO="/stream")))
        reader = RecordReader(s)
        assert reader.read_until(lambda r: b"event: tick" in r.out.get(1, b""))  # the stream is in flight
        p.send_signal(signal.SIGTERM)
        assert reader.read_until(lambda r: 1 in r.ended)
        assert reader.out[1].count(b"event: tick") == 8
        assert reader.records[-1][0] == END
    assert p.wait(timeout=10) == 0
    with pytest.raises(OSError):
        connect(path).close()


def test_listening_socket_on_fd0_is_served(functions_built, workdir, processes):
    """spawn-fcgi / systemd socket activation pass the listening socket as fd 0 (FCGI_LISTENSOCK_FILENO)."""
    path = workdir / "inherited.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.listen(16)
    p = processes.start([functions_built / "health"], stdin=listener.fileno())
    listener.close()
    with connect(path) as s:
        s.sendall(fcgi_request(1, params()))
        out, _ = read_records(s, {1})
        assert out[1].endswith(b'"status":"ok"}')
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 0


def test_without_a_runtime_the_executable_prints_usage_and_exits_64(functions_built):
    env = {k: v for k, v in os.environ.items() if k != "GATEWAY_INTERFACE"}
    r = subprocess.run([functions_built / "health"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert r.returncode == 64
    assert "--fastcgi" in r.stderr
    assert subprocess.run([functions_built / "health", "--help"], capture_output=True).returncode == 0
