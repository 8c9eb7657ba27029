"""Fixtures for the portal's browser test: a built site and the portal + portal-events FastCGI
responders behind nginx (fastcgi_buffering off for the stream, CSP default-src 'self'), on a fresh
migrated database with one client, one booking and a timeline."""
import os
import pathlib
import signal
import socket
import subprocess
import time

import sys

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

import psycopg_shim as db
from support import FASTCGI_LISTENING, create_migrated_database, free_port, start_on_free_port  # noqa: F401

# The payments and vendors features' own test helpers: the real webhook and self-service paths.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "payments"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "vendors"))
from payments_support import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, FastCGIFront, public_id  # noqa: E402
from roch_fakes import FakeProcess  # noqa: E402
import vendor_support  # noqa: E402

CLIENT_PHONE = "+919876512345"


@pytest.fixture(scope="module")
def portal_db(bin_dir, root, database_url):
    url = create_migrated_database(database_url, bin_dir, root, prefix="e2e_portal_")
    db.execute(url, f"""
        INSERT INTO staff_users (email, name, phone, role) VALUES ('meera@rochevents.in', 'Meera Iyer', '+919820011111', 'coordinator');
        INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ('{CLIENT_PHONE}', 'Asha Rao', 'asha@example.com', true);
        INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, venue, guests, budget, coordinator_id)
          SELECT 'e2eportalbooking0000000001', c.id, 'proposal_sent', 'wedding', current_date + 60, 'Mysuru',
                 'Lalitha Mahal', 300, '25l_50l', s.id FROM clients c, staff_users s;
        INSERT INTO proposals (booking_id, public_id, total_paise, summary, status)
          SELECT id, 'e2eproposal000000000000001', 50000000, 'Decor, catering, photography', 'sent' FROM bookings;
        INSERT INTO portal_events (booking_id, kind, title, body, data, created_at)
          SELECT id, 'status', t.title, t.body, t.data::jsonb, now() - t.ago FROM bookings,
            (VALUES ('Enquiry received', 'Thank you for choosing Roch Events.', '{{"state":"enquiry"}}', interval '30 days'),
                    ('Discussion scheduled', 'Your coordinator will walk you through your ideas.', '{{"state":"discussion"}}', interval '20 days'),
                    ('Proposal sent', 'Your proposal and payment schedule are ready.', '{{"state":"proposal_sent"}}', interval '10 days')) t(title, body, data, ago);
        INSERT INTO vendors (name, category, phone, email) VALUES ('Phool Studio', 'florist', '+919811100000', 'hi@phool.example');
        INSERT INTO vendor_assignments (booking_id, vendor_id, role, milestone_text, milestone_date)
          SELECT b.id, v.id, 'Florist', 'Choosing colours with you', current_date + 50 FROM bookings b, vendors v;
    """)
    yield url


@pytest.fixture(scope="module")
def booking_row(portal_db):
    return int(db.query(portal_db, "SELECT id FROM bookings")[0][0])


