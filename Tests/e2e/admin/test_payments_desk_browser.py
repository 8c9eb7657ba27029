"""The payments desk in headless Chromium at phone width (360 px), on `roch seed --demo-sign-in`'s
wedding (deposit paid, second instalment and balance due): the owner signs in, opens the booking's
payments desk from the booking page, first sends a bad offline payment (the message is on the field,
nothing is written), then records the second instalment as a bank transfer and sees it settled with a
receipt while `payment_received` is queued; the client-timeline page is reachable and accessible.
axe-core: no serious or critical violation. Screenshots under test-output/admin/."""
import datetime
import os
import subprocess
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import psycopg_shim as db
from browser import make_driver
from test_admin_browser import OWNER, OWNER_KEY, WAIT, admin_site, check_accessibility, shot, sign_in, sign_in_owner, totp  # noqa: F401

WEDDING = "demo_wedding_ananya_rohan"


def today_in_india() -> str:
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date().isoformat()


def test_owner_records_the_second_instalment_as_a_bank_transfer_on_a_phone(admin_site, output_dir, bin_dir, tmp_path):
    base, env = admin_site
    url = env["DATABASE_URL"]
    problems = []
    driver = make_driver(360, 800, javascript=True)
    try:
        sign_in_owner(driver, base, f"/admin/bookings/{WEDDING}")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "payments-h"))
        driver.find_element(By.CSS_SELECTOR, f"a[href='/admin/bookings/{WEDDING}/payments']").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/payments"))
        check_accessibility(driver, "payments desk", problems)
        shot(driver, output_dir, "payments-desk-360")

        second = db.query(url, f"""SELECT m.public_id, m.amount_paise FROM payment_milestones m JOIN bookings b ON b.id = m.booking_id
                                   WHERE b.public_id = '{WEDDING}' AND m.sequence = 2""")[0]
        milestone, amount_paise = second[0], int(second[1])
        before = db.query(url, "SELECT count(*) FROM payments")[0][0]

        # A cheque without its number, for more than is due: refused on the fields, nothing written.
        form = driver.find_element(By.CSS_SELECTOR, f"form[action$='/payments/offline'] input[name=milestone][value='{milestone}']") \
            .find_element(By.XPATH, "..")
        Select(form.find_element(By.NAME, "method")).select_by_value("cheque")
        amount = form.find_element(By.NAME, "amount")
        typed_amount = amount.get_attribute("value")
        amount.clear()
        amount.send_keys("99,99,99,999")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, f"reference-{milestone}-e"))
        assert "cheque number" in driver.find_element(By.ID, f"reference-{milestone}-e").text
        assert "outstanding" in driver.find_element(By.ID, f"amount-{milestone}-e").text
        assert driver.find_element(By.ID, f"reference-{milestone}").get_attribute("aria-invalid") == "true"
        assert db.query(url, "SELECT count(*) FROM payments")[0][0] == before
        check_accessibility(driver, "payments desk with errors", problems)
        shot(driver, output_dir, "payments-desk-errors-360")

        # The same form, put right: a bank transfer of the whole instalment, received today.
        form = driver.find_element(By.CSS_SELECTOR, f"form[action$='/payments/offline'] input[name=milestone][value='{milestone}']") \
            .find_element(By.XPATH, "..")
        Select(form.find_element(By.NAME, "method")).select_by_value("bank_transfer")
        amount = form.find_element(By.NAME, "amount")
        amount.clear()
        amount.send_keys(typed_amount)
        reference = form.find_element(By.NAME, "reference")
        reference.clear()
        reference.send_keys("UTR HDFCN52026120499999")
        driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "received_on"), today_in_india())
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "done=recorded" in d.current_url)
        assert "The payment is recorded" in driver.page_source
        assert "UTR HDFCN52026120499999" in driver.page_source
        assert db.query(url, f"SELECT status, amount_paid_paise FROM payment_milestones WHERE public_id = '{milestone}'") \
            == [["paid", str(amount_paise)]]
        receipt = db.query(url, f"""SELECT i.number FROM invoices i JOIN payments p ON p.id = i.payment_id
                                    WHERE p.source = 'offline' AND p.offline_reference = 'UTR HDFCN52026120499999'""")
        assert len(receipt) == 1 and receipt[0][0].startswith("RE/")
        assert receipt[0][0] in driver.page_source
        # payment_received follows its tax invoice: settlement queues the document job, and the worker
        # issues the invoice, then queues the message that links it.
        assert db.query(url, "SELECT status FROM jobs WHERE kind = 'issue_payment_documents' AND status = 'queued'") == [["queued"]]
        worker = subprocess.run([str(bin_dir / "roch"), "worker", "--once"], capture_output=True, text=True, timeout=180,
                                env={**os.environ, **env, "DOCUMENTS_URL": f"file://{tmp_path / 'documents'}"})
        assert worker.returncode == 0, worker.stderr
        queued = db.query(url, f"""SELECT n.recipient_role || ':' || n.channel FROM notifications n JOIN bookings b ON b.id = n.booking_id
                                   WHERE b.public_id = '{WEDDING}' AND n.moment = 'payment_received' ORDER BY 1""")
        assert ["client:whatsapp"] in queued and ["client:email"] in queued
        check_accessibility(driver, "payments desk after recording", problems)
        shot(driver, output_dir, "payments-desk-recorded-360")

        driver.get(f"{base}/admin/bookings/{WEDDING}/timeline")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "entries-h"))
        assert "Payment received" in driver.page_source
        check_accessibility(driver, "client timeline", problems)
        shot(driver, output_dir, "client-timeline-360")
    finally:
        driver.quit()
    assert problems == []
