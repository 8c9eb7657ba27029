"""The worker logs JSON lines, and the line for a message carries the request id that queued it."""
import json
import os
import subprocess

import psycopg_shim as db


def test_worker_log_lines_are_json_and_name_the_request_that_queued_the_message(bin_dir, root, migrated_db):
    db.execute(migrated_db, """
        INSERT INTO notifications (idempotency_key, moment, recipient_role, channel, address, request_id)
        VALUES ('trace:1', 'booking_received', 'client', 'whatsapp', '+919988776655', '5f0e1d2c3b4a59687766554433221100')
        """)
    # WhatsApp is not configured: the worker skips the row, and says so in its log
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "SMTP_", "RAZORPAY_"))}
    env.update({"DATABASE_URL": migrated_db, "SITE_URL": "https://rochevents.test", "LOG_LEVEL": "info", "ROCH_ENV_FILE": "/nonexistent"})
    r = subprocess.run([str(bin_dir / "roch"), "worker", "--once"], env=env, cwd=root, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stderr.splitlines() if line.strip()]   # every line parses
    assert lines and all({"ts", "level", "msg"} <= set(line) for line in lines)
    traced = [line for line in lines if line["msg"] == "notification"]
    assert len(traced) == 1, lines
    assert traced[0]["request_id"] == "5f0e1d2c3b4a59687766554433221100"
    assert traced[0]["result"] == "skipped" and traced[0]["channel"] == "whatsapp"
