"""Issue 16: cancelling a booking after money was taken, with a partial refund, through the real UI in
headless Chromium at phone width, with the fake Razorpay (roch-fakes) behind the real RazorpayClient
and its signed webhooks coming back to the dev server's razorpay-webhook function.

The demo wedding (deposit paid, in preparation) gets a start time and a new date (reminders planned),
a link for its second instalment that the client pays on the fake's checkout page, and a link for its
balance. The owner then cancels it with a refund: the balance link is cancelled at Razorpay by the
worker, every queued reminder is cancelled, the refund and vendor-release tasks are created, and the
client is told. A partial refund of the second instalment goes through Razorpay's refund API: pending
(refund.created) until the bank settles it, then confirmed by the refund.processed webhook. Screenshots: test-output/admin/cancel-*.png."""
import contextlib
import datetime
import json
import os
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import make_driver
from psycopg_shim import query
from roch_fakes import FakeProcess
from support import free_port
from test_admin_browser import WAIT, check_accessibility, shot, sign_in_owner, wait_for_serve

WEDDING = "demo_wedding_ananya_rohan"
KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_cancel16", "cancel_key_secret", "cancel_webhook_secret"


@contextlib.contextmanager
def razorpay_desk(root, bin_dir, database_url, site):
    """`roch serve` on the seeded demo (`site`: the directory it serves), its Razorpay configuration
    pointing at the fake, whose checkout page pays links and whose signed webhooks come back to the
    server's /api/razorpay-webhook (as `make dev` runs them). Yields (base URL, environment, fake)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with FakeProcess(bin_dir, "razorpay", "--key-id", KEY_ID, "--key-secret", KEY_SECRET, "--webhook-secret", WEBHOOK_SECRET,
                     "--webhook-url", f"{base}/api/razorpay-webhook", "--checkout") as razorpay:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "SMTP_", "RAZORPAY_"))}
        env.update({"DATABASE_URL": database_url, "SITE_URL": base, "ROCH_SCRYPT_LOG2_N": "12", "ROCH_ENV_FILE": "/nonexistent",
                    "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
                    "RAZORPAY_API_BASE": f"http://127.0.0.1:{razorpay.port}", "BUSINESS_GSTIN": "27AAPFR1234K1Z5",
                    "PORTAL_SSE_HEARTBEAT_SECONDS": "2", "PORTAL_SSE_RETRY_MS": "500"})
        subprocess.run([str(bin_dir / "roch"), "seed", "--demo-sign-in"], cwd=root, env=env, check=True, capture_output=True, timeout=120)
        proc = subprocess.Popen([str(bin_dir / "roch"), "serve", "--in-process", "--port", str(port), "--dir", str(site)],
                                cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for_serve(base, proc)
            yield base, env, razorpay
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def desk(root, bin_dir, tmp_path, migrated_db):
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Roch Events</title>")
    with razorpay_desk(root, bin_dir, migrated_db, site) as running:
        yield running


def worker_once(root, bin_dir, env):
    r = subprocess.run([str(bin_dir / "roch"), "worker", "--once"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def set_value(driver, element_id, value):
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, element_id), value)


def click(driver, css):
    button = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()


def milestone(db, booking_id, label):
    row = query(db, f"""SELECT m.public_id, m.status, m.amount_paid_paise, m.amount_refunded_paise FROM payment_milestones m
                        JOIN proposals p ON p.id = m.proposal_id WHERE m.booking_id = {booking_id} AND m.label = '{label}'
                        AND p.status NOT IN ('superseded') ORDER BY m.id DESC LIMIT 1""")[0]
    return {"id": row[0], "status": row[1], "paid": int(row[2]), "refunded": int(row[3])}


def live_link(db, milestone_id):
    rows = query(db, f"""SELECT l.razorpay_link_id, l.short_url, l.status FROM payment_links l JOIN payment_milestones m ON m.id = l.milestone_id
                         WHERE m.public_id = '{milestone_id}' ORDER BY l.attempt DESC LIMIT 1""")
    return {"id": rows[0][0], "url": rows[0][1], "status": rows[0][2]} if rows else None


def issue_link(driver, base, db, root, bin_dir, env, booking_id, label, booking_public_id=WEDDING):
    """The payments desk's "Issue a new link" for a milestone, then the worker creates it at Razorpay."""
    m = milestone(db, booking_id, label)
    driver.get(f"{base}/admin/bookings/{booking_public_id}/payments")
    click(driver, f"form[action$='/payments/reissue-link'] input[value='{m['id']}'] ~ button")
    WebDriverWait(driver, WAIT).until(lambda d: "done=reissued" in d.current_url)
    worker_once(root, bin_dir, env)
    link = live_link(db, m["id"])
    assert link and link["status"] == "created" and link["url"], link
    return m, link


