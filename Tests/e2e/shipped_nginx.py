"""The shipped nginx configuration (deploy/nginx rendered by deploy/render.sh) served by a real nginx,
in front of either stock fcgiwrap (CGI) or one native FastCGI responder per function, on loopback.

    with ShippedNginx(root, workdir, public, bin_dir, mode="cgi", env={"DATABASE_URL": url}) as site:
        site.url, site.access_log(), ...
"""
import os
import pathlib
import shutil
import signal
import subprocess

from support import free_port, wait_for_port, wait_for_socket


def functions_table(root: pathlib.Path) -> list[tuple[str, str, int, str]]:
    """deploy/functions.txt: (name, mount, max body bytes, kind) for every function nginx routes to."""
    rows = []
    for line in (root / "deploy" / "functions.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, mount, limit, kind = line.split()
            rows.append((name, mount, int(limit), kind))
    return rows


def render(root: pathlib.Path, out: pathlib.Path, **variables) -> pathlib.Path:
    env = dict(os.environ, **{k: str(v) for k, v in variables.items()})
    result = subprocess.run([str(root / "deploy" / "render.sh"), str(out)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def nginx_main_conf(prefix: pathlib.Path, site_conf: pathlib.Path) -> pathlib.Path:
    """An nginx.conf with a temp prefix, pid and logs that includes one rendered site file in http{}."""
    for d in ["client_body", "fastcgi", "proxy", "uwsgi", "scgi", "logs"]:
        (prefix / d).mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.getuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/client_body;
    fastcgi_temp_path {prefix}/fastcgi;
    proxy_temp_path {prefix}/proxy;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site_conf};
}}
""")
    return conf


class ShippedNginx:
    """nginx with the rendered roch-cgi.conf (fcgiwrap -c `children`) or roch-fastcgi.conf (responders)."""

    def __init__(self, root, workdir, public, bin_dir, mode="cgi", env=None, children=8, functions=None, tls=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, **(env or {})}
        self.procs: list[subprocess.Popen] = []
        run = self.workdir / "run"
        run.mkdir(exist_ok=True)
        self.access_log_path = self.workdir / "access.log"
        try:
            if mode == "cgi":
                sock = run / "fcgiwrap.sock"
                fw = self._start(["fcgiwrap", "-c", str(children), "-s", f"unix:{sock}"])
                wait_for_socket(sock, fw)
            else:
                names = functions or [name for name, _, _, _ in functions_table(pathlib.Path(root))]
                for name in names:
                    p = self._start([str(pathlib.Path(bin_dir) / name), "--fastcgi", f"unix:{run / name}.sock"])
                    wait_for_socket(run / f"{name}.sock", p)
            # nginx must be told its ports: when one was taken before nginx bound it, again on others.
            error_log = self.workdir / "nginx" / "logs" / "error.log"
            for attempt in range(5):
                self.port = free_port()
                self.tls_port = free_port() if tls else None
                variables = dict(PUBLIC_DIR=public, BIN_DIR=bin_dir, RUN_DIR=run, FCGIWRAP_SOCKET=run / "fcgiwrap.sock",
                                 LISTEN=f"127.0.0.1:{self.port}", SERVER_NAME="localhost", ACCESS_LOG=self.access_log_path)
                if tls:
                    cert, key = tls
                    variables.update(TLS_CERT=cert, TLS_KEY=key, TLS_LISTEN=f"127.0.0.1:{self.tls_port}")
                self.conf_dir = render(pathlib.Path(root), self.workdir / "conf", **variables)
                conf = nginx_main_conf(self.workdir / "nginx", self.conf_dir / f"roch-{mode}.conf")
                error_log.unlink(missing_ok=True)
                nginx = self._start(["nginx", "-p", str(self.workdir / "nginx"), "-e", str(error_log), "-c", str(conf)])
                try:
                    wait_for_port(self.port, nginx)
                    break
                except RuntimeError:
                    if attempt == 4 or not (error_log.exists() and "Address already in use" in error_log.read_text()):
                        raise
        except Exception:
            self.close()
            raise
        self.url = f"http://127.0.0.1:{self.port}"

    def _start(self, args) -> subprocess.Popen:
        # Own process group: fcgiwrap -c N forks children that a signal to the parent alone would orphan.
        p = subprocess.Popen(args, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=open(self.workdir / f"{pathlib.Path(args[0]).name}.log", "ab"))
        self.procs.append(p)
        return p

    def access_log(self) -> str:
        return self.access_log_path.read_text() if self.access_log_path.exists() else ""

    def close(self):
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in reversed(self.procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        self.procs = []
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
