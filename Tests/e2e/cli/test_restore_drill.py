"""The restore drill of the README as a test: seed, back up, restore into a new database, compare the
row count and a checksum of every table, and check that the restored copy sends no message again."""
import json
import os
import subprocess
import urllib.parse
import uuid

import psycopg_shim as db
from roch_fakes import FakeProcess
from support import create_migrated_database

PHONE_ID = "106540352242922"
WHATSAPP = {"WHATSAPP_ACCESS_TOKEN": "drill-token", "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID, "WHATSAPP_APP_SECRET": "drill-secret",
            "WHATSAPP_VERIFY_TOKEN": "drill-verify", "WHATSAPP_RATE_LIMIT": "off", "SITE_URL": "https://rochevents.test"}


def roch(bin_dir, root, url, *args, extra=None):
    return subprocess.run([str(bin_dir / "roch"), *args], env={**os.environ, "DATABASE_URL": url, **(extra or {})}, cwd=root,
                          capture_output=True, text=True, timeout=300)


def census(url):
    """{table: (rows, md5 of every row's text in a stable order)} for every table of the public schema.
    The restore's own mark (the outbox paused) is left out of operator_settings."""
    tables = [r[0] for r in db.query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    result = {}
    for table in tables:
        where = "WHERE key <> 'outbox_paused'" if table == "operator_settings" else ""
        rows = db.query(url, f"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {table} t {where}")
        result[table] = tuple(rows[0])
    return result


def test_seed_back_up_restore_into_a_new_database_every_table_matches_and_nothing_is_sent_again(bin_dir, root, database_url, tmp_path):
    url = create_migrated_database(database_url, bin_dir, root, prefix="drill_src_")
    assert roch(bin_dir, root, url, "seed").returncode == 0
    # an outbox as production has it: messages already sent, and some still waiting
    db.execute(url, """
        INSERT INTO notifications (idempotency_key, moment, recipient_role, recipient_name, channel, address, parameters, status, provider_message_id)
        SELECT 'drill:' || i, 'event_completed', 'client', 'Meera', 'whatsapp', '+91998866' || lpad(i::text, 4, '0'),
               '{"client_name":"Meera","event_type":"Reception","review_link":"https://rochevents.test/r"}',
               CASE WHEN i <= 5 THEN 'sent' ELSE 'queued' END, CASE WHEN i <= 5 THEN 'wamid.drill' || i END
        FROM generate_series(1, 8) i;
    """)
    source = census(url)
    assert sum(int(rows) for rows, _ in source.values()) > 0 and int(source["notifications"][0]) >= 8

    backup = roch(bin_dir, root, url, "backup", "--to", str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = next(tmp_path.glob("roch-*.dump"))
    name = "drill_" + uuid.uuid4().hex[:10]
    restored = roch(bin_dir, root, url, "restore", "--into-new", name, str(dump))
    assert restored.returncode == 0, restored.stderr
    copy = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/" + name))

    copied = census(copy)
    assert copied.keys() == source.keys()
    assert {t: v for t, v in copied.items() if v != source[t]} == {}, "tables differ after the restore"
    # the manifest written with the dump agrees with what is in the database
    manifest = json.loads(dump.with_name(dump.name.replace(".dump", ".manifest.json")).read_text())
    assert {t: str(n) for t, n in manifest["tables"].items()} == {t: v[0] for t, v in source.items() if t in manifest["tables"]}

    templates = tmp_path / "templates.json"
    templates.write_text(json.dumps([{"name": "event_completed_client", "language": "en", "body_parameters": 3}]))
    with FakeProcess(bin_dir, "whatsapp", "--token", "drill-token", "--phone-number-id", PHONE_ID, "--app-secret", "drill-secret",
                     "--templates", str(templates), "--pair-window", "0") as fake:
        provider = {**WHATSAPP, "WHATSAPP_API_BASE": f"http://127.0.0.1:{fake.port}/v21.0"}
        # a worker pointed at the restored copy sends nothing while the outbox is paused
        paused = roch(bin_dir, root, copy, "worker", "--once", extra=provider)
        assert paused.returncode == 0, paused.stderr
        assert fake.control("GET", "/__fake/messages")[1]["send_attempts"] == 0
        # resumed, it sends what was waiting, and never again what had been sent before the backup
        assert roch(bin_dir, root, copy, "outbox", "resume").returncode == 0
        resumed = roch(bin_dir, root, copy, "worker", "--once", extra=provider)
        assert resumed.returncode == 0, resumed.stderr
        sent_to = sorted(m["to"].lstrip("+") for m in fake.control("GET", "/__fake/messages")[1]["messages"]
                         if m["to"].lstrip("+").startswith("91998866"))
    assert sent_to == [f"91998866{i:04d}" for i in range(6, 9)]
