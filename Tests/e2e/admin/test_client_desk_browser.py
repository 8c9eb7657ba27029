"""Issue 16, the client desk in headless Chromium at phone width (360 px), through the real UI: a later
enquiry from the demo wedding's client types other details, which the owner adopts with one click; the
owner edits the client's details and GSTIN (a GSTIN with a wrong check character is refused on its field
first, nothing saved); then enters two bookings by hand, one for a new client and one for a phone that is
already a client's. Every page passes axe-core; screenshots go to test-output/admin/client-*.png."""
import datetime
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import make_driver
from psycopg_shim import query
from test_booking_desk_browser import fits_a_phone, post_enquiry
from test_admin_browser import OWNER, OWNER_KEY, WAIT, admin_site, check_accessibility, shot, sign_in, sign_in_owner, totp  # noqa: F401

WEDDING_PHONE = "+919876500001"  # the demo wedding's client, Ananya Rao
GSTIN = "27AAPFU0939F1ZV"


def enquire(base, event_date):
    """A later enquiry from the demo client's number, typing another email and name."""
    fields = {"name": "Ananya R. Rao", "phone": WEDDING_PHONE, "email": "ananya.rao@example.org", "event_type": "birthday",
              "event_date": event_date.isoformat(), "city": "Bengaluru", "guests": "60", "budget": "under_5l",
              "services": "decor", "whatsapp_consent": "yes", "idempotency_key": "client-desk-e2e-00000016"}
    post_enquiry(base, fields)


def client(db, phone):
    """The client's name, email, WhatsApp consent (t/f) and GSTIN, as psql prints them."""
    rows = query(db, f"SELECT name, email, whatsapp_consent, gstin FROM clients WHERE phone = '{phone}'")
    return rows[0] if rows else None


def fill(driver, element_id, text):
    box = driver.find_element(By.ID, element_id)
    box.clear()
    box.send_keys(text)


def submit(driver, label):
    driver.find_element(By.CSS_SELECTOR, f"form[aria-label='{label}'] button[type=submit]").click()


def enter_booking(driver, base, name, phone, email, event_day, source):
    driver.get(base + "/admin/bookings")
    driver.find_element(By.LINK_TEXT, "New booking by hand").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/bookings/new"))
    fill(driver, "new-name", name)
    fill(driver, "new-phone", phone)
    fill(driver, "new-email", email)
    driver.find_element(By.CSS_SELECTOR, "input[name=whatsapp_consent][value=no]").click()
    driver.find_element(By.CSS_SELECTOR, f"input[name=source][value={source}]").click()
    Select(driver.find_element(By.ID, "new-event-type")).select_by_value("wedding")
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "new-event-date"), event_day.isoformat())
    fill(driver, "new-city", "Pune")
    fill(driver, "new-guests", "220")
    Select(driver.find_element(By.ID, "new-budget")).select_by_value("10l_25l")
    driver.find_element(By.CSS_SELECTOR, "input[name=services][value=catering]").click()


