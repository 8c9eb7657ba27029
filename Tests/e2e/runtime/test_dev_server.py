"""roch serve as a browser uses it: static files with validators, gzip, redirects, live reload."""
import gzip
import socket
import subprocess

from support import start_serve
from httpclient import request


def test_static_files_have_validators_and_revalidate_with_304(serve_cgi):
    status, h, _ = request(serve_cgi, "GET", "/app.3f9a2b1c.css")
    assert status == 200 and h["content-type"].startswith("text/css")
    assert request(serve_cgi, "GET", "/app.3f9a2b1c.css", headers={"If-None-Match": h["etag"]})[0] == 304
    assert request(serve_cgi, "GET", "/app.3f9a2b1c.css", headers={"If-Modified-Since": h["last-modified"]})[0] == 304


def test_text_is_gzipped_when_the_browser_accepts_it(serve_cgi):
    status, h, body = request(serve_cgi, "GET", "/app.3f9a2b1c.css", headers={"Accept-Encoding": "gzip"})
    assert h["content-encoding"] == "gzip"
    assert gzip.decompress(body) == b"body { color: #222 }\n" * 40


def test_directories_redirect_to_a_slash_and_serve_index(serve_cgi):
    status, h, _ = request(serve_cgi, "GET", "/services")
    assert status == 301 and h["location"] == "/services/"
    assert b"Services" in request(serve_cgi, "GET", "/services/")[2]


def test_missing_pages_and_traversal_get_the_site_404(serve_cgi):
    for path in ["/nope", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"]:
        status, _, body = request(serve_cgi, "GET", path)
        assert status == 404 and b"Page not found" in body, path


def test_live_reload_injects_a_script_and_signals_a_change(site, functions_built, processes):
    port = start_serve(processes, functions_built, site, "--live-reload", "--in-process")
    assert b"/__roch/reload" in request(port, "GET", "/")[2]
    assert b"/__roch/reload" not in request(port, "GET", "/plain.css")[2]
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /__roch/reload HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    while b"retry:" not in got:  # sent once the server has its baseline of public/
        got += s.recv(4096)
    (site / "services" / "new.html").write_text("new")
    got = b""
    while b"event: reload" not in got:  # a missed change would hang here until the socket timeout fails the test
        got += s.recv(4096)
    s.close()
    (site / "services" / "new.html").unlink()


def test_without_live_reload_no_script_is_injected(serve_cgi):
    assert b"/__roch/reload" not in request(serve_cgi, "GET", "/")[2]
    assert request(serve_cgi, "GET", "/__roch/reload")[0] == 404


def test_serve_explains_a_missing_site_directory(functions_built, tmp_path):
    r = subprocess.run([functions_built / "roch", "serve", "--dir", tmp_path / "missing"], capture_output=True, text=True)
    assert r.returncode != 0 and "roch build" in r.stderr
