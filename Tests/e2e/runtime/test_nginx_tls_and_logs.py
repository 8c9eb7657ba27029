"""The shipped nginx configuration with TLS (plain HTTP only redirects) and access logs without secrets."""
import http.client
import os
import pathlib
import ssl
import subprocess
import time

import pytest

import psycopg_shim as db
from httpclient import request
from shipped_nginx import ShippedNginx


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed certificate for localhost."""
    d = tmp_path_factory.mktemp("tls")
    key, cert = d / "key.pem", d / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


@pytest.mark.parametrize("mode", ["cgi", "fastcgi"])
def test_with_tls_plain_http_redirects_everything_to_https(mode, root, functions_built, site, certificate, database_url):
    workdir = pathlib.Path("/tmp") / f"tls-{mode}-{os.getpid()}"
    with ShippedNginx(root, workdir, site, functions_built, mode=mode, functions=["health", "portal"], tls=certificate,
                      env={"DATABASE_URL": database_url, "SITE_URL": "https://localhost"}) as nginx:
        rendered = (nginx.conf_dir / f"roch-{mode}.conf").read_text()
        conf = workdir / "nginx" / "nginx.conf"
        check = subprocess.run(["nginx", "-t", "-p", workdir / "nginx", "-e", "stderr", "-c", conf], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        assert "roch-https-redirect.conf" in rendered
        for method, path in [("GET", "/"), ("GET", "/api/portal/open?token=abc"), ("POST", "/api/booking"), ("GET", "/api/health")]:
            status, headers, _ = request(nginx.port, method, path, b"{}" if method == "POST" else b"", {"Host": "localhost"})
            assert status in (301, 308), (method, path, status)
            assert headers["location"] == f"https://localhost:{nginx.tls_port}{path}"
        # nothing but the redirect in clear: no page, no function answer, no HSTS on plain HTTP
        _, headers, body = request(nginx.port, "GET", "/", headers={"Host": "localhost"})
        assert b"Roch Events" not in body and "strict-transport-security" not in headers
        # the same server over TLS serves the site and the functions, with HSTS
        context = ssl.create_default_context(cafile=str(certificate[0]))
        c = http.client.HTTPSConnection("localhost", nginx.tls_port, context=context, timeout=30)
        c.request("GET", "/api/health")
        r = c.getresponse()
        r.read()
        assert r.status in (200, 503) and "max-age=63072000" in r.getheader("strict-transport-security", "")
        c.close()


def test_a_magic_link_opened_over_tls_sets_the_host_prefixed_secure_cookie(root, functions_built, site, certificate, migrated_db):
    db.execute(migrated_db, "INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ('+919876500001', 'Asha Rao', 'asha@example.com', true)")
    workdir = pathlib.Path("/tmp") / f"tls-cookie-{os.getpid()}"
    with ShippedNginx(root, workdir, site, functions_built, mode="cgi", tls=certificate,
                      env={"DATABASE_URL": migrated_db, "SITE_URL": "https://localhost"}) as nginx:
        link = subprocess.run([str(functions_built / "roch"), "portal-link", "--phone", "+919876500001", "--hours", "1"],
                              env={**os.environ, "DATABASE_URL": migrated_db, "SITE_URL": "https://localhost"}, cwd=root,
                              capture_output=True, text=True, check=True, timeout=60).stdout.strip()
        path = link[len("https://localhost"):]
        context = ssl.create_default_context(cafile=str(certificate[0]))
        c = http.client.HTTPSConnection("localhost", nginx.tls_port, context=context, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        c.close()
        assert r.status == 303 and r.getheader("location") == "/portal/"
        cookie = [part.strip() for part in r.getheader("set-cookie").split(";")]
        assert cookie[0].startswith("__Host-roch_portal=")
        assert "Secure" in cookie and "Path=/" in cookie and "HttpOnly" in cookie
        assert not any(part.startswith("Domain=") for part in cookie)


def test_without_tls_plain_http_serves_the_site(cgi_nginx):
    status, headers, body = request(cgi_nginx, "GET", "/")
    assert status == 200 and b"Roch Events" in body and "location" not in headers


def wait_for_log(nginx_log: pathlib.Path, marker: str, count: int, timeout=30) -> str:
    """nginx writes a request's log line after answering it: wait until `count` lines carry `marker`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = nginx_log.read_text() if nginx_log.exists() else ""
        if text.count(marker) >= count:
            return text
        time.sleep(0.05)
    raise AssertionError(f"{count} log lines with {marker!r} never appeared:\n{text}")


@pytest.mark.parametrize("fixture", ["cgi_nginx", "fastcgi_nginx"])
def test_tokens_in_links_never_reach_the_access_log(fixture, request_fixture, workdir):
    port = request_fixture(fixture)
    log = workdir / ("cgi" if fixture == "cgi_nginx" else "fcgi") / "access.log"
    secrets = {
        "magic link": ("/api/portal/open?token=MagicLinkSecret0123456789abcdefghijklmnopqrs", {}),
        "vendor link": ("/api/vendor/VendorLinkSecret.0123456789.abcdef", {}),
        "receipt": ("/api/razorpay-webhook/receipt/receiptsecretabcdefghij234567", {}),
        "whatsapp verify": ("/api/whatsapp-webhook?hub.mode=subscribe&hub.verify_token=VerifyTokenSecret42&hub.challenge=1", {}),
        "referer": ("/services/", {"Referer": "http://localhost/api/portal/open?token=RefererSecret0123456789abcdefghijklmno"}),
        "vendor referer": ("/", {"Referer": "http://localhost/api/vendor/VendorRefererSecret.1.abc"}),
    }
    for path, headers in secrets.values():
        request(port, "GET", path, headers={"User-Agent": "log-redaction-test", **headers})
    text = wait_for_log(log, "log-redaction-test", len(secrets))
    for secret in ["MagicLinkSecret", "VendorLinkSecret", "receiptsecret", "VerifyTokenSecret", "RefererSecret", "VendorRefererSecret"]:
        assert secret not in text, f"{secret} is in the access log:\n{text}"
    # what the log still says: which URL was asked for, and how it went
    assert '"GET /api/portal/open?[query omitted] HTTP/1.1"' in text
    assert '"GET /api/vendor/[redacted] HTTP/1.1"' in text
    assert '"GET /api/razorpay-webhook/receipt/[redacted] HTTP/1.1"' in text
    assert '"http://localhost/api/portal/open?[query omitted]"' in text


@pytest.fixture
def request_fixture(request):
    return request.getfixturevalue
