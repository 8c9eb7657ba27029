"""Issue 16, the whole journey of one booking through the real UI only, in headless Chromium at phone
width: the public site's booking form -> staff sign-in -> coordinator -> discussion -> a proposal with a
3-milestone plan, which the client (a second browser, on the portal) sees arrive live -> the client pays
the deposit on the fake Razorpay's checkout page -> the signed webhook -> deposit paid -> preparation
starts -> the event is rescheduled -> the rest is recorded as bank transfers -> the day after the event
the worker completes it. After each step: the booking's state, the messages queued (moment, recipients,
every parameter the catalogue lists) and the portal's live timeline. Screenshots: test-output/admin/journey-*.png.

The only thing not done through a browser is the passing of time: "the day after the event" is the
event date moved to yesterday before the worker's housekeeping runs (no clock can be moved for it)."""
import datetime
import pathlib
import subprocess
import sys

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import make_driver
from psycopg_shim import execute, query
from test_admin_browser import WAIT, check_accessibility, shot, sign_in_owner
from test_booking_cancel_refund_browser import click, issue_link, milestone, razorpay_desk, worker_once
from test_booking_desk_browser import assert_told as told, fill_plan, fits_a_phone, set_value

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bookings"))
from test_booking_browser import click as click_id, fill_booking  # noqa: E402

PHONE = "+919845016016"


@pytest.fixture
def journey(root, bin_dir, tmp_path, migrated_db):
    site = tmp_path / "public"
    subprocess.run([str(bin_dir / "roch"), "build", "--out", str(site)], cwd=root, check=True, capture_output=True, timeout=180)
    with razorpay_desk(root, bin_dir, migrated_db, site) as running:
        yield running


def state(db, booking_id):
    return query(db, f"SELECT state FROM bookings WHERE id = {booking_id}")[0][0]


def lifecycle(driver, label, done):
    click(driver, f"form[aria-label='{label}'] button[type=submit]")
    WebDriverWait(driver, WAIT).until(lambda d: f"done={done}" in d.current_url)


def portal_titles(client):
    return client.execute_script("return Array.from(document.querySelectorAll('#timeline li'), function (li) { return li.textContent; })")


def wait_live(client, text):
    """The client's portal shows `text` in its timeline without a reload."""
    WebDriverWait(client, WAIT).until(lambda c: any(text in t for t in portal_titles(c)))


