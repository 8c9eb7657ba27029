"""The whatsapp-webhook function as a native FastCGI responder, with `roch worker` sending through
the fake WhatsApp Cloud API (roch-fakes): verification, signatures, the 3 MiB body limit of the
runtime, and delivery statuses reaching the notification log."""
import hashlib
import hmac
import json
import os
import subprocess

import pytest


import fastcgi_client as fcgi  # noqa: E402
import psycopg_shim as db  # noqa: E402
from roch_fakes import FakeProcess  # noqa: E402

SECRET = "e2e-app-secret"
TOKEN = "e2e-verify-token"
PHONE_ID = "106540352242922"
ENV = {"WHATSAPP_ACCESS_TOKEN": "e2e-token", "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID, "WHATSAPP_APP_SECRET": SECRET,
       "WHATSAPP_VERIFY_TOKEN": TOKEN, "STAFF_WHATSAPP": "+919820099999"}
LIMIT = 3 * 1024 * 1024 + 64 * 1024


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def post(address, body: bytes, signature: str | None):
    headers = {"X-Hub-Signature-256": signature} if signature else {}
    return fcgi.request(address, fcgi.cgi_params("POST", "/api/whatsapp-webhook", body, "application/json", headers=headers), body)


def statuses_body(updates) -> bytes:
    value = {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_ID},
             "statuses": [{"id": w, "status": s, "timestamp": str(1790000000 + i), "recipient_id": "919988776655"}
                          for i, (w, s) in enumerate(updates)]}
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]}).encode()


@pytest.fixture
def webhook(bin_dir, migrated_db, launch_fastcgi):
    proc, address = launch_fastcgi(bin_dir, "whatsapp-webhook", migrated_db, {**ENV, "WHATSAPP_API_BASE": "http://127.0.0.1:9/v21.0"})
    yield address
    proc.terminate()
    proc.wait(timeout=10)


def test_verification_handshake(webhook):
    ok = fcgi.request(webhook, fcgi.cgi_params("GET", "/api/whatsapp-webhook",
                                              query=f"hub.mode=subscribe&hub.verify_token={TOKEN}&hub.challenge=8731"))
    assert ok[0] == 200 and ok[2] == b"8731" and ok[1]["content-type"].startswith("text/plain")
    bad = fcgi.request(webhook, fcgi.cgi_params("GET", "/api/whatsapp-webhook",
                                               query="hub.mode=subscribe&hub.verify_token=nope&hub.challenge=8731"))
    assert bad[0] == 403 and b"8731" not in bad[2]


def test_signatures_malformed_bodies_and_the_body_limit(webhook):
    body = statuses_body([("wamid.X", "delivered")])
    assert post(webhook, body, None)[0] == 401
    assert post(webhook, body, sign(body + b" "))[0] == 401
    assert post(webhook, b"{not json", sign(b"{not json"))[0] == 400
    assert post(webhook, body, sign(body))[0] == 200
    # just under the limit is read and checked (a bad signature, so 401), just over is refused by the runtime
    under = b" " * (LIMIT - 10)
    assert post(webhook, under, "sha256=00")[0] == 401
    over = b" " * (LIMIT + 1)
    assert post(webhook, over, sign(over))[0] == 413


def test_worker_sends_and_status_webhooks_reach_the_log(bin_dir, root, output_dir, migrated_db, webhook):
    url = migrated_db
    db.execute(url, """
        INSERT INTO clients (phone, name, whatsapp_consent) VALUES ('+919988776655', 'Meera Nair', true);
        INSERT INTO notifications (idempotency_key, moment, recipient_role, recipient_name, channel, address, parameters)
        SELECT 'e2e:' || i, 'event_completed', 'client', 'Meera', 'whatsapp', '+91998877' || lpad(i::text, 4, '0'),
               '{"client_name":"Meera","event_type":"Reception","review_link":"https://rochevents.test/r"}'
        FROM generate_series(1, 20) i;
    """)
    templates = output_dir / "notifications-templates.json"
    templates.write_text(json.dumps([{"name": "event_completed_client", "language": "en", "body_parameters": 3}]))
    with FakeProcess(bin_dir, "whatsapp", "--token", "e2e-token", "--phone-number-id", PHONE_ID, "--app-secret", SECRET,
                     "--templates", str(templates), "--pair-window", "0") as fake:
        env = {**os.environ, **ENV, "DATABASE_URL": url, "SITE_URL": "https://rochevents.test",
               "WHATSAPP_API_BASE": f"http://127.0.0.1:{fake.port}/v21.0", "WHATSAPP_RATE_LIMIT": "off"}
        subprocess.run([str(bin_dir / "roch"), "worker", "--once"], env=env, cwd=root, check=True, capture_output=True, timeout=120)
        sent = db.query(url, "SELECT provider_message_id FROM notifications WHERE status = 'sent' ORDER BY id")
        assert len(sent) == 20
        wamids = [r[0] for r in sent]
        # Meta's order is not guaranteed and it repeats itself: read before delivered, the whole batch twice
        body = statuses_body([(w, "read") for w in wamids[:10]] + [(w, "delivered") for w in wamids])
        for _ in range(2):
            status, _, answer, _ = post(webhook, body, sign(body))
            assert status == 200, answer
        counts = dict(db.query(url, "SELECT status, count(*) FROM notifications GROUP BY status"))
        assert counts == {"read": "10", "delivered": "10"}
        events = db.query(url, "SELECT count(*) FROM notification_events WHERE status IN ('delivered', 'read')")
        assert events == [["30"]]
