"""Fixtures for the payment end-to-end tests: a migrated database holding a booking whose proposal
was sent, the razorpay-webhook function as a native FastCGI responder, a minimal HTTP front (what
nginx does in production: HTTP in, FastCGI to the responder), and the fake Razorpay (`roch-fakes`)
firing signed webhooks at that front."""
import subprocess

import pytest

import psycopg_shim as db
from payments_support import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, FastCGIFront, public_id
from roch_fakes import FakeProcess
from support import start_fastcgi


@pytest.fixture
def webhook_fastcgi(bin_dir, migrated_db):
    proc, address = start_fastcgi(bin_dir, "razorpay-webhook", migrated_db, {
        "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "BUSINESS_GSTIN": "27AAPFR1234K1Z5", "STAFF_WHATSAPP": "+919820099999", "ROCH_DB_POOL": "8"})
    yield address
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def razorpay(bin_dir, webhook_fastcgi):
    with FastCGIFront(webhook_fastcgi) as front:
        with FakeProcess(bin_dir, "razorpay", "--key-id", KEY_ID, "--key-secret", KEY_SECRET,
                         "--webhook-secret", WEBHOOK_SECRET, "--webhook-url", front.url) as rz:
            yield rz


@pytest.fixture
def booking(migrated_db, razorpay):
    """A booking in proposal_sent with a 30/70 schedule whose deposit link exists on the fake (as the worker leaves it)."""
    booking_pid, deposit_pid, balance_pid, proposal_pid = public_id(), public_id(), public_id(), public_id()
    db.execute(migrated_db, f"""
        INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ('+919876543210', 'Ananya Rao', 'ananya@example.com', true);
        INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
            VALUES ('{booking_pid}', 1, 'proposal_sent', 'wedding', current_date + 60, 'Bengaluru', 250, '10l_25l');
        INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES (1, '{proposal_pid}', 50000000, 'sent');
        INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
            VALUES ('{deposit_pid}', 1, 1, 1, 'Deposit', 15000000, current_date, 'on_acceptance'),
                   ('{balance_pid}', 1, 1, 2, 'Balance', 35000000, current_date + 53, 'days_before_event:7');
    """)
    status, link = razorpay.api("POST", "/v1/payment_links", {
        "amount": 15000000, "currency": "INR", "accept_partial": True, "first_min_partial_amount": 1500000,
        "reference_id": deposit_pid, "description": "Deposit", "notify": {"sms": False, "email": False},
        "callback_url": "https://rochevents.test/api/razorpay-webhook/return", "callback_method": "get"}, auth=(KEY_ID, KEY_SECRET))
    assert status == 200, link
    db.execute(migrated_db, f"""
        INSERT INTO payment_links (milestone_id, attempt, reference_id, razorpay_link_id, short_url, amount_paise, status)
            VALUES (1, 1, '{deposit_pid}', '{link["id"]}', '{link["short_url"]}', 15000000, 'created');
        UPDATE payment_milestones SET status = 'link_issued', razorpay_link_id = '{link["id"]}', short_url = '{link["short_url"]}' WHERE id = 1;
    """)
    return {"booking": booking_pid, "deposit": deposit_pid, "link": link["id"]}
