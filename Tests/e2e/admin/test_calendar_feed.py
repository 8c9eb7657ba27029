"""The staff calendar feed (issue 18) end to end: on the demo served by `roch serve --in-process`, the
owner makes a link on /admin/calendar/feed in headless Chromium, a phone's calendar (here Python's
`icalendar`, a real RFC 5545 parser) downloads it with no session and imports exactly the events and
unpaid payment due dates PostgreSQL says it should; after "Revoke the link" the address answers 404."""
import datetime
import urllib.error
import urllib.request

import icalendar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import make_driver
from psycopg_shim import query
from test_admin_browser import WAIT, check_accessibility, shot
from test_dashboard_browser import demo_site, owner_signs_in  # noqa: F401 (fixture)

WINDOW = """(now() AT TIME ZONE 'Asia/Kolkata')::date - 30
            AND ((date_trunc('month', now() AT TIME ZONE 'Asia/Kolkata') + interval '18 months')::date
                 + LEAST(extract(day FROM now() AT TIME ZONE 'Asia/Kolkata')::int,
                         extract(day FROM date_trunc('month', now() AT TIME ZONE 'Asia/Kolkata') + interval '19 months' - interval '1 day')::int) - 1)"""


def download(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.status, r.headers.get("Content-Type"), r.headers.get("Cache-Control"), r.read()


def expected(db):
    """What the owner's feed must hold: every booking not cancelled with its event in the window, and
    every unpaid milestone of a current proposal due in the window (with its label and client)."""
    events = {pid: datetime.date.fromisoformat(day) for pid, day in query(db, f"""
        SELECT public_id, event_date FROM bookings WHERE state <> 'cancelled' AND event_date BETWEEN {WINDOW}""")}
    payments = {mid: (datetime.date.fromisoformat(day), label, client) for mid, day, label, client in query(db, f"""
        SELECT m.public_id, m.due_on, m.label, cl.name FROM payment_milestones m
        JOIN proposals p ON p.id = m.proposal_id AND p.status <> 'superseded'
        JOIN bookings b ON b.id = m.booking_id AND b.state <> 'cancelled' JOIN clients cl ON cl.id = b.client_id
        WHERE m.status IN ('pending', 'link_issued', 'partially_paid', 'expired') AND m.due_on BETWEEN {WINDOW}""")}
    return events, payments


def test_the_owner_subscribes_a_phone_to_the_feed_and_revokes_it(demo_site, output_dir):  # noqa: F811
    base, db = demo_site
    host = base.split("://")[1].split(":")[0]
    problems = []
    driver = make_driver(360, 800, javascript=True)
    try:
        owner_signs_in(driver, base)
        driver.get(base + "/admin/calendar")
        driver.find_element(By.LINK_TEXT, "Put these events on your phone's calendar").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/admin/calendar/feed"))
        assert "You have no working link." in driver.page_source
        driver.find_element(By.XPATH, "//button[normalize-space()='Make a link']").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "feed-url"))
        url = driver.find_element(By.ID, "feed-url").get_attribute("value")
        assert url.startswith(base + "/admin/calendar/") and url.endswith(".ics")
        subscribe = driver.find_element(By.LINK_TEXT, "Subscribe on this device").get_attribute("href")
        assert subscribe == "webcal://" + url.split("://", 1)[1]
        shot(driver, output_dir, "calendar-feed-360")
        check_accessibility(driver, "calendar-feed", problems)

        # The phone: no cookies, just the address.
        status, content_type, cache, body = download(url)
        assert status == 200 and content_type == "text/calendar; charset=utf-8" and cache == "private, no-store"
        assert all(len(line) <= 75 for line in body.split(b"\r\n"))
        calendar = icalendar.Calendar.from_ical(body)
        entries = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
        events, payments = expected(db)
        assert events and payments, "the demo has events and unpaid milestones in the window"
        assert {uid for uid in entries if uid.startswith("event-")} == {f"event-{pid}@{host}" for pid in events}
        assert {uid for uid in entries if uid.startswith("payment-")} == {f"payment-{mid}@{host}" for mid in payments}
        for pid, day in events.items():
            e = entries[f"event-{pid}@{host}"]
            assert e.decoded("DTSTART") == day and e.decoded("DTEND") == day + datetime.timedelta(days=1)
            assert str(e["URL"]) == f"{base}/admin/bookings/{pid}"
            assert "Coordinator: " in str(e["DESCRIPTION"]) and "State: " in str(e["DESCRIPTION"])
        for mid, (day, label, client) in payments.items():
            e = entries[f"payment-{mid}@{host}"]
            assert e.decoded("DTSTART") == day
            assert str(e["SUMMARY"]).startswith(f"Payment due: {label} ₹") and str(e["SUMMARY"]).endswith(f", {client}")

        # Fetching again gives the same UIDs (the phone updates, it does not duplicate).
        again = icalendar.Calendar.from_ical(download(url)[3])
        assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(entries)

        driver.get(base + "/admin/calendar/feed")
        assert "You have a working link" in driver.page_source and url not in driver.page_source
        driver.find_element(By.XPATH, "//button[normalize-space()='Revoke the link']").click()
        WebDriverWait(driver, WAIT).until(lambda d: "The link is revoked" in d.page_source)
        try:
            download(url)
            raise AssertionError("a revoked feed still answered")
        except urllib.error.HTTPError as e:
            assert e.code == 404
        audited = [a for (a,) in query(db, "SELECT action FROM audit_log WHERE action LIKE 'calendar_feed.%' ORDER BY id")]
        assert audited == ["calendar_feed.created", "calendar_feed.revoked"]
    finally:
        driver.quit()
    assert not problems, "\n".join(problems)
