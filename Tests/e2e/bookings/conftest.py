"""Fixtures for the booking end-to-end tests: a migrated database and a native FastCGI responder."""
import os
import socket
import subprocess
import time
import urllib.parse
import uuid

import pytest

import psycopg_shim as db
from support import free_port


@pytest.fixture
def migrated_db(bin_dir, root, database_url):
    name = "e2e_" + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/" + name))
    subprocess.run([str(bin_dir / "roch"), "migrate"], env={**os.environ, "DATABASE_URL": url}, cwd=root,
                   check=True, capture_output=True, timeout=120)
    return url


def start_fastcgi(bin_dir, name, url, extra_env=None):
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


@pytest.fixture
def booking_fastcgi(bin_dir, migrated_db):
    proc, address = start_fastcgi(bin_dir, "booking", migrated_db)
    yield address
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
