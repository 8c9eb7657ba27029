"""Razorpay webhooks from the fake (`roch-fakes razorpay`) through HTTP -> FastCGI into the
razorpay-webhook function, checked in the database: milestone, booking, receipts, outbox."""
import hashlib
import hmac
import json
import urllib.parse

import fastcgi_client as fcgi
import psycopg_shim as db
from payments_support import WEBHOOK_SECRET, params


def one(url, sql):
    rows = db.query(url, sql)
    return rows[0][0] if rows else None


def test_partial_then_full_deposit_through_fastcgi_confirms_the_booking_once(razorpay, booking, migrated_db):
    status, first = razorpay.control("POST", "/__fake/pay", {"link_id": booking["link"], "amount": 5000000})
    assert status == 200 and first["webhook_statuses"] == [200, 200], first
    assert db.query(migrated_db, "SELECT status, amount_paid_paise FROM payment_milestones WHERE sequence = 1") == [["partially_paid", "5000000"]]
    assert one(migrated_db, "SELECT state FROM bookings") == "proposal_sent"

    status, rest = razorpay.control("POST", "/__fake/pay", {"link_id": booking["link"]})
    assert status == 200 and rest["webhook_statuses"] == [200, 200], rest
    assert db.query(migrated_db, "SELECT status, amount_paid_paise FROM payment_milestones WHERE sequence = 1") == [["paid", "15000000"]]
    assert one(migrated_db, "SELECT state FROM bookings") == "deposit_paid"
    numbers = [r[0] for r in db.query(migrated_db, "SELECT number FROM invoices ORDER BY id")]
    assert len(numbers) == 2 and numbers[0].endswith("/0001") and numbers[1].endswith("/0002")
    assert one(migrated_db, "SELECT count(*) FROM notifications WHERE moment = 'booking_confirmed' AND recipient_role = 'client'") == "2"
    outbox_before = one(migrated_db, "SELECT count(*) FROM notifications")

    # Razorpay redelivers the final event 20 times at once: exactly one effect, every answer 200.
    final = [e for e in rest["events"] if e["event"] == "payment_link.paid"][0]
    status, again = razorpay.control("POST", "/__fake/redeliver", {"event_id": final["event_id"], "times": 20})
    assert status == 200 and again["webhook_statuses"] == [200] * 20
    assert one(migrated_db, "SELECT count(*) FROM invoices") == "2"
    assert one(migrated_db, "SELECT count(*) FROM notifications") == outbox_before
    assert one(migrated_db, "SELECT count(*) FROM booking_transitions WHERE event = 'deposit_paid'") == "1"
    assert one(migrated_db, f"SELECT count(*) FROM webhook_deliveries WHERE event_id = '{final['event_id']}' AND outcome = 'duplicate'") == "20"


def test_forged_and_tampered_deliveries_are_rejected_and_stored(razorpay, booking, webhook_fastcgi, migrated_db):
    body = json.dumps({"entity": "event", "account_id": "acc_x", "event": "payment_link.paid", "contains": [],
                       "payload": {}, "created_at": 1}).encode()
    other = hmac.new(b"not_the_secret", body, hashlib.sha256).hexdigest()
    good = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    cases = [({"X-Razorpay-Signature": other, "X-Razorpay-Event-Id": "evt_forged1"}, body, 401),
             ({"X-Razorpay-Event-Id": "evt_forged2"}, body, 400),
             ({"X-Razorpay-Signature": good, "X-Razorpay-Event-Id": "evt_forged3"}, body.replace(b"acc_x", b"acc_y"), 401)]
    for headers, raw, expected in cases:
        status, _, out, _ = fcgi.request(webhook_fastcgi, params("POST", body=raw, headers=headers), raw)
        assert status == expected, out
    assert one(migrated_db, "SELECT count(*) FROM webhook_deliveries WHERE NOT signature_ok AND outcome LIKE 'rejected%'") == "3"
    assert one(migrated_db, "SELECT status FROM payment_milestones WHERE sequence = 1") == "link_issued"
    assert one(migrated_db, "SELECT count(*) FROM notifications") == "0"


def test_return_redirect_and_receipt_page_through_fastcgi(razorpay, booking, webhook_fastcgi, migrated_db):
    status, paid = razorpay.control("POST", "/__fake/pay", {"link_id": booking["link"]})
    assert status == 200
    status, callback = razorpay.control("GET", f"/__fake/callback?link_id={booking['link']}&payment_id={paid['payment_id']}")
    query = urllib.parse.urlencode(callback["query"])
    status, headers, _, _ = fcgi.request(webhook_fastcgi, params("GET", "/return", query))
    assert status == 303 and headers["location"] == f"/portal/?payment=confirming&milestone={booking['deposit']}"
    status, _, page, _ = fcgi.request(webhook_fastcgi, params("GET", "/return", query.replace("signature=", "signature=00")))
    assert status == 400 and b"could not verify" in page

    token = one(migrated_db, "SELECT public_token FROM invoices")
    status, headers, page, _ = fcgi.request(webhook_fastcgi, params("GET", f"/receipt/{token}"))
    assert status == 200 and headers["content-type"].startswith("text/html")
    for expected in [b"27AAPFR1234K1Z5", b"Ananya Rao", b"Deposit", paid["payment_id"].encode(), b"CGST"]:
        assert expected in page


def test_fifty_concurrent_copies_of_one_event_through_fastcgi_take_effect_once(razorpay, booking, webhook_fastcgi, migrated_db):
    status, paid = razorpay.control("POST", "/__fake/pay", {"link_id": booking["link"], "deliver": False})
    assert status == 200
    final = [e for e in paid["events"] if e["event"] == "payment_link.paid"][0]
    status, answer = razorpay.control("POST", "/__fake/redeliver", {"event_id": final["event_id"], "times": 50})
    assert status == 200 and answer["webhook_statuses"] == [200] * 50
    assert one(migrated_db, "SELECT status FROM payment_milestones WHERE sequence = 1") == "paid"
    assert one(migrated_db, "SELECT count(*) FROM invoices") == "1"
    assert one(migrated_db, "SELECT count(*) FROM booking_transitions WHERE event = 'deposit_paid'") == "1"
    assert one(migrated_db, "SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NOT NULL") == "1"
