"""`roch client export` and `roch client erase` (India's DPDP Act) against real PostgreSQL: everything
about a client as JSON plus their documents, then their personal data anonymised while payments,
invoices and issued documents stay, both in the audit log."""
import hashlib
import json
import os
import subprocess

import psycopg_shim as db
from support import create_migrated_database

PHONE = "+919876500001"   # the demo client of `roch seed`


def roch(bin_dir, root, env, *args):
    return subprocess.run([str(bin_dir / "roch"), *args], env=env, cwd=root, capture_output=True, text=True, timeout=120)


def one(url, sql):
    return db.query(url, sql)[0][0]


def issue_document(url, store, number, body: bytes):
    """A receipt PDF as the document issuer leaves it: the bytes in the store, the row with their SHA-256."""
    key = f"receipt/2026-27/{number.replace('/', '-')}.pdf"
    (store / key).parent.mkdir(parents=True, exist_ok=True)
    (store / key).write_bytes(body)
    db.execute(url, f"""
        INSERT INTO documents (public_id, kind, number, financial_year, booking_id, client_id, storage_key, sha256, size_bytes,
                               content_type, total_paise)
        SELECT 'doc{number.replace('/', '')}xxxxxxxxxxxxxxxx', 'receipt', '{number}', '2026-27', b.id, b.client_id, '{key}',
               '{hashlib.sha256(body).hexdigest()}', {len(body)}, 'application/pdf', 100000
        FROM bookings b JOIN clients c ON c.id = b.client_id WHERE c.phone = '{PHONE}' LIMIT 1
    """)


def test_export_then_erase_keeps_what_tax_law_requires_and_audits_both(bin_dir, root, database_url, tmp_path):
    url = create_migrated_database(database_url, bin_dir, root, prefix="dpdp_")
    store = tmp_path / "documents"
    env = {**os.environ, "DATABASE_URL": url, "SITE_URL": "https://rochevents.test", "DOCUMENTS_URL": f"file://{store}"}
    assert roch(bin_dir, root, env, "seed").returncode == 0
    issue_document(url, store, "RCP/2026-27/0001", b"%PDF-1.7 receipt for Ananya\n%%EOF\n")
    db.execute(url, f"""
        INSERT INTO inbound_messages (wamid, from_phone, profile_name, kind, body, received_at, client_id)
        SELECT 'wamid.dpdp1', '{PHONE}', 'Ananya', 'text', 'Can we move the sangeet to 7 pm?', now(), id FROM clients WHERE phone = '{PHONE}';
    """)
    client_id = one(url, f"SELECT id FROM clients WHERE phone = '{PHONE}'")

    out = tmp_path / "export"
    exported = roch(bin_dir, root, env, "client", "export", "--phone", "98765 00001", "--to", str(out))
    assert exported.returncode == 0, exported.stderr
    data = json.loads((out / "client.json").read_text())
    assert data["client"]["phone"] == PHONE and data["client"]["name"] == one(url, f"SELECT name FROM clients WHERE id = {client_id}")
    assert len(data["bookings"]) == int(one(url, f"SELECT count(*) FROM bookings WHERE client_id = {client_id}"))
    assert len(data["payments"]) == 1 and len(data["invoices"]) == 1 and "public_token" not in data["invoices"][0]
    assert [m["body"] for m in data["messages_received"]] == ["Can we move the sangeet to 7 pm?"]
    assert len(data["messages_sent"]) == int(one(url, f"""SELECT count(*) FROM notifications n JOIN bookings b ON b.id = n.booking_id
                                                       WHERE b.client_id = {client_id} AND n.recipient_role = 'client'"""))
    assert (out / "documents" / "RCP-2026-27-0001.pdf").read_bytes() == b"%PDF-1.7 receipt for Ananya\n%%EOF\n"
    assert "storage_key" not in data["documents"][0]
    # a second export into the same folder is refused rather than mixing two exports
    assert roch(bin_dir, root, env, "client", "export", "--phone", PHONE, "--to", str(out)).returncode != 0

    before = db.query(url, """SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM invoices), (SELECT count(*) FROM documents),
                                     (SELECT string_agg(number || amount_paise, ',' ORDER BY id) FROM invoices)""")
    # the demo booking is still being prepared: erasing is refused and changes nothing
    refused = roch(bin_dir, root, env, "client", "erase", "--phone", PHONE, "--yes")
    assert refused.returncode != 0 and "in progress" in refused.stderr
    assert one(url, f"SELECT phone FROM clients WHERE id = {client_id}") == PHONE
    assert roch(bin_dir, root, env, "client", "erase", "--phone", PHONE).returncode != 0   # no --yes

    erased = roch(bin_dir, root, env, "client", "erase", "--phone", PHONE, "--yes", "--even-with-active-bookings")
    assert erased.returncode == 0, erased.stderr
    assert "kept (tax law): 1 payment(s), 1 invoice(s), 1 document(s)" in erased.stdout
    assert db.query(url, f"SELECT name, phone LIKE '+999%', email IS NULL, whatsapp_consent FROM clients WHERE id = {client_id}") \
        == [["Erased client", "t", "t", "f"]]
    assert one(url, f"SELECT count(*) FROM clients WHERE phone = '{PHONE}'") == "0"
    assert one(url, f"SELECT count(*) FROM bookings WHERE client_id = {client_id} AND (notes IS NOT NULL OR venue IS NOT NULL)") == "0"
    assert one(url, f"""SELECT count(*) FROM notifications n JOIN bookings b ON b.id = n.booking_id
                        WHERE b.client_id = {client_id} AND (n.address IS NOT NULL OR n.parameters <> '{{}}')""") == "0"
    assert one(url, f"SELECT count(*) FROM notifications n JOIN bookings b ON b.id = n.booking_id "
                    f"WHERE b.client_id = {client_id} AND n.status IN ('queued', 'held')") == "0"
    assert db.query(url, "SELECT body, profile_name IS NULL FROM inbound_messages") == [["[erased]", "t"]]
    assert one(url, f"SELECT count(*) FROM portal_tokens WHERE client_id = {client_id}") == "0"
    assert db.query(url, """SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM invoices), (SELECT count(*) FROM documents),
                                   (SELECT string_agg(number || amount_paise, ',' ORDER BY id) FROM invoices)""") == before
    assert (store / "receipt/2026-27/RCP-2026-27-0001.pdf").exists()
    audit = db.query(url, f"SELECT action, entity_id, actor LIKE 'roch client by %' FROM audit_log WHERE entity = 'client' ORDER BY id")
    assert audit == [["client.export", str(client_id), "t"], ["client.erase", str(client_id), "t"]]
    assert one(url, "SELECT details->>'invoices_kept' FROM audit_log WHERE action = 'client.erase'") == "1"
    # the phone number no longer finds anyone
    gone = roch(bin_dir, root, env, "client", "export", "--phone", PHONE, "--to", str(tmp_path / "again"))
    assert gone.returncode != 0 and "no client" in gone.stderr
