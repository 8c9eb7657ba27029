"""Fixtures for the booking end-to-end tests: the booking function as a native FastCGI responder on a
migrated database (`migrated_db`, from Tests/e2e/conftest.py)."""
import subprocess

import pytest

from support import start_fastcgi


@pytest.fixture
def booking_fastcgi(bin_dir, migrated_db):
    proc, address = start_fastcgi(bin_dir, "booking", migrated_db)
    yield address
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
