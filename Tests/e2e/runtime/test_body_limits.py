"""Request body limits: nginx refuses exactly what each function would refuse, no more. The limits live in
one table (deploy/functions.txt) that deploy/render.sh turns into one location per function; every built
function is asked for its own limit (`<fn> --max-body-bytes`, FunctionDefinition.maxBodyBytes)."""
import json
import os
import pathlib
import re
import subprocess

import pytest

from httpclient import request
from shipped_nginx import ShippedNginx, functions_table, render

WHATSAPP_ENV = {"WHATSAPP_ACCESS_TOKEN": "e2e-token", "WHATSAPP_PHONE_NUMBER_ID": "1000001", "WHATSAPP_APP_SECRET": "e2e-app-secret",
                "WHATSAPP_VERIFY_TOKEN": "e2e-verify", "SITE_URL": "http://127.0.0.1"}


def test_the_table_lists_every_function_with_the_limit_the_function_itself_enforces(root, functions_built):
    table = functions_table(root)
    assert sorted(name for name, _, _, _ in table) == sorted(p.name for p in (root / "functions").iterdir() if p.is_dir())
    for name, _, limit, _ in table:
        result = subprocess.run([str(functions_built / name), "--max-body-bytes"], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert int(result.stdout) == limit, f"{name}: deploy/functions.txt says {limit}, the function enforces {result.stdout.strip()}"


def test_each_rendered_location_carries_its_functions_limit(root, tmp_path):
    conf = render(root, tmp_path / "conf", ACCESS_LOG=tmp_path / "access.log")
    expected = {mount: limit for _, mount, limit, _ in functions_table(root)}
    for mode in ("cgi", "fastcgi"):
        text = (conf / f"roch-{mode}-functions.conf").read_text()
        found = {m.group(1): int(m.group(2)) for m in
                 re.finditer(r'location ~ "\^(/[a-z/-]+)\(\?<roch_path>.*?client_max_body_size (\d+);', text, re.S)}
        assert found == expected, mode


@pytest.mark.parametrize("mode", ["cgi", "fastcgi"])
def test_a_whatsapp_batch_over_1_mb_reaches_the_function_and_only_one_over_its_limit_is_refused(mode, root, functions_built, site,
                                                                                                   database_url):
    limit = dict((name, limit) for name, _, limit, _ in functions_table(root))["whatsapp-webhook"]
    workdir = pathlib.Path("/tmp") / f"limits-{mode}-{os.getpid()}"
    with ShippedNginx(root, workdir, site, functions_built, mode=mode, functions=["whatsapp-webhook", "booking"],
                      env={"DATABASE_URL": database_url, **WHATSAPP_ENV}) as nginx:
        batch = json.dumps({"object": "whatsapp_business_account", "entry": [], "pad": "x" * (2 * 1024 * 1024)}).encode()
        status, _, body = request(nginx.port, "POST", "/api/whatsapp-webhook", batch, {"Content-Type": "application/json"})
        # nginx passed the 2 MB batch on: the function read it and answered (unsigned, so 401 with its own message)
        assert status == 401 and b"X-Hub-Signature-256 is missing" in body, (status, body[:300])
        status, _, body = request(nginx.port, "POST", "/api/whatsapp-webhook", b"x" * (limit + 1), {"Content-Type": "application/json"})
        assert status == 413 and b"nginx" in body   # refused by nginx before any function ran
        # other functions keep the 1 MiB default
        status, _, _ = request(nginx.port, "POST", "/api/booking", b"x" * (1024 * 1024 + 1), {"Content-Type": "application/json"})
        assert status == 413
