"""deploy/install.sh lays out a server and is safe to run again: twice in a row in a throwaway root
(--root implies no systemctl, users or PostgreSQL roles), the second run changes nothing."""
import hashlib
import os
import pathlib
import subprocess

INSTALL = pathlib.Path(__file__).resolve().parents[3] / "deploy" / "install.sh"
FUNCTIONS = [line.split()[0] for line in (INSTALL.parent / "functions.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]


def stub_release(folder: pathlib.Path, text: str) -> pathlib.Path:
    """Stand-in executables: the layout, not the binaries, is under test."""
    folder.mkdir()
    for name in ["roch", *FUNCTIONS]:
        exe = folder / name
        exe.write_text(f"#!/bin/sh\necho {name} {text}\n")
        exe.chmod(0o755)
    return folder


def tree(root: pathlib.Path) -> dict:
    """Every path under root: its kind, mode, and content hash or link target."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        st = path.lstat()
        if path.is_symlink():
            out[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            out[rel] = ("dir", oct(st.st_mode & 0o7777))
        else:
            out[rel] = ("file", oct(st.st_mode & 0o7777), hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns)
    return out


def install(root, release, version):
    return subprocess.run(["bash", str(INSTALL), "--root", str(root), "--release", str(release), "--version", version],
                          capture_output=True, text=True, timeout=120)


def test_install_twice_in_a_test_root_changes_nothing_the_second_time(tmp_path):
    release = stub_release(tmp_path / "release", "v1")
    root = tmp_path / "root"
    first = install(root, release, "v1")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "changes" in first.stdout
    after_first = tree(root)
    second = install(root, release, "v1")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "nothing to change" in second.stdout, second.stdout
    assert tree(root) == after_first   # not even a timestamp moved

    for name in ["roch", *FUNCTIONS]:
        assert (root / "srv/roch/bin" / name).read_text().endswith(f"{name} v1\n")
    assert os.readlink(root / "srv/roch/current") == "releases/v1"
    assert (root / "srv/roch/current/VERSION").read_text() == "v1\n"
    migrations = sorted(p.name for p in (INSTALL.parents[1] / "db/migrations").glob("*.sql"))
    assert sorted(p.name for p in (root / "srv/roch/current/db/migrations").iterdir()) == migrations
    env = root / "etc/roch/env"
    assert oct(env.stat().st_mode & 0o777) == "0o640" and "DATABASE_URL=" in env.read_text()
    for unit in ["roch-fn@.service", "roch-worker.service", "roch.target", "roch-backup.service", "roch-backup.timer"]:
        assert (root / "etc/systemd/system" / unit).read_bytes() == (INSTALL.parent / "systemd" / unit).read_bytes()
    site = root / "etc/nginx/sites-enabled/roch.conf"
    assert os.readlink(site) == "/etc/nginx/roch/roch-fastcgi.conf"
    nginx = (root / "etc/nginx/roch/roch-fastcgi.conf").read_text()
    assert "/etc/nginx/roch/" in nginx and str(tmp_path) not in nginx   # includes name the installed snippets
    assert "/srv/roch/public" in (root / "etc/nginx/roch/roch-static.conf").read_text()


def test_a_new_release_switches_current_and_keeps_the_old_one_and_the_settings(tmp_path):
    root = tmp_path / "root"
    assert install(root, stub_release(tmp_path / "r1", "v1"), "v1").returncode == 0
    env = root / "etc/roch/env"
    env.write_text(env.read_text() + "RAZORPAY_KEY_ID=rzp_live_kept\n")
    upgrade = install(root, stub_release(tmp_path / "r2", "v2"), "v2")
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    assert os.readlink(root / "srv/roch/current") == "releases/v2"
    assert (root / "srv/roch/bin/roch").read_text().endswith("roch v2\n")
    assert (root / "srv/roch/releases/v1/bin/roch").read_text().endswith("roch v1\n")   # the rollback target
    assert "rzp_live_kept" in env.read_text()                                           # settings never overwritten


def test_a_missing_executable_stops_the_install_before_it_touches_anything(tmp_path):
    release = stub_release(tmp_path / "release", "v1")
    (release / "portal").unlink()
    result = install(tmp_path / "root", release, "v1")
    assert result.returncode == 1 and "portal is missing" in result.stderr
    assert list((tmp_path / "root").rglob("*")) == []
