"""Fixtures for the notification end-to-end tests: the bookings folder's migrated database and
FastCGI launcher, loaded under their own module name (pytest's `conftest` name is taken)."""
import importlib.util
import pathlib

_spec = importlib.util.spec_from_file_location("bookings_fixtures", pathlib.Path(__file__).resolve().parents[1] / "bookings" / "conftest.py")
_bookings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bookings)

migrated_db = _bookings.migrated_db
start_fastcgi = _bookings.start_fastcgi


import pytest  # noqa: E402


@pytest.fixture
def launch_fastcgi():
    """`launch_fastcgi(bin_dir, name, url, env)` -> (process, address)."""
    return start_fastcgi
