"""The fake providers as a process: what end-to-end tests and benches rely on."""
import hashlib
import hmac
import json
import os
import smtplib
import ssl
import time
from email.message import EmailMessage

import pytest

from roch_fakes import FakeProcess, WebhookReceiver


@pytest.fixture(scope="module", autouse=True)
def built(bin_dir):
    if not (bin_dir / "roch-fakes").exists():
        pytest.fail("roch-fakes is not built: run `swift build` (make test does)")


def wait_for(predicate, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_razorpay_fake_creates_pays_and_sends_signed_webhooks(bin_dir):
    with WebhookReceiver() as hook, FakeProcess(bin_dir, "razorpay", "--key-id", "rzp_test", "--key-secret", "ks",
                                                "--webhook-secret", "ws", "--webhook-url", hook.url + "/api/razorpay-webhook") as rz:
        status, err = rz.api("POST", "/v1/payment_links", {"amount": 500_00, "reference_id": "m1"}, auth=("rzp_test", "bad"))
        assert status == 401 and err["error"]["description"] == "The api key provided is invalid"
        status, err = rz.api("POST", "/v1/payment_links", {"amount": 99, "reference_id": "m1"}, auth=("rzp_test", "ks"))
        assert status == 400 and err["error"]["field"] == "amount"
        status, link = rz.api("POST", "/v1/payment_links", {"amount": 500_00, "reference_id": "m1",
                                                            "callback_url": "https://roch.example/r", "callback_method": "get"},
                              auth=("rzp_test", "ks"))
        assert status == 200 and link["status"] == "created"
        status, again = rz.api("POST", "/v1/payment_links", {"amount": 500_00, "reference_id": "m1"}, auth=("rzp_test", "ks"))
        assert status == 400 and "reference ID already attempted" in again["error"]["description"]

        status, paid = rz.control("POST", "/__fake/pay", {"link_id": link["id"]})
        assert status == 200 and paid["link_status"] == "paid" and paid["webhook_statuses"] == [200, 200]
        events = []
        for path, headers, body in hook.received:
            assert path == "/api/razorpay-webhook"
            expected = hmac.new(b"ws", body, hashlib.sha256).hexdigest()
            assert hmac.compare_digest(headers["X-Razorpay-Signature"], expected)
            assert headers["X-Razorpay-Event-Id"].startswith("evt_")
            events.append(json.loads(body))
        assert [e["event"] for e in events] == ["payment.captured", "payment_link.paid"]
        assert events[1]["payload"]["payment_link"]["entity"]["amount_paid"] == 500_00

        status, again = rz.control("POST", "/__fake/redeliver", {"event_id": paid["events"][1]["event_id"], "times": 3})
        assert status == 200 and again["webhook_statuses"] == [200, 200, 200]
        assert len(hook.received) == 5

        status, cb = rz.control("GET", f"/__fake/callback?link_id={link['id']}&payment_id={paid['payment_id']}")
        q = cb["query"]
        message = f"{link['id']}|m1|paid|{paid['payment_id']}".encode()
        assert q["razorpay_signature"] == hmac.new(b"ks", message, hashlib.sha256).hexdigest()
        assert cb["url"].startswith("https://roch.example/r?razorpay_payment_id=")


def test_whatsapp_fake_accepts_templates_and_sends_signed_statuses(bin_dir, tmp_path):
    templates = tmp_path / "templates.json"
    templates.write_text(json.dumps([{"name": "payment_received", "language": "en", "body_parameters": 1}]))
    with WebhookReceiver() as hook, FakeProcess(bin_dir, "whatsapp", "--token", "T", "--phone-number-id", "123",
                                                "--app-secret", "S", "--templates", str(templates),
                                                "--webhook-url", hook.url + "/api/whatsapp-webhook",
                                                "--auto-statuses", "sent,delivered", "--pair-window", "0") as wa:
        message = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+919876543210", "type": "template",
                   "template": {"name": "payment_received", "language": {"code": "en"},
                                "components": [{"type": "body", "parameters": [{"type": "text", "text": "₹5,000"}]}]}}
        status, err = wa.api("POST", "/v21.0/123/messages", message, bearer="wrong")
        assert status == 401 and err["error"]["code"] == 190
        status, ok = wa.api("POST", "/v21.0/123/messages", message, bearer="T")
        assert status == 200 and ok["messages"][0]["id"].startswith("wamid.")
        bad = json.loads(json.dumps(message))
        bad["template"]["components"][0]["parameters"].append({"type": "text", "text": "extra"})
        status, err = wa.api("POST", "/v21.0/123/messages", bad, bearer="T")
        assert status == 400 and err["error"]["code"] == 132000

        status, listing = wa.control("GET", "/__fake/messages")
        assert [m["parameters"] for m in listing["messages"]] == [["₹5,000"]]
        assert listing["send_attempts"] == 3

        assert wait_for(lambda: len(hook.received) == 2)
        for _, headers, body in hook.received:
            assert headers["X-Hub-Signature-256"] == "sha256=" + hmac.new(b"S", body, hashlib.sha256).hexdigest()
        statuses = [json.loads(b)["entry"][0]["changes"][0]["value"]["statuses"][0] for _, _, b in hook.received]
        assert sorted(s["status"] for s in statuses) == ["delivered", "sent"]
        assert all(s["id"] == ok["messages"][0]["id"] for s in statuses)


