"""The vendors desk (issue 17) in headless Chromium, through the staff pages only, against `roch serve
--in-process` with the demo team and wedding: the owner adds four vendors, assigns them to the demo
wedding, makes the decorator wait on the caterer's menu and the florist on the decorator, is refused a
loop in words, marks the caterer's menu delivered and sees the decorator unblock (while the client's
portal event stream, as the portal page reads it, receives the milestone), and records a vendor
advance and sees the payables change, then raises the caterer's agreed amount with "Edit terms" and sees
the payables change again. The coordinator on a phone sees the page but no payment forms
or bank details. axe-core finds no serious or critical violation on any vendors page; screenshots go
to test-output/vendors/."""
import http.client
import re
import subprocess
import threading
import time
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import make_driver
from test_admin_browser import (COORDINATOR, OWNER, OWNER_KEY, WAIT, admin_site, check_accessibility,  # noqa: F401 (fixture)
                                find_wedding, sign_in, sign_in_owner, totp)

CLIENT_PHONE = "+919876500001"
VENDORS = [  # name, category, role on the wedding
    ("Annapurna Kitchens", "caterer", "Sangeet caterer"),
    ("Gulmohar Decor", "decorator", "Sangeet decorator"),
    ("Rajnigandha Flowers", "florist", "Sangeet florist"),
    ("Lenswala Studio", "photographer", "Sangeet photographer"),
]


def shot(driver, output_dir, name):
    folder = output_dir / "vendors"
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 640)")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(height, 6000))
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(width, 900)


def submit(driver, form):
    """Submits `form` and waits until its page is replaced: a wait on the next URL alone could pass on
    the old page when the previous submit left the same notice in the URL."""
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(staleness_of(form))


def owner_signs_in(driver, base):
    sign_in_owner(driver, base, "/admin/vendors")
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/vendors"))


def facts(driver):
    return driver.find_element(By.CSS_SELECTOR, "ol.vendor-facts").text


class PortalStream(threading.Thread):
    """Reads the client's portal event stream (/api/portal-events, what the portal page listens to),
    reconnecting with Last-Event-ID as EventSource does, until `wanted` arrives or time runs out."""

    def __init__(self, base, cookie, wanted):
        super().__init__(daemon=True)
        self.port = urllib.parse.urlsplit(base).port
        self.cookie, self.wanted, self.text, self.last_id = cookie, wanted, "", None
        self.found = threading.Event()

    def run(self):
        deadline = time.time() + WAIT * 3
        while time.time() < deadline and not self.found.is_set():
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
            headers = {"Accept": "text/event-stream", "Cookie": f"roch_portal={self.cookie}"}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            try:
                c.request("GET", "/api/portal-events", headers=headers)
                r = c.getresponse()
                while not self.found.is_set():
                    line = r.readline()
                    if not line:
                        break
                    line = line.decode(errors="replace")
                    self.text += line
                    if line.startswith("id: "):
                        self.last_id = line[4:].strip()
                    if self.wanted in line:
                        self.found.set()
            except OSError:
                time.sleep(0.5)
            finally:
                c.close()
            time.sleep(0.2)


def portal_cookie(root, bin_dir, env, base):
    link = subprocess.run([str(bin_dir / "roch"), "portal-link", "--phone", CLIENT_PHONE, "--hours", "2", "--issued-by", "e2e"],
                          env=env, cwd=root, capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    parts = urllib.parse.urlsplit(link)
    c = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(base).port, timeout=WAIT)
    c.request("GET", parts.path + "?" + parts.query)
    r = c.getresponse()
    cookies = r.headers.get_all("Set-Cookie") or []
    c.close()
    return next(v.split(";")[0].split("=", 1)[1] for v in cookies if v.startswith("roch_portal="))


