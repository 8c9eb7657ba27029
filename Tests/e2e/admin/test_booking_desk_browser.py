"""Issue 16, the booking desk in headless Chromium at phone width, through the real UI only: an enquiry
from the public form's endpoint; the owner signs in, assigns a coordinator, schedules the discussion,
writes a proposal with a 3-milestone plan (a plan that does not add up is refused on its field first) and
sends it; the client's portal shows it; the event is rescheduled. After each step the state and the queued
messages (moment, recipients, every parameter the catalogue lists) are read from the database. A stale
page (another tab moved the booking) answers 409 and says so. Screenshots: test-output/admin/desk-*.png."""
import datetime
import json
import subprocess
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import make_driver
from psycopg_shim import query
from test_admin_browser import OWNER, OWNER_KEY, WAIT, admin_site, check_accessibility, shot, sign_in, sign_in_owner, totp  # noqa: F401

PHONE = "+919812300016"
# NotificationCatalogue.parameters of each moment the booking desk's flows queue (every recipient's keys)
PARAMETERS = {
    "enquiry_received": ["client_name", "event_type", "event_date", "city", "guests", "phone", "admin_link"],
    "discussion_scheduled": ["client_name", "event_type", "event_date", "coordinator_name", "coordinator_phone", "call_time", "admin_link"],
    "proposal_sent": ["client_name", "event_type", "event_date", "coordinator_name", "total_amount", "proposal_link", "admin_link"],
    "payment_link_issued": ["client_name", "milestone_label", "amount", "due_date", "payment_link"],
    "payment_received": ["client_name", "amount", "milestone_label", "receipt_number", "invoice_link", "admin_link"],
    "booking_confirmed": ["client_name", "event_type", "event_date", "coordinator_name", "coordinator_phone", "portal_link", "admin_link"],
    "event_rescheduled": ["client_name", "event_type", "event_date", "event_when", "previous_when", "venue", "coordinator_name",
                          "coordinator_phone", "admin_link"],
    "event_completed": ["client_name", "event_type", "review_link", "admin_link"],
}


def post_enquiry(base, fields):
    """An enquiry posted to the booking function as the public form sends it."""
    request = urllib.request.Request(base + "/api/booking", data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=WAIT) as r:
        assert r.status in (200, 201), r.status


def enquire(base, event_date):
    post_enquiry(base, {"name": "Meera Desk", "phone": PHONE, "email": "meera@example.com", "event_type": "wedding",
                        "event_date": event_date.isoformat(), "city": "Udaipur", "guests": "180", "budget": "10l_25l",
                        "services": "decor", "whatsapp_consent": "yes", "idempotency_key": "desk-e2e-0000000000000016"})


def booking(db):
    row = query(db, f"SELECT b.public_id, b.state, b.id FROM bookings b JOIN clients c ON c.id = b.client_id WHERE c.phone = '{PHONE}'")
    return {"public_id": row[0][0], "state": row[0][1], "id": row[0][2]}


def messages(db, booking_id, moment):
    rows = query(db, f"SELECT recipient_role, parameters::text FROM notifications WHERE booking_id = {booking_id} AND moment = '{moment}'")
    return [(role, json.loads(params)) for role, params in rows]


def assert_told(db, booking_id, moment, roles):
    found = messages(db, booking_id, moment)
    assert {role for role, _ in found} == roles, f"{moment}: {found}"
    for role, params in found:
        missing = [k for k in PARAMETERS[moment] if not params.get(k)]
        assert missing == [], f"{moment} to {role} lacks {missing}"
    return found


def fill_plan(driver, plan):
    """The proposal editor's milestones: (label, amount in rupees as typed, due day) each."""
    for n, (label, amount, due) in enumerate(plan, start=1):
        driver.find_element(By.ID, f"milestone-{n}-label").send_keys(label)
        driver.find_element(By.ID, f"milestone-{n}-amount").send_keys(amount)
        set_value(driver, f"milestone-{n}-due_on", due.isoformat())


def set_value(driver, element_id, value):
    """Date and time inputs take their value as the page would submit it (ISO), whatever the browser's locale."""
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, element_id), value)


def fits_a_phone(driver, page):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"{page} scrolls sideways on a phone ({width} px)"


