"""Small helpers shared by the end-to-end test folders."""
import http.server
import os
import pathlib
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid

import psycopg_shim as db


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_migrated_database(database_url, bin_dir, root, prefix="e2e_") -> str:
    """Creates a database with a fresh name beside DATABASE_URL's, runs `roch migrate` on it and returns its URL."""
    name = prefix + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/" + name))
    subprocess.run([str(bin_dir / "roch"), "migrate"], env={**os.environ, "DATABASE_URL": url}, cwd=root,
                   check=True, capture_output=True, timeout=120)
    return url


def start_fastcgi(bin_dir, name, url, extra_env=None):
    """Starts a function as a native FastCGI responder on a free loopback port; returns (process, address)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SITE_URL": "https://rochevents.test", **(extra_env or {})}
    proc = subprocess.Popen([str(bin_dir / name), "--fastcgi", f"127.0.0.1:{port}"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, ("127.0.0.1", port)
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {proc.stderr.read().decode()}")
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not listen on {port}")


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
    """Starts `roch serve` on a free port through `processes` (anything with start(args, **kw)); returns the port."""
    port = free_port()
    p = processes.start([bin_dir / "roch", "serve", "--dir", site, "--port", port, "--functions-dir", bin_dir, *extra],
                        stdout=subprocess.DEVNULL)
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
