"""The staff pages in headless Chromium, served by `roch serve --in-process` against PostgreSQL with
`roch seed --demo-sign-in`'s team and wedding: the owner signs in with a TOTP code (computed here with
hmac/hashlib, as an authenticator app does), finds the demo wedding by the client's phone, opens it and
signs out; a coordinator does the same on a 360 px phone; every page of issue 15 passes axe-core's
WCAG 2 A/AA rules with no serious or critical violation. Screenshots go to test-output/admin/."""
import base64
import hashlib
import hmac
import os
import struct
import subprocess
import time
import urllib.request

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import make_driver
from support import free_port

WAIT = 30  # generous bounds only: a broken page fails instead of hanging
OWNER = ("riya@rochevents.in", "demo-owner-passphrase")
OWNER_KEY = b"roch-demo-owner-totp"  # DemoStaffSignIn.ownerTOTPKey
COORDINATOR = ("arjun@rochevents.in", "demo-coordinator-passphrase")
WEDDING_PHONE = "98765 00001"  # the demo wedding's client, Ananya Rao (+919876500001)


def totp(key: bytes, at: float) -> str:
    """RFC 6238 with HMAC-SHA1, 30-second steps, 6 digits."""
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


@pytest.fixture
def admin_site(root, bin_dir, tmp_path, migrated_db):
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Roch Events</title>")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": migrated_db, "SITE_URL": base, "ROCH_SCRYPT_LOG2_N": "12"}
    subprocess.run([str(bin_dir / "roch"), "seed", "--demo-sign-in"], cwd=root, env=env, check=True, capture_output=True, timeout=120)
    proc = subprocess.Popen([str(bin_dir / "roch"), "serve", "--in-process", "--port", str(port), "--dir", str(site)],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_serve(base, proc)
    yield base, env
    proc.terminate()
    proc.wait(timeout=10)


def wait_for_serve(base, proc):
    """Returns once `roch serve` (`proc`) answers at `base`."""
    deadline = time.time() + WAIT
    while True:
        try:
            urllib.request.urlopen(base + "/admin/login", timeout=1)
            return
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("roch serve never answered")
            time.sleep(0.1)


def check_accessibility(driver, page, found):
    """axe-core over the current page: WCAG 2 A and AA rules; serious and critical violations collected."""
    Axe(driver).inject()
    driver.set_script_timeout(120)  # axe-core takes a while on a loaded 2-core machine; a bound, not a measurement
    results = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        ".then(function (r) { done(r); }, function (e) { done({error: String(e)}); });")
    assert "error" not in results, f"{page}: axe-core failed: {results.get('error')}"
    for v in results["violations"]:
        if v["impact"] in ("serious", "critical"):
            found.append(f"{page}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}")
    return results


def shot(driver, output_dir, name):
    folder = output_dir / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 640)")
    driver.set_window_size(driver.get_window_size()["width"], min(height, 4000))
    driver.save_screenshot(str(folder / f"{name}.png"))


def sign_in(driver, base, email, password, path="/admin/bookings"):
    driver.get(base + path)
    WebDriverWait(driver, WAIT).until(lambda d: "/admin/login" in d.current_url)
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.admin-form button[type=submit]").click()


def sign_in_owner(driver, base, path):
    """The demo owner signs in with password and the current two-step code, landing on `path`."""
    sign_in(driver, base, *OWNER, path=path)
    WebDriverWait(driver, WAIT).until(lambda d: "/admin/login/two-factor" in d.current_url)
    driver.find_element(By.ID, "code").send_keys(totp(OWNER_KEY, time.time()))
    driver.find_element(By.CSS_SELECTOR, "form.admin-form button[type=submit]").click()


def find_wedding(driver, base):
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(WEDDING_PHONE)
    driver.find_element(By.CSS_SELECTOR, "form.admin-filters button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(lambda d: "q=98765" in d.current_url)
    link = driver.find_element(By.CSS_SELECTOR, ".admin-list a[href^='/admin/bookings/']")
    assert "Ananya" in link.text
    link.click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "client-h"))


