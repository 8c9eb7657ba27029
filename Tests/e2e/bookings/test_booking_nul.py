"""NUL bytes never reach PostgreSQL cut short: the booking function (native FastCGI) refuses them with a
400 naming the field, wherever they come in."""
import datetime
import json

import fastcgi_client as fcgi
import psycopg_shim as db

FUTURE = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()


def enquiry(i, key, **overrides):
    return {"name": f"Guest {i}", "phone": f"+9198{i:08d}", "email": f"guest{i}@example.com", "event_type": "wedding",
            "event_date": FUTURE, "city": "Jaipur", "guests": 150, "budget": "10l_25l", "services": ["decor"],
            "notes": "", "whatsapp_consent": "yes", "idempotency_key": key, "website": "", **overrides}


def post_json(address, raw):
    params = fcgi.cgi_params("POST", "/api/booking", raw, "application/json", "203.0.113.9", headers={"Accept": "application/json"})
    return fcgi.request(address, params, raw)


def test_a_nul_byte_in_a_json_field_a_form_field_or_a_header_is_refused_by_name(booking_fastcgi, migrated_db):
    # JSON: the \u0000 escape in the name
    raw = json.dumps(enquiry(1, "k-nul-json-0001", name="Asha\u0000Rao")).encode()
    assert b"\\u0000" in raw
    status, _, body, _ = post_json(booking_fastcgi, raw)
    assert status == 400
    error = json.loads(body)["error"]
    assert error["code"] == "nul_byte" and list(error["fields"]) == ["name"], error

    # the no-JS form: %00 in the city
    form = b"name=Asha+Rao&phone=9876543210&city=Pu%00ne&whatsapp_consent=no"
    params = fcgi.cgi_params("POST", "/api/booking", form, "application/x-www-form-urlencoded", "203.0.113.9",
                             headers={"Accept": "application/json"})
    status, _, body, _ = fcgi.request(booking_fastcgi, params, form)
    assert status == 400 and list(json.loads(body)["error"]["fields"]) == ["city"], body

    # a FastCGI parameter (a header) with a raw NUL byte
    raw = json.dumps(enquiry(2, "k-nul-head-0001")).encode()
    params = fcgi.cgi_params("POST", "/api/booking", raw, "application/json", "203.0.113.9",
                             headers={"Accept": "application/json", "X-Request-Note": "a\x00b"})
    status, _, body, _ = fcgi.request(booking_fastcgi, params, raw)
    assert status == 400 and "x-request-note" in json.loads(body)["error"]["message"], body

    assert db.query(migrated_db, "SELECT count(*) FROM bookings") == [["0"]]
    assert db.query(migrated_db, "SELECT count(*) FROM clients") == [["0"]]
