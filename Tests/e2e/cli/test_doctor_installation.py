"""`roch doctor` on a live installation: FastCGI sockets answer, worker heartbeat, outbox, certificate."""
import datetime
import os
import socket
import subprocess

import psycopg_shim as db


def doctor(bin_dir, root, env):
    return subprocess.run([str(bin_dir / "roch"), "doctor"], env=env, cwd=root, capture_output=True, text=True, timeout=60)


def test_doctor_asks_each_socket_and_names_the_one_that_does_not_answer(bin_dir, root, migrated_db, tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    env = {**os.environ, "DATABASE_URL": migrated_db, "SITE_URL": "https://rochevents.test", "ROCH_RUN_DIR": str(run_dir)}
    health = subprocess.Popen([str(bin_dir / "health"), "--fastcgi", f"unix:{run_dir}/health.sock"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=20)
        while not (run_dir / "health.sock").exists() and datetime.datetime.now() < deadline:
            subprocess.run(["sleep", "0.05"])
        # a socket file left behind by a responder that died: nothing listens on it
        dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        dead.bind(str(run_dir / "booking.sock"))
        dead.close()
        r = doctor(bin_dir, root, env)
        assert "socket health.sock: answers FastCGI" in r.stdout, r.stdout
        assert "socket booking.sock: PROBLEM" in r.stdout and "roch-fn@booking" in r.stdout
        assert r.returncode == 1
        (run_dir / "booking.sock").unlink()
        r = doctor(bin_dir, root, env)
        assert r.returncode == 0 and "all good" in r.stdout, r.stdout
    finally:
        health.terminate()
        health.wait(timeout=20)


def test_doctor_reports_a_silent_worker_a_paused_outbox_and_an_expiring_certificate(bin_dir, root, migrated_db, tmp_path):
    env = {**os.environ, "DATABASE_URL": migrated_db, "SITE_URL": "https://rochevents.test", "ROCH_RUN_DIR": str(tmp_path / "none")}
    db.execute(migrated_db, "INSERT INTO worker_heartbeats (worker, host, pid, beat_at) VALUES ('h:1', 'h', 1, now() - interval '10 minutes')")
    r = doctor(bin_dir, root, env)
    assert "worker: PROBLEM: last heartbeat" in r.stdout and r.returncode == 1
    db.execute(migrated_db, "UPDATE worker_heartbeats SET beat_at = now()")
    db.execute(migrated_db, "INSERT INTO operator_settings (key, value) VALUES ('outbox_paused', 'true')")
    r = doctor(bin_dir, root, env)
    assert "worker: heartbeat" in r.stdout and "outbox: PROBLEM: PAUSED" in r.stdout and r.returncode == 1
    db.execute(migrated_db, "DELETE FROM operator_settings")
    cert = tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(cert), "-days", "3", "-subj", "/CN=rochevents.test"], check=True, capture_output=True)
    r = doctor(bin_dir, root, {**env, "TLS_CERT": str(cert)})
    assert "certificate: PROBLEM" in r.stdout and "expires in 2 day" in r.stdout and r.returncode == 1, r.stdout
