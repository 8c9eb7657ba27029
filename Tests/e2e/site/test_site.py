"""The marketing site in headless Chromium: pages render cleanly at phone and desktop widths,
and the booking form works by keyboard, validates, keeps answers and talks to /api/booking."""
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait


PAGES = {"home": "/", "service": "/services/weddings/", "booking": "/book/"}


def severe_console_messages(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def active(driver):
    return driver.switch_to.active_element


def press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def tab_to(driver, predicate, what, limit=60):
    """Moves focus with Tab only until predicate(active element) holds."""
    for _ in range(limit):
        if predicate(active(driver)):
            return active(driver)
        press(driver, Keys.TAB)
    raise AssertionError(f"could not reach {what} with the Tab key")


def tab_to_id(driver, element_id):
    return tab_to(driver, lambda el: el.get_attribute("id") == element_id, f"#{element_id}")


def tab_to_name(driver, name):
    return tab_to(driver, lambda el: el.get_attribute("name") == name, f"[name={name}]")


def visible_step(driver):
    return driver.execute_script(
        "var s=[].filter.call(document.querySelectorAll('fieldset.step'),function(f){return !f.hidden});"
        "return s.length===1 ? s[0].getAttribute('data-step') : 'many:' + s.length;")


def wait_for(driver, condition, timeout=5):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def open_fresh_booking(driver, base):
    driver.get(base + "/book/")
    driver.execute_script("sessionStorage.clear()")
    driver.get(base + "/book/")
    wait_for(driver, lambda d: visible_step(d) == "1")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_without_console_errors(site_server, sized_driver, output_dir, name):
    size, driver = sized_driver
    driver.get(site_server["url"] + PAGES[name])
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    assert driver.find_element(By.TAG_NAME, "h1").text.strip()
    assert driver.execute_script("return document.styleSheets.length") >= 1, "the fingerprinted stylesheet did not load"
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page scrolls sideways by {overflow}px at {size} width"
    broken = driver.execute_script(
        "return [].filter.call(document.images, function(i){return !i.complete || i.naturalWidth===0}).map(function(i){return i.src})")
    assert broken == []
    driver.save_screenshot(str(output_dir / f"site-{name}-{size}.png"))
    assert severe_console_messages(driver) == []


def test_booking_form_walks_through_every_step_with_the_keyboard(site_server, desktop, output_dir):
    driver, base, stub = desktop, site_server["url"], site_server["stub"]
    open_fresh_booking(driver, base)
    before = len(stub.requests)
    driver.find_element(By.TAG_NAME, "body").click()  # start from the top of the page, then keyboard only

    # 1. event basics: Tab into the radio group, arrow to "Sangeet, mehndi or haldi", Tab to Next, Enter.
    tab_to_name(driver, "event_type")
    press(driver, Keys.ARROW_DOWN)
    assert driver.execute_script("return document.querySelector('[name=event_type]:checked').value") == "sangeet"
    tab_to_id(driver, "next-button")
    press(driver, Keys.ENTER)
    wait_for(driver, lambda d: visible_step(d) == "2")
    assert "step-title" in active(driver).get_attribute("class"), "focus moves to the new step's heading"

    # 2. date, city and guests
    tab_to_id(driver, "event_date")
    press(driver, "06152027")
    assert driver.execute_script("return document.getElementById('event_date').value") == "2027-06-15"
    tab_to_id(driver, "city")
    press(driver, "Udaipur")
    tab_to_id(driver, "guests")
    press(driver, "250")
    press(driver, Keys.ENTER)  # Enter in a field moves to the next step
    wait_for(driver, lambda d: visible_step(d) == "3")

    # 3. services and budget
    tab_to_name(driver, "services")
    press(driver, Keys.SPACE)
    press(driver, Keys.TAB, Keys.TAB, Keys.SPACE)  # and a third one: catering
    tab_to_id(driver, "budget")
    press(driver, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert driver.execute_script("return document.getElementById('budget').value") != ""
    tab_to_id(driver, "notes")
    press(driver, "Two functions on one day, mostly family.")
    tab_to_id(driver, "next-button")
    press(driver, Keys.ENTER)
    wait_for(driver, lambda d: visible_step(d) == "4")

    # 4. contact details and an explicit WhatsApp choice
    tab_to_id(driver, "name")
    press(driver, "Sneha Kulkarni")
    tab_to_id(driver, "phone")
    press(driver, "+91 98450 12345")
    tab_to_id(driver, "email")
    press(driver, "sneha@example.in")
    tab_to_name(driver, "whatsapp_consent")
    press(driver, Keys.SPACE)
    tab_to_id(driver, "next-button")
    press(driver, Keys.ENTER)
    wait_for(driver, lambda d: visible_step(d) == "5")

    # 5. review shows the answers
    review = driver.find_element(By.ID, "review").text
    for expected in ("Sangeet", "2027-06-15", "Udaipur", "250", "Full planning",
                     "Catering", "Sneha Kulkarni", "+91 98450 12345", "sneha@example.in", "Yes, WhatsApp me",
                     "Two functions on one day"):
        assert expected in review, f"review step is missing {expected!r}"
    driver.save_screenshot(str(output_dir / "site-booking-review-desktop.png"))

    tab_to_id(driver, "submit-button")
    press(driver, Keys.ENTER)
    wait_for(driver, lambda d: "/book/thanks/" in d.current_url)
    assert re.search(r"\?id=BK-\d{4}$", driver.current_url)
    wait_for(driver, lambda d: d.find_element(By.ID, "booking-reference").is_displayed())
    assert "BK-" in driver.find_element(By.ID, "booking-reference").text

    sent = stub.requests[before:]
    assert len(sent) == 1
    request = sent[0]
    assert request["content_type"].startswith("application/json")
    assert "application/json" in request["accept"]
    data = request["data"]
    assert data["event_type"] == "sangeet" and data["event_date"] == "2027-06-15"
    assert data["city"] == "Udaipur" and data["guests"] == "250" and data["venue"] == ""
    assert data["services"] == ["planning", "catering"]
    assert data["whatsapp_consent"] == "yes" and data["website"] == ""
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", data["idempotency_key"])
    assert severe_console_messages(driver) == []


def test_validation_shows_an_error_summary_and_moves_focus_to_it(site_server, desktop, output_dir):
    driver = desktop
    open_fresh_booking(driver, site_server["url"])
    driver.find_element(By.ID, "next-button").send_keys(Keys.ENTER)
    summary = driver.find_element(By.ID, "error-summary")
    wait_for(driver, lambda d: summary.is_displayed())
    assert active(driver).get_attribute("id") == "error-summary"
    assert "Choose what you are celebrating" in summary.text
    assert driver.find_element(By.ID, "event_type-error").text == "Choose what you are celebrating."
    assert driver.find_element(By.CSS_SELECTOR, "[name=event_type]").get_attribute("aria-invalid") == "true"
    assert visible_step(driver) == "1", "an invalid step does not advance"
    driver.save_screenshot(str(output_dir / "site-booking-errors-desktop.png"))

    # The summary's link takes keyboard users to the field.
    press(driver, Keys.TAB)
    press(driver, Keys.ENTER)
    assert active(driver).get_attribute("name") == "event_type"


def click(driver, selector):
    """Clicks after centring the element, so the sticky header never covers it."""
    el = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", el)
    el.click()


def fill_quickly(driver, phone):
    """Fills every step with clicks (this test is about server errors, not the keyboard)."""
    click(driver, "[name=event_type][value=wedding]")
    click(driver, "#next-button")
    driver.execute_script("document.getElementById('event_date').value = '2027-01-20'")
    driver.find_element(By.ID, "city").send_keys("Jaipur", Keys.ESCAPE)
    driver.find_element(By.ID, "guests").send_keys("400")
    click(driver, "#next-button")
    click(driver, "[name=services][value=venue]")
    driver.execute_script("document.getElementById('budget').value = '10l_25l'")
    click(driver, "#next-button")
    driver.find_element(By.ID, "name").send_keys("Arjun Menon")
    driver.find_element(By.ID, "phone").send_keys(phone)
    driver.find_element(By.ID, "email").send_keys("arjun@example.in")
    click(driver, "[name=whatsapp_consent][value=no]")
    click(driver, "#next-button")
    wait_for(driver, lambda d: visible_step(d) == "5")


def test_field_errors_returned_by_the_function_are_shown_on_their_step(site_server, desktop):
    driver = desktop
    open_fresh_booking(driver, site_server["url"])
    fill_quickly(driver, site_server["rejected_phone"])
    click(driver, "#submit-button")
    wait_for(driver, lambda d: d.find_element(By.ID, "error-summary").is_displayed())
    assert visible_step(driver) == "4", "the step with the rejected field is shown"
    assert driver.find_element(By.ID, "phone-error").text == "We could not verify this mobile number. Please check it."
    assert active(driver).get_attribute("id") == "error-summary"
    assert "/book/" in driver.current_url and "thanks" not in driver.current_url


def test_answers_survive_a_reload(site_server, desktop):
    driver = desktop
    open_fresh_booking(driver, site_server["url"])
    click(driver, "[name=event_type][value=corporate]")
    click(driver, "#next-button")
    driver.find_element(By.ID, "city").send_keys("Bengaluru")
    key = driver.execute_script("return document.querySelector('[name=idempotency_key]').value")
    driver.refresh()
    wait_for(driver, lambda d: visible_step(d) == "2")
    assert driver.find_element(By.ID, "city").get_attribute("value") == "Bengaluru"
    assert driver.execute_script("return document.querySelector('[name=event_type]:checked').value") == "corporate"
    assert driver.execute_script("return document.querySelector('[name=idempotency_key]').value") == key, \
        "the same enquiry keeps its idempotency key, so a resubmission is not a duplicate"


def test_without_javascript_the_form_is_one_plain_post(site_server, no_js_driver):
    driver, base, stub = no_js_driver, site_server["url"], site_server["stub"]
    driver.get(base + "/book/")
    assert visible_step(driver) == "many:5", "every step is visible without JavaScript"
    form = driver.find_element(By.ID, "booking-form")
    assert form.get_attribute("method") == "post" and form.get_attribute("action").endswith("/api/booking")
    click(driver, "[name=event_type][value=reception]")
    driver.find_element(By.ID, "event_date").send_keys("11202027")
    driver.find_element(By.ID, "city").send_keys("Mysuru", Keys.ESCAPE)
    driver.find_element(By.ID, "guests").send_keys("600")
    for value in ("catering", "photography"):
        click(driver, f"[name=services][value={value}]")
    click(driver, "#budget option[value=above_1cr]")
    driver.find_element(By.ID, "name").send_keys("Fatima Sheikh")
    driver.find_element(By.ID, "phone").send_keys("9845031742")
    driver.find_element(By.ID, "email").send_keys("fatima@example.in")
    click(driver, "[name=whatsapp_consent][value=yes]")
    before = len(stub.requests)
    click(driver, "#submit-button")
    wait_for(driver, lambda d: "/book/thanks/" in d.current_url)
    sent = stub.requests[before:]
    assert len(sent) == 1 and sent[0]["content_type"].startswith("application/x-www-form-urlencoded")
    data = sent[0]["data"]
    assert data["services"] == ["catering", "photography"]
    assert data["event_date"] == ["2027-11-20"] and data["whatsapp_consent"] == ["yes"]
    assert data["website"] == [""] and data["idempotency_key"] == [""]
