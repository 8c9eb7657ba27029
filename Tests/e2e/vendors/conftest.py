"""Fixtures for the vendor self-service end-to-end tests: the `vendor` function as a native FastCGI responder."""
import os
import subprocess
import urllib.parse
import uuid

import pytest

import psycopg_shim as db
from vendor_support import SECRET, start_fastcgi


@pytest.fixture
def vendor_db(bin_dir, root, database_url):
    name = "e2e_" + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/" + name))
    subprocess.run([str(bin_dir / "roch"), "migrate"], env={**os.environ, "DATABASE_URL": url}, cwd=root,
                   check=True, capture_output=True, timeout=120)
    yield url
    db.execute(database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def vendor_fastcgi(bin_dir, vendor_db):
    proc, address = start_fastcgi(bin_dir, "vendor", vendor_db, {"VENDOR_LINK_SECRET": SECRET})
    yield address
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
