"""The shipped nginx configuration (deploy/nginx, rendered by deploy/render.sh) as a browser sees it."""
import os
import subprocess

from httpclient import request


def test_static_pages_carry_the_security_headers(cgi_nginx, fastcgi_nginx):
    for port in (cgi_nginx, fastcgi_nginx):
        status, h, body = request(port, "GET", "/")
        assert status == 200 and b"Roch Events" in body
        assert "default-src 'self'" in h["content-security-policy"]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in h  # plain HTTP: no HSTS


def test_function_responses_carry_the_security_headers_too(cgi_nginx, fastcgi_nginx):
    for port in (cgi_nginx, fastcgi_nginx):
        _, h, _ = request(port, "GET", "/api/health")
        assert h["x-content-type-options"] == "nosniff"


def test_fingerprinted_assets_are_cached_for_a_year_and_others_are_not(fastcgi_nginx):
    _, h, _ = request(fastcgi_nginx, "GET", "/app.3f9a2b1c.css")
    assert "immutable" in h["cache-control"] and "max-age=31536000" in h["cache-control"]
    assert h["x-content-type-options"] == "nosniff"
    _, h, _ = request(fastcgi_nginx, "GET", "/plain.css")
    assert "immutable" not in h.get("cache-control", "")


def test_missing_pages_get_the_site_404_page(cgi_nginx):
    status, _, body = request(cgi_nginx, "GET", "/no/such/page")
    assert status == 404 and b"Page not found" in body


def test_bodies_over_the_limit_are_refused_before_any_function_runs(cgi_nginx, fastcgi_nginx):
    for port in (cgi_nginx, fastcgi_nginx):
        status, _, _ = request(port, "POST", "/api/booking", b"x" * (1024 * 1024 + 1),
                               {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 413


def test_tls_rendering_adds_hsts_only_to_the_tls_server(root, tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    env = dict(os.environ, TLS_CERT=str(cert), TLS_KEY=str(key), LISTEN="127.0.0.1:8", TLS_LISTEN="127.0.0.1:9",
               PUBLIC_DIR=str(tmp_path), BIN_DIR=str(tmp_path), RUN_DIR=str(tmp_path),
               ACCESS_LOG=str(tmp_path / "access.log"))
    subprocess.run([root / "deploy" / "render.sh", tmp_path / "tls"], env=env, check=True, capture_output=True)
    for mode in ("roch-cgi.conf", "roch-fastcgi.conf"):
        text = (tmp_path / "tls" / mode).read_text()
        servers = text.split("server {")[1:]
        tls = [b for b in servers if "ssl_certificate " in b]
        plain = [b for b in servers if "ssl_certificate " not in b]
        assert len(tls) == 1 and len(plain) == 1
        tls, plain = tls[0], plain[0]
        assert "roch-hsts.conf" in tls and "roch-hsts.conf" not in plain
        conf = tmp_path / f"{mode}.nginx.conf"
        conf.write_text(f"pid {tmp_path}/p.pid; error_log stderr; events {{}} http {{ include {tmp_path / 'tls' / mode}; }}\n")
        r = subprocess.run(["nginx", "-t", "-p", tmp_path, "-e", "stderr", "-c", conf], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    rendered = (tmp_path / "tls" / "roch-fastcgi.conf").read_text()
    assert "@TLS_" not in rendered and "@RUN_DIR@" not in rendered


def test_without_a_certificate_no_tls_server_is_rendered(root, tmp_path):
    subprocess.run([root / "deploy" / "render.sh", tmp_path / "plain"], check=True, capture_output=True,
                   env=dict(os.environ, TLS_CERT=""))
    assert "ssl" not in (tmp_path / "plain" / "roch-cgi.conf").read_text()
