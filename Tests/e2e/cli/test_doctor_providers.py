"""`roch doctor --providers`: one read-only call to Razorpay and one to WhatsApp (the fakes serve the same
endpoints with the same authentication), with a clear line for good keys, refused keys and an
unreachable provider."""
import os
import subprocess

import pytest

from roch_fakes import FakeProcess
from support import free_port

KEY_ID, KEY_SECRET, PHONE_ID = "rzp_test_DoctorCheck01", "doctor_secret", "106540352242922"


@pytest.fixture
def fakes(bin_dir):
    with FakeProcess(bin_dir, "razorpay", "--key-id", KEY_ID, "--key-secret", KEY_SECRET, "--webhook-secret", "w") as razorpay, \
            FakeProcess(bin_dir, "whatsapp", "--token", "good-token", "--phone-number-id", PHONE_ID, "--app-secret", "s") as whatsapp:
        yield razorpay, whatsapp


def doctor(bin_dir, root, url, tmp_path, razorpay_base, whatsapp_base, key_secret=KEY_SECRET, token="good-token", phone_id=PHONE_ID):
    run_dir = tmp_path / "run"
    run_dir.mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "SITE_URL": "https://rochevents.test", "ROCH_RUN_DIR": str(run_dir),
           "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": key_secret, "RAZORPAY_WEBHOOK_SECRET": "w",
           "RAZORPAY_API_BASE": razorpay_base, "WHATSAPP_ACCESS_TOKEN": token, "WHATSAPP_PHONE_NUMBER_ID": phone_id,
           "WHATSAPP_APP_SECRET": "s", "WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_API_BASE": whatsapp_base}
    return subprocess.run([str(bin_dir / "roch"), "doctor", "--providers"], env=env, cwd=root, capture_output=True, text=True, timeout=120)


def test_good_credentials_are_confirmed(bin_dir, root, migrated_db, tmp_path, fakes):
    razorpay, whatsapp = fakes
    r = doctor(bin_dir, root, migrated_db, tmp_path, f"http://127.0.0.1:{razorpay.port}", f"http://127.0.0.1:{whatsapp.port}/v21.0")
    assert r.returncode == 0, r.stdout
    assert f"razorpay: key {KEY_ID} accepted" in r.stdout and "(test mode)" in r.stdout
    assert f"whatsapp: token accepted for phone number id {PHONE_ID}: 15550783881 (Roch Events)" in r.stdout
    # read-only: nothing was created at either provider
    assert razorpay.control("GET", "/__fake/links")[1]["payment_links"] == []
    assert whatsapp.control("GET", "/__fake/messages")[1]["send_attempts"] == 0


def test_refused_credentials_and_a_wrong_phone_number_id_are_named(bin_dir, root, migrated_db, tmp_path, fakes):
    razorpay, whatsapp = fakes
    r = doctor(bin_dir, root, migrated_db, tmp_path, f"http://127.0.0.1:{razorpay.port}", f"http://127.0.0.1:{whatsapp.port}/v21.0",
               key_secret="wrong", token="expired-token")
    assert r.returncode == 1
    assert "razorpay: Razorpay refused key rzp_test_DoctorCheck01 (HTTP 401): check RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET" in r.stdout
    assert "whatsapp: Meta refused the access token (HTTP 401, code 190): check WHATSAPP_ACCESS_TOKEN" in r.stdout
    r = doctor(bin_dir, root, migrated_db, tmp_path, f"http://127.0.0.1:{razorpay.port}", f"http://127.0.0.1:{whatsapp.port}/v21.0",
               phone_id="999999999")
    assert r.returncode == 1 and "whatsapp: Meta does not know phone number id 999999999" in r.stdout, r.stdout


def test_unreachable_providers_are_named(bin_dir, root, migrated_db, tmp_path):
    closed = free_port()   # nothing listens there
    r = doctor(bin_dir, root, migrated_db, tmp_path, f"http://127.0.0.1:{closed}", f"http://127.0.0.1:{closed}/v21.0")
    assert r.returncode == 1
    assert f"razorpay: cannot reach http://127.0.0.1:{closed}" in r.stdout
    assert f"whatsapp: cannot reach http://127.0.0.1:{closed}/v21.0" in r.stdout
