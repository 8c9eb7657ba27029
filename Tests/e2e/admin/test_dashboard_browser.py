"""The staff dashboard (issue 18) in headless Chromium, served by `roch serve --in-process`, on the
demo (`roch seed --demo-sign-in`) and on the five-year history (`roch seed --history 5y --demo-sign-in`):
every panel populated, an overdue payment in red with its words and icon, a blocked vendor with its
reason, a failed message retried (back in the queue, audited), a reminder sent from the outstanding
payments; the chart CSVs parse and agree with the tables; axe-core finds no serious or critical
violation; screenshots at phone and desktop width go to test-output/admin/."""
import csv
import io
import os
import pathlib
import subprocess
import sys
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import make_driver
from psycopg_shim import execute, query
from support import free_port
from test_admin_browser import OWNER, OWNER_KEY, WAIT, check_accessibility, shot, sign_in, sign_in_owner, totp

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "payments"))
from payments_support import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, FastCGIFront  # noqa: E402
from roch_fakes import FakeProcess  # noqa: E402
from support import start_fastcgi  # noqa: E402


def serve(root, bin_dir, tmp_path, db, seed_args):
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Roch Events</title>")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": db, "SITE_URL": base, "ROCH_SCRYPT_LOG2_N": "12"}
    subprocess.run([str(bin_dir / "roch"), "seed", *seed_args, "--demo-sign-in"], cwd=root, env=env, check=True,
                   capture_output=True, timeout=600)
    proc = subprocess.Popen([str(bin_dir / "roch"), "serve", "--in-process", "--port", str(port), "--dir", str(site)],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + WAIT
    while True:
        try:
            urllib.request.urlopen(base + "/admin/login", timeout=1)
            return base, proc
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("roch serve never answered")
            time.sleep(0.1)


@pytest.fixture
def demo_site(root, bin_dir, tmp_path, migrated_db):
    base, proc = serve(root, bin_dir, tmp_path, migrated_db, [])
    yield base, migrated_db
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def history_site(root, bin_dir, tmp_path, migrated_db):
    base, proc = serve(root, bin_dir, tmp_path, migrated_db, ["--history", "5y"])
    yield base, migrated_db
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def razorpay(bin_dir, migrated_db):
    """The razorpay-webhook function as a FastCGI responder behind a small HTTP front, and the fake
    Razorpay firing signed webhooks at it (as in Tests/e2e/payments)."""
    proc, address = start_fastcgi(bin_dir, "razorpay-webhook", migrated_db, {
        "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "BUSINESS_GSTIN": "27AAPFR1234K1Z5", "STAFF_WHATSAPP": "+919820099999"})
    try:
        with FastCGIFront(address) as front:
            with FakeProcess(bin_dir, "razorpay", "--key-id", KEY_ID, "--key-secret", KEY_SECRET,
                             "--webhook-secret", WEBHOOK_SECRET, "--webhook-url", front.url) as rz:
                yield rz
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def owner_signs_in(driver, base):
    sign_in_owner(driver, base, "/admin/")
    try:
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/") and d.find_elements(By.ID, "attention"))
    except Exception:
        raise AssertionError(f"the dashboard did not open: {driver.current_url}\n{driver.find_element(By.TAG_NAME, 'main').text[:2000]}")


def same_session(driver, base, cookie):
    driver.get(base + "/admin/login")
    driver.add_cookie({"name": cookie["name"], "value": cookie["value"], "path": "/", "secure": True})
    driver.get(base + "/admin/")
    assert driver.find_elements(By.ID, "attention")


def panel(driver, name):
    return driver.find_element(By.ID, name)


def items(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def fetch(driver, base, path):
    cookie = driver.get_cookie("__Host-roch_staff")
    req = urllib.request.Request(base + path, headers={"Cookie": f"__Host-roch_staff={cookie['value']}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def rupees(text):
    """'₹1,25,000' or '-₹2,500.50' as paise."""
    negative = text.startswith("-")
    digits = text.replace("-", "").replace("₹", "").replace(",", "")
    whole, _, paise = digits.partition(".")
    value = int(whole) * 100 + int((paise + "00")[:2])
    return -value if negative else value


def check_reports_agree_with_their_csv(driver, base):
    """Each chart's table and its CSV: same rows, same amounts; the CSV parses with csv."""
    reports = items(driver, "figure.dash-chart")
    assert len(reports) == 3
    for figure in reports:
        assert figure.find_elements(By.CSS_SELECTOR, "svg.chart[role=img] title")
        link = figure.find_element(By.CSS_SELECTOR, "a[download]").get_attribute("href")
        status, kind, body = fetch(driver, base, link.replace(base, ""))
        assert status == 200 and kind.startswith("text/csv")
        rows = list(csv.reader(io.StringIO(body)))
        header, data = rows[0], rows[1:]
        table = [[c.get_attribute("textContent") for c in tr.find_elements(By.CSS_SELECTOR, "th, td")]
                 for tr in figure.find_elements(By.CSS_SELECTOR, "tbody tr")]
        assert len(header) == len(table[0]) and len(data) == len(table) > 0
        for csv_row, shown in zip(data, table):
            assert csv_row[0] == shown[0]
            assert [round(float(v) * 100) for v in csv_row[1:]] == [rupees(v) for v in shown[1:]]
        # the column totals match (what an accountant's spreadsheet would add up)
        for col in range(1, len(header)):
            assert sum(round(float(r[col]) * 100) for r in data) == sum(rupees(r[col]) for r in table)


def check_exports_agree_with_the_dashboard(driver, base):
    """The receipts export, month by month, adds up to the revenue table's "Collected"; its GST columns
    add up to each invoice's value; every export parses with csv; bad input gets the form back with why."""
    figure = items(driver, "figure.dash-chart")[0]
    table = [[c.get_attribute("textContent") for c in tr.find_elements(By.CSS_SELECTOR, "th, td")]
             for tr in figure.find_elements(By.CSS_SELECTOR, "tbody tr")]
    first, last = table[0][0] + "-01", table[-1][0] + "-28"
    status, kind, body = fetch(driver, base, f"/admin/exports/download?kind=receipts&fy=&from={first}&to={last}")
    assert status == 200 and kind.startswith("text/csv")
    receipts = list(csv.DictReader(io.StringIO(body)))
    assert receipts and set(receipts[0]) >= {"Invoice number", "Invoice date", "Client GSTIN", "Place of supply", "Taxable value",
                                              "CGST", "SGST", "IGST", "Invoice value"}
    by_month = {}
    for r in receipts:
        paise = lambda name: round(float(r[name]) * 100)
        assert paise("Taxable value") + paise("CGST") + paise("SGST") + paise("IGST") == paise("Invoice value"), r
        by_month[r["Invoice date"][:7]] = by_month.get(r["Invoice date"][:7], 0) + paise("Invoice value")
    for row in table[:-1]:  # the current month runs on past "today"'s last-28 cut-off only in the last row
        assert by_month.get(row[0], 0) == rupees(row[1]), row
    this_year = driver.execute_script("return new Date().getMonth() >= 3 ? new Date().getFullYear() : new Date().getFullYear() - 1")
    fy = f"{this_year}-{(this_year + 1) % 100:02d}"
    for what in ("payments", "refunds", "vendor-payments"):
        status, kind, body = fetch(driver, base, f"/admin/exports/download?kind={what}&fy={fy}")
        rows = list(csv.reader(io.StringIO(body)))
        assert status == 200 and len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows), what
    driver.get(base + "/admin/exports/download?kind=receipts&fy=&from=2026-12-01&to=2026-11-01")
    assert "To must not be before From." in driver.find_element(By.ID, "to-error").text
    assert driver.find_element(By.ID, "to").get_attribute("aria-invalid") == "true"
    driver.get(base + "/admin/")


def test_the_owner_sees_every_panel_of_the_demo_retries_a_failed_message_and_reminds_an_overdue_client(demo_site, output_dir):
    base, db = demo_site
    # Arrange what the demo does not have yet: its deposit fell due five days ago, one WhatsApp failed.
    milestone = query(db, "SELECT public_id FROM payment_milestones WHERE status = 'pending' ORDER BY due_on LIMIT 1")[0][0]
    execute(db, f"UPDATE payment_milestones SET due_on = current_date - 5 WHERE public_id = '{milestone}'")
    execute(db, """
        INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, recipient_name, channel, address, status,
                                   attempts, last_error)
        SELECT 'e2e-failed', 'payment_received', id, 'client', 'Ananya Rao', 'whatsapp', '+919876500001', 'failed', 8,
               '(#131026) Message undeliverable' FROM bookings LIMIT 1""")
    failed_id = query(db, "SELECT id FROM notifications WHERE idempotency_key = 'e2e-failed'")[0][0]
    problems = []
    driver = make_driver(1280, 900, javascript=True)
    try:
        owner_signs_in(driver, base)
        assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Dashboard")
        # needs attention first, and each of its items links to where it is fixed
        sections = [s.get_attribute("id") for s in items(driver, "main section")]
        assert sections[0] == "attention" and set(sections) >= {"payments", "agenda", "revenue", "vendors", "messages"}
        overdue = panel(driver, "attention").find_element(By.CSS_SELECTOR, ".urgency-overdue")
        badge = overdue.find_element(By.CSS_SELECTOR, ".dash-urgency")
        assert "Overdue" in badge.text and "⚠" in badge.text  # words and an icon, not colour alone
        assert badge.value_of_css_property("background-color") == "rgba(164, 22, 26, 1)"  # --error, red
        assert overdue.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("/admin/bookings/demo_wedding_ananya_rohan")
        failed = panel(driver, "attention").find_element(By.CSS_SELECTOR, ".dash-failed")
        assert "(#131026) Message undeliverable" in failed.text
        assert "+91 ••••••0001" not in failed.text  # the owner sees the number itself
        # every other panel has something in it
        assert items(driver, "#payments .dash-payment") and items(driver, "#agenda .admin-list-item")
        vendors = panel(driver, "vendors")
        blocked = vendors.find_elements(By.CSS_SELECTOR, ".dash-blocked")
        assert blocked and "blocked" in blocked[0].text and "Root cause" in blocked[0].text
        assert items(driver, "#messages .dash-message")
        check_reports_agree_with_their_csv(driver, base)
        check_accessibility(driver, "dashboard-demo", problems)
        shot(driver, output_dir, "dashboard-demo-1280")

        # a failed message retried: back in the queue, gone from "needs attention", audited
        failed = panel(driver, "attention").find_element(By.CSS_SELECTOR, ".dash-failed")
        failed.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "notice=message-retried" in d.current_url)
        assert "back in the queue" in driver.find_element(By.CSS_SELECTOR, ".admin-notice").text
        assert not items(driver, "#attention .dash-failed")
        assert query(db, f"SELECT status, attempts FROM notifications WHERE id = {failed_id}") == [["queued", "0"]]
        assert query(db, f"SELECT count(*) FROM audit_log WHERE action = 'notification.retried' AND entity_id = '{failed_id}'") == [["1"]]

        # "send reminder now" on the overdue deposit: the demo has no Razorpay link yet, so one is made first
        panel(driver, "attention").find_element(By.CSS_SELECTOR, ".urgency-overdue button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "notice=" in d.current_url)
        assert query(db, f"SELECT count(*) FROM jobs WHERE kind = 'create_payment_link' AND payload ->> 'milestones' = '{milestone}'") == [["1"]]
        assert query(db, f"SELECT count(*) FROM audit_log WHERE action = 'payment.reminder_sent' AND entity_id = '{milestone}'") == [["1"]]

        # the notification log's filters
        driver.get(base + "/admin/messages?status=queued&channel=whatsapp")
        rows = items(driver, ".dash-message")
        assert rows and all("queued" in r.text and "WhatsApp" in r.text for r in rows)
        check_accessibility(driver, "messages", problems)
        driver.get(base + "/admin/messages?status=nonsense&from=yesterday")
        assert "Pick a status from the list." in driver.page_source and "From must be a date" in driver.page_source

        driver.get(base + "/admin/calendar")
        assert items(driver, "table.dash-calendar tbody tr")
        check_accessibility(driver, "calendar", problems)
        session = driver.get_cookie("__Host-roch_staff")
    finally:
        driver.quit()
    driver = make_driver(360, 740, javascript=True)
    try:
        same_session(driver, base, session)  # a TOTP code is good once: the phone takes over the session
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360, f"the dashboard scrolls sideways on a phone ({width} px)"
        check_accessibility(driver, "dashboard-demo-360", problems)
        shot(driver, output_dir, "dashboard-demo-360")
        driver.get(base + "/admin/calendar")
        shot(driver, output_dir, "calendar-360")
    finally:
        driver.quit()
    assert problems == []


def test_the_dashboard_updates_live_when_the_client_pays_through_razorpay(demo_site, razorpay, output_dir):
    base, db = demo_site
    # The demo's balance gets a Razorpay link on the fake, as the worker's PaymentLinkJob leaves it.
    milestone_id, milestone, amount = query(db, """
        SELECT id, public_id, amount_paise FROM payment_milestones WHERE status = 'pending' ORDER BY due_on DESC LIMIT 1""")[0]
    status, link = razorpay.api("POST", "/v1/payment_links", {
        "amount": int(amount), "currency": "INR", "accept_partial": True, "first_min_partial_amount": int(amount) // 10,
        "reference_id": milestone, "description": "Balance", "notify": {"sms": False, "email": False},
        "callback_url": "https://rochevents.test/api/razorpay-webhook/return", "callback_method": "get"}, auth=(KEY_ID, KEY_SECRET))
    assert status == 200, link
    execute(db, f"""
        INSERT INTO payment_links (milestone_id, attempt, reference_id, razorpay_link_id, short_url, amount_paise, status)
            VALUES ({milestone_id}, 1, '{milestone}', '{link["id"]}', '{link["short_url"]}', {amount}, 'created');
        UPDATE payment_milestones SET status = 'link_issued', razorpay_link_id = '{link["id"]}', short_url = '{link["short_url"]}'
            WHERE id = {milestone_id};""")
    remind = f"#payments form[action='/admin/milestones/{milestone}/remind']"
    driver = make_driver(1280, 900, javascript=True)
    try:
        owner_signs_in(driver, base)
        WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "dash-live").text.startswith("Live:"))
        assert items(driver, remind)
        count = panel(driver, "payments").find_element(By.CSS_SELECTOR, "p.small").text
        assert count.startswith("2 unpaid milestones")
        driver.execute_script("document.body.setAttribute('data-marker', 'same page')")  # gone if the page reloads

        status, paid = razorpay.control("POST", "/__fake/pay", {"link_id": link["id"]})
        assert status == 200 and paid["webhook_statuses"] == [200, 200], paid
        WebDriverWait(driver, WAIT).until(lambda d: not items(d, remind))
        assert panel(driver, "payments").find_element(By.CSS_SELECTOR, "p.small").text.startswith("1 unpaid milestones")
        assert driver.find_element(By.TAG_NAME, "body").get_attribute("data-marker") == "same page"
        assert "Live: updated at" in driver.find_element(By.ID, "dash-live").text
        shot(driver, output_dir, "dashboard-live-1280")
    finally:
        driver.quit()


def test_every_panel_is_populated_on_the_five_year_history(history_site, output_dir):
    base, db = history_site
    problems = []
    driver = make_driver(1280, 900, javascript=True)
    try:
        owner_signs_in(driver, base)
        for selector in ("#attention .urgency-overdue", "#attention .dash-blocked", "#attention .dash-failed", "#payments .dash-payment",
                         "#agenda .admin-list-item", "#agenda meter", "#vendors .admin-list-item", "#messages .dash-message"):
            assert items(driver, selector), f"nothing in {selector}"
        badge = driver.find_element(By.CSS_SELECTOR, "#attention .urgency-overdue .dash-urgency")
        assert "Overdue" in badge.text and badge.value_of_css_property("background-color") == "rgba(164, 22, 26, 1)"
        blocked = driver.find_element(By.CSS_SELECTOR, "#attention .dash-blocked").text
        assert "Blocked:" in blocked and "waits on" in blocked and "Root cause:" in blocked
        check_reports_agree_with_their_csv(driver, base)
        # the revenue table has money in it (five years of receipts)
        assert any(rupees(td.get_attribute("textContent")) > 0 for td in items(driver, "#revenue figure:first-of-type tbody td"))
        check_exports_agree_with_the_dashboard(driver, base)
        check_accessibility(driver, "dashboard-5y", problems)
        shot(driver, output_dir, "dashboard-5y-1280")

        failed = driver.find_element(By.CSS_SELECTOR, "#attention .dash-failed")
        message_id = failed.find_element(By.CSS_SELECTOR, "form").get_attribute("action").split("/")[-2]
        failed.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "notice=message-retried" in d.current_url)
        assert query(db, f"SELECT status FROM notifications WHERE id = {message_id}") == [["queued"]]
        assert not driver.find_elements(By.CSS_SELECTOR, f"#attention form[action='/admin/messages/{message_id}/retry']")

        # each list shows its first rows on the dashboard and every row on its panel's own page
        driver.get(base + "/admin/")
        assert len(items(driver, "#payments .dash-payment")) == 10
        driver.find_element(By.CSS_SELECTOR, "#payments a[href='/admin/dashboard/payments']").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/dashboard/payments"))
        unpaid = int(panel(driver, "payments").find_element(By.CSS_SELECTOR, "p.small").text.split()[0])
        assert unpaid > 10 and len(items(driver, "#payments .dash-payment")) == unpaid
        check_accessibility(driver, "dashboard-payments-5y", problems)

        driver.get(base + "/admin/messages?status=failed&channel=whatsapp")
        rows = items(driver, ".dash-message")
        assert len(rows) == 50 and all("failed" in r.text and "WhatsApp" in r.text for r in rows)
        assert driver.find_elements(By.CSS_SELECTOR, "a[rel=next]")
        session = driver.get_cookie("__Host-roch_staff")
    finally:
        driver.quit()
    driver = make_driver(360, 740, javascript=True)
    try:
        same_session(driver, base, session)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360, f"the dashboard scrolls sideways on a phone ({width} px)"
        check_accessibility(driver, "dashboard-5y-360", problems)
        shot(driver, output_dir, "dashboard-5y-360")
    finally:
        driver.quit()
    assert problems == []
