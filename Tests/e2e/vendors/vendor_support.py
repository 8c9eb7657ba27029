"""Helpers for the vendor end-to-end tests: the link secret, signed tokens, starting the responder."""
import base64
import hashlib
import hmac
import time

from support import start_fastcgi  # noqa: F401  (re-exported for the vendor tests)

SECRET = "e2e-vendor-link-secret-0123456789abcdef"


def token(assignment_id, version=1, expires_in=3600, secret=SECRET):
    """A link token exactly as VendorLinks signs it: id.expiry.version.base64url(HMAC-SHA256)."""
    payload = f"{assignment_id}.{int(time.time()) + expires_in}.{version}"
    mac = hmac.new(secret.encode(), ("link|" + payload).encode(), hashlib.sha256).digest()
    return payload + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