def test_one_booking_from_the_public_form_to_completion(journey, output_dir, root, bin_dir):
    base, env, razorpay = journey
    db = env["DATABASE_URL"]
    today = datetime.date.today()
    problems = []
    staff = make_driver(360, 740, javascript=True)
    client = make_driver(360, 740, javascript=True)
    try:
        # 1. The enquiry, through the public site's multi-step form.
        client.get(base + "/book/")
        event_day = fill_booking(client, "Kavya Iyer", "98450 16016", days_ahead=120)
        click_id(client, "submit-button")
        WebDriverWait(client, WAIT).until(lambda c: "/book/thanks/" in c.current_url)
        public_id = client.current_url.split("id=")[1]
        shot(client, output_dir, "journey-01-enquiry-thanks-360")
        booking_id = query(db, f"SELECT id FROM bookings WHERE public_id = '{public_id}'")[0][0]
        assert state(db, booking_id) == "enquiry"
        told(db, booking_id, "enquiry_received", {"client", "team"})

        # 2. Staff sign in and assign the coordinator.
        sign_in_owner(staff, base, f"/admin/bookings/{public_id}")
        WebDriverWait(staff, WAIT).until(lambda d: d.find_elements(By.ID, "next-h"))
        assert "Assign a coordinator to the booking first." in staff.page_source
        arjun = query(db, "SELECT id FROM staff_users WHERE email = 'arjun@rochevents.in'")[0][0]
        staff.find_element(By.CSS_SELECTOR, "details summary").click()
        Select(staff.find_element(By.ID, "details-coordinator")).select_by_value(arjun)
        click(staff, "form[aria-label='Event details'] button[type=submit]")
        WebDriverWait(staff, WAIT).until(lambda d: "done=details" in d.current_url)
        assert query(db, f"SELECT coordinator_id FROM bookings WHERE id = {booking_id}")[0][0] == arjun
        check_accessibility(staff, "journey-booking", problems)
        fits_a_phone(staff, "the booking page")
        shot(staff, output_dir, "journey-02-coordinator-360")

        # 3. The discussion call.
        set_value(staff, "discuss-call_date", (today + datetime.timedelta(days=2)).isoformat())
        set_value(staff, "discuss-call_time", "11:00")
        lifecycle(staff, "Schedule discussion", "discuss")
        assert state(db, booking_id) == "discussion"
        assert all(p["call_time"].endswith("at 11:00 am IST") for _, p in told(db, booking_id, "discussion_scheduled", {"client", "coordinator"}))
        shot(staff, output_dir, "journey-03-discussion-360")

        # The client opens their portal now (a magic link, as WhatsApp would bring it) and keeps it open.
        link = subprocess.run([str(bin_dir / "roch"), "portal-link", "--phone", PHONE], cwd=root, env=env, capture_output=True,
                              text=True, check=True, timeout=60).stdout
        client.get(next(word for word in link.split() if "token=" in word))
        WebDriverWait(client, WAIT).until(lambda c: c.find_element(By.ID, "portal-app").is_displayed())
        WebDriverWait(client, WAIT).until(lambda c: c.execute_script("return window.portalStats.mode") == "live")
        wait_live(client, "Discussion scheduled")
        portal = client.current_window_handle

        # 4. The proposal: two lines and a 3-milestone plan, previewed, then sent.
        staff.get(f"{base}/admin/bookings/{public_id}/proposal")
        Select(staff.find_element(By.ID, "line-1-service")).select_by_value("decor")
        staff.find_element(By.ID, "line-1-description").send_keys("Stage, mandap and lights")
        staff.find_element(By.ID, "line-1-unit_price").send_keys("5,00,000")
        Select(staff.find_element(By.ID, "line-2-service")).select_by_value("photography")
        staff.find_element(By.ID, "line-2-description").send_keys("Two photographers, one film")
        staff.find_element(By.ID, "line-2-unit_price").send_keys("1,50,000")
        # 5,00,000 + 18 % = 5,90,000; 1,50,000 + 18 % = 1,77,000; total 7,67,000
        plan = [("Deposit", "2,30,100", today), ("Second instalment", "2,00,000", today + datetime.timedelta(days=30)),
                ("Balance", "3,36,900", event_day - datetime.timedelta(days=7))]
        fill_plan(staff, plan)
        click(staff, "button[value=save]")
        WebDriverWait(staff, WAIT).until(lambda d: "saved=1" in d.current_url)
        assert "<strong>₹7,67,000</strong>" in staff.page_source
        shot(staff, output_dir, "journey-04-proposal-preview-360")
        click(staff, "button[value=send]")
        WebDriverWait(staff, WAIT).until(lambda d: "done=send_proposal" in d.current_url)
        assert state(db, booking_id) == "proposal_sent"
        assert all(p["total_amount"] == "₹7,67,000" for _, p in told(db, booking_id, "proposal_sent", {"client", "coordinator"}))
        wait_live(client, "Proposal sent")  # on the open portal, without a reload
        shot(client, output_dir, "journey-05-portal-proposal-live-360")

        # 5. The worker issues the deposit's link; the client pays it on the fake Razorpay's checkout page.
        worker_once(root, bin_dir, env)
        deposit = milestone(db, booking_id, "Deposit")
        assert deposit["status"] == "link_issued"
        told(db, booking_id, "payment_link_issued", {"client"})
        client.refresh()
        WebDriverWait(client, WAIT).until(lambda c: c.find_elements(By.LINK_TEXT, "Pay now"))
        pay_url = client.find_element(By.LINK_TEXT, "Pay now").get_attribute("href")
        client.switch_to.new_window("tab")
        client.get(pay_url)
        WebDriverWait(client, WAIT).until(lambda c: c.find_elements(By.CSS_SELECTOR, "form[action$='/pay'] button"))
        shot(client, output_dir, "journey-06-checkout-360")
        click(client, "form[action$='/pay'] button")
        WebDriverWait(client, WAIT).until(lambda c: state(db, booking_id) == "deposit_paid")
        assert milestone(db, booking_id, "Deposit")["paid"] == 23010000
        told(db, booking_id, "booking_confirmed", {"client", "team"})
        worker_once(root, bin_dir, env)  # issues the receipt and invoice; payment_received follows, carrying the invoice link
        told(db, booking_id, "payment_received", {"client", "team"})
        client.close()
        client.switch_to.window(portal)
        wait_live(client, "Booking confirmed")  # the webhook's news reached the open portal by itself
        shot(client, output_dir, "journey-07-portal-deposit-paid-360")

        # 6. Preparation starts.
        staff.get(f"{base}/admin/bookings/{public_id}")
        lifecycle(staff, "Start preparation", "start_preparation")
        assert state(db, booking_id) == "active_preparation"
        shot(staff, output_dir, "journey-08-preparation-360")

        # 7. The event moves a day later, with a start time: client and coordinator are told, the balance's due date follows.
        staff.find_element(By.CSS_SELECTOR, "details summary").click()
        new_day = event_day + datetime.timedelta(days=1)
        set_value(staff, "details-event_date", new_day.isoformat())
        set_value(staff, "details-start_time", "19:00")
        click(staff, "form[aria-label='Event details'] button[type=submit]")
        WebDriverWait(staff, WAIT).until(lambda d: "done=details" in d.current_url)
        assert all(p["event_when"].endswith("at 7:00 pm IST") for _, p in told(db, booking_id, "event_rescheduled", {"client", "coordinator"}))
        assert query(db, f"""SELECT m.due_on::text FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id
                             WHERE p.booking_id = {booking_id} AND p.status = 'accepted' AND m.label = 'Balance'""") == [
            [(new_day - datetime.timedelta(days=7)).isoformat()]]
        assert {"event_reminder_48h", "event_reminder_2h"} <= {r[0] for r in query(
            db, f"SELECT moment FROM notifications WHERE booking_id = {booking_id} AND status = 'queued'")}
        wait_live(client, "Event rescheduled")
        shot(staff, output_dir, "journey-09-rescheduled-360")

        # 8. The second instalment and the balance arrive by bank transfer and are recorded on the payments desk.
        for label, utr in (("Second instalment", "UTR HDFCN52026120400001"), ("Balance", "UTR HDFCN52026120400002")):
            m = milestone(db, booking_id, label)
            staff.get(f"{base}/admin/bookings/{public_id}/payments")
            form = staff.find_element(By.CSS_SELECTOR, f"form[action$='/payments/offline'] input[name=milestone][value='{m['id']}']") \
                .find_element(By.XPATH, "..")
            Select(form.find_element(By.NAME, "method")).select_by_value("bank_transfer")
            form.find_element(By.NAME, "reference").send_keys(utr)
            staff.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "received_on"),
                                 (datetime.datetime.utcnow() + datetime.timedelta(hours=5, minutes=30)).date().isoformat())
            button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
            staff.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
            button.click()
            WebDriverWait(staff, WAIT).until(lambda d: "done=recorded" in d.current_url)
            assert milestone(db, booking_id, label)["status"] == "paid"
            worker_once(root, bin_dir, env)
        assert [r[0] for r in query(db, f"""SELECT p.source FROM payments p JOIN payment_milestones m ON m.id = p.milestone_id
                                            WHERE m.booking_id = {booking_id} ORDER BY p.id""")] == ["razorpay", "offline", "offline"]
        told(db, booking_id, "payment_received", {"client", "team"})
        assert query(db, f"""SELECT channel, count(*) FROM notifications WHERE booking_id = {booking_id} AND moment = 'payment_received'
                             AND recipient_role = 'client' GROUP BY channel ORDER BY channel""") == [["email", "3"], ["whatsapp", "3"]]
        check_accessibility(staff, "journey-payments", problems)
        shot(staff, output_dir, "journey-10-paid-in-full-360")

        # 9. The day after the event the worker completes it (the system actor), and the client is told.
        execute(db, f"UPDATE bookings SET event_date = (now() AT TIME ZONE 'Asia/Kolkata')::date - 1 WHERE id = {booking_id}")
        worker_once(root, bin_dir, env)
        assert state(db, booking_id) == "completed"
        assert query(db, f"""SELECT actor FROM audit_log WHERE entity_id = '{public_id}' AND action = 'booking.transition'
                             ORDER BY id DESC LIMIT 1""") == [["system"]]
        told(db, booking_id, "event_completed", {"client", "team"})
        client.refresh()
        WebDriverWait(client, WAIT).until(lambda c: c.find_element(By.ID, "portal-app").is_displayed())
        WebDriverWait(client, WAIT).until(lambda c: "Completed" in c.find_element(By.ID, "status-label").text)
        check_accessibility(client, "journey-portal-completed", problems)
        shot(client, output_dir, "journey-11-portal-completed-360")
    finally:
        staff.quit()
        client.quit()
    assert problems == []
