"""Load generator for the booking function: POSTs unique enquiries over FastCGI for a fixed time.

usage: booking_load.py ADDRESS SECONDS CONCURRENCY [SCRIPT_FILENAME]
ADDRESS is host:port or a unix socket path. With SCRIPT_FILENAME the target is fcgiwrap (CGI mode).
Prints one JSON line: requests, errors, rps, p50_ms, p99_ms.
"""
import datetime
import json
import multiprocessing
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "e2e"))
import fastcgi_client as fcgi  # noqa: E402

FUTURE = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()


def worker(address, seconds, threads, script, out):
    latencies, errors = [], [0]
    lock = threading.Lock()
    deadline = time.time() + seconds

    def loop():
        local, local_err = [], 0
        while time.time() < deadline:
            n = uuid.uuid4().int
            body = json.dumps({
                "name": "Bench Guest", "phone": f"+9197{n % 100000000:08d}", "email": "bench@example.com",
                "event_type": "wedding", "event_date": FUTURE, "city": "Jaipur", "guests": 150, "budget": "10l_25l",
                "services": ["decor", "catering"], "whatsapp_consent": "yes", "idempotency_key": f"bench-{n:x}"[:60],
            }).encode()
            params = fcgi.cgi_params("POST", "/api/booking", body, "application/json", f"10.{n % 250}.{n % 199}.{n % 97 + 1}",
                                     headers={"Accept": "application/json"})
            if script:
                params["SCRIPT_FILENAME"] = script
            t0 = time.perf_counter()
            try:
                status, _, _, _ = fcgi.request(address, params, body, timeout=60)
                ok = status == 201
            except Exception:
                ok = False
            local.append(time.perf_counter() - t0)
            if not ok:
                local_err += 1
        with lock:
            latencies.extend(local)
            errors[0] += local_err

    ts = [threading.Thread(target=loop) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((latencies, errors[0]))


def main():
    addr, seconds, concurrency = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    script = sys.argv[4] if len(sys.argv) > 4 else None
    address = addr if addr.startswith("/") else (addr.split(":")[0], int(addr.split(":")[1]))
    procs = 2
    q = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=worker, args=(address, seconds, max(1, concurrency // procs), script, q)) for _ in range(procs)]
    for p in ps:
        p.start()
    latencies, errors = [], 0
    for _ in ps:
        lat, err = q.get()
        latencies += lat
        errors += err
    for p in ps:
        p.join()
    latencies.sort()
    n = len(latencies)
    pct = lambda p: latencies[min(n - 1, int(p * n))] * 1000 if n else 0.0
    print(json.dumps({"requests": n, "errors": errors, "rps": round(n / seconds, 1),
                      "p50_ms": round(pct(0.50), 2), "p99_ms": round(pct(0.99), 2)}))


if __name__ == "__main__":
    main()