def test_a_booking_goes_from_enquiry_to_a_sent_proposal_and_a_new_date(admin_site, output_dir, root, bin_dir):
    base, env = admin_site
    db = env["DATABASE_URL"]
    today = datetime.date.today()
    event_day = today + datetime.timedelta(days=90)
    enquire(base, event_day)
    b = booking(db)
    assert b["state"] == "enquiry"
    arjun = query(db, "SELECT id FROM staff_users WHERE email = 'arjun@rochevents.in'")[0][0]
    problems = []
    driver = make_driver(360, 740, javascript=True)
    try:
        sign_in_owner(driver, base, f"/admin/bookings/{b['public_id']}")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "next-h"))
        page = driver.page_source
        assert "Schedule discussion: not yet" in page and "Assign a coordinator to the booking first." in page
        assert "No start time yet." in page  # flagged, with a link to the event details form
        check_accessibility(driver, "booking-enquiry", problems)
        fits_a_phone(driver, "the booking page")
        shot(driver, output_dir, "desk-1-enquiry-360")

        # 1. Assign the coordinator.
        driver.find_element(By.CSS_SELECTOR, "details summary").click()
        Select(driver.find_element(By.ID, "details-coordinator")).select_by_value(arjun)
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='Event details'] button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "done=details" in d.current_url)
        assert query(db, f"SELECT coordinator_id FROM bookings WHERE id = {b['id']}")[0][0] == arjun
        assert messages(db, b["id"], "event_rescheduled") == []  # nothing moved, nobody told

        # 2. A stale tab: this one still shows an Enquiry; another tab schedules the discussion.
        stale = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.get(f"{base}/admin/bookings/{b['public_id']}")
        set_value(driver, "discuss-call_date", (today + datetime.timedelta(days=2)).isoformat())
        set_value(driver, "discuss-call_time", "18:30")
        shot(driver, output_dir, "desk-2-discussion-form-360")
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='Schedule discussion'] button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "done=discuss" in d.current_url)
        assert booking(db)["state"] == "discussion"
        told = assert_told(db, b["id"], "discussion_scheduled", {"client", "coordinator"})
        assert all(p["call_time"].endswith("at 6:30 pm IST") for _, p in told)
        driver.close()
        driver.switch_to.window(stale)
        before = query(db, f"SELECT count(*) FROM notifications WHERE booking_id = {b['id']}")
        driver.find_element(By.ID, "cancel-reason").send_keys("Testing a stale page")
        driver.find_element(By.CSS_SELECTOR, "input[name=refund][value=no]").click()
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='Cancel booking'] button[type=submit]").click()
        # wait for the answer itself: the stale page already shows an alert (the missing start time)
        WebDriverWait(driver, WAIT).until(lambda d: "this booking is now" in d.page_source)
        assert "this booking is now Discussion, not Enquiry" in driver.page_source
        assert booking(db)["state"] == "discussion"
        assert query(db, f"SELECT count(*) FROM notifications WHERE booking_id = {b['id']}") == before
        shot(driver, output_dir, "desk-3-stale-409-360")

        # 3. The proposal: a plan that does not add up is refused on its field, then sent with three milestones.
        driver.get(f"{base}/admin/bookings/{b['public_id']}/proposal")
        Select(driver.find_element(By.ID, "line-1-service")).select_by_value("decor")
        driver.find_element(By.ID, "line-1-description").send_keys("Mandap, stage and entrance")
        driver.find_element(By.ID, "line-1-unit_price").send_keys("4,00,000")
        Select(driver.find_element(By.ID, "line-2-service")).select_by_value("catering")
        driver.find_element(By.ID, "line-2-description").send_keys("Dinner, per plate")
        driver.find_element(By.ID, "line-2-quantity").clear()
        driver.find_element(By.ID, "line-2-quantity").send_keys("180")
        driver.find_element(By.ID, "line-2-unit_price").send_keys("1,500")
        driver.find_element(By.ID, "line-2-gst_rate").clear()
        driver.find_element(By.ID, "line-2-gst_rate").send_keys("5")
        # 4,00,000 + 18 % = 4,72,000; 180 × 1,500 = 2,70,000 + 5 % = 2,83,500; total 7,55,500
        plan = [("Deposit", "2,26,650", today), ("Second instalment", "1,00,000", today + datetime.timedelta(days=30)),
                ("Balance", "3,28,850", event_day - datetime.timedelta(days=7))]
        fill_plan(driver, plan)
        driver.find_element(By.CSS_SELECTOR, "button[value=send]").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "plan-error"))
        assert "add ₹1,00,000" in driver.find_element(By.ID, "plan-error").text
        assert query(db, f"SELECT count(*) FROM proposals WHERE booking_id = {b['id']}") == [["0"]]
        check_accessibility(driver, "proposal-refused", problems)
        fits_a_phone(driver, "the proposal editor")
        shot(driver, output_dir, "desk-4-proposal-refused-360")
        amount = driver.find_element(By.ID, "milestone-2-amount")
        amount.clear()
        amount.send_keys("2,00,000")
        driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "saved=1" in d.current_url)
        assert "<strong>₹7,55,500</strong>" in driver.page_source  # the preview, as the client will see it
        shot(driver, output_dir, "desk-5-proposal-preview-360")
        driver.find_element(By.CSS_SELECTOR, "button[value=send]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "done=send_proposal" in d.current_url)
        assert booking(db)["state"] == "proposal_sent"
        assert query(db, f"SELECT label, amount_paise, due_rule FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id "
                         f"WHERE p.booking_id = {b['id']} AND p.status = 'sent' ORDER BY sequence") == [
            ["Deposit", "22665000", "on_acceptance"], ["Second instalment", "20000000", f"on:{plan[1][2].isoformat()}"],
            ["Balance", "32885000", "days_before_event:7"]]
        told = assert_told(db, b["id"], "proposal_sent", {"client", "coordinator"})
        assert all(p["total_amount"] == "₹7,55,500" for _, p in told)
        assert query(db, f"SELECT count(*) FROM jobs WHERE kind = 'create_payment_link' AND payload->>'booking_id' = '{b['id']}'") == [["1"]]
        shot(driver, output_dir, "desk-6-proposal-sent-360")

        # 4. The client's portal shows the proposal (a second browser, signed in with a portal link).
        link = subprocess.run([str(bin_dir / "roch"), "portal-link", "--phone", PHONE], cwd=root, env=env, capture_output=True,
                              text=True, check=True, timeout=60).stdout
        url = next(word for word in link.split() if "token=" in word)
        proposal_id = query(db, f"SELECT public_id FROM proposals WHERE booking_id = {b['id']} AND status = 'sent'")[0][0]
        client = make_driver(360, 740, javascript=False)
        try:
            client.get(url)  # opens a session (cookie) and goes on to /portal/
            client.get(f"{base}/api/portal/bookings/{b['public_id']}/proposals/{proposal_id}")
            text = client.page_source
            assert "Decor: Mandap, stage and entrance" in text and "₹7,55,500" in text and "Second instalment: ₹2,00,000" in text
            shot(client, output_dir, "desk-7-portal-proposal-360")
        finally:
            client.quit()

        # 5. Reschedule: a day later, with a start time.
        driver.get(f"{base}/admin/bookings/{b['public_id']}")
        driver.find_element(By.CSS_SELECTOR, "details summary").click()
        new_day = event_day + datetime.timedelta(days=1)
        set_value(driver, "details-event_date", new_day.isoformat())
        set_value(driver, "details-start_time", "19:30")
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='Event details'] button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "done=details" in d.current_url)
        told = assert_told(db, b["id"], "event_rescheduled", {"client", "coordinator"})
        assert all(p["event_when"].endswith("at 7:30 pm IST") for _, p in told)
        assert query(db, f"SELECT due_on::text FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id "
                         f"WHERE p.booking_id = {b['id']} AND p.status = 'sent' AND m.label = 'Balance'") == [
            [(new_day - datetime.timedelta(days=7)).isoformat()]]
        assert "Event rescheduled" in driver.page_source
        assert "No start time yet." not in driver.page_source
        check_accessibility(driver, "booking-rescheduled", problems)
        shot(driver, output_dir, "desk-8-rescheduled-360")
    finally:
        driver.quit()
    assert problems == []
