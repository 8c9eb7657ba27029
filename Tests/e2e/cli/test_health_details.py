"""`/api/health` is public: it answers the status only, while what failed goes to the function's log
(stderr) and to `roch doctor`. The same failing check, seen from both sides."""
import json
import os
import subprocess
import urllib.parse
import uuid

import fastcgi_client as fcgi
import psycopg_shim as db
from support import output_of, start_fastcgi


def doctor(bin_dir, root, url):
    return subprocess.run([str(bin_dir / "roch"), "doctor"], env={**os.environ, "DATABASE_URL": url}, cwd=root,
                          capture_output=True, text=True, timeout=120)


def health_and_log(bin_dir, url):
    """(status, body text, the responder's stderr) for one GET /api/health through the health function."""
    proc, address = start_fastcgi(bin_dir, "health", url)
    try:
        status, _, body, _ = fcgi.request(address, fcgi.cgi_params("GET", "/api/health", headers={"Accept": "application/json"}))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return status, body.decode(), output_of(proc)


def test_an_unreachable_database_is_named_by_doctor_and_in_the_log_but_not_in_the_public_answer(bin_dir, root):
    url = "postgresql://nobody@127.0.0.1:1/roch_private_db?connect_timeout=2"
    report = doctor(bin_dir, root, url)
    assert report.returncode == 1
    assert "cannot connect" in report.stdout and "127.0.0.1" in report.stdout, report.stdout

    status, body, log = health_and_log(bin_dir, url)
    assert status == 503
    assert json.loads(body) == {"status": "unhealthy", "message": json.loads(body)["message"]}
    for internal in ("cannot connect", "127.0.0.1", "nobody", "roch_private_db"):
        assert internal not in body, body
    assert "cannot connect" in log and "127.0.0.1" in log, log


def test_pending_migrations_are_named_by_doctor_but_not_in_the_public_answer(bin_dir, root, database_url):
    name = "health_" + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")  # reachable, never migrated
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(database_url)._replace(path="/" + name))
    report = doctor(bin_dir, root, url)
    assert report.returncode == 1 and "pending 0001_foundation" in report.stdout, report.stdout

    status, body, log = health_and_log(bin_dir, url)
    assert status == 503 and "0001" not in body and "foundation" not in body, body
    assert "pending 0001_foundation" in log, log