def test_cancelling_after_the_deposit_with_a_partial_refund(desk, output_dir, root, bin_dir):
    base, env, razorpay = desk
    db = env["DATABASE_URL"]
    booking_id = query(db, f"SELECT id FROM bookings WHERE public_id = '{WEDDING}'")[0][0]
    new_day = (datetime.date.today() + datetime.timedelta(days=50)).isoformat()
    problems = []
    driver = make_driver(360, 740, javascript=True)
    try:
        sign_in_owner(driver, base, f"/admin/bookings/{WEDDING}")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "next-h"))

        # 1. A start time and a new date: the 48 h and 2 h reminders are planned.
        driver.find_element(By.CSS_SELECTOR, "details summary").click()
        set_value(driver, "details-event_date", new_day)
        set_value(driver, "details-start_time", "18:00")
        click(driver, "form[aria-label='Event details'] button[type=submit]")
        WebDriverWait(driver, WAIT).until(lambda d: "done=details" in d.current_url)
        reminders = query(db, f"""SELECT moment FROM notifications WHERE booking_id = {booking_id} AND status = 'queued'
                                  AND moment IN ('event_reminder_48h', 'event_reminder_2h', 'payment_due_reminder')""")
        assert {"event_reminder_48h", "event_reminder_2h"} <= {r[0] for r in reminders}, reminders

        # 2. The second instalment's link, paid by the client on the fake Razorpay's checkout page.
        second, link = issue_link(driver, base, db, root, bin_dir, env, booking_id, "Second instalment")
        driver.get(link["url"])
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "form[action$='/pay'] button"))
        shot(driver, output_dir, "cancel-1-checkout-360")
        click(driver, "form[action$='/pay'] button")
        WebDriverWait(driver, WAIT).until(lambda d: milestone(db, booking_id, "Second instalment")["status"] == "paid")
        second = milestone(db, booking_id, "Second instalment")
        assert second["paid"] == 160000000  # ₹16,00,000, the demo's 40 % instalment
        payment_id = query(db, f"""SELECT p.razorpay_payment_id FROM payments p JOIN payment_milestones m ON m.id = p.milestone_id
                                   WHERE m.public_id = '{second['id']}' AND p.counted_at IS NOT NULL""")[0][0]

        # 3. The balance's link, live at Razorpay when the booking is cancelled.
        balance, balance_link = issue_link(driver, base, db, root, bin_dir, env, booking_id, "Balance")

        # 4. Cancel, with a reason and a refund.
        driver.get(f"{base}/admin/bookings/{WEDDING}")
        driver.find_element(By.ID, "cancel-reason").send_keys("The family postponed the wedding to next year")
        click(driver, "input[name=refund][value=yes]")
        click(driver, "form[aria-label='Cancel booking'] button[type=submit]")
        WebDriverWait(driver, WAIT).until(lambda d: "done=cancel" in d.current_url)
        assert query(db, f"SELECT state FROM bookings WHERE id = {booking_id}")[0][0] == "cancelled"
        check_accessibility(driver, "booking-cancelled", problems)
        shot(driver, output_dir, "cancel-2-cancelled-360")

        # reminders gone: none still queued, each cancelled with its reason
        still = query(db, f"""SELECT moment FROM notifications WHERE booking_id = {booking_id} AND status = 'queued'
                              AND moment IN ('event_reminder_48h', 'event_reminder_2h', 'payment_due_reminder', 'start_time_missing')""")
        assert still == [], still
        assert query(db, f"""SELECT count(*) FROM notifications WHERE booking_id = {booking_id} AND status = 'cancelled'
                             AND moment IN ('event_reminder_48h', 'event_reminder_2h')""")[0][0] != "0"
        # tasks created: the refund for accounts, the vendors' release for the coordinator
        tasks = {r[0]: r[1] for r in query(db, f"SELECT title, assignee_role FROM tasks WHERE booking_id = {booking_id} AND done_at IS NULL")}
        assert tasks.get("Settle refund per the cancellation terms") == "accounts", tasks
        assert tasks.get("Release booked vendors") == "coordinator", tasks
        # the client is told, with every parameter the message needs
        told = query(db, f"SELECT recipient_role, parameters::text FROM notifications WHERE booking_id = {booking_id} AND moment = 'booking_cancelled'")
        assert "client" in {r[0] for r in told} and all(json.loads(r[1]).get("client_name") for r in told), told
        # links cancelled: the worker cancels the live balance link at Razorpay
        worker_once(root, bin_dir, env)
        assert live_link(db, balance["id"])["status"] == "cancelled"
        status, at_razorpay = razorpay.api("GET", f"/v1/payment_links/{balance_link['id']}", auth=(KEY_ID, KEY_SECRET))
        assert status == 200 and at_razorpay["status"] == "cancelled", at_razorpay

        # 5. A partial refund of the second instalment through Razorpay, confirmed by its webhook.
        driver.get(f"{base}/admin/bookings/{WEDDING}/payments")
        anchor = "".join(ch for ch in payment_id[:40] if ch.isalnum())
        amount = driver.find_element(By.ID, f"refund-amount-m-{anchor}")
        amount.clear()
        amount.send_keys("20,00,000")  # more than was paid: refused on the field
        driver.find_element(By.ID, f"refund-reason-m-{anchor}").send_keys("Cancellation terms: 5 lakh back")
        click(driver, f"form[action$='/payments/refund'] input[value='{payment_id}'] ~ button")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#refund-amount-m-{anchor}[aria-invalid=true]"))
        assert query(db, "SELECT count(*) FROM refunds")[0][0] == "0"
        shot(driver, output_dir, "cancel-3-refund-refused-360")
        amount = driver.find_element(By.ID, f"refund-amount-m-{anchor}")
        amount.clear()
        amount.send_keys("5,00,000")
        click(driver, f"form[action$='/payments/refund'] input[value='{payment_id}'] ~ button")
        WebDriverWait(driver, WAIT).until(lambda d: "done=refund-started" in d.current_url)
        # Razorpay answered `pending` and sent refund.created; the bank then settles it (refund.processed)
        WebDriverWait(driver, WAIT).until(lambda d: query(db, "SELECT status FROM refunds") == [["pending"]])
        refund_id = query(db, "SELECT razorpay_refund_id FROM refunds")[0][0]
        status, settled = razorpay.api("POST", "/__fake/process-refund", {"refund_id": refund_id})
        assert status == 200, settled
        WebDriverWait(driver, WAIT).until(lambda d: query(db, "SELECT status FROM refunds")[0][0] == "processed")
        assert query(db, "SELECT amount_paise FROM refunds") == [["50000000"]]
        assert milestone(db, booking_id, "Second instalment")["refunded"] == 50000000
        status, at_razorpay = razorpay.api("GET", "/__fake/refunds")
        assert status == 200 and [(r["payment_id"], r["amount"], r["status"]) for r in at_razorpay["refunds"]] == [
            (payment_id, 50000000, "processed")], at_razorpay
        driver.get(f"{base}/admin/bookings/{WEDDING}/payments")
        assert "₹5,00,000 refunded" in driver.page_source
        check_accessibility(driver, "payments-after-refund", problems)
        shot(driver, output_dir, "cancel-4-refunded-360")
    finally:
        driver.quit()
    assert problems == []
