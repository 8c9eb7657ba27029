"""Issue 16: the dev inbox. `roch serve` (as `make dev` runs it, with the fake WhatsApp and SMTP servers
from the test support code) shows at /dev/inbox every WhatsApp message and email the fakes accepted, as
its recipient reads it, with its links. The messages travel the real path: an enquiry through the
booking function, the real worker sending its outbox to the fakes."""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid
import datetime

from roch_fakes import FakeProcess
from support import free_port

PHONE_ID = "100000000000001"
EVENT_DAY = datetime.date.today() + datetime.timedelta(days=150)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except urllib.error.URLError:
        return None, ""


def test_the_dev_inbox_shows_what_the_fakes_received_as_the_recipients_read_it(bin_dir, root, migrated_db, tmp_path):
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Roch Events</title>")
    with FakeProcess(bin_dir, "whatsapp", "--token", "dev-token", "--phone-number-id", PHONE_ID, "--app-secret", "dev-secret",
                     "--catalogue-templates", "--pair-window", "0") as whatsapp, \
            FakeProcess(bin_dir, "smtp") as smtp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "SMTP_", "RAZORPAY_", "DEV_FAKE_"))}
        env.update({"DATABASE_URL": migrated_db, "SITE_URL": base, "ROCH_ENV_FILE": "/nonexistent",
                    "WHATSAPP_ACCESS_TOKEN": "dev-token", "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID, "WHATSAPP_APP_SECRET": "dev-secret",
                    "WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_API_BASE": f"http://127.0.0.1:{whatsapp.port}/v21.0",
                    "SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "SMTP_CA_FILE": smtp.ca_file, "MAIL_FROM": "hello@rochevents.test", "STAFF_WHATSAPP": "+919820011111",
                    "DEV_FAKE_WHATSAPP_URL": f"http://127.0.0.1:{whatsapp.control_port}",
                    "DEV_FAKE_SMTP_URL": f"http://127.0.0.1:{smtp.control_port}"})
        serve = subprocess.Popen([str(bin_dir / "roch"), "serve", "--in-process", "--port", str(port), "--dir", str(site)],
                                 cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.time() + 30
            while get(base + "/dev/inbox")[0] != 200:
                assert serve.poll() is None and time.time() < deadline, "roch serve never answered"
                time.sleep(0.1)
            status, empty = get(base + "/dev/inbox")
            assert "WhatsApp (0)" in empty and "Email (0)" in empty

            body = json.dumps({"name": "Asha Rao", "phone": "98765 12000", "email": "asha@example.com", "event_type": "wedding",
                               "event_date": EVENT_DAY.isoformat(), "city": "Mysuru", "guests": 250, "budget": "25l_50l",
                               "services": ["decor"], "notes": "", "whatsapp_consent": "yes",
                               "idempotency_key": str(uuid.uuid4()), "website": ""}).encode()
            request = urllib.request.Request(base + "/api/booking", data=body, method="POST",
                                             headers={"Content-Type": "application/json", "Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as r:
                assert r.status == 201
            worker = subprocess.run([str(bin_dir / "roch"), "worker", "--once"], cwd=root, env=env,
                                    capture_output=True, text=True, timeout=120)
            assert worker.returncode == 0, worker.stderr

            status, page = get(base + "/dev/inbox")
            assert status == 200
            # the client's WhatsApp message, its template filled in as their phone shows it
            assert "To +919876512000" in page
            assert "Namaste Asha Rao, thank you for choosing Roch Events for your" in page
            # the client's email, decoded (subject and base64 body), as their mail app shows it
            assert "We have received your enquiry, Asha Rao" in page
            assert "One of our planners will call you on" in page
            # the team's WhatsApp message carries the booking's admin link, clickable
            booking = json.loads(subprocess.run(["psql", migrated_db, "-tAc", "SELECT json_agg(public_id) FROM bookings"],
                                                capture_output=True, text=True, check=True).stdout)[0]
            assert f'<a href="{base}/admin/bookings/{booking}">' in page, page
            # what the fakes hold is what the page shows: one section per channel, counted
            with urllib.request.urlopen(f"http://127.0.0.1:{whatsapp.control_port}/__fake/messages", timeout=10) as r:
                sent = len(json.load(r)["messages"])
            assert sent >= 1 and f"WhatsApp ({sent})" in page
            # the page answers only GET, and only the dev server has it
            request = urllib.request.Request(base + "/dev/inbox", data=b"", method="POST")
            try:
                urllib.request.urlopen(request, timeout=10)
                raise AssertionError("POST /dev/inbox was accepted")
            except urllib.error.HTTPError as e:
                assert e.code == 405
        finally:
            serve.terminate()
            serve.wait(timeout=10)
