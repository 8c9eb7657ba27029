"""Small helpers shared by the end-to-end test folders."""
import http.server
import os
import pathlib
import re
import select
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid

import psycopg_shim as db


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (it may be taken before you bind it: prefer a server
    that binds port 0 and says which port it got, or start_on_free_port, which tries again)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FASTCGI_LISTENING = re.compile(rb"listening on 127\.0\.0\.1:(\d+)")
SERVE_LISTENING = re.compile(rb"roch serve: http://127\.0\.0\.1:(\d+)/")


def read_announced_port(proc: subprocess.Popen, pipe, pattern, name: str, timeout: float = 20) -> int:
    """Reads a process's output pipe until `pattern` names the port it bound (port 0: the OS chose it), then
    keeps draining the pipe in the background so the process never blocks on a full pipe."""
    fd = pipe.fileno()
    seen = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break  # the process closed its output: it has exited
            seen += chunk
            match = pattern.search(seen)
            if match:
                proc.drained_output = bytearray(seen)
                proc.drain_thread = threading.Thread(target=_drain, args=(fd, proc.drained_output), daemon=True)
                proc.drain_thread.start()
                return int(match.group(1))
        elif proc.poll() is not None:
            break
    if proc.poll() is None:
        proc.kill()
    raise RuntimeError(f"{name} did not say which port it listens on: {seen.decode(errors='replace')[-2000:]}")


def _drain(fd: int, sink: bytearray) -> None:
    try:
        while chunk := os.read(fd, 65536):
            sink.extend(chunk)
    except OSError:
        pass  # the pipe was closed with the process


def output_of(proc: subprocess.Popen, timeout: float = 10) -> str:
    """Everything a process started through read_announced_port wrote on its announced pipe, once it has exited."""
    proc.drain_thread.join(timeout)
    return proc.drained_output.decode(errors="replace")


def start_on_free_port(start, taken, attempts: int = 5):
    """For a server that must be told its port up front (nginx; a SITE_URL that names it): start(port) on a
    free port and wait until it listens (start raises if the process exits first); when it exited because
    the port was taken meanwhile (taken(port) says so), again on another. Returns (port, start's result)."""
    for _ in range(attempts):
        port = free_port()
        try:
            return port, start(port)
        except RuntimeError:
            if not taken(port):
                raise
    raise RuntimeError(f"no free port after {attempts} attempts")


def create_migrated_database(database_url, bin_dir, root, prefix="e2e_") -> str:
    """Creates a database with a fresh name beside DATABASE_URL's, runs `roch migrate` on it and returns its URL."""
    name = prefix + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/" + name))
    subprocess.run([str(bin_dir / "roch"), "migrate"], env={**os.environ, "DATABASE_URL": url}, cwd=root,
                   check=True, capture_output=True, timeout=120)
    return url


def start_fastcgi(bin_dir, name, url, extra_env=None):
    """Starts a function as a native FastCGI responder on a loopback port the OS picks; returns (process, address)."""
    env = {**os.environ, "DATABASE_URL": url, "SITE_URL": "https://rochevents.test", **(extra_env or {})}
    proc = subprocess.Popen([str(bin_dir / name), "--fastcgi", "127.0.0.1:0"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = read_announced_port(proc, proc.stderr, FASTCGI_LISTENING, name)
    return proc, ("127.0.0.1", port)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 15) -> None:
    """Waits until a loopback TCP port accepts a connection; fails early when the process exits."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} never opened for {proc.args}")


def wait_for_socket(path: pathlib.Path, proc: subprocess.Popen, timeout: float = 15) -> None:
    """Waits until a Unix socket accepts a connection; fails early when the process exits."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        if path.exists():
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(str(path))
                    return
            except OSError:
                pass
        time.sleep(0.05)
    raise RuntimeError(f"socket {path} never accepted for {proc.args}")


def start_serve(processes, bin_dir, site, *extra) -> int:
    """Starts `roch serve` through `processes` (anything with start(args, **kw)) on a port the OS picks; returns the port."""
    p = processes.start([bin_dir / "roch", "serve", "--dir", site, "--port", 0, "--functions-dir", bin_dir, *extra],
                        stdout=subprocess.PIPE)
    port = read_announced_port(p, p.stdout, SERVE_LISTENING, "roch serve")
    wait_for_port(port, p)
    return port


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A request handler that keeps the test output free of access-log lines."""

    def log_message(self, *args):
        pass


class LoopbackHTTPServer:
    """A threaded HTTP server on a free 127.0.0.1 port, serving while inside `with`; `url` ends in `path`."""

    def __init__(self, handler, path=""):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
