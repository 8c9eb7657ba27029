"""Fixtures for the vendor self-service end-to-end tests: the `vendor` function as a native FastCGI responder."""
import subprocess
import urllib.parse

import pytest

import psycopg_shim as db
from vendor_support import SECRET, start_fastcgi


@pytest.fixture
def vendor_db(migrated_db, database_url):
    yield migrated_db
    name = urllib.parse.urlsplit(migrated_db).path.lstrip("/")
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
