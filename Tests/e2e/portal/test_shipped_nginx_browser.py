"""Headless Chromium against the shipped nginx configuration (deploy/render.sh, its CSP included):

- every page a function renders on the server (receipt, payment return, booking form with errors, vendor
  page) and the site's own pages load without a single Content-Security-Policy violation, styled by the
  external stylesheet and with the receipt's print button wired by the external script;
- behind the CGI configuration the portal gets the bounded answer from portal-events, switches to
  polling and still shows new timeline entries.
"""
import os
import pathlib

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import psycopg_shim as db
import vendor_support
from browser import make_driver
from payments_support import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, public_id
from shipped_nginx import ShippedNginx

WAIT = 30  # bounds only: a broken page fails instead of hanging
CLIENT_PHONE = "+919876512345"  # the client seeded by conftest.portal_db

# Recorded from the first script of every document (injected by DevTools, so the CSP does not apply to it).
RECORDER = """window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});"""


def env_for(url):
    return {"DATABASE_URL": url, "SITE_URL": "http://localhost", "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET,
            "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "BUSINESS_GSTIN": "27AAPFR1234K1Z5",
            "VENDOR_LINK_SECRET": vendor_support.SECRET, "PORTAL_SSE_BOUNDED_RETRY_MS": "15000"}


@pytest.fixture(scope="module")
def fastcgi_site(root, bin_dir, portal_db, built_site):
    with ShippedNginx(root, pathlib.Path("/tmp") / f"csp-fcgi-{os.getpid()}", built_site, bin_dir, mode="fastcgi",
                      env=env_for(portal_db)) as site:
        yield site


@pytest.fixture(scope="module")
def cgi_site(root, bin_dir, portal_db, built_site):
    with ShippedNginx(root, pathlib.Path("/tmp") / f"csp-cgi-{os.getpid()}", built_site, bin_dir, mode="cgi", children=8,
                      env=env_for(portal_db)) as site:
        yield site


@pytest.fixture(scope="module")
def receipt_token(portal_db):
    """A paid deposit with its receipt, as PaymentSettlement leaves them (the receipt page is what is tested)."""
    token = public_id()
    db.execute(portal_db, f"""
        INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule,
                                        status, amount_paid_paise, paid_at)
          SELECT '{public_id()}', p.id, p.booking_id, 1, 'Deposit', 15000000, current_date, 'on_acceptance', 'paid', 15000000, now()
          FROM proposals p;
        INSERT INTO payments (razorpay_payment_id, milestone_id, amount_paise, currency, status, method, captured_at, counted_at)
          SELECT 'pay_cspreceipt0001', id, 15000000, 'INR', 'captured', 'upi', now(), now() FROM payment_milestones WHERE sequence = 1;
        INSERT INTO invoices (public_token, number, prefix, financial_year, sequence, booking_id, milestone_id, payment_id,
                              amount_paise, net_paise, tax_paise, gst_rate_bp, issued_on)
          SELECT '{token}', 'RE/E2E/0001', 'RE/E2E', '2026-27', 1, m.booking_id, m.id, p.id, 15000000, 12711864, 2288136, 1800, current_date
          FROM payment_milestones m JOIN payments p ON p.milestone_id = m.id WHERE m.sequence = 1;
    """)
    return token


@pytest.fixture
def driver():
    d = make_driver(1280, 900)
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    yield d
    d.quit()


def violations(d) -> list[str]:
    """The page's CSP violations: its securitypolicyviolation events (read after two turns of the event loop,
    so events queued while the page loaded have been dispatched) and the console's CSP reports."""
    WebDriverWait(d, WAIT).until(lambda x: x.execute_script("return document.readyState") == "complete")
    events = d.execute_async_script("var done = arguments[arguments.length - 1];"
                                    "setTimeout(function () { setTimeout(function () { done(window.__csp || ['no recorder']); }, 0); }, 0);")
    console = [e["message"] for e in d.get_log("browser") if "Content Security Policy" in e["message"]]
    return events + console


def body_style(d, prop):
    return d.execute_script(f"return getComputedStyle(document.body)['{prop}']")