def test_client_details_adoption_and_bookings_by_hand(admin_site, output_dir):
    base, env = admin_site
    db = env["DATABASE_URL"]
    today = datetime.date.today()
    enquire(base, today + datetime.timedelta(days=60))
    later = query(db, "SELECT public_id FROM bookings WHERE idempotency_key = 'client-desk-e2e-00000016'")[0][0]
    assert client(db, WEDDING_PHONE)[1] != "ananya.rao@example.org"  # the public form changed nothing
    problems = []
    driver = make_driver(360, 740, javascript=True)
    try:
        sign_in_owner(driver, base, f"/admin/bookings/{later}")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "client-h"))

        # 1. The later enquiry's details, beside the stored ones, adopted with one click.
        page = driver.page_source
        assert "This enquiry typed other details" in page and "Typed on this enquiry: ananya.rao@example.org" in page
        check_accessibility(driver, "booking-adopt", problems)
        fits_a_phone(driver, "the booking page")
        shot(driver, output_dir, "client-1-adopt-360")
        submit(driver, "Use the details typed on this enquiry")
        WebDriverWait(driver, WAIT).until(lambda d: "done=client-adopted" in d.current_url)
        assert client(db, WEDDING_PHONE)[:3] == ["Ananya R. Rao", "ananya.rao@example.org", "t"]
        assert "This enquiry typed other details" not in driver.page_source

        # 2. The client's details: a GSTIN with a wrong check character is refused on its field, nothing saved.
        driver.find_element(By.LINK_TEXT, "Change the client's details").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "client-gstin"))
        fill(driver, "client-name", "Ananya Rao")
        fill(driver, "client-gstin", GSTIN[:-1] + "A")
        submit(driver, "Client details")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "client-gstin-error"))
        assert "last character does not match" in driver.find_element(By.ID, "client-gstin-error").text
        assert driver.find_element(By.ID, "client-gstin").get_attribute("aria-invalid") == "true"
        assert client(db, WEDDING_PHONE)[0] == "Ananya R. Rao" and client(db, WEDDING_PHONE)[3] == ""
        check_accessibility(driver, "client-refused", problems)
        fits_a_phone(driver, "the client page")
        shot(driver, output_dir, "client-2-gstin-refused-360")
        fill(driver, "client-gstin", GSTIN.lower())
        submit(driver, "Client details")
        WebDriverWait(driver, WAIT).until(lambda d: "done=client" in d.current_url)
        assert client(db, WEDDING_PHONE) == ["Ananya Rao", "ananya.rao@example.org", "t", GSTIN]
        audit = query(db, "SELECT details->>'gstin.after', details->>'name.before' FROM audit_log WHERE action = 'client.updated'")
        assert audit == [[GSTIN, "Ananya R. Rao"]]
        shot(driver, output_dir, "client-3-saved-360")

        # 3. A booking by hand for a new client; a bad phone first is refused on its field.
        event_day = today + datetime.timedelta(days=120)
        enter_booking(driver, base, "Farhan Qureshi", "12345", "farhan@example.com", event_day, "walk_in")
        check_accessibility(driver, "booking-new", problems)
        fits_a_phone(driver, "the new booking page")
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='New booking'] button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "new-phone-error"))
        assert query(db, "SELECT count(*) FROM clients WHERE name = 'Farhan Qureshi'") == [["0"]]
        check_accessibility(driver, "booking-new-refused", problems)
        shot(driver, output_dir, "client-4-new-booking-refused-360")
        fill(driver, "new-phone", "99001 22334")
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='New booking'] button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "done=entered" in d.current_url)
        assert "with a new client" in driver.page_source and "Walk-in" in driver.page_source
        rows = query(db, "SELECT b.state, b.source, c.whatsapp_consent FROM bookings b JOIN clients c ON c.id = b.client_id WHERE c.phone = '+919900122334'")
        assert rows == [["enquiry", "walk_in", "f"]]
        assert query(db, "SELECT count(*) FROM notifications n JOIN bookings b ON b.id = n.booking_id JOIN clients c ON c.id = b.client_id "
                         "WHERE c.phone = '+919900122334' AND n.moment = 'enquiry_received'") != [["0"]]
        shot(driver, output_dir, "client-5-new-booking-entered-360")

        # 4. A booking by hand for a number that is already a client's: attached to them, and the page says so.
        enter_booking(driver, base, "A. Rao", "98765 00001", "other@example.com", event_day, "referral")
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='New booking'] button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "done=entered-existing" in d.current_url)
        assert "belongs to an existing client" in driver.page_source
        assert client(db, WEDDING_PHONE) == ["Ananya Rao", "ananya.rao@example.org", "t", GSTIN]  # kept
        assert query(db, f"SELECT count(*) FROM clients WHERE phone = '{WEDDING_PHONE}'") == [["1"]]
        check_accessibility(driver, "booking-existing-client", problems)
        shot(driver, output_dir, "client-6-existing-client-360")
    finally:
        driver.quit()
    assert problems == []
