"""One handler, three runtimes: every function answers the same through nginx+fcgiwrap (CGI),
nginx+native FastCGI, and roch serve (CGI and in-process)."""
import json

import pytest

from httpclient import request

JSON, HTML = "application/json", "text/html"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# (method, path, body, headers, status, content type, error code): every function, both content
# negotiations, errors included. The expected answer is fixed here, so a runtime that answers
# differently fails even if it fails the same way as the others.
CASES = [
    ("GET", "/api/health", b"", {}, 200, JSON, None),
    ("GET", "/api/health/", b"", {}, 200, JSON, None),
    ("HEAD", "/api/health", b"", {}, 200, JSON, None),
    ("POST", "/api/health", b"x=1", {**FORM, "Accept": "application/json"}, 405, JSON, "method_not_allowed"),
    ("GET", "/api/health/nothing", b"", {"Accept": "text/html"}, 404, HTML, None),
    ("GET", "/api/health/stream?n=abc", b"", {"Accept": "application/json"}, 400, JSON, "invalid_n"),
    ("POST", "/api/booking", b"name=Asha&guests=120", FORM, 422, HTML, None),
    ("POST", "/api/booking", b'{"name":"Asha"}', {"Content-Type": "application/json"}, 422, JSON, "validation_failed"),
    ("POST", "/api/razorpay-webhook", b'{"event":"payment_link.paid"}', {"Content-Type": "application/json"}, 503, JSON, "razorpay_not_configured"),
    ("GET", "/api/whatsapp-webhook?hub.mode=subscribe&hub.challenge=7", b"", {}, 503, HTML, None),
    ("GET", "/api/portal/bookings", b"", {"Accept": "application/json"}, 401, JSON, "sign_in_required"),
    ("GET", "/api/portal-events", b"", {"Accept": "text/event-stream"}, 401, HTML, None),
    ("GET", "/admin", b"", {"Accept": "application/json"}, 401, JSON, "unauthorized"),
    ("GET", "/admin/bookings/7", b"", {"Accept": "application/json"}, 401, JSON, "unauthorized"),
]


@pytest.mark.parametrize("method,path,body,headers,status,content_type,code", CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_every_function_answers_identically_in_every_runtime(all_modes, method, path, body, headers, status, content_type, code):
    answers = {mode: request(port, method, path, body, headers) for mode, port in all_modes.items()}
    statuses = {mode: a[0] for mode, a in answers.items()}
    bodies = {mode: a[2] for mode, a in answers.items()}
    types = {mode: a[1].get("content-type", "").split(";")[0] for mode, a in answers.items()}
    assert statuses == {mode: status for mode in all_modes}, statuses
    assert types == {mode: content_type for mode in all_modes}, types
    assert len(set(bodies.values())) == 1, bodies
    body = next(iter(bodies.values()))
    if method == "HEAD":
        assert body == b""
    else:
        assert body, "an empty body"
    if code is not None:
        assert json.loads(body)["error"]["code"] == code


def test_health_is_ok_everywhere(all_modes):
    """The database is reachable and migrated (make test migrates it) in every runtime."""
    for mode, port in all_modes.items():
        status, headers, body = request(port, "GET", "/api/health")
        report = json.loads(body)
        assert status == 200, (mode, report)
        # the public answer is the status alone (details are for `roch doctor`)
        assert report == {"status": "ok"}, mode
        assert headers["content-type"] == "application/json", mode


def test_admin_without_a_session_sends_pages_to_sign_in_and_json_gets_401(all_modes):
    """The staff pages need a session: a page request is sent to the sign-in form, a JSON client gets 401, everywhere."""
    for mode, port in all_modes.items():
        status, headers, _ = request(port, "GET", "/admin/bookings", headers={"Accept": "text/html"})
        assert status == 303 and headers["location"] == "/admin/login?next=%2Fadmin%2Fbookings", (mode, status, headers)
        status, _, body = request(port, "GET", "/admin", headers={"Accept": "application/json"})
        assert status == 401, mode
        assert json.loads(body)["error"]["code"] == "unauthorized", mode


def test_request_details_reach_the_function_the_same_way(all_modes):
    """The health stream validates its query: a bad n is a 400 in every runtime (QUERY_STRING and PATH_INFO arrive)."""
    for mode, port in all_modes.items():
        status, _, body = request(port, "GET", "/api/health/stream?n=999", headers={"Accept": "application/json"})
        assert status == 400, mode
        assert json.loads(body)["error"]["code"] == "invalid_n", mode
