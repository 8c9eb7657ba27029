"""`roch worker` under faults: SIGKILLed in the middle of a batch, and its providers (fake WhatsApp and
Razorpay) unreachable for a while. Nothing is lost; nothing is sent twice except what the provider's
own rules allow (the WhatsApp Cloud API has no idempotency key: only a message whose request was in
flight when the worker died can reach it twice)."""
import json
import os
import signal
import subprocess
import time

import psycopg_shim as db
from payments_support import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, public_id
from roch_fakes import FakeProcess
from support import free_port

PHONE_ID = "106540352242922"
SECRET = "e2e-app-secret"
WHATSAPP = {"WHATSAPP_ACCESS_TOKEN": "e2e-token", "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID, "WHATSAPP_APP_SECRET": SECRET,
            "WHATSAPP_VERIFY_TOKEN": "e2e-verify", "STAFF_WHATSAPP": "+919820099999"}
MESSAGES = 40
WAIT_LIMIT = 120   # seconds before a test gives up waiting for the outbox to drain


def queue_messages(url, count, prefix):
    db.execute(url, f"""
        INSERT INTO notifications (idempotency_key, moment, recipient_role, recipient_name, channel, address, parameters)
        SELECT '{prefix}:' || i, 'event_completed', 'client', 'Meera', 'whatsapp', '+91998877' || lpad(i::text, 4, '0'),
               '{{"client_name":"Meera","event_type":"Reception","review_link":"https://rochevents.test/r"}}'
        FROM generate_series(1, {count}) i;
    """)


def templates_file(tmp_path):
    path = tmp_path / "templates.json"
    path.write_text(json.dumps([{"name": "event_completed_client", "language": "en", "body_parameters": 3}]))
    return path


def whatsapp_fake(bin_dir, tmp_path, *extra):
    return FakeProcess(bin_dir, "whatsapp", "--token", "e2e-token", "--phone-number-id", PHONE_ID, "--app-secret", SECRET,
                       "--templates", str(templates_file(tmp_path)), "--pair-window", "0", *extra)


