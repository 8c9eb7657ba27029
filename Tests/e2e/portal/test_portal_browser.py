"""The client portal in headless Chromium, served by nginx with the portal, portal-events,
razorpay-webhook and vendor FastCGI responders: sign-in, live updates without reload, recovery
after the network drops.

The updates travel the real paths: the vendor confirms through their signed self-service link
(the `vendor` function -> VendorMilestoneService), and the fake Razorpay (`roch-fakes`) fires
signed payment webhooks at the `razorpay-webhook` function (-> PaymentSettlement, which also moves
the booking to deposit_paid). Entries committed while the network is down are inserted the way
TimelineRepository.append does it (row + NOTIFY in one transaction).
"""
import json
import os
import re
import subprocess
import time
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import fastcgi_client as fcgi
import psycopg_shim as db
import vendor_support
CLIENT_PHONE = "+919876512345"  # the client seeded by conftest.portal_db

WAIT = 30  # generous bounds only: a broken page fails instead of hanging; no timing assertions


def commit_portal_event(url, booking_id, kind, title, body, data):
    """One transaction: the timeline row and its NOTIFY. Returns (event id, seconds before the commit started)."""
    started = time.time()
    rows = db.query(url, f"""
        WITH e AS (INSERT INTO portal_events (booking_id, kind, title, body, data)
                   VALUES ({booking_id}, '{kind}', '{title}', '{body}', '{json.dumps(data)}'::jsonb) RETURNING id, booking_id)
        SELECT id, pg_notify('portal', booking_id || ':' || id) FROM e""")
    return int(rows[0][0]), started


def vendor_confirms(stack, portal_db):
    """The florist opens their signed link and marks the job confirmed (GET for the CSRF token, then POST)."""
    assignment = int(db.query(portal_db, "SELECT id FROM vendor_assignments WHERE role = 'Florist'")[0][0])
    tok = vendor_support.token(assignment)
    address = ("127.0.0.1", stack.ports["vendor"])
    status, _, page, _ = fcgi.request(address, fcgi.cgi_params("GET", "/api/vendor/" + tok, headers={"Accept": "text/html"}))
    assert status == 200, page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.decode()).group(1)
    body = urllib.parse.urlencode({"csrf": csrf, "seen_status": "pending", "status": "confirmed",
                                   "note": "Marigold and white roses for the mandap"}).encode()
    started = time.time()
    status, _, _, _ = fcgi.request(address, fcgi.cgi_params("POST", "/api/vendor/" + tok, body, "application/x-www-form-urlencoded",
                                                            headers={"Accept": "text/html"}), body)
    assert status == 303
    event_id = int(db.query(portal_db, "SELECT max(id) FROM portal_events WHERE kind = 'vendor'")[0][0])
    return event_id, started


def timeline_ids(driver):
    return [int(x) for x in driver.execute_script(
        "return Array.from(document.querySelectorAll('#timeline li[data-id]')).map(li => li.dataset.id)")]


def received_at(driver, event_id):
    return driver.execute_script(
        "var li = document.querySelector('#timeline li[data-id=\"' + arguments[0] + '\"]');"
        "return li ? [Number(li.dataset.receivedAt), li.dataset.via] : null", str(event_id))


def wait_for_entry(driver, event_id):
    WebDriverWait(driver, WAIT).until(lambda d: received_at(d, event_id) is not None)
    return received_at(driver, event_id)