def test_smtp_sink_keeps_messages_for_assertions(bin_dir):
    with FakeProcess(bin_dir, "smtp", "--control-port", "0", "--user", "mailer", "--password", "pw") as sink:
        msg = EmailMessage()
        msg["From"] = "bookings@roch.example"
        msg["To"] = "ananya@example.com"
        msg["Subject"] = "Receipt"
        msg.set_content("Thank you.\n.leading dot line\n")
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
            with pytest.raises(smtplib.SMTPAuthenticationError):
                smtp.login("mailer", "wrong")
            smtp.login("mailer", "pw")
            smtp.send_message(msg)
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
            smtp.ehlo("client.test")
            smtp.user, smtp.password = "mailer", "pw"
            assert smtp.auth("LOGIN", smtp.auth_login)[0] == 235
            assert smtp.noop()[0] == 250
            smtp.mail("x@roch.example")
            smtp.rcpt("dropped@example.com")
            assert smtp.rset()[0] == 250  # the abandoned envelope is not stored
        status, listing = sink.control("GET", "/__fake/messages")
        assert status == 200 and len(listing["messages"]) == 1
        assert listing["messages"][0]["over_tls"] is False
        received = listing["messages"][0]
        assert received["mail_from"] == "bookings@roch.example"
        assert received["recipients"] == ["ananya@example.com"]
        assert received["authenticated_user"] == "mailer"
        assert "\r\n.leading dot line\r\n" in received["data"]  # dot-stuffed by smtplib, unstuffed by the sink


def test_smtp_sink_offers_starttls_with_a_certificate_clients_can_trust(bin_dir):
    with FakeProcess(bin_dir, "smtp", "--control-port", "0") as sink:
        assert sink.ca_file and os.path.exists(sink.ca_file)
        context = ssl.create_default_context(cafile=sink.ca_file)
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
            smtp.ehlo("client.test")
            assert smtp.has_extn("starttls")
            smtp.starttls(context=context)  # verifies the certificate for 127.0.0.1
            smtp.ehlo("client.test")
            assert not smtp.has_extn("starttls")
            smtp.sendmail("bookings@roch.example", ["ananya@example.com"], "Subject: over TLS\r\n\r\nhello\r\n")
        status, listing = sink.control("GET", "/__fake/messages")
        assert [m["over_tls"] for m in listing["messages"]] == [True]
    with FakeProcess(bin_dir, "smtp", "--control-port", "0", "--no-starttls") as plain:
        assert plain.ca_file is None
        with smtplib.SMTP("127.0.0.1", plain.port, timeout=10) as smtp:
            smtp.ehlo("client.test")
            assert not smtp.has_extn("starttls")
