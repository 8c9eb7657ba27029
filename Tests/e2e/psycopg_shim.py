"""Tiny database access for the end-to-end tests through `psql` (no Python driver to install)."""
import subprocess


def query(url: str, sql: str) -> list[list[str]]:
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return [line.split("\x1f") for line in out.splitlines() if line != ""]


def execute(url: str, sql: str) -> None:
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                   capture_output=True, text=True, check=True, timeout=60)