def start_worker(bin_dir, root, url, whatsapp_base, extra=None):
    env = {**os.environ, **WHATSAPP, "DATABASE_URL": url, "SITE_URL": "https://rochevents.test", "WHATSAPP_API_BASE": whatsapp_base,
           "WORKER_POLL_SECONDS": "0.2", **(extra or {})}
    return subprocess.Popen([str(bin_dir / "roch"), "worker"], env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until(condition, what):
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def count(url, sql):
    return int(db.query(url, sql)[0][0])


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(bin_dir, root, migrated_db, tmp_path):
    url = migrated_db
    queue_messages(url, MESSAGES, "crash")
    with whatsapp_fake(bin_dir, tmp_path) as fake:
        def accepted():
            return fake.control("GET", "/__fake/messages")[1]["messages"]

        # a slow sender (2 messages a second, batches of 8): the tenth message is the second of the second
        # batch, so six more of that batch are still in flight for about three seconds when the kill comes
        slow = {"WHATSAPP_RATE_LIMIT": "2", "WORKER_BATCH_SIZE": "8", "WORKER_LEASE_SECONDS": "1"}
        first = start_worker(bin_dir, root, url, f"http://127.0.0.1:{fake.port}/v21.0", slow)
        try:
            wait_until(lambda: len(accepted()) >= 10, "the first worker to send ten messages")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        in_flight = {r[0] for r in db.query(url, "SELECT address FROM notifications WHERE status = 'sending'")}
        assert in_flight, "the worker was not killed inside a batch"
        assert count(url, "SELECT count(*) FROM notifications WHERE status = 'sent'") < MESSAGES

        # another worker takes over once the dead worker's leases expire
        second = start_worker(bin_dir, root, url, f"http://127.0.0.1:{fake.port}/v21.0",
                              {"WHATSAPP_RATE_LIMIT": "off", "WORKER_LEASE_SECONDS": "1"})
        try:
            wait_until(lambda: count(url, "SELECT count(*) FROM notifications WHERE status = 'sent'") == MESSAGES,
                       "every message to be sent")
        finally:
            stop(second)
        messages = accepted()

    assert count(url, "SELECT count(*) FROM notifications WHERE status <> 'sent'") == 0
    recipients = [m["to"].lstrip("+") for m in messages]
    expected = {r[0].lstrip("+") for r in db.query(url, "SELECT address FROM notifications")}
    assert set(recipients) == expected, "a message never reached WhatsApp"
    repeated = {r for r in recipients if recipients.count(r) > 1}
    assert repeated <= {a.lstrip("+") for a in in_flight}, f"sent twice without having been in flight: {repeated - in_flight}"
    assert all(recipients.count(r) <= 2 for r in recipients)
    # each row names the message WhatsApp accepted for it
    wamids = {m["wamid"] for m in messages}
    assert {r[0] for r in db.query(url, "SELECT provider_message_id FROM notifications")} <= wamids


def seed_booking_awaiting_a_link(url):
    """A booking whose proposal was accepted: a deposit milestone and the job that asks Razorpay for its link."""
    booking_pid, deposit_pid, proposal_pid = public_id(), public_id(), public_id()
    db.execute(url, f"""
        INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ('+919876543210', 'Ananya Rao', 'ananya@example.com', true);
        INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
            VALUES ('{booking_pid}', 1, 'proposal_sent', 'wedding', current_date + 60, 'Bengaluru', 250, '10l_25l');
        INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES (1, '{proposal_pid}', 50000000, 'sent');
        INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
            VALUES ('{deposit_pid}', 1, 1, 1, 'Deposit', 15000000, current_date, 'on_acceptance');
        INSERT INTO jobs (kind, idempotency_key, payload)
            VALUES ('create_payment_link', 'create_payment_link:1:on_acceptance', '{{"booking_id": "1", "milestones": "on_acceptance"}}');
    """)
    return deposit_pid


def test_providers_down_for_a_while_the_outbox_backs_off_and_drains_when_they_return(bin_dir, root, migrated_db, tmp_path):
    url = migrated_db
    queue_messages(url, 10, "outage")
    deposit = seed_booking_awaiting_a_link(url)
    whatsapp_port, razorpay_port = free_port(), free_port()   # nothing listens there yet: both providers are down
    worker = start_worker(bin_dir, root, url, f"http://127.0.0.1:{whatsapp_port}/v21.0", {
        "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "RAZORPAY_API_BASE": f"http://127.0.0.1:{razorpay_port}", "WORKER_RETRY_BASE_SECONDS": "0.5", "WORKER_MAX_ATTEMPTS": "30", "WHATSAPP_RATE_LIMIT": "off"})
    try:
        # every message and the payment-link job are tried again and again, each time after a wait, and none is given up
        wait_until(lambda: count(url, """SELECT count(*) FROM notifications WHERE status = 'queued' AND attempts >= 3
                                         AND last_error IS NOT NULL AND next_attempt_at > updated_at""") == 10
                   and count(url, "SELECT count(*) FROM jobs WHERE status = 'queued' AND attempts >= 2 AND next_attempt_at > now() - interval '1 minute'") == 1,
                   "retries while the providers are down")
        assert count(url, "SELECT count(*) FROM notifications WHERE status IN ('sent', 'failed', 'dead')") == 0
        retries = db.query(url, """SELECT count(*) FROM notification_events e JOIN notifications n ON n.id = e.notification_id
                                   WHERE e.status = 'retrying' GROUP BY n.id""")
        assert len(retries) == 10 and all(int(r[0]) >= 2 for r in retries), retries

        # the providers come back on the addresses the worker knows
        with whatsapp_fake(bin_dir, tmp_path, "--port", str(whatsapp_port)) as whatsapp, \
                FakeProcess(bin_dir, "razorpay", "--key-id", KEY_ID, "--key-secret", KEY_SECRET, "--webhook-secret", WEBHOOK_SECRET,
                            "--port", str(razorpay_port)) as razorpay:
            wait_until(lambda: count(url, "SELECT count(*) FROM notifications WHERE idempotency_key LIKE 'outage:%' AND status = 'sent'") == 10
                       and count(url, "SELECT count(*) FROM jobs WHERE status = 'done'") == 1,
                       "the outbox to drain once the providers are back")
            messages = whatsapp.control("GET", "/__fake/messages")[1]["messages"]
            links = razorpay.control("GET", "/__fake/links")[1]["payment_links"]
    finally:
        stop(worker)
    assert len([m for m in messages if m["template"] == "event_completed_client"]) == 10
    assert [link["reference_id"] for link in links] == [deposit]
    assert db.query(url, "SELECT status FROM payment_milestones") == [["link_issued"]]
