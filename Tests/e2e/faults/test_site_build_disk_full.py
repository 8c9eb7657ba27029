"""`roch build` when the disk fills up (a tiny tmpfs) or a write fails (a file-size limit): the build
fails, says why, and the site that was there keeps being served, byte for byte, with nothing left behind."""
import hashlib
import os
import pathlib
import resource
import signal
import subprocess
import tempfile
import urllib.request

import pytest

from support import SERVE_LISTENING, read_announced_port, wait_for_port


def tree(directory: pathlib.Path) -> dict:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def build(bin_dir, root, out, preexec=None):
    return subprocess.run([str(bin_dir / "roch"), "build", "--out", str(out)], cwd=root, capture_output=True, text=True,
                          timeout=300, preexec_fn=preexec, env={**os.environ, "SITE_URL": "https://rochevents.test"})


def serve_index(bin_dir, site: pathlib.Path) -> bytes:
    proc = subprocess.Popen([str(bin_dir / "roch"), "serve", "--dir", str(site), "--port", "0", "--functions-dir", str(bin_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        port = read_announced_port(proc, proc.stdout, SERVE_LISTENING, "roch serve")
        wait_for_port(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
            assert answer.status == 200
            return answer.read()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def small_disk():
    """A tmpfs mount point (root only) that the test fills up; unmounted afterwards."""
    mount = pathlib.Path(tempfile.mkdtemp(prefix="roch-diskfull-", dir="/tmp"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}; the file-size-limit case covers the write failure")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)
    mount.rmdir()


def fill(disk: pathlib.Path, leave_bytes: int):
    """Takes all but `leave_bytes` of the filesystem's free space."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    with open(disk / "filler", "wb") as f:
        f.truncate(0)
        chunk = b"\0" * (1 << 20)
        left = free - leave_bytes
        while left > 0:
            n = f.write(chunk[:min(len(chunk), left)])
            left -= n
    return free


def test_a_build_on_a_full_disk_fails_and_the_old_site_keeps_serving(bin_dir, root, small_disk):
    site = small_disk / "public"
    first = build(bin_dir, root, site)
    assert first.returncode == 0, first.stderr
    before = tree(site)
    page = serve_index(bin_dir, site)

    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    fill(small_disk, leave_bytes=size // 4)   # a quarter of what the site needs
    failed = build(bin_dir, root, site)
    assert failed.returncode != 0
    assert "No space left on device" in failed.stderr, failed.stderr[-2000:]
    assert tree(site) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "public"], "the failed build left files behind"
    assert serve_index(bin_dir, site) == page


def test_a_write_that_fails_midway_leaves_the_old_site_in_place(bin_dir, root, tmp_path):
    site = tmp_path / "public"
    first = build(bin_dir, root, site)
    assert first.returncode == 0, first.stderr
    before = tree(site)
    largest = max(p.stat().st_size for p in site.rglob("*") if p.is_file())

    def limit_file_size():
        # files above half the largest one cannot be written (EFBIG); the signal is ignored so write() fails instead
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest // 2, largest // 2))

    failed = build(bin_dir, root, site, preexec=limit_file_size)
    assert failed.returncode != 0
    assert "File too large" in failed.stderr, failed.stderr[-2000:]
    assert tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"], "the failed build left files behind"
