"""Fixtures for the runtime end-to-end tests: the shipped nginx configuration rendered by
deploy/render.sh into a temp dir, nginx + fcgiwrap (CGI mode), nginx + native FastCGI responders,
and `roch serve` (CGI and in-process). Every process started here is stopped at the end of the session.
"""
import os
import pathlib
import shutil
import signal
import subprocess

import pytest

from support import free_port, start_on_free_port, start_serve, wait_for_port, wait_for_socket  # noqa: F401  (shared with the tests)

FUNCTIONS = ["booking", "razorpay-webhook", "whatsapp-webhook", "portal", "portal-events", "admin", "health"]


class Processes:
    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, args, **kw) -> subprocess.Popen:
        # Each in its own process group: fcgiwrap -c N forks workers that outlive a signal to the parent.
        p = subprocess.Popen([str(a) for a in args], start_new_session=True, **kw)
        self.procs.append(p)
        return p

    @staticmethod
    def signal_group(p: subprocess.Popen, sig) -> None:
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass

    def stop_all(self):
        for p in reversed(self.procs):
            self.signal_group(p, signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.signal_group(p, signal.SIGKILL)
                p.wait()


@pytest.fixture(scope="session")
def processes():
    ps = Processes()
    yield ps
    ps.stop_all()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> pathlib.Path:
    # Unix socket paths must stay short (108 bytes): use a short temp dir.
    d = pathlib.Path(os.environ.get("ROCH_E2E_TMP", "/tmp")) / f"rt-e2e-{os.getpid()}"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def site(workdir) -> pathlib.Path:
    """A small built site, like `roch build` output."""
    public = workdir / "public"
    (public / "services").mkdir(parents=True)
    (public / "index.html").write_text("<!doctype html><html><body><h1>Roch Events</h1></body></html>\n")
    (public / "404.html").write_text("<!doctype html><html><body><h1>Page not found</h1></body></html>\n")
    (public / "services" / "index.html").write_text("<!doctype html><html><body>Services</body></html>\n")
    (public / "app.3f9a2b1c.css").write_text("body { color: #222 }\n" * 40)
    (public / "plain.css").write_text("body { color: #222 }\n")
    return public


@pytest.fixture(scope="session")
def functions_built(bin_dir):
    missing = [f for f in FUNCTIONS + ["roch"] if not (bin_dir / f).exists()]
    if missing:
        pytest.fail(f"build first (swift build): missing {missing} in {bin_dir}")
    return bin_dir


def render(root: pathlib.Path, out: pathlib.Path, **variables) -> pathlib.Path:
    env = dict(os.environ, **{k: str(v) for k, v in variables.items()})
    subprocess.run([str(root / "deploy" / "render.sh"), str(out)], env=env, check=True, capture_output=True)
    return out


def start_nginx(processes: Processes, prefix: pathlib.Path, site_conf: pathlib.Path) -> int:
    """nginx in the foreground with a temp prefix, pid and logs, including one rendered site file."""
    port_conf = (site_conf.parent / "port").read_text().strip()
    for d in ["client_body", "fastcgi", "proxy", "uwsgi", "scgi", "logs"]:
        (prefix / d).mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.getuid() == 0 else ""
    (prefix / "nginx.conf").write_text(f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/client_body;
    fastcgi_temp_path {prefix}/fastcgi;
    proxy_temp_path {prefix}/proxy;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site_conf};
}}
""")
    p = processes.start(["nginx", "-p", prefix, "-e", prefix / "logs" / "error.log", "-c", prefix / "nginx.conf"],
                        stderr=subprocess.DEVNULL)
    wait_for_port(int(port_conf), p)
    return int(port_conf)


def nginx_on_free_port(processes: Processes, prefix: pathlib.Path, site_conf_for) -> int:
    """nginx on a free port: site_conf_for(port) renders its site file; when the port was taken before
    nginx bound it, again on another. Returns the port."""
    def start(port):
        (prefix / "logs" / "error.log").unlink(missing_ok=True)  # only this attempt's errors count
        site_conf = site_conf_for(port)
        (site_conf.parent / "port").write_text(str(port))
        return start_nginx(processes, prefix, site_conf)

    def taken(_port):
        log = prefix / "logs" / "error.log"
        return log.exists() and "Address already in use" in log.read_text()

    return start_on_free_port(start, taken)[0]


@pytest.fixture(scope="session")
def cgi_nginx(root, workdir, site, functions_built, processes) -> int:
    """nginx + stock fcgiwrap running the function executables as CGI. Returns the HTTP port."""
    d = workdir / "cgi"
    d.mkdir()
    sock = d / "fcgiwrap.sock"
    fw = processes.start(["fcgiwrap", "-c", "4", "-s", f"unix:{sock}"])
    wait_for_socket(sock, fw)
    return nginx_on_free_port(processes, d / "nginx", lambda port: render(
        root, d / "conf", PUBLIC_DIR=site, BIN_DIR=functions_built, RUN_DIR=d, FCGIWRAP_SOCKET=sock,
        LISTEN=f"127.0.0.1:{port}", SERVER_NAME="localhost", ACCESS_LOG=d / "access.log") / "roch-cgi.conf")


@pytest.fixture(scope="session")
def fastcgi_nginx(root, workdir, site, functions_built, processes) -> int:
    """nginx + one native FastCGI responder per function on unix sockets. Returns the HTTP port."""
    d = workdir / "fcgi"
    run = d / "run"
    run.mkdir(parents=True)
    for fn in FUNCTIONS:
        p = processes.start([functions_built / fn, "--fastcgi", f"unix:{run / fn}.sock"])
        wait_for_socket(run / f"{fn}.sock", p)
    return nginx_on_free_port(processes, d / "nginx", lambda port: render(
        root, d / "conf", PUBLIC_DIR=site, BIN_DIR=functions_built, RUN_DIR=run, FCGIWRAP_SOCKET=run / "unused.sock",
        LISTEN=f"127.0.0.1:{port}", SERVER_NAME="localhost", ACCESS_LOG=d / "access.log") / "roch-fastcgi.conf")



@pytest.fixture(scope="session")
def serve_cgi(site, functions_built, processes) -> int:
    return start_serve(processes, functions_built, site)


@pytest.fixture(scope="session")
def serve_in_process(site, functions_built, processes) -> int:
    return start_serve(processes, functions_built, site, "--in-process")


@pytest.fixture(scope="session")
def all_modes(cgi_nginx, fastcgi_nginx, serve_cgi, serve_in_process) -> dict:
    return {"nginx+fcgiwrap (CGI)": cgi_nginx, "nginx+FastCGI": fastcgi_nginx,
            "roch serve (CGI)": serve_cgi, "roch serve --in-process": serve_in_process}
