"""`roch whatsapp templates sync` against the fake WhatsApp's Business Management API, the
`message_template_status_update` webhook through the whatsapp-webhook function (native FastCGI),
and the worker holding a message until its template is approved."""
import hashlib
import hmac
import json
import os
import subprocess

import pytest

import fastcgi_client as fcgi
import psycopg_shim as db
from roch_fakes import FakeProcess
from support import LoopbackHTTPServer, QuietHandler, start_fastcgi

SECRET = "e2e-app-secret"
PHONE_ID = "106540352242922"
WABA_ID = "102290129340398"   # the fake's account id
ENV = {"WHATSAPP_ACCESS_TOKEN": "e2e-token", "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID, "WHATSAPP_APP_SECRET": SECRET,
       "WHATSAPP_VERIFY_TOKEN": "e2e-verify", "WHATSAPP_RATE_LIMIT": "off", "SITE_URL": "https://rochevents.test"}


class WebhookFront(LoopbackHTTPServer):
    """What nginx does in production: the fake's HTTP POST becomes a FastCGI request to the responder."""

    def __init__(self, address):
        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {"X-Hub-Signature-256": self.headers.get("X-Hub-Signature-256", "")}
                status, _, out, _ = fcgi.request(address, fcgi.cgi_params("POST", "/api/whatsapp-webhook", body, "application/json",
                                                                          headers=headers), body)
                self.send_response(status)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        super().__init__(Handler, "/api/whatsapp-webhook")


@pytest.fixture
def meta(bin_dir, migrated_db):
    proc, address = start_fastcgi(bin_dir, "whatsapp-webhook", migrated_db, {**ENV, "WHATSAPP_API_BASE": "http://127.0.0.1:9/v21.0"})
    try:
        with WebhookFront(address) as front, FakeProcess(bin_dir, "whatsapp", "--token", "e2e-token", "--phone-number-id", PHONE_ID,
                                                         "--app-secret", SECRET, "--webhook-url", front.url, "--pair-window", "0") as fake:
            yield fake
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def roch(bin_dir, root, url, fake, *args, token="e2e-token"):
    env = {**os.environ, **ENV, "DATABASE_URL": url, "WHATSAPP_ACCESS_TOKEN": token,
           "WHATSAPP_API_BASE": f"http://127.0.0.1:{fake.port}/v21.0", "WHATSAPP_BUSINESS_ACCOUNT_ID": WABA_ID}
    return subprocess.run([str(bin_dir / "roch"), *args], env=env, cwd=root, capture_output=True, text=True, timeout=180)


def templates_at_meta(fake):
    status, page = fake.api("GET", f"/v21.0/{WABA_ID}/message_templates", bearer="e2e-token")
    assert status == 200, page
    return {(t["name"], t["language"]): t["status"] for t in page["data"]}


