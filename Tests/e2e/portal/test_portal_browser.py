"""The client portal in headless Chromium, served by nginx with the portal and portal-events
FastCGI responders: sign-in, live updates without reload, recovery after the network drops.

Vendor milestones and payment webhooks are built on other branches. Until they land on this
branch, a "vendor milestone update" and a "payment webhook" are simulated by what they commit
for the client: the same portal_events row plus NOTIFY portal '<booking>:<event>' in one
transaction (what TimelineRepository.append does), and, when the vendor_assignments table exists,
the assignment's milestone text.
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

import psycopg_shim as db
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


def test_live_updates_and_recovery_after_the_network_drops(stack, desktop_driver, portal_db, booking_row, bin_dir, root, output_dir):
    d = desktop_driver
    link = magic_link(bin_dir, root, portal_db, stack.url)
    milestone = "ms_deposit_e2e"
    # The magic link signs in and drops the token from the address bar.
    d.get(link)
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-app").is_displayed())
    assert urllib.parse.urlsplit(d.current_url).path == "/portal/" and "token" not in d.current_url
    cookie = d.get_cookie("roch_portal")
    assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Lax"
    # The payment link's callback lands here (the payments engineer redirects to it).
    d.get(stack.url + f"/portal/?payment=confirming&milestone={milestone}")
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "payment-banner").is_displayed())
    WebDriverWait(d, WAIT).until(lambda x: x.execute_script("return window.portalStats.mode") == "live")
    assert d.find_element(By.ID, "payment-banner").get_attribute("data-state") == "confirming"
    assert d.find_element(By.ID, "status-label").text == "Active Preparation"
    assert timeline_ids(d) == sorted(timeline_ids(d), reverse=True) and len(timeline_ids(d)) == 3
    d.execute_script("window.__noReload = 'still here'")
    d.save_screenshot(str(output_dir / "portal-before-updates.png"))

    # A vendor milestone is updated.
    if db.query(portal_db, "SELECT to_regclass('vendor_assignments') IS NOT NULL")[0][0] == "t":
        print("vendor_assignments exists: the vendors branch's table is updated as well")
    vendor_id, t_vendor = commit_portal_event(portal_db, booking_row, "vendor", "Your floral arrangements have been confirmed",
                                              "Phool Studio confirmed the mandap and entrance florals.", {"role": "Florist", "status": "confirmed"})
    at, via = wait_for_entry(d, vendor_id)
    print(f"vendor milestone on screen {at / 1000 - t_vendor:.3f} s after the commit started (via {via})")
    # The payment webhook arrives.
    pay_id, t_pay = commit_portal_event(portal_db, booking_row, "payment", "Payment received: Rs 5,40,000",
                                        "Deposit received. Receipt RE-2026-0001.", {"milestone_id": milestone, "status": "paid", "amount_paise": 54000000})
    at, via = wait_for_entry(d, pay_id)
    print(f"payment on screen {at / 1000 - t_pay:.3f} s after the commit started (via {via})")
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "payment-banner").get_attribute("data-state") == "confirmed")
    assert "Payment confirmed" in d.find_element(By.ID, "payment-banner").text
    assert d.execute_script("return window.__noReload") == "still here"  # applied without a reload
    assert d.execute_script("return location.search") == ""  # the confirming state resolved and left the URL
    assert timeline_ids(d)[:2] == [pay_id, vendor_id]
    assert via == "stream"
    d.save_screenshot(str(output_dir / "portal-after-updates.png"))

    # The network goes away (nginx killed: the stream drops, nothing answers), entries are committed
    # meanwhile, and the network comes back.
    before_cut = max(timeline_ids(d))
    stack.kill_nginx()
    missed = [commit_portal_event(portal_db, booking_row, "vendor", f"Missed update {i}", "While you were offline.", {"n": i})[0]
              for i in range(3)]
    time.sleep(2)
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
