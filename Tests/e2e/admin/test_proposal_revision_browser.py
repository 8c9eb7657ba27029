"""Revising a sent proposal (issue 16) in headless Chromium at phone width, through the staff pages only,
on `roch seed --demo-sign-in`'s wedding (deposit paid, second instalment and balance due): the owner opens
the proposal editor from the booking page's payments section, sees the paid deposit locked (read-only, said in words), is
refused when the plan does not add up, then sends a revision with a bigger total whose second instalment
and balance replace the old unpaid ones. The old proposal is kept (superseded), the deposit is carried over
paid, the replaced milestones are cancelled, and the client's portal event stream (what the portal page
listens to) carries "Your proposal was revised" while their proposal page shows the revision. axe-core:
no serious or critical violation. Screenshots: test-output/admin/revise-*.png."""
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import make_driver
from psycopg_shim import query
from test_admin_browser import OWNER, OWNER_KEY, WAIT, admin_site, check_accessibility, shot, sign_in, sign_in_owner, totp  # noqa: F401
from test_booking_desk_browser import fits_a_phone
from test_vendors_desk_browser import PortalStream, portal_cookie

WEDDING = "demo_wedding_ananya_rohan"


def plan(db):
    return query(db, f"""SELECT p.status, m.sequence::text, m.label, m.amount_paise::text, m.status
                         FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id JOIN bookings b ON b.id = p.booking_id
                         WHERE b.public_id = '{WEDDING}' ORDER BY m.id""")


def fill(driver, element_id, value):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def test_the_owner_revises_the_wedding_proposal_after_the_deposit_and_the_client_sees_it(admin_site, output_dir, root, bin_dir):
    base, env = admin_site
    db = env["DATABASE_URL"]
    before = plan(db)
    assert [row[2] for row in before] == ["Deposit", "Second instalment", "Balance"] and before[0][4] == "paid"
    problems = []
    driver = make_driver(360, 800, javascript=True)
    try:
        sign_in_owner(driver, base, f"/admin/bookings/{WEDDING}")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "next-h"))
        driver.find_element(By.LINK_TEXT, "Revise the proposal and payment plan").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "edit-h"))
        assert driver.find_element(By.ID, "edit-h").text == "Revise the proposal"
        page = driver.page_source
        assert "Milestone 1 (paid: locked, it cannot be changed)" in page
        for name in ("label", "amount", "due_on"):
            assert driver.find_element(By.ID, f"milestone-1-{name}").get_attribute("readonly") is not None
        assert driver.find_element(By.ID, "milestone-2-amount").get_attribute("readonly") is None
        assert not driver.find_elements(By.CSS_SELECTOR, "button[value=send]")
        check_accessibility(driver, "proposal-revise", problems)
        fits_a_phone(driver, "the proposal editor (revision)")
        shot(driver, output_dir, "revise-1-locked-deposit-360")

        # The demo proposal has no lines yet: one line, ₹35,00,000 + 18 % = ₹41,30,000; the deposit (₹12,00,000) stays.
        Select(driver.find_element(By.ID, "line-1-service")).select_by_value("decor")
        fill(driver, "line-1-description", "Sangeet and wedding, decor and production")
        fill(driver, "line-1-unit_price", "35,00,000")
        fill(driver, "milestone-2-amount", "15,00,000")
        fill(driver, "milestone-3-amount", "14,00,000")  # ₹30,000 short
        driver.find_element(By.CSS_SELECTOR, "button[value=revise]").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "plan-error"))
        assert "add ₹30,000" in driver.find_element(By.ID, "plan-error").text
        assert plan(db) == before
        check_accessibility(driver, "proposal-revise-refused", problems)
        shot(driver, output_dir, "revise-2-refused-360")

        stream = PortalStream(base, portal_cookie(root, bin_dir, env, base), "Your proposal was revised")
        stream.start()
        fill(driver, "milestone-3-amount", "14,30,000")
        driver.find_element(By.CSS_SELECTOR, "button[value=revise]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "revised=1" in d.current_url)
        assert "The revised proposal is sent" in driver.page_source
        assert "Milestone 1 (paid: locked, it cannot be changed)" in driver.page_source
        assert query(db, f"""SELECT p.status FROM proposals p JOIN bookings b ON b.id = p.booking_id
                             WHERE b.public_id = '{WEDDING}' ORDER BY p.id""") == [["superseded"], ["sent"]]
        assert plan(db) == [["sent", "1", "Deposit", "120000000", "paid"],
                            ["superseded", "2", "Second instalment", before[1][3], "cancelled"],
                            ["superseded", "3", "Balance", before[2][3], "cancelled"],
                            ["sent", "2", "Second instalment", "150000000", "pending"],
                            ["sent", "3", "Balance", "143000000", "pending"]]
        shot(driver, output_dir, "revise-3-sent-360")

        # The client: the live stream carries the timeline entry; the portal lists and shows the revision.
        assert stream.found.wait(WAIT * 3), f"the portal stream never carried the revision: {stream.text[-500:]}"
        cookie = portal_cookie(root, bin_dir, env, base)
        client = make_driver(360, 740, javascript=False)
        try:
            client.get(base + "/portal/")
            client.add_cookie({"name": "roch_portal", "value": cookie, "path": "/"})
            proposal = query(db, f"""SELECT p.public_id FROM proposals p JOIN bookings b ON b.id = p.booking_id
                                     WHERE b.public_id = '{WEDDING}' AND p.status = 'sent'""")[0][0]
            client.get(f"{base}/api/portal/bookings/{WEDDING}/proposals/{proposal}")
            text = client.page_source
            assert "Your revised proposal" in text and "This proposal was revised" in text and "₹41,30,000" in text
            shot(client, output_dir, "revise-4-portal-proposal-360")
            request = urllib.request.Request(f"{base}/api/portal/bookings/{WEDDING}", headers={"Cookie": f"roch_portal={cookie}"})
            with urllib.request.urlopen(request, timeout=WAIT) as r:
                detail = r.read().decode()
            assert "Revised proposal, ₹41,30,000" in detail and "Your proposal was revised" in detail
        finally:
            client.quit()
    finally:
        driver.quit()
    assert problems == []
