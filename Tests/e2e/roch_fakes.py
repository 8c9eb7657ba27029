"""Start the fake providers (`roch-fakes`) from Python tests and drive them over HTTP.

    with FakeProcess(bin_dir, "razorpay", "--key-id", "k", "--key-secret", "s",
                     "--webhook-secret", "w", "--webhook-url", url) as rz:
        link = rz.api("POST", "/v1/payment_links", {...}, auth=("k", "s"))
        rz.control("POST", "/__fake/pay", {"link_id": link["id"]})

The process prints its bound port on the first stdout line (smtp prints "control <port>" next,
then "ca-file <path>": the throwaway certificate its STARTTLS uses, or "none" with --no-starttls).
"""
import base64
import json
import subprocess
import urllib.error
import urllib.request

from support import LoopbackHTTPServer, QuietHandler


class FakeProcess:
    def __init__(self, bin_dir, kind, *args):
        self.cmd = [str(bin_dir / "roch-fakes"), kind, "--port", "0", *args]
        self.kind = kind
        self.proc = None
        self.port = None
        self.control_port = None
        self.ca_file = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().strip()
        if not first.isdigit():
            self.proc.kill()
            raise RuntimeError(f"roch-fakes {self.kind} did not start: {first!r} {self.proc.stderr.read()}")
        self.port = int(first)
        self.control_port = self.port
        if self.kind == "smtp":
            self.control_port = int(self.proc.stdout.readline().split()[1])
            ca_file = self.proc.stdout.readline().split(maxsplit=1)[1].strip()
            self.ca_file = None if ca_file == "none" else ca_file
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _request(self, port, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def control(self, method, path, body=None):
        return self._request(self.control_port, method, path, body)

    def api(self, method, path, body=None, auth=None, bearer=None):
        headers = {}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        if bearer:
            headers["Authorization"] = "Bearer " + bearer
        return self._request(self.port, method, path, body, headers)


class WebhookReceiver(LoopbackHTTPServer):
    """A local HTTP endpoint that records every POST (path, headers, raw body) and answers `status`."""

    def __init__(self, status=200):
        self.received = []
        self.status = status
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)
