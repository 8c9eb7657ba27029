"""Issue 19: each client downloads their own documents from the portal and no one else's. The
documents are issued by the real worker (`roch worker --once`) from the job settlement queues for a
counted payment, kept in a file:// document store, and fetched through the portal function run as
CGI with the client's session cookie, as fcgiwrap would."""
import base64
import datetime
import hashlib
import os
import secrets
import subprocess

import psycopg_shim as db

OTHER_PHONE = "+919876512399"


def financial_year() -> str:
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def counted_payment(url, booking_public_id, n, amount_paise):
    """A deposit paid in full as settlement records it: milestone, captured payment, receipt row, document job."""
    fy = financial_year()
    db.execute(url, f"""
        INSERT INTO proposals (booking_id, public_id, total_paise, summary, status)
          SELECT id, 'e2edocproposal00000000000{n}', {amount_paise * 3}, 'Decor and catering', 'accepted' FROM bookings
          WHERE public_id = '{booking_public_id}' AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.booking_id = bookings.id);
        INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule, status, amount_paid_paise)
          SELECT 'e2edocmilestone0000000000{n}', p.id, b.id, 1, 'Deposit (30%)', {amount_paise}, current_date, 'on_acceptance', 'paid', {amount_paise}
          FROM bookings b JOIN proposals p ON p.booking_id = b.id WHERE b.public_id = '{booking_public_id}';
        INSERT INTO payments (razorpay_payment_id, milestone_id, amount_paise, currency, status, method, captured_at, counted_at)
          SELECT 'pay_e2edocs0000{n}', id, {amount_paise}, 'INR', 'captured', 'upi', now(), now() FROM payment_milestones
          WHERE public_id = 'e2edocmilestone0000000000{n}';
        INSERT INTO invoices (public_token, number, prefix, financial_year, sequence, booking_id, milestone_id, payment_id,
                              amount_paise, net_paise, tax_paise, gst_rate_bp, issued_on)
          SELECT 'e2edocreceipttoken00000{n}', 'RE/{fy}/000{n}', 'RE', '{fy}', {n}, m.booking_id, m.id, p.id,
                 {amount_paise}, round({amount_paise} / 1.18), {amount_paise} - round({amount_paise} / 1.18), 1800, current_date
          FROM payment_milestones m JOIN payments p ON p.milestone_id = m.id WHERE m.public_id = 'e2edocmilestone0000000000{n}';
        INSERT INTO jobs (kind, idempotency_key, payload)
          SELECT 'issue_payment_documents', 'issue_payment_documents:' || id, jsonb_build_object('receipt_id', id::text)
          FROM invoices WHERE number = 'RE/{fy}/000{n}';
    """)


def session_for(url, phone) -> str:
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    digest = hashlib.sha256(secret.encode()).hexdigest()
    db.execute(url, f"""INSERT INTO portal_sessions (token_hash, client_id, expires_at)
                         SELECT '\\x{digest}'::bytea, id, now() + interval '1 hour' FROM clients WHERE phone = '{phone}'""")
    return secret


def portal_cgi(bin_dir, url, store, path_info, cookie, accept="application/pdf"):
    """One request to the portal function as CGI; (status line, headers, body)."""
    env = {**os.environ, "DATABASE_URL": url, "SITE_URL": "http://127.0.0.1", "DOCUMENTS_URL": f"file://{store}",
           "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/api/portal", "PATH_INFO": path_info,
           "QUERY_STRING": "", "REQUEST_URI": "/api/portal" + path_info, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
           "HTTP_ACCEPT": accept}
    if cookie:
        env["HTTP_COOKIE"] = f"roch_portal={cookie}"
    out = subprocess.run([str(bin_dir / "portal")], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return lines[0], headers, body


def test_the_portal_serves_a_client_their_own_invoice_and_refuses_another_clients(bin_dir, portal_db, tmp_path):
    store = tmp_path / "documents"
    db.execute(portal_db, f"""
        INSERT INTO clients (phone, name) VALUES ('{OTHER_PHONE}', 'Ravi Kumar');
        INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
          SELECT 'e2eportalbooking0000000002', id, 'deposit_paid', 'wedding', current_date + 90, 'Udaipur', 120, '10l_25l'
          FROM clients WHERE phone = '{OTHER_PHONE}';
    """)
    counted_payment(portal_db, "e2eportalbooking0000000001", 1, 15_000_000)
    counted_payment(portal_db, "e2eportalbooking0000000002", 2, 9_000_000)

    worker = subprocess.run([str(bin_dir / "roch"), "worker", "--once"], capture_output=True, text=True, timeout=180,
                            env={**os.environ, "DATABASE_URL": portal_db, "SITE_URL": "http://127.0.0.1", "DOCUMENTS_URL": f"file://{store}",
                                 "BUSINESS_GSTIN": "29AAPFR1234K1Z5"})
    assert worker.returncode == 0, worker.stderr
    assert db.query(portal_db, "SELECT status FROM jobs WHERE kind = 'issue_payment_documents'") == [["done"], ["done"]]
    fy = financial_year()
    invoices = dict(db.query(portal_db, """SELECT c.phone, d.public_id FROM documents d JOIN clients c ON c.id = d.client_id
                                           WHERE d.kind = 'tax_invoice' ORDER BY d.number"""))
    assert len(invoices) == 2
    mine, theirs = invoices["+919876512345"], invoices[OTHER_PHONE]
    # payment_received links the invoice on the portal, and was queued only once the invoice existed
    links = db.query(portal_db, "SELECT DISTINCT parameters->>'invoice_link' FROM notifications WHERE moment = 'payment_received'")
    assert [f"http://127.0.0.1/api/portal/documents/{mine}"] in links

    asha = session_for(portal_db, "+919876512345")
    status, headers, body = portal_cgi(bin_dir, portal_db, store, f"/documents/{mine}", asha)
    assert status == "Status: 200 OK" and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(body)
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert f"INV/{fy}/0001" in text and "GSTIN: 29AAPFR1234K1Z5" in text and "Asha Rao" in text
    assert "CGST" in text and "SGST" in text   # Mysuru is in Karnataka, as the business is
    assert "Rupees One Lakh Fifty Thousand Only" in text

    # The other client's invoice: the same 404 as a document that does not exist, and no bytes.
    status, _, refused = portal_cgi(bin_dir, portal_db, store, f"/documents/{theirs}", asha)
    _, _, missing = portal_cgi(bin_dir, portal_db, store, "/documents/doc_00000000000000000000000000000000", asha)
    assert status == "Status: 404 Not Found" and b"%PDF" not in refused and refused == missing
    # The list holds the client's own documents only.
    _, _, listed = portal_cgi(bin_dir, portal_db, store, "/documents", asha, accept="application/json")
    assert mine.encode() in listed and theirs.encode() not in listed
    # Without a session a browser is sent to sign in.
    status, headers, _ = portal_cgi(bin_dir, portal_db, store, f"/documents/{mine}", None, accept="text/html")
    assert status.startswith("Status: 303") and headers["location"] == "/portal/?signin=required"