@pytest.fixture(scope="module")
def built_site(root, bin_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("portal-site") / "public"
    result = subprocess.run([str(bin_dir / "roch"), "build", "--out", str(out)], cwd=root, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"roch build failed:\n{result.stdout}\n{result.stderr}"
    return out


def wait_listening(port, proc, name, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on {port}")


def announced_port(log, proc, name, timeout=30) -> int:
    """The port a FastCGI responder started with 127.0.0.1:0 says it bound, read from its log file."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        match = FASTCGI_LISTENING.search(log.read_bytes())
        if match:
            return int(match.group(1))
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text(errors='replace')}")
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not say which port it listens on")


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


NGINX_CONF = """
worker_processes 1;
master_process off;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  log_format sse '$request_uri last_event_id=$http_last_event_id status=$status';
  access_log {dir}/access.log sse;
  client_body_temp_path {dir}/body; fastcgi_temp_path {dir}/fastcgi; proxy_temp_path {dir}/proxy;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {public};
    add_header Content-Security-Policy "default-src 'self'" always;
    location = /api/portal-events {{
      include /etc/nginx/fastcgi_params;
      fastcgi_pass 127.0.0.1:{events};
      fastcgi_buffering off;
      fastcgi_read_timeout 1h;
    }}
    location /api/portal/ {{
      client_max_body_size 10551296;  # the portal's own limit, as deploy/functions.txt gives it
      include /etc/nginx/fastcgi_params;
      fastcgi_split_path_info ^(/api/portal)(/.*)$;
      fastcgi_param PATH_INFO $fastcgi_path_info;
      fastcgi_pass 127.0.0.1:{portal};
    }}
    location / {{ try_files $uri $uri/index.html $uri/ =404; }}
  }}
}}
"""


class Stack:
    """nginx in front of the two responders; nginx can be stopped and started again on its port."""

    def __init__(self, bin_dir, url, public, workdir):
        self.workdir = pathlib.Path(workdir)
        self.env = {**os.environ, "DATABASE_URL": url, "SITE_URL": "http://127.0.0.1", "PORTAL_SSE_HEARTBEAT_SECONDS": "2",
                    "PORTAL_SSE_RETRY_MS": "500"}
        self.ports = {}
        self.procs = {}
        self.env.update({"RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
                         "BUSINESS_GSTIN": "27AAPFR1234K1Z5", "VENDOR_LINK_SECRET": vendor_support.SECRET,
                         "DOCUMENTS_URL": f"file://{self.workdir / 'documents'}"})
        for name in ("portal", "portal-events", "razorpay-webhook", "vendor"):
            # port 0: the responder binds a port the OS picks and logs it
            log = self.workdir / f"{name}.log"
            proc = subprocess.Popen([str(bin_dir / name), "--fastcgi", "127.0.0.1:0"], env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
            self.ports[name] = announced_port(log, proc, name)
            wait_listening(self.ports[name], proc, name)
            self.procs[name] = proc

        def start(port):  # nginx must be told its port: again on another if it was taken meanwhile
            self.ports["nginx"] = port
            (self.workdir / "error.log").unlink(missing_ok=True)
            (self.workdir / "nginx.conf").write_text(NGINX_CONF.format(dir=self.workdir, port=port, public=public,
                                                                        events=self.ports["portal-events"], portal=self.ports["portal"]))
            self.start_nginx()

        def taken(_port):
            log = self.workdir / "error.log"
            return log.exists() and "Address already in use" in log.read_text()

        start_on_free_port(start, taken)
        self.url = f"http://127.0.0.1:{self.ports['nginx']}"

    def start_nginx(self):
        proc = subprocess.Popen(["nginx", "-c", str(self.workdir / "nginx.conf"), "-p", str(self.workdir)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_listening(self.ports["nginx"], proc, "nginx")
        self.procs["nginx"] = proc

    def kill_nginx(self):
        proc = self.procs["nginx"]
        proc.send_signal(signal.SIGKILL)  # the network goes away: connections drop, nothing answers
        proc.wait()

    def access_log(self):
        path = self.workdir / "access.log"
        return path.read_text() if path.exists() else ""

    def close(self):
        for proc in self.procs.values():
            stop(proc)


@pytest.fixture(scope="module")
def stack(bin_dir, portal_db, built_site, tmp_path_factory):
    s = Stack(bin_dir, portal_db, built_site, tmp_path_factory.mktemp("nginx"))
    yield s
    s.close()


def make_driver(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-US",
                f"--window-size={width},{height}", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(width, height)
    return driver


@pytest.fixture
def phone_driver():
    driver = make_driver(390, 844)
    yield driver
    driver.quit()


@pytest.fixture
def desktop_driver():
    driver = make_driver(1280, 900)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def razorpay(bin_dir, stack):
    """The fake Razorpay, firing signed webhooks at the real razorpay-webhook responder."""
    with FastCGIFront(("127.0.0.1", stack.ports["razorpay-webhook"])) as front:
        with FakeProcess(bin_dir, "razorpay", "--key-id", KEY_ID, "--key-secret", KEY_SECRET,
                         "--webhook-secret", WEBHOOK_SECRET, "--webhook-url", front.url) as rz:
            yield rz


@pytest.fixture(scope="module")
def deposit(portal_db, razorpay):
    """The proposal's 30/70 schedule, with the deposit's payment link issued on the fake (as the worker leaves it)."""
    deposit_pid, balance_pid = public_id(), public_id()
    db.execute(portal_db, f"""
        INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
          SELECT '{deposit_pid}', p.id, p.booking_id, 1, 'Deposit', 15000000, current_date, 'on_acceptance' FROM proposals p;
        INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
          SELECT '{balance_pid}', p.id, p.booking_id, 2, 'Balance', 35000000, current_date + 53, 'days_before_event:7' FROM proposals p;
    """)
    status, link = razorpay.api("POST", "/v1/payment_links", {
        "amount": 15000000, "currency": "INR", "reference_id": deposit_pid, "description": "Deposit",
        "notify": {"sms": False, "email": False}, "callback_url": "http://127.0.0.1/api/razorpay-webhook/return",
        "callback_method": "get"}, auth=(KEY_ID, KEY_SECRET))
    assert status == 200, link
    db.execute(portal_db, f"""
        INSERT INTO payment_links (milestone_id, attempt, reference_id, razorpay_link_id, short_url, amount_paise, status)
          SELECT id, 1, '{deposit_pid}', '{link["id"]}', '{link["short_url"]}', 15000000, 'created' FROM payment_milestones WHERE sequence = 1;
        UPDATE payment_milestones SET status = 'link_issued', razorpay_link_id = '{link["id"]}', short_url = '{link["short_url"]}'
          WHERE sequence = 1;
    """)
    return {"milestone": deposit_pid, "link": link["id"], "short_url": link["short_url"]}