def test_the_owner_builds_the_wedding_vendor_graph_and_pays_an_advance(admin_site, root, bin_dir, output_dir):
    base, env = admin_site
    problems = []
    driver = make_driver(1280, 900, javascript=True)
    try:
        owner_signs_in(driver, base)
        check_accessibility(driver, "vendors", problems)
        for name, category, _ in VENDORS:
            driver.get(base + "/admin/vendors")
            form = driver.find_element(By.CSS_SELECTOR, "form[action='/admin/vendors/new']")
            driver.find_element(By.ID, "v-name").send_keys(name)
            Select(driver.find_element(By.ID, "v-category")).select_by_value(category)
            driver.find_element(By.ID, "v-city").send_keys("Udaipur")
            driver.find_element(By.ID, "v-phone").send_keys("94140 55" + str(100 + len(name)))
            submit(driver, form)
            WebDriverWait(driver, WAIT).until(lambda d: "notice=added" in d.current_url)
            assert name in driver.find_element(By.TAG_NAME, "h1").text
        check_accessibility(driver, "vendor", problems)
        shot(driver, output_dir, "vendor-1280")
        driver.get(base + "/admin/vendors?category=florist&city=Udaipur")
        assert "Rajnigandha Flowers" in driver.page_source and "Gulmohar Decor" not in driver.page_source
        shot(driver, output_dir, "vendors-1280")

        driver.get(base + "/admin/bookings")
        find_wedding(driver, base)
        driver.find_element(By.PARTIAL_LINK_TEXT, "Vendors desk").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/vendors"))
        desk = driver.current_url
        for name, _, role in VENDORS:
            Select(driver.find_element(By.ID, "as-vendor-id")).select_by_visible_text(next(
                o.text for o in Select(driver.find_element(By.ID, "as-vendor-id")).options if o.text.startswith(name)))
            driver.find_element(By.ID, "as-role").send_keys(role)
            driver.find_element(By.ID, "as-amount-agreed").send_keys("60,000")
            driver.find_element(By.ID, "as-advance-amount").send_keys("15,000")
            driver.execute_script("document.getElementById('as-advance-due-on').value = '2026-12-01';"
                                  "document.getElementById('as-balance-due-on').value = '2027-01-10';")
            submit(driver, driver.find_element(By.CSS_SELECTOR, "form input[value='assign']").find_element(By.XPATH, ".."))
            WebDriverWait(driver, WAIT).until(lambda d: "notice=assigned" in d.current_url)
            assert role in driver.page_source

        def depend(dependent, required):
            d = Select(driver.find_element(By.ID, "dependent"))
            d.select_by_visible_text(next(o.text for o in d.options if o.text.startswith(dependent + " (")))
            r = Select(driver.find_element(By.ID, "required"))
            r.select_by_visible_text(next(o.text for o in r.options if o.text.startswith(required + " (")))
            submit(driver, driver.find_element(By.CSS_SELECTOR, "form[aria-labelledby='depend-h']"))

        depend("Sangeet decorator", "Sangeet caterer")
        WebDriverWait(driver, WAIT).until(lambda d: "notice=depend" in d.current_url)
        depend("Sangeet florist", "Sangeet decorator")
        WebDriverWait(driver, WAIT).until(lambda d: "notice=depend" in d.current_url)
        assert "Blocked: Sangeet decorator waits on Sangeet caterer: not confirmed yet" in facts(driver)
        assert "Blocked: Sangeet florist waits on Sangeet decorator" in facts(driver)
        depend("Sangeet caterer", "Sangeet florist")  # would close the loop
        refusal = WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "depend-error")).text
        assert refusal == ("Refused: that would make a loop. Sangeet caterer (Annapurna Kitchens) waits on Sangeet florist "
                           "(Rajnigandha Flowers), which waits on Sangeet decorator (Gulmohar Decor), which waits on Sangeet caterer "
                           "(Annapurna Kitchens). Nobody could ever start; remove one of these dependencies first."), refusal
        check_accessibility(driver, "booking-vendors-refused", problems)
        driver.get(desk)
        assert driver.find_element(By.CSS_SELECTOR, ".vendor-graph-drawing svg")
        check_accessibility(driver, "booking-vendors", problems)
        shot(driver, output_dir, "booking-vendors-1280")

        # The caterer's menu is delivered: the decorator stops waiting, the client's portal hears of it.
        stream = PortalStream(base, portal_cookie(root, bin_dir, env, base), "Menu confirmed")
        stream.start()
        caterer = driver.find_element(By.XPATH, "//li[contains(@class,'vendor-card')][.//h3[starts-with(normalize-space(.), 'Sangeet caterer')]]")
        caterer.find_element(By.TAG_NAME, "summary").click()
        Select(caterer.find_element(By.CSS_SELECTOR, "select[name=status]")).select_by_visible_text("Delivered")
        caterer.find_element(By.CSS_SELECTOR, "input[name=milestone_text]").send_keys("Menu confirmed")
        submit(driver, caterer.find_element(By.CSS_SELECTOR, "form.admin-form"))
        WebDriverWait(driver, WAIT).until(lambda d: "notice=status" in d.current_url)
        assert "Blocked: Sangeet decorator" not in facts(driver)
        assert "Blocked: Sangeet florist waits on Sangeet decorator" in facts(driver)
        assert stream.found.wait(WAIT * 3), f"the portal stream never carried the milestone: {stream.text[-500:]}"
        shot(driver, output_dir, "booking-vendors-unblocked-1280")

        # A vendor advance: the decorator's card and the payables move.
        driver.get(base + "/admin/vendors/payables")
        before = driver.find_element(By.CSS_SELECTOR, "main p strong").text
        check_accessibility(driver, "vendor-payables", problems)
        driver.get(desk)
        decorator = driver.find_element(By.XPATH, "//li[contains(@class,'vendor-card')][.//h3[starts-with(normalize-space(.), 'Sangeet decorator')]]")
        pay = decorator.find_element(By.XPATH, ".//summary[starts-with(normalize-space(.), 'Record a payment')]")
        pay.click()
        form = decorator.find_element(By.CSS_SELECTOR, "form[action$='/vendors/payment']")
        form.find_element(By.CSS_SELECTOR, "input[name=amount]").send_keys("15,000")
        Select(form.find_element(By.CSS_SELECTOR, "select[name=method]")).select_by_visible_text("UPI")
        form.find_element(By.CSS_SELECTOR, "input[name=reference]").send_keys("UTR4455")
        submit(driver, form)
        WebDriverWait(driver, WAIT).until(lambda d: "notice=paid" in d.current_url)
        decorator = driver.find_element(By.XPATH, "//li[contains(@class,'vendor-card')][.//h3[starts-with(normalize-space(.), 'Sangeet decorator')]]")
        assert "Agreed ₹60,000, paid ₹15,000, outstanding ₹45,000" in decorator.text
        assert "₹15,000 to Gulmohar Decor (Sangeet decorator)" in driver.find_element(By.ID, "ledger-h").find_element(By.XPATH, "..").text
        driver.get(base + "/admin/vendors/payables")
        after = driver.find_element(By.CSS_SELECTOR, "main p strong").text
        amount = lambda s: int(re.sub(r"[^0-9]", "", s))  # noqa: E731
        assert amount(before) - amount(after) == 15_000, (before, after)
        shot(driver, output_dir, "vendor-payables-1280")

        # Edit terms: the caterer's agreed amount goes up, and so does what Roch owes its vendors.
        driver.get(desk)
        caterer = driver.find_element(By.XPATH, "//li[contains(@class,'vendor-card')][.//h3[starts-with(normalize-space(.), 'Sangeet caterer')]]")
        caterer.find_element(By.XPATH, ".//summary[starts-with(normalize-space(.), 'Edit terms')]").click()
        form = caterer.find_element(By.CSS_SELECTOR, "form input[value='terms']").find_element(By.XPATH, "..")
        agreed = form.find_element(By.CSS_SELECTOR, "input[name=amount_agreed]")
        assert agreed.get_attribute("value") == "60000", agreed.get_attribute("value")
        check_accessibility(driver, "booking-vendors-terms", problems)
        agreed.clear()
        agreed.send_keys("75,000")
        submit(driver, form)
        WebDriverWait(driver, WAIT).until(lambda d: "notice=terms" in d.current_url)
        caterer = driver.find_element(By.XPATH, "//li[contains(@class,'vendor-card')][.//h3[starts-with(normalize-space(.), 'Sangeet caterer')]]")
        assert "Agreed ₹75,000" in caterer.text and "outstanding ₹75,000" in caterer.text, caterer.text
        driver.get(base + "/admin/vendors/payables")
        edited = driver.find_element(By.CSS_SELECTOR, "main p strong").text
        assert amount(edited) - amount(after) == 15_000, (after, edited)
    finally:
        driver.quit()

    # The coordinator on a phone: the same page, no payment forms, no bank details.
    driver = make_driver(360, 740, javascript=True)
    try:
        sign_in(driver, base, *COORDINATOR, path="/admin/bookings")
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/bookings"))
        driver.get(desk)
        assert "Sangeet decorator" in driver.page_source and "Record a payment" not in driver.page_source
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360, f"the vendors page scrolls sideways on a phone ({width} px)"
        check_accessibility(driver, "booking-vendors-360", problems)
        shot(driver, output_dir, "booking-vendors-360")
        driver.get(base + "/admin/vendors")
        check_accessibility(driver, "vendors-360", problems)
        shot(driver, output_dir, "vendors-360")
        driver.find_element(By.LINK_TEXT, "Gulmohar Decor").click()
        assert "Payout details" not in driver.page_source
        check_accessibility(driver, "vendor-360", problems)
        shot(driver, output_dir, "vendor-360")
        driver.get(base + "/admin/vendors/payables")
        assert "A coordinator may not record payments" in driver.page_source
    finally:
        driver.quit()
    assert problems == []
