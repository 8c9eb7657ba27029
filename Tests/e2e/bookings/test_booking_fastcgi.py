"""The booking function as a native FastCGI responder under concurrent and hostile load."""
import concurrent.futures
import datetime
import json
import random

import fastcgi_client as fcgi
import psycopg_shim as db

FUTURE = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()


def enquiry(i: int, key: str, **overrides) -> dict:
    body = {
        "name": f"Guest {i}", "phone": f"+9198{i:08d}", "email": f"guest{i}@example.com", "event_type": "wedding",
        "event_date": FUTURE, "city": "Jaipur", "guests": 150, "budget": "10l_25l", "services": ["decor", "catering"],
        "notes": "", "whatsapp_consent": "yes", "idempotency_key": key, "website": "",
    }
    body.update(overrides)
    return body


def post_json(address, body, remote_addr="203.0.113.1"):
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    params = fcgi.cgi_params("POST", "/api/booking", raw, "application/json", remote_addr,
                             headers={"Accept": "application/json"})
    return fcgi.request(address, params, raw)


def test_1000_concurrent_submissions_with_200_duplicates_create_exactly_800_bookings(booking_fastcgi, migrated_db):
    unique = [(i, f"key-{i:06d}-{random.randrange(1 << 30)}") for i in range(800)]
    duplicates = random.Random(7).sample(unique, 200)
    work = unique + duplicates
    random.Random(11).shuffle(work)

    def submit(item):
        i, key = item
        # every visitor comes from their own address, so only idempotency decides
        return key, post_json(booking_fastcgi, enquiry(i, key), remote_addr=f"10.{i // 250}.{i % 250}.{random.randrange(1, 250)}")

    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(submit, work))

    statuses = [r[1][0] for r in results]
    assert not [s for s in statuses if s >= 500], f"server errors: {sorted(set(statuses))}"
    assert statuses.count(201) == 1000, sorted(set(statuses))
    ids_by_key = {}
    for key, (status, headers, body, _) in results:
        ids_by_key.setdefault(key, set()).add(json.loads(body)["id"])
    assert all(len(ids) == 1 for ids in ids_by_key.values()), "a repeated key returned a different booking"
    assert db.query(migrated_db, "SELECT count(*) FROM bookings") == [["800"]]
    assert db.query(migrated_db, "SELECT count(*) FROM notifications WHERE moment = 'enquiry_received' AND recipient_role = 'client'") == [["1600"]]


def test_bad_inputs_get_clear_field_errors(booking_fastcgi, migrated_db):
    cases = {
        "missing fields": ({"name": "Only A Name"}, {"phone", "email", "event_date", "city", "guests", "budget", "services", "whatsapp_consent"}),
        "past date": (enquiry(1, "k-past-0001", event_date="2020-01-01"), {"event_date"}),
        "10,000 guests": (enquiry(2, "k-guests-0001", guests=10000), {"guests"}),
        "invalid phone": (enquiry(3, "k-phone-0001", phone="12-34"), {"phone"}),
    }
    for label, (body, expected_fields) in cases.items():
        status, headers, raw, _ = post_json(booking_fastcgi, body)
        assert status == 422, label
        error = json.loads(raw)["error"]
        assert expected_fields <= set(error["fields"]), (label, error)
        assert all(isinstance(m, str) and len(m) > 5 for m in error["fields"].values())
    assert db.query(migrated_db, "SELECT count(*) FROM bookings") == [["0"]]


def test_script_tags_in_notes_are_stored_verbatim_and_escaped_when_shown(booking_fastcgi, migrated_db):
    notes = "<script>alert('x')</script> & more"
    status, _, raw, _ = post_json(booking_fastcgi, enquiry(5, "k-notes-0001", notes=notes))
    assert status == 201
    assert db.query(migrated_db, "SELECT notes FROM bookings") == [[notes]]
    # the no-JS form shows the answers back when something else is wrong: escaped
    form = f"name=A&notes={notes.replace('&', '%26')}".encode()
    params = fcgi.cgi_params("POST", "/api/booking", form, "application/x-www-form-urlencoded", "203.0.113.9")
    status, headers, body, _ = fcgi.request(booking_fastcgi, params, form)
    assert status == 422 and headers["content-type"].startswith("text/html")
    assert b"<script>alert" not in body and b"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in body


def test_oversized_wrong_type_and_wrong_method_are_refused(booking_fastcgi):
    huge = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    status, _, body, _ = post_json(booking_fastcgi, huge)
    assert status == 413
    params = fcgi.cgi_params("POST", "/api/booking", b"<xml/>", "text/xml", headers={"Accept": "application/json"})
    status, _, body, _ = fcgi.request(booking_fastcgi, params, b"<xml/>")
    assert status == 415 and json.loads(body)["error"]["code"] == "unsupported_media_type"
    status, headers, _, _ = fcgi.request(booking_fastcgi, fcgi.cgi_params("GET", "/api/booking", headers={"Accept": "application/json"}))
    assert status == 405 and headers["allow"] == "POST"
    status, _, body, _ = post_json(booking_fastcgi, b"{not json")
    assert status == 400 and json.loads(body)["error"]["code"] == "invalid_json"
