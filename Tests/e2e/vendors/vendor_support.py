"""Helpers for the vendor end-to-end tests: the link secret, signed tokens, starting the responder."""
import base64
import hashlib
import hmac
import os
import socket
import subprocess
import time

from support import free_port

SECRET = "e2e-vendor-link-secret-0123456789abcdef"


def token(assignment_id, version=1, expires_in=3600, secret=SECRET):
    """A link token exactly as VendorLinks signs it: id.expiry.version.base64url(HMAC-SHA256)."""
    payload = f"{assignment_id}.{int(time.time()) + expires_in}.{version}"
    mac = hmac.new(secret.encode(), ("link|" + payload).encode(), hashlib.sha256).digest()
    return payload + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def start_fastcgi(bin_dir, name, url, extra_env=None):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SITE_URL": "https://rochevents.test", **(extra_env or {})}
    proc = subprocess.Popen([str(bin_dir / name), "--fastcgi", f"127.0.0.1:{port}"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, ("127.0.0.1", port)
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {proc.stderr.read().decode()}")
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not listen on {port}")