def test_sync_submits_the_catalogue_and_the_worker_holds_messages_until_meta_approves(bin_dir, root, migrated_db, meta):
    url = migrated_db
    first = roch(bin_dir, root, url, meta, "whatsapp", "templates", "sync")
    assert first.returncode == 0, first.stderr + first.stdout
    at_meta = templates_at_meta(meta)
    recorded = {(r[0], r[1]): r[2] for r in db.query(url, "SELECT name, language, status FROM whatsapp_templates")}
    assert recorded == at_meta and len(at_meta) > 10 and set(at_meta.values()) == {"PENDING"}
    assert ("event_completed_client", "en") in at_meta and "event_completed_client (en): PENDING" in first.stdout

    # again: nothing is submitted twice, the statuses are read back
    again = roch(bin_dir, root, url, meta, "whatsapp", "templates", "sync")
    assert again.returncode == 0, again.stderr + again.stdout
    assert templates_at_meta(meta) == at_meta

    db.execute(url, """
        INSERT INTO notifications (idempotency_key, moment, recipient_role, recipient_name, channel, address, parameters)
        VALUES ('tpl:1', 'event_completed', 'client', 'Meera', 'whatsapp', '+919988770001',
                '{"client_name":"Meera","event_type":"Reception","review_link":"https://rochevents.test/r"}');
    """)
    assert roch(bin_dir, root, url, meta, "worker", "--once").returncode == 0
    row = db.query(url, "SELECT status, held_template, attempts, last_error FROM notifications WHERE idempotency_key = 'tpl:1'")[0]
    assert row[:3] == ["held", "event_completed_client", "0"] and "PENDING" in row[3]
    assert db.query(url, "SELECT e.status FROM notification_events e JOIN notifications n ON n.id = e.notification_id "
                         "WHERE n.idempotency_key = 'tpl:1' ORDER BY e.id") == [["held"]]
    assert meta.control("GET", "/__fake/messages")[1]["send_attempts"] == 0
    doctor = roch(bin_dir, root, url, meta, "doctor")
    assert "whatsapp templates: " in doctor.stdout and "1 message(s) held until Meta approves their template" in doctor.stdout, doctor.stdout

    # Meta rejects one template and approves another: the webhook records both, the held message is released
    status, answer = meta.control("POST", "/__fake/template-status", {"name": "booking_cancelled_client", "event": "REJECTED",
                                                                      "reason": "INCORRECT_CATEGORY"})
    assert status == 200 and answer["webhook_status"] == 200, answer
    status, answer = meta.control("POST", "/__fake/template-status", {"name": "event_completed_client", "event": "APPROVED"})
    assert status == 200 and answer["webhook_status"] == 200, answer
    assert db.query(url, "SELECT status, reason FROM whatsapp_templates WHERE name = 'booking_cancelled_client'") == [["REJECTED", "INCORRECT_CATEGORY"]]
    assert db.query(url, "SELECT status FROM whatsapp_templates WHERE name = 'event_completed_client'") == [["APPROVED"]]
    assert db.query(url, "SELECT status, held_template IS NULL FROM notifications WHERE idempotency_key = 'tpl:1'") == [["queued", "t"]]
    # a message held behind the rejected template is named by doctor as a problem
    db.execute(url, """
        INSERT INTO notifications (idempotency_key, moment, recipient_role, recipient_name, channel, address, parameters, status,
                                   held_template, held_language)
        VALUES ('tpl:2', 'booking_cancelled', 'client', 'Meera', 'whatsapp', '+919988770002', '{}', 'held', 'booking_cancelled_client', 'en');
    """)
    doctor = roch(bin_dir, root, url, meta, "doctor")
    assert doctor.returncode == 1 and "whatsapp templates: PROBLEM: " in doctor.stdout
    assert "1 for booking_cancelled_client (REJECTED)" in doctor.stdout, doctor.stdout
    db.execute(url, "UPDATE notifications SET status = 'cancelled' WHERE idempotency_key = 'tpl:2'")

    assert roch(bin_dir, root, url, meta, "worker", "--once").returncode == 0
    assert db.query(url, "SELECT status FROM notifications WHERE idempotency_key = 'tpl:1'") == [["sent"]]
    sent = meta.control("GET", "/__fake/messages")[1]["messages"]
    assert [(m["template"], m["to"]) for m in sent] == [("event_completed_client", "+919988770001")]


def test_sync_with_a_wrong_token_or_account_says_so_and_records_nothing(bin_dir, root, migrated_db, meta):
    wrong_token = roch(bin_dir, root, migrated_db, meta, "whatsapp", "templates", "sync", token="expired")
    assert wrong_token.returncode != 0 and "WHATSAPP_ACCESS_TOKEN" in wrong_token.stderr
    env = {**os.environ, **ENV, "DATABASE_URL": migrated_db, "WHATSAPP_API_BASE": f"http://127.0.0.1:{meta.port}/v21.0",
           "WHATSAPP_BUSINESS_ACCOUNT_ID": "999999999"}
    wrong_account = subprocess.run([str(bin_dir / "roch"), "whatsapp", "templates", "sync"], env=env, cwd=root,
                                   capture_output=True, text=True, timeout=60)
    assert wrong_account.returncode != 0 and "WHATSAPP_BUSINESS_ACCOUNT_ID" in wrong_account.stderr
    assert db.query(migrated_db, "SELECT count(*) FROM whatsapp_templates") == [["0"]]

