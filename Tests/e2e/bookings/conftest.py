"""Fixtures for the booking end-to-end tests: a migrated database and a native FastCGI responder."""
import os
import subprocess
import urllib.parse
import uuid

import pytest

import psycopg_shim as db
from support import start_fastcgi


@pytest.fixture
def migrated_db(bin_dir, root, database_url):
    name = "e2e_" + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/" + name))
    subprocess.run([str(bin_dir / "roch"), "migrate"], env={**os.environ, "DATABASE_URL": url}, cwd=root,
                   check=True, capture_output=True, timeout=120)
    return url




@pytest.fixture
def booking_fastcgi(bin_dir, migrated_db):
    proc, address = start_fastcgi(bin_dir, "booking", migrated_db)
    yield address
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
