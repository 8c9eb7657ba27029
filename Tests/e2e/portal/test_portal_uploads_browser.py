"""Issue 19: a client uploads inspiration photos and documents from the portal page, in headless
Chromium at phone width, through nginx and the portal FastCGI responder into the file:// document
store. A real PNG and a real PDF are stored and listed; a text file named .jpg (415), an oversized
file (413, refused on the page before it is sent and by the server when sent anyway) and an upload to
another client's booking (404) store nothing. The plain form post (no JavaScript) lands on
/portal/?uploaded=<id>, and a form on another site cannot upload in the client's name."""
import pathlib
import secrets
import struct
import subprocess
import sys
import urllib.error
import urllib.request
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import psycopg_shim as db

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "admin"))
from test_admin_browser import check_accessibility  # noqa: E402
from browser import make_driver  # noqa: E402

from test_portal_browser import magic_link  # noqa: E402

WAIT = 30  # a bound so a broken page fails instead of hanging; nothing is timed
MAX_FILE = 10 << 20  # ClientUploadRules.maxFileBytes


def png(width=24, height=16):
    """A real PNG: signature, IHDR, one zlib-compressed IDAT of RGB rows, IEND."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 10 % 256, y * 15 % 256, 120)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pdf(text="Venue plan: mandap facing east"):
    """A real one-page PDF with a correct cross-reference table (qpdf --check passes it)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def multipart(fields, file_name, file_bytes, content_type="application/octet-stream"):
    boundary = "----roch" + secrets.token_hex(8)
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
             f"Content-Type: {content_type}\r\n\r\n").encode() + file_bytes + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_upload(base, cookie, booking, name, data, accept="application/json", origin=None):
    """POST /api/portal/uploads as a browser would; (status, headers, body)."""
    body, content_type = multipart({"booking": booking}, name, data)
    request = urllib.request.Request(base + "/api/portal/uploads", data=body, method="POST", headers={
        "Content-Type": content_type, "Accept": accept, "Cookie": cookie, "Origin": origin or base})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def stored(url):
    return db.query(url, "SELECT public_id, original_name, content_type, size_bytes FROM client_uploads ORDER BY id")


def uploads_on_page(driver):
    # read in one script: the list is re-rendered after each upload
    return driver.execute_script("return Array.from(document.querySelectorAll('#uploads a'), function (a) { return a.textContent; })")


def choose_and_upload(driver, path):
    driver.find_element(By.ID, "upload-file").send_keys(str(path))
    button = driver.find_element(By.ID, "upload-submit")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)  # clear of the sticky header
    button.click()