def test_the_check_sees_a_violation_when_a_page_has_inline_style_and_handlers(fastcgi_site, built_site, driver):
    (built_site / "csp-canary.html").write_text('<!doctype html><html><head><style>p{color:red}</style></head>'
                                                '<body><p style="color:blue" onclick="alert(1)">canary</p></body></html>')
    driver.get(fastcgi_site.url + "/csp-canary.html")
    found = violations(driver)
    assert any("style-src" in v for v in found), found


def test_server_rendered_pages_load_without_a_csp_violation(fastcgi_site, portal_db, receipt_token, driver):
    d = driver
    assignment = int(db.query(portal_db, "SELECT id FROM vendor_assignments WHERE role = 'Florist'")[0][0])
    pages = {
        "receipt": f"/api/razorpay-webhook/receipt/{receipt_token}",
        "payment return (unverified)": "/api/razorpay-webhook/return?razorpay_payment_id=pay_1",
        "vendor page": f"/api/vendor/{vendor_support.token(assignment)}",
    }
    for name, path in pages.items():
        d.get_log("browser")  # start each page with an empty console
        d.get(fastcgi_site.url + path)
        assert violations(d) == [], name
        assert body_style(d, "maxWidth") != "none", f"{name}: /css/pages.css did not style the page"
        if name == "receipt":
            assert "RE/E2E/0001" in d.page_source
            button = d.find_element(By.CSS_SELECTOR, "[data-print]")
            assert button.is_displayed(), "print.js did not wire the print button"
        if name == "vendor page":
            assert "Florist" in d.page_source

    # the booking form re-rendered with errors: a no-JavaScript style POST from the site's own page
    d.get(fastcgi_site.url + "/")
    d.get_log("browser")
    d.execute_script("""var f = document.createElement('form'); f.method = 'post'; f.action = '/api/booking';
        var i = document.createElement('input'); i.name = 'name'; i.value = 'Asha'; f.appendChild(i);
        document.body.appendChild(f); f.submit();""")
    WebDriverWait(d, WAIT).until(lambda x: "Almost there" in x.page_source)
    assert violations(d) == [], "booking form with errors"
    assert body_style(d, "maxWidth") != "none"
    assert d.execute_script("return getComputedStyle(document.querySelector('.error-summary')).borderTopStyle") == "solid"


def test_the_sites_own_pages_load_without_a_csp_violation(fastcgi_site, driver):
    for path in ["/", "/book/", "/portal/", "/services/", "/no/such/page"]:
        driver.get_log("browser")
        driver.get(fastcgi_site.url + path)
        assert violations(driver) == [], path


def test_behind_cgi_the_portal_polls_after_the_bounded_answer_and_shows_new_entries(cgi_site, portal_db, booking_row, bin_dir,
                                                                                   root, driver):
    import subprocess
    link = subprocess.run([str(bin_dir / "roch"), "portal-link", "--phone", CLIENT_PHONE, "--hours", "2", "--issued-by", "e2e"],
                          env={**os.environ, "DATABASE_URL": portal_db, "SITE_URL": cgi_site.url}, cwd=root,
                          capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    d = driver
    d.get(link)
    WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-app").is_displayed())
    d.get(cgi_site.url + "/portal/?poll=2")
    # the stream opened, replayed, said `polling` and ended: the page polls instead of reconnecting
    WebDriverWait(d, WAIT).until(lambda x: x.execute_script("return window.portalStats.mode") == "polling")
    assert d.execute_script("return window.portalStats.streamOpens") >= 1
    rows = db.query(portal_db, f"""
        WITH e AS (INSERT INTO portal_events (booking_id, kind, title, body, data)
                   VALUES ({booking_row}, 'note', 'Menu tasting booked', 'Saturday at 4 pm.', '{{}}'::jsonb) RETURNING id, booking_id)
        SELECT id, pg_notify('portal', booking_id || ':' || id) FROM e""")
    event_id = int(rows[0][0])
    WebDriverWait(d, WAIT).until(lambda x: x.execute_script(
        f"return !!document.querySelector('#timeline li[data-id=\"{event_id}\"]')"))
    via = d.execute_script(f"return (window.portalStats.received.filter(r => r.id == {event_id})[0] || {{}}).via")
    assert via == "poll"
    assert d.execute_script("return window.portalStats.mode") == "polling"
    assert violations(d) == []
