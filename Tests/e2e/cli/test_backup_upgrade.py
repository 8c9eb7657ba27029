"""`roch backup`, `roch restore`, `roch outbox` and `roch upgrade` as an operator runs them."""
import os
import pathlib
import shutil
import subprocess
import urllib.parse
import uuid

import psycopg_shim as db


def roch(bin_dir, args, env, cwd):
    return subprocess.run([str(bin_dir / "roch"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180)


def fresh_database(database_url, prefix="cli_"):
    name = prefix + uuid.uuid4().hex[:12]
    db.execute(database_url, f"CREATE DATABASE {name}")
    parts = urllib.parse.urlsplit(database_url)
    return name, urllib.parse.urlunsplit(parts._replace(path="/" + name))


def test_backup_then_restore_into_a_new_database_leaves_the_outbox_paused(bin_dir, root, database_url, tmp_path):
    _, url = fresh_database(database_url)
    env = {**os.environ, "DATABASE_URL": url}
    assert roch(bin_dir, ["migrate"], env, root).returncode == 0
    assert roch(bin_dir, ["seed"], env, root).returncode == 0
    backup = roch(bin_dir, ["backup", "--to", str(tmp_path)], env, root)
    assert backup.returncode == 0, backup.stderr
    dump = next(tmp_path.glob("roch-*.dump"))
    check = subprocess.run(["sha256sum", "-c", dump.with_suffix(".sha256").name], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout   # the checksum file is what sha256sum reads

    over_live = roch(bin_dir, ["restore", str(dump)], env, root)
    assert over_live.returncode != 0 and "not empty" in over_live.stderr and "Usage" not in over_live.stderr

    name = "drill_" + uuid.uuid4().hex[:8]
    restored = roch(bin_dir, ["restore", "--into-new", name, str(dump)], env, root)
    assert restored.returncode == 0, restored.stderr
    assert "PAUSED" in restored.stdout
    copy = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/" + name))
    status = roch(bin_dir, ["outbox"], {**env, "DATABASE_URL": copy}, root)
    assert "PAUSED" in status.stdout
    resumed = roch(bin_dir, ["outbox", "resume"], {**env, "DATABASE_URL": copy}, root)
    assert resumed.returncode == 0 and "running" in resumed.stdout
    assert db.query(copy, "SELECT value FROM operator_settings WHERE key = 'outbox_paused'") == [["false"]]
    for table in ["bookings", "clients", "vendors", "staff_users"]:
        assert db.query(copy, f"SELECT count(*) FROM {table}") == db.query(url, f"SELECT count(*) FROM {table}")


def test_upgrade_backs_up_migrates_and_says_why_it_restarts_nothing_without_systemd(bin_dir, root, database_url, tmp_path):
    _, url = fresh_database(database_url)
    env = {**os.environ, "DATABASE_URL": url}
    result = roch(bin_dir, ["upgrade", "--backup-to", str(tmp_path)], env, root)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("roch-*.dump"))) == 1
    files = sorted(p.name[:4] for p in (root / "db/migrations").glob("*.sql"))
    assert [r[0] for r in db.query(url, "SELECT version FROM schema_migrations ORDER BY version")] == files
    if not pathlib.Path("/run/systemd/system").exists():
        assert "systemd is not running" in result.stdout


def test_a_failing_migration_leaves_the_database_as_it_was_and_says_how_to_roll_back(bin_dir, root, database_url, tmp_path):
    _, url = fresh_database(database_url)
    env = {**os.environ, "DATABASE_URL": url}
    migrations = tmp_path / "migrations"
    shutil.copytree(root / "db/migrations", migrations)
    (migrations / "9999_broken.sql").write_text("CREATE TABLE half_done (id int);\nSELECT no_such_function();\n")
    result = roch(bin_dir, ["upgrade", "--backup-to", str(tmp_path / "b"), "--migrations", str(migrations)], env, root)
    assert result.returncode != 0
    assert "9999_broken.sql" in result.stderr and "roll back" in result.stderr and "nothing was restarted" in result.stderr
    assert db.query(url, "SELECT to_regclass('half_done') IS NULL") == [["t"]]
    assert db.query(url, "SELECT count(*) FROM schema_migrations WHERE version = '9999'") == [["0"]]
