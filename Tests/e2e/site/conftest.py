"""Fixtures for the marketing-site browser tests: a fresh `roch build`, a local static server
with a scripted stand-in for POST /api/booking, and headless Chromium drivers."""
import functools
import http.server
import json
import subprocess
import threading
import urllib.parse

import pytest

from browser import make_driver  # noqa: E402

SIZES = {"mobile": (390, 844), "desktop": (1366, 900)}
# The stand-in for the booking function rejects this number, like a 422 from the real one.
REJECTED_PHONE = "9000000000"


@pytest.fixture(scope="session")
def built_site(root, bin_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "public"
    roch = bin_dir / "roch"
    assert roch.exists(), f"{roch} is missing: run `swift build` first"
    result = subprocess.run([str(roch), "build", "--out", str(out)], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"roch build failed:\n{result.stdout}\n{result.stderr}"
    return out


class BookingStub:
    """Records what the site sends to /api/booking and answers like the contract says."""

    def __init__(self):
        self.requests = []

    def answer(self, content_type, accept, raw):
        if content_type.startswith("application/json"):
            data = json.loads(raw)
        else:
            data = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        self.requests.append({"content_type": content_type, "accept": accept, "data": data})
        phone = data.get("phone")
        phone = phone[0] if isinstance(phone, list) else phone
        if phone and phone.replace(" ", "").endswith(REJECTED_PHONE):
            body = {"error": {"code": "validation_failed", "message": "Please check the highlighted fields.",
                              "fields": {"phone": "We could not verify this mobile number. Please check it."}}}
            return 422, {"Content-Type": "application/json"}, json.dumps(body)
        booking_id = f"BK-{len(self.requests):04d}"
        if "application/json" in accept:
            return 201, {"Content-Type": "application/json"}, json.dumps({"id": booking_id, "status": "enquiry"})
        return 303, {"Location": f"/book/thanks/?id={booking_id}"}, ""


@pytest.fixture(scope="session")
def site_server(built_site):
    stub = BookingStub()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            if self.path != "/api/booking":
                self.send_error(404)
                return
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, headers, body = stub.answer(self.headers.get("Content-Type", ""), self.headers.get("Accept", ""), raw)
            payload = body.encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "stub": stub, "rejected_phone": REJECTED_PHONE}
    server.shutdown()
    server.server_close()


@pytest.fixture
def desktop():
    driver = make_driver(*SIZES["desktop"])
    yield driver
    driver.quit()


@pytest.fixture(params=list(SIZES))
def sized_driver(request):
    driver = make_driver(*SIZES[request.param])
    yield request.param, driver
    driver.quit()


@pytest.fixture
def no_js_driver():
    driver = make_driver(*SIZES["desktop"], javascript=False)
    yield driver
    driver.quit()