def test_owner_signs_in_with_totp_finds_the_wedding_by_phone_and_signs_out(admin_site, output_dir):
    base, _ = admin_site
    problems = []
    driver = make_driver(1280, 900, javascript=True)
    try:
        driver.get(base + "/admin/login")
        check_accessibility(driver, "login", problems)
        sign_in(driver, base, *OWNER)
        WebDriverWait(driver, WAIT).until(lambda d: "/admin/login/two-factor" in d.current_url)
        check_accessibility(driver, "two-factor", problems)
        driver.find_element(By.ID, "code").send_keys(totp(OWNER_KEY, time.time()))
        driver.find_element(By.CSS_SELECTOR, "form.admin-form button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/bookings"))
        assert driver.get_cookie("__Host-roch_staff") is not None
        check_accessibility(driver, "bookings", problems)
        shot(driver, output_dir, "bookings-1280")
        find_wedding(driver, base)
        assert "Ananya" in driver.find_element(By.TAG_NAME, "h1").text
        assert len(driver.find_elements(By.CSS_SELECTOR, "#vendors-h ~ ul > li")) == 6  # each of the six vendors once
        check_accessibility(driver, "booking", problems)
        shot(driver, output_dir, "booking-1280")
        driver.get(base + "/admin/")
        check_accessibility(driver, "home", problems)
        driver.get(base + "/admin/audit")
        assert "staff.sign_in" in driver.page_source
        check_accessibility(driver, "audit", problems)
        shot(driver, output_dir, "audit-1280")
        driver.get(base + "/admin/")
        driver.find_element(By.CSS_SELECTOR, "form[action='/admin/sign-out'] button").click()
        WebDriverWait(driver, WAIT).until(lambda d: "notice=signed-out" in d.current_url)
        assert "You are signed out." in driver.page_source
        driver.get(base + "/admin/bookings")
        assert "/admin/login" in driver.current_url
    finally:
        driver.quit()
    assert problems == []


def test_a_coordinator_on_a_phone_finds_the_wedding_and_is_refused_the_audit_log(admin_site, output_dir):
    base, _ = admin_site
    problems = []
    driver = make_driver(360, 740, javascript=False)  # nothing on these pages needs JavaScript
    try:
        sign_in(driver, base, *COORDINATOR)
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/bookings"))
        shot(driver, output_dir, "bookings-360")
        find_wedding(driver, base)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360, f"the booking page scrolls sideways on a phone ({width} px)"
        shot(driver, output_dir, "booking-360")
        driver.get(base + "/admin/audit")
        assert "A coordinator may not read the audit log." in driver.page_source
        shot(driver, output_dir, "refused-360")
    finally:
        driver.quit()
    driver = make_driver(360, 740, javascript=True)  # axe itself runs as a script
    try:
        sign_in(driver, base, *COORDINATOR, path="/admin/")
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/"))
        check_accessibility(driver, "home-360", problems)
        driver.get(base + "/admin/audit")
        check_accessibility(driver, "refused-360", problems)
    finally:
        driver.quit()
    assert problems == []


def test_set_password_and_two_factor_setup_pages_are_accessible(admin_site, root, bin_dir, output_dir):
    base, env = admin_site
    out = subprocess.run([str(bin_dir / "roch"), "staff", "add", "--email", "neha@rochevents.in", "--name", "Neha Kapoor",
                          "--phone", "+919820055555", "--role", "owner"], cwd=root, env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout
    link = next(line for line in out.splitlines() if "/admin/set-password?token=" in line).strip()
    problems = []
    driver = make_driver(360, 740, javascript=True)
    try:
        driver.get(link)
        check_accessibility(driver, "set-password", problems)
        shot(driver, output_dir, "set-password-360")
        for field in ("password", "confirm"):
            driver.find_element(By.ID, field).send_keys("saffron lantern evening")
        driver.find_element(By.CSS_SELECTOR, "form.admin-form button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "notice=password-set" in d.current_url)
        sign_in(driver, base, "neha@rochevents.in", "saffron lantern evening", path="/admin/")
        WebDriverWait(driver, WAIT).until(lambda d: "/admin/two-factor/setup" in d.current_url)
        check_accessibility(driver, "two-factor-setup", problems)
        shot(driver, output_dir, "two-factor-setup-360")
        secret = driver.find_element(By.CSS_SELECTOR, ".admin-secret").text.replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        driver.find_element(By.ID, "code").send_keys(totp(key, time.time()))
        driver.find_element(By.CSS_SELECTOR, "form.admin-form button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".admin-codes code"))
        assert len(driver.find_elements(By.CSS_SELECTOR, ".admin-codes code")) == 10
        check_accessibility(driver, "recovery-codes", problems)
        driver.find_element(By.LINK_TEXT, "I have saved them, continue").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/"))
    finally:
        driver.quit()
    assert problems == []