def magic_link(bin_dir, root, url, base):
    out = subprocess.run([str(bin_dir / "roch"), "portal-link", "--phone", CLIENT_PHONE, "--hours", "2", "--issued-by", "e2e"],
                         env={**os.environ, "DATABASE_URL": url, "SITE_URL": base}, cwd=root,
                         capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    assert out.startswith(base + "/api/portal/open?token="), out
    return out


def csp_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def test_sign_in_form_sends_a_link_without_saying_whether_the_number_exists(stack, phone_driver, portal_db, output_dir):
    d = phone_driver
    d.get(stack.url + "/portal/")
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-signin").is_displayed())
    assert not d.find_element(By.ID, "portal-app").is_displayed()
    d.save_screenshot(str(output_dir / "portal-signin-phone.png"))
    answers = []
    for phone in ("98765 12345", "98765 99999"):  # the client's number, then a stranger's
        d.get(stack.url + "/portal/")
        WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "signin-phone").is_displayed())
        d.find_element(By.ID, "signin-phone").send_keys(phone)
        d.find_element(By.ID, "signin-submit").click()
        WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "signin-sent").is_displayed())
        answers.append(d.find_element(By.ID, "signin-sent").text)
    assert answers[0] == answers[1] and "sent you a link" in answers[0]
    d.save_screenshot(str(output_dir / "portal-link-sent-phone.png"))
    jobs = db.query(portal_db, "SELECT payload->>'phone' FROM jobs WHERE kind = 'portal_link_request' ORDER BY id")
    assert [j[0] for j in jobs] == ["+919876512345", "+919876599999"]
    assert csp_errors(d) == []


def test_live_updates_and_recovery_after_the_network_drops(stack, desktop_driver, portal_db, booking_row, deposit, razorpay,
                                                          bin_dir, root, output_dir):
    d = desktop_driver
    link = magic_link(bin_dir, root, portal_db, stack.url)
    milestone = deposit["milestone"]
    # The magic link signs in and drops the token from the address bar.
    d.get(link)
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-app").is_displayed())
    assert urllib.parse.urlsplit(d.current_url).path == "/portal/" and "token" not in d.current_url
    cookie = d.get_cookie("roch_portal")
    assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Lax"
    pay_now = d.find_element(By.CSS_SELECTOR, f'#payment-schedule li[data-milestone="{milestone}"] a.button')
    assert pay_now.text == "Pay now" and pay_now.get_attribute("href") == deposit["short_url"]
    # The payment link's callback lands here (razorpay-webhook/return redirects to it).
    d.get(stack.url + f"/portal/?payment=confirming&milestone={milestone}")
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "payment-banner").is_displayed())
    WebDriverWait(d, WAIT).until(lambda x: x.execute_script("return window.portalStats.mode") == "live")
    assert d.find_element(By.ID, "payment-banner").get_attribute("data-state") == "confirming"
    assert d.find_element(By.ID, "status-label").text == "Proposal Sent"
    assert d.find_element(By.CSS_SELECTOR, '#vendors li[data-status="pending"]')
    assert timeline_ids(d) == sorted(timeline_ids(d), reverse=True) and len(timeline_ids(d)) == 3
    d.execute_script("window.__noReload = 'still here'")
    d.save_screenshot(str(output_dir / "portal-before-updates.png"))

    # A vendor milestone is updated (the florist confirms through their link).
    vendor_id, t_vendor = vendor_confirms(stack, portal_db)
    at, via = wait_for_entry(d, vendor_id)
    print(f"vendor milestone on screen {at / 1000 - t_vendor:.3f} s after the vendor's POST started (via {via})")
    WebDriverWait(d, WAIT).until(lambda x: x.find_elements(By.CSS_SELECTOR, '#vendors li[data-status="confirmed"]'))
    # The payment webhook arrives (the fake Razorpay takes the payment and posts signed webhooks).
    before = set(timeline_ids(d))
    t_pay = time.time()
    status, paid = razorpay.control("POST", "/__fake/pay", {"link_id": deposit["link"]})
    assert status == 200 and set(paid["webhook_statuses"]) == {200}, paid
    pay_id = int(db.query(portal_db, "SELECT max(id) FROM portal_events WHERE kind = 'payment' AND title LIKE 'Payment received%'")[0][0])
    at, via = wait_for_entry(d, pay_id)
    print(f"payment on screen {at / 1000 - t_pay:.3f} s after the fake Razorpay started the payment (via {via})")
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "payment-banner").get_attribute("data-state") == "confirmed")
    assert "Payment confirmed" in d.find_element(By.ID, "payment-banner").text
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "status-label").text == "Deposit Paid")
    WebDriverWait(d, WAIT).until(lambda x: x.find_elements(By.CSS_SELECTOR, f'#payment-schedule li[data-milestone="{milestone}"][data-status="paid"]'))
    assert d.execute_script("return window.__noReload") == "still here"  # applied without a reload
    assert d.execute_script("return location.search") == ""  # the confirming state resolved and left the URL
    new = [i for i in timeline_ids(d) if i not in before]
    assert pay_id in new and all(received_at(d, i)[1] == "stream" for i in new + [vendor_id])
    print(f"entries the payment produced on screen: {len(new)} ({', '.join(str(i) for i in sorted(new))})")
    d.save_screenshot(str(output_dir / "portal-after-updates.png"))

    # The network goes away (nginx killed: the stream drops, nothing answers), entries are committed
    # meanwhile, and the network comes back.
    before_cut = max(timeline_ids(d))
    stack.kill_nginx()
    missed = [commit_portal_event(portal_db, booking_row, "vendor", f"Missed update {i}", "While you were offline.", {"n": i})[0]
              for i in range(3)]
    # the page has noticed: its stream dropped and it says it is no longer live
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "live-indicator").get_attribute("data-mode") != "live")
    d.save_screenshot(str(output_dir / "portal-offline.png"))
    stack.start_nginx()
    for event_id in missed:
        wait_for_entry(d, event_id)
    ids = timeline_ids(d)
    assert len(ids) == len(set(ids)), "an entry appeared twice"
    assert ids == sorted(ids, reverse=True), "entries out of order"
    assert ids[:3] == list(reversed(missed))
    vias = [received_at(d, i)[1] for i in missed]
    print(f"missed entries recovered via {vias}")
    assert d.execute_script("return window.__noReload") == "still here"
    assert csp_errors(d) == []
    d.save_screenshot(str(output_dir / "portal-after-reconnect.png"))
    # The browser reconnected by itself with Last-Event-ID = the last entry it had (its own
    # request headers, from Chromium's network log).
    resumed = stream_requests_last_event_ids(d)
    print(f"stream requests carried Last-Event-ID: {resumed}")
    assert str(before_cut) in resumed


