"""The site's booking form, in headless Chromium, against the real booking function and PostgreSQL
(served by `roch serve --in-process`): what a visitor does, end to end."""
import datetime
import os
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import psycopg_shim as db
from browser import make_driver
from support import start_on_free_port, wait_for_port


@pytest.fixture
def live_site(root, bin_dir, tmp_path, migrated_db):
    out = tmp_path / "public"
    subprocess.run([str(bin_dir / "roch"), "build", "--out", str(out)], cwd=root, check=True, capture_output=True, timeout=120)
    # SITE_URL names the port, so roch serve is told its port up front (again on another if it was taken).
    procs = []

    def start(port):
        env = {**os.environ, "DATABASE_URL": migrated_db, "SITE_URL": f"http://127.0.0.1:{port}"}
        proc = subprocess.Popen([str(bin_dir / "roch"), "serve", "--in-process", "--port", str(port), "--dir", str(out)],
                                cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(proc)
        wait_for_port(port, proc, timeout=30)
        return proc

    def taken(_port):
        return b"in use" in procs[-1].stderr.read()

    port, proc = start_on_free_port(start, taken)
    base = f"http://127.0.0.1:{port}"
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def pick(driver, css):
    """Ticks a radio button or checkbox the way a click on its (styled) label does."""
    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'}); arguments[0].click()", element)


def click(driver, element_id):
    """Scrolls a button to the middle of the screen (clear of the sticky header) and clicks it."""
    element = driver.find_element(By.ID, element_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def fill_booking(driver, name, phone, days_ahead=200):
    day = (datetime.date.today() + datetime.timedelta(days=days_ahead))
    pick(driver, "input[name=event_type][value=reception]")
    click(driver, "next-button")
    date = driver.find_element(By.ID, "event_date")
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
                          date, day.isoformat())
    driver.find_element(By.ID, "city").send_keys("Lucknow")
    driver.find_element(By.ID, "guests").send_keys("180")
    click(driver, "next-button")
    pick(driver, "input[name=services][value=decor]")
    pick(driver, "input[name=services][value=photography]")
    Select(driver.find_element(By.ID, "budget")).select_by_value("10l_25l")
    driver.find_element(By.ID, "notes").send_keys("<b>Evening</b> reception & dinner")
    click(driver, "next-button")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "phone").send_keys(phone)
    driver.find_element(By.ID, "email").send_keys("farah@example.in")
    pick(driver, "input[name=whatsapp_consent][value=yes]")
    click(driver, "next-button")
    return day


def test_a_visitor_books_through_the_site_and_the_enquiry_is_stored(live_site, migrated_db, output_dir):
    driver = make_driver(1366, 900)
    try:
        driver.get(live_site + "/book/")
        day = fill_booking(driver, "Farah Siddiqui", "98111 22334")
        click(driver, "submit-button")
        WebDriverWait(driver, 15).until(lambda d: "/book/thanks/" in d.current_url)
        public_id = driver.current_url.split("id=")[1]
        driver.save_screenshot(str(output_dir / "booking-live-thanks.png"))
        rows = db.query(migrated_db, f"SELECT b.state, b.event_type, b.event_date, b.city, b.guests, b.services, b.notes, c.phone, c.whatsapp_consent "
                                     f"FROM bookings b JOIN clients c ON c.id = b.client_id WHERE b.public_id = '{public_id}'")
        assert rows == [["enquiry", "reception", day.isoformat(), "Lucknow", "180", "{decor,photography}",
                         "<b>Evening</b> reception & dinner", "+919811122334", "t"]]
        # the enquiry_received messages are queued for the client and the team
        assert db.query(migrated_db, "SELECT count(*) FROM notifications WHERE moment = 'enquiry_received'") != [["0"]]
    finally:
        driver.quit()


def test_field_errors_from_the_function_are_shown_on_the_form(live_site, migrated_db):
    driver = make_driver(390, 844)
    try:
        driver.get(live_site + "/book/")
        # five years ahead: the page's own checks allow it, the function's rules (3 years) do not
        fill_booking(driver, "Farah Siddiqui", "98111 22334", days_ahead=5 * 366)
        click(driver, "submit-button")
        WebDriverWait(driver, 15).until(lambda d: "years ahead" in d.find_element(By.TAG_NAME, "body").text)
        error = driver.find_element(By.ID, "event_date-error")
        assert error.is_displayed() and "3 years ahead" in error.text
        assert db.query(migrated_db, "SELECT count(*) FROM bookings") == [["0"]]
    finally:
        driver.quit()


def test_the_form_without_javascript_posts_once_and_lands_on_thanks(live_site, migrated_db):
    driver = make_driver(1366, 900, javascript=False)
    try:
        driver.get(live_site + "/book/")
        fill_plain = {
            "city": "Indore", "guests": "90", "name": "Rohan Jain", "phone": "9876012345", "email": "rohan@example.in",
        }
        pick(driver, "input[name=event_type][value=birthday]")
        day = (datetime.date.today() + datetime.timedelta(days=45)).isoformat()
        driver.execute_script("document.getElementById('event_date').value = arguments[0]", day)
        for field, value in fill_plain.items():
            driver.find_element(By.ID, field).send_keys(value)
        pick(driver, "input[name=services][value=catering]")
        Select(driver.find_element(By.ID, "budget")).select_by_value("under_5l")
        pick(driver, "input[name=whatsapp_consent][value=no]")
        driver.find_element(By.CSS_SELECTOR, "#booking-form button[type=submit]").click()
        WebDriverWait(driver, 15).until(lambda d: "/book/thanks/" in d.current_url)
        assert db.query(migrated_db, "SELECT event_type, city FROM bookings") == [["birthday", "Indore"]]
    finally:
        driver.quit()
