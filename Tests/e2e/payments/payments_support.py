"""Helpers shared by the payment end-to-end tests and bench/payments.sh."""
import hashlib
import hmac
import secrets

import fastcgi_client as fcgi
from support import LoopbackHTTPServer, QuietHandler

KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_E2EPayments01", "e2e_key_secret", "e2e_webhook_secret"
MOUNT = "/api/razorpay-webhook"


def public_id() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "".join(secrets.choice(alphabet) for _ in range(26))


def params(method, path_info="", query="", body=b"", headers=None):
    p = fcgi.cgi_params(method, MOUNT, body, "application/json" if body else "", "52.66.10.1", query, headers)
    p["SCRIPT_NAME"], p["PATH_INFO"] = MOUNT, path_info
    p["REQUEST_URI"] = MOUNT + path_info + ("?" + query if query else "")
    return p


class FastCGIFront(LoopbackHTTPServer):
    """HTTP POSTs under MOUNT become FastCGI requests to the responder (as nginx's fastcgi_pass does)."""

    def __init__(self, address):

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k: v for k, v in self.headers.items() if k.lower().startswith("x-razorpay")}
                status, _, out, _ = fcgi.request(address, params("POST", body=body, headers=headers), body)
                self.send_response(status)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        super().__init__(Handler, MOUNT)




def signed_event(event_id: str, body: bytes, secret: str = WEBHOOK_SECRET) -> dict:
    """The headers Razorpay sends with `body`."""
    return {"X-Razorpay-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(), "X-Razorpay-Event-Id": event_id}
