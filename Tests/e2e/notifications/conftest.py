"""Fixtures for the notification end-to-end tests (`migrated_db` comes from Tests/e2e/conftest.py)."""
import pytest

from support import start_fastcgi


@pytest.fixture
def launch_fastcgi():
    """`launch_fastcgi(bin_dir, name, url, env)` -> (process, address)."""
    return start_fastcgi
