"""Fixtures for the fault tests: a PostgreSQL cluster of the test's own (so it can be restarted without
disturbing the shared one), and helpers to start the functions and the fakes against it."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

# the Razorpay helpers of the payment tests (signed events, the HTTP -> FastCGI front)
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "payments"))

from support import free_port


class Cluster:
    """A private cluster started with scripts/pg.sh: `stop()` and `start()` restart it on the same port."""

    def __init__(self, root, directory, port):
        self.root, self.directory, self.port = root, directory, port
        self.url = subprocess.run(["scripts/pg.sh", "url", directory, str(port)], cwd=root, check=True,
                                  capture_output=True, text=True).stdout.strip()

    def start(self):
        subprocess.run(["scripts/pg.sh", "start", self.directory, str(self.port)], cwd=self.root, check=True,
                       env={**os.environ, "PG_FSYNC": "off"}, capture_output=True, timeout=120)

    def stop(self):
        subprocess.run(["scripts/pg.sh", "stop", self.directory], cwd=self.root, check=True, capture_output=True, timeout=120)


@pytest.fixture
def cluster(root, bin_dir):
    directory = tempfile.mkdtemp(prefix="roch-fault-", dir="/tmp")
    c = None
    try:
        for _ in range(5):   # the port may be taken between the check and the start
            c = Cluster(root, directory, free_port())
            try:
                c.start()
                break
            except subprocess.CalledProcessError:
                c = None
        assert c is not None, "could not start a private PostgreSQL"
        subprocess.run([str(bin_dir / "roch"), "migrate"], env={**os.environ, "DATABASE_URL": c.url}, cwd=root,
                       check=True, capture_output=True, timeout=120)
        yield c
    finally:
        if c is not None:
            c.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def responders():
    """Processes started by a test, stopped afterwards."""
    started = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
