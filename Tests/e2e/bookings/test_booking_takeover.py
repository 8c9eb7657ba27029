"""The public booking form cannot take over a client's portal, end to end: the booking and portal functions
as native FastCGI responders and `roch worker --once` on one database.

The attack: a stranger who knows a client's phone number submits an enquiry with it, their own email and
"no WhatsApp", then asks for a portal sign-in link for that number."""
import datetime
import json
import os
import subprocess
import uuid

import fastcgi_client as fcgi
import psycopg_shim as db
from support import start_fastcgi

VICTIM_PHONE = "+919876543210"
ATTACKER_EMAIL = "mallory@attacker.example"
FUTURE = (datetime.date.today() + datetime.timedelta(days=120)).isoformat()


def post(address, path, body, remote_addr="198.51.100.66"):
    raw = json.dumps(body).encode()
    params = fcgi.cgi_params("POST", path, raw, "application/json", remote_addr, headers={"Accept": "application/json"})
    status, _, answer, _ = fcgi.request(address, params, raw)
    return status, json.loads(answer or b"null")


def victim_row(url):
    return db.query(url, f"""
        SELECT name, email, whatsapp_consent::text, (whatsapp_consent_at AT TIME ZONE 'UTC')::text,
               (updated_at AT TIME ZONE 'UTC')::text FROM clients WHERE phone = '{VICTIM_PHONE}'""")


def test_an_enquiry_with_a_clients_phone_neither_changes_the_client_nor_sends_their_link_to_the_stranger(
        bin_dir, root, migrated_db):
    url = migrated_db
    db.execute(url, f"""
        INSERT INTO clients (phone, name, email, whatsapp_consent, whatsapp_consent_at, updated_at)
        VALUES ('{VICTIM_PHONE}', 'Asha Rao', 'asha@example.com', true, '2026-01-02 03:04:05+00', '2026-01-02 03:04:05+00');
    """)
    before = victim_row(url)
    assert before == [["Asha Rao", "asha@example.com", "true", "2026-01-02 03:04:05", "2026-01-02 03:04:05"]]

    procs = []
    try:
        booking_proc, booking = start_fastcgi(bin_dir, "booking", url)
        procs.append(booking_proc)
        portal_proc, portal = start_fastcgi(bin_dir, "portal", url)
        procs.append(portal_proc)
        status, answer = post(booking, "/api/booking", {
            "name": "Mallory", "phone": "98765 43210", "email": ATTACKER_EMAIL, "event_type": "wedding",
            "event_date": FUTURE, "city": "Udaipur", "guests": 200, "budget": "10l_25l", "services": ["decor"],
            "notes": "", "whatsapp_consent": "no", "idempotency_key": str(uuid.uuid4()), "website": ""})
        assert status == 201, answer
        public_id = answer["id"]
        status, answer = post(portal, "/api/portal/link", {"phone": VICTIM_PHONE})
        assert status == 202, answer
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)

    # the worker runs the link request and tries every queued message (no provider configured: skipped, rows kept)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "SMTP_", "MAIL_"))}
    env.update({"DATABASE_URL": url, "SITE_URL": "https://rochevents.test"})
    worker = subprocess.run([str(bin_dir / "roch"), "worker", "--once"], env=env, cwd=root, capture_output=True, text=True,
                            timeout=120)
    assert worker.returncode == 0, worker.stderr
    assert db.query(url, "SELECT status FROM jobs WHERE kind = 'portal_link_request'") == [["done"]]

    assert victim_row(url) == before
    assert db.query(url, f"""
        SELECT c.phone, b.submitted_name, b.submitted_email, b.submitted_whatsapp_consent::text
        FROM bookings b JOIN clients c ON c.id = b.client_id WHERE b.public_id = '{public_id}'
    """) == [[VICTIM_PHONE, "Mallory", ATTACKER_EMAIL, "false"]]
    client_messages = db.query(url, """
        SELECT moment, channel, address FROM notifications WHERE recipient_role = 'client' ORDER BY moment, channel""")
    assert client_messages == [
        ["enquiry_received", "email", "asha@example.com"], ["enquiry_received", "whatsapp", VICTIM_PHONE],
        ["portal_link_requested", "email", "asha@example.com"], ["portal_link_requested", "whatsapp", VICTIM_PHONE],
    ]
    assert db.query(url, f"""
        SELECT count(*) FROM notifications WHERE address ILIKE '%attacker%' OR parameters::text ILIKE '%attacker%'""") == [["0"]]