def stream_requests_last_event_ids(driver):
    ids = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") not in ("Network.requestWillBeSent", "Network.requestWillBeSentExtraInfo"):
            continue
        params = message["params"]
        headers = params.get("request", {}).get("headers") or params.get("headers") or {}
        url = params.get("request", {}).get("url", "")
        for name, value in headers.items():
            if name.lower() == "last-event-id" and ("/api/portal-events" in url or not url):
                ids.append(value)
    return ids


def test_the_portal_fits_a_phone(stack, phone_driver, portal_db, bin_dir, root, output_dir):
    d = phone_driver
    d.get(magic_link(bin_dir, root, portal_db, stack.url))
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-app").is_displayed())
    WebDriverWait(d, WAIT).until(lambda x: x.execute_script("return window.portalStats.mode") == "live")
    overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    assert d.find_element(By.ID, "timeline").is_displayed()
    d.save_screenshot(str(output_dir / "portal-phone.png"))


def test_an_expired_link_lands_on_the_sign_in_form(stack, desktop_driver):
    d = desktop_driver
    d.get(stack.url + "/api/portal/open?token=" + "A" * 43)
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-signin").is_displayed())
    assert "expired" in d.find_element(By.ID, "signin-notice").text
    assert d.get_cookie("roch_portal") is None


def test_the_page_falls_back_to_polling_when_the_stream_is_buffered(stack, desktop_driver, portal_db, booking_row, bin_dir, root):
    """With the stream swallowed (here: every /api/portal-events request blocked in the browser, as a
    buffering proxy would hold it), the page polls the JSON and still shows new entries."""
    d = desktop_driver
    d.get(magic_link(bin_dir, root, portal_db, stack.url))
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-app").is_displayed())
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/portal-events*"]})
    d.get(stack.url + "/portal/?poll=2")
    WebDriverWait(d, WAIT).until(lambda x: x.execute_script("return window.portalStats.mode") == "polling")
    event_id, _ = commit_portal_event(portal_db, booking_row, "note", "Menu tasting booked", "Saturday at 4 pm.", {})
    at, via = wait_for_entry(d, event_id)
    assert via == "poll"
    assert timeline_ids(d).count(event_id) == 1
