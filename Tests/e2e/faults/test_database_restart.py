"""PostgreSQL restarted in the middle of a burst of booking submissions and Razorpay webhooks, both
functions running as native FastCGI responders with a connection pool: every request either
succeeds or is answered 503 with Retry-After and succeeds when sent again; nothing accepted is
lost; no booking, payment or receipt is made twice."""
import concurrent.futures
import datetime
import json
import threading
import time

import fastcgi_client as fcgi
import psycopg_shim as db
from payments_support import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, FastCGIFront, params, public_id
from roch_fakes import FakeProcess
from support import start_fastcgi

FUTURE = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
BOOKINGS = 40
PAYMENTS = 8
GIVE_UP_AFTER = 90   # seconds a single request keeps being retried before the test fails


def enquiry(i):
    return {"name": f"Guest {i}", "phone": f"+9197{i:08d}", "email": f"guest{i}@example.com", "event_type": "wedding",
            "event_date": FUTURE, "city": "Jaipur", "guests": 120, "budget": "10l_25l", "services": ["decor"], "notes": "",
            "whatsapp_consent": "yes", "idempotency_key": f"restart-{i:05d}-key", "website": ""}


class Answers:
    """Every answer the clients saw, and whether a 503 came with Retry-After."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = []
        self.unavailable = threading.Event()
        self.without_retry_after = []

    def saw(self, status, headers, where):
        with self.lock:
            self.statuses.append(status)
            if status == 503:
                self.unavailable.set()
                if headers is not None and not headers.get("retry-after", "").isdigit():
                    self.without_retry_after.append(where)


def submit_until_accepted(address, i, answers):
    """Sends booking i, again after each 503 (waiting Retry-After, as a browser form's script does)."""
    body = json.dumps(enquiry(i)).encode()
    deadline = time.monotonic() + GIVE_UP_AFTER
    while True:
        p = fcgi.cgi_params("POST", "/api/booking", body, "application/json", f"10.9.{i // 200}.{i % 200 + 1}",
                            headers={"Accept": "application/json"})
        status, headers, raw, _ = fcgi.request(address, p, body)
        answers.saw(status, headers, f"booking {i}")
        if status != 503 or time.monotonic() > deadline:
            return status, json.loads(raw)
        time.sleep(min(int(headers.get("retry-after", "1") or 1), 2))


def deliver_until_accepted(razorpay, event_id, answers):
    """Razorpay redelivers an event until our endpoint answers 2xx."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while True:
        status, answer = razorpay.control("POST", "/__fake/redeliver", {"event_id": event_id, "times": 1})
        assert status == 200, answer
        code = answer["webhook_statuses"][0]
        answers.saw(code, None, event_id)   # Razorpay retries on its own schedule: its Retry-After is not checked
        if code != 503 or time.monotonic() > deadline:
            return code
        time.sleep(0.5)


def seed_payable_bookings(url, razorpay, count):
    """`count` bookings in proposal_sent, each with a deposit link that exists on the fake Razorpay."""
    links = []
    for n in range(1, count + 1):
        booking_pid, deposit_pid, proposal_pid = public_id(), public_id(), public_id()
        db.execute(url, f"""
            INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ('+9198765{n:05d}', 'Client {n}', 'c{n}@example.com', true);
            INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
                VALUES ('{booking_pid}', (SELECT max(id) FROM clients), 'proposal_sent', 'wedding', current_date + 60, 'Pune', 200, '10l_25l');
            INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES ((SELECT max(id) FROM bookings), '{proposal_pid}', 10000000, 'sent');
            INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
                VALUES ('{deposit_pid}', (SELECT max(id) FROM proposals), (SELECT max(id) FROM bookings), 1, 'Deposit', 3000000, current_date, 'on_acceptance');
        """)
        status, link = razorpay.api("POST", "/v1/payment_links", {
            "amount": 3000000, "currency": "INR", "accept_partial": False, "reference_id": deposit_pid, "description": "Deposit",
            "notify": {"sms": False, "email": False}, "callback_url": "https://rochevents.test/api/razorpay-webhook/return",
            "callback_method": "get"}, auth=(KEY_ID, KEY_SECRET))
        assert status == 200, link
        db.execute(url, f"""
            INSERT INTO payment_links (milestone_id, attempt, reference_id, razorpay_link_id, short_url, amount_paise, status)
                VALUES ((SELECT id FROM payment_milestones WHERE public_id = '{deposit_pid}'), 1, '{deposit_pid}', '{link["id"]}', '{link["short_url"]}', 3000000, 'created');
            UPDATE payment_milestones SET status = 'link_issued', razorpay_link_id = '{link["id"]}', short_url = '{link["short_url"]}'
                WHERE public_id = '{deposit_pid}';
        """)
        links.append(link["id"])
    return links


def test_a_database_restart_during_a_burst_loses_nothing_and_duplicates_nothing(bin_dir, cluster, responders):
    url = cluster.url
    booking_proc, booking = start_fastcgi(bin_dir, "booking", url, {"ROCH_DB_POOL": "4"})
    webhook_proc, webhook = start_fastcgi(bin_dir, "razorpay-webhook", url, {
        "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "BUSINESS_GSTIN": "27AAPFR1234K1Z5", "STAFF_WHATSAPP": "+919820099999", "ROCH_DB_POOL": "4"})
    responders.extend([booking_proc, webhook_proc])
    answers = Answers()
    with FastCGIFront(webhook) as front, FakeProcess(bin_dir, "razorpay", "--key-id", KEY_ID, "--key-secret", KEY_SECRET,
                                                     "--webhook-secret", WEBHOOK_SECRET, "--webhook-url", front.url) as razorpay:
        links = seed_payable_bookings(url, razorpay, PAYMENTS)
        # the payments happen at Razorpay; their webhooks reach us during the burst
        events = []
        for link in links:
            status, paid = razorpay.control("POST", "/__fake/pay", {"link_id": link, "deliver": False})
            assert status == 200, paid
            events.append([e["event_id"] for e in paid["events"]])

        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            # every pooled connection is in use and idle again before the restart, so each must notice it died
            first = [pool.submit(submit_until_accepted, booking, i, answers) for i in range(8)]
            assert all(f.result()[0] == 201 for f in first)
            cluster.stop()
            later = [pool.submit(submit_until_accepted, booking, i, answers) for i in range(8, BOOKINGS)]
            hooks = [pool.submit(lambda ids: [deliver_until_accepted(razorpay, e, answers) for e in ids], ids) for ids in events]
            # PostgreSQL stays down until both functions have answered 503 at least once
            assert answers.unavailable.wait(timeout=60), "no request noticed that PostgreSQL was down"
            cluster.start()
            booking_results = [f.result() for f in first + later]
            hook_results = [f.result() for f in hooks]

    assert booking_proc.poll() is None and webhook_proc.poll() is None, "a responder died with the database"
    assert set(answers.statuses) <= {200, 201, 503}, sorted(set(answers.statuses))
    assert not answers.without_retry_after, answers.without_retry_after[:5]
    assert [s for s, _ in booking_results] == [201] * BOOKINGS
    assert all(code == 200 for codes in hook_results for code in codes), hook_results

    # nothing accepted was lost, nothing was done twice
    ids = {answer["id"] for _, answer in booking_results}
    assert len(ids) == BOOKINGS
    assert db.query(url, "SELECT count(*) FROM bookings WHERE state = 'enquiry'") == [[str(BOOKINGS)]]
    assert db.query(url, "SELECT count(*) FROM notifications WHERE moment = 'enquiry_received' AND recipient_role = 'client'") \
        == [[str(2 * BOOKINGS)]]   # WhatsApp and email for each enquiry, once
    assert db.query(url, "SELECT count(*) FROM payments WHERE status = 'captured'") == [[str(PAYMENTS)]]
    assert db.query(url, "SELECT count(*) FROM invoices") == [[str(PAYMENTS)]]
    assert db.query(url, "SELECT count(*) FROM payment_milestones WHERE status = 'paid'") == [[str(PAYMENTS)]]
    assert db.query(url, "SELECT count(*) FROM booking_transitions WHERE event = 'deposit_paid'") == [[str(PAYMENTS)]]
    # the restart was really felt: the functions answered 503 and the requests made it on a retry
    assert answers.statuses.count(503) >= 1
