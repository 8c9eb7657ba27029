"""The vendor's signed link through the native FastCGI responder: page, form with CSRF, refusals."""
import re
import urllib.parse

import fastcgi_client as fcgi
import psycopg_shim as db

from vendor_support import token


def setup_assignments(url):
    rows = db.query(url, """
        WITH s AS (INSERT INTO staff_users (email, name, phone, role) VALUES ('priya@rochevents.in', 'Priya Shah', '+919820011111', 'coordinator') RETURNING id),
             c AS (INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ('+919876500001', 'Asha Rao', 'asha@example.com', true) RETURNING id),
             b AS (INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget, coordinator_id)
                   SELECT 'bk_e2e_vendor_000000000001', c.id, 'active_preparation', 'wedding', DATE '2026-12-20', 'Jaipur', 250, '10l_25l', s.id
                   FROM c, s RETURNING id),
             v AS (INSERT INTO vendors (name, category, phone, email) VALUES ('Bloom Florals', 'florist', '+919811100000', 'hi@bloom.example') RETURNING id)
        INSERT INTO vendor_assignments (booking_id, vendor_id, role, milestone_text, milestone_date)
        SELECT b.id, v.id, r, t, DATE '2026-12-18' FROM b, v, (VALUES (1, 'Florist', 'colours not chosen'), (2, 'Decorator', NULL)) AS x(k, r, t)
        ORDER BY k RETURNING id
        """)
    florist, decorator = int(rows[0][0]), int(rows[1][0])
    booking = db.query(url, f"SELECT booking_id FROM vendor_assignments WHERE id = {florist}")[0][0]
    db.execute(url, f"INSERT INTO vendor_dependencies VALUES ({decorator}, {florist}, {booking})")
    return florist, decorator


def get(address, tok, query=""):
    path = "/api/vendor/" + tok
    return fcgi.request(address, fcgi.cgi_params("GET", path, query=query, headers={"Accept": "text/html"}))


def post(address, tok, fields):
    body = urllib.parse.urlencode(fields).encode()
    return fcgi.request(address, fcgi.cgi_params("POST", "/api/vendor/" + tok, body, "application/x-www-form-urlencoded",
                                                 headers={"Accept": "text/html"}), body)


def test_vendor_confirms_through_the_signed_link_and_the_client_hears_of_it(vendor_fastcgi, vendor_db):
    florist, decorator = setup_assignments(vendor_db)
    tok = token(florist)
    status, headers, body, _ = get(vendor_fastcgi, tok)
    page = body.decode()
    assert status == 200, page
    assert headers["cache-control"] == "no-store"
    assert "Waiting on you: Decorator" in page and "colours not chosen" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    status, headers, _, _ = post(vendor_fastcgi, tok, {"csrf": csrf, "seen_status": "pending", "status": "confirmed",
                                                       "note": "Marigold and white roses"})
    assert status == 303 and headers["location"] == f"/api/vendor/{tok}?done=confirmed"
    assert db.query(vendor_db, f"SELECT status FROM vendor_assignments WHERE id = {florist}") == [["confirmed"]]
    assert db.query(vendor_db, "SELECT kind, title FROM portal_events") == [["vendor", "Your florist is confirmed"]]
    assert db.query(vendor_db, """
        SELECT recipient_role, channel FROM notifications WHERE moment = 'vendor_milestone_updated' ORDER BY 1, 2
        """) == [["client", "email"], ["client", "whatsapp"], ["coordinator", "email"], ["coordinator", "whatsapp"]]
    assert db.query(vendor_db, "SELECT author, body FROM vendor_assignment_notes") == [["vendor", "Marigold and white roses"]]

    status, _, body, _ = get(vendor_fastcgi, tok, "done=confirmed")
    assert status == 200 and "your status is now Confirmed" in body.decode()


def test_expired_tampered_and_revoked_links_are_refused_with_what_to_do(vendor_fastcgi, vendor_db):
    florist, decorator = setup_assignments(vendor_db)
    status, _, body, _ = get(vendor_fastcgi, token(florist, expires_in=-10))
    assert status == 410 and "This link has expired" in body.decode() and "Please call Priya Shah on +919820011111" in body.decode()

    good = token(florist)
    parts = good.split(".")
    for bad in [f"{decorator}.{parts[1]}.{parts[2]}.{parts[3]}", token(florist, secret="x" * 40), good[:-3],
                "%27%3B%20DROP%20TABLE%20vendors%3B--", "../../etc/passwd"]:
        status, _, body, _ = get(vendor_fastcgi, bad)
        assert status == 403, bad
        assert "This link is not valid" in body.decode()

    db.execute(vendor_db, f"UPDATE vendor_assignments SET link_version = 2 WHERE id = {florist}")
    status, _, body, _ = get(vendor_fastcgi, good)
    assert status == 410 and "This link has been withdrawn" in body.decode()
    assert get(vendor_fastcgi, token(florist, version=2))[0] == 200

    # A cross-site form cannot read the page, so it has no CSRF token: nothing changes.
    status, _, body, _ = post(vendor_fastcgi, token(florist, version=2), {"status": "delivered"})
    assert status == 403 and "Please use the form on the page" in body.decode()
    assert db.query(vendor_db, f"SELECT status FROM vendor_assignments WHERE id = {florist}") == [["pending"]]
    assert db.query(vendor_db, "SELECT count(*) FROM vendors") == [["1"]]
