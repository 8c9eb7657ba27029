"""`roch migrate` and `roch doctor` as an operator runs them."""
import os
import subprocess
import urllib.parse
import uuid

import psycopg_shim as db


def run(bin_dir, args, env, cwd):
    return subprocess.run([str(bin_dir / "roch"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def fresh_database(database_url):
    name = "cli_" + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")
    parts = urllib.parse.urlsplit(database_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def test_two_concurrent_migrate_runs_apply_each_file_once(bin_dir, root, database_url):
    url = fresh_database(database_url)
    env = {**os.environ, "DATABASE_URL": url}
    procs = [subprocess.Popen([str(bin_dir / "roch"), "migrate"], env=env, cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    applied = [line for out, _ in outs for line in out.splitlines() if line.startswith("applied ")]
    files = sorted(f for f in os.listdir(root / "db" / "migrations") if f.endswith(".sql"))
    assert sorted(applied) == sorted("applied " + f[:-4] for f in files)
    rows = db.query(url, "SELECT version FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == [f[:4] for f in files]
    again = run(bin_dir, ["migrate"], env, root)
    assert again.returncode == 0 and "up to date" in again.stdout
    status = run(bin_dir, ["migrate", "--status"], env, root)
    assert status.returncode == 0 and "pending" not in status.stdout


def test_doctor_lists_every_problem_and_exits_non_zero(bin_dir, tmp_path):
    env = {"PATH": os.environ["PATH"], "PORT": "x", "RAZORPAY_KEY_ID": "rzp_test_1", "SMTP_URL": "smtp://h", "MAIL_FROM": "nobody"}
    r = run(bin_dir, ["doctor"], env, tmp_path)
    assert r.returncode != 0
    for expected in ["DATABASE_URL is not set", "PORT must be", "Razorpay is partly configured", "MAIL_FROM must be"]:
        assert expected in r.stdout, r.stdout


def test_doctor_reports_pending_migrations_then_all_good(bin_dir, root, database_url):
    url = fresh_database(database_url)
    env = {**os.environ, "DATABASE_URL": url}
    r = run(bin_dir, ["doctor"], env, root)
    assert r.returncode == 1 and "pending" in r.stdout and "roch migrate" in r.stdout
    assert run(bin_dir, ["migrate"], env, root).returncode == 0
    r = run(bin_dir, ["doctor"], env, root)
    assert r.returncode == 0 and "all good" in r.stdout, r.stdout


def test_doctor_fails_when_the_smtp_ca_file_cannot_be_read(bin_dir, root, database_url, tmp_path):
    url = fresh_database(database_url)
    env = {**os.environ, "DATABASE_URL": url, "SMTP_URL": "smtp://127.0.0.1:2525", "MAIL_FROM": "hello@rochevents.test",
           "SMTP_CA_FILE": str(tmp_path / "missing.pem")}
    assert run(bin_dir, ["migrate"], env, root).returncode == 0
    r = run(bin_dir, ["doctor"], env, root)
    assert r.returncode == 1 and "SMTP_CA_FILE" in r.stdout and "missing.pem" in r.stdout, r.stdout
    (tmp_path / "missing.pem").write_text("certificates\n")
    r = run(bin_dir, ["doctor"], env, root)
    assert r.returncode == 0 and "all good" in r.stdout, r.stdout
