"""Shared fixtures for the end-to-end tests: paths, the test database, free loopback ports.

`make test` (scripts/test.sh) starts a throwaway PostgreSQL and exports DATABASE_URL; the
Swift executables are built in .build/debug before pytest runs.
"""
import os
import pathlib

import sys

import pytest

# helpers shared by the test folders (psycopg_shim, ...)
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / ".build" / "debug"
OUTPUT = pathlib.Path(os.environ.get("ROCH_TEST_OUTPUT", ROOT / "test-output"))


from support import create_migrated_database, free_port  # noqa: E402,F401  (free_port re-exported for fixtures)


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def bin_dir() -> pathlib.Path:
    return BIN


@pytest.fixture(scope="session")
def output_dir() -> pathlib.Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.fail("DATABASE_URL is not set: run the end-to-end tests through `make test`")
    return url


@pytest.fixture
def migrated_db(bin_dir, root, database_url) -> str:
    """A new, migrated database for one test (its URL)."""
    return create_migrated_database(database_url, bin_dir, root)