def test_a_client_uploads_photos_and_documents_from_the_portal(stack, portal_db, bin_dir, root, output_dir, tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    (files / "mandap-colours.png").write_bytes(png())
    (files / "venue-plan.pdf").write_bytes(pdf())
    (files / "holiday.jpg").write_bytes(b"just some text that only pretends to be a photo\n" * 20)
    (files / "huge-album.png").write_bytes(png() + b"\x00" * MAX_FILE)
    check = subprocess.run(["qpdf", "--check", str(files / "venue-plan.pdf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr  # the PDF is a real one, not bytes that start with %PDF
    booking = db.query(portal_db, "SELECT public_id FROM bookings b JOIN clients c ON c.id = b.client_id "
                                  "WHERE c.phone = '+919876512345' ORDER BY b.id LIMIT 1")[0][0]
    before = len(stored(portal_db))

    d = make_driver(360, 740)
    try:
        d.get(magic_link(bin_dir, root, portal_db, stack.url))
        WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "portal-app").is_displayed())
        WebDriverWait(d, WAIT).until(lambda x: "per booking" in x.find_element(By.ID, "upload-help").text)
        help_text = d.find_element(By.ID, "upload-help").text
        assert "10 MB each" in help_text and "50 files" in help_text and "PDF" in help_text, help_text
        assert d.find_element(By.ID, "upload-booking").get_attribute("value") == booking

        # a real PNG, then a real PDF: each stored, listed, and served back byte for byte
        for name in ("mandap-colours.png", "venue-plan.pdf"):
            choose_and_upload(d, files / name)
            WebDriverWait(d, WAIT).until(lambda x: name in uploads_on_page(x))
            assert f"Uploaded {name}" in d.find_element(By.ID, "upload-notice").text
        rows = stored(portal_db)[before:]
        assert [(r[1], r[2]) for r in rows] == [("mandap-colours.png", "image/png"), ("venue-plan.pdf", "application/pdf")]
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in d.get_cookies())
        for (public_id, name, _, size) in rows:
            with urllib.request.urlopen(urllib.request.Request(f"{stack.url}/api/portal/uploads/{public_id}",
                                                               headers={"Cookie": cookie}), timeout=30) as r:
                assert r.read() == (files / name).read_bytes() and int(size) == (files / name).stat().st_size

        # a text file named .jpg: refused by its contents, the message on the field, nothing stored
        choose_and_upload(d, files / "holiday.jpg")
        WebDriverWait(d, WAIT).until(lambda x: x.find_element(By.ID, "upload-error").is_displayed())
        assert "Only JPEG, PNG, WebP or HEIC photos and PDF documents" in d.find_element(By.ID, "upload-error").text
        assert d.find_element(By.ID, "upload-file").get_attribute("aria-invalid") == "true"
        assert "upload-error" in d.find_element(By.ID, "upload-file").get_attribute("aria-describedby")
        d.save_screenshot(str(output_dir / "portal-upload-refused-phone.png"))

        # over 10 MB: the page says so before sending anything
        choose_and_upload(d, files / "huge-album.png")
        WebDriverWait(d, WAIT).until(lambda x: "larger than 10 MB" in x.find_element(By.ID, "upload-error").text)
        assert len(stored(portal_db)) == before + 2

        # the page with its form and list: no serious accessibility problem, fits the phone
        found = []
        check_accessibility(d, "portal with uploads", found)
        assert found == []
        assert d.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 0
        d.save_screenshot(str(output_dir / "portal-uploads-phone.png"))

        # the server refuses by itself what the page would not send
        status, _, body = post_upload(stack.url, cookie, booking, "huge-album.png", (files / "huge-album.png").read_bytes())
        assert status == 413 and b"file_too_large" in body, (status, body)
        status, _, body = post_upload(stack.url, cookie, booking, "holiday.jpg", (files / "holiday.jpg").read_bytes())
        assert status == 415 and b"unsupported_file_type" in body, (status, body)

        # another client's booking is the same 404 as none, and stores nothing
        db.execute(portal_db, """
            INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ('+919876512377', 'Kiran Das', 'kiran@example.com', true);
            INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
              SELECT 'e2euploadsotherbooking0001', id, 'enquiry', 'wedding', current_date + 90, 'Pune', 150, '10l_25l'
              FROM clients WHERE phone = '+919876512377';""")
        status, _, body = post_upload(stack.url, cookie, "e2euploadsotherbooking0001", "mandap-colours.png", (files / "mandap-colours.png").read_bytes())
        assert status == 404, (status, body)

        # a form on another site cannot upload in the signed-in client's name
        status, _, body = post_upload(stack.url, cookie, booking, "mandap-colours.png", (files / "mandap-colours.png").read_bytes(),
                                      origin="https://evil.example")
        assert status == 403, (status, body)
        assert len(stored(portal_db)) == before + 2

        # the plain form post (a browser without the script) is answered with the portal page to go back to
        status, headers, _ = post_upload(stack.url, cookie, booking, "guest-list.pdf", pdf("Guest list: 300"), accept="text/html")
        assert status == 303, status
        location = headers.get("Location", "")
        new_id = stored(portal_db)[-1][0]
        assert location == f"/portal/?uploaded={new_id}", location
        d.get(stack.url + location)
        WebDriverWait(d, WAIT).until(lambda x: "Uploaded guest-list.pdf" in x.find_element(By.ID, "upload-notice").text)
        assert "guest-list.pdf" in uploads_on_page(d)
    finally:
        d.quit()
